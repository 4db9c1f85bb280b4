import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingCache, RecordingCacheError } from '../../electron/main/recording-cache';

let root: string;
let dir: string;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ringside-cache-'));
  dir = path.join(root, 'recording-cache');
  clock = 1_700_000_000_000;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const audio = (size: number, fill = 7) => new Uint8Array(size).fill(fill);

describe('recording cache', () => {
  it('stores a recording and reads the same bytes back after a restart', async () => {
    const cache = await RecordingCache.open({ dir, now });
    const put = await cache.put('CA0123456789abcdef0123456789abcdef', audio(1000, 3), 'audio/mpeg');
    expect(put).toMatchObject({ stored: true, evicted: [] });
    const reopened = await RecordingCache.open({ dir, now });
    const got = await reopened.get('CA0123456789abcdef0123456789abcdef');
    expect(got?.contentType).toBe('audio/mpeg');
    expect(got?.bytes).toBe(1000);
    expect(Buffer.from(got!.data).equals(Buffer.from(audio(1000, 3)))).toBe(true);
    expect(await reopened.usage()).toEqual({ entries: 1, bytes: 1000, maxBytes: reopened.maxBytes });
  });

  it('answers null for a call it does not hold', async () => {
    const cache = await RecordingCache.open({ dir, now });
    expect(await cache.get('call-unknown')).toBeNull();
    expect(await cache.remove('call-unknown')).toBe(false);
  });

  it('replaces a recording stored again under the same call id', async () => {
    const cache = await RecordingCache.open({ dir, now });
    await cache.put('call-1', audio(100), 'audio/mpeg');
    clock += 1000;
    await cache.put('call-1', audio(300), 'audio/wav');
    expect(await cache.list()).toEqual([
      { callId: 'call-1', contentType: 'audio/wav', bytes: 300, storedAt: 1_700_000_000_000, lastUsedAt: clock },
    ]);
    expect((await cache.usage()).bytes).toBe(300);
  });

  it('evicts the least recently used recordings when it grows past its limit', async () => {
    const cache = await RecordingCache.open({ dir, now, maxBytes: 1000 });
    await cache.put('call-a', audio(400), 'audio/mpeg');
    clock += 1;
    await cache.put('call-b', audio(400), 'audio/mpeg');
    clock += 1;
    await cache.get('call-a'); // a is now more recent than b
    clock += 1;
    const put = await cache.put('call-c', audio(400), 'audio/mpeg');
    expect(put).toMatchObject({ stored: true, evicted: ['call-b'] });
    expect((await cache.list()).map((r) => r.callId)).toEqual(['call-c', 'call-a']);
    expect(await cache.get('call-b')).toBeNull();
    expect((await readdir(dir)).sort()).toEqual(['index.json', 'rec-call-a.bin', 'rec-call-c.bin']);
  });

  it('keeps the waveform peaks next to their recording and evicts the two together', async () => {
    const cache = await RecordingCache.open({ dir, now, maxBytes: 1000 });
    const peaks = new TextEncoder().encode(JSON.stringify({ version: 1, channels: [[0, 1, 0]] }));
    await cache.put('call-a__peaks', peaks, 'application/json');
    await cache.put('call-a', audio(400), 'audio/mpeg');
    clock += 1;
    await cache.put('call-b', audio(300), 'audio/mpeg');
    clock += 1;
    await cache.put('call-b__peaks', peaks, 'application/json');
    clock += 1;
    // call-a is the least recently used group: its audio and its peaks leave together.
    const put = await cache.put('call-c', audio(300), 'audio/mpeg');
    expect(put).toMatchObject({ stored: true, evicted: ['call-a', 'call-a__peaks'] });
    expect((await cache.list()).map((r) => r.callId).sort()).toEqual(['call-b', 'call-b__peaks', 'call-c']);
    const kept = await cache.get('call-b__peaks');
    expect(kept?.contentType).toBe('application/json');
    expect(JSON.parse(new TextDecoder().decode(kept!.data))).toEqual({ version: 1, channels: [[0, 1, 0]] });
  });

  it('refuses a recording larger than the whole cache without evicting anything', async () => {
    const cache = await RecordingCache.open({ dir, now, maxBytes: 1000 });
    await cache.put('call-a', audio(400), 'audio/mpeg');
    expect(await cache.put('call-big', audio(1001), 'audio/mpeg')).toMatchObject({
      stored: false,
      reason: 'TOO_LARGE',
    });
    expect((await cache.list()).map((r) => r.callId)).toEqual(['call-a']);
  });

  it('refuses call ids that could name a path, and non-audio types', async () => {
    const cache = await RecordingCache.open({ dir, now });
    for (const id of ['../settings', '..', 'a/b', 'a\\b', '', 'x'.repeat(129), 'call.1', 'C:', '%2e%2e']) {
      await expect(cache.put(id, audio(10), 'audio/mpeg')).rejects.toBeInstanceOf(RecordingCacheError);
      await expect(cache.get(id)).rejects.toBeInstanceOf(RecordingCacheError);
      await expect(cache.remove(id)).rejects.toBeInstanceOf(RecordingCacheError);
    }
    await expect(cache.put('call-1', audio(10), 'text/html')).rejects.toThrow(/audio/);
    await expect(cache.put('call-1', audio(10), 'application/javascript')).rejects.toThrow(/audio/);
    expect(await readdir(root)).toEqual(['recording-cache']);
  });

  it('forgets a recording whose file was deleted behind its back', async () => {
    const cache = await RecordingCache.open({ dir, now });
    await cache.put('call-1', audio(10), 'audio/mpeg');
    await rm(path.join(dir, 'rec-call-1.bin'));
    expect(await cache.get('call-1')).toBeNull();
    expect(await cache.list()).toEqual([]);
  });

  it('on open, drops index entries without a matching file and files without an entry', async () => {
    const cache = await RecordingCache.open({ dir, now });
    await cache.put('call-kept', audio(10), 'audio/mpeg');
    await cache.put('call-truncated', audio(10), 'audio/mpeg');
    await writeFile(path.join(dir, 'rec-call-truncated.bin'), audio(5));
    await writeFile(path.join(dir, 'rec-orphan.bin'), audio(50));
    await writeFile(path.join(dir, 'rec-call-x.bin.1234.abcd.tmp'), audio(50));
    await writeFile(path.join(dir, 'notes.txt'), 'left by a person');
    const reopened = await RecordingCache.open({ dir, now });
    expect((await reopened.list()).map((r) => r.callId)).toEqual(['call-kept']);
    expect((await readdir(dir)).sort()).toEqual(['index.json', 'notes.txt', 'rec-call-kept.bin']);
  });

  it('starts empty when the index is corrupt', async () => {
    const cache = await RecordingCache.open({ dir, now });
    await cache.put('call-1', audio(10), 'audio/mpeg');
    await writeFile(path.join(dir, 'index.json'), 'not json');
    const warnings: string[] = [];
    const reopened = await RecordingCache.open({ dir, now, onWarning: (m) => warnings.push(m) });
    expect(await reopened.list()).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'))).toEqual({ version: 1, entries: {} });
  });

  it('keeps the index consistent under concurrent puts and removes', async () => {
    const cache = await RecordingCache.open({ dir, now, maxBytes: 10_000 });
    const ids = Array.from({ length: 30 }, (_, i) => `call-${i}`);
    await Promise.all(ids.map((id, i) => cache.put(id, audio(100 + i), 'audio/mpeg')));
    await Promise.all(ids.filter((_, i) => i % 3 === 0).map((id) => cache.remove(id)));
    const listed = (await cache.list()).map((r) => r.callId).sort();
    const reopened = await RecordingCache.open({ dir, now });
    expect((await reopened.list()).map((r) => r.callId).sort()).toEqual(listed);
    expect(listed).toHaveLength(20);
  });
});
