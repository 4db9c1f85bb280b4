import type { Request, Response } from 'express';
import { isRole, type Role } from '../../../shared/roles';
import { isCollectionName, schemaVersion, type CollectionName } from '../../../shared/schemas';
import { pullRule } from '../../../shared/sync-policy';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { streamAll } from '../../../shared/contracts/replication';
import { route, type RequestAuth, type RouteDef } from '../http/routes';
import { HEARTBEAT_MS, serveChangeStream } from './sse';

/**
 * One live stream for several collections: `GET /sync/stream?collections=leads:0,calls:0,…`.
 *
 * Why: browsers allow six HTTP/1.1 connections per server, and an EventSource holds one for as long as it is
 * open. With one stream per collection (`/sync/:collection/:v/stream`) an admin's eleven collections take
 * every connection, and the app's pulls, pushes and even its own script chunks wait forever. The app opens
 * this stream once and hands each collection's replication its own events (renderer/src/db/shared-stream.ts).
 *
 * Same rules as the per-collection stream (SPEC R3, R6, R9): every `name:version` must be a known collection
 * at the server's schema version that the role may pull; each committed change sends `event: change` with
 * `data: {"collection": name, "seq": n}`; a heartbeat comment every 25 s, which also ends the stream with
 * `event: closed` once the session is revoked (at once) or expired. Opened with a single-use ticket
 * (`?ticket=`, POST /api/auth/stream-ticket) since an EventSource cannot send the Authorization header.
 */
const MAX_COLLECTIONS = 20;

function parseCollections(raw: unknown, role: Role): CollectionName[] {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 1000) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'collections: give name:schemaVersion pairs, e.g. calls:0,leads:0',
      'collections',
    );
  }
  const names = new Set<CollectionName>();
  const pairs = raw.split(',');
  if (pairs.length > MAX_COLLECTIONS)
    throw new ApiError('VALIDATION_FAILED', `collections: at most ${MAX_COLLECTIONS}`, 'collections');
  for (const pair of pairs) {
    const m = /^([A-Za-z]{1,40}):(\d{1,6})$/.exec(pair);
    if (!m)
      throw new ApiError(
        'VALIDATION_FAILED',
        `collections: ${JSON.stringify(pair.slice(0, 50))} is not name:schemaVersion`,
        'collections',
      );
    const [, name, v] = m;
    if (!isCollectionName(name))
      throw new ApiError('UNKNOWN_COLLECTION', `there is no collection ${JSON.stringify(name)}`);
    const server = schemaVersion(name);
    if (Number(v) !== server) {
      throw new ApiError(
        'SCHEMA_OUTDATED',
        `${name} is at schema version ${server} on the server; this app has ${v}. Update the app.`,
      );
    }
    if (!pullRule(name, role)) throw new ApiError('FORBIDDEN', `a ${role} does not receive ${name}`);
    names.add(name);
  }
  return [...names];
}

export function streamAllRoutes(ctx: AppContext, opts: { heartbeatMs?: number } = {}): RouteDef[] {
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;

  function stream({ auth, req, res }: { auth: RequestAuth | null; req: Request; res: Response }) {
    const role = auth?.principal;
    if (!auth?.user || !isRole(role)) {
      throw new ApiError('FORBIDDEN', 'replication is for staff accounts');
    }
    const collections = new Set(parseCollections(req.query.collections, role));
    return serveChangeStream(ctx, req, res, auth, {
      heartbeatMs,
      matches: (event) => collections.has(event.collection),
      data: (event) => ({ collection: event.collection, seq: event.seq }),
    });
  }

  return [route(streamAll, stream)];
}
