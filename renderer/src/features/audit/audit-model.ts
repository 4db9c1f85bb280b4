import type { AuditRow } from '../../../../shared/contracts/auth';
import { SERVICES } from '../../../../shared/schemas';
import { isRecord } from '../../../../shared/objects';
import { SERVICE_LABELS } from '../../ui/labels';

/**
 * The audit trail in people's words. The server stores each entry as an action kind, a subject id and a
 * detail object (ids, epoch times, counts) — what a program needs to prove who did what. An admin reading it
 * needs names, London dates and a sentence: "listened to the recording of the call between Zara Quill and
 * Priya Natt on 3 Dec 2026 at 14:05 (2m 14s)". Pure: names come in as lookups the screen builds from the
 * device's documents and the staff list; anything not found still reads as text, never as JSON or epoch ms.
 */

/** One entry of GET /api/audit. `actor`: an email, `apikey:<name>`, `system:<job>` or `cli[:<account>]`. */
export type AuditEntry = AuditRow;

export interface StaffRef {
  id: string;
  email: string;
  name: string;
}
export interface LeadRef {
  id: string;
  externalId: string;
  customerName: string;
  district: string;
}
export interface CallRef {
  id: string;
  leadId: string | null;
  assessorId: string | null;
  startedAt: number;
  durationSec: number | null;
  district: string | null;
}
export interface AssessorRef {
  id: string;
  name: string;
}

/** What the screen knows about the ids an entry mentions (any of them may be missing: erased, not synced). */
export interface AuditNames {
  staff: ReadonlyMap<string, StaffRef>;
  leads: ReadonlyMap<string, LeadRef>;
  calls: ReadonlyMap<string, CallRef>;
  assessors: ReadonlyMap<string, AssessorRef>;
}

export const NO_NAMES: AuditNames = { staff: new Map(), leads: new Map(), calls: new Map(), assessors: new Map() };

export interface AuditLine {
  when: string;
  who: string;
  /** One sentence, starting with a verb ("listened to …"). */
  what: string;
}

// ───────────────────────────── small formats ─────────────────────────────

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

/** `3 Dec 2026, 14:05` in London time (GMT or BST), whatever the device's own zone. */
export function londonDateTime(ms: number): string {
  return LONDON.format(ms);
}

/** `3 Dec 2026 at 14:05` (London), for inside a sentence. */
function londonInSentence(ms: number): string {
  return `${LONDON_PARTS.format(ms)} at ${LONDON_TIME.format(ms)}`;
}

/** `2m 14s`, `45s`, `1h 3m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

function pence(p: number): string {
  return `£${(p / 100).toFixed(p % 100 === 0 ? 0 : 2)}`;
}

/** `responseMedianMin` → `response median min`. */
function words(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .toLowerCase();
}

function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 10)}…` : id;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

// ───────────────────────────── references ─────────────────────────────

/** The person or process behind an entry. */
export function describeActor(actor: string, names: AuditNames): string {
  const person = [...names.staff.values()].find((s) => s.email === actor);
  if (person) return person.name && person.name !== person.email ? `${person.name} (${person.email})` : person.email;
  if (actor.startsWith('apikey:')) return `Marketplace API (key “${actor.slice(7)}”)`;
  if (actor.startsWith('system:')) return `Ringside (automatic ${words(actor.slice(7))})`;
  if (actor === 'cli') return 'Command line';
  if (actor.startsWith('cli:')) return `Command line (${actor.slice(4)})`;
  return actor;
}

export function staffRef(id: string | null, names: AuditNames): string {
  const s = id ? names.staff.get(id) : undefined;
  if (!s) return `a staff account${id ? ` (${shortId(id)})` : ''}`;
  return s.name && s.name !== s.email ? `${s.name} (${s.email})` : s.email;
}

export function assessorRef(id: string | null, names: AuditNames): string {
  if (!id) return 'an assessor';
  return names.assessors.get(id)?.name ?? `assessor ${shortId(id)}`;
}

/** `lead “Zara Quill” (W1, ref mk-123)`. */
export function leadRef(id: string | null, names: AuditNames): string {
  if (!id) return 'a lead';
  const lead = names.leads.get(id);
  if (!lead) return `a lead not on this device (${shortId(id)})`;
  return `lead “${lead.customerName}” (${lead.district}, ref ${lead.externalId})`;
}

/** `the call between Zara Quill and Priya Natt on 3 Dec 2026 at 14:05`. */
export function callRef(id: string | null, names: AuditNames): string {
  if (!id) return 'a call';
  const call = names.calls.get(id);
  if (!call) return `a call not on this device (${shortId(id)})`;
  const customer = call.leadId ? names.leads.get(call.leadId)?.customerName : undefined;
  const assessor = call.assessorId ? names.assessors.get(call.assessorId)?.name : undefined;
  const when = londonInSentence(call.startedAt);
  if (customer && assessor) return `the call between ${customer} and ${assessor} on ${when}`;
  if (customer || assessor) return `the call with ${customer ?? assessor} on ${when}`;
  return `the call${call.district ? ` in ${call.district}` : ''} on ${when}`;
}

function subjectRef(type: string, id: string | null, names: AuditNames): string {
  switch (type) {
    case 'call':
      return callRef(id, names);
    case 'lead':
      return leadRef(id, names);
    case 'assessor':
      return assessorRef(id, names);
    case 'area': {
      // Pricing entries name an area as `district:service`.
      const [district, service] = (id ?? '').split(':');
      const known = SERVICES.find((s) => s === service);
      const label = known ? SERVICE_LABELS[known] : service ? words(service) : 'every service';
      return district ? `${label} in ${district}` : 'an area';
    }
    case 'user':
      return id && names.staff.has(id) ? `the account of ${staffRef(id, names)}` : staffRef(id, names);
    default:
      return id ? `${words(type)} ${shortId(id)}` : words(type);
  }
}

// ───────────────────────────── detail values ─────────────────────────────

/** Reads any detail value as text: ids as names, times as London dates, money as pounds; never JSON. */
export function describeValue(key: string, value: unknown, names: AuditNames): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    const singular = key.replace(/s$/, '');
    return value.map((v) => describeValue(singular, v, names)).join(', ');
  }
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${words(k)} ${describeValue(k, v, names)}`)
      .join(', ');
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (/pence$/i.test(key)) return pence(value);
    // Epoch milliseconds (keys such as bookedAt) as a London date; small numbers stay numbers.
    if (/(At|Ms|Time)$/.test(key) && value > 1e11) return londonDateTime(value);
    return value.toLocaleString('en-GB');
  }
  const text = String(value);
  if (/At$/.test(key) && /^\d{4}-\d\d-\d\dT/.test(text) && !Number.isNaN(Date.parse(text)))
    return londonDateTime(Date.parse(text));
  if (/^(call|callSid|callId)$/i.test(key)) return callRef(text, names);
  if (/^(lead|leadId)$/i.test(key)) return leadRef(text, names);
  if (/^(assessor|assessorId)$/i.test(key)) return assessorRef(text, names);
  if (/^(user|userId)$/i.test(key)) return staffRef(text, names);
  return text;
}

/** `key: value` pairs for entries the table below does not know, readable and free of JSON. */
export function describeDetail(detail: Record<string, unknown>, names: AuditNames): string {
  return Object.entries(detail)
    .map(([k, v]) => `${words(k)}: ${describeValue(k, v, names)}`)
    .join('; ');
}

// ───────────────────────────── counts (erasure, retention) ─────────────────────────────

/** How each count of an erasure or a retention sweep reads, in the order staff care about. */
const COUNT_WORDS: ReadonlyArray<readonly [key: string, one: string, many?: string]> = [
  ['recordings', 'recording'],
  ['recordingsDeleted', 'recording'],
  ['insights', 'transcript and analysis', 'transcripts and analyses'],
  ['insightsScrubbed', 'transcript', 'transcripts'],
  ['messages', 'message body', 'message bodies'],
  ['messageBodiesScrubbed', 'message body', 'message bodies'],
  ['reviews', 'reviewer note', 'reviewer notes'],
  ['clips', 'clip'],
  ['clipsExpired', 'course clip'],
  ['clipsWithRecording', 'clip of a removed recording', 'clips of removed recordings'],
  ['courses', 'course changed', 'courses changed'],
  ['calls', 'call made anonymous', 'calls made anonymous'],
  ['leads', 'lead made anonymous', 'leads made anonymous'],
  ['sessions', 'number session closed', 'number sessions closed'],
  ['jobs', 'job emptied', 'jobs emptied'],
];

/** `2 recordings, 2 transcripts and analyses, 1 message body` (zero counts left out). */
export function describeCounts(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, one, many] of COUNT_WORDS) {
    const n = num(detail[key]);
    if (n) parts.push(plural(n, one, many));
  }
  return parts.length ? parts.join(', ') : 'nothing';
}

// ───────────────────────────── the sentences ─────────────────────────────

/** How an erasure or export named its person (`kind` in its detail): never the number or the name itself. */
function subjectWords(kind: unknown, article = true): string {
  if (kind === 'assessor') return article ? 'an assessor' : 'assessor';
  if (kind === 'lead') return article ? "a lead's customer" : 'lead';
  return article ? 'a phone number' : 'phone number';
}

interface Ctx {
  e: AuditEntry;
  d: Record<string, unknown>;
  names: AuditNames;
  subject: string;
}

/**
 * One sentence per action kind the server writes (grep `action:` under sync-server/src). Kinds not here fall
 * back to their name and a key: value list, so a new kind is readable before it gets its own sentence.
 */
const SENTENCES: Record<string, (c: Ctx) => string> = {
  'auth.login': () => 'signed in',
  'user.create': ({ d, subject }) => `created ${subject}${str(d.role) ? ` with the ${str(d.role)} role` : ''}`,
  'user.revoke': ({ subject }) => `revoked ${subject} and signed it out everywhere`,
  'recording.listen': ({ e, d, names, subject }) => {
    const call = e.subjectId ? names.calls.get(e.subjectId) : undefined;
    const length = call?.durationSec ? ` (${formatDuration(call.durationSec)})` : '';
    const why = d.purpose === 'offline' ? ' to keep it for offline review' : '';
    return `listened to the recording of ${subject}${length}${why}`;
  },
  'recording.download': ({ d, subject }) =>
    `downloaded the recording of ${subject}${d.format === 'mp3' ? ' as MP3' : d.format === 'wav' ? ' as the original WAV' : ''}`,
  'recording.stop': ({ subject }) => `stopped the recording of ${subject} while it was in progress`,
  'recording.delete': ({ d, subject }) => {
    const n = Array.isArray(d.recordings) ? d.recordings.length : 0;
    return `deleted ${n > 1 ? `${n} recordings` : 'the recording'} of ${subject}`;
  },
  'lead.phone_reveal': ({ subject }) => `revealed the phone number of ${subject}`,
  'lead.create': ({ d, subject }) => {
    const n = num(d.assessors);
    return `created ${subject}${n !== null ? ` for ${plural(n, 'assessor')}` : ''}`;
  },
  'lead.assign': ({ d, names, subject }) =>
    `assigned ${subject} to ${Array.isArray(d.assessors) && d.assessors.length ? d.assessors.map((a) => assessorRef(String(a), names)).join(', ') : 'no assessors'}`,
  'lead.booking': ({ d, names, subject }) => {
    const at = num(d.bookedAt);
    const value = num(d.valuePence);
    return `recorded a booking on ${subject} with ${assessorRef(str(d.assessorId), names)}${at ? ` for ${londonInSentence(at)}` : ''}${value !== null ? ` worth ${pence(value)}` : ''}`;
  },
  'lead.close': ({ d, subject }) => `closed ${subject}${str(d.reason) ? ` (reason: ${str(d.reason)})` : ''}`,
  'assessor.create': ({ subject }) => `added ${subject} as an assessor`,
  'assessor.update': ({ d, subject }) => {
    const fields = Array.isArray(d.fields) ? d.fields.map((f) => words(String(f))) : [];
    return `changed ${fields.length ? fields.join(', ') : 'the details'} of ${subject}`;
  },
  'tier.approve': ({ d, subject }) =>
    `changed the tier of ${subject} from ${tierName(d.fromTier)} to ${tierName(d.toTier)} (approved a proposal)${noteOf(d)}`,
  'tier.reject': ({ d, subject }) =>
    `rejected the proposed tier change of ${subject} from ${tierName(d.fromTier)} to ${tierName(d.toTier)}${noteOf(d)}`,
  'tiers.propose': ({ d }) => {
    const n = Array.isArray(d.proposed) ? d.proposed.length : 0;
    return `proposed ${plural(n, 'tier change')}${num(d.windowDays) ? ` from the last ${plural(num(d.windowDays)!, 'day')}` : ''}`;
  },
  'pricing.override.create': ({ d, subject }) => {
    const price = num(d.pricePence);
    const from = num(d.validFrom);
    const to = num(d.validTo);
    return `set the price of ${subject} to ${price !== null ? pence(price) : 'a new price'}${from ? ` from ${londonInSentence(from)}` : ''}${to ? ` until ${londonInSentence(to)}` : ''}${str(d.reason) ? ` (reason: ${str(d.reason)})` : ''}`;
  },
  'pricing.override.revoke': ({ d, subject }) =>
    `withdrew the price override for ${subject}${str(d.reason) ? ` (reason: ${str(d.reason)})` : ''}`,
  'erasure.phone': ({ d }) =>
    d.found === false
      ? 'asked to erase a phone number: no one with that number, nothing changed'
      : `erased one person's data by phone number: ${describeCounts(d)}`,
  'erasure.preview': ({ d }) =>
    d.found === false
      ? d.kind === undefined || d.kind === 'phone'
        ? 'checked a phone number for erasure: no one with that number'
        : `checked ${subjectWords(d.kind)} for erasure: no one found`
      : `previewed an erasure by ${subjectWords(d.kind, false)} (would remove ${describeCounts(d)})`,
  'erasure.assessor': ({ d }) =>
    d.found === false
      ? 'asked to erase an assessor: no such assessor, nothing changed'
      : `erased an assessor's data: ${describeCounts(d)}`,
  'erasure.lead': ({ d }) =>
    d.found === false
      ? "asked to erase a lead's customer: no such lead, nothing changed"
      : `erased the data of a lead's customer: ${describeCounts(d)}`,
  'privacy.export': ({ d }) =>
    d.found === false
      ? `asked for a copy of the data held on ${subjectWords(d.kind)}: no one found, nothing exported`
      : `exported a copy of the data held on ${subjectWords(d.kind)} (${describeCounts(d)})`,
  'retention.sweep': ({ d }) => `ran the retention sweep: removed ${describeCounts(d)}`,
  'analysis.retry': ({ d, subject }) =>
    `analysed ${subject} again${d.retranscribe === true ? ', transcribing it afresh' : ''}`,
  'analysis.rerun': ({ d }) => {
    const n = num(d.matched);
    return `re-ran analysis over ${n !== null ? plural(n, 'call') : 'a selection of calls'}`;
  },
  'analysis.job.retry': ({ e }) => `retried failed analysis job ${e.subjectId ?? ''}`.trim(),
  'recording.job.retry': ({ d, e }) =>
    `retried failed ${str(d.kind) ? words(str(d.kind)!) : 'recording'} job ${e.subjectId ?? ''}`.trim(),
};

function tierName(v: unknown): string {
  const t = str(v);
  return t ? t.charAt(0).toUpperCase() + t.slice(1) : 'no tier';
}

function noteOf(d: Record<string, unknown>): string {
  return str(d.note) ? ` — “${str(d.note)}”` : '';
}

/** Short names of the action kinds, for the filter. */
export const ACTION_LABELS: Readonly<Record<string, string>> = {
  'auth.login': 'Sign-ins',
  'recording.listen': 'Recording listens',
  'recording.download': 'Recording downloads',
  'lead.phone_reveal': 'Phone number reveals',
  'erasure.phone': 'Erasures',
  'erasure.preview': 'Erasure previews',
  'erasure.assessor': 'Erasures of assessors',
  'erasure.lead': "Erasures of leads' customers",
  'privacy.export': 'Copies of personal data',
  'retention.sweep': 'Retention sweeps',
  'recording.stop': 'Recordings stopped',
  'recording.delete': 'Recordings deleted',
  'user.create': 'Accounts created',
  'user.revoke': 'Accounts revoked',
  'lead.create': 'Leads created',
  'lead.assign': 'Leads assigned',
  'lead.booking': 'Bookings',
  'lead.close': 'Leads closed',
  'assessor.create': 'Assessors added',
  'assessor.update': 'Assessors changed',
  'tier.approve': 'Tier changes',
  'tier.reject': 'Tier changes rejected',
  'tiers.propose': 'Tier proposals',
  'pricing.override.create': 'Price overrides',
  'pricing.override.revoke': 'Price overrides withdrawn',
  'analysis.retry': 'Call analysed again',
  'analysis.rerun': 'Analysis re-runs',
  'analysis.job.retry': 'Analysis jobs retried',
  'recording.job.retry': 'Recording jobs retried',
  'telephony.job.retry': 'Telephony jobs retried',
};

/** Whether the action has its own sentence (the rest fall back to a key: value list). */
export function hasSentence(action: string): boolean {
  return action in SENTENCES;
}

export function describeAction(e: AuditEntry, names: AuditNames): string {
  const subject = subjectRef(e.subjectType, e.subjectId, names);
  const sentence = SENTENCES[e.action];
  if (sentence) return sentence({ e, d: e.detail ?? {}, names, subject });
  // Job families grow (background-jobs.ts writes `${family}.job.retry`): each reads like the known ones.
  const family = /^([a-z_]+)\.job\.retry$/.exec(e.action);
  if (family) {
    const kind = str(e.detail?.kind);
    return `retried failed ${kind ? words(kind) : words(family[1])} job ${e.subjectId ?? ''}`.trim();
  }
  const detail = e.detail && Object.keys(e.detail).length ? ` — ${describeDetail(e.detail, names)}` : '';
  const on = e.subjectType && e.subjectType !== 'system' ? ` on ${subject}` : '';
  return `${words(e.action)}${on}${detail}`;
}

export function describeEntry(e: AuditEntry, names: AuditNames): AuditLine {
  const at = Date.parse(e.at);
  return {
    when: Number.isNaN(at) ? e.at : londonDateTime(at),
    who: describeActor(e.actor, names),
    what: describeAction(e, names),
  };
}

/** The ids an entry mentions, so the screen can look up just those documents. */
export function referencedIds(entries: readonly AuditEntry[]): {
  calls: string[];
  leads: string[];
  assessors: string[];
} {
  const calls = new Set<string>();
  const leads = new Set<string>();
  const assessors = new Set<string>();
  for (const e of entries) {
    if (e.subjectId && e.subjectType === 'call') calls.add(e.subjectId);
    if (e.subjectId && e.subjectType === 'lead') leads.add(e.subjectId);
    if (e.subjectId && e.subjectType === 'assessor') assessors.add(e.subjectId);
    const d = e.detail ?? {};
    for (const [k, v] of Object.entries(d)) {
      const values = Array.isArray(v) ? v : [v];
      for (const x of values) {
        if (typeof x !== 'string') continue;
        if (/^(callId|callSid)$/.test(k)) calls.add(x);
        if (k === 'leadId') leads.add(x);
        if (k === 'assessorId' || (k === 'assessors' && e.action === 'lead.assign')) assessors.add(x);
      }
    }
  }
  return { calls: [...calls].sort(), leads: [...leads].sort(), assessors: [...assessors].sort() };
}
