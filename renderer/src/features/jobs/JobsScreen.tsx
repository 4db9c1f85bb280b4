import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { SERVICES } from '../../../../shared/schemas';
import { formatCount, formatDateTime } from '../../ui/format';
import { PageHeader } from '../../app/PageHeader';
import { href } from '../../app/router';
import { rerun, status as analysisStatus } from '../../../../shared/contracts/analysis';
import {
  JOB_FAMILY_NAMES,
  JOB_STATUSES,
  listJobs,
  retryJob,
  type JobView,
  type JobsAnswer,
} from '../../../../shared/contracts/jobs';
import { adminApi, explain, type RerunResult } from '../../api/admin';
import { JOB_KIND_LABELS, rerunBody, statusCounts, type RerunForm, type StatusAnswer } from './jobs-model';
import './jobs.css';
import { SERVICE_LABELS } from '../../ui/labels';
import { DateRange } from '../../ui/DateRange';
import { Field } from '../../ui/Field';

const STATUSES = [
  { id: 'failed', label: 'Failed' },
  { id: 'queued', label: 'Queued' },
  { id: 'running', label: 'Running' },
  { id: 'done', label: 'Done' },
  { id: '', label: 'Any status' },
] as const;

/**
 * Background work on calls, for admins: the AI providers in use and what they cost, analysis and recording
 * jobs with their errors and a retry action, and re-running analysis over a chosen set of calls after a
 * model, prompt or lexicon change. Everything here is read from and done on the server (jobs are not
 * replicated), so the screen needs a connection.
 */
export default function JobsScreen() {
  return (
    <div className="page jobs-page" data-testid="jobs-screen">
      <PageHeader description="Transcription, analysis and recording downloads run in the background on the server. Failed jobs show their error and can be retried; analysis can be re-run over a chosen set of calls." />
      <div className="stack">
        <ProvidersCard />
        <JobsCard />
        <RerunCard />
      </div>
    </div>
  );
}

function ProvidersCard() {
  const [status, setStatus] = useState<StatusAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    adminApi(analysisStatus, {}).then(setStatus, (err: unknown) => setError(explain(err)));
  }, []);
  const counts = status ? statusCounts(status.jobs) : null;
  return (
    <section className="card" aria-label="AI providers">
      <header className="card__header">
        <h2 className="jobs-card__title">AI providers</h2>
        <span className="subtle">Last 30 days</span>
      </header>
      <div className="card__body">
        {error && <div className="alert alert--error">{error}</div>}
        {!status && !error && <p className="muted">Loading…</p>}
        {status && counts && (
          <div className="jobs-providers">
            <dl className="kv">
              <dt>Transcription</dt>
              <dd data-testid="transcription-provider">
                {status.providers.transcriptionStamp ? (
                  <code>
                    {status.providers.transcriptionStamp.provider} · {status.providers.transcriptionStamp.model} ·{' '}
                    {status.providers.transcriptionStamp.version}
                  </code>
                ) : (
                  <>none: calls are reviewed by ear</>
                )}
              </dd>
              <dt>Analysis</dt>
              <dd data-testid="analysis-provider">
                <code>
                  {status.providers.analysisStamp.provider} · {status.providers.analysisStamp.model} ·{' '}
                  {status.providers.analysisStamp.version}
                </code>
              </dd>
            </dl>
            <dl className="kv">
              <dt>Audio transcribed</dt>
              <dd className="num">{status.cost30d.audioMinutes.toLocaleString('en-GB')} min</dd>
              <dt>Tokens</dt>
              <dd className="num">
                {formatCount(status.cost30d.promptTokens)} in · {formatCount(status.cost30d.completionTokens)} out
              </dd>
            </dl>
            <dl className="kv">
              <dt>Analysis jobs</dt>
              <dd className="num">
                {formatCount(counts.done)} done · {formatCount(counts.queued + counts.running)} waiting ·{' '}
                <span className={counts.failed ? 'jobs-bad' : ''}>{formatCount(counts.failed)} failed</span>
              </dd>
            </dl>
          </div>
        )}
      </div>
    </section>
  );
}

function JobsCard() {
  const [family, setFamily] = useState<'' | 'analysis' | 'recording' | 'telephony'>('');
  const [status, setStatus] = useState<string>('failed');
  const [answer, setAnswer] = useState<JobsAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [retried, setRetried] = useState<Record<number, string>>({});
  const request = useRef(0);

  const load = useCallback(async () => {
    const mine = ++request.current;
    setLoading(true);
    try {
      const a = await adminApi(listJobs, {
        query: {
          limit: 200,
          family: family || undefined,
          // '' is "any status": no filter.
          status: JOB_STATUSES.find((s) => s === status),
        },
      });
      if (mine !== request.current) return;
      setAnswer(a);
      setError(null);
    } catch (err) {
      if (mine === request.current) setError(explain(err));
    } finally {
      if (mine === request.current) setLoading(false);
    }
  }, [family, status]);

  useEffect(() => {
    void load();
  }, [load]);

  const retry = async (job: JobView) => {
    setRetried((r) => ({ ...r, [job.id]: 'Queuing…' }));
    try {
      await adminApi(retryJob, { params: { id: String(job.id) } });
      setRetried((r) => ({ ...r, [job.id]: 'Queued again' }));
    } catch (err) {
      setRetried((r) => ({ ...r, [job.id]: explain(err) }));
    }
  };

  const failed = answer?.counts.filter((c) => c.status === 'failed').reduce((n, c) => n + c.jobs, 0) ?? 0;
  return (
    <section className="card" aria-label="Jobs">
      <header className="card__header">
        <h2 className="jobs-card__title">
          Jobs{' '}
          {failed > 0 && (
            <span className="badge badge--danger" data-testid="failed-count">
              {failed} failed
            </span>
          )}
        </h2>
        <div className="row">
          <select
            className="select jobs-select"
            aria-label="Kind of job"
            value={family}
            onChange={(e) => setFamily(JOB_FAMILY_NAMES.find((f) => f === e.target.value) ?? '')}
          >
            <option value="">All kinds</option>
            <option value="analysis">Analysis</option>
            <option value="recording">Recordings</option>
            <option value="telephony">Callbacks before their call</option>
          </select>
          <select
            className="select jobs-select"
            aria-label="Status"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          >
            {STATUSES.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
          <button type="button" className="btn" onClick={() => void load()} disabled={loading}>
            Refresh
          </button>
        </div>
      </header>
      {error && (
        <div className="card__body">
          <div className="alert alert--error" role="alert">
            {error} Jobs are kept on the server.
          </div>
        </div>
      )}
      {answer && answer.jobs.length === 0 && (
        <p className="muted jobs-empty" data-testid="jobs-empty">
          {status === 'failed' ? 'No failed jobs.' : 'No jobs match.'}
        </p>
      )}
      {answer && answer.jobs.length > 0 && (
        <table className="table jobs-table" data-testid="jobs-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Call</th>
              <th className="num">Attempts</th>
              <th>Error</th>
              <th>When</th>
              <th aria-label="Action" />
            </tr>
          </thead>
          <tbody>
            {answer.jobs.map((j) => (
              <tr key={j.id} data-job={j.id} data-kind={j.kind} data-status={j.status}>
                <td>
                  <span className="jobs-kind">{JOB_KIND_LABELS[j.kind] ?? j.kind}</span>
                  <span className="subtle num"> #{j.id}</span>
                  {j.superseded && (
                    <span
                      className="badge badge--ok jobs-superseded"
                      title="A later run of this job for the same call finished"
                    >
                      since succeeded
                    </span>
                  )}
                  {j.status !== 'failed' && (
                    <span className={`badge jobs-status jobs-status--${j.status}`}>{j.status}</span>
                  )}
                </td>
                <td>
                  {j.callId ? (
                    <a href={href(`/review/call/${encodeURIComponent(j.callId)}`)} title="Open the call">
                      <code>{j.callId.slice(0, 14)}</code>
                    </a>
                  ) : (
                    <span className="subtle">—</span>
                  )}
                </td>
                <td className="num">
                  {j.attempts} of {j.maxAttempts}
                </td>
                <td className="jobs-error">
                  {j.error ? <code data-testid="job-error">{j.error}</code> : <span className="subtle">—</span>}
                </td>
                <td className="nowrap">{formatDateTime(Date.parse(j.finishedAt ?? j.runAt))}</td>
                <td className="jobs-action">
                  {j.status === 'failed' &&
                    (retried[j.id] ? (
                      <span className="subtle" role="status">
                        {retried[j.id]}
                      </span>
                    ) : (
                      <button type="button" className="btn btn--sm" onClick={() => void retry(j)}>
                        Retry
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const EMPTY_FORM: RerunForm = {
  since: '',
  until: '',
  district: '',
  service: '',
  fromProvider: '',
  fromModel: '',
  onlyFailed: false,
  retranscribe: false,
  callIds: '',
  limit: '1000',
};

function RerunCard() {
  const [form, setForm] = useState<RerunForm>(EMPTY_FORM);
  const [preview, setPreview] = useState<RerunResult | null>(null);
  const [done, setDone] = useState<RerunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<RerunForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    // A changed selection needs a new preview before it can be run.
    setPreview(null);
    setDone(null);
  };

  const send = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const r = await adminApi(rerun, { body: rerunBody(form, dryRun) });
      if (dryRun) setPreview(r);
      else {
        setDone(r);
        setPreview(null);
      }
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(true);
  };

  return (
    <section className="card" aria-label="Re-run analysis">
      <header className="card__header">
        <h2 className="jobs-card__title">Re-run analysis</h2>
        <span className="subtle">After a model, prompt or lexicon change. Earlier results are kept.</span>
      </header>
      <form className="card__body jobs-rerun" onSubmit={submit}>
        <div className="jobs-rerun__grid">
          <DateRange
            labels={{ from: 'Calls from', to: 'Calls until' }}
            from={form.since}
            to={form.until}
            onFromChange={(since) => set({ since })}
            onToChange={(until) => set({ until })}
          />
          <Field label="District">
            <input
              className="input"
              placeholder="e.g. E17"
              maxLength={4}
              value={form.district}
              onChange={(e) => set({ district: e.target.value.toUpperCase() })}
            />
          </Field>
          <Field label="Service">
            <select
              className="select"
              value={form.service}
              onChange={(e) => set({ service: SERVICES.find((s) => s === e.target.value) ?? '' })}
            >
              <option value="">Any</option>
              {SERVICES.map((s) => (
                <option key={s} value={s}>
                  {SERVICE_LABELS[s]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Analysed before by provider">
            <input
              className="input"
              placeholder="e.g. local"
              value={form.fromProvider}
              onChange={(e) => set({ fromProvider: e.target.value })}
            />
          </Field>
          <Field label="… and model">
            <input
              className="input"
              placeholder="any"
              value={form.fromModel}
              onChange={(e) => set({ fromModel: e.target.value })}
            />
          </Field>
          <Field label="At most">
            <input
              className="input"
              type="number"
              min={1}
              max={10000}
              value={form.limit}
              onChange={(e) => set({ limit: e.target.value })}
            />
          </Field>
        </div>
        <Field label="Only these calls (ids, one per line or separated by commas)">
          <textarea
            className="textarea"
            rows={2}
            value={form.callIds}
            onChange={(e) => set({ callIds: e.target.value })}
          />
        </Field>
        <div className="row">
          <label className="row">
            <input type="checkbox" checked={form.onlyFailed} onChange={(e) => set({ onlyFailed: e.target.checked })} />
            Only calls whose analysis failed
          </label>
          <label className="row">
            <input
              type="checkbox"
              checked={form.retranscribe}
              onChange={(e) => set({ retranscribe: e.target.checked })}
            />
            Transcribe again (costs audio minutes)
          </label>
        </div>
        {error && (
          <div className="alert alert--error" role="alert">
            {error}
          </div>
        )}
        <div className="row">
          <button type="submit" className="btn" disabled={busy}>
            Preview
          </button>
          {preview && (
            <button
              type="button"
              className="btn btn--primary"
              disabled={busy || preview.matched === 0}
              onClick={() => void send(false)}
            >
              Re-run {preview.matched} {preview.matched === 1 ? 'call' : 'calls'}
            </button>
          )}
          {preview && (
            <span className="muted" data-testid="rerun-preview">
              {preview.matched === 0
                ? 'No call with a stored recording matches.'
                : `${preview.matched} ${preview.matched === 1 ? 'call matches' : 'calls match'}.`}
            </span>
          )}
          {done && (
            <span className="jobs-ok" role="status" data-testid="rerun-done">
              {done.enqueued} {done.enqueued === 1 ? 'call' : 'calls'} queued (run <code>{done.runId.slice(0, 8)}</code>
              ). Results appear in the review workspace as they finish.
            </span>
          )}
        </div>
        {preview && preview.callIds.length > 0 && (
          <details>
            <summary className="subtle">
              {preview.matched > preview.callIds.length ? `The first ${preview.callIds.length}` : 'The calls'}
            </summary>
            <p className="jobs-ids">
              {preview.callIds.map((id) => (
                <a key={id} href={href(`/review/call/${encodeURIComponent(id)}`)}>
                  <code>{id.slice(0, 14)}</code>
                </a>
              ))}
            </p>
          </details>
        )}
        <p className="subtle">Only calls with a stored recording are ever sent to a provider.</p>
      </form>
    </section>
  );
}
