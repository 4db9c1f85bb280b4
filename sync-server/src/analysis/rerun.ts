import crypto from 'node:crypto';
import { z } from 'zod';
import { agreementReport, type AgreementReport } from '../../../shared/analysis';
import { AgreementQuery, RerunSelection, type RerunResult } from '../../../shared/contracts/analysis';
import type { InsightDoc, ReviewDoc } from '../../../shared/schemas';
import type { Queryable } from '../db';
import type { JobQueue } from '../jobs/queue';
import { JOB_TRANSCRIBE } from './jobs';

/**
 * Re-running analysis over a chosen set of calls (after a model, prompt or lexicon change), and the agreement
 * report between AI outcomes and reviewers. Shared by the admin routes and the CLI.
 */
export type RerunSelection = z.input<typeof RerunSelection>;

export type { RerunResult };

export async function selectCalls(q: Queryable, s: z.output<typeof RerunSelection>): Promise<string[]> {
  const insightFilter = s.fromProvider || s.fromModel || s.onlyFailed;
  const { rows } = await q.query<{ id: string }>(
    `SELECT c.id FROM sync_documents c
      WHERE c.collection = 'calls' AND NOT c.deleted
        AND c.doc -> 'recording' ->> 'state' = 'stored'
        AND ($1::text[] IS NULL OR c.id = ANY($1::text[]))
        AND ($2::bigint IS NULL OR (c.doc ->> 'startedAt')::bigint >= $2)
        AND ($3::bigint IS NULL OR (c.doc ->> 'startedAt')::bigint < $3)
        AND ($4::text IS NULL OR c.doc ->> 'district' = $4)
        AND ($5::text IS NULL OR c.doc ->> 'service' = $5)
        AND (NOT $6::boolean OR EXISTS (
              SELECT 1 FROM sync_documents i
               WHERE i.collection = 'insights' AND NOT i.deleted AND i.doc ->> 'callId' = c.id
                 AND ($7::text IS NULL OR i.doc ->> 'provider' = $7)
                 AND ($8::text IS NULL OR i.doc ->> 'model' = $8)
                 AND (NOT $9::boolean OR i.doc ->> 'status' = 'failed')))
      ORDER BY (c.doc ->> 'startedAt')::bigint DESC, c.id
      LIMIT $10`,
    [
      s.callIds ?? null,
      s.since ?? null,
      s.until ?? null,
      s.district ?? null,
      s.service ?? null,
      Boolean(insightFilter),
      s.fromProvider ?? null,
      s.fromModel ?? null,
      s.onlyFailed ?? false,
      s.limit,
    ],
  );
  return rows.map((r) => r.id);
}

/**
 * Enqueues a transcribe job per selected call (it reuses the stored transcript unless `retranscribe`, then
 * analyses with the configured analyser). Only calls with a stored recording can be selected, and the jobs
 * check again before asking any provider.
 */
export async function rerunAnalysis(
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> } & Queryable,
  jobs: JobQueue,
  input: unknown,
): Promise<RerunResult> {
  const s = RerunSelection.parse(input);
  const runId = crypto.randomUUID();
  const callIds = await selectCalls(db, s);
  let enqueued = 0;
  if (!s.dryRun && callIds.length) {
    await db.transaction(async (tx) => {
      for (const callId of callIds) {
        const id = await jobs.enqueue(
          tx,
          JOB_TRANSCRIBE,
          { callId, retranscribe: s.retranscribe, runId },
          { dedupeKey: `analysis.rerun:${runId}:${callId}` },
        );
        if (id !== null) enqueued++;
      }
    });
  }
  return { runId, matched: callIds.length, enqueued, dryRun: s.dryRun, callIds: callIds.slice(0, 100) };
}

export async function agreementFromDb(
  q: Queryable,
  filter: z.output<typeof AgreementQuery> = {},
): Promise<AgreementReport> {
  const reviews = await q.query<{ doc: ReviewDoc }>(
    `SELECT doc FROM sync_documents
      WHERE collection = 'reviews' AND NOT deleted AND doc ->> 'status' = 'submitted' AND doc ->> 'outcome' IS NOT NULL
        AND ($1::bigint IS NULL OR (doc ->> 'submittedAt')::bigint >= $1)
        AND ($2::bigint IS NULL OR (doc ->> 'submittedAt')::bigint < $2)`,
    [filter.since ?? null, filter.until ?? null],
  );
  const callIds = [...new Set(reviews.rows.map((r) => r.doc.callId))];
  if (!callIds.length) return { groups: [], reviewsWithoutInsight: 0 };
  const insights = await q.query<{ doc: InsightDoc }>(
    `SELECT doc FROM sync_documents
      WHERE collection = 'insights' AND NOT deleted AND doc ->> 'callId' = ANY($1::text[]) AND doc ->> 'status' = 'done'
        AND ($2::text IS NULL OR doc ->> 'provider' = $2) AND ($3::text IS NULL OR doc ->> 'model' = $3)`,
    [callIds, filter.provider ?? null, filter.model ?? null],
  );
  return agreementReport(
    insights.rows.map((r) => r.doc),
    reviews.rows.map((r) => r.doc),
  );
}
