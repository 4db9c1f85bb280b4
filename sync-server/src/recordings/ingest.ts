import fs from 'node:fs';
import { once } from 'node:events';
import { Mp3Encoder } from '@breezystack/lamejs';
import type { PeakChannel, PeaksFile } from '../../../shared/peaks';
import { PeaksAccumulator } from './peaks';
import { readWavInfo, toInt16Interleaved, WavFormatError, type WavInfo } from './wav';

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
 * the playback MP3 at the same time. Memory stays bounded by the chunk size whatever the call's length.
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
  const encoder = new Mp3Encoder(info.channels, info.sampleRate, kbps);
  const out = fs.createWriteStream(mp3Path);
  let playbackBytes = 0;
  const write = async (chunk: Uint8Array): Promise<void> => {
    if (chunk.length === 0) return;
    playbackBytes += chunk.length;
    if (!out.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))) await once(out, 'drain');
  };

  try {
    // Small chunks (~2 s of 8 kHz stereo) so that encoding never holds the event loop for long.
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
      await write(encodeChunk(encoder, interleaved, info.channels));
    }
    await write(encoder.flush());
  } finally {
    out.end();
    await once(out, 'close');
  }
  const [overview, detail] = peaks.finish([OVERVIEW_LEVELS, DETAIL_LEVELS]);
  return { info, overview, detail, playbackBytes };
}

function encodeChunk(encoder: Mp3Encoder, interleaved: Int16Array, channels: number): Uint8Array {
  if (channels === 1) return encoder.encodeBuffer(interleaved);
  const frames = interleaved.length >> 1;
  const left = new Int16Array(frames);
  const right = new Int16Array(frames);
  for (let i = 0, j = 0; i < frames; i++, j += 2) {
    left[i] = interleaved[j];
    right[i] = interleaved[j + 1];
  }
  return encoder.encodeBuffer(left, right);
}
