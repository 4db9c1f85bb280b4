import type { Logger } from 'pino';
import { z } from 'zod';
import { rank as rankRoute } from '../../../shared/contracts/allocation';
import { login as loginRoute } from '../../../shared/contracts/auth';
import { createAssessor, createLead } from '../../../shared/contracts/leads';
import { push as pushRoute } from '../../../shared/contracts/replication';
import { scoreReview } from '../../../shared/scoring';
import type { LeadGrade, ReviewDoc, ScorecardDoc } from '../../../shared/schemas';
import { generatePassword } from '../auth/passwords';
import { createApiKey } from '../auth/tokens';
import { createUser, findUserByEmail } from '../auth/users';
import type { Config } from '../config';
import type { AppContext } from '../context';
import type { CallScenario, GatherAnswer, RunningSandbox } from '../twilio-sandbox';
import { SCRIPTS } from '../twilio-sandbox/scripts';
import { VIRTUAL_TIME_HEADER } from '../twilio-sandbox/virtual-time';
import { putDocuments } from '../replication/store';
import { ASSESSOR_SERVICES, DEMO_REVIEWERS, DEMO_REVIEWS, STARTER_SCORECARD } from './tables';
import {
  buildDemoPlan,
  demoReview,
  DISTRICT_TARGETS,
  type DemoEvent,
  type DemoPlan,
  type DemoReviewer,
  type District,
} from './plan';
import { inRankOrder, leaveForAdmins, type DemoMarketplace } from './marketplace';
import { setDemoCallsToCome } from './preparing';

/**
 * Fills an empty database with the demo (sandbox mode only): creates a marketplace API key, registers the
 * assessors and takes the leads through the server's real HTTP API, and makes every call and text through
 * the sandbox, which drives the server's real Twilio webhooks. Everything is backdated over the last 30 days
 * with X-Sandbox-Virtual-Time (see twilio-sandbox/virtual-time.ts) and stored as sandbox data.
 */

export interface DemoSummary {
  leads: number;
  assessors: number;
  calls: number;
  answeredCalls: number;
  texts: number;
  bookings: number;
  optOuts: number;
  /** Leads by the quality the server graded them (from the calls and texts), once the fill is done. */
  grades: Record<LeadGrade, number>;
  /** The starter scorecard's id, and the demo reviewers' submitted reviews. */
  scorecardId: string;
  reviews: number;
  /** Requests to the server that were not answered 2xx (should be 0). */
  failures: number;
  /** Calls the server did not put through to the other party (should be 0). */
  unrouted: number;
  byDistrict: Record<
    District,
    { leads: number; connected: number; booked: number; targetCallRate: number; targetConversion: number }
  >;
  /** Area prices, tier proposals waiting and overrides left for an admin (demo/marketplace.ts). */
  marketplace: DemoMarketplace | null;
  ms: number;
}

export interface DemoOptions {
  /** The started server the demo drives: its address and context. */
  server: { url: string; ctx: AppContext };
  sandbox: RunningSandbox;
  config: Config;
  log: Logger;
  signal?: AbortSignal;
  /** Leads per day (default 7.5 → 225 leads over 30 days); tests use fewer. */
  leadsPerDay?: number;
  days?: number;
  /** Events in flight at once (default 4). */
  concurrency?: number;
  seed?: number;
  now?: number;
}

interface Assignment {
  assessorId: string;
  poolNumber: string;
  extension?: string | null;
}

/** A district's line of the summary, before any lead: its targets from the district table. */
function districtRow(d: District): DemoSummary['byDistrict'][District] {
  return {
    leads: 0,
    connected: 0,
    booked: 0,
    targetCallRate: DISTRICT_TARGETS[d].callRate,
    targetConversion: DISTRICT_TARGETS[d].conversion,
  };
}

async function databaseIsEmpty(opts: DemoOptions): Promise<boolean> {
  const { rows } = await opts.server.ctx.db.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM assessors) AS n',
  );
  return Number(rows[0]?.n ?? 0) === 0;
}

export async function startDemo(opts: DemoOptions): Promise<DemoSummary | null> {
  const { log, sandbox } = opts;
  if (!opts.config.sandbox) return null;
  if (!(await databaseIsEmpty(opts))) {
    log.info('the database already has leads or assessors: no demo');
    return null;
  }
  const started = Date.now();
  const plan = buildDemoPlan({
    now: opts.now ?? Date.now(),
    seed: opts.seed,
    days: opts.days,
    leadsPerDay: opts.leadsPerDay,
    scripts: SCRIPTS,
  });
  log.info(
    { leads: plan.leads.length, assessors: plan.personas.length, events: plan.events.length },
    'filling the demo (sandbox data, backdated over 30 days)',
  );
  const key = await createApiKey(opts.server.ctx.db, `sandbox-demo-${Date.now()}`);
  const reviewers = await createReviewers(opts, plan.start);
  const summary: DemoSummary = {
    leads: 0,
    assessors: 0,
    calls: 0,
    answeredCalls: 0,
    texts: 0,
    bookings: 0,
    optOuts: 0,
    grades: { hot: 0, warm: 0, cold: 0, suspect: 0 },
    scorecardId: STARTER_SCORECARD.id,
    reviews: 0,
    failures: 0,
    unrouted: 0,
    byDistrict: { W1: districtRow('W1'), EC1: districtRow('EC1'), N1: districtRow('N1'), E17: districtRow('E17') },
    marketplace: null,
    ms: 0,
  };

  /** Calls the server's API as the marketplace; the answer is parsed with the route contract's schema. */
  const api = async <T>(method: string, path: string, body: unknown, at: number, answer: z.ZodType<T>): Promise<T> => {
    const res = await fetch(opts.server.url + path, {
      method,
      headers: {
        authorization: `Bearer ${key.key}`,
        'content-type': 'application/json',
        [VIRTUAL_TIME_HEADER]: new Date(at).toISOString(),
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      summary.failures++;
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    }
    return answer.parse(text ? JSON.parse(text) : null);
  };

  // The phones: assessors' and customers' own, with their voices, all picking up unless a call says otherwise.
  for (const p of plan.personas) sandbox.phones.set({ number: p.phone, label: `assessor ${p.name}`, voice: p.voice });
  for (const l of plan.leads) sandbox.phones.set({ number: l.phone, label: `customer ${l.name}`, voice: l.voice });

  const assessorIds = new Map<string, string>();
  for (const p of plan.personas) {
    const out = await api(
      'POST',
      '/api/assessors',
      {
        externalId: `demo-${p.key}`,
        name: p.name,
        phone: p.phone,
        districts: p.districts,
        services: ASSESSOR_SERVICES,
      },
      plan.start - 24 * 3600_000,
      createAssessor.response,
    );
    assessorIds.set(p.key, out.assessor.id);
    summary.assessors++;
  }

  const webhookMs: Record<string, { n: number; ms: number }> = {};
  const leadsByKey = new Map(plan.leads.map((l) => [l.key, l]));
  const leadIds = new Map<string, string>();
  const assignments = new Map<string, Map<string, Assignment>>();
  const reached = new Map<string, Set<string>>();
  /** Connected, recorded calls: what the demo reviewers review. */
  const reviewable: Array<{ callSid: string; script: string; at: number }> = [];
  let recordedToCome = plan.events.filter((e) => e.kind === 'call' && e.answer === 'answer' && !e.optOut).length;
  setDemoCallsToCome(opts.server.ctx, recordedToCome);

  const runEvent = async (e: DemoEvent): Promise<void> => {
    const lead = leadsByKey.get(e.lead);
    if (!lead) throw new Error(`the demo plan has no lead ${e.lead}`);
    if (e.kind === 'lead') {
      // The marketplace shows a lead to its shortlist in the allocation order (tier, courses, recent results).
      const shortlist = lead.assessors.map((k) => assessorIds.get(k) ?? k);
      const rank = await api(
        'POST',
        '/api/allocation/rank',
        { postcode: lead.postcode, service: lead.service, assessorIds: shortlist },
        e.at,
        rankRoute.response,
      );
      const out = await api(
        'POST',
        '/api/leads',
        {
          externalId: lead.key,
          customer: { name: lead.name, phone: lead.phone },
          postcode: lead.postcode,
          service: lead.service,
          assessorIds: inRankOrder(shortlist, rank.ranked),
        },
        e.at,
        createLead.response,
      );
      leadIds.set(lead.key, out.lead.id);
      assignments.set(lead.key, new Map(out.assignments.map((a) => [a.assessorId, a])));
      summary.leads++;
      summary.byDistrict[lead.district].leads++;
      return;
    }
    const persona = plan.personas.find((p) => p.key === e.assessor)!;
    const assignment = assignments.get(lead.key)?.get(assessorIds.get(e.assessor) ?? '');
    if (!assignment) return;
    if (e.kind === 'booking') {
      await api(
        'POST',
        `/api/leads/${leadIds.get(lead.key)}/booking`,
        { assessorId: assignment.assessorId, bookedAt: new Date(e.at).toISOString(), value: e.value },
        e.at,
        z.unknown(),
      );
      summary.bookings++;
      summary.byDistrict[lead.district].booked++;
      return;
    }
    const own =
      e.kind === 'sms'
        ? e.from === 'customer'
          ? lead.phone
          : persona.phone
        : e.caller === 'customer'
          ? lead.phone
          : persona.phone;
    if (e.kind === 'sms') {
      await sandbox.sendSms({ from: own, to: assignment.poolNumber, body: e.body, at: e.at });
      summary.texts++;
      return;
    }
    const input: GatherAnswer[] = [];
    // Asked for an extension, an assessor keys the one on their listing, or 0# when it has none (as the prompt says).
    if (e.caller === 'assessor') input.push({ when: 'extension', digits: `${assignment.extension || '0'}#` });
    if (e.optOut) input.push({ when: 'opt out', digits: '9', afterSec: 2 });
    const scenario: CallScenario = {
      from: own,
      to: assignment.poolNumber,
      at: e.at,
      timing: 'virtual',
      callerInput: input,
      callee:
        e.answer === 'busy'
          ? { busy: true }
          : e.answer === 'unreachable'
            ? { unreachable: true }
            : { answer: e.answer === 'answer', ringSec: e.ringSec },
      // Patience counts from the start of the call: the notices take about ten seconds before it rings.
      callerPatienceSec: e.patienceSec === undefined ? undefined : e.patienceSec + 12,
      talkSec: e.talkSec > 0 ? e.talkSec : undefined,
      hangup: e.hangup,
      conversation: e.script,
      roles:
        e.caller === 'customer'
          ? { caller: 'customer', callee: 'assessor' }
          : { caller: 'assessor', callee: 'customer' },
      service: lead.service,
    };
    const result = await sandbox.placeCall(scenario);
    summary.calls++;
    if (e.answer === 'answer' && !e.optOut) setDemoCallsToCome(opts.server.ctx, --recordedToCome);
    for (const r of result.requests) {
      const t = (webhookMs[r.kind] ??= { n: 0, ms: 0 });
      t.n++;
      t.ms += r.ms;
    }
    const bad = result.requests.filter((r) => r.error || r.status >= 400);
    if (bad.length) {
      summary.failures += bad.length;
      log.warn(
        { callSid: result.callSid, failed: bad.map((r) => `${r.kind} ${r.status || r.error}`) },
        'a demo call got errors from the server',
      );
    }
    if (result.dials.length === 0 && result.hungUpBy !== 'caller') {
      summary.unrouted++;
      log.warn(
        {
          callSid: result.callSid,
          from: scenario.from,
          to: scenario.to,
          heard: result.heard.caller.map((h) => h.text),
        },
        'a demo call was not put through',
      );
    }
    if (result.dials.some((d) => d.bridged)) {
      summary.answeredCalls++;
      if (result.dials.some((d) => d.bridged && d.talkSec >= opts.config.CONNECT_THRESHOLD_SEC)) {
        const set = reached.get(lead.key) ?? new Set<string>();
        if (!set.size) summary.byDistrict[lead.district].connected++;
        set.add(e.assessor);
        reached.set(lead.key, set);
        if (!e.optOut) reviewable.push({ callSid: result.callSid, script: e.script, at: e.at });
      }
    }
    if (e.optOut) summary.optOuts++;
  };

  await playInOrder(plan, opts, runEvent, (done) => {
    if (done % 100 === 0)
      log.info({ done, of: plan.events.length, calls: summary.calls, texts: summary.texts }, 'demo progress');
  });
  await sandbox.settled();
  setDemoCallsToCome(opts.server.ctx, 0);
  if (!opts.signal?.aborted) summary.reviews = await submitReviews(opts, reviewers, reviewable);
  summary.grades = await gradeMix(opts);
  if (!opts.signal?.aborted) summary.marketplace = await leaveForAdmins(opts.server.ctx);
  summary.ms = Date.now() - started;
  log.info({ ...summary, byDistrict: undefined, grades: undefined }, 'demo filled');
  const n = Math.max(1, summary.leads);
  log.info(
    Object.fromEntries(Object.entries(summary.grades).map(([g, k]) => [g, `${k} (${Math.round((100 * k) / n)} %)`])),
    'demo lead quality',
  );
  log.debug(
    {
      webhookMs: Object.fromEntries(
        Object.entries(webhookMs).map(([k, v]) => [k, { n: v.n, avgMs: Math.round(v.ms / v.n) }]),
      ),
    },
    'demo webhook timings',
  );
  for (const [d, s] of Object.entries(summary.byDistrict)) {
    log.info(
      {
        district: d,
        ...s,
        callRate: s.leads ? Math.round((100 * s.connected) / s.leads) / 100 : 0,
        conversion: s.leads ? Math.round((100 * s.booked) / s.leads) / 100 : 0,
      },
      'demo district',
    );
  }
  return summary;
}

/**
 * Plays the events in time order, several at once, but each lead's events strictly one after another (a
 * call about a lead never overtakes the lead's creation or an earlier call).
 */
async function playInOrder(
  plan: DemoPlan,
  opts: DemoOptions,
  run: (e: DemoEvent) => Promise<void>,
  progress: (done: number) => void,
): Promise<void> {
  const chains = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const limit = opts.concurrency ?? 4;
  let done = 0;
  for (const e of plan.events) {
    if (opts.signal?.aborted) break;
    while (inFlight.size >= limit) await Promise.race(inFlight);
    const previous = chains.get(e.lead) ?? Promise.resolve();
    const task = previous
      .then(() => (opts.signal?.aborted ? undefined : run(e)))
      .catch((err: unknown) =>
        opts.log.warn(
          { err: err instanceof Error ? err.message : String(err), event: e.kind, lead: e.lead },
          'a demo step failed',
        ),
      )
      .finally(() => {
        inFlight.delete(task);
        progress(++done);
      });
    chains.set(e.lead, task);
    inFlight.add(task);
  }
  await Promise.all(inFlight);
}

interface SignedInReviewer {
  reviewer: DemoReviewer;
  id: string;
  password: string;
}

/**
 * The demo's reviewers and the starter scorecard they score with. The first reviewer's password is printed
 * once, beside the admin's, so a person can sign in as a reviewer; the colleague only lends a second opinion.
 * A reviewer whose email is taken already is left alone (and reviews nothing).
 */
async function createReviewers(opts: DemoOptions, at: number): Promise<SignedInReviewer[]> {
  const { db } = opts.server.ctx;
  const card: ScorecardDoc = { ...STARTER_SCORECARD, updatedAt: 0, createdAt: at };
  await db.transaction((tx) => putDocuments(tx, 'scorecards', [card], opts.server.ctx.now()));
  const out: SignedInReviewer[] = [];
  for (const reviewer of DEMO_REVIEWERS) {
    if (await findUserByEmail(db, reviewer.email)) {
      opts.log.info({ email: reviewer.email }, 'a demo reviewer account exists already: it gets no demo reviews');
      continue;
    }
    const password = generatePassword();
    const user = await createUser(db, { email: reviewer.email, password, role: 'reviewer', name: reviewer.name });
    out.push({ reviewer, id: user.id, password });
    if (reviewer.printed) {
      console.log(
        `\n  Demo: a reviewer account to try the review screens (shown once)\n` +
          `    email:    ${reviewer.email}\n    password: ${password}\n`,
      );
    }
  }
  return out;
}

/**
 * The demo reviewers sign in and submit reviews of connected calls through the same sync endpoint the app
 * pushes to: the first reviewer a spread of calls, the colleague some of the same ones (calibration compares
 * them; the agreement report pairs each with the AI's outcome once the analysis has run).
 */
async function submitReviews(
  opts: DemoOptions,
  reviewers: SignedInReviewer[],
  calls: Array<{ callSid: string; script: string; at: number }>,
): Promise<number> {
  const candidates = calls.filter((c) => demoReview(c.script, DEMO_REVIEWERS[0]) !== null).sort((a, b) => a.at - b.at);
  const step = Math.max(1, Math.floor(candidates.length / DEMO_REVIEWS.first));
  const chosen = candidates.filter((_, i) => i % step === 0).slice(0, DEMO_REVIEWS.first);
  const now = opts.server.ctx.now();
  let submitted = 0;
  for (const [index, { reviewer, id, password }] of reviewers.entries()) {
    const login = await fetch(`${opts.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: reviewer.email, password }),
    });
    if (!login.ok) {
      opts.log.warn({ email: reviewer.email, status: login.status }, 'a demo reviewer could not sign in');
      continue;
    }
    const { token } = loginRoute.response.parse(await login.json());
    const rows = (index === 0 ? chosen : chosen.slice(0, DEMO_REVIEWS.both)).flatMap((c) => {
      const review = demoReview(c.script, reviewer);
      if (!review) return [];
      // Reviewed a day or two after the call, never in the future.
      // Whole milliseconds: the schema's times are integers, and plan times are not.
      const submittedAt = Math.round(Math.min(c.at + (1 + index) * 86_400_000, now - 3_600_000));
      const doc: ReviewDoc = {
        id: `${c.callSid}:${id}`,
        updatedAt: 0,
        callId: c.callSid,
        reviewerId: id,
        scorecardId: STARTER_SCORECARD.id,
        answers: review.answers,
        score: scoreReview(STARTER_SCORECARD, review.answers).score,
        outcome: review.outcome,
        aiOutcome: null,
        notes: '',
        regions: [],
        status: 'submitted',
        submittedAt,
        editedAt: submittedAt,
      };
      return [{ newDocumentState: doc, assumedMasterState: null }];
    });
    const res = await fetch(`${opts.server.url}/sync/reviews/0/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rows }),
    });
    const conflicts = res.ok ? pushRoute.response.parse(await res.json()).conflicts : null;
    if (!conflicts || conflicts.length) {
      opts.log.warn({ email: reviewer.email, status: res.status }, 'demo reviews were not all stored');
      continue;
    }
    submitted += rows.length;
  }
  return submitted;
}

/** Leads by grade, as the server graded them. */
async function gradeMix(opts: DemoOptions): Promise<Record<LeadGrade, number>> {
  const { rows } = await opts.server.ctx.db.query<{ grade: LeadGrade | null; n: string }>(
    `SELECT doc -> 'quality' ->> 'grade' AS grade, count(*) AS n FROM sync_documents
      WHERE collection = 'leads' AND NOT deleted GROUP BY 1`,
  );
  const mix: Record<LeadGrade, number> = { hot: 0, warm: 0, cold: 0, suspect: 0 };
  for (const r of rows) if (r.grade) mix[r.grade] = Number(r.n);
  return mix;
}
