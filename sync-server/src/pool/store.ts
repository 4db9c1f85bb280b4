import {
  DAY_MS,
  allocateSession,
  isOpen,
  poolReport,
  type Allocation,
  type AllocationRequest,
  type PoolPolicy,
  type PoolReport,
  type PoolSession,
} from '../../../shared/pool';
import { isUkE164, parseUkPhone } from '../../../shared/phone';
import type { Config } from '../config';
import type { Database, Queryable } from '../db';
import { ApiError } from '../http/errors';
import { TwilioRest } from '../twilio-rest/rest';

/**
 * The number pool on the database: rows in, the pure rules of shared/pool.ts, rows out.
 * Allocation runs under one transaction-scoped advisory lock, so two leads arriving together on several
 * instances cannot both take the same number for the same customer.
 */
const POOL_LOCK = 727_003;

/** The pool's policy on this server, with what P12 may spend on numbers bought to spare assessors a prompt. */
export interface ServerPoolPolicy extends PoolPolicy {
  /** Null when no Twilio account is configured to buy with. */
  buying: { budgetPence: number; numberMonthlyPence: number } | null;
}

export function poolPolicy(
  config: Pick<
    Config,
    | 'POOL_SESSION_TTL_DAYS'
    | 'POOL_COOLDOWN_DAYS'
    | 'POOL_RECENT_HOURS'
    | 'POOL_MONTHLY_BUDGET_PENCE'
    | 'POOL_NUMBER_MONTHLY_PENCE'
    | 'twilio'
  >,
): ServerPoolPolicy {
  return {
    sessionTtlMs: config.POOL_SESSION_TTL_DAYS * DAY_MS,
    cooldownMs: config.POOL_COOLDOWN_DAYS * DAY_MS,
    recentMs: config.POOL_RECENT_HOURS * 3600_000,
    buying: config.twilio
      ? { budgetPence: config.POOL_MONTHLY_BUDGET_PENCE, numberMonthlyPence: config.POOL_NUMBER_MONTHLY_PENCE }
      : null,
  };
}

/** How far back a router must look: cooling keys (P5) and recently ended sessions (P10). */
export function routingLookbackMs(policy: PoolPolicy): number {
  return Math.max(policy.cooldownMs, policy.recentMs);
}

/** P12: another number fits in the monthly budget and there is an account to buy it with. */
export async function budgetAllowsAnotherNumber(q: Queryable, policy: PoolPolicy): Promise<boolean> {
  const buying = 'buying' in policy && isBuying(policy.buying) ? policy.buying : null;
  if (!buying) return false;
  const { rows } = await q.query<{ total: number }>(
    'SELECT coalesce(sum(monthly_cost_pence), 0)::int AS total FROM pool_numbers WHERE released_at IS NULL',
  );
  return rows[0].total + buying.numberMonthlyPence <= buying.budgetPence;
}

function isBuying(v: unknown): v is NonNullable<ServerPoolPolicy['buying']> {
  return typeof v === 'object' && v !== null && 'budgetPence' in v && 'numberMonthlyPence' in v;
}

export interface SessionRow {
  id: string;
  lead_id: string;
  assessor_id: string;
  customer_phone: string;
  assessor_phone: string;
  pool_number: string;
  extension: string | null;
  created_at: number;
  last_activity_at: number;
  expires_at: number;
  closed_at: number | null;
  booked_at: number | null;
  booking_value_pence: number | null;
}

export const SESSION_COLUMNS =
  'id, lead_id, assessor_id, customer_phone, assessor_phone, pool_number, extension, created_at, last_activity_at, expires_at, closed_at, booked_at, booking_value_pence';

export function toPoolSession(r: SessionRow): PoolSession {
  return {
    id: r.id,
    leadId: r.lead_id,
    assessorId: r.assessor_id,
    customerPhone: r.customer_phone,
    assessorPhone: r.assessor_phone,
    poolNumber: r.pool_number,
    extension: r.extension,
    createdAt: r.created_at,
    lastActivityAt: r.last_activity_at,
    expiresAt: r.expires_at,
    closedAt: r.closed_at,
  };
}

export async function lockPool(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [POOL_LOCK]);
}

export interface PoolNumberRow {
  number: string;
  source: 'manual' | 'purchased';
  twilio_sid: string | null;
  monthly_cost_pence: number;
  acquired_at: number;
  released_at: number | null;
  sandbox: boolean;
}

export async function listPoolNumbers(q: Queryable): Promise<PoolNumberRow[]> {
  const { rows } = await q.query<PoolNumberRow>('SELECT * FROM pool_numbers ORDER BY number');
  return rows;
}

export async function isActivePoolNumber(q: Queryable, number: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM pool_numbers WHERE number = $1 AND released_at IS NULL', [number]);
  return rows.length > 0;
}

/**
 * Allocates a session inside the caller's transaction (which must hold lockPool). Loads every session in
 * which either phone takes part and that is open, cooling, or the pair's history; the pure rules decide.
 */
export async function allocateInTx(
  tx: Queryable,
  req: AllocationRequest,
  /** The server's policy (poolPolicy) also says what P12 may spend; a bare PoolPolicy never buys for it. */
  policy: PoolPolicy,
): Promise<Allocation> {
  /** P12: ask for another number rather than share a number where the assessor has a recent session. */
  const mayBuy = await budgetAllowsAnotherNumber(tx, policy);
  const phones = [req.customerPhone, req.assessorPhone];
  const coolingSince = req.now - routingLookbackMs(policy);
  const numbers = await tx.query<{ number: string; active: boolean }>(
    'SELECT number, released_at IS NULL AS active FROM pool_numbers',
  );
  const sessions = await tx.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM pool_sessions
      WHERE (customer_phone = ANY($1::text[]) OR assessor_phone = ANY($1::text[]))
        AND (LEAST(coalesce(closed_at, expires_at), expires_at) > $2 OR (customer_phone = $3 AND assessor_id = $4))`,
    [phones, coolingSince, req.customerPhone, req.assessorId],
  );
  const load = await tx.query<{ pool_number: string; n: number }>(
    `SELECT pool_number, count(*)::int AS n FROM pool_sessions WHERE closed_at IS NULL AND expires_at > $1 GROUP BY pool_number`,
    [req.now],
  );
  return allocateSession(
    numbers.rows,
    sessions.rows.map(toPoolSession),
    req,
    policy,
    new Map(load.rows.map((r) => [r.pool_number, r.n])),
    mayBuy,
  );
}

export async function insertSession(tx: Queryable, s: PoolSession): Promise<void> {
  await tx.query(
    `INSERT INTO pool_sessions (id, lead_id, assessor_id, customer_phone, assessor_phone, pool_number, extension, created_at, last_activity_at, expires_at, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      s.id,
      s.leadId,
      s.assessorId,
      s.customerPhone,
      s.assessorPhone,
      s.poolNumber,
      s.extension,
      s.createdAt,
      s.lastActivityAt,
      s.expiresAt,
      s.closedAt,
    ],
  );
}

/**
 * Sessions a contact (From → To) could belong to: open ones, and those that ended within the cool-down
 * (the router needs them to refuse an old extension instead of connecting someone new; shared/pool P5).
 */
export async function routingCandidates(
  q: Queryable,
  from: string,
  to: string,
  now: number,
  policy: PoolPolicy,
): Promise<PoolSession[]> {
  const { rows } = await q.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM pool_sessions
      WHERE pool_number = $2 AND (customer_phone = $1 OR assessor_phone = $1)
        AND LEAST(coalesce(closed_at, expires_at), expires_at) > $3`,
    [from, to, now - routingLookbackMs(policy)],
  );
  return rows.map(toPoolSession);
}

export async function getSession(q: Queryable, id: string): Promise<PoolSession | null> {
  const { rows } = await q.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM pool_sessions WHERE id = $1`, [id]);
  return rows[0] ? toPoolSession(rows[0]) : null;
}

/** An interaction through the session slides its expiry (P4); an ended session is left alone. */
export async function touchSessionRow(tx: Queryable, id: string, at: number, policy: PoolPolicy): Promise<void> {
  await tx.query(
    `UPDATE pool_sessions SET last_activity_at = GREATEST(last_activity_at, $2), expires_at = GREATEST(expires_at, $3)
      WHERE id = $1 AND closed_at IS NULL AND expires_at > $2`,
    [id, at, at + policy.sessionTtlMs],
  );
}

// ───────────────────────────── adding and buying numbers ─────────────────────────────

export interface PoolDeps {
  db: Database;
  config: Config;
  now(): number;
}

export async function addPoolNumbers(
  deps: PoolDeps,
  inputs: string[],
  opts: { source?: 'manual' | 'purchased'; twilioSid?: string | null; sandbox?: boolean } = {},
): Promise<{ added: string[]; existing: string[] }> {
  const numbers = inputs.map((raw) => {
    const parsed = parseUkPhone(raw);
    if (!parsed.ok || !isUkE164(parsed.e164)) throw new ApiError('INVALID_PHONE', `not a UK number: ${raw}`, 'number');
    return parsed.e164;
  });
  return deps.db.transaction(async (tx) => {
    const added: string[] = [];
    const existing: string[] = [];
    for (const number of numbers) {
      const res = await tx.query(
        `INSERT INTO pool_numbers (number, source, twilio_sid, monthly_cost_pence, acquired_at, sandbox)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (number) DO UPDATE SET released_at = NULL WHERE pool_numbers.released_at IS NOT NULL
         RETURNING number`,
        [
          number,
          opts.source ?? 'manual',
          opts.twilioSid ?? null,
          deps.config.POOL_NUMBER_MONTHLY_PENCE,
          deps.now(),
          opts.sandbox ?? deps.config.sandbox,
        ],
      );
      (res.rowCount ? added : existing).push(number);
    }
    return { added, existing };
  });
}

/** Takes a number out of allocation; its open sessions keep working until they end. */
export async function releasePoolNumber(deps: PoolDeps, number: string): Promise<boolean> {
  const res = await deps.db.query(
    'UPDATE pool_numbers SET released_at = $2 WHERE number = $1 AND released_at IS NULL',
    [number, deps.now()],
  );
  return res.rowCount > 0;
}

export function webhookUrls(config: Pick<Config, 'publicBaseUrl'>) {
  return {
    voiceUrl: `${config.publicBaseUrl}/twilio/voice`,
    smsUrl: `${config.publicBaseUrl}/twilio/sms`,
    statusCallback: `${config.publicBaseUrl}/twilio/voice/status`,
  };
}

let buying: Promise<string> | null = null;

/**
 * P7: buys one GB mobile number (voice + SMS) and points it at this server, if the monthly budget allows
 * another number; otherwise POOL_EXHAUSTED. One purchase at a time per process, so a burst of leads that all
 * find the pool full buys one number, then re-allocates.
 */
export async function buyPoolNumber(deps: PoolDeps): Promise<string> {
  buying ??= (async () => {
    try {
      const { rows } = await deps.db.query<{ total: number }>(
        'SELECT coalesce(sum(monthly_cost_pence), 0)::int AS total FROM pool_numbers WHERE released_at IS NULL',
      );
      const price = deps.config.POOL_NUMBER_MONTHLY_PENCE;
      if (rows[0].total + price > deps.config.POOL_MONTHLY_BUDGET_PENCE) {
        throw new ApiError(
          'POOL_EXHAUSTED',
          `every pool number is in use for this customer and another would exceed the monthly budget (${rows[0].total} + ${price} > ${deps.config.POOL_MONTHLY_BUDGET_PENCE} pence)`,
        );
      }
      const creds = deps.config.twilio;
      if (!creds)
        throw new ApiError(
          'POOL_EXHAUSTED',
          'every pool number is in use for this customer and no Twilio account is configured to buy another',
        );
      const rest = new TwilioRest(creds);
      const available = (await rest.searchMobileNumbers('GB', 5)).filter(
        (n) => n.capabilities.voice && n.capabilities.sms,
      );
      if (!available.length)
        throw new ApiError('POOL_EXHAUSTED', 'Twilio has no GB mobile number with voice and SMS to sell right now');
      const bought = await rest.buyNumber({
        phoneNumber: available[0].phoneNumber,
        ...webhookUrls(deps.config),
        addressSid: deps.config.TWILIO_ADDRESS_SID,
        bundleSid: deps.config.TWILIO_BUNDLE_SID,
      });
      await addPoolNumbers(deps, [bought.phoneNumber], { source: 'purchased', twilioSid: bought.sid });
      return bought.phoneNumber;
    } finally {
      buying = null;
    }
  })();
  return buying;
}

// ───────────────────────────── report ─────────────────────────────

export interface PoolReportOut extends PoolReport {
  numberMonthlyPence: number;
  budgetPence: number;
}

export async function buildPoolReport(deps: PoolDeps): Promise<PoolReportOut> {
  const now = deps.now();
  const numbers = await listPoolNumbers(deps.db);
  const { rows } = await deps.db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM pool_sessions WHERE LEAST(coalesce(closed_at, expires_at), expires_at) > $1`,
    [now - 30 * DAY_MS],
  );
  const report = poolReport(
    numbers.map((n) => ({ number: n.number, active: n.released_at === null, monthlyCostPence: n.monthly_cost_pence })),
    rows.map(toPoolSession),
    now,
    deps.config.POOL_NUMBER_MONTHLY_PENCE,
    poolPolicy(deps.config).recentMs,
  );
  return {
    ...report,
    numberMonthlyPence: deps.config.POOL_NUMBER_MONTHLY_PENCE,
    budgetPence: deps.config.POOL_MONTHLY_BUDGET_PENCE,
  };
}

export async function listPoolUsage(
  deps: PoolDeps,
): Promise<Array<{ number: string; source: string; active: boolean; openSessions: number; withExtension: number }>> {
  const now = deps.now();
  const numbers = await listPoolNumbers(deps.db);
  const { rows } = await deps.db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM pool_sessions WHERE closed_at IS NULL AND expires_at > $1`,
    [now],
  );
  const open = rows.map(toPoolSession).filter((s) => isOpen(s, now));
  return numbers.map((n) => ({
    number: n.number,
    source: n.source,
    active: n.released_at === null,
    openSessions: open.filter((s) => s.poolNumber === n.number).length,
    withExtension: open.filter((s) => s.poolNumber === n.number && s.extension !== null).length,
  }));
}
