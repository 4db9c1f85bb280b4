import OpenAI, { toFile } from 'openai';
import type { TranscriberStamp, TranscriptSegment, TranscriptWord } from '../../../../shared/analysis';
import { decodeWav, encodeWav, parseWavHeader } from '../../audio/wav';
import { speechRegions, splitAtPauses, type Region } from '../audio/speech-regions';
import type { CallAudio, TranscriptionProvider, TranscriptionResult } from '../types';
import { toJobError, type RateLimiter } from './limits';

/**
 * Transcription through OpenAI's audio API (or any server that speaks it, via OPENAI_BASE_URL).
 *
 * One request per channel, so every word's speaker is known from the channel it was recorded on rather than
 * guessed by diarisation. What a model returns decides how timestamps are obtained:
 * - `whisper-1`: `verbose_json` with segment and word timestamps;
 * - `*-diarize` models: `diarized_json` segments (the speaker labels are ignored: the channel is the speaker);
 * - other models (`gpt-4o-transcribe`, `gpt-4o-mini-transcribe`) answer plain `json` text only, so each
 *   channel is cut at pauses into utterances and each utterance is sent alone; its timestamps are where it
 *   was cut. Billing is per audio minute, so this costs the same minutes in more requests.
 * Uploads stay under the API's 25 MB limit: long audio is split at pauses and the pieces are stitched back
 * with their offsets.
 */
export const OPENAI_TRANSCRIBE_VERSION = 'per-channel-1';
export const UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024;

type Mode = 'verbose' | 'diarized' | 'plain';

export function transcriptionMode(model: string): Mode {
  if (/^whisper/i.test(model)) return 'verbose';
  if (/diariz/i.test(model)) return 'diarized';
  return 'plain';
}

export interface OpenAITranscriberOptions {
  /** Bytes per upload; the API's limit is 25 MB, kept a little under for the multipart envelope. */
  maxUploadBytes?: number;
  /** Longest piece sent in one request (the 4o models reject very long inputs). */
  maxPieceSec?: number;
  /** Longest utterance for models without timestamps. */
  maxUtteranceSec?: number;
  language?: string;
}

interface VerboseSegment {
  start: number;
  end: number;
  text: string;
}

export class OpenAITranscriber implements TranscriptionProvider {
  readonly stamp: TranscriberStamp;
  private readonly mode: Mode;

  constructor(
    private readonly client: OpenAI,
    private readonly model: string,
    private readonly limiter: RateLimiter,
    private readonly opts: OpenAITranscriberOptions = {},
  ) {
    this.mode = transcriptionMode(model);
    this.stamp = { provider: 'openai', model, version: `${OPENAI_TRANSCRIBE_VERSION}/${this.mode}`, sandbox: false };
  }

  async transcribe(audio: CallAudio): Promise<TranscriptionResult> {
    const pcm = decodeWav(await audio.loadWav());
    const segments: TranscriptSegment[] = [];
    let audioSeconds = 0;
    let requests = 0;
    for (let c = 0; c < pcm.channels.length && c < 2; c++) {
      const speaker = audio.channels[c] ?? (c === 0 ? 'customer' : 'assessor');
      const samples = pcm.channels[c];
      const pieces = this.pieces(samples, pcm.sampleRate);
      for (const piece of pieces) {
        const offset = piece.start / pcm.sampleRate;
        const duration = (piece.end - piece.start) / pcm.sampleRate;
        const wav = encodeWav([samples.subarray(piece.start, piece.end)], pcm.sampleRate);
        const name = `${audio.callId}-${speaker}-${Math.round(offset * 1000)}.wav`;
        await this.limiter.take();
        requests++;
        audioSeconds += duration;
        const got = await this.requestWithReconnect(wav, name);
        for (const s of got) {
          const text = s.text.trim();
          if (!text) continue;
          const start = round(offset + Math.max(0, s.start));
          const end = round(Math.max(start, offset + Math.min(duration, s.end)));
          const words = s.words?.map((w) => ({
            word: w.word,
            start: round(offset + w.start),
            end: round(offset + w.end),
          }));
          segments.push({ speaker, start, end, text, ...(words?.length ? { words } : {}) });
        }
      }
    }
    segments.sort((a, b) => a.start - b.start || (a.speaker === 'customer' ? -1 : 1));
    return { stamp: this.stamp, segments, usage: { audioSeconds: Math.round(audioSeconds * 10) / 10, requests } };
  }

  private pieces(samples: Int16Array, sampleRate: number): Region[] {
    const maxBytes = this.opts.maxUploadBytes ?? UPLOAD_LIMIT_BYTES - 64 * 1024;
    const bySize = Math.floor((maxBytes - 44) / 2);
    if (this.mode !== 'plain') {
      const byTime = Math.floor((this.opts.maxPieceSec ?? 1200) * sampleRate);
      return splitAtPauses(samples, sampleRate, Math.min(bySize, byTime));
    }
    const maxUtterance = Math.floor((this.opts.maxUtteranceSec ?? 30) * sampleRate);
    const out: Region[] = [];
    for (const r of speechRegions(samples, sampleRate, { joinGapSec: 0.8 })) {
      // A monologue longer than the cap is cut at its own pauses.
      for (const p of splitAtPauses(samples.subarray(r.start, r.end), sampleRate, Math.min(maxUtterance, bySize))) {
        out.push({ start: r.start + p.start, end: r.start + p.end });
      }
    }
    return out;
  }

  /**
   * A dropped keep-alive connection is retried at once (twice at most): failing the whole job for it would
   * send every piece of a long call again. Everything else goes back to the job queue.
   */
  private async requestWithReconnect(
    wav: Buffer,
    name: string,
  ): Promise<Array<VerboseSegment & { words?: TranscriptWord[] }>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request(wav, name);
      } catch (err) {
        if (attempt >= 3 || !(err instanceof ConnectionDropped))
          throw err instanceof ConnectionDropped ? err.jobError : err;
      }
    }
  }

  private async request(wav: Buffer, name: string): Promise<Array<VerboseSegment & { words?: TranscriptWord[] }>> {
    const file = await toFile(wav, name, { type: 'audio/wav' });
    const language = this.opts.language ?? 'en';
    try {
      if (this.mode === 'verbose') {
        const res = await this.client.audio.transcriptions.create({
          file,
          model: this.model,
          language,
          response_format: 'verbose_json',
          timestamp_granularities: ['segment', 'word'],
        });
        const words = (res.words ?? []) as TranscriptWord[];
        const segs = (res.segments ?? []) as VerboseSegment[];
        if (!segs.length && res.text?.trim()) return [{ start: 0, end: res.duration ?? 0, text: res.text }];
        return segs.map((s) => ({
          start: num(s.start),
          end: num(s.end),
          text: String(s.text ?? ''),
          words: words
            .filter((w) => w.start >= s.start - 0.01 && w.end <= s.end + 0.01)
            .map((w) => ({ word: String(w.word).trim(), start: num(w.start), end: num(w.end) })),
        }));
      }
      if (this.mode === 'diarized') {
        // The SDK's overloads do not narrow to the diarized shape for a variable model name.
        const res = (await this.client.audio.transcriptions.create({
          file,
          model: this.model,
          language,
          response_format: 'diarized_json',
          chunking_strategy: 'auto',
        })) as unknown as { segments?: VerboseSegment[] };
        return (res.segments ?? []).map((s) => ({ start: num(s.start), end: num(s.end), text: String(s.text ?? '') }));
      }
      const res = await this.client.audio.transcriptions.create({
        file,
        model: this.model,
        language,
        response_format: 'json',
      });
      const duration = parseWavHeader(wav, wav.length).durationSec;
      return [{ start: 0, end: duration, text: String(res.text ?? '') }];
    } catch (err) {
      const jobError = toJobError(err, `transcribing ${name}`);
      if (err instanceof OpenAI.APIConnectionError && !(err instanceof OpenAI.APIConnectionTimeoutError))
        throw new ConnectionDropped(jobError);
      throw jobError;
    }
  }
}

class ConnectionDropped extends Error {
  constructor(readonly jobError: Error) {
    super(jobError.message);
  }
}

function num(v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`malformed transcription answer: timestamp ${String(v)}`);
  return n;
}

const round = (x: number) => Math.round(x * 100) / 100;
