import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Synthesised speech for the sandbox's recordings: eSpeak NG compiled to WebAssembly (the `espeak-ng`
 * package), which runs offline. Each utterance is synthesised once per voice, resampled to 8 kHz 16-bit mono
 * (the telephone band recordings carry) and cached on disk, so a demo of hundreds of calls built from a few
 * dozen script lines synthesises each line only once.
 */

export const SAMPLE_RATE = 8000;

export interface Voice {
  id: string;
  /** eSpeak NG voice and variant. `en+…` is British English with a variant; `en-gb+…` ignores the variant. */
  espeak: string;
  speed: number;
  pitch: number;
  description: string;
}

/** Distinct British voices: a recording's two channels always get two different ones. */
export const VOICES: readonly Voice[] = [
  { id: 'gb-male-1', espeak: 'en+m3', speed: 165, pitch: 45, description: 'British English, male' },
  { id: 'gb-female-1', espeak: 'en+f3', speed: 170, pitch: 60, description: 'British English, female' },
  { id: 'rp-male', espeak: 'en-gb-x-rp+m1', speed: 160, pitch: 40, description: 'Received Pronunciation, male' },
  { id: 'rp-female', espeak: 'en-gb-x-rp+f2', speed: 165, pitch: 65, description: 'Received Pronunciation, female' },
  { id: 'scottish-male', espeak: 'en-gb-scotland+m2', speed: 160, pitch: 50, description: 'Scottish English, male' },
  {
    id: 'lancaster-female',
    espeak: 'en-gb-x-gbclan+f4',
    speed: 170,
    pitch: 55,
    description: 'Lancaster English, female',
  },
  {
    id: 'midlands-male',
    espeak: 'en-gb-x-gbcwmd+m7',
    speed: 165,
    pitch: 40,
    description: 'West Midlands English, male',
  },
  { id: 'gb-female-2', espeak: 'en+f5', speed: 175, pitch: 70, description: 'British English, female (younger)' },
];

export function voiceById(id: string): Voice {
  return VOICES.find((v) => v.id === id) ?? VOICES[0];
}

/** A stable voice for a phone number, optionally avoiding one already used on the other channel. */
export function voiceForNumber(number: string, avoid?: string): string {
  const h = crypto.createHash('sha1').update(number).digest();
  let index = h[0] % VOICES.length;
  if (VOICES[index].id === avoid) index = (index + 1) % VOICES.length;
  return VOICES[index].id;
}

/**
 * How long eSpeak takes to say `text`, estimated from its length (measured over the scripts: 0.056–0.098 s a
 * character at 165 words a minute, shorter lines costing more per character). Calls are laid out with this,
 * so a call needs no synthesis while it runs; the audio is made when the recording is first downloaded, and
 * transcripts report each line's true length.
 */
export function estimateDuration(text: string, voiceId: string): number {
  const voice = voiceById(voiceId);
  return Math.round((0.3 + text.trim().length * 0.068 * (165 / voice.speed)) * 100) / 100;
}

/** Cache file format version: bump when synthesis or resampling changes so old clips are not reused. */
const CACHE_VERSION = 'v1';

interface WorkerReply {
  id: number;
  pcm?: Int16Array;
  bytes?: Uint8Array;
  error?: string;
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(err: Error): void;
}

export class SpeechSynthesizer {
  // One worker does both synthesis and MP3 encoding, one job at a time.
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Map<string, Promise<Int16Array>>();
  private readonly memory = new Map<string, Int16Array>();
  /** Utterances synthesised (not served from cache) by this instance; the demo logs it. */
  synthesised = 0;

  constructor(private readonly clipsDir: string) {
    fs.mkdirSync(clipsDir, { recursive: true });
  }

  private key(text: string, voice: Voice): string {
    return crypto
      .createHash('sha1')
      .update(`${CACHE_VERSION}|${voice.espeak}|${voice.speed}|${voice.pitch}|${text}`)
      .digest('hex');
  }

  /** 8 kHz 16-bit mono samples of `text` spoken in the voice `voiceId`. */
  async speak(text: string, voiceId: string): Promise<Int16Array> {
    const voice = voiceById(voiceId);
    const clean = text.replace(/\s+/g, ' ').trim().replace(/^-+/, '');
    if (!clean) return new Int16Array(0);
    const key = this.key(clean, voice);
    const cached = this.memory.get(key);
    if (cached) return cached;
    let job = this.inFlight.get(key);
    if (!job) {
      job = this.load(key, clean, voice).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, job);
    }
    const pcm = await job;
    const oldest = this.memory.keys().next();
    if (this.memory.size > 400 && !oldest.done) this.memory.delete(oldest.value);
    this.memory.set(key, pcm);
    return pcm;
  }

  /** Duration in seconds of `text` in `voiceId` (synthesises it if it is not cached). */
  async duration(text: string, voiceId: string): Promise<number> {
    return (await this.speak(text, voiceId)).length / SAMPLE_RATE;
  }

  private async load(key: string, text: string, voice: Voice): Promise<Int16Array> {
    const file = path.join(this.clipsDir, `${key}.pcm`);
    try {
      const buf = await fs.promises.readFile(file);
      return new Int16Array(buf.buffer, buf.byteOffset, buf.byteLength >> 1).slice();
    } catch {
      // Not cached yet.
    }
    const pcm = await this.synthesise(text, voice);
    this.synthesised++;
    // Write then rename, so a concurrent reader never sees half a clip.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(tmp, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    await fs.promises.rename(tmp, file);
    return pcm;
  }

  private async synthesise(text: string, voice: Voice): Promise<Int16Array> {
    const reply = await this.run({ type: 'speak', text, voice: voice.espeak, speed: voice.speed, pitch: voice.pitch });
    if (!reply.pcm) throw new Error('speech worker returned no audio');
    return reply.pcm;
  }

  /** MP3 (32 kbit/s, like Twilio's) of one or two channels, encoded off the main thread. */
  async mp3(channels: Int16Array[]): Promise<Buffer> {
    const copies = channels.map((c) => c.slice());
    const reply = await this.run(
      { type: 'mp3', channels: copies, sampleRate: SAMPLE_RATE },
      copies.map((c) => c.buffer),
    );
    if (!reply.bytes) throw new Error('audio worker returned no MP3');
    return Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength);
  }

  private run(job: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while the worker has work, and only then.
      worker.ref();
      worker.postMessage({ ...job, id }, transfer);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./speech-worker.mjs', import.meta.url));
    worker.on('message', (msg: WorkerReply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.error !== undefined) p.reject(new Error(`sandbox audio worker: ${msg.error}`));
      else p.resolve(msg);
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      this.worker = null;
      this.failAll(new Error('speech worker exited'));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
