import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import type { TwilioCredentials } from '../config';

/**
 * Talking to Twilio about recording media: fetching the WAV once with the account's credentials and deleting
 * Twilio's copy afterwards. https://www.twilio.com/docs/voice/api/recording
 *
 * Security rule: the account's credentials are only ever sent to the configured REST API origin
 * (TWILIO_API_BASE_URL, which is the local sandbox in sandbox mode). A recording callback is signed by Twilio,
 * but the URL it names is still treated as untrusted input: one that points anywhere else is refused before
 * any request is made.
 */
export class RefusedRecordingUrlError extends Error {
  constructor(
    readonly url: string,
    /** What the URL had to be: the API origin, or the recording's path on it. */
    readonly expected: string,
  ) {
    super(`recording URL ${url} is not ${expected}; refusing to fetch it`);
  }
}

export class MediaFetchError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** From Retry-After on 429/503, when given. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;

export function isRecordingSid(value: unknown): value is string {
  return typeof value === 'string' && RECORDING_SID.test(value);
}

/**
 * The URL of the WAV for a callback's RecordingUrl, after checking that it is on the API origin and names this
 * account's recording. Twilio's RecordingUrl has no extension; `.wav` selects the WAV rendition.
 */
export function mediaUrlFor(recordingUrl: string, recordingSid: string, creds: TwilioCredentials): URL {
  const expected = new URL(creds.apiBaseUrl);
  let url: URL;
  try {
    url = new URL(recordingUrl);
  } catch {
    throw new RefusedRecordingUrlError(recordingUrl, expected.origin);
  }
  // The origin compares scheme, host and port; userinfo tricks (https://api.twilio.com@evil.example) parse to
  // the other host and fail here too.
  if (url.origin !== expected.origin || url.username || url.password)
    throw new RefusedRecordingUrlError(recordingUrl, expected.origin);
  const path = url.pathname.replace(/\.(wav|mp3|json)$/i, '');
  const expectedPath = `/2010-04-01/Accounts/${creds.accountSid}/Recordings/${recordingSid}`;
  if (!path.endsWith(expectedPath)) {
    throw new RefusedRecordingUrlError(recordingUrl, `${expected.origin}${expectedPath}`);
  }
  return new URL(`${url.origin}${path}.wav`);
}

function basicAuth(creds: TwilioCredentials): string {
  return 'Basic ' + Buffer.from(`${creds.accountSid}:${creds.authToken}`).toString('base64');
}

function retryAfter(res: Response): number | null {
  const value = res.headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1000, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(1000, at - Date.now()) : null;
}

export interface DownloadedFile {
  bytes: number;
  sha256: string;
  /** Where the bytes came from (the API URL, or the URL Twilio redirected to). */
  finalUrl: string;
}

/**
 * Downloads the recording's WAV to `destPath`. Twilio answers the media URL either with the bytes or with a
 * redirect to a short-lived signed URL on its storage; the redirect is followed without our credentials
 * (fetch's automatic redirect would also drop them across origins, but we do not rely on that).
 */
export async function downloadRecording(
  url: URL,
  creds: TwilioCredentials,
  destPath: string,
  opts: { maxBytes: number; signal?: AbortSignal; fetchImpl?: typeof fetch },
): Promise<DownloadedFile> {
  const doFetch = opts.fetchImpl ?? fetch;
  let res = await doFetch(url, {
    headers: { authorization: basicAuth(creds), accept: 'audio/wav, audio/x-wav' },
    redirect: 'manual',
    signal: opts.signal,
  });
  let finalUrl = url.toString();
  for (let hops = 0; res.status >= 300 && res.status < 400; hops++) {
    const location = res.headers.get('location');
    await res.body?.cancel();
    if (!location || hops >= 3)
      throw new MediaFetchError(`recording media redirect without a usable Location (${res.status})`, res.status);
    const next = new URL(location, finalUrl);
    if (next.protocol !== 'https:' && next.origin !== url.origin) {
      throw new MediaFetchError(`recording media redirected to a non-HTTPS URL ${next.origin}`, res.status);
    }
    finalUrl = next.toString();
    res = await doFetch(next, { redirect: 'manual', signal: opts.signal });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new MediaFetchError(`recording media answered ${res.status}`, res.status, retryAfter(res));
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body.cancel();
    throw new MediaFetchError(`recording is ${declared} bytes, more than the ${opts.maxBytes} allowed`, res.status);
  }
  const hash = crypto.createHash('sha256');
  const out = fs.createWriteStream(destPath);
  let bytes = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) throw new MediaFetchError(`recording exceeds ${opts.maxBytes} bytes`, res.status);
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  if (Number.isFinite(declared) && bytes !== declared) {
    throw new MediaFetchError(`recording download ended after ${bytes} of ${declared} bytes`, res.status);
  }
  return { bytes, sha256: hash.digest('hex'), finalUrl };
}

/**
 * Deletes Twilio's copy of a recording (DELETE /2010-04-01/Accounts/{Sid}/Recordings/{Sid}.json). A 404 means
 * it is already gone, which is the outcome we want.
 */
export async function deleteTwilioRecording(
  creds: TwilioCredentials,
  recordingSid: string,
  fetchImpl: typeof fetch = fetch,
): Promise<'deleted' | 'already-gone'> {
  if (!isRecordingSid(recordingSid)) throw new Error(`not a recording SID: ${recordingSid}`);
  const url = `${creds.apiBaseUrl}/2010-04-01/Accounts/${creds.accountSid}/Recordings/${recordingSid}.json`;
  const res = await fetchImpl(url, {
    method: 'DELETE',
    headers: { authorization: basicAuth(creds) },
    redirect: 'manual',
  });
  await res.body?.cancel();
  if (res.status === 204 || res.status === 200) return 'deleted';
  if (res.status === 404) return 'already-gone';
  throw new MediaFetchError(
    `Twilio answered ${res.status} to deleting recording ${recordingSid}`,
    res.status,
    retryAfter(res),
  );
}
