import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportClip, sanitiseClipFileName, type ShowSaveDialog } from '../../electron/main/clip-export';

describe('clip file names', () => {
  it('keeps a readable name and adds the extension for the audio type', () => {
    expect(sanitiseClipFileName('Objection handled well – Hackney', 'audio/mpeg')).toBe(
      'Objection handled well – Hackney.mp3',
    );
    expect(sanitiseClipFileName('already.wav', 'audio/wav')).toBe('already.wav');
    expect(sanitiseClipFileName('clip', 'audio/x-unknown')).toBe('clip.audio');
  });

  it('removes folders and characters that are invalid on Windows, macOS or Linux', () => {
    expect(sanitiseClipFileName('../../etc/passwd', 'audio/mpeg')).toBe('etc-passwd.mp3');
    expect(sanitiseClipFileName('C:\\Users\\x\\clip', 'audio/mpeg')).toBe('C-Users-x-clip.mp3');
    expect(sanitiseClipFileName('a<b>c:d"e|f?g*h\u0000i\nj', 'audio/mpeg')).toBe('a-b-c-d-e-f-g-h-i-j.mp3');
    expect(sanitiseClipFileName('  trailing dots... ', 'audio/mpeg')).toBe('trailing dots.mp3');
  });

  it('never yields an empty or reserved name', () => {
    expect(sanitiseClipFileName('///', 'audio/mpeg')).toBe('clip.mp3');
    expect(sanitiseClipFileName('', 'audio/mpeg')).toBe('clip.mp3');
    expect(sanitiseClipFileName('CON', 'audio/mpeg')).toBe('clip-CON.mp3');
    expect(sanitiseClipFileName('lpt1.mp3', 'audio/mpeg')).toBe('clip-lpt1.mp3');
  });

  it('limits very long names', () => {
    expect(sanitiseClipFileName('x'.repeat(500), 'audio/mpeg')).toBe(`${'x'.repeat(120)}.mp3`);
  });
});

describe('clip export', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-export-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('offers the sanitised name in the last folder and writes where the person chose', async () => {
    const asked: Parameters<ShowSaveDialog>[0][] = [];
    const remembered: string[] = [];
    const target = path.join(dir, 'my clip.mp3');
    const result = await exportClip(
      { fileName: 'a/b', data: new Uint8Array([9, 8, 7]), contentType: 'audio/mpeg' },
      {
        defaultFolder: '/home/reviewer/Clips',
        rememberFolder: async (folder) => void remembered.push(folder),
        showSaveDialog: async (options) => {
          asked.push(options);
          return { canceled: false, filePath: target };
        },
      },
    );
    expect(asked[0].defaultPath).toBe(path.join('/home/reviewer/Clips', 'a-b.mp3'));
    expect(asked[0].filters[0]).toEqual({ name: 'Audio', extensions: ['mp3'] });
    expect(result).toEqual({ saved: true, path: target });
    expect([...(await readFile(target))]).toEqual([9, 8, 7]);
    expect(remembered).toEqual([dir]);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const result = await exportClip(
      { fileName: 'x', data: new Uint8Array([1]), contentType: 'audio/mpeg' },
      {
        defaultFolder: dir,
        rememberFolder: async () => {
          throw new Error('must not remember a cancelled export');
        },
        showSaveDialog: async () => ({ canceled: true }),
      },
    );
    expect(result).toEqual({ saved: false, reason: 'CANCELLED' });
  });
});
