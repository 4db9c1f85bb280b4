/**
 * Per-day aggregates of the figures PRODUCT.md defines (rules: SPEC.md in this folder). Pure: the server keeps
 * them current and rebuilds them with these functions, and the app (issue 13's dashboards) reads them with
 * `readFigures`.
 *
 * A row is one Europe/London day × district × service × assessor (assessorId '' for the lead-level row of the
 * district × service), and its figures are a flat map of counters, so rows merge by adding (AG2) and a
 * contribution is taken back by subtracting. Durations are kept as sketches (sketch.ts): counters named
 * `<figure>:<bucket>`.
 */
import { OBJECTION_CATEGORIES } from '../analysis/schema';
import type { CallAnalysis } from '../analysis/schema';
import { pickCurrentInsight } from '../analysis/insights';
import { leadQuality } from '../lead-quality';
import {
  assignmentFacts,
  attemptsByAssignment,
  bookedByReviewKeys,
  callPreference,
  conversationSeconds,
  customerBehaviour,
  type AssessorPerformance,
} from '../metrics';
import type { CallDoc, InsightDoc, LeadDoc, MessageDoc, ReviewDoc, Tier } from '../schemas';
import { bucketOf, sketchQuantile } from './sketch';

/** Counter name → count. Zero counters are left out. */
export type Figures = Record<string, number>;

export interface AggregateRow {
  /** Europe/London calendar day, YYYY-MM-DD. */
  day: string;
  district: string;
  service: string;
  /** '' for the lead-level row (customer behaviour, lead quality) of the district × service. */
  assessorId: string;
  figures: Figures;
}

/** Everything one lead's figures are computed from (AG1): its raw calls and texts and what people said about them. */
export interface LeadHistory {
  lead: Pick<LeadDoc, 'id' | 'district' | 'service' | 'createdAt' | 'assignments'>;
  calls: CallDoc[];
  messages: MessageDoc[];
  reviews: Array<Pick<ReviewDoc, 'callId' | 'status' | 'outcome' | 'aiOutcome'>>;
  insights: Array<Pick<InsightDoc, 'callId' | 'status' | 'createdAt' | 'updatedAt' | 'analysis'>>;
  /** Each assessor's tier when the lead was assigned to them (null: none then). */
  tierAtAssignment: Record<string, Tier | null>;
}

export interface AggregateOptions {
  /** Seconds the recording notice takes to say, taken off talk time when a call has no recording (AG7). */
  announcementSec: number;
}

const LONDON_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Europe/London calendar day of an instant, YYYY-MM-DD (AG3). */
export function londonDay(ms: number): string {
  return LONDON_DAY.format(new Date(ms));
}

export const rowKey = (r: Pick<AggregateRow, 'day' | 'district' | 'service' | 'assessorId'>): string =>
  `${r.day}|${r.district}|${r.service}|${r.assessorId}`;

/** a + sign·b, counter by counter, leaving zeros out. */
export function addFigures(a: Figures, b: Figures, sign: 1 | -1 = 1): Figures {
  const out: Figures = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const n = (out[k] ?? 0) + sign * v;
    if (n === 0) delete out[k];
    else out[k] = n;
  }
  return out;
}

/** Rows with the same key added together (AG2), in key order; rows left with no counters are dropped. */
export function mergeRows(rows: readonly AggregateRow[]): AggregateRow[] {
  const byKey = new Map<string, AggregateRow>();
  for (const r of rows) {
    const key = rowKey(r);
    const had = byKey.get(key);
    byKey.set(key, { ...r, figures: addFigures(had?.figures ?? {}, r.figures) });
  }
  return [...byKey.entries()]
    .filter(([, r]) => Object.keys(r.figures).length > 0)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .map(([, r]) => r);
}

/** What turns the rows `before` into `after` (AG6): after − before per key, empty differences left out. */
export function contributionDelta(before: readonly AggregateRow[], after: readonly AggregateRow[]): AggregateRow[] {
  const negated = before.map((r) => ({ ...r, figures: addFigures({}, r.figures, -1) }));
  return mergeRows([...negated, ...after]);
}

function inc(f: Figures, name: string, n = 1): void {
  if (n === 0) return;
  const v = (f[name] ?? 0) + n;
  if (v === 0) delete f[name];
  else f[name] = v;
}
const sketch = (f: Figures, figure: string, seconds: number) => inc(f, `${figure}:${bucketOf(seconds)}`);
const wholeSeconds = (s: number) => Math.round(s);

/** The newest finished analysis of each call (AG9). */
function analysisByCall(insights: LeadHistory['insights']): Map<string, CallAnalysis> {
  const byCall = new Map<string, LeadHistory['insights']>();
  for (const i of insights) {
    if (i.status !== 'done' || !i.analysis) continue;
    const list = byCall.get(i.callId);
    if (list) list.push(i);
    else byCall.set(i.callId, [i]);
  }
  const out = new Map<string, CallAnalysis>();
  for (const [callId, list] of byCall) {
    const current = pickCurrentInsight(list);
    if (current?.analysis) out.set(callId, current.analysis);
  }
  return out;
}

/** One lead's rows (AG1, AG5–AG12): one per assignment (assessor row) and one for the lead. */
export function leadContribution(h: LeadHistory, opts: AggregateOptions): AggregateRow[] {
  const { lead } = h;
  const calls = h.calls.filter((c) => c.leadId === lead.id);
  const messages = h.messages.filter((m) => m.leadId === lead.id);
  const attempts = attemptsByAssignment(calls, messages);
  const bookedByReview = bookedByReviewKeys(calls, h.reviews);
  const analyses = analysisByCall(h.insights);
  const rows: AggregateRow[] = [];
  const area = { district: lead.district, service: lead.service };

  let leadConnected = false;
  let leadBooked = false;
  for (const asg of lead.assignments) {
    const f: Figures = {};
    const key = `${lead.id}|${asg.assessorId}`;
    const facts = assignmentFacts(asg, attempts.get(key) ?? [], bookedByReview.has(key));
    inc(f, 'assignments');
    inc(f, 'attempts', facts.attempts);
    inc(f, 'callAttempts', facts.callAttempts);
    inc(f, 'smsAttempts', facts.smsAttempts);
    if (facts.contacted) inc(f, 'contacted');
    if (facts.connected) inc(f, 'connected');
    if (facts.booked) inc(f, 'booked');
    if (facts.bookedByMarketplace) inc(f, 'bookedByMarketplace');
    if (facts.bookedByReview) inc(f, 'bookedByReview');
    if (facts.responseSec !== null) sketch(f, 'response', facts.responseSec);
    for (const g of facts.gapsSec) sketch(f, 'gap', g);
    if (facts.attemptsBeforeConnect !== null) inc(f, 'attemptsBeforeConnect', facts.attemptsBeforeConnect);
    inc(f, 'failedAttempts', facts.failed);
    inc(f, 'retriedAfterFailure', facts.retried);
    leadConnected ||= facts.connected;
    leadBooked ||= facts.booked;

    // Telephony and texts of this assignment, either direction (AG10, AG11).
    for (const c of calls) {
      if (c.assessorId !== asg.assessorId) continue;
      inc(f, 'calls');
      if (c.direction === 'customer_to_assessor') inc(f, 'callsFromCustomer');
      inc(f, 'ringSec', c.ringSeconds);
      inc(f, 'talkSec', wholeSeconds(conversationSeconds(c, opts.announcementSec)));
      // Forwarding is billed per started minute of the dialled leg (the leg's duration, notice included).
      inc(f, 'forwardedMinutes', Math.ceil(c.talkSeconds / 60));
      const analysis = analyses.get(c.id);
      if (analysis) {
        inc(f, 'analysedCalls');
        inc(f, 'triggers', analysis.triggers.length);
        for (const o of analysis.objections) inc(f, `objection:${o.category}`);
      }
    }
    for (const m of messages) {
      if (m.assessorId !== asg.assessorId) continue;
      inc(f, m.direction === 'customer_to_assessor' ? 'smsFromCustomer' : 'smsFromAssessor');
      if (['failed', 'undelivered', 'refused'].includes(m.status)) inc(f, 'smsFailed');
    }
    rows.push({ day: londonDay(asg.assignedAt), ...area, assessorId: asg.assessorId, figures: f });
  }

  // The lead's own row (AG8, AG12).
  const f: Figures = {};
  const behaviour = customerBehaviour(lead, calls, messages);
  inc(f, 'leads');
  if (leadConnected) inc(f, 'leadsConnected');
  if (leadBooked) inc(f, 'leadsBooked');
  inc(f, `quality:${leadQuality(calls, messages).grade}`);
  if (behaviour.proactive) inc(f, 'proactive');
  if (behaviour.shopping > 0) inc(f, 'customerContacted');
  inc(f, 'shoppingSum', behaviour.shopping);
  if (behaviour.shopping >= 2) inc(f, 'shopped');
  for (const s of behaviour.unansweredRingSeconds) sketch(f, 'patience', s);
  if (behaviour.keptTryingSec !== null) sketch(f, 'keptTrying', Math.max(0, behaviour.keptTryingSec));
  const choices = callPreference(lead, calls, h.tierAtAssignment);
  choices.forEach((c, i) => {
    const which = i === 0 ? 'firstChoice' : 'laterChoice';
    inc(f, `${which}Position:${Math.min(c.shownPosition, 4)}`);
    inc(f, `${which}Tier:${c.tier ?? 'none'}`);
    inc(f, `${which}Price:${c.priceRank}`);
  });
  rows.push({ day: londonDay(lead.createdAt), ...area, assessorId: '', figures: f });
  return mergeRows(rows);
}

/** A sketch's bucket counts out of a row's counters. */
function sketchOf(f: Figures, figure: string): Map<number, number> {
  const counts = new Map<number, number>();
  const prefix = `${figure}:`;
  for (const [k, v] of Object.entries(f)) if (k.startsWith(prefix)) counts.set(Number(k.slice(prefix.length)), v);
  return counts;
}
function tally(f: Figures, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(f)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}
const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** The figures of one row, or of rows merged over a period, as the dashboards show them (AG13). */
export interface DailyMetrics extends Omit<AssessorPerformance, 'assessorId' | 'attempts'> {
  objections: Record<string, number>;
  triggers: number;
  analysedCalls: number;
  sms: { fromAssessor: number; fromCustomer: number; failed: number };
  telephony: { calls: number; callsFromCustomer: number; ringSec: number; talkSec: number; forwardedMinutes: number };
  leads: number;
  callRate: number | null;
  leadConversionRate: number | null;
  quality: Record<string, number>;
  proactiveRate: number | null;
  meanShopping: number | null;
  patienceMedianSec: number | null;
  patienceP90Sec: number | null;
  keptTryingMedianSec: number | null;
  firstChoice: { position: Record<string, number>; tier: Record<string, number>; price: Record<string, number> };
}

export function readFigures(f: Figures): DailyMetrics {
  const n = (k: string) => f[k] ?? 0;
  const response = sketchOf(f, 'response');
  const patience = sketchOf(f, 'patience');
  const objections: Record<string, number> = {};
  for (const c of OBJECTION_CATEGORIES) if (n(`objection:${c}`)) objections[c] = n(`objection:${c}`);
  return {
    assignments: n('assignments'),
    contacted: n('contacted'),
    connected: n('connected'),
    booked: n('booked'),
    contactRate: ratio(n('contacted'), n('assignments')),
    successRate: ratio(n('connected'), n('assignments')),
    conversionRate: ratio(n('booked'), n('assignments')),
    responseMedianSec: sketchQuantile(response, 0.5),
    responseP90Sec: sketchQuantile(response, 0.9),
    attemptsBeforeConnect: ratio(n('attemptsBeforeConnect'), n('connected')),
    medianGapSec: sketchQuantile(sketchOf(f, 'gap'), 0.5),
    retryAfterFailureRate: ratio(n('retriedAfterFailure'), n('failedAttempts')),
    objections,
    triggers: n('triggers'),
    analysedCalls: n('analysedCalls'),
    sms: { fromAssessor: n('smsFromAssessor'), fromCustomer: n('smsFromCustomer'), failed: n('smsFailed') },
    telephony: {
      calls: n('calls'),
      callsFromCustomer: n('callsFromCustomer'),
      ringSec: n('ringSec'),
      talkSec: n('talkSec'),
      forwardedMinutes: n('forwardedMinutes'),
    },
    leads: n('leads'),
    callRate: ratio(n('leadsConnected'), n('leads')),
    leadConversionRate: ratio(n('leadsBooked'), n('leads')),
    quality: tally(f, 'quality:'),
    proactiveRate: ratio(n('proactive'), n('leads')),
    meanShopping: ratio(n('shoppingSum'), n('customerContacted')),
    patienceMedianSec: sketchQuantile(patience, 0.5),
    patienceP90Sec: sketchQuantile(patience, 0.9),
    keptTryingMedianSec: sketchQuantile(sketchOf(f, 'keptTrying'), 0.5),
    firstChoice: {
      position: tally(f, 'firstChoicePosition:'),
      tier: tally(f, 'firstChoiceTier:'),
      price: tally(f, 'firstChoicePrice:'),
    },
  };
}
