import { peaksFileProblem, type PeaksFile } from '../../../../../shared/peaks';
import { isPeaksFile, type RecordingCache } from '../offline/recording-cache';
import type { ReviewApi } from '../types';

/**
 * Where the player gets a call's audio and peaks: the offline copy when there is one (works without a
 * network and starts instantly), else short-lived signed URLs from the server. The <audio> element streams
 * the signed URL with Range requests, so an hour-long call starts playing without downloading it whole.
 */
export interface RecordingSource {
  url: string;
  peaks: PeaksFile;
  origin: 'offline' | 'server';
  /** Finer peaks to fetch when zooming in far (server only). */
  detailPeaksUrl: string | null;
  /** Frees the object URL of an offline copy. */
  release(): void;
}

export class RecordingUnavailableError extends Error {
  override name = 'RecordingUnavailableError';
  constructor(
    message: string,
    readonly reason: 'offline' | 'not_found' | 'bad_peaks' | 'failed',
  ) {
    super(message);
  }
}

export async function fetchPeaks(peaksUrl: string, signal?: AbortSignal): Promise<PeaksFile> {
  const res = await fetch(peaksUrl, { signal, credentials: 'omit' });
  if (!res.ok)
    throw new RecordingUnavailableError(
      `waveform data answered ${res.status}`,
      res.status === 404 ? 'not_found' : 'failed',
    );
  const body: unknown = await res.json();
  if (!isPeaksFile(body)) {
    throw new RecordingUnavailableError(`waveform data is malformed: ${peaksFileProblem(body)}`, 'bad_peaks');
  }
  return body;
}

export async function openRecording(
  callId: string,
  deps: { api: ReviewApi; cache: RecordingCache },
  signal?: AbortSignal,
): Promise<RecordingSource> {
  const cached = await deps.cache.get(callId).catch(() => null);
  if (cached) {
    const url = URL.createObjectURL(cached.audio);
    return {
      url,
      peaks: cached.peaks,
      origin: 'offline',
      detailPeaksUrl: null,
      release: () => URL.revokeObjectURL(url),
    };
  }
  let urls;
  try {
    urls = await deps.api.mediaUrl(callId, 'playback');
  } catch (err) {
    const code: unknown = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
    if (code === 'NETWORK' || (typeof navigator !== 'undefined' && navigator.onLine === false)) {
      throw new RecordingUnavailableError(
        'You are offline and this call has not been made available offline.',
        'offline',
      );
    }
    if (code === 'NOT_FOUND' || code === 'RECORDING_UNAVAILABLE')
      throw new RecordingUnavailableError('The recording is no longer stored.', 'not_found');
    throw new RecordingUnavailableError(err instanceof Error ? err.message : String(err), 'failed');
  }
  let peaks: PeaksFile;
  try {
    peaks = await fetchPeaks(urls.peaksUrl, signal);
  } catch (err) {
    if (err instanceof RecordingUnavailableError || (err instanceof Error && err.name === 'AbortError')) throw err;
    throw new RecordingUnavailableError(
      'You are offline and this call has not been made available offline.',
      'offline',
    );
  }
  return {
    url: urls.audioUrl,
    peaks,
    origin: 'server',
    detailPeaksUrl: urls.detailPeaksUrl ?? null,
    release: () => undefined,
  };
}

/** A fresh signed URL for the same recording (the previous one expired while the call was open). */
export async function refreshAudioUrl(
  callId: string,
  api: ReviewApi,
): Promise<{ url: string; detailPeaksUrl: string | null }> {
  const urls = await api.mediaUrl(callId, 'playback');
  return { url: urls.audioUrl, detailPeaksUrl: urls.detailPeaksUrl ?? null };
}

/** Adds the finer levels of a detail peaks file to the overview (same recording, same channels). */
export function mergePeakLevels(overview: PeaksFile, detail: PeaksFile): PeaksFile {
  const have = new Set(overview.levels.map((l) => l.peaksPerSecond));
  const extra = detail.levels.filter((l) => !have.has(l.peaksPerSecond) && l.data.length === overview.channels.length);
  return { ...overview, levels: [...overview.levels, ...extra].sort((a, b) => a.peaksPerSecond - b.peaksPerSecond) };
}
