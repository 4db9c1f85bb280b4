import type { CollectionName } from '../../../shared/schemas';
import type { Scope } from '../../../shared/sync-policy';

/**
 * SQL for partial-sync scopes (SPEC R10) over the alias `d` of `sync_documents`. Placeholders are written `$?`
 * and numbered by the caller. Field names come from shared/sync-policy.ts constants, never from the request;
 * the assertion below keeps it that way.
 */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

const DAY_MS = 86_400_000;

function field(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`not a field name: ${name}`);
  return name;
}

/**
 * "Awaiting my review" for a call document expression `c` with id `callId`: a stored recording, and either
 * assigned to me and not yet reviewed by me, or unassigned and not yet reviewed by anyone. With `sinceParam`
 * the unassigned part is limited to calls started since then (what is assigned to me always counts).
 *
 * Written as plain ANDs with one NOT EXISTS at the top so PostgreSQL can plan it as an anti-join instead of a
 * subquery per row. Placeholders, in order: me, [since], me.
 */
function awaitingReview(c: string, callId: string, bounded: boolean): string {
  return `(${c} -> 'recording' ->> 'state' = 'stored'
    AND (${c} ->> 'reviewAssignee' = $? OR (${c} ->> 'reviewAssignee' IS NULL${bounded ? ` AND ${c} -> 'startedAt' >= to_jsonb($?::bigint)` : ''}))
    AND NOT EXISTS (SELECT 1 FROM sync_documents r
      WHERE r.collection = 'reviews' AND r.doc ->> 'callId' = ${callId} AND NOT r.deleted AND r.doc ->> 'status' = 'submitted'
        AND (${c} ->> 'reviewAssignee' IS NULL OR r.doc ->> 'reviewerId' = $?)))`;
}

/**
 * `incremental`: the client already holds documents (its checkpoint is past 0), so documents that left the
 * scope since must reach it once; a fresh replication needs only the current members.
 */
export function scopeCondition(
  collection: CollectionName,
  scope: Scope,
  who: { userId: string; now: number; incremental: boolean },
): SqlCondition {
  switch (scope.kind) {
    case 'recent': {
      // Time fields never change after a document is created, so the current document decides.
      const since = who.now - scope.days * DAY_MS;
      return { sql: `d.doc -> '${field(scope.field)}' >= to_jsonb($?::bigint)`, params: [since] };
    }
    case 'mine':
      return { sql: `d.doc ->> '${field(scope.field)}' = $?`, params: [who.userId] };
    case 'calls':
      return { sql: `d.doc ->> '${field(scope.field)}' = ANY($?::text[])`, params: [scope.ids] };
    case 'queue': {
      const since = scope.days === null ? null : who.now - scope.days * DAY_MS;
      const bounded = since !== null;
      const params = bounded ? [who.userId, since, who.userId] : [who.userId, who.userId];
      if (collection === 'calls') {
        if (!who.incremental) return { sql: awaitingReview('d.doc', 'd.id', bounded), params };
        // The previous state counts too: a call that just LEFT my queue (reassigned, recording deleted) must
        // still reach me once, or my device would keep showing it as mine.
        return {
          sql: `${awaitingReview('d.doc', 'd.id', bounded)} OR (d.prev_doc IS NOT NULL AND ${awaitingReview('d.prev_doc', 'd.id', bounded)})`,
          params: [...params, ...params],
        };
      }
      // insights / reviews: those of the calls in my queue. The call is fetched by primary key only and the
      // queue test runs on what comes back: with the test inside the subquery's WHERE, PostgreSQL (and PGlite,
      // which never gathers statistics) may pick the partial "recorded calls" index and scan every call for
      // every document.
      return {
        sql: `(SELECT ${awaitingReview('c.doc', 'c.id', bounded)} FROM sync_documents c
                WHERE c.collection = 'calls' AND c.id = d.doc ->> 'callId' AND NOT c.deleted) IS TRUE`,
        params,
      };
    }
  }
}
