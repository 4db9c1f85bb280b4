/**
 * Assessor performance and customer behaviour, exactly as defined in docs/PRODUCT.md ("Definitions").
 * Pure functions over replicated documents; the server's reports and the app's screens both use them.
 */
import type { Assignment, CallDoc, LeadDoc, MessageDoc, ReviewDoc, Tier } from './schemas';

/** Statuses of a text that never reached the other side. */
const FAILED_TEXT: readonly string[] = ['failed', 'undelivered', 'refused'];

/** One contact attempt between the two sides of an assignment: a call or a text, in either direction. */
export interface Attempt {
  kind: 'call' | 'sms';
  id: string;
  leadId: string;
  assessorId: string;
  bySide: 'customer' | 'assessor';
  at: number;
  /** Calls only: answered with talk time ≥ the connect threshold. */
  connected: boolean;
  /** Calls only: not answered (busy, no-answer, failed, canceled). */
  failed: boolean;
  ringSeconds: number;
  talkSeconds: number;
  status: string;
}

export function callAttempt(call: CallDoc): Attempt | null {
  if (!call.leadId || !call.assessorId || !call.direction) return null;
  return {
    kind: 'call',
    id: call.id,
    leadId: call.leadId,
    assessorId: call.assessorId,
    bySide: call.direction === 'customer_to_assessor' ? 'customer' : 'assessor',
    at: call.startedAt,
    connected: call.connected,
    failed: ['busy', 'no-answer', 'failed', 'canceled'].includes(call.status),
    ringSeconds: call.ringSeconds,
    talkSeconds: call.talkSeconds,
    status: call.status,
  };
}

export function messageAttempt(msg: MessageDoc): Attempt | null {
  if (!msg.leadId || !msg.assessorId || !msg.direction) return null;
  return {
    kind: 'sms',
    id: msg.id,
    leadId: msg.leadId,
    assessorId: msg.assessorId,
    bySide: msg.direction === 'customer_to_assessor' ? 'customer' : 'assessor',
    at: msg.sentAt,
    connected: false,
    failed: FAILED_TEXT.includes(msg.status),
    ringSeconds: 0,
    talkSeconds: 0,
    status: msg.status,
  };
}

/** Every attempt of every assignment, grouped by `${leadId}|${assessorId}` and sorted by time. */
export function attemptsByAssignment(calls: CallDoc[], messages: MessageDoc[]): Map<string, Attempt[]> {
  const map = new Map<string, Attempt[]>();
  for (const a of [...calls.map(callAttempt), ...messages.map(messageAttempt)]) {
    if (!a) continue;
    const key = `${a.leadId}|${a.assessorId}`;
    const list = map.get(key);
    if (list) list.push(a);
    else map.set(key, [a]);
  }
  for (const list of map.values()) list.sort((x, y) => x.at - y.at || x.id.localeCompare(y.id));
  return map;
}

export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Conversion's second source (PRODUCT.md "Booking"): the AI's outcome *booked*, confirmed by a reviewer's
 * submitted review. The AI's outcome alone never counts, and neither does a draft.
 */
export function confirmsBooking(review: Pick<ReviewDoc, 'status' | 'outcome' | 'aiOutcome'>): boolean {
  return review.status === 'submitted' && review.aiOutcome === 'booked' && review.outcome === 'booked';
}

/**
 * Talk time without the recording announcement (PRODUCT.md: every call opens with the notice, which the
 * called party hears after answering and before the two sides are bridged; Twilio's leg duration includes
 * it). A recording starts at the bridge, so its length is the conversation when there is one; otherwise the
 * notice's length (`announcementSec`, what the server's whisper takes to say) is taken off.
 */
export function conversationSeconds(call: Pick<CallDoc, 'talkSeconds' | 'recording'>, announcementSec: number): number {
  if (call.talkSeconds <= 0) return 0;
  const recorded = call.recording.durationSec;
  if (recorded !== null && recorded > 0) return Math.min(call.talkSeconds, recorded);
  return Math.max(0, call.talkSeconds - announcementSec);
}

/** What one assignment contributes to its assessor's performance (PRODUCT.md "Assessor performance"). */
export interface AssignmentFacts {
  /** Assessor attempts (calls and texts to the customer) made from the assignment on. */
  attempts: number;
  callAttempts: number;
  smsAttempts: number;
  contacted: boolean;
  /** At least one connected call, either direction. */
  connected: boolean;
  booked: boolean;
  bookedByMarketplace: boolean;
  bookedByReview: boolean;
  /** Seconds from the assignment to the assessor's first attempt; null without one. */
  responseSec: number | null;
  /** Seconds between consecutive assessor attempts. */
  gapsSec: number[];
  /**
   * Assessor attempts before the first connected call, the connecting attempt itself not counted; null when
   * no call connected.
   */
  attemptsBeforeConnect: number | null;
  /** Failed assessor attempts: calls not answered and texts not delivered. */
  failed: number;
  /** Of those, the ones followed by another assessor attempt (call or text). */
  retried: number;
}

/**
 * One assignment's facts from its attempts (`attempts`: both sides, sorted by time, as attemptsByAssignment
 * gives them) and whether a reviewer confirmed a booking on one of its calls.
 */
export function assignmentFacts(
  asg: Pick<Assignment, 'assignedAt' | 'bookedAt'>,
  attempts: readonly Attempt[],
  bookedByReview: boolean,
): AssignmentFacts {
  const mine = attempts.filter((x) => x.bySide === 'assessor' && x.at >= asg.assignedAt);
  const gapsSec: number[] = [];
  for (let i = 1; i < mine.length; i++) gapsSec.push((mine[i].at - mine[i - 1].at) / 1000);
  let failed = 0;
  let retried = 0;
  mine.forEach((x, i) => {
    if (!x.failed) return;
    failed++;
    if (i < mine.length - 1) retried++;
  });
  const firstConnect = attempts.findIndex((x) => x.connected);
  const bookedByMarketplace = asg.bookedAt !== null;
  return {
    attempts: mine.length,
    callAttempts: mine.filter((x) => x.kind === 'call').length,
    smsAttempts: mine.filter((x) => x.kind === 'sms').length,
    contacted: mine.length > 0,
    connected: firstConnect >= 0,
    booked: bookedByMarketplace || bookedByReview,
    bookedByMarketplace,
    bookedByReview,
    responseSec: mine.length ? (mine[0].at - asg.assignedAt) / 1000 : null,
    gapsSec,
    attemptsBeforeConnect:
      firstConnect >= 0
        ? attempts.slice(0, firstConnect).filter((x) => x.bySide === 'assessor' && x.at >= asg.assignedAt).length
        : null,
    failed,
    retried,
  };
}

/** `${leadId}|${assessorId}` of the assignments with a call whose booking a reviewer confirmed. */
export function bookedByReviewKeys(
  calls: readonly CallDoc[],
  reviews: ReadonlyArray<Pick<ReviewDoc, 'callId' | 'status' | 'outcome' | 'aiOutcome'>>,
): Set<string> {
  const callById = new Map(calls.map((c) => [c.id, c]));
  const keys = new Set<string>();
  for (const r of reviews) {
    const call = callById.get(r.callId);
    if (confirmsBooking(r) && call?.leadId && call.assessorId) keys.add(`${call.leadId}|${call.assessorId}`);
  }
  return keys;
}

export interface AssessorPerformance {
  assessorId: string;
  assignments: number;
  /** Assignments with at least one assessor attempt. */
  contacted: number;
  /** Assignments with at least one connected call (either direction). */
  connected: number;
  booked: number;
  attempts: number;
  contactRate: number | null;
  successRate: number | null;
  conversionRate: number | null;
  /** Seconds from assignment to the assessor's first attempt (call or SMS). */
  responseMedianSec: number | null;
  responseP90Sec: number | null;
  /** Mean assessor attempts before the first connected call (not counting it), over assignments that connected. */
  attemptsBeforeConnect: number | null;
  /** Median seconds between consecutive assessor attempts. */
  medianGapSec: number | null;
  /** Share of failed assessor attempts (calls and texts) that were followed by another assessor attempt. */
  retryAfterFailureRate: number | null;
}

export interface PerformanceOptions {
  /** Only assignments made in [from, to). */
  from?: number;
  to?: number;
  district?: string;
  service?: string;
  /** Reviews: an AI outcome of `booked` confirmed by a reviewer counts as a booking. */
  reviews?: ReviewDoc[];
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** Assessor performance per PRODUCT.md, for the assignments in the period (and district/service if given). */
export function assessorPerformance(
  leads: LeadDoc[],
  calls: CallDoc[],
  messages: MessageDoc[],
  opts: PerformanceOptions = {},
): AssessorPerformance[] {
  const attempts = attemptsByAssignment(calls, messages);
  const bookedByReview = bookedByReviewKeys(calls, opts.reviews ?? []);
  const acc = new Map<
    string,
    { p: AssessorPerformance; responses: number[]; gaps: number[]; before: number[]; failed: number; retried: number }
  >();
  for (const lead of leads) {
    if (opts.district && lead.district !== opts.district) continue;
    if (opts.service && lead.service !== opts.service) continue;
    for (const asg of lead.assignments) {
      if (opts.from !== undefined && asg.assignedAt < opts.from) continue;
      if (opts.to !== undefined && asg.assignedAt >= opts.to) continue;
      let a = acc.get(asg.assessorId);
      if (!a) {
        a = {
          p: {
            assessorId: asg.assessorId,
            assignments: 0,
            contacted: 0,
            connected: 0,
            booked: 0,
            attempts: 0,
            contactRate: null,
            successRate: null,
            conversionRate: null,
            responseMedianSec: null,
            responseP90Sec: null,
            attemptsBeforeConnect: null,
            medianGapSec: null,
            retryAfterFailureRate: null,
          },
          responses: [],
          gaps: [],
          before: [],
          failed: 0,
          retried: 0,
        };
        acc.set(asg.assessorId, a);
      }
      const key = `${lead.id}|${asg.assessorId}`;
      const f = assignmentFacts(asg, attempts.get(key) ?? [], bookedByReview.has(key));
      a.p.assignments++;
      a.p.attempts += f.attempts;
      if (f.contacted) a.p.contacted++;
      if (f.responseSec !== null) a.responses.push(f.responseSec);
      a.gaps.push(...f.gapsSec);
      a.failed += f.failed;
      a.retried += f.retried;
      if (f.connected) a.p.connected++;
      if (f.attemptsBeforeConnect !== null) a.before.push(f.attemptsBeforeConnect);
      if (f.booked) a.p.booked++;
    }
  }
  return [...acc.values()]
    .map(({ p, responses, gaps, before, failed, retried }) => {
      responses.sort((x, y) => x - y);
      gaps.sort((x, y) => x - y);
      return {
        ...p,
        contactRate: ratio(p.contacted, p.assignments),
        successRate: ratio(p.connected, p.assignments),
        conversionRate: ratio(p.booked, p.assignments),
        responseMedianSec: quantile(responses, 0.5),
        responseP90Sec: quantile(responses, 0.9),
        attemptsBeforeConnect: before.length ? before.reduce((s, n) => s + n, 0) / before.length : null,
        medianGapSec: quantile(gaps, 0.5),
        retryAfterFailureRate: ratio(retried, failed),
      };
    })
    .sort((x, y) => x.assessorId.localeCompare(y.assessorId));
}

export interface CustomerBehaviour {
  leadId: string;
  /** The customer called or texted an assessor before any assessor reached them. */
  proactive: boolean;
  /** Assessors the customer called, in the order of their first call. */
  calledAssessors: string[];
  /** Distinct assessors the customer contacted (call or text). */
  shopping: number;
  /**
   * Patience: ring seconds of each unanswered call the customer hung up on themselves (status `canceled`: the
   * caller left while it rang). A call that rang out (`no-answer`: the assessor's phone timed out), was busy or
   * failed says nothing about the customer's patience and is left out.
   */
  unansweredRingSeconds: number[];
  /** Seconds from the lead to the customer's last attempt (how long they kept trying). */
  keptTryingSec: number | null;
}

/** A customer's call the customer gave up on while it rang (PRODUCT.md "Patience"). */
export function customerHungUpRinging(call: Pick<CallDoc, 'direction' | 'status' | 'answeredAt'>): boolean {
  return call.direction === 'customer_to_assessor' && call.status === 'canceled' && call.answeredAt === null;
}

export function customerBehaviour(
  lead: Pick<LeadDoc, 'id' | 'createdAt'>,
  calls: CallDoc[],
  messages: MessageDoc[],
): CustomerBehaviour {
  const all = [...calls.map(callAttempt), ...messages.map(messageAttempt)]
    .filter((a): a is Attempt => !!a && a.leadId === lead.id)
    .sort((x, y) => x.at - y.at || x.id.localeCompare(y.id));
  const byCustomer = all.filter((a) => a.bySide === 'customer');
  const firstAssessorReach = all.find((a) => a.bySide === 'assessor' && (a.kind === 'sms' ? !a.failed : a.connected));
  const called: string[] = [];
  for (const a of byCustomer) if (a.kind === 'call' && !called.includes(a.assessorId)) called.push(a.assessorId);
  return {
    leadId: lead.id,
    proactive: byCustomer.length > 0 && (!firstAssessorReach || byCustomer[0].at < firstAssessorReach.at),
    calledAssessors: called,
    shopping: new Set(byCustomer.map((a) => a.assessorId)).size,
    unansweredRingSeconds: calls
      .filter((c) => c.leadId === lead.id && customerHungUpRinging(c))
      .sort((x, y) => x.startedAt - y.startedAt || x.id.localeCompare(y.id))
      .map((c) => c.ringSeconds),
    keptTryingSec: byCustomer.length ? (byCustomer[byCustomer.length - 1].at - lead.createdAt) / 1000 : null,
  };
}

/** One assessor the customer chose to call, set beside how they were offered (PRODUCT.md "Call pattern"). */
export interface CallChoice {
  assessorId: string;
  /** 1-based place in the order the customer was shown the assessors (the order of the lead's assignments). */
  shownPosition: number;
  /** The assessor's tier when the lead was assigned to them; null when they had none then. */
  tier: Tier | null;
  /**
   * Where their price stood among the lead's assessors: `cheapest`, `dearest`, `between`, or `same` when all
   * were priced alike. The area is the lead's for all of them, so the price follows the tier (PRODUCT.md: area
   * price × tier price ÷ Gold price); an assessor without a tier is priced as Gold.
   */
  priceRank: 'cheapest' | 'dearest' | 'between' | 'same';
}

/** Tier prices relative to Gold, for ranking only (the default rule's £30, £20, £12, £8). */
const TIER_PRICE_RANK: Record<Tier, number> = { platinum: 30, gold: 20, silver: 12, bronze: 8 };

/**
 * Call preference: the assessors the customer called, in the order of their first call, each with its place
 * in the order shown, its tier and where its price stood.
 */
export function callPreference(
  lead: Pick<LeadDoc, 'id' | 'assignments'>,
  calls: readonly CallDoc[],
  tierAtAssignment: Readonly<Record<string, Tier | null>>,
): CallChoice[] {
  const priceOf = (assessorId: string) => TIER_PRICE_RANK[tierAtAssignment[assessorId] ?? 'gold'];
  const prices = lead.assignments.map((a) => priceOf(a.assessorId));
  const low = Math.min(...prices);
  const high = Math.max(...prices);
  const seen = new Set<string>();
  const choices: CallChoice[] = [];
  const customerCalls = calls
    .filter((c) => c.leadId === lead.id && c.direction === 'customer_to_assessor')
    .sort((x, y) => x.startedAt - y.startedAt || x.id.localeCompare(y.id));
  for (const { assessorId } of customerCalls) {
    if (!assessorId) continue;
    const position = lead.assignments.findIndex((a) => a.assessorId === assessorId);
    if (seen.has(assessorId) || position < 0) continue;
    seen.add(assessorId);
    const price = priceOf(assessorId);
    choices.push({
      assessorId,
      shownPosition: position + 1,
      tier: tierAtAssignment[assessorId] ?? null,
      priceRank: low === high ? 'same' : price === low ? 'cheapest' : price === high ? 'dearest' : 'between',
    });
  }
  return choices;
}
