import type { Response } from 'express';
import { sameDocument } from '../../../shared/conflicts';
import { PAGE_CHECKPOINT_HEADER, PAGE_COUNT_HEADER } from '../../../shared/pull-page';
import { isRole, type Role } from '../../../shared/roles';
import { isCollectionName, schemaVersion, type CollectionName, type DocTypes } from '../../../shared/schemas';
import { fieldOf } from '../../../shared/objects';
import {
  checkPush,
  keepHiddenFields,
  parseScope,
  pullRule,
  pushRule,
  redactForRole,
  redacts,
  type PolicyUser,
} from '../../../shared/sync-policy';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import * as contract from '../../../shared/contracts/replication';
import { DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_ROWS } from '../../../shared/contracts/replication';
import { route, type Handler, type RequestAuth, type RouteDef } from '../http/routes';
import { scopeCondition, type SqlCondition } from './scopes';
import { HEARTBEAT_MS, serveChangeStream } from './sse';
import { changesSince, changesSinceAsJson, collectionHead, getDocuments, lockCollection, putDocuments } from './store';
import { createDocumentValidator } from './validate';
import { keepMetricsAfterReviews } from '../metrics/keep';

/**
 * RxDB HTTP replication endpoints (pull, push, stream) per collection. Protocol and rule ids: SPEC.md.
 * Role rules come from shared/sync-policy.ts, conflict equality from shared/conflicts.ts.
 */

export { DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_ROWS };

/** Fields RxDB keeps locally that are never stored on the server. */
const CLIENT_ONLY_FIELDS = ['_deleted', '_meta', '_rev', '_attachments'] as const;

type AnyDoc = Record<string, unknown>;
type Stored<C extends CollectionName> = DocTypes[C];

function staffUser(auth: RequestAuth | null): PolicyUser {
  // The route table admits staff roles only; this narrows the type and guards against a wiring mistake.
  const role = auth?.principal;
  if (!auth?.user || !isRole(role)) throw new ApiError('FORBIDDEN', 'replication is for staff accounts');
  return { id: auth.user.id, role };
}

/** R3: the collection must exist and the client's schema version must be the server's. */
function collectionOf(params: { collection: string; v: string }): CollectionName {
  const name = params.collection;
  if (!isCollectionName(name))
    throw new ApiError('UNKNOWN_COLLECTION', `there is no collection ${JSON.stringify(name.slice(0, 50))}`);
  const v = params.v;
  if (!/^\d{1,6}$/.test(v)) throw new ApiError('VALIDATION_FAILED', 'the schema version must be a whole number', 'v');
  const server = schemaVersion(name);
  if (Number(v) !== server) {
    throw new ApiError(
      'SCHEMA_OUTDATED',
      `${name} is at schema version ${server} on the server; this app has ${v}. Update the app.`,
    );
  }
  return name;
}

function stripClientFields(doc: AnyDoc): AnyDoc {
  const out: AnyDoc = { ...doc };
  for (const f of CLIENT_ONLY_FIELDS) delete out[f];
  return out;
}

/**
 * The page's checkpoint and size as headers too, so a client catching up can ask for the next page as soon as
 * this one's headers arrive, while its body is still being read (SPEC R1).
 */
function setPageHeaders(res: Response, seq: number, count: number): void {
  res.setHeader(PAGE_CHECKPOINT_HEADER, String(seq));
  res.setHeader(PAGE_COUNT_HEADER, String(count));
}

/** A stored document's JSON object text with RxDB's deletion flag added (the last key wins if it was there). */
function withDeletedFlag(json: string, deleted: boolean): string {
  const body = json.trimEnd().slice(0, -1);
  return `${body}${body.trim() === '{' ? '' : ','}"_deleted":${deleted}}`;
}

/** A stored document as `role` receives it, with RxDB's deletion flag. */
function asSeenBy<C extends CollectionName>(collection: C, role: Role, doc: Stored<C>, deleted: boolean): AnyDoc {
  const seen: object = redactForRole(collection, role, doc);
  return { ...seen, _deleted: deleted };
}

function ownerCondition(collection: CollectionName, user: PolicyUser): SqlCondition | null {
  const owned = pullRule(collection, user.role)?.ownedBy;
  if (!owned) return null;
  return { sql: `d.doc ->> '${owned}' = $?`, params: [user.id] };
}

/** Joins conditions with AND and numbers their `$?` placeholders after the first `offset` parameters. */
function combine(
  conditions: Array<SqlCondition | null>,
  offset: number,
): { where: string; params: unknown[] } | undefined {
  const present = conditions.filter((c): c is SqlCondition => c !== null);
  if (!present.length) return undefined;
  const params: unknown[] = [];
  const where = present
    .map((c) => {
      let i = 0;
      const sql = c.sql.replace(/\$\?/g, () => `$${offset + params.length + ++i}`);
      params.push(...c.params);
      return `(${sql})`;
    })
    .join(' AND ');
  return { where, params };
}

export interface ReplicationRouteOptions {
  /** Heartbeat interval of the stream (default HEARTBEAT_MS, 25 s); tests shorten it. */
  heartbeatMs?: number;
}

export function replicationRoutes(ctx: AppContext, opts: ReplicationRouteOptions = {}): RouteDef[] {
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  const validator = createDocumentValidator();

  // ───────────────────────────── pull ─────────────────────────────
  const pull: Handler<typeof contract.pull> = async ({ auth, res, params, query: q }) => {
    const collection = collectionOf(params);
    const user = staffUser(auth);
    const rule = pullRule(collection, user.role);
    if (!rule) throw new ApiError('FORBIDDEN', `a ${user.role} does not receive ${collection}`);
    let scope: SqlCondition | null = null;
    if (q.scope !== undefined) {
      const parsed = parseScope(collection, q.scope);
      if (typeof parsed === 'string') throw new ApiError('VALIDATION_FAILED', parsed, 'scope');
      scope = scopeCondition(collection, parsed, { userId: user.id, now: ctx.now(), incremental: q.seq > 0 });
    }
    // changesSince uses $1..$3 (collection, seq, limit).
    const filter = combine([ownerCondition(collection, user), scope], 3);
    // Each document as JSON text with RxDB's deletion flag. With nothing to hide or mask for this role the stored
    // JSON goes out as it is (no parsing and re-serialising); otherwise the role's redacted copy (R6, R6a).
    const pageRows = async (): Promise<Array<{ seq: number; json: string }>> =>
      redacts(rule)
        ? (await changesSince(ctx.db, collection, q.seq, q.limit, filter)).map((r) => ({
            seq: r.seq,
            json: JSON.stringify(asSeenBy(collection, user.role, r.doc, r.deleted)),
          }))
        : (await changesSinceAsJson(ctx.db, collection, q.seq, q.limit, filter)).map((r) => ({
            seq: r.seq,
            json: withDeletedFlag(r.json, r.deleted),
          }));
    const [rows, head] = await Promise.all([pageRows(), collectionHead(ctx.db, collection)]);
    // R1: the checkpoint is the last seq handed out; unchanged when nothing new.
    const seq = rows.length ? rows[rows.length - 1].seq : q.seq;
    setPageHeaders(res, seq, rows.length);
    const documents = rows.map((r) => r.json).join(',');
    res.type('application/json').send(`{"documents":[${documents}],"checkpoint":{"seq":${seq}},"head":${head}}`);
  };

  // ───────────────────────────── push ─────────────────────────────
  const push: Handler<typeof contract.push> = async ({ auth, params, body }) => {
    const collection = collectionOf(params);
    const user = staffUser(auth);
    if (!pushRule(collection, user.role)) throw new ApiError('FORBIDDEN', `a ${user.role} cannot write ${collection}`);
    if (body.rows.length > MAX_PUSH_ROWS) {
      throw new ApiError('PAYLOAD_TOO_LARGE', `at most ${MAX_PUSH_ROWS} rows per push (got ${body.rows.length})`);
    }
    const now = ctx.now();

    // R4 before any database work: every document valid, or the whole push fails.
    const seen = new Set<string>();
    const rows = body.rows.map((row, i) => {
      const deleted = row.newDocumentState._deleted === true;
      // R2: the server owns updatedAt; whatever the client sent is replaced before validation.
      const candidate: AnyDoc = { ...stripClientFields(row.newDocumentState), updatedAt: now };
      const { doc, problem } = validator.check(collection, candidate);
      if (problem) {
        throw new ApiError(
          'VALIDATION_FAILED',
          `rows[${i}] (${String(candidate.id).slice(0, 100)}): ${problem.field} ${problem.message}`,
          problem.field,
        );
      }
      const id = doc.id;
      if (seen.has(id))
        throw new ApiError('VALIDATION_FAILED', `rows[${i}]: document ${id} appears twice in one push`, 'id');
      seen.add(id);
      return { id, doc, deleted, assumed: row.assumedMasterState ?? null };
    });

    return ctx.db.transaction(async (tx) => {
      // Counter first, then documents: the lock order every writer uses (no deadlocks), and no other writer of
      // this collection can change a master between our comparison and our write (R1, R5).
      await lockCollection(tx, collection);
      const stored = new Map(
        (await getDocuments(tx, collection, [...seen], { forUpdate: true, includeDeleted: true })).map((s) => [
          s.id,
          s,
        ]),
      );
      const conflicts: AnyDoc[] = [];
      const live: Array<Stored<typeof collection>> = [];
      const tombstones: Array<Stored<typeof collection>> = [];
      for (const row of rows) {
        const master = stored.get(row.id);
        const visible = master ? isVisible(collection, user, master.doc) : true;
        if (!visible) {
          // Never answer with (or overwrite) a document this user may not see: a conflict reply would leak it.
          throw new ApiError('FORBIDDEN', `document ${row.id} belongs to someone else`);
        }
        const masterSeen = master ? asSeenBy(collection, user.role, master.doc, master.deleted) : null;
        // R5: a missing master never conflicts (there is nothing to lose); otherwise compare what the client
        // assumed with the master as this role sees it.
        if (masterSeen && !sameDocument(masterSeen, row.assumed)) {
          conflicts.push(masterSeen);
          continue;
        }
        const liveMaster = master && !master.deleted ? redactForRole(collection, user.role, master.doc) : null;
        const violation = checkPush(collection, user, { ...row.doc, _deleted: row.deleted }, liveMaster);
        // R7: one refused row refuses the whole push; the message names the document.
        if (violation) throw new ApiError(violation.code, `document ${row.id}: ${violation.message}`, violation.field);
        if (row.deleted && !liveMaster) continue; // deleting what is not there: nothing to write
        const toWrite = keepHiddenFields(collection, user.role, row.doc, master ? master.doc : null);
        (row.deleted ? tombstones : live).push(toWrite);
      }
      await putDocuments(tx, collection, live, now);
      await putDocuments(tx, collection, tombstones, now, { deleted: true });
      if (collection === 'reviews') await keepMetricsAfterReviews(tx, [...live, ...tombstones], now);
      return { conflicts };
    });
  };

  function isVisible(collection: CollectionName, user: PolicyUser, doc: object): boolean {
    const owned = pullRule(collection, user.role)?.ownedBy;
    return !owned || fieldOf(doc, owned) === user.id;
  }

  // ───────────────────────────── stream ─────────────────────────────
  const stream: Handler<typeof contract.stream> = ({ auth, req, res, params }) => {
    const collection = collectionOf(params);
    const user = staffUser(auth);
    if (!pullRule(collection, user.role))
      throw new ApiError('FORBIDDEN', `a ${user.role} does not receive ${collection}`);
    return serveChangeStream(ctx, req, res, auth, {
      heartbeatMs,
      matches: (event) => event.collection === collection,
      data: (event) => ({ seq: event.seq }),
    });
  };

  return [route(contract.pull, pull), route(contract.push, push), route(contract.stream, stream)];
}
