// The sandbox's audio work off the main thread, so a server sharing the process keeps answering webhooks:
// speech synthesis (one eSpeak NG WebAssembly run per utterance, resampled to the 8 kHz 16-bit mono that
// telephone recordings carry) and MP3 encoding. Plain JavaScript so it runs as a worker without a loader.
import { parentPort } from 'node:worker_threads';
import { Mp3Encoder } from '@breezystack/lamejs';
import ESpeakNg from 'espeak-ng';

const TARGET_RATE = 8000;

function readWav(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let rate = 22050;
  while (offset + 8 <= bytes.byteLength) {
    const id = String.fromCharCode(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') rate = view.getUint32(offset + 12, true);
    if (id === 'data') {
      const length = Math.min(size, bytes.byteLength - offset - 8) >> 1;
      const samples = new Int16Array(length);
      for (let i = 0; i < length; i++) samples[i] = view.getInt16(offset + 8 + i * 2, true);
      return { rate, samples };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error('eSpeak NG wrote no audio');
}

// Low-pass (moving average over the decimation window) then linear interpolation: plenty for speech that is
// going to a 4 kHz telephone band anyway.
function resample(samples, from, to) {
  const ratio = from / to;
  const width = Math.max(1, Math.round(ratio));
  const smooth = new Float32Array(samples.length);
  let acc = 0;
  for (let i = 0; i < samples.length; i++) {
    acc += samples[i];
    if (i >= width) acc -= samples[i - width];
    smooth[i] = acc / Math.min(i + 1, width);
  }
  const out = new Int16Array(Math.floor(samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const pos = i * ratio + (width - 1) / 2;
    const j = Math.min(Math.floor(pos), samples.length - 2);
    const frac = pos - j;
    const v = smooth[j] * (1 - frac) + smooth[j + 1] * frac;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

function mp3(channels, sampleRate) {
  const n = Math.min(2, channels.length);
  const encoder = new Mp3Encoder(n, sampleRate, 32);
  const parts = [];
  let size = 0;
  const frames = channels[0] ? channels[0].length : 0;
  for (let i = 0; i < frames; i += 1152) {
    const left = channels[0].subarray(i, i + 1152);
    const chunk = n === 2 ? encoder.encodeBuffer(left, channels[1].subarray(i, i + 1152)) : encoder.encodeBuffer(left);
    if (chunk.length) {
      parts.push(chunk);
      size += chunk.length;
    }
  }
  const tail = encoder.flush();
  parts.push(tail);
  size += tail.length;
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

parentPort.on('message', async (job) => {
  try {
    if (job.type === 'mp3') {
      const bytes = mp3(job.channels, job.sampleRate);
      parentPort.postMessage({ id: job.id, bytes }, [bytes.buffer]);
      return;
    }
    const espeak = await ESpeakNg({
      arguments: ['-v', job.voice, '-s', String(job.speed), '-p', String(job.pitch), '-w', 'out.wav', job.text],
      print() {},
      printErr() {},
    });
    const { rate, samples } = readWav(espeak.FS.readFile('out.wav'));
    const pcm = resample(samples, rate, TARGET_RATE);
    parentPort.postMessage({ id: job.id, pcm }, [pcm.buffer]);
  } catch (err) {
    parentPort.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
