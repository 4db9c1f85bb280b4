import crypto from 'node:crypto';
import { assessorPerformance } from '../../../shared/metrics';
import { fieldOf } from '../../../shared/objects';
import {
  cooldownVerdict,
  decideTier,
  exampleCalls,
  tierMetrics,
  type RejectedMove,
  type TierMetrics,
  type TierRules,
} from '../../../shared/tiers/rules';
import type {
  AssessorDoc,
  CallDoc,
  LeadDoc,
  MessageDoc,
  ReviewDoc,
  Tier,
  TierChangeDoc,
} from '../../../shared/schemas';
import { audit } from '../audit/log';
import type { Database, Queryable } from '../db';
import { ApiError, parseInput } from '../http/errors';
import type { RequestAuth } from '../http/routes';
import { Decision, ProposalFilter } from '../../../shared/contracts/tiers';
import type { Rules } from '../pricing/rules-file';
import { getDocuments, lockCollection, putDocuments } from '../replication/store';

/**
 * Tier proposals and decisions (shared/tiers/SPEC.md). The system proposes; a person decides (UK GDPR art. 22).
 * A decision arrives by the route or as a pushed `tierChanges` document (also from an admin who was offline);
 * either way `applyDecision` runs once for it, in a transaction that also records it in `tier_proposals`.
 */
export interface TierDeps {
  db: Database;
  now(): number;
  config: { rules: Rules };
}

export const tierRules = (deps: TierDeps): TierRules => deps.config.rules.tiers;
const DAY_MS = 86_400_000;

type Actor = Parameters<typeof audit>[1];

// ───────────────────────────── the window's documents ─────────────────────────────

export interface WindowDocs {
  assessors: AssessorDoc[];
  leads: LeadDoc[];
  calls: CallDoc[];
  messages: MessageDoc[];
  reviews: ReviewDoc[];
}

async function docs<T>(q: Queryable, collection: string, where: string, params: unknown[]): Promise<T[]> {
  const { rows } = await q.query<{ doc: T }>(
    `SELECT doc FROM sync_documents WHERE collection = '${collection}' AND NOT deleted ${where ? `AND ${where}` : ''}`,
    params,
  );
  return rows.map((r) => r.doc);
}

/** Documents for metrics over assignments made in [from, to) (TR1). */
export async function loadWindow(q: Queryable, from: number, to: number): Promise<WindowDocs> {
  // An assignment can be added after its lead was created; a lead older than one more window is not expected
  // to gain one, which bounds the scan.
  const leadsFrom = from - (to - from);
  const [assessors, leads, calls, messages, reviews] = await Promise.all([
    docs<AssessorDoc>(q, 'assessors', '', []),
    docs<LeadDoc>(q, 'leads', `(doc->>'createdAt')::bigint >= $1 AND (doc->>'createdAt')::bigint < $2`, [
      leadsFrom,
      to,
    ]),
    docs<CallDoc>(q, 'calls', `(doc->>'startedAt')::bigint >= $1`, [from]),
    docs<MessageDoc>(q, 'messages', `(doc->>'sentAt')::bigint >= $1`, [from]),
    docs<ReviewDoc>(q, 'reviews', `doc->>'status' = 'submitted' AND doc->>'outcome' = 'booked'`, []),
  ]);
  return { assessors, leads, calls, messages, reviews };
}

/** Recent performance per assessor over the tier window (also the allocation order's AL4). */
export function performanceOf(w: WindowDocs, from: number, to: number) {
  return new Map(
    assessorPerformance(w.leads, w.calls, w.messages, { from, to, reviews: w.reviews }).map((p) => [p.assessorId, p]),
  );
}

// ───────────────────────────── proposals (TR2–TR6) ─────────────────────────────

interface ProposalRow {
  id: string;
  assessor_id: string;
  from_tier: Tier | null;
  to_tier: Tier;
  checks: unknown;
  state: 'pending' | 'approved' | 'rejected' | 'superseded';
  created_at: string | number;
  superseded_by: string | null;
  decided_by: string | null;
  decided_at: string | number | null;
  note: string | null;
  applied_at: string | number | null;
}

export interface ProposeReport {
  ranAt: number;
  windowDays: number;
  assessors: number;
  proposed: Array<{ id: string; assessorId: string; from: Tier | null; to: Tier; summary: string }>;
  superseded: string[];
  /** The same move is already pending: left as it is. */
  alreadyPending: number;
  /** The figures support the tier the assessor holds. */
  unchanged: number;
  /** Fewer assignments than the rules need (TR2). */
  tooFewAssignments: number;
  /** The same move was rejected recently and the figures have not moved materially (TR8). */
  coolingDown: number;
}

export async function proposeTiers(deps: TierDeps, actor: Actor): Promise<ProposeReport> {
  // A decision pushed while this server was not listening is applied first: it is a person's decision, and the
  // proposal it decides must not be superseded under it.
  await applyReplicatedDecisions(deps);
  const rules = tierRules(deps);
  const now = deps.now();
  const from = now - rules.windowDays * DAY_MS;
  const w = await loadWindow(deps.db, from, now);
  const perf = performanceOf(w, from, now);
  const report: ProposeReport = {
    ranAt: now,
    windowDays: rules.windowDays,
    assessors: 0,
    proposed: [],
    superseded: [],
    alreadyPending: 0,
    unchanged: 0,
    tooFewAssignments: 0,
    coolingDown: 0,
  };
  await deps.db.transaction(async (tx) => {
    await lockCollection(tx, 'tierChanges');
    const pending = new Map(
      (await tx.query<ProposalRow>(`SELECT * FROM tier_proposals WHERE state = 'pending' FOR UPDATE`)).rows.map((r) => [
        r.assessor_id,
        r,
      ]),
    );
    const pendingDocs = new Map(
      (
        await getDocuments(
          tx,
          'tierChanges',
          [...pending.values()].map((r) => r.id),
          { includeDeleted: true },
        )
      ).map((d) => [d.id, d]),
    );
    // TR8: the latest rejection per assessor and move, with the figures it was rejected on.
    const rejections = new Map<string, RejectedMove>();
    for (const r of (
      await tx.query<ProposalRow>(
        `SELECT * FROM tier_proposals WHERE state = 'rejected' AND decided_at >= $1 ORDER BY decided_at, id`,
        [now - rules.cooldown.days * DAY_MS],
      )
    ).rows) {
      const stored = r.checks as { metrics?: Partial<TierMetrics> };
      rejections.set(`${r.assessor_id}|${r.from_tier ?? ''}|${r.to_tier}`, {
        from: r.from_tier,
        to: r.to_tier,
        decidedAt: Number(r.decided_at),
        metrics: stored.metrics ?? {},
      });
    }
    const writes: TierChangeDoc[] = [];
    const tombstones: TierChangeDoc[] = [];
    for (const a of [...w.assessors].sort((x, y) => (x.id < y.id ? -1 : 1))) {
      if (!a.active) continue;
      report.assessors++;
      const d = decideTier(rules, tierMetrics(perf.get(a.id), a.coursesCompleted.length), a.tier);
      if (d.kind === 'too-few') {
        report.tooFewAssignments++;
        continue;
      }
      if (d.kind === 'keep') {
        report.unchanged++;
        continue;
      }
      const rejected = rejections.get(`${a.id}|${d.from ?? ''}|${d.to}`) ?? null;
      if (cooldownVerdict(rules, d, rejected, now).kind === 'cooling') {
        report.coolingDown++;
        continue;
      }
      const open = pending.get(a.id);
      if (open) {
        const openDoc = pendingDocs.get(open.id);
        // Decided through replication but not applied yet: the listener applies it; never supersede it.
        if (openDoc && !openDoc.deleted && openDoc.doc.status !== 'proposed') continue;
        if (open.to_tier === d.to && open.from_tier === d.from) {
          report.alreadyPending++;
          continue;
        }
      }
      const id = crypto.randomUUID();
      const metrics: Record<string, number | null> = { ...d.metrics };
      for (const c of d.checks) metrics[`${c.tier}.${c.metric} ${c.op}`] = c.threshold;
      const doc: TierChangeDoc = {
        id,
        updatedAt: now,
        assessorId: a.id,
        fromTier: d.from,
        toTier: d.to,
        metrics,
        exampleCallIds: exampleCalls(d.to, a.id, w.leads, w.calls, { from, to: now }),
        status: 'proposed',
        decidedBy: null,
        decidedAt: null,
        reason: d.summary.slice(0, 2000),
        createdAt: now,
      };
      if (open) {
        await tx.query(`UPDATE tier_proposals SET state = 'superseded', superseded_by = $2 WHERE id = $1`, [
          open.id,
          id,
        ]);
        const openDoc = pendingDocs.get(open.id);
        if (openDoc && !openDoc.deleted) tombstones.push(openDoc.doc);
        report.superseded.push(open.id);
      }
      await tx.query(
        `INSERT INTO tier_proposals (id, assessor_id, from_tier, to_tier, checks, state, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6)`,
        [
          id,
          a.id,
          d.from,
          d.to,
          JSON.stringify({ metrics: d.metrics, checks: d.checks, windowDays: rules.windowDays }),
          now,
        ],
      );
      writes.push(doc);
      report.proposed.push({ id, assessorId: a.id, from: d.from, to: d.to, summary: d.summary });
    }
    await putDocuments(tx, 'tierChanges', tombstones, now, { deleted: true });
    await putDocuments(tx, 'tierChanges', writes, now);
    await audit(tx, actor, {
      action: 'tiers.propose',
      subjectType: 'tiers',
      detail: {
        proposed: report.proposed.map((p) => p.id),
        superseded: report.superseded,
        windowDays: rules.windowDays,
      },
    });
  });
  return report;
}

// ───────────────────────────── listing ─────────────────────────────

export interface ProposalView {
  id: string;
  assessorId: string;
  assessorName: string | null;
  fromTier: Tier | null;
  toTier: Tier;
  state: ProposalRow['state'];
  summary: string;
  metrics: unknown;
  checks: unknown;
  exampleCallIds: string[];
  createdAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  note: string | null;
  supersededBy: string | null;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

export async function listProposals(
  deps: TierDeps,
  query: Record<string, unknown>,
): Promise<{ proposals: ProposalView[] }> {
  const f = parseInput(ProposalFilter, query);
  const { rows } = await deps.db.query<ProposalRow & { doc: TierChangeDoc | null; name: string | null }>(
    `SELECT p.*, d.doc, a.doc->>'name' AS name FROM tier_proposals p
       LEFT JOIN sync_documents d ON d.collection = 'tierChanges' AND d.id = p.id
       LEFT JOIN sync_documents a ON a.collection = 'assessors' AND a.id = p.assessor_id
      WHERE ($1::text IS NULL OR p.state = $1) AND ($2::text IS NULL OR p.assessor_id = $2)
      ORDER BY p.created_at DESC, p.id LIMIT $3`,
    [f.state ?? null, f.assessorId ?? null, f.limit],
  );
  return {
    proposals: rows.map((r) => {
      return {
        id: r.id,
        assessorId: r.assessor_id,
        assessorName: r.name,
        fromTier: r.from_tier,
        toTier: r.to_tier,
        state: r.state,
        summary: r.doc?.reason ?? '',
        metrics: fieldOf(r.checks, 'metrics') ?? null,
        checks: fieldOf(r.checks, 'checks') ?? [],
        exampleCallIds: r.doc?.exampleCallIds ?? [],
        createdAt: Number(r.created_at),
        decidedBy: r.decided_by,
        decidedAt: num(r.decided_at),
        note: r.note,
        supersededBy: r.superseded_by,
      };
    }),
  };
}

// ───────────────────────────── decisions (TR7) ─────────────────────────────

interface Decider {
  id: string;
  actor: Actor;
}

/**
 * Applies a person's decision on a pending proposal, once: records it, and for an approval sets the assessor's
 * tier (which decides their price per lead and allocation priority). Runs in the caller's transaction, which
 * holds the proposal row.
 */
async function applyDecision(
  tx: Queryable,
  row: ProposalRow,
  decision: 'approved' | 'rejected',
  decider: Decider,
  decidedAt: number,
  note: string,
  via: 'api' | 'replication',
  now: number,
): Promise<{ assessor: AssessorDoc | null }> {
  await tx.query(
    `UPDATE tier_proposals SET state = $2, decided_by = $3, decided_at = $4, note = $5, applied_at = $6 WHERE id = $1`,
    [row.id, decision, decider.id, decidedAt, note, now],
  );
  let assessor: AssessorDoc | null = null;
  let previousTier: Tier | null = null;
  if (decision === 'approved') {
    await lockCollection(tx, 'assessors');
    const [stored] = await getDocuments(tx, 'assessors', [row.assessor_id], { forUpdate: true });
    if (stored) {
      previousTier = stored.doc.tier;
      [assessor] = await putDocuments(tx, 'assessors', [{ ...stored.doc, tier: row.to_tier }], now);
    }
  }
  await audit(tx, decider.actor, {
    action: decision === 'approved' ? 'tier.approve' : 'tier.reject',
    subjectType: 'assessor',
    subjectId: row.assessor_id,
    detail: {
      proposalId: row.id,
      fromTier: row.from_tier,
      toTier: row.to_tier,
      ...(decision === 'approved' ? { previousTier, applied: assessor !== null } : {}),
      decidedBy: decider.id,
      decidedAt,
      note,
      via,
    },
  });
  return { assessor };
}

export async function decide(
  deps: TierDeps,
  auth: RequestAuth | null,
  id: string,
  input: unknown,
): Promise<{ proposal: TierChangeDoc; assessor: AssessorDoc | null }> {
  if (!auth?.user) throw new ApiError('FORBIDDEN', 'a tier change is decided by a signed-in admin');
  const body = parseInput(Decision, input);
  const now = deps.now();
  const decision = body.decision === 'approve' ? 'approved' : 'rejected';
  return deps.db.transaction(async (tx) => {
    await lockCollection(tx, 'tierChanges');
    const { rows } = await tx.query<ProposalRow>('SELECT * FROM tier_proposals WHERE id = $1 FOR UPDATE', [id]);
    const row = rows[0];
    if (!row) throw new ApiError('NOT_FOUND', `no tier proposal ${id}`, 'id');
    if (row.state !== 'pending') throw new ApiError('CONFLICT', `proposal ${id} is ${row.state}, not pending`, 'id');
    const [stored] = await getDocuments(tx, 'tierChanges', [id], { forUpdate: true });
    if (!stored || stored.doc.status !== 'proposed') {
      throw new ApiError('CONFLICT', `proposal ${id} was decided meanwhile (from the app); it is being applied`, 'id');
    }
    const reason = `${stored.doc.reason}\n${decision} by ${auth.label}: ${body.note}`.slice(0, 2000);
    const [proposal] = await putDocuments(
      tx,
      'tierChanges',
      [{ ...stored.doc, status: decision, decidedBy: auth.user!.id, decidedAt: now, reason }],
      now,
    );
    const { assessor } = await applyDecision(
      tx,
      row,
      decision,
      { id: auth.user!.id, actor: auth },
      now,
      body.note,
      'api',
      now,
    );
    return { proposal, assessor };
  });
}

/**
 * Applies decisions that arrived as pushed `tierChanges` documents (SPEC TR7): every proposal still pending
 * here whose document says approved or rejected. Safe to run any time, on any instance: the proposal row is
 * locked and re-checked, so each decision is applied once.
 */
export async function applyReplicatedDecisions(deps: TierDeps): Promise<number> {
  const { rows } = await deps.db.query<{ id: string }>(
    `SELECT p.id FROM tier_proposals p
       JOIN sync_documents d ON d.collection = 'tierChanges' AND d.id = p.id AND NOT d.deleted
      WHERE p.state = 'pending' AND d.doc->>'status' IN ('approved', 'rejected')
      ORDER BY p.created_at, p.id`,
  );
  let applied = 0;
  for (const { id } of rows) {
    const done = await deps.db.transaction(async (tx) => {
      await lockCollection(tx, 'tierChanges');
      const found = await tx.query<ProposalRow>(`SELECT * FROM tier_proposals WHERE id = $1 FOR UPDATE`, [id]);
      const row = found.rows[0];
      if (!row || row.state !== 'pending') return false;
      const [stored] = await getDocuments(tx, 'tierChanges', [id]);
      const doc = stored?.doc;
      if (!doc || (doc.status !== 'approved' && doc.status !== 'rejected')) return false;
      // The replication policy made sure decidedBy is the admin who pushed it (shared/sync-policy.ts).
      const decider = await deciderOf(tx, doc.decidedBy);
      await applyDecision(
        tx,
        row,
        doc.status,
        decider,
        doc.decidedAt ?? deps.now(),
        doc.reason,
        'replication',
        deps.now(),
      );
      return true;
    });
    if (done) applied++;
  }
  return applied;
}

async function deciderOf(q: Queryable, userId: string | null): Promise<Decider> {
  const { rows } = await q.query<{ id: string; email: string }>('SELECT id, email FROM users WHERE id = $1', [userId]);
  const u = rows[0];
  if (!u) return { id: userId ?? 'unknown', actor: { label: `user:${userId ?? 'unknown'}` } };
  return { id: u.id, actor: { label: u.email } };
}
