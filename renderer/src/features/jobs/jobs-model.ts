import type { AnalysisStatus, RerunSelectionInput } from '../../../../shared/contracts/analysis';
import type { Service } from '../../../../shared/schemas';

/** GET /api/analysis/status, as its contract declares it. */
export type StatusAnswer = AnalysisStatus;

export const JOB_KIND_LABELS: Record<string, string> = {
  'analysis.transcribe': 'Transcribe call',
  'analysis.analyse': 'Analyse call',
  'analysis.sms': 'Analyse texts',
  'recording.download': 'Download recording',
  'recording.twilio-delete': "Delete Twilio's copy",
  // Twilio callbacks kept until their call's voice webhook comes (failed: it never came within 24 hours).
  'telephony.pending-callbacks': 'Callbacks before their call',
};

const COUNTED_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

export function statusCounts(rows: StatusAnswer['jobs']): Record<(typeof COUNTED_STATUSES)[number], number> {
  const out = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const r of rows) {
    const status = COUNTED_STATUSES.find((s) => s === r.status);
    if (status) out[status] += r.jobs;
  }
  return out;
}

/** The re-run form as typed (strings from inputs). */
export interface RerunForm {
  /** `yyyy-mm-dd`, or empty. */
  since: string;
  until: string;
  district: string;
  service: Service | '';
  fromProvider: string;
  fromModel: string;
  onlyFailed: boolean;
  retranscribe: boolean;
  /** Ids separated by commas, spaces or new lines. */
  callIds: string;
  limit: string;
}

/** Local midnight of a `yyyy-mm-dd` date, in ms (the dates the admin means are the ones on their clock). */
function localDay(date: string, plusDays = 0): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).getTime();
}

/**
 * The body of `POST /api/analysis/rerun` for a form: empty fields are left out, the "until" date counts as a
 * whole day (calls started before the next midnight).
 */
export function rerunBody(form: RerunForm, dryRun: boolean): RerunSelectionInput {
  const body: RerunSelectionInput = { dryRun, retranscribe: form.retranscribe };
  const since = localDay(form.since);
  const until = localDay(form.until, 1);
  if (since !== undefined) body.since = since;
  if (until !== undefined) body.until = until;
  if (form.district.trim()) body.district = form.district.trim().toUpperCase();
  if (form.service) body.service = form.service;
  if (form.fromProvider.trim()) body.fromProvider = form.fromProvider.trim();
  if (form.fromModel.trim()) body.fromModel = form.fromModel.trim();
  if (form.onlyFailed) body.onlyFailed = true;
  const ids = form.callIds.split(/[\s,]+/).filter(Boolean);
  if (ids.length) body.callIds = [...new Set(ids)];
  const limit = Number(form.limit);
  if (Number.isInteger(limit) && limit >= 1) body.limit = Math.min(limit, 10_000);
  return body;
}
