import { z } from 'zod';
import { ROLES } from '../roles';
import { defineRoute } from './define';

/** Replication limits (sync-server/src/replication/SPEC.md). */
export const DEFAULT_PULL_LIMIT = 200;
export const MAX_PULL_LIMIT = 2000;
export const MAX_PUSH_ROWS = 500;

/**
 * `:collection` and `:v` (the client's schema version) are checked by the replication rules: an unknown
 * collection is UNKNOWN_COLLECTION, another schema version SCHEMA_OUTDATED (R3).
 */
const CollectionParams = z.object({
  collection: z.string().meta({ description: 'a collection name (leads, calls, reviews …)' }),
  v: z.string().meta({ description: "the client's schema version of the collection" }),
});

export const PullQuery = z.object({
  seq: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
  scope: z.string().min(1).max(30_000).optional(),
});

const DocObject = z.record(z.string(), z.unknown());

export const PushBody = z.object({
  rows: z.array(
    z.object({
      newDocumentState: DocObject,
      assumedMasterState: DocObject.nullable().optional(),
    }),
  ),
});

export const PullPage = z.object({
  /** Documents as the caller's role sees them, each with RxDB's `_deleted` flag. */
  documents: z.array(DocObject),
  checkpoint: z.object({ seq: z.number() }),
  /** The collection's latest seq: how far behind this page is. */
  head: z.number(),
});
export type PullPage = z.infer<typeof PullPage>;

const REPLICATION_ERRORS = ['UNKNOWN_COLLECTION', 'SCHEMA_OUTDATED'] as const;

export const pull = defineRoute({
  method: 'get',
  path: '/sync/:collection/:v/pull',
  access: ROLES,
  summary: 'Pull changes after a checkpoint (RxDB replication)',
  params: CollectionParams,
  query: PullQuery,
  response: PullPage,
  writesAnswer: true,
  errors: REPLICATION_ERRORS,
});

export const push = defineRoute({
  method: 'post',
  path: '/sync/:collection/:v/push',
  access: ROLES,
  summary: 'Push local changes; answers the conflicting masters',
  params: CollectionParams,
  body: PushBody,
  response: z.object({ conflicts: z.array(DocObject) }),
  errors: [...REPLICATION_ERRORS, 'PAYLOAD_TOO_LARGE', 'FORBIDDEN_FIELD', 'REVIEW_SUBMITTED', 'CONFLICT'],
});

const Ticket = z.object({
  ticket: z.string().optional().meta({ description: 'a single-use ticket from POST /api/auth/stream-ticket' }),
});

export const stream = defineRoute({
  method: 'get',
  path: '/sync/:collection/:v/stream',
  access: ROLES,
  streamTicket: true,
  bodyFormat: 'none',
  summary: 'Server-sent events: one `change` per committed write of the collection',
  params: CollectionParams,
  query: Ticket,
  answers: 'event-stream',
  errors: REPLICATION_ERRORS,
});

export const streamAll = defineRoute({
  method: 'get',
  path: '/sync/stream',
  access: ROLES,
  streamTicket: true,
  bodyFormat: 'none',
  summary: 'Server-sent events for several collections on one connection: `change` {collection, seq}',
  // `collections` is read by the stream (VALIDATION_FAILED naming it when malformed).
  query: Ticket.extend({
    collections: z.unknown().optional().meta({ description: 'name:schemaVersion pairs, e.g. calls:0,leads:0' }),
  }),
  answers: 'event-stream',
  errors: ['SCHEMA_OUTDATED', 'UNKNOWN_COLLECTION'],
});
