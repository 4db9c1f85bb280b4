import {
  assessorPerformance,
  callAttempt,
  customerBehaviour,
  messageAttempt,
  type AssessorPerformance,
  type Attempt,
  type CustomerBehaviour,
} from '../../../../shared/metrics';
import type { AssessorDoc, CallDoc, LeadDoc, LeadGrade, MessageDoc, Service } from '../../../../shared/schemas';

/**
 * The Contact attempts screen as plain functions over replicated documents (no React, no database), so what
 * it shows can be tested on its own. Definitions come from shared/metrics.ts (docs/PRODUCT.md "Definitions").
 */

export interface ContactFilters {
  /** Leads created, and assignments made, in [from, to). */
  from: number;
  to: number;
  district: string | null;
  service: Service | null;
  assessorId: string | null;
  grade: LeadGrade | 'ungraded' | null;
  /** Part of the customer's name or the lead's external id. */
  search: string;
}

export const LEAD_SORTS = {
  recent_activity: 'Latest activity first',
  newest: 'Newest leads first',
  oldest: 'Oldest leads first',
  most_attempts: 'Most attempts first',
  slowest_response: 'Slowest first response first',
  quality: 'Suspect, then hot, warm, cold',
} as const;
export type LeadSort = keyof typeof LEAD_SORTS;

/** Whether a select's value names a lead order (the options are LEAD_SORTS' keys). */
export function isLeadSort(value: string): value is LeadSort {
  return Object.prototype.hasOwnProperty.call(LEAD_SORTS, value);
}

export const ASSESSOR_COLUMNS = [
  'name',
  'assignments',
  'attempts',
  'contacted',
  'connected',
  'booked',
  'responseMedianSec',
  'responseP90Sec',
] as const;
export type AssessorColumn = (typeof ASSESSOR_COLUMNS)[number];
export interface AssessorSort {
  column: AssessorColumn;
  descending: boolean;
}

/** One call or text of a lead, as the timeline shows it. */
export interface TimelineEntry {
  attempt: Attempt;
  call: CallDoc | null;
  message: MessageDoc | null;
  /** The outcome in words and how it should look. */
  outcome: { label: string; tone: 'ok' | 'warn' | 'danger' | 'info' | 'neutral' };
  /** The call or text has reached its final state (no more callbacks expected for what the timeline shows). */
  final: boolean;
}

export interface LeadRow {
  lead: LeadDoc;
  attempts: number;
  connected: number;
  lastActivityAt: number;
  /** Seconds from the lead's first assignment to the first assessor attempt; null when nobody tried yet. */
  firstResponseSec: number | null;
}

export interface ContactsView {
  leads: LeadRow[];
  /** Attempts of every lead shown, by lead id, in time order. */
  attemptsByLead: Map<string, Attempt[]>;
  assessors: AssessorPerformance[];
  totals: {
    leads: number;
    attempts: number;
    calls: number;
    texts: number;
    connectedCalls: number;
    byGrade: Record<LeadGrade | 'ungraded', number>;
    sandbox: boolean;
  };
}

const GRADE_ORDER: Record<LeadGrade | 'ungraded', number> = { suspect: 0, hot: 1, warm: 2, cold: 3, ungraded: 4 };

export function gradeOf(lead: Pick<LeadDoc, 'quality'>): LeadGrade | 'ungraded' {
  return lead.quality?.grade ?? 'ungraded';
}

function attemptsOf(calls: readonly CallDoc[], messages: readonly MessageDoc[]): Map<string, Attempt[]> {
  const map = new Map<string, Attempt[]>();
  for (const a of [...calls.map(callAttempt), ...messages.map(messageAttempt)]) {
    if (!a) continue;
    const list = map.get(a.leadId);
    if (list) list.push(a);
    else map.set(a.leadId, [a]);
  }
  for (const list of map.values()) list.sort((x, y) => x.at - y.at || x.id.localeCompare(y.id));
  return map;
}

function matches(lead: LeadDoc, f: ContactFilters): boolean {
  if (lead.createdAt < f.from || lead.createdAt >= f.to) return false;
  if (f.district && lead.district !== f.district) return false;
  if (f.service && lead.service !== f.service) return false;
  if (f.assessorId && !lead.assignments.some((a) => a.assessorId === f.assessorId)) return false;
  if (f.grade && gradeOf(lead) !== f.grade) return false;
  const q = f.search.trim().toLowerCase();
  if (q && !lead.customerName.toLowerCase().includes(q) && !lead.externalId.toLowerCase().includes(q)) return false;
  return true;
}

function firstResponseSec(lead: LeadDoc, attempts: readonly Attempt[], assessorId: string | null): number | null {
  const assigned = lead.assignments.filter((a) => !assessorId || a.assessorId === assessorId);
  if (!assigned.length) return null;
  const since = Math.min(...assigned.map((a) => a.assignedAt));
  const first = attempts.find(
    (a) => a.bySide === 'assessor' && a.at >= since && (!assessorId || a.assessorId === assessorId),
  );
  return first ? (first.at - since) / 1000 : null;
}

function compareLeads(sort: LeadSort): (a: LeadRow, b: LeadRow) => number {
  const tie = (a: LeadRow, b: LeadRow) => b.lead.createdAt - a.lead.createdAt || a.lead.id.localeCompare(b.lead.id);
  switch (sort) {
    case 'recent_activity':
      return (a, b) => b.lastActivityAt - a.lastActivityAt || tie(a, b);
    case 'newest':
      return tie;
    case 'oldest':
      return (a, b) => a.lead.createdAt - b.lead.createdAt || a.lead.id.localeCompare(b.lead.id);
    case 'most_attempts':
      return (a, b) => b.attempts - a.attempts || tie(a, b);
    case 'slowest_response':
      // Leads nobody has tried yet are the slowest of all.
      return (a, b) =>
        (b.firstResponseSec ?? Number.POSITIVE_INFINITY) - (a.firstResponseSec ?? Number.POSITIVE_INFINITY) ||
        tie(a, b);
    case 'quality':
      return (a, b) => GRADE_ORDER[gradeOf(a.lead)] - GRADE_ORDER[gradeOf(b.lead)] || tie(a, b);
  }
}

const ASSESSOR_VALUE: Record<Exclude<AssessorColumn, 'name'>, (p: AssessorPerformance) => number | null> = {
  assignments: (p) => p.assignments,
  attempts: (p) => p.attempts,
  contacted: (p) => p.contactRate,
  connected: (p) => p.successRate,
  booked: (p) => p.conversionRate,
  responseMedianSec: (p) => p.responseMedianSec,
  responseP90Sec: (p) => p.responseP90Sec,
};

export function sortAssessors(
  rows: readonly AssessorPerformance[],
  sort: AssessorSort,
  names: ReadonlyMap<string, string>,
): AssessorPerformance[] {
  const name = (p: AssessorPerformance) => names.get(p.assessorId) ?? p.assessorId;
  const dir = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    if (sort.column === 'name') return dir * name(a).localeCompare(name(b));
    const va = ASSESSOR_VALUE[sort.column](a);
    const vb = ASSESSOR_VALUE[sort.column](b);
    // Missing values (no assignments, nobody tried yet) always sink to the bottom.
    if (va === null && vb === null) return name(a).localeCompare(name(b));
    if (va === null) return 1;
    if (vb === null) return -1;
    return dir * (va - vb) || name(a).localeCompare(name(b));
  });
}

/** Everything the screen shows for the filters, from the documents on this device. */
export function buildContactsView(
  input: {
    leads: readonly LeadDoc[];
    calls: readonly CallDoc[];
    messages: readonly MessageDoc[];
  },
  filters: ContactFilters,
  sort: LeadSort,
): ContactsView {
  const shown = input.leads.filter((l) => matches(l, filters));
  const ids = new Set(shown.map((l) => l.id));
  const calls = input.calls.filter((c) => c.leadId !== null && ids.has(c.leadId));
  const messages = input.messages.filter((m) => m.leadId !== null && ids.has(m.leadId));
  const attemptsByLead = attemptsOf(calls, messages);
  const rows: LeadRow[] = shown.map((lead) => {
    const attempts = attemptsByLead.get(lead.id) ?? [];
    return {
      lead,
      attempts: attempts.length,
      connected: attempts.filter((a) => a.connected).length,
      lastActivityAt: attempts.length ? attempts[attempts.length - 1].at : lead.createdAt,
      firstResponseSec: firstResponseSec(lead, attempts, filters.assessorId),
    };
  });
  rows.sort(compareLeads(sort));
  let assessors = assessorPerformance([...shown], [...calls], [...messages], {
    from: filters.from,
    to: filters.to,
    district: filters.district ?? undefined,
    service: filters.service ?? undefined,
  });
  if (filters.assessorId) assessors = assessors.filter((p) => p.assessorId === filters.assessorId);
  const byGrade: Record<LeadGrade | 'ungraded', number> = { hot: 0, warm: 0, cold: 0, suspect: 0, ungraded: 0 };
  for (const l of shown) byGrade[gradeOf(l)]++;
  return {
    leads: rows,
    attemptsByLead,
    assessors,
    totals: {
      leads: shown.length,
      attempts: calls.length + messages.length,
      calls: calls.length,
      texts: messages.length,
      connectedCalls: calls.filter((c) => c.connected).length,
      byGrade,
      sandbox: shown.some((l) => l.sandbox),
    },
  };
}

const FINAL_CALL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
const FINAL_TEXT = new Set(['delivered', 'undelivered', 'failed', 'refused', 'suppressed', 'received']);

export function callOutcome(call: CallDoc): TimelineEntry['outcome'] {
  switch (call.status) {
    case 'completed':
      if (call.connected) return { label: 'Connected', tone: 'ok' };
      return call.answeredAt !== null
        ? { label: 'Answered, under the connect threshold', tone: 'neutral' }
        : { label: 'Ended before an answer', tone: 'warn' };
    case 'busy':
      return { label: 'Busy', tone: 'warn' };
    case 'no-answer':
      return { label: 'No answer', tone: 'warn' };
    case 'failed':
      return { label: 'Failed (number unreachable)', tone: 'danger' };
    case 'canceled':
      return { label: 'Caller hung up while ringing', tone: 'warn' };
    case 'in-progress':
      return { label: 'In progress', tone: 'info' };
    case 'ringing':
      return { label: 'Ringing', tone: 'info' };
    case 'queued':
      return { label: 'Starting', tone: 'info' };
  }
}

const TEXT_OUTCOMES: Record<MessageDoc['status'], TimelineEntry['outcome']> = {
  received: { label: 'Received (not passed on)', tone: 'neutral' },
  queued: { label: 'Queued', tone: 'info' },
  sending: { label: 'Sending', tone: 'info' },
  sent: { label: 'Sent', tone: 'info' },
  delivered: { label: 'Delivered', tone: 'ok' },
  undelivered: { label: 'Undelivered', tone: 'danger' },
  failed: { label: 'Failed', tone: 'danger' },
  refused: { label: 'Refused (picture only)', tone: 'warn' },
  suppressed: { label: 'Not sent (recipient texted STOP)', tone: 'warn' },
};

/** The lead's calls and texts, oldest first, with their outcome in words. */
export function leadTimeline(
  leadId: string,
  calls: readonly CallDoc[],
  messages: readonly MessageDoc[],
): TimelineEntry[] {
  const byCall = new Map(calls.filter((c) => c.leadId === leadId).map((c) => [c.id, c]));
  const byText = new Map(messages.filter((m) => m.leadId === leadId).map((m) => [m.id, m]));
  const entries: TimelineEntry[] = [];
  for (const call of byCall.values()) {
    const attempt = callAttempt(call);
    if (attempt)
      entries.push({ attempt, call, message: null, outcome: callOutcome(call), final: FINAL_CALL.has(call.status) });
  }
  for (const message of byText.values()) {
    const attempt = messageAttempt(message);
    if (!attempt) continue;
    // A relayed text is final once delivered or refused; `received` is final only when it was never relayed.
    const outcome = TEXT_OUTCOMES[message.status];
    entries.push({ attempt, call: null, message, outcome, final: FINAL_TEXT.has(message.status) });
  }
  return entries.sort((a, b) => a.attempt.at - b.attempt.at || a.attempt.id.localeCompare(b.attempt.id));
}

export interface AssignmentSummary {
  assessorId: string;
  assignedAt: number;
  poolNumber: string;
  extension: string | null;
  active: boolean;
  bookedAt: number | null;
  byAssessor: number;
  byCustomer: number;
  connected: boolean;
  firstResponseSec: number | null;
}

/** Per assignment of the lead: how each assessor and the customer used it. */
export function assignmentSummaries(lead: LeadDoc, attempts: readonly Attempt[]): AssignmentSummary[] {
  return lead.assignments.map((asg) => {
    const mine = attempts.filter((a) => a.assessorId === asg.assessorId);
    const first = mine.find((a) => a.bySide === 'assessor' && a.at >= asg.assignedAt);
    return {
      assessorId: asg.assessorId,
      assignedAt: asg.assignedAt,
      poolNumber: asg.poolNumber,
      extension: asg.extension,
      active: asg.active,
      bookedAt: asg.bookedAt,
      byAssessor: mine.filter((a) => a.bySide === 'assessor').length,
      byCustomer: mine.filter((a) => a.bySide === 'customer').length,
      connected: mine.some((a) => a.connected),
      firstResponseSec: first ? (first.at - asg.assignedAt) / 1000 : null,
    };
  });
}

export function behaviourOf(
  lead: LeadDoc,
  calls: readonly CallDoc[],
  messages: readonly MessageDoc[],
): CustomerBehaviour {
  return customerBehaviour(lead, [...calls], [...messages]);
}

/** Assessor names and tiers by id (for labels). */
export function assessorIndex(assessors: readonly AssessorDoc[]): Map<string, AssessorDoc> {
  return new Map(assessors.map((a) => [a.id, a]));
}

/** Districts, services and assessors that occur among the leads (the filters' choices). */
export function facets(leads: readonly LeadDoc[]): { districts: string[]; services: Service[]; assessorIds: string[] } {
  const districts = new Set<string>();
  const services = new Set<Service>();
  const assessorIds = new Set<string>();
  for (const l of leads) {
    districts.add(l.district);
    services.add(l.service);
    for (const a of l.assignments) assessorIds.add(a.assessorId);
  }
  return {
    districts: [...districts].sort(),
    services: [...services].sort(),
    assessorIds: [...assessorIds],
  };
}

/**
 * Units are joined by no-break spaces, so `1 s` never wraps apart.
 * `95` → `1 min 35 s`, `7200` → `2 h`, `90000` → `1 d 1 h`. `compact` drops the seconds from a minute on
 * (`95` → `1 min`), for narrow places such as list rows.
 */
export function formatDuration(sec: number | null, opts: { compact?: boolean } = {}): string {
  if (sec === null || !Number.isFinite(sec)) return '—';
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}\u00a0s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const r = s % 60;
    return r && !opts.compact ? `${m}\u00a0min ${r}\u00a0s` : `${m}\u00a0min`;
  }
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return m ? `${h}\u00a0h ${m}\u00a0min` : `${h}\u00a0h`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  return h ? `${d}\u00a0d ${h}\u00a0h` : `${d}\u00a0d`;
}

/** Talk time as a clock: `75` → `1:15`. */
export function formatTalk(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function formatRate(r: number | null): string {
  return r === null ? '—' : `${Math.round(r * 100)} %`;
}
