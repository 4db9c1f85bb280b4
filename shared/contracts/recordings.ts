import { z } from 'zod';
import { PEAK_CHANNELS } from '../peaks';
import { IdParams, IsoTime } from './common';
import { defineRoute } from './define';

const STAFF = ['admin', 'reviewer', 'author'] as const;

export const MediaUrlInput = z.object({
  /** playback: the player; offline: the app caching the call for offline review; download: a file to keep. */
  purpose: z.enum(['playback', 'offline', 'download']).default('playback'),
  /** Download format: the original dual-channel WAV or the compressed MP3. */
  format: z.enum(['wav', 'mp3']).default('wav'),
});

export const PlaybackUrls = z.object({
  audioUrl: z.string(),
  peaksUrl: z.string(),
  detailPeaksUrl: z.string(),
  expiresAt: IsoTime,
  mimeType: z.string(),
  durationSec: z.number(),
  /** Which side each channel carries, in order. */
  channels: z.array(z.enum(PEAK_CHANNELS)),
  bytes: z.number(),
});
export type PlaybackUrls = z.infer<typeof PlaybackUrls>;

export const DownloadUrl = z.object({ downloadUrl: z.string(), filename: z.string(), expiresAt: IsoTime });
export type DownloadUrl = z.infer<typeof DownloadUrl>;

export const mediaUrl = defineRoute({
  method: 'post',
  path: '/api/calls/:id/media-url',
  access: STAFF,
  summary: 'Short-lived signed URLs for a call recording (audio, peaks) or a download; audited',
  params: IdParams,
  body: MediaUrlInput,
  response: z.union([PlaybackUrls, DownloadUrl]),
  errors: ['RECORDING_UNAVAILABLE'],
});

export const media = defineRoute({
  method: 'get',
  path: '/media/:scope/:callId/:recordingSid/:file',
  access: 'public',
  summary: 'Recording media and peaks by signed URL (u, e, s from media-url), with HTTP Range',
  // Checked by the signature: a malformed or forged URL is MEDIA_URL_INVALID, an old one MEDIA_URL_EXPIRED.
  params: z.object({ scope: z.string(), callId: z.string(), recordingSid: z.string(), file: z.string() }),
  query: z.object({
    u: z.unknown().optional().meta({ description: 'the user the URL was issued to' }),
    e: z.unknown().optional().meta({ description: 'expiry, seconds since the epoch' }),
    s: z.unknown().optional().meta({ description: 'signature' }),
  }),
  answers: 'media',
  status: [200, 206],
  errors: ['MEDIA_URL_INVALID', 'MEDIA_URL_EXPIRED', 'RECORDING_UNAVAILABLE', 'RANGE_NOT_SATISFIABLE', 'NOT_FOUND'],
});

export const AccessLogQuery = z.object({
  callId: z.string().max(100).optional(),
  actor: z.string().max(200).optional(),
  action: z.enum(['listen', 'download']).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const AccessLogEntry = z.object({
  id: z.number(),
  at: IsoTime,
  actor: z.string(),
  action: z.string(),
  callId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

export const accessLog = defineRoute({
  method: 'get',
  path: '/api/recordings/access-log',
  access: ['admin'],
  summary: 'Who listened to or downloaded which recording, when (filter by call, person, action, dates)',
  query: AccessLogQuery,
  /** `next`: pass as `before` to read the next (older) page. */
  response: z.object({ entries: z.array(AccessLogEntry), next: z.number().nullable() }),
});

export const Preparing = z.object({
  /** Calls not in the queue yet: still to be placed by the demo, or their recording not yet stored. */
  calls: z.number(),
  /** Recorded calls the demo has still to place. */
  placing: z.number(),
  /** Calls whose recording waits to be downloaded. */
  downloading: z.number(),
  /** Calls in the queue whose transcript or AI analysis is queued or running. */
  analysing: z.number(),
});
export type Preparing = z.infer<typeof Preparing>;

export const preparing = defineRoute({
  method: 'get',
  path: '/api/queue/preparing',
  access: STAFF,
  summary: 'Calls still on their way to the review queue (being placed, downloading, being analysed)',
  response: Preparing,
});
