/**
 * Peak computation speed at ingest (issue 4 item 12), on a synthesised 60-minute dual-channel 8 kHz WAV.
 * Run: npx tsx tests/bench/peaks.bench.ts [minutes=60] [rounds=3]
 *
 * Measured in the same run, rounds interleaved, median of each:
 *  - baseline: read the sample data from disk in the ingest's chunk size and sum every sample (the cost of
 *    touching the audio at all);
 *  - peaks: the same read, plus computing the per-channel peaks at every zoom level (2, 10, 50, 200 per second)
 *    and the two gzipped peaks files, as the download job does;
 *  - full ingest: peaks and the stereo playback MP3 together (ingestWav), for context.
 * Prints minutes of audio processed per second of wall time and each pass's time as a ratio to the baseline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DETAIL_LEVELS, ingestWav, OVERVIEW_LEVELS } from '../../sync-server/src/recordings/ingest';
import { peaksJsonGz } from '../../sync-server/src/recordings/download-job';
import { PeaksAccumulator } from '../../sync-server/src/recordings/peaks';
import { readWavInfo, toInt16Interleaved, type WavInfo } from '../../sync-server/src/audio/wav';

const MINUTES = Number(process.argv[2] ?? 60);
const ROUNDS = Number(process.argv[3] ?? 3);
const RATE = 8000;
const CHUNK = 64 * 1024;

/** Writes a WAV of two speakers taking turns (noise bursts shaped like speech) without holding it in memory. */
function synthesise(file: string): void {
  const frames = MINUTES * 60 * RATE;
  const dataBytes = frames * 4;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, header);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  const block = new Int16Array(RATE * 2 * 10); // 10 s per write
  for (let start = 0; start < frames; start += RATE * 10) {
    const n = Math.min(RATE * 10, frames - start);
    for (let i = 0; i < n; i++) {
      const t = (start + i) / RATE;
      const turn = Math.floor(t / 7) % 2; // 7-second turns
      const syllable = 0.5 + 0.5 * Math.sin(t * 2 * Math.PI * 4); // ~4 syllables a second
      const loud = 9000 * syllable;
      block[i * 2] = Math.round(rand() * (turn === 0 ? loud : 150));
      block[i * 2 + 1] = Math.round(rand() * (turn === 1 ? loud : 150));
    }
    fs.writeSync(fd, Buffer.from(block.buffer, 0, n * 4));
  }
  fs.closeSync(fd);
}

async function readSamples(file: string, info: WavInfo, each: (samples: Int16Array) => void): Promise<void> {
  const stream = fs.createReadStream(file, {
    start: info.dataOffset,
    end: info.dataOffset + info.dataBytes - 1,
    highWaterMark: CHUNK,
  });
  let carry: Buffer = Buffer.alloc(0);
  for await (const raw of stream) {
    const bytes: Buffer = carry.length ? Buffer.concat([carry, raw as Buffer]) : (raw as Buffer);
    const whole = bytes.length - (bytes.length % info.blockAlign);
    carry = bytes.subarray(whole);
    if (whole) each(toInt16Interleaved(info, bytes.subarray(0, whole)));
  }
}

async function baseline(file: string, info: WavInfo): Promise<number> {
  let sum = 0;
  await readSamples(file, info, (s) => {
    for (let i = 0; i < s.length; i++) sum += s[i];
  });
  return sum;
}

/** The ingest's peak work: read + accumulate (compute), then the two gzipped JSON files (files). */
async function peaks(
  file: string,
  info: WavInfo,
): Promise<{ computeMs: number; filesMs: number; overviewBytes: number; detailBytes: number }> {
  const t0 = performance.now();
  const acc = new PeaksAccumulator(
    info.sampleRate,
    ['customer', 'assessor'],
    [...OVERVIEW_LEVELS, ...DETAIL_LEVELS],
    undefined,
    info.frames,
  );
  await readSamples(file, info, (s) => acc.push(s));
  const t1 = performance.now();
  const [overview, detail] = acc.finish([OVERVIEW_LEVELS, DETAIL_LEVELS]);
  const [o, d] = await Promise.all([peaksJsonGz(overview), peaksJsonGz(detail)]);
  return { computeMs: t1 - t0, filesMs: performance.now() - t1, overviewBytes: o.length, detailBytes: d.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, d = 1) => n.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-peaks-bench-'));
  const wav = path.join(dir, 'call.wav');
  try {
    const s0 = performance.now();
    synthesise(wav);
    const info = await readWavInfo(wav);
    console.log(
      `${MINUTES}-minute dual-channel ${RATE / 1000} kHz 16-bit WAV: ${fmt(fs.statSync(wav).size / 1e6)} MB (synthesised in ${fmt((performance.now() - s0) / 1000)} s); ${ROUNDS} rounds, median`,
    );
    // Warm-up (JIT, page cache).
    await baseline(wav, info);
    await peaks(wav, info);

    const times = { baseline: [] as number[], compute: [] as number[], files: [] as number[] };
    let sizes = { overviewBytes: 0, detailBytes: 0 };
    let checksum = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t = performance.now();
      checksum += await baseline(wav, info);
      times.baseline.push(performance.now() - t);
      const r = await peaks(wav, info);
      times.compute.push(r.computeMs);
      times.files.push(r.filesMs);
      sizes = r;
    }
    const t = performance.now();
    const ingest = await ingestWav(wav, path.join(dir, 'playback.mp3'), ['customer', 'assessor']);
    const ingestMs = performance.now() - t;

    const b = median(times.baseline);
    const c = median(times.compute);
    const f = median(times.files);
    const p = c + f;
    const rate = (ms: number) => MINUTES / (ms / 1000);
    console.log(
      `baseline (read + sum every sample): ${fmt(b, 0)} ms = ${fmt(rate(b), 0)} min of audio/s   [checksum ${checksum % 997}]`,
    );
    console.log(
      `peaks, computed while reading (4 zoom levels, 2 channels): ${fmt(c, 0)} ms = ${fmt(rate(c), 0)} min of audio/s = ${fmt(c / b, 2)}× baseline time`,
    );
    console.log(`peaks files (JSON + gzip of both files): ${fmt(f, 0)} ms`);
    console.log(
      `peaks in total: ${fmt(p, 0)} ms = ${fmt(rate(p), 0)} min of audio/s = ${fmt(p / b, 2)}× baseline time`,
    );
    console.log(
      `full ingest (peaks + stereo MP3, one pass): ${fmt(ingestMs, 0)} ms = ${fmt(rate(ingestMs), 1)} min of audio/s = ${fmt(ingestMs / b, 1)}× baseline time`,
    );
    console.log(
      `stored: overview peaks ${fmt(sizes.overviewBytes / 1024, 0)} KiB, detail peaks ${fmt(sizes.detailBytes / 1024, 0)} KiB (gzip), playback MP3 ${fmt(ingest.playbackBytes / 1e6)} MB vs WAV ${fmt(fs.statSync(wav).size / 1e6)} MB`,
    );
    console.log(
      `[figure] peaks at ingest: ${fmt(rate(c), 0)} minutes of audio per second computing (${fmt(c / b, 2)}× a plain read+sum pass), ${fmt(rate(p), 0)} with both gzipped files written (${fmt(p / b, 2)}×)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
