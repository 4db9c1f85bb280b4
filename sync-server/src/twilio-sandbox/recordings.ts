import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { downmix, encodeWav } from '../audio/wav';
import { mixChannels } from './audio';
import { SAMPLE_RATE, type SpeechSynthesizer } from './speech';
import type { HttpMethod, RecordingEvent } from './twiml';
import { rfc2822 } from './webhooks';

/**
 * Recordings the sandbox made: their resource state (Twilio's Recording resource), what was said on which
 * channel and when (the script the audio is synthesised from, which is also the sandbox's transcript), and
 * the media, generated on first download and cached on disk.
 */

export type RecordingStatus = 'in-progress' | 'paused' | 'stopped' | 'processing' | 'completed' | 'absent' | 'deleted';

export interface SpokenLine {
  /** 1 = the parent call's party (caller), 2 = the dialled party. */
  channel: 1 | 2;
  speaker: string;
  voice: string;
  text: string;
  /** Seconds from the start of the recording. */
  start: number;
  /** Estimated length in seconds (the clip's true length is known once synthesised). */
  duration: number;
}

export interface RecordingRecord {
  sid: string;
  accountSid: string;
  callSid: string;
  source: 'DialVerb' | 'RecordVerb';
  channels: 1 | 2;
  startTime: number;
  status: RecordingStatus;
  /** Whole seconds, once the recording is final. */
  duration: number | null;
  lines: SpokenLine[];
  /** Paused stretches, seconds from the start; recorded as silence (Twilio's default pauseBehavior). */
  paused: Array<[number, number | null]>;
  /** Seconds from the start at which an API request stopped the recording. */
  stoppedAt: number | null;
  callback: { url: string; method: HttpMethod; events: RecordingEvent[] } | null;
  /** Speaker labels per channel, for the transcript. */
  speakers: Record<string, string>;
  dateCreated: number;
  dateUpdated: number;
}

export interface TranscriptSegment {
  speaker: string;
  channel: 1 | 2;
  start: number;
  end: number;
  text: string;
  /** The call ended, or recording stopped, in the middle of this line. */
  cut: boolean;
}

export class RecordingStore {
  private readonly records = new Map<string, RecordingRecord>();
  private readonly building = new Map<string, Promise<string>>();

  constructor(
    private readonly dir: string,
    private readonly synth: SpeechSynthesizer,
    private readonly persist: boolean,
  ) {
    fs.mkdirSync(path.join(dir, 'media'), { recursive: true });
    if (persist) {
      fs.mkdirSync(path.join(dir, 'meta'), { recursive: true });
      for (const f of fs.readdirSync(path.join(dir, 'meta'))) {
        if (!f.endsWith('.json')) continue;
        try {
          const r = JSON.parse(fs.readFileSync(path.join(dir, 'meta', f), 'utf8')) as RecordingRecord;
          this.records.set(r.sid, r);
        } catch {
          // A half-written file from a crash: the recording is lost, as on a real outage.
        }
      }
    }
  }

  add(r: RecordingRecord): void {
    this.records.set(r.sid, r);
    this.save(r);
  }

  get(sid: string): RecordingRecord | undefined {
    return this.records.get(sid);
  }

  forCall(callSid: string): RecordingRecord[] {
    return [...this.records.values()].filter((r) => r.callSid === callSid && r.status !== 'deleted');
  }

  save(r: RecordingRecord): void {
    r.dateUpdated = Date.now();
    if (!this.persist) return;
    const file = path.join(this.dir, 'meta', `${r.sid}.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(r));
    fs.renameSync(`${file}.tmp`, file);
  }

  /** DELETE: the resource and its media are gone; the record stays (status deleted) so a second DELETE is a 404. */
  delete(sid: string): boolean {
    const r = this.records.get(sid);
    if (!r || r.status === 'deleted') return false;
    r.status = 'deleted';
    // The script lines stay: the sandbox's transcript endpoint stands in for a transcription service that
    // works from OUR stored copy, which outlives Twilio's (the server deletes Twilio's after download).
    this.save(r);
    for (const f of fs.readdirSync(path.join(this.dir, 'media'))) {
      if (f.startsWith(sid)) fs.rmSync(path.join(this.dir, 'media', f), { force: true });
    }
    return true;
  }

  /** What was said in the final recording, cut at its end, with each line's true synthesised length. */
  async transcript(r: RecordingRecord): Promise<TranscriptSegment[]> {
    const end = r.duration ?? 0;
    const out: TranscriptSegment[] = [];
    for (const l of r.lines) {
      if (l.start >= end || this.isMuted(r, l.start)) continue;
      const length = await this.synth.duration(l.text, l.voice);
      out.push({
        speaker: l.speaker,
        channel: l.channel,
        start: round(l.start),
        end: round(Math.min(end, l.start + length)),
        text: l.text,
        cut: l.start + length > end,
      });
    }
    return out;
  }

  private isMuted(r: RecordingRecord, at: number): boolean {
    return r.paused.some(([from, to]) => at >= from && (to === null || at < to));
  }

  /** Path of the media file (generated on first request). `channels` 1 mixes a dual recording down. */
  media(r: RecordingRecord, format: 'wav' | 'mp3', channels: 1 | 2): Promise<string> {
    const n = channels === 1 || r.channels === 1 ? 1 : 2;
    const file = path.join(this.dir, 'media', `${r.sid}${n === r.channels ? '' : `.${n}ch`}.${format}`);
    let job = this.building.get(file);
    if (!job) {
      job = this.build(r, file, format, n).finally(() => this.building.delete(file));
      this.building.set(file, job);
    }
    return job;
  }

  private async build(r: RecordingRecord, file: string, format: 'wav' | 'mp3', channels: 1 | 2): Promise<string> {
    if (fs.existsSync(file)) return file;
    const seconds = r.duration ?? 0;
    const clips = [];
    for (const line of r.lines) {
      if (line.start >= seconds) continue;
      clips.push({
        channel: line.channel - 1,
        start: line.start,
        pcm: await this.synth.speak(line.text, line.voice),
        keep: seconds - line.start,
      });
    }
    const seed = crypto.createHash('sha1').update(r.sid).digest().readUInt32LE(0);
    let pcm = mixChannels({
      seconds,
      channels: r.channels,
      clips,
      seed,
      muted: r.paused.map(([a, b]) => [a, b ?? seconds]),
    });
    if (channels === 1 && pcm.length > 1) pcm = [downmix(pcm)];
    const bytes = format === 'wav' ? encodeWav(pcm, SAMPLE_RATE) : await this.synth.mp3(pcm);
    const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(tmp, bytes);
    await fs.promises.rename(tmp, file);
    return file;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The Recording resource as Twilio's REST API returns it. */
export function recordingJson(r: RecordingRecord, baseUrl: string): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${r.accountSid}/Recordings/${r.sid}.json`;
  return {
    account_sid: r.accountSid,
    api_version: '2010-04-01',
    call_sid: r.callSid,
    channels: r.channels,
    conference_sid: null,
    date_created: rfc2822(r.dateCreated),
    date_updated: rfc2822(r.dateUpdated),
    duration: r.duration === null ? '-1' : String(r.duration),
    encryption_details: null,
    error_code: null,
    media_url: `${baseUrl}/2010-04-01/Accounts/${r.accountSid}/Recordings/${r.sid}`,
    price: null,
    price_unit: 'USD',
    sid: r.sid,
    source: r.source,
    start_time: rfc2822(r.startTime),
    status: r.status,
    subresource_uris: {
      add_on_results: `/2010-04-01/Accounts/${r.accountSid}/Recordings/${r.sid}/AddOnResults.json`,
      transcriptions: `/2010-04-01/Accounts/${r.accountSid}/Recordings/${r.sid}/Transcriptions.json`,
    },
    track: r.source === 'DialVerb' ? 'both' : 'inbound',
    uri,
  };
}
