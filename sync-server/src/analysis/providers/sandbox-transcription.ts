import { TranscriptFile, type TranscriberStamp } from '../../../../shared/analysis';
import type { TwilioCredentials } from '../../config';
import type { CallAudio, TranscriptionProvider, TranscriptionResult } from '../types';

/**
 * The Twilio sandbox knows the scripts of its own synthetic demo calls, so for those calls it can stand in
 * for a transcription service: GET {sandbox}/sandbox/transcripts/{RecordingSid}.json (HTTP basic auth with
 * the sandbox account) answers `{segments: [{speaker, start, end, text}]}`. The result is stamped
 * `sandbox: true` and the app labels it as sandbox data. Real calls get no transcript from it.
 */
export const SANDBOX_TRANSCRIBE_VERSION = 'sandbox-script-1';

export class SandboxTranscriber implements TranscriptionProvider {
  readonly stamp: TranscriberStamp = {
    provider: 'sandbox',
    model: 'script',
    version: SANDBOX_TRANSCRIBE_VERSION,
    sandbox: true,
  };

  constructor(
    /** Read at call time: in sandbox mode the credentials are filled in when the sandbox starts. */
    private readonly credentials: () => TwilioCredentials | null,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async transcribe(audio: CallAudio): Promise<TranscriptionResult | null> {
    const creds = this.credentials();
    if (!audio.sandbox || !audio.recordingSid || !creds) return null;
    const url = `${creds.apiBaseUrl}/sandbox/transcripts/${encodeURIComponent(audio.recordingSid)}.json`;
    const res = await this.fetchImpl(url, {
      headers: {
        authorization: `Basic ${Buffer.from(`${creds.accountSid}:${creds.authToken}`).toString('base64')}`,
        accept: 'application/json',
      },
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`sandbox transcript ${audio.recordingSid}: HTTP ${res.status}`);
    const parsed = TranscriptFile.safeParse(await res.json());
    if (!parsed.success)
      throw new Error(`sandbox transcript ${audio.recordingSid}: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
    const segments = [...parsed.data.segments].sort((a, b) => a.start - b.start);
    const audioSeconds = audio.durationSec ?? (segments.length ? Math.max(...segments.map((s) => s.end)) : 0);
    return { stamp: this.stamp, segments, usage: { audioSeconds, requests: 1 } };
  }
}
