import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';
import * as contract from '../../../shared/contracts/recordings';
import type { ParamsOf } from '../../../shared/contracts/define';
import { audit } from '../audit/log';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { route, type RouteDef } from '../http/routes';
import { mediaDeps, type MediaDeps } from './deps';
import { decideRange } from './range';
import { currentRecordingOfCall, getRecording, MEDIA_FILES, type MediaFile, type Recording } from './repository';
import { checkGrant, MEDIA_SCOPES, serverSecret, signGrant, type MediaGrant, type MediaScope } from './signing';

/**
 * Serving recordings to staff. The app asks for short-lived signed URLs (audited: every URL issued for
 * playback is a listen, every download URL a download), then the <audio> element and wavesurfer fetch them
 * without an Authorization header. GET /media/… checks the signature, the expiry and that the account still
 * exists, and serves byte ranges so the player can seek in a long call without downloading all of it.
 */
export const MEDIA_SECRET_NAME = 'media-url-v1';

/** What each scope may fetch, by the file name in the URL. */
const SCOPE_FILES: Record<MediaScope, Record<string, MediaFile>> = {
  play: { 'playback.mp3': 'playback', 'peaks.json': 'peaks', 'peaks-detail.json': 'peaksDetail' },
  download: { 'original.wav': 'original', 'playback.mp3': 'playback' },
};

function mediaUrl(deps: MediaDeps, secret: Buffer, grant: MediaGrant, file: string): string {
  const sig = signGrant(secret, grant);
  const path = `/media/${grant.scope}/${encodeURIComponent(grant.callId)}/${grant.recordingSid}/${file}`;
  return `${deps.config.publicBaseUrl}${path}?u=${encodeURIComponent(grant.userId)}&e=${grant.exp}&s=${sig}`;
}

export function recordingRoutes(ctx: AppContext): RouteDef[] {
  const deps = mediaDeps(ctx);
  let secret: Promise<Buffer> | null = null;
  // Read once per instance; a failure is not cached so the next request retries.
  const mediaSecret = () =>
    (secret ??= serverSecret(ctx.db, MEDIA_SECRET_NAME).catch((err: unknown) => {
      secret = null;
      throw err;
    }));

  return [
    route(contract.mediaUrl, async ({ req, auth, body: input, params: { id: callId } }) => {
      const recording = await currentRecordingOfCall(ctx.db, callId);
      if (!recording) throw new ApiError('RECORDING_UNAVAILABLE', `call ${callId} has no stored recording`);
      const user = auth.user;
      if (!user) throw new ApiError('FORBIDDEN', 'media URLs are issued to staff accounts');
      const nowMs = deps.now();
      const exp = Math.floor(nowMs / 1000) + deps.config.MEDIA_URL_TTL_SECONDS;
      const expiresAt = new Date(exp * 1000).toISOString();
      const key = await mediaSecret();
      const download = input.purpose === 'download';
      const grant: MediaGrant = {
        scope: download ? 'download' : 'play',
        callId,
        recordingSid: recording.recordingSid,
        userId: user.id,
        exp,
      };
      await audit(ctx.db, auth, {
        action: download ? 'recording.download' : 'recording.listen',
        subjectType: 'call',
        subjectId: callId,
        detail: {
          recordingSid: recording.recordingSid,
          purpose: input.purpose,
          ...(download ? { format: input.format } : {}),
          expiresAt,
        },
        ip: req.ip ?? null,
      });
      if (download) {
        const file = input.format === 'wav' ? 'original.wav' : 'playback.mp3';
        return {
          downloadUrl: mediaUrl(deps, key, grant, file),
          filename: downloadName(recording, input.format),
          expiresAt,
        };
      }
      return {
        audioUrl: mediaUrl(deps, key, grant, 'playback.mp3'),
        peaksUrl: mediaUrl(deps, key, grant, 'peaks.json'),
        detailPeaksUrl: mediaUrl(deps, key, grant, 'peaks-detail.json'),
        expiresAt,
        mimeType: 'audio/mpeg',
        durationSec: recording.durationSec,
        channels: recording.channels,
        bytes: recording.playbackBytes,
      };
    }),
    route(contract.media, async ({ req, res, params }) => {
      await serveMedia(deps, await mediaSecret(), params, req, res);
    }),
    route(contract.accessLog, async ({ query: q }) => {
      const actions = q.action ? [`recording.${q.action}`] : ['recording.listen', 'recording.download'];
      const { rows } = await ctx.db.query<{
        id: number;
        at: Date;
        actor_label: string;
        action: string;
        subject_id: string | null;
        detail: Record<string, unknown>;
        ip: string | null;
      }>(
        `SELECT id, at, actor_label, action, subject_id, detail, ip FROM audit_log
            WHERE action = ANY($1::text[]) AND subject_type = 'call'
              AND ($2::text IS NULL OR subject_id = $2) AND ($3::text IS NULL OR actor_label = $3)
              AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
              AND ($6::bigint IS NULL OR id < $6)
            ORDER BY id DESC LIMIT $7`,
        [actions, q.callId ?? null, q.actor ?? null, q.from ?? null, q.to ?? null, q.before ?? null, q.limit],
      );
      return {
        entries: rows.map((r) => ({
          id: r.id,
          at: new Date(r.at).toISOString(),
          actor: r.actor_label,
          action: r.action,
          callId: r.subject_id,
          detail: r.detail,
          ip: r.ip,
        })),
        // Pass as `before` to read the next (older) page.
        next: rows.length === q.limit ? rows[rows.length - 1].id : null,
      };
    }),
  ];
}

function downloadName(recording: Recording, format: 'wav' | 'mp3'): string {
  const day = new Date(recording.storedAt).toISOString().slice(0, 10);
  return `ringside-call-${recording.callId.replace(/[^A-Za-z0-9_-]/g, '_')}-${day}.${format}`;
}

async function serveMedia(
  deps: MediaDeps,
  secret: Buffer,
  { scope: scopeName, callId, recordingSid, file }: ParamsOf<typeof contract.media>,
  req: Request,
  res: Response,
): Promise<void> {
  const scope = MEDIA_SCOPES.find((s) => s === scopeName);
  if (!scope) throw new ApiError('NOT_FOUND', 'no such media');
  const mediaFile = SCOPE_FILES[scope][file];
  if (!mediaFile) throw new ApiError('NOT_FOUND', `no media file ${file} in ${scope} URLs`);
  const { u, e, s } = req.query;
  if (typeof u !== 'string' || typeof e !== 'string' || typeof s !== 'string' || !/^\d{1,12}$/.test(e)) {
    throw new ApiError('MEDIA_URL_INVALID', 'this media URL is incomplete or malformed; ask the app for a new one');
  }
  const grant: MediaGrant = { scope, callId, recordingSid, userId: u, exp: Number(e) };
  const check = checkGrant(secret, grant, s, deps.now());
  if (!check.ok) {
    deps.log.warn({ callId, recordingSid, userId: u, reason: check.reason, ip: req.ip }, 'refused a signed media URL');
    throw check.reason === 'expired'
      ? new ApiError('MEDIA_URL_EXPIRED', 'this media URL has expired; ask the app for a new one')
      : new ApiError('MEDIA_URL_INVALID', 'this media URL is not valid');
  }
  // A URL stops working as soon as its holder's account is revoked, even before it expires.
  const { rows } = await deps.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM users WHERE id = $1', [u]);
  if (!rows[0] || rows[0].revoked_at)
    throw new ApiError('MEDIA_URL_INVALID', 'the account this URL was issued to is no longer active');

  const recording = await getRecording(deps.db, recordingSid);
  if (!recording || recording.state !== 'stored' || recording.callId !== callId) {
    throw new ApiError('RECORDING_UNAVAILABLE', 'this recording is no longer available');
  }
  const key = recording.storagePrefix + MEDIA_FILES[mediaFile];
  const info = await deps.storage.stat(key);
  if (!info) {
    deps.log.error({ key, recordingSid }, 'stored recording is missing an object');
    throw new ApiError('RECORDING_UNAVAILABLE', 'this recording is no longer available');
  }
  const remaining = Math.max(0, grant.exp - Math.floor(deps.now() / 1000));
  res.setHeader('Cache-Control', `private, max-age=${remaining}`);
  res.setHeader('Last-Modified', new Date(recording.storedAt).toUTCString());
  const etag = `"${recording.originalSha256.slice(0, 20)}-${mediaFile}"`;
  res.setHeader('ETag', etag);

  if (mediaFile === 'peaks' || mediaFile === 'peaksDetail') {
    // Stored gzipped (peaks compress ~4×); sent as is to any client that accepts gzip, which every browser does.
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Accept-Ranges', 'none');
    const gz = /\bgzip\b/i.test(req.header('accept-encoding') ?? '');
    if (gz) {
      res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Content-Length', String(info.size));
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const body = await deps.storage.read(key);
    await (gz ? pipeline(body, res) : pipeline(body, zlib.createGunzip(), res)).catch(ignoreClientAbort);
    return;
  }

  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', mediaFile === 'original' ? 'audio/wav' : 'audio/mpeg');
  if (scope === 'download') {
    const ext = mediaFile === 'original' ? 'wav' : 'mp3';
    res.setHeader('Content-Disposition', `attachment; filename="${downloadName(recording, ext)}"`);
  }
  // If-Range (RFC 9110 §13.1.5): a range is only served if the client's copy is this one.
  const ifRange = req.header('if-range');
  const rangeHeader = ifRange && ifRange !== etag ? undefined : req.header('range');
  const decision = decideRange(rangeHeader, info.size);
  if (decision.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${info.size}`);
    throw new ApiError('RANGE_NOT_SATISFIABLE', `the file has ${info.size} bytes`);
  }
  const range = decision.kind === 'partial' ? { start: decision.start, end: decision.end } : undefined;
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.setHeader('Content-Length', String(info.size));
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const body = await deps.storage.read(key, range);
  await pipeline(body, res).catch(ignoreClientAbort);
}

/** A player that seeks elsewhere aborts its request mid-stream: normal, not an error. */
function ignoreClientAbort(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
}
