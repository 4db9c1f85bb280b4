/**
 * Time to first waveform paint for a 60-minute dual-channel call (issue 4 §12, browser half).
 * Run: npx tsx tests/bench/waveform.bench.ts   Options: --minutes=60 --peaks-runs=7 --decode-runs=3
 *
 * The recording goes through the real pipeline: a dual-channel WAV served by a Twilio stand-in, downloaded,
 * verified, turned into per-channel peaks and an MP3 by the recordings module, then served by the real
 * server with signed URLs and HTTP Range. In one Chromium run, alternately:
 *   - peaks:  the review workspace's WaveformPlayer drawing both lanes from the server's peaks file;
 *   - decode: wavesurfer.js fetching the same MP3 and decoding it with Web Audio to draw both lanes.
 * Both start from the signed URLs and stop at the first paint of both lanes. Target: peaks under 300 ms and
 * at least 20× faster than decoding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { launchChromium } from '../helpers/browser';
import { openTestPglite } from '../helpers/pglite-template';
import { startTestServer } from '../helpers/server';
import { ingestCall, startFakeTwilio } from '../integration/recordings-fixtures';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const MINUTES = Number(args.get('minutes') ?? 60);
const PEAKS_RUNS = Number(args.get('peaks-runs') ?? 7);
const DECODE_RUNS = Number(args.get('decode-runs') ?? 3);

type Run = { ms: number; canvases: number };
type BenchWindow = {
  bench: {
    peaksRun(peaksUrl: string, audioUrl: string): Promise<Run>;
    decodeRun(audioUrl: string): Promise<Run & { duration: number }>;
  };
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;

/** Speech-like turns: each side talks for a few seconds in turn, in syllable-length bursts. */
function speaker(side: 0 | 1): (t: number) => number {
  return (t) => {
    const turn = Math.floor(t / 7) % 2 === side;
    const syllable = 0.5 + 0.5 * Math.sin(t * Math.PI * 4.1 + side);
    return turn ? 0.15 + 0.6 * syllable : 0.01;
  };
}

async function buildPage(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-waveform-bench-'));
  await build({
    configFile: false,
    root: path.join(import.meta.dirname, 'waveform'),
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: true, chunkSizeWarningLimit: 5000 },
  });
  return outDir;
}

async function main() {
  const pageDir = await buildPage();
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-waveform-recordings-'));
  const twilio = await startFakeTwilio();
  const db = await openTestPglite();
  const server = await startTestServer({
    db,
    env: {
      RENDERER_DIR: pageDir,
      RECORDINGS_DIR: recordingsDir,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_API_BASE_URL: twilio.url,
    },
  });
  const browser = await launchChromium();
  try {
    const seconds = MINUTES * 60;
    const t0 = performance.now();
    const { callId } = await ingestCall(server, twilio, { seconds, envelopes: [speaker(0), speaker(1)] });
    const ingestSec = (performance.now() - t0) / 1000;
    console.log(
      `recording: ${MINUTES} min, 2 channels, 8 kHz, through the recordings pipeline in ${ingestSec.toFixed(1)} s (download, peaks, MP3)`,
    );

    const token = await server.login();
    const res = await server.api(`/api/calls/${callId}/media-url`, {
      method: 'POST',
      token,
      json: { purpose: 'playback' },
    });
    if (res.status !== 200) throw new Error(`media-url answered ${res.status}: ${await res.text()}`);
    const urls = (await res.json()) as { audioUrl: string; peaksUrl: string; bytes: number | null };
    // fetch() decompresses; Content-Length is what travelled (gzip), the body what the page parses.
    const peaksRes = await fetch(urls.peaksUrl);
    const sent = Number(peaksRes.headers.get('content-length'));
    const parsed = (await peaksRes.arrayBuffer()).byteLength;
    console.log(
      `MP3 ${((urls.bytes ?? 0) / 1024 / 1024).toFixed(1)} MB; overview peaks ${(sent / 1024).toFixed(0)} KB sent (${peaksRes.headers.get('content-encoding') ?? 'identity'}), ${(parsed / 1024).toFixed(0)} KB of JSON`,
    );

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url + '/');
    await page.waitForFunction(() => document.title === 'ready');
    const peaksRun = () =>
      page.evaluate(([p, a]) => (window as unknown as BenchWindow).bench.peaksRun(p, a), [
        urls.peaksUrl,
        urls.audioUrl,
      ] as const);
    const decodeRun = () => page.evaluate((a) => (window as unknown as BenchWindow).bench.decodeRun(a), urls.audioUrl);

    // Warm-up: the first run of each path pays for code compilation and the HTTP connection.
    await peaksRun();
    const warm = await decodeRun();
    if (Math.abs(warm.duration - seconds) > 1)
      throw new Error(`decoded duration ${warm.duration} s, expected ${seconds} s`);

    const peaks: number[] = [];
    const decode: number[] = [];
    for (let i = 0; i < Math.max(PEAKS_RUNS, DECODE_RUNS); i++) {
      if (i < PEAKS_RUNS) {
        const r = await peaksRun();
        if (r.canvases !== 2) throw new Error(`peaks run drew ${r.canvases} lanes`);
        peaks.push(r.ms);
      }
      if (i < DECODE_RUNS) {
        const r = await decodeRun();
        if (r.canvases !== 2) throw new Error(`decode run drew ${r.canvases} lanes`);
        decode.push(r.ms);
      }
    }
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const p = median(peaks);
    const d = median(decode);
    console.log('\ntime to first paint of both lanes (median of runs, same browser, same recording)');
    console.log(`  server peaks (app):     ${ms(p)}   [${peaks.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(`  decode in the browser:  ${ms(d)}   [${decode.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(`  ratio: peaks are ${(d / p).toFixed(1)}× faster`);
    console.log(`  target < 300 ms: ${p < 300 ? 'met' : 'NOT met'}; target ≥ 20×: ${d / p >= 20 ? 'met' : 'NOT met'}`);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
    await twilio.close();
    await db.close();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
    fs.rmSync(pageDir, { recursive: true, force: true });
  }
}

await main();
