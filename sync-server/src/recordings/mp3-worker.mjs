// Playback MP3 encoding for recordings, off the server's main thread: LAME (lamejs) takes about a second of CPU
// per minute of telephone audio, which would otherwise hold up webhooks and media requests while a long call
// is ingested. Plain JavaScript so it runs as a worker without a TypeScript loader.
//
// Messages in:  { type: 'start', channels, sampleRate, kbps, path }
//               { type: 'chunk', samples: Int16Array (interleaved, whole frames) }   → { type: 'ack' }
//               { type: 'end' }                                                      → { type: 'done', bytes }
// Any failure answers { type: 'error', message } and the worker stops taking work.
import fs from 'node:fs';
import { once } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { Mp3Encoder } from '@breezystack/lamejs';

let encoder = null;
let out = null;
let channels = 2;
let bytes = 0;
let failed = false;
let streamError = null;
// Messages are handled one at a time, in order, even though writing may wait for the disk.
let queue = Promise.resolve();

async function write(chunk) {
  if (streamError) throw streamError;
  if (!chunk || chunk.length === 0) return;
  bytes += chunk.length;
  if (!out.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))) await once(out, 'drain');
}

async function handle(msg) {
  if (msg.type === 'start') {
    channels = msg.channels;
    encoder = new Mp3Encoder(msg.channels, msg.sampleRate, msg.kbps);
    out = fs.createWriteStream(msg.path);
    // Kept and reported on the next write or at the end (an 'error' while waiting for 'drain' rejects that wait).
    out.on('error', (err) => (streamError = err));
    return;
  }
  if (msg.type === 'chunk') {
    const x = msg.samples;
    if (channels === 1) {
      await write(encoder.encodeBuffer(x));
    } else {
      const frames = x.length >> 1;
      const left = new Int16Array(frames);
      const right = new Int16Array(frames);
      for (let i = 0, j = 0; i < frames; i++, j += 2) {
        left[i] = x[j];
        right[i] = x[j + 1];
      }
      await write(encoder.encodeBuffer(left, right));
    }
    parentPort.postMessage({ type: 'ack' });
    return;
  }
  if (msg.type === 'end') {
    await write(encoder.flush());
    out.end();
    await once(out, 'close');
    if (streamError) throw streamError;
    parentPort.postMessage({ type: 'done', bytes });
  }
}

parentPort.on('message', (msg) => {
  queue = queue.then(async () => {
    if (failed) return;
    try {
      await handle(msg);
    } catch (err) {
      failed = true;
      out?.destroy();
      parentPort.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
});
