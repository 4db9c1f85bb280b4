import type { ErasureReport, RetentionReport, RetentionSettings } from '../../../../shared/contracts/privacy';
import type { SubjectBody } from '../../../../shared/contracts/subject-access';
import { formatNational, parseUkPhone } from '../../../../shared/phone';

/**
 * The Privacy screen's wording and checks (retention: GET /api/retention, POST /api/retention/run; erasure:
 * POST /api/erasure with and without dryRun). Pure, so what an admin is told before and after removing data
 * is tested without a browser.
 */
/** The answers' shapes are the route contracts' (shared/contracts/privacy.ts), never written again here. */
export type { ErasureReport, RetentionReport, RetentionSettings } from '../../../../shared/contracts/privacy';

export interface CountRow {
  id: string;
  label: string;
  count: number;
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const LONDON_DAY = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

export function londonDateTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '—' : LONDON.format(ms);
}

function londonDay(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '—' : LONDON_DAY.format(ms);
}

function days(n: number): string {
  if (n % 365 === 0) return `${n / 365} ${n === 365 ? 'year' : 'years'} (${n.toLocaleString('en-GB')} days)`;
  return `${n.toLocaleString('en-GB')} ${n === 1 ? 'day' : 'days'}`;
}

/** The periods in force, each with the date before which things go. */
export function retentionPeriods(
  s: RetentionSettings,
): Array<{ id: string; what: string; kept: string; before: string }> {
  return [
    {
      id: 'recordings',
      what: 'Call recordings (with their waveforms)',
      kept: days(s.periods.recordingDays),
      before: londonDay(s.cutoffs.recordings),
    },
    {
      id: 'transcripts',
      what: 'Transcripts, quotes in analyses and text message bodies',
      kept: days(s.periods.transcriptDays),
      before: londonDay(s.cutoffs.transcripts),
    },
    {
      id: 'clips',
      what: 'Clips used in training courses',
      kept: days(s.periods.clipDays),
      before: londonDay(s.cutoffs.clips),
    },
  ];
}

/** What a sweep removes or would remove; zero rows are kept so "nothing" is visible per kind. */
export function retentionRows(r: RetentionReport): CountRow[] {
  return [
    { id: 'recordings', label: 'Recordings', count: r.recordingsDeleted },
    { id: 'clips-expired', label: 'Course clips past their period', count: r.clipsExpired },
    { id: 'clips-with-recording', label: 'Clips of removed recordings', count: r.clipsWithRecording },
    { id: 'transcripts', label: 'Transcripts and analysis quotes', count: r.insightsScrubbed },
    { id: 'messages', label: 'Text message bodies', count: r.messageBodiesScrubbed },
  ];
}

export function retentionSummary(r: RetentionReport): string {
  const total = retentionRows(r).reduce((n, row) => n + row.count, 0);
  if (r.dryRun) return total === 0 ? 'Nothing is past its retention period.' : 'A sweep now would remove:';
  const failures = r.mediaPurgeFailures
    ? ` ${r.mediaPurgeFailures.toLocaleString('en-GB')} stored ${r.mediaPurgeFailures === 1 ? 'file' : 'files'} could not be removed yet and will be retried.`
    : '';
  return total === 0 ? `The sweep found nothing to remove.${failures}` : `The sweep removed:${failures}`;
}

/** What an erasure removes or would remove: personal data first, then what is made anonymous. */
export function erasureRows(r: ErasureReport): CountRow[] {
  return [
    { id: 'recordings', label: 'Call recordings deleted (here and at Twilio)', count: r.recordings },
    { id: 'insights', label: 'Transcripts and analyses deleted', count: r.insights },
    { id: 'messages', label: 'Text message bodies emptied', count: r.messages },
    { id: 'reviews', label: 'Reviewer notes on their calls emptied (scores kept)', count: r.reviews },
    { id: 'clips', label: 'Training clips of their calls deleted', count: r.clips },
    { id: 'courses', label: 'Courses losing those clips', count: r.courses },
    { id: 'calls', label: 'Calls kept only as anonymous times and outcomes', count: r.calls },
    { id: 'leads', label: 'Leads losing name, number and full postcode', count: r.leads },
    { id: 'sessions', label: 'Number assignments closed', count: r.sessions },
    { id: 'jobs', label: 'Finished background jobs emptied', count: r.jobs },
  ];
}

/** The number as staff write it, from the server's E.164 answer. */
export function displayPhone(e164: string): string {
  return formatNational(e164);
}

/**
 * Whether the number typed to confirm is the previewed one, however it is written (`07700 900123`,
 * `+44 7700 900123`). Numbers abroad (which the server also accepts) are compared digit for digit.
 */
export function samePhone(typed: string, e164: string): boolean {
  const uk = parseUkPhone(typed);
  if (uk.ok) return uk.e164 === e164;
  const digits = typed.replace(/^\s*00/, '+').replace(/[^\d+]/g, '');
  return digits === e164;
}

/** What an erasure's failure means to the admin. */
export function erasureProblem(code: string | null, fallback: string): string {
  switch (code) {
    case 'UNKNOWN_PHONE':
      return 'No one with that number: no lead, call, text or job has it. Nothing was changed.';
    case 'INVALID_PHONE':
      return 'That is not a phone number. Write it as 07700 900123 or +44 7700 900123.';
    case 'VALIDATION_FAILED':
      return 'Enter the phone number of the person whose data should be erased.';
    default:
      return fallback;
  }
}

/** How the admin names the person a subject access export is for (POST /api/privacy/export). */
export type SubjectKind = 'phone' | 'assessorId' | 'assessorPhone' | 'leadId';

export const SUBJECT_KINDS: ReadonlyArray<{ kind: SubjectKind; label: string; placeholder: string }> = [
  { kind: 'phone', label: 'Customer, by their number', placeholder: '07700 900123' },
  { kind: 'assessorPhone', label: 'Assessor, by their own number', placeholder: '07700 900456' },
  { kind: 'assessorId', label: 'Assessor, by id', placeholder: 'as-…' },
  { kind: 'leadId', label: 'Lead, by id', placeholder: 'lead-…' },
];

/** The request body: exactly one way of naming the person. */
export function exportBody(kind: SubjectKind, value: string): SubjectBody {
  return { [kind]: value.trim() };
}

/** What an admin is told when an export cannot be made. */
export function exportProblem(code: string | null, fallback: string): string {
  switch (code) {
    case 'UNKNOWN_PHONE':
      return 'No one with that number: no lead, call, text or job has it. Nothing to export.';
    case 'UNKNOWN_ASSESSOR':
      return 'No assessor with that id or number. Nothing to export.';
    case 'UNKNOWN_LEAD':
      return 'No lead with that id. Nothing to export.';
    case 'INVALID_PHONE':
      return 'That is not a phone number. Write it as 07700 900123 or +44 7700 900123.';
    case 'UNAVAILABLE':
      return 'A stored recording could not be read just now. Nothing was exported; try again.';
    default:
      return fallback;
  }
}
