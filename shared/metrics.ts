/**
 * Assessor performance and customer behaviour, exactly as defined in docs/PRODUCT.md ("Definitions").
 * Pure functions over replicated documents; the server's reports and the app's screens both use them.
 */
import type { CallDoc, LeadDoc, MessageDoc, ReviewDoc } from './schemas';

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
    failed: ['failed', 'undelivered', 'refused'].includes(msg.status),
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
  /** Mean assessor attempts before the first connected call, over assignments that connected. */
  attemptsBeforeConnect: number | null;
  /** Median seconds between consecutive assessor attempts. */
  medianGapSec: number | null;
  /** Share of failed assessor attempts that were followed by another assessor attempt. */
  retryAfterFailureRate: number | null;
}

export interface PerformanceOptions {
  /** Only assignments made in [from, to). */
  from?: number;
  to?: number;
  district?: string;
  service?: string;
  /** Reviews: an AI or reviewer outcome of `booked` confirmed by a reviewer counts as a booking. */
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
  const bookedByReview = new Set<string>();
  const callById = new Map(calls.map((c) => [c.id, c]));
  for (const r of opts.reviews ?? []) {
    const call = callById.get(r.callId);
    if (r.status === 'submitted' && r.outcome === 'booked' && call?.leadId && call.assessorId) {
      bookedByReview.add(`${call.leadId}|${call.assessorId}`);
    }
  }
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
      const list = attempts.get(key) ?? [];
      const mine = list.filter((x) => x.bySide === 'assessor' && x.at >= asg.assignedAt);
      a.p.assignments++;
      a.p.attempts += mine.length;
      if (mine.length) {
        a.p.contacted++;
        a.responses.push((mine[0].at - asg.assignedAt) / 1000);
      }
      for (let i = 1; i < mine.length; i++) a.gaps.push((mine[i].at - mine[i - 1].at) / 1000);
      mine.forEach((x, i) => {
        if (x.kind === 'call' && x.failed) {
          a.failed++;
          if (i < mine.length - 1) a.retried++;
        }
      });
      const firstConnect = list.findIndex((x) => x.connected);
      if (firstConnect >= 0) {
        a.p.connected++;
        a.before.push(list.slice(0, firstConnect + 1).filter((x) => x.bySide === 'assessor').length);
      }
      if (asg.bookedAt !== null || bookedByReview.has(key)) a.p.booked++;
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
  /** Ring seconds the customer waited on unanswered calls before hanging up. */
  unansweredRingSeconds: number[];
  /** Seconds from the lead to the customer's last attempt (how long they kept trying). */
  keptTryingSec: number | null;
}

export function customerBehaviour(lead: LeadDoc, calls: CallDoc[], messages: MessageDoc[]): CustomerBehaviour {
  const all = [...calls.map(callAttempt), ...messages.map(messageAttempt)]
    .filter((a): a is Attempt => !!a && a.leadId === lead.id)
    .sort((x, y) => x.at - y.at);
  const byCustomer = all.filter((a) => a.bySide === 'customer');
  const firstAssessorReach = all.find((a) => a.bySide === 'assessor' && (a.kind === 'sms' ? !a.failed : a.connected));
  const called: string[] = [];
  for (const a of byCustomer) if (a.kind === 'call' && !called.includes(a.assessorId)) called.push(a.assessorId);
  return {
    leadId: lead.id,
    proactive: byCustomer.length > 0 && (!firstAssessorReach || byCustomer[0].at < firstAssessorReach.at),
    calledAssessors: called,
    shopping: new Set(byCustomer.map((a) => a.assessorId)).size,
    unansweredRingSeconds: byCustomer
      .filter((a) => a.kind === 'call' && !a.connected && a.status !== 'completed')
      .map((a) => a.ringSeconds),
    keptTryingSec: byCustomer.length ? (byCustomer[byCustomer.length - 1].at - lead.createdAt) / 1000 : null,
  };
}
