import type { Logger } from 'pino';
import type { Database, Queryable } from '../db';
import { dedupeKeyOf, parseJobPayload, type JobKind, type JobPayload, type JobPayloadIn } from './kinds';

/**
 * A PostgreSQL-backed job queue: jobs survive a restart, retry with exponential backoff, and are claimed with
 * FOR UPDATE SKIP LOCKED so several server instances can share one queue. A job whose worker died is
 * reclaimed when its lease (locked_until) runs out.
 */
export interface JobRecord<P = Record<string, unknown>> {
  id: number;
  kind: string;
  payload: P;
  attempts: number;
  maxAttempts: number;
}

export interface JobOutcome {
  /** What the job cost (audio minutes, tokens, bytes …), recorded on the job row. */
  cost?: Record<string, number>;
}

export type JobHandler<P = Record<string, unknown>> = (job: JobRecord<P>) => Promise<JobOutcome | void>;

/** Throw to retry after a given delay (for example a 429 with Retry-After). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** Throw when retrying cannot help (bad input, a refused host): the job fails at once. */
export class PermanentJobError extends Error {}

/** A kind's handler, as the wiring (modules.ts) hands it to the queue. */
export interface JobDefinition {
  kind: JobKind;
  register(queue: JobQueue): void;
}

/** Pairs a kind of the table (jobs/kinds.ts) with the handler that runs it; the handler gets the parsed payload. */
export function defineJob<K extends JobKind>(kind: K, handler: JobHandler<JobPayload<K>>): JobDefinition {
  return { kind, register: (queue) => queue.register(kind, handler) };
}

export interface EnqueueOptions {
  /**
   * Same key, same job: a second enqueue is ignored (idempotent webhooks). Defaults to the kind's own key
   * (jobs/kinds.ts); give one for a job that is one per period or per run rather than one per payload.
   */
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

interface JobRow {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

export interface JobSummary {
  id: number;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
  runAt: string;
  cost: Record<string, number> | null;
}

const LEASE_SECONDS = 300;

export function backoffMs(attempt: number): number {
  const base = Math.min(2 ** attempt * 1000, 10 * 60 * 1000);
  return base / 2 + Math.random() * (base / 2);
}

export class JobQueue {
  private handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private running = 0;
  private stopped = true;
  private idleWaiters: Array<() => void> = [];
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly opts: { concurrency?: number; pollMs?: number } = {},
  ) {}

  /** The handler gets the payload parsed with its kind's schema; one that does not parse fails the job at once. */
  register<K extends JobKind>(kind: K, handler: JobHandler<JobPayload<K>>): void {
    this.handlers.set(kind, async (job) => {
      const parsed = parseJobPayload(kind, job.payload);
      if (!parsed.ok) throw new PermanentJobError(`invalid ${kind} payload: ${parsed.problem}`);
      return handler({ ...job, payload: parsed.payload });
    });
  }

  async enqueue<K extends JobKind>(
    q: Queryable,
    kind: K,
    payload: JobPayloadIn<K>,
    opts: EnqueueOptions = {},
  ): Promise<number | null> {
    const dedupeKey = opts.dedupeKey ?? dedupeKeyOf(kind, payload);
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO jobs (kind, payload, dedupe_key, run_at, max_attempts)
       VALUES ($1, $2, $3, coalesce($4, now()), $5)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [kind, JSON.stringify(payload), dedupeKey ?? null, opts.runAt ?? null, opts.maxAttempts ?? 8],
    );
    // Wake this instance's worker, and other instances' through NOTIFY (delivered at commit).
    await q.query(`SELECT pg_notify('ringside_jobs', $1)`, [kind]);
    setImmediate(() => this.poke());
    return rows[0]?.id ?? null;
  }

  /**
   * Enqueues, and when the kind's job for this payload already exists and failed for good, puts it back in the
   * queue (an erasure must not be stopped by an earlier failure). Only for kinds with their own dedupe key.
   */
  async enqueueOrRevive<K extends JobKind>(q: Queryable, kind: K, payload: JobPayloadIn<K>): Promise<void> {
    const key = dedupeKeyOf(kind, payload);
    if (key === undefined) throw new Error(`job kind ${kind} has no dedupe key to revive by`);
    const id = await this.enqueue(q, kind, payload);
    if (id === null)
      await q.query(
        `UPDATE jobs SET status = 'queued', attempts = 0, run_at = now(), last_error = NULL
          WHERE dedupe_key = $1 AND status = 'failed'`,
        [key],
      );
  }

  /** Keeps a long-running job's lease ahead, so no other worker reclaims it while this one still works. */
  async extendLease(jobId: number): Promise<void> {
    await this.db.query(
      `UPDATE jobs SET locked_until = now() + make_interval(secs => $2) WHERE id = $1 AND status = 'running'`,
      [jobId, LEASE_SECONDS],
    );
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.unlisten = await this.db.listen('ringside_jobs', () => this.poke());
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.unlisten) await this.unlisten().catch(() => undefined);
    await this.idle();
  }

  /** Resolves when no job is running on this instance. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs ready jobs until none is left (tests and the CLI use this instead of the background worker). */
  async drain(kinds?: string[]): Promise<number> {
    let count = 0;
    for (;;) {
      const job = await this.claim(kinds);
      if (!job) return count;
      await this.execute(job);
      count++;
    }
  }

  async list(filter: { status?: string; kind?: string; limit: number }): Promise<JobSummary[]> {
    const { rows } = await this.db.query<{
      id: number;
      kind: string;
      status: string;
      attempts: number;
      last_error: string | null;
      payload: Record<string, unknown>;
      created_at: Date;
      run_at: Date;
      cost: Record<string, number> | null;
    }>(
      `SELECT id, kind, status, attempts, last_error, payload, created_at, run_at, cost FROM jobs
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2)
        ORDER BY id DESC LIMIT $3`,
      [filter.status ?? null, filter.kind ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      payload: r.payload,
      createdAt: new Date(r.created_at).toISOString(),
      runAt: new Date(r.run_at).toISOString(),
      cost: r.cost,
    }));
  }

  /** Puts a failed job back in the queue (the admin's retry action). */
  async retry(id: number): Promise<boolean> {
    const res = await this.db.query(
      `UPDATE jobs SET status = 'queued', attempts = 0, run_at = now(), last_error = NULL WHERE id = $1 AND status = 'failed'`,
      [id],
    );
    if (res.rowCount) this.poke();
    return res.rowCount > 0;
  }

  private poke(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    const concurrency = this.opts.concurrency ?? 2;
    try {
      while (!this.stopped && this.running < concurrency) {
        const job = await this.claim();
        if (!job) break;
        this.running++;
        void this.execute(job).finally(() => {
          this.running--;
          if (this.running === 0) this.idleWaiters.splice(0).forEach((r) => r());
          this.poke();
        });
      }
    } catch (err) {
      this.log.error({ err }, 'job queue poll failed');
    }
    this.schedule(this.opts.pollMs ?? 1000);
  }

  private async claim(kinds?: string[]): Promise<JobRecord | null> {
    const known = kinds ?? [...this.handlers.keys()];
    if (known.length === 0) return null;
    const { rows } = await this.db.query<JobRow>(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => $2)
        WHERE id = (
          SELECT id FROM jobs
           WHERE kind = ANY($1::text[])
             AND ((status = 'queued' AND run_at <= now()) OR (status = 'running' AND locked_until < now()))
           ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, payload, attempts, max_attempts`,
      [known, LEASE_SECONDS],
    );
    const row = rows[0];
    return row
      ? { id: row.id, kind: row.kind, payload: row.payload, attempts: row.attempts, maxAttempts: row.max_attempts }
      : null;
  }

  private async execute(job: JobRecord): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      const outcome = await handler(job);
      await this.db.query(
        `UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL, cost = $2 WHERE id = $1`,
        [job.id, outcome?.cost ? JSON.stringify(outcome.cost) : null],
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
      const delay = err instanceof RetryLaterError ? err.delayMs : backoffMs(job.attempts);
      this.log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: message, permanent }, 'job failed');
      await this.db.query(
        `UPDATE jobs SET status = $2, last_error = $3, locked_until = NULL,
                run_at = now() + make_interval(secs => $4), finished_at = CASE WHEN $2 = 'failed' THEN now() END
          WHERE id = $1`,
        [job.id, permanent ? 'failed' : 'queued', message.slice(0, 2000), delay / 1000],
      );
    }
  }
}
