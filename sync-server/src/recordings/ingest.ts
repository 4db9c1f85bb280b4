import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { PeakChannel, PeaksFile } from '../../../shared/peaks';
import { PeaksAccumulator } from './peaks';
import { readWavInfo, toInt16Interleaved, WavFormatError, type WavInfo } from '../audio/wav';

/**
 * Zoom levels computed at ingest, in peaks per second. The overview file (served first, so a 60-minute call
 * draws at once) holds the levels the player starts with; the detail file is fetched when a reviewer zooms in
 * to place a region precisely. At 8 kHz, 200/s is one peak per 5 ms.
 *   overview 2, 10, 50/s: 60 min × 2 channels ≈ 450k values; detail 200/s ≈ 1.4M values.
 */
export const OVERVIEW_LEVELS = [2, 10, 50] as const;
export const DETAIL_LEVELS = [200] as const;

/** Sample rates MPEG-1/2/2.5 layer III can carry, with a bitrate fit for telephone speech (per file). */
const MP3_KBPS: Record<number, number> = {
  8000: 32,
  11025: 32,
  12000: 32,
  16000: 48,
  22050: 64,
  24000: 64,
  32000: 96,
  44100: 96,
  48000: 96,
};

export interface IngestResult {
  info: WavInfo;
  overview: PeaksFile;
  detail: PeaksFile;
  playbackBytes: number;
}

/**
 * Reads a dual-channel (or mono) WAV once, chunk by chunk, computing peaks for every zoom level and encoding
 * the playback MP3 at the same time in a worker thread (so the server keeps answering while a long call is
 * ingested). Memory stays bounded by the chunk size whatever the call's length.
 *
 * The playback file is one stereo MP3 keeping the media's channel order (channel 1 = caller leg), rather than
 * one file per speaker: one <audio> element, one seek and one download keep both speakers in sync, and the
 * player can still solo a speaker by routing the element through a Web Audio ChannelSplitter. Plain stereo
 * (not joint) keeps the channels independent.
 */
export async function ingestWav(wavPath: string, mp3Path: string, speakers: PeakChannel[]): Promise<IngestResult> {
  const info = await readWavInfo(wavPath);
  if (info.declaredDataBytes > info.dataBytes) {
    throw new WavFormatError(`file holds ${info.dataBytes} of ${info.declaredDataBytes} declared sample bytes`, true);
  }
  if (speakers.length !== info.channels)
    throw new WavFormatError(`expected ${speakers.length} channels, the file has ${info.channels}`);
  if (info.channels > 2) throw new WavFormatError('playback encoding supports at most two channels');
  const kbps = MP3_KBPS[info.sampleRate];
  if (!kbps) throw new WavFormatError(`no MP3 encoding for sample rate ${info.sampleRate} Hz`);

  const peaks = new PeaksAccumulator(
    info.sampleRate,
    speakers,
    [...OVERVIEW_LEVELS, ...DETAIL_LEVELS],
    undefined,
    info.frames,
  );
  const encoder = new Mp3WorkerEncoder({ channels: info.channels, sampleRate: info.sampleRate, kbps, path: mp3Path });
  let playbackBytes: number;
  try {
    const stream = fs.createReadStream(wavPath, {
      start: info.dataOffset,
      end: info.dataOffset + info.dataBytes - 1,
      highWaterMark: 64 * 1024,
    });
    let carry: Buffer = Buffer.alloc(0);
    for await (const raw of stream) {
      const bytes: Buffer = carry.length ? Buffer.concat([carry, raw as Buffer]) : (raw as Buffer);
      const whole = bytes.length - (bytes.length % info.blockAlign);
      carry = bytes.subarray(whole);
      if (whole === 0) continue;
      const interleaved = toInt16Interleaved(info, bytes.subarray(0, whole));
      peaks.push(interleaved);
      await encoder.encode(interleaved);
    }
    playbackBytes = await encoder.finish();
  } finally {
    await encoder.close();
  }
  const [overview, detail] = peaks.finish([OVERVIEW_LEVELS, DETAIL_LEVELS]);
  return { info, overview, detail, playbackBytes };
}

/**
 * The MP3 encoder in a worker thread (mp3-worker.mjs). Chunks are copied into transferable buffers; at most
 * MAX_IN_FLIGHT wait in the worker, so memory stays bounded when reading outpaces encoding (it always does).
 */
class Mp3WorkerEncoder {
  private static readonly MAX_IN_FLIGHT = 16;
  private readonly worker: Worker;
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private failure: Error | null = null;
  private done: ((bytes: number) => void) | null = null;

  constructor(start: { channels: number; sampleRate: number; kbps: number; path: string }) {
    this.worker = new Worker(new URL('./mp3-worker.mjs', import.meta.url));
    this.worker.on(
      'message',
      (msg: { type: 'ack' } | { type: 'done'; bytes: number } | { type: 'error'; message: string }) => {
        if (msg.type === 'ack') this.inFlight--;
        else if (msg.type === 'done') this.done?.(msg.bytes);
        else this.failure = new Error(`MP3 encoder: ${msg.message}`);
        this.wake();
      },
    );
    this.worker.on('error', (err) => {
      this.failure = err;
      this.wake();
    });
    this.worker.postMessage({ type: 'start', ...start });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async waitFor(ready: () => boolean): Promise<void> {
    while (!ready() && !this.failure) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure) throw this.failure;
  }

  async encode(interleaved: Int16Array): Promise<void> {
    await this.waitFor(() => this.inFlight < Mp3WorkerEncoder.MAX_IN_FLIGHT);
    const copy = interleaved.slice();
    this.inFlight++;
    this.worker.postMessage({ type: 'chunk', samples: copy }, [copy.buffer]);
  }

  async finish(): Promise<number> {
    let bytes: number | null = null;
    this.done = (b) => (bytes = b);
    this.worker.postMessage({ type: 'end' });
    await this.waitFor(() => bytes !== null);
    return bytes!;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
