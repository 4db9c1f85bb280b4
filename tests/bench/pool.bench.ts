/**
 * The number pool over the brief's month (issue 3 §9). Run: npx tsx tests/bench/pool.bench.ts [--seed=7] [--skip-server]
 *
 * Workload: 1,000 leads arriving over 30 days in W1, EC1, N1 and E17, each sent to 4 assessors chosen from
 * those covering the district with a skewed popularity (the busiest take a few hundred leads a month, the
 * quietest a handful); 8 % of leads come from a customer who already sent one; sessions last 30 days after
 * their last call or text; 0–6 contacts per assignment in its first ten days; a third of leads are closed
 * after 3–20 days.
 *
 * 1. The pure rules (shared/pool.ts) replay the month twice — buying a number only when the customer side runs
 *    out, and with a fixed pool of 40 — checking every simulated day that every open session is reached from
 *    both sides and that no contact, old or new, reaches anyone but its own counterpart.
 * 2. The real server replays the same month (its clock moved through it; numbers bought through the Twilio
 *    sandbox's REST API) and prints `pool report` at the end.
 * Baseline: the brief's plan of one number per assessor per lead (4,000 numbers, £4,000 a month).
 */
import crypto from 'node:crypto';
import { seededRandom } from '../../shared/random';
import {
  DAY_MS,
  DEFAULT_POOL_POLICY,
  DIRECT_CODE,
  allocateSession,
  findRoutingConflicts,
  isOpen,
  poolReport,
  resolveContact,
  touchSession,
  type PoolNumberInfo,
  type PoolSession,
} from '../../shared/pool';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SEED = Number(args.get('seed') ?? 7);
const policy = DEFAULT_POOL_POLICY;
const T0 = Date.UTC(2026, 2, 2);

// ───────────────────────────── the month ─────────────────────────────

interface Assessor {
  id: string;
  phone: string;
  districts: string[];
  weight: number;
}
interface Lead {
  id: string;
  at: number;
  customer: string;
  district: string;
  assessors: string[];
  contacts: Array<{ assessor: string; at: number }>;
  closeAt: number | null;
}

function month(seed: number): { assessors: Assessor[]; leads: Lead[] } {
  const r = seededRandom(seed);
  const districts = ['W1', 'EC1', 'N1', 'E17'];
  const assessors: Assessor[] = Array.from({ length: 60 }, (_, i) => ({
    id: `asr-${i}`,
    phone: `+4420794602${String(i).padStart(2, '0')}`,
    districts: districts.filter((_, d) => d === i % 4 || r() < 0.35),
    // Zipf-like popularity: a few assessors take most leads.
    weight: 1 / Math.pow(1 + (i % 15), 0.9),
  }));
  const leads: Lead[] = [];
  const customers: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const at = T0 + Math.floor((i / 1000) * 30 * DAY_MS + r() * 40 * 60_000);
    const district = districts[Math.floor(r() * 4)];
    const repeat = customers.length > 20 && r() < 0.08;
    const customer = repeat
      ? customers[Math.floor(r() * customers.length)]
      : `+447${String(700_000_000 + i * 97).slice(0, 9)}`;
    if (!repeat) customers.push(customer);
    const pool = assessors.filter((a) => a.districts.includes(district));
    const chosen: string[] = [];
    while (chosen.length < 4) {
      const total = pool.filter((a) => !chosen.includes(a.id)).reduce((s, a) => s + a.weight, 0);
      let x = r() * total;
      for (const a of pool) {
        if (chosen.includes(a.id)) continue;
        x -= a.weight;
        if (x <= 0) {
          chosen.push(a.id);
          break;
        }
      }
    }
    const contacts = chosen.flatMap((a) =>
      Array.from({ length: Math.floor(r() * 7) }, () => ({ assessor: a, at: at + Math.floor(r() * 10 * DAY_MS) })),
    );
    leads.push({
      id: `lead-${i}`,
      at,
      customer,
      district,
      assessors: chosen,
      contacts,
      closeAt: r() < 0.33 ? at + Math.floor((3 + r() * 17) * DAY_MS) : null,
    });
  }
  return { assessors, leads };
}

type Event =
  | { at: number; kind: 'lead'; lead: Lead }
  | { at: number; kind: 'contact'; lead: Lead; assessor: string }
  | { at: number; kind: 'close'; lead: Lead };

function timeline(leads: Lead[]): Event[] {
  const events: Event[] = [];
  for (const lead of leads) {
    events.push({ at: lead.at, kind: 'lead', lead });
    for (const c of lead.contacts) events.push({ at: c.at, kind: 'contact', lead, assessor: c.assessor });
    if (lead.closeAt) events.push({ at: lead.closeAt, kind: 'close', lead });
  }
  const order = { lead: 0, contact: 1, close: 2 };
  return events.sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind]);
}

// ───────────────────────────── 1. the pure rules ─────────────────────────────

interface PureResult {
  numbers: number;
  report: ReturnType<typeof poolReport>;
  checks: number;
  misroutes: number;
  maxAssessorOpen: number;
  ms: number;
}

function replayPure(assessors: Assessor[], leads: Lead[], fixedPool: number | null): PureResult {
  const started = performance.now();
  const phoneOf = new Map(assessors.map((a) => [a.id, a.phone]));
  const numbers: PoolNumberInfo[] = Array.from({ length: fixedPool ?? 0 }, (_, i) => ({
    number: `+4477009009${String(i).padStart(2, '0')}`,
    active: true,
  }));
  let sessions: PoolSession[] = [];
  const byLeadAssessor = new Map<string, string>();
  let checks = 0;
  let misroutes = 0;
  let maxAssessorOpen = 0;
  let nextDay = T0 + DAY_MS;
  const check = (now: number) => {
    const conflicts = findRoutingConflicts(sessions, now, policy);
    misroutes += conflicts.length;
    const index = new Map<string, PoolSession[]>();
    for (const s of sessions) {
      for (const p of new Set([s.customerPhone, s.assessorPhone])) {
        const k = `${p}|${s.poolNumber}`;
        const list = index.get(k);
        if (list) list.push(s);
        else index.set(k, [s]);
      }
    }
    const open = sessions.filter((s) => isOpen(s, now));
    const perAssessor = new Map<string, number>();
    for (const s of open) {
      perAssessor.set(s.assessorId, (perAssessor.get(s.assessorId) ?? 0) + 1);
      const opts = { cooldownMs: policy.cooldownMs };
      const c = resolveContact(
        index.get(`${s.customerPhone}|${s.poolNumber}`) ?? [],
        { from: s.customerPhone, to: s.poolNumber },
        now,
        opts,
      );
      const a = resolveContact(
        index.get(`${s.assessorPhone}|${s.poolNumber}`) ?? [],
        { from: s.assessorPhone, to: s.poolNumber, digits: s.extension ?? DIRECT_CODE },
        now,
        opts,
      );
      checks += 2;
      if (c.kind !== 'session' || c.session.id !== s.id) misroutes++;
      if (a.kind !== 'session' || a.session.id !== s.id) misroutes++;
    }
    maxAssessorOpen = Math.max(maxAssessorOpen, ...perAssessor.values());
  };
  for (const e of timeline(leads)) {
    while (e.at >= nextDay) {
      check(nextDay);
      nextDay += DAY_MS;
    }
    if (e.kind === 'lead') {
      for (const assessorId of e.lead.assessors) {
        const req = {
          sessionId: `${e.lead.id}:${assessorId}`,
          leadId: e.lead.id,
          assessorId,
          customerPhone: e.lead.customer,
          assessorPhone: phoneOf.get(assessorId)!,
          now: e.at,
        };
        for (;;) {
          const a = allocateSession(numbers, sessions, req, policy);
          if (a.kind === 'allocated') {
            sessions.push(a.session);
            byLeadAssessor.set(req.sessionId, a.session.id);
            break;
          }
          if (a.kind === 'invalid' || fixedPool !== null) throw new Error(`allocation failed: ${a.kind}`);
          numbers.push({ number: `+4477009009${String(numbers.length).padStart(2, '0')}`, active: true });
        }
      }
    } else if (e.kind === 'contact') {
      const id = `${e.lead.id}:${e.assessor}`;
      sessions = sessions.map((s) => (s.id === id ? touchSession(s, e.at, policy) : s));
    } else {
      sessions = sessions.map((s) => (s.leadId === e.lead.id && s.closedAt === null ? { ...s, closedAt: e.at } : s));
    }
  }
  const end = T0 + 30 * DAY_MS;
  check(end);
  const report = poolReport(
    numbers.map((n) => ({ ...n, monthlyCostPence: 100 })),
    sessions,
    end,
    100,
  );
  return { numbers: numbers.length, report, checks, misroutes, maxAssessorOpen, ms: performance.now() - started };
}

const { assessors, leads } = month(SEED);
const assignments = leads.reduce((n, l) => n + l.assessors.length, 0);
const pounds = (p: number) => `£${(p / 100).toFixed(2)}`;
console.log(
  `month: ${leads.length} leads, ${assignments} assignments, ${new Set(leads.map((l) => l.customer)).size} customers, ${assessors.length} assessors (seed ${SEED})`,
);

for (const fixed of [null, 40] as const) {
  const r = replayPure(assessors, leads, fixed);
  console.log(
    `\npure rules, ${fixed === null ? 'buying only when the customer side runs out' : `a fixed pool of ${fixed}`}:`,
  );
  console.log(
    `  numbers ${fixed === null ? 'needed' : 'owned'}: ${r.numbers}; busiest assessor had ${r.maxAssessorOpen} open sessions`,
  );
  console.log(
    `  at day 30: ${r.report.openSessions} open sessions, ${(r.report.extensionRate * 100).toFixed(1)} % with an extension, ${r.report.numbersInUse} numbers in use`,
  );
  console.log(
    `  monthly cost ${pounds(r.report.monthlyCostPence)} against ${pounds(assignments * 100)} for one number per assignment (${((assignments * 100) / r.report.monthlyCostPence).toFixed(0)}× cheaper)`,
  );
  console.log(
    `  routing checks: ${r.checks} contacts resolved over 30 daily checks; misroutes or ambiguities: ${r.misroutes}  (${r.ms.toFixed(0)} ms)`,
  );
  if (fixed === null)
    console.log(`  target ≤ 40 numbers with no misroute: ${r.numbers <= 40 && r.misroutes === 0 ? 'met' : 'NOT met'}`);
  if (r.misroutes) process.exitCode = 1;
}

// ───────────────────────────── 1b. the assessor's experience (issue 17) ─────────────────────────────

/**
 * Assessor-originated calls with realistic timing: one to three in the first 48 hours after the assignment
 * (most within hours), now and then one later (days 2–14), and a callback within two hours of a missed call
 * from the customer (30 % of assignments, days 0.5–10; the missed call touches the session, P4). Every call is
 * the bare pool number, as an assessor calls back from the phone's log; the extension is keyed only when asked.
 * Outcomes: connected at once to the intended customer, prompted for the extension, or connected at once to
 * another of the same assessor's own customers (a bare call for an old session while a newer one is recent).
 */
interface CallPlan {
  at: number;
  lead: Lead;
  assessor: string;
  kind: 'assessor' | 'customer-missed';
}

function callPlan(leads: Lead[], seed: number): CallPlan[] {
  const r = seededRandom(seed * 31 + 5);
  const plan: CallPlan[] = [];
  for (const lead of leads) {
    for (const a of lead.assessors) {
      const early = 1 + Math.floor(r() * 3);
      for (let i = 0; i < early; i++)
        plan.push({
          at: lead.at + Math.min(47.9, -Math.log(1 - r()) * 8) * 3600_000,
          lead,
          assessor: a,
          kind: 'assessor',
        });
      if (r() < 0.25) plan.push({ at: lead.at + (2 + r() * 12) * DAY_MS, lead, assessor: a, kind: 'assessor' });
      if (r() < 0.3) {
        const missed = lead.at + (0.5 + r() * 9.5) * DAY_MS;
        plan.push({ at: missed, lead, assessor: a, kind: 'customer-missed' });
        plan.push({ at: missed + r() * 2 * 3600_000, lead, assessor: a, kind: 'assessor' });
      }
    }
  }
  return plan.sort((x, y) => x.at - y.at);
}

interface ExperienceResult {
  numbers: number;
  costPence: number;
  assessorCalls: number;
  prompted: number;
  wrongOwn: number;
  misroutes: number;
}

/** Replays the month with `initial` numbers, buying under P7 and (with a budget) P12, and the call plan. */
function replayExperience(
  assessors: Assessor[],
  leads: Lead[],
  initial: number,
  budgetPence: number | null,
): ExperienceResult {
  const phoneOf = new Map(assessors.map((a) => [a.id, a.phone]));
  const numbers: PoolNumberInfo[] = Array.from({ length: initial }, (_, i) => ({
    number: `+4477009009${String(i).padStart(2, '0')}`,
    active: true,
  }));
  const sessions = new Map<string, PoolSession>();
  const byPhoneNumber = new Map<string, PoolSession[]>();
  const byPhone = new Map<string, PoolSession[]>();
  const index = (s: PoolSession) => {
    for (const phone of new Set([s.customerPhone, s.assessorPhone])) {
      const k = `${phone}|${s.poolNumber}`;
      byPhoneNumber.set(k, [...(byPhoneNumber.get(k) ?? []), s]);
      byPhone.set(phone, [...(byPhone.get(phone) ?? []), s]);
    }
  };
  const replace = (next: PoolSession) => {
    sessions.set(next.id, next);
    for (const [map, keyOf] of [
      [byPhoneNumber, (p: string) => `${p}|${next.poolNumber}`],
      [byPhone, (p: string) => p],
    ] as const)
      for (const phone of new Set([next.customerPhone, next.assessorPhone])) {
        const k = keyOf(phone);
        map.set(
          k,
          (map.get(k) ?? []).map((s) => (s.id === next.id ? next : s)),
        );
      }
  };
  const res: ExperienceResult = { numbers: 0, costPence: 0, assessorCalls: 0, prompted: 0, wrongOwn: 0, misroutes: 0 };
  type Step = { at: number; order: number; run: () => void };
  const steps: Step[] = [];
  for (const e of timeline(leads)) {
    if (e.kind === 'lead')
      steps.push({
        at: e.at,
        order: 0,
        run: () => {
          for (const assessorId of e.lead.assessors) {
            const phone = phoneOf.get(assessorId)!;
            const req = {
              sessionId: `${e.lead.id}:${assessorId}`,
              leadId: e.lead.id,
              assessorId,
              customerPhone: e.lead.customer,
              assessorPhone: phone,
              now: e.at,
            };
            const involved = [...(byPhone.get(e.lead.customer) ?? []), ...(byPhone.get(phone) ?? [])];
            for (;;) {
              const mayBuy = budgetPence !== null && (numbers.length + 1) * 100 <= budgetPence;
              const a = allocateSession(numbers, involved, req, policy, undefined, mayBuy);
              if (a.kind === 'allocated') {
                sessions.set(a.session.id, a.session);
                index(a.session);
                break;
              }
              if (a.kind === 'invalid') throw new Error('allocation failed');
              numbers.push({ number: `+4477009009${String(numbers.length).padStart(2, '0')}`, active: true });
            }
          }
        },
      });
    else if (e.kind === 'close')
      steps.push({
        at: e.at,
        order: 2,
        run: () => {
          for (const a of e.lead.assessors) {
            const s = sessions.get(`${e.lead.id}:${a}`);
            if (s && s.closedAt === null) replace({ ...s, closedAt: e.at });
          }
        },
      });
  }
  for (const c of callPlan(leads, SEED))
    steps.push({
      at: c.at,
      order: 1,
      run: () => {
        const s = sessions.get(`${c.lead.id}:${c.assessor}`);
        if (!s || !isOpen(s, c.at)) return;
        const opts = { cooldownMs: policy.cooldownMs, recentMs: policy.recentMs };
        if (c.kind === 'customer-missed') {
          const route = resolveContact(
            byPhoneNumber.get(`${s.customerPhone}|${s.poolNumber}`) ?? [],
            { from: s.customerPhone, to: s.poolNumber },
            c.at,
            opts,
          );
          if (route.kind !== 'session' || route.session.id !== s.id) res.misroutes++;
          replace(touchSession(s, c.at, policy));
          return;
        }
        res.assessorCalls++;
        const candidates = byPhoneNumber.get(`${s.assessorPhone}|${s.poolNumber}`) ?? [];
        let route = resolveContact(candidates, { from: s.assessorPhone, to: s.poolNumber }, c.at, opts);
        if (route.kind === 'needs-extension') {
          res.prompted++;
          route = resolveContact(
            candidates,
            { from: s.assessorPhone, to: s.poolNumber, digits: s.extension ?? DIRECT_CODE },
            c.at,
            opts,
          );
          if (route.kind !== 'session' || route.session.id !== s.id) res.misroutes++;
        } else if (route.kind !== 'session' || route.session.assessorPhone !== s.assessorPhone) res.misroutes++;
        else if (route.session.id !== s.id) res.wrongOwn++;
        if (route.kind === 'session') replace(touchSession(route.session, c.at, policy));
      },
    });
  steps.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const step of steps) step.run();
  res.numbers = numbers.length;
  res.costPence = numbers.length * 100;
  res.misroutes += findRoutingConflicts([...sessions.values()], T0 + 30 * DAY_MS, policy).length;
  return res;
}

const pct = (n: number, d: number) => `${((n / Math.max(1, d)) * 100).toFixed(1)} %`;
console.log(
  `\nthe assessor's experience: bare calls to the pool number (recent = ${policy.recentMs / 3600_000} h, shared/pool P10)`,
);
console.log('  numbers  £/month  assessor calls  prompted   reached another own customer  misroutes');
let curveOk = true;
for (const n of [12, 16, 20, 24, 30, 36, 40, 50, 60]) {
  const r = replayExperience(assessors, leads, n, null);
  console.log(
    `  ${String(r.numbers).padStart(7)}  ${pounds(r.costPence).padStart(7)}  ${String(r.assessorCalls).padStart(14)}  ${pct(r.prompted, r.assessorCalls).padStart(8)}   ${pct(r.wrongOwn, r.assessorCalls).padStart(27)}  ${String(r.misroutes).padStart(9)}`,
  );
  if (r.misroutes) curveOk = false;
}
const budget = 4000;
const ruled = replayExperience(assessors, leads, 0, budget);
console.log(
  `  buying rule (P7 + P12) within ${pounds(budget)}: ${ruled.numbers} numbers, ${pounds(ruled.costPence)}/month, ${pct(ruled.prompted, ruled.assessorCalls)} of ${ruled.assessorCalls} assessor calls prompted, ${pct(ruled.wrongOwn, ruled.assessorCalls)} reached another own customer, ${ruled.misroutes} misroutes`,
);
const met = ruled.prompted / ruled.assessorCalls <= 0.1 && ruled.costPence <= budget && ruled.misroutes === 0;
console.log(`  target ≤ 10 % prompted within £40 and 0 misroutes: ${met ? 'met' : 'NOT met'}`);
if (!curveOk || ruled.misroutes) process.exitCode = 1;

// ───────────────────────────── 2. the real server ─────────────────────────────

if (!args.has('skip-server')) {
  const { startSandbox } = await import('../../sync-server/src/twilio-sandbox');
  const { loadConfig } = await import('../../sync-server/src/config');
  const { openPglite } = await import('../../sync-server/src/db');
  const { startServer } = await import('../../sync-server/src/server');
  const { createLogger } = await import('../../sync-server/src/log');
  const { createAssessor } = await import('../../sync-server/src/assessors/service');
  const { createLead, closeLead } = await import('../../sync-server/src/leads/service');
  const { buildPoolReport, poolPolicy, touchSessionRow } = await import('../../sync-server/src/pool/store');
  const { formatPoolReport } = await import('../../sync-server/src/twilio/pool-cli');

  const accountSid = `AC${crypto.randomBytes(16).toString('hex')}`;
  const authToken = crypto.randomBytes(16).toString('hex');
  const sandbox = await startSandbox({
    webhookBaseUrl: 'http://127.0.0.1:1',
    accountSid,
    authToken,
    timing: 'virtual',
  });
  let clock = T0;
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: `/tmp/ringside-pool-bench-${process.pid}`,
    ADMIN_EMAIL: 'bench@ringside.test',
    ADMIN_PASSWORD: 'bench-password-123',
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_API_BASE_URL: sandbox.url,
    POOL_MONTHLY_BUDGET_PENCE: '4000',
    JOBS: '0',
  });
  const db = await openPglite('memory://');
  const server = await startServer(config, { db, log: createLogger('silent'), jobs: false, now: () => clock });
  sandbox.setWebhookBaseUrl(server.url);
  const actor = { label: 'bench' };
  const ids = new Map<string, string>();
  for (const a of assessors) {
    const r = await createAssessor(server.ctx, actor, {
      externalId: a.id,
      name: a.id,
      phone: a.phone,
      districts: a.districts,
    });
    ids.set(a.id, r.assessor.id);
  }
  const started = performance.now();
  const sessionOf = new Map<string, string>();
  const leadIds = new Map<string, string>();
  for (const e of timeline(leads)) {
    clock = e.at;
    if (e.kind === 'lead') {
      const r = await createLead(server.ctx, actor, {
        externalId: e.lead.id,
        customer: { name: e.lead.id, phone: e.lead.customer },
        postcode: { W1: 'W1D 3QF', EC1: 'EC1A 1BB', N1: 'N1 9GU', E17: 'E17 4PP' }[e.lead.district]!,
        service: 'energy-assessment',
        assessorIds: e.lead.assessors,
      });
      leadIds.set(e.lead.id, r.lead.id);
      const rows = await db.query<{ id: string; assessor_id: string }>(
        'SELECT id, assessor_id FROM pool_sessions WHERE lead_id = $1',
        [r.lead.id],
      );
      for (const row of rows.rows) sessionOf.set(`${e.lead.id}:${row.assessor_id}`, row.id);
    } else if (e.kind === 'contact') {
      const id = sessionOf.get(`${e.lead.id}:${ids.get(e.assessor)}`);
      if (id) await touchSessionRow(db, id, e.at, poolPolicy(config));
    } else {
      await closeLead(server.ctx, actor, leadIds.get(e.lead.id)!, {});
    }
  }
  clock = T0 + 30 * DAY_MS;
  const report = await buildPoolReport(server.ctx);
  console.log(
    `\nreal server (PGlite, numbers bought through the sandbox's REST API), ${((performance.now() - started) / 1000).toFixed(1)} s:`,
  );
  console.log(formatPoolReport(report).replace(/^/gm, '  '));
  console.log(`  target ≤ 40 numbers: ${report.numbersOwned <= 40 ? 'met' : 'NOT met'} (${report.numbersOwned})`);
  await server.close();
  await db.close();
  await sandbox.close();
}
