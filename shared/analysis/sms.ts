import { z } from 'zod';
import type { CallDirection } from '../schemas/collections';

/**
 * Text message analysis: features of each message, reply speed both ways and the follow-up sequence of one
 * assignment (lead × assessor), and the aggregate report of which sequences and patterns come before a
 * booking, by service and district. Pure functions over plain data; the server feeds them the replicated
 * message, call and lead documents.
 */
export const SMS_ANALYSER_VERSION = 'sms-1.0.0';

export const MessageFeatures = z.object({
  chars: z.number().int().min(0),
  words: z.number().int().min(0),
  questions: z.number().int().min(0),
  callToAction: z.boolean(),
  tone: z.enum(['positive', 'neutral', 'negative']),
  mentionsPrice: z.boolean(),
  mentionsTime: z.boolean(),
  greetsByName: z.boolean(),
  introducesSelf: z.boolean(),
  hasLink: z.boolean(),
});
export type MessageFeatures = z.infer<typeof MessageFeatures>;

const CTA =
  /\b(call me|give (me|us) a (call|ring|bell)|ring me|let me know|reply|text (me |us )?back|book|what time|when (is|would|are|works|suits)|are you (free|around|available)|can i (come|pop|call)|shall i|would you like|click|tap|confirm)\b/i;
const POSITIVE =
  /\b(thanks|thank you|great|brilliant|perfect|lovely|happy to|pleased|cheers|fantastic|no problem|sounds good|excellent|appreciate)\b/i;
const NEGATIVE =
  /\b(unfortunately|sorry|can't|cannot|won't|not interested|stop|too expensive|disappointed|annoyed|complain|waste|rude|never)\b/i;
const PRICE = /£\s?\d|\b(price|quote|cost|fee|charge|pounds|discount|deal|offer)\b/i;
const TIME =
  /\b(today|tomorrow|tonight|morning|afternoon|evening|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|\d{1,2}(:\d{2})?\s?(am|pm)|o'clock|asap)\b/i;

export function messageFeatures(body: string): MessageFeatures {
  const text = body.trim();
  const words = text ? text.split(/\s+/).length : 0;
  const pos = POSITIVE.test(text);
  const neg = NEGATIVE.test(text);
  return {
    chars: text.length,
    words,
    questions: (text.match(/\?/g) ?? []).length,
    callToAction: CTA.test(text),
    tone: pos && !neg ? 'positive' : neg && !pos ? 'negative' : 'neutral',
    mentionsPrice: PRICE.test(text),
    mentionsTime: TIME.test(text),
    greetsByName:
      /^([Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Mm]orning|[Aa]fternoon|[Gg]ood (morning|afternoon|evening))\s+[A-Z][a-z]+/.test(
        text,
      ),
    introducesSelf: /\b([Ii]t's|[Ii]t is|[Tt]his is|[Mm]y name is|I'm)\s+[A-Z][a-z]+\b|\bfrom [A-Z][A-Za-z]+/.test(
      text,
    ),
    hasLink: /https?:\/\/|www\./i.test(text),
  };
}

// ───────────────────────────── one assignment ─────────────────────────────

export interface SmsInput {
  id: string;
  direction: CallDirection | null;
  body: string | null;
  sentAt: number;
  status: string;
}
export interface CallInput {
  id: string;
  direction: CallDirection | null;
  startedAt: number;
  connected: boolean;
}
export interface AssignmentInput {
  leadId: string;
  assessorId: string;
  service: string;
  district: string;
  assignedAt: number;
  bookedAt: number | null;
}

export const SEQUENCE_STEPS = [
  'assessor-sms',
  'assessor-call-missed',
  'assessor-call-connected',
  'customer-sms',
  'customer-call-missed',
  'customer-call-connected',
] as const;
export type SequenceStep = (typeof SEQUENCE_STEPS)[number];

export interface ReplyStats {
  count: number;
  medianSec: number | null;
  p90Sec: number | null;
  /** Messages from the other side that got no reply by text. */
  unanswered: number;
}

export interface AssignmentSmsAnalysis {
  version: string;
  leadId: string;
  assessorId: string;
  service: string;
  district: string;
  booked: boolean;
  messages: { assessor: number; customer: number };
  /** How fast the assessor answers the customer's texts, and the customer the assessor's. */
  assessorReply: ReplyStats;
  customerReply: ReplyStats;
  /** Seconds from assignment to the assessor's first text, or null if they never texted. */
  firstAssessorSmsSec: number | null;
  /** Contact steps in time order up to the booking (or all of them when none). */
  sequence: SequenceStep[];
  /** Boolean patterns used by the aggregate report. */
  patterns: string[];
  /** Averages of the assessor's message features. */
  assessorStyle: {
    meanChars: number | null;
    questionRate: number | null;
    callToActionRate: number | null;
    positiveRate: number | null;
    mentionsPriceRate: number | null;
    mentionsTimeRate: number | null;
    greetsByNameRate: number | null;
  };
  perMessage: Array<{ id: string; from: 'assessor' | 'customer'; sentAt: number; features: MessageFeatures }>;
}

const fromOf = (d: CallDirection | null): 'assessor' | 'customer' | null =>
  d === 'assessor_to_customer' ? 'assessor' : d === 'customer_to_assessor' ? 'customer' : null;

export function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx];
}

function replyStats(delays: number[], unanswered: number): ReplyStats {
  const sorted = [...delays].sort((a, b) => a - b);
  return { count: sorted.length, medianSec: quantile(sorted, 0.5), p90Sec: quantile(sorted, 0.9), unanswered };
}

const rate = (xs: boolean[]) => (xs.length ? xs.filter(Boolean).length / xs.length : null);

/** The text-message analysis of one assignment. Message bodies that were erased (null) count without features. */
export function analyseAssignmentSms(
  assignment: AssignmentInput,
  messages: SmsInput[],
  calls: CallInput[],
): AssignmentSmsAnalysis {
  const msgs = messages
    .filter((m) => fromOf(m.direction) && !['failed', 'undelivered', 'refused', 'suppressed'].includes(m.status))
    .sort((a, b) => a.sentAt - b.sentAt || a.id.localeCompare(b.id));
  const perMessage: AssignmentSmsAnalysis['perMessage'] = [];
  const assessorDelays: number[] = [];
  const customerDelays: number[] = [];
  let pendingFrom: { from: 'assessor' | 'customer'; at: number } | null = null;
  let unansweredByAssessor = 0;
  let unansweredByCustomer = 0;
  for (const m of msgs) {
    const from = fromOf(m.direction)!;
    if (m.body !== null) perMessage.push({ id: m.id, from, sentAt: m.sentAt, features: messageFeatures(m.body) });
    // A reply is the first message from the other side after one or more messages from this side.
    if (pendingFrom && pendingFrom.from !== from) {
      const delay = Math.max(0, (m.sentAt - pendingFrom.at) / 1000);
      (from === 'assessor' ? assessorDelays : customerDelays).push(delay);
      pendingFrom = { from, at: m.sentAt };
    } else if (!pendingFrom) {
      pendingFrom = { from, at: m.sentAt };
    }
  }
  if (pendingFrom?.from === 'customer') unansweredByAssessor++;
  if (pendingFrom?.from === 'assessor') unansweredByCustomer++;

  const cutoff = assignment.bookedAt ?? Number.POSITIVE_INFINITY;
  const events: Array<{ at: number; step: SequenceStep }> = [];
  for (const m of msgs) {
    if (m.sentAt <= cutoff)
      events.push({ at: m.sentAt, step: fromOf(m.direction) === 'assessor' ? 'assessor-sms' : 'customer-sms' });
  }
  for (const c of calls) {
    const from = fromOf(c.direction);
    if (!from || c.startedAt > cutoff) continue;
    events.push({ at: c.startedAt, step: `${from}-call-${c.connected ? 'connected' : 'missed'}` as SequenceStep });
  }
  events.sort((a, b) => a.at - b.at);
  const sequence = events.map((e) => e.step);

  const assessorMsgs = perMessage.filter((m) => m.from === 'assessor');
  const firstAssessorSms = msgs.find((m) => fromOf(m.direction) === 'assessor');
  const firstAssessorSmsSec = firstAssessorSms
    ? Math.max(0, (firstAssessorSms.sentAt - assignment.assignedAt) / 1000)
    : null;
  const aReply = replyStats(assessorDelays, unansweredByAssessor);

  const patterns: string[] = [];
  const firstAssessorStep = sequence.find((s) => s.startsWith('assessor-'));
  if (firstAssessorStep) patterns.push(`first assessor contact: ${firstAssessorStep.replace('assessor-', '')}`);
  else patterns.push('assessor never made contact');
  if (sequence[0]?.startsWith('customer-')) patterns.push('customer reached out first');
  if (firstAssessorSmsSec !== null) {
    patterns.push(
      firstAssessorSmsSec <= 300
        ? 'first text within 5 minutes'
        : firstAssessorSmsSec <= 3600
          ? 'first text within an hour'
          : 'first text after an hour',
    );
  }
  if (sequence.some((s, i) => s === 'assessor-call-missed' && sequence[i + 1] === 'assessor-sms'))
    patterns.push('text after a missed call');
  if (aReply.medianSec !== null)
    patterns.push(
      aReply.medianSec <= 600 ? 'assessor replies within 10 minutes' : 'assessor replies slower than 10 minutes',
    );
  if (assessorMsgs.some((m) => m.features.questions > 0)) patterns.push('assessor asks a question by text');
  if (assessorMsgs.some((m) => m.features.callToAction)) patterns.push('assessor text has a call to action');
  if (assessorMsgs.some((m) => m.features.mentionsTime)) patterns.push('assessor text proposes a time');
  if (assessorMsgs.some((m) => m.features.mentionsPrice)) patterns.push('assessor text mentions price');
  const assessorSmsCount = sequence.filter((s) => s === 'assessor-sms').length;
  if (assessorSmsCount >= 3) patterns.push('three or more follow-up texts');

  return {
    version: SMS_ANALYSER_VERSION,
    leadId: assignment.leadId,
    assessorId: assignment.assessorId,
    service: assignment.service,
    district: assignment.district,
    booked: assignment.bookedAt !== null,
    messages: {
      assessor: msgs.filter((m) => fromOf(m.direction) === 'assessor').length,
      customer: msgs.filter((m) => fromOf(m.direction) === 'customer').length,
    },
    assessorReply: aReply,
    customerReply: replyStats(customerDelays, unansweredByCustomer),
    firstAssessorSmsSec,
    sequence,
    patterns,
    assessorStyle: {
      meanChars: assessorMsgs.length
        ? assessorMsgs.reduce((a, m) => a + m.features.chars, 0) / assessorMsgs.length
        : null,
      questionRate: rate(assessorMsgs.map((m) => m.features.questions > 0)),
      callToActionRate: rate(assessorMsgs.map((m) => m.features.callToAction)),
      positiveRate: rate(assessorMsgs.map((m) => m.features.tone === 'positive')),
      mentionsPriceRate: rate(assessorMsgs.map((m) => m.features.mentionsPrice)),
      mentionsTimeRate: rate(assessorMsgs.map((m) => m.features.mentionsTime)),
      greetsByNameRate: rate(assessorMsgs.map((m) => m.features.greetsByName)),
    },
    perMessage,
  };
}

// ───────────────────────────── aggregate report ─────────────────────────────

export interface PatternRow {
  service: string;
  district: string;
  /** A sequence prefix ("assessor-call-missed → assessor-sms") or a pattern ("text after a missed call"). */
  pattern: string;
  kind: 'sequence' | 'pattern';
  assignments: number;
  booked: number;
  bookingRate: number;
  /** Booking rate of all assignments in the same service and district, to compare against. */
  baselineRate: number;
  /** bookingRate / baselineRate (null when the baseline is 0). */
  lift: number | null;
}

export interface SmsPatternReport {
  version: string;
  minSupport: number;
  groups: Array<{ service: string; district: string; assignments: number; booked: number; bookingRate: number }>;
  rows: PatternRow[];
}

/** The first `n` steps of a sequence, collapsing immediate repeats ("sms, sms, sms" reads as one step). */
export function sequencePrefix(sequence: SequenceStep[], n = 3): string {
  const collapsed: SequenceStep[] = [];
  for (const s of sequence) if (collapsed[collapsed.length - 1] !== s) collapsed.push(s);
  return collapsed.slice(0, n).join(' → ') || '(no contact)';
}

/**
 * Which sequences and patterns come before a booking, per service and district (and across all districts of
 * a service as district "*"). Rows with fewer than `minSupport` assignments are left out: a rate over two
 * assignments says nothing.
 */
export function smsPatternReport(
  analyses: AssignmentSmsAnalysis[],
  opts: { minSupport?: number; prefixSteps?: number } = {},
): SmsPatternReport {
  const minSupport = opts.minSupport ?? 5;
  const groupKey = (service: string, district: string) => `${service}\u0000${district}`;
  const groups = new Map<string, { service: string; district: string; assignments: number; booked: number }>();
  const rows = new Map<string, Omit<PatternRow, 'bookingRate' | 'baselineRate' | 'lift'>>();
  const add = (service: string, district: string, kind: PatternRow['kind'], pattern: string, booked: boolean) => {
    const key = `${groupKey(service, district)}\u0000${kind}\u0000${pattern}`;
    const row = rows.get(key) ?? { service, district, pattern, kind, assignments: 0, booked: 0 };
    row.assignments++;
    if (booked) row.booked++;
    rows.set(key, row);
  };
  for (const a of analyses) {
    for (const district of [a.district, '*']) {
      const g = groups.get(groupKey(a.service, district)) ?? {
        service: a.service,
        district,
        assignments: 0,
        booked: 0,
      };
      g.assignments++;
      if (a.booked) g.booked++;
      groups.set(groupKey(a.service, district), g);
      add(a.service, district, 'sequence', sequencePrefix(a.sequence, opts.prefixSteps ?? 3), a.booked);
      for (const p of new Set(a.patterns)) add(a.service, district, 'pattern', p, a.booked);
    }
  }
  const out: PatternRow[] = [];
  for (const row of rows.values()) {
    if (row.assignments < minSupport) continue;
    const g = groups.get(groupKey(row.service, row.district))!;
    const baselineRate = g.booked / g.assignments;
    const bookingRate = row.booked / row.assignments;
    out.push({ ...row, bookingRate, baselineRate, lift: baselineRate > 0 ? bookingRate / baselineRate : null });
  }
  out.sort(
    (a, b) =>
      a.service.localeCompare(b.service) ||
      a.district.localeCompare(b.district) ||
      b.bookingRate - a.bookingRate ||
      b.assignments - a.assignments ||
      a.pattern.localeCompare(b.pattern),
  );
  return {
    version: SMS_ANALYSER_VERSION,
    minSupport,
    groups: [...groups.values()]
      .map((g) => ({ ...g, bookingRate: g.booked / g.assignments }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.district.localeCompare(b.district)),
    rows: out,
  };
}
