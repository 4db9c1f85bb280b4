import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingCache } from '../../electron/main/recording-cache';
import type { DesktopRecordingCache } from '../../renderer/src/features/review/offline/recording-cache';
import { createDesktopRecordingCache } from '../../renderer/src/features/review/offline/recording-cache';
import { computePeaks } from '../../shared/peaks';

/**
 * The review workspace's offline copies on the desktop: its adapter over the preload API, run against the
 * main process's real disk cache (electron/main/recording-cache.ts) with the preload's argument shapes.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-review-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function preloadShim(cache: RecordingCache): DesktopRecordingCache {
  return {
    put: (callId, rec) =>
      cache.put(callId, rec.data instanceof Uint8Array ? rec.data : new Uint8Array(rec.data), rec.contentType),
    get: (callId) => cache.get(callId),
    remove: (callId) => cache.remove(callId),
    list: () => cache.list(),
    usage: () => cache.usage(),
  };
}

const callId = 'CA0123456789abcdef0123456789abcdef';
const peaks = computePeaks(
  [new Float32Array(16000).fill(0.5), new Float32Array(16000).fill(0.25)],
  8000,
  ['customer', 'assessor'],
  [2, 10],
);
const audio = new Blob([new Uint8Array(5000).fill(9)], { type: 'audio/mpeg' });

describe('offline copies on the desktop', () => {
  it('keeps the audio and its peaks on disk and gives both back after a restart', async () => {
    const review = createDesktopRecordingCache(preloadShim(await RecordingCache.open({ dir })));
    await review.put(callId, audio, peaks);
    const again = createDesktopRecordingCache(preloadShim(await RecordingCache.open({ dir })));
    const got = await again.get(callId);
    expect(got?.peaks).toEqual(peaks);
    expect(got?.audio.type).toBe('audio/mpeg');
    expect(new Uint8Array(await got!.audio.arrayBuffer())).toEqual(new Uint8Array(5000).fill(9));
  });

  it('lists one entry per call with the bytes of audio and peaks together, and removes both', async () => {
    const disk = await RecordingCache.open({ dir });
    const review = createDesktopRecordingCache(preloadShim(disk));
    await review.put(callId, audio, peaks);
    const [entry] = await review.list();
    expect(entry.callId).toBe(callId);
    expect(entry.bytes).toBe(5000 + JSON.stringify(peaks).length);
    expect((await review.usage()).bytes).toBe(entry.bytes);
    await review.remove(callId);
    expect(await review.list()).toEqual([]);
    expect(await disk.list()).toEqual([]);
  });

  it('does not offer a call whose peaks are missing (a copy interrupted half-way)', async () => {
    const disk = await RecordingCache.open({ dir });
    await disk.put(callId, new Uint8Array(10), 'audio/mpeg');
    const review = createDesktopRecordingCache(preloadShim(disk));
    expect(await review.get(callId)).toBeNull();
    expect(await review.list()).toEqual([]);
  });
});
