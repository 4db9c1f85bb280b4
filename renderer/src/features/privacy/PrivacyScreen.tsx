import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { RequestError } from '../../api/client';
import { PageHeader } from '../../app/PageHeader';
import { adminApi, explain } from '../../api/admin';
import { erase, retention, runRetention } from '../../../../shared/contracts/privacy';
import {
  displayPhone,
  erasureProblem,
  erasureRows,
  londonDateTime,
  retentionPeriods,
  retentionRows,
  retentionSummary,
  samePhone,
  type CountRow,
  type ErasureReport,
  type RetentionReport,
  type RetentionSettings,
} from './privacy-model';
import './privacy.css';
import { Field } from '../../ui/Field';
import { ExportCard } from './ExportCard';

/**
 * Retention and erasure for admins (UK GDPR): the retention periods in force with a preview of what the
 * sweep would remove and a "run now"; one person's erasure by phone number, previewed first (exact counts),
 * confirmed by typing the number again, then its outcome. Everything runs on the server and is audited there
 * (erasure previews too); the screen needs a connection.
 */
export default function PrivacyScreen() {
  return (
    <div className="page privacy-page" data-testid="privacy-screen">
      <PageHeader description="How long recordings, transcripts and texts are kept, one person's erasure on request, and a copy of everything held about them. Every run, erasure and copy is in the audit trail." />
      <div className="stack">
        <RetentionCard />
        <ErasureCard />
        <ExportCard />
      </div>
    </div>
  );
}

function Counts({ rows, testId }: { rows: CountRow[]; testId: string }) {
  return (
    <dl className="privacy-counts" data-testid={testId}>
      {rows.map((r) => (
        <div key={r.id} className={r.count ? 'privacy-count' : 'privacy-count privacy-count--zero'} data-count={r.id}>
          <dt>{r.label}</dt>
          <dd className="num">{r.count.toLocaleString('en-GB')}</dd>
        </div>
      ))}
    </dl>
  );
}

function RetentionCard() {
  const [settings, setSettings] = useState<RetentionSettings | null>(null);
  const [report, setReport] = useState<RetentionReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'run' | null>(null);
  const [confirming, setConfirming] = useState(false);

  const preview = useCallback(async () => {
    setBusy('preview');
    try {
      const [s, r] = await Promise.all([adminApi(retention, {}), adminApi(runRetention, { body: { dryRun: true } })]);
      setSettings(s);
      setReport(r.report);
      setError(null);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(null);
    }
  }, []);
  useEffect(() => {
    void preview();
  }, [preview]);

  const run = async () => {
    setBusy('run');
    setConfirming(false);
    try {
      setReport((await adminApi(runRetention, { body: { dryRun: false } })).report);
      setError(null);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-label="Retention">
      <header className="card__header">
        <h2 className="privacy-card__title">Retention</h2>
        {settings ? (
          <span className="subtle">Next automatic sweep: {londonDateTime(settings.nextSweepAt)} (London)</span>
        ) : null}
      </header>
      <div className="card__body stack">
        {error ? (
          <div className="alert alert--error" role="alert">
            {error}
          </div>
        ) : null}
        {settings ? (
          <table className="table privacy-periods" data-testid="retention-periods">
            <thead>
              <tr>
                <th>What</th>
                <th>Kept for</th>
                <th>Removed when older than</th>
              </tr>
            </thead>
            <tbody>
              {retentionPeriods(settings).map((p) => (
                <tr key={p.id}>
                  <td>{p.what}</td>
                  <td className="nowrap">{p.kept}</td>
                  <td className="nowrap">{p.before}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : busy ? (
          <p className="muted">Loading…</p>
        ) : null}
        {settings ? (
          <p className="subtle privacy-note">
            Set on the server with RETENTION_RECORDING_DAYS, RETENTION_TRANSCRIPT_DAYS and RETENTION_CLIP_DAYS. A
            recording a training clip still needs is kept until that clip’s period ends.
          </p>
        ) : null}
        {report ? (
          <div className="privacy-result" data-testid={report.dryRun ? 'retention-preview' : 'retention-outcome'}>
            <p className="privacy-result__title">
              {report.dryRun ? null : <strong>Done. </strong>}
              {retentionSummary(report)}
            </p>
            {retentionRows(report).some((r) => r.count > 0) ? (
              <Counts rows={retentionRows(report)} testId="retention-counts" />
            ) : null}
          </div>
        ) : null}
        <div className="row privacy-actions">
          <button className="btn" type="button" onClick={() => void preview()} disabled={busy !== null}>
            {busy === 'preview' ? 'Checking…' : 'Check again'}
          </button>
          {confirming ? (
            <>
              <span className="privacy-confirm-text">
                Remove everything past its period now? This cannot be undone.
              </span>
              <button className="btn btn--danger" type="button" onClick={() => void run()} disabled={busy !== null}>
                Yes, run the sweep
              </button>
              <button className="btn btn--ghost" type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button
              className="btn"
              type="button"
              onClick={() => setConfirming(true)}
              disabled={busy !== null || !report}
            >
              {busy === 'run' ? 'Running…' : 'Run the sweep now…'}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

type ErasureStep =
  | { kind: 'enter' }
  | { kind: 'preview'; phone: string; report: ErasureReport }
  | { kind: 'done'; phone: string; report: ErasureReport };

function ErasureCard() {
  const [typed, setTyped] = useState('');
  const [confirm, setConfirm] = useState('');
  const [step, setStep] = useState<ErasureStep>({ kind: 'enter' });
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const ask = async (dryRun: boolean, phone: string) => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = await adminApi(erase, { body: { phone, dryRun } });
      setStep({ kind: dryRun ? 'preview' : 'done', phone: answer.phone, report: answer.report });
      setConfirm('');
    } catch (err) {
      setProblem(erasureProblem(err instanceof RequestError ? err.code : null, explain(err)));
      if (!dryRun) setStep({ kind: 'enter' });
    } finally {
      setBusy(false);
    }
  };

  const submitPreview = (e: FormEvent) => {
    e.preventDefault();
    setStep({ kind: 'enter' });
    void ask(true, typed.trim());
  };
  const submitErase = (e: FormEvent) => {
    e.preventDefault();
    if (step.kind === 'preview' && samePhone(confirm, step.phone)) void ask(false, step.phone);
  };
  const reset = () => {
    setStep({ kind: 'enter' });
    setTyped('');
    setConfirm('');
    setProblem(null);
  };

  return (
    <section className="card" aria-label="Erase a person's data">
      <header className="card__header">
        <h2 className="privacy-card__title">Erase a person’s data</h2>
        <span className="subtle">On request, found by their phone number</span>
      </header>
      <div className="card__body stack">
        <p className="privacy-note muted">
          Their recordings, transcripts, text message bodies and lead details are removed here, on every device at its
          next sync, and at Twilio. Calls stay as anonymous times and outcomes. Opt-out lists keep the number, because
          honouring an opt-out is itself a duty.
        </p>
        {step.kind !== 'done' ? (
          <form className="row privacy-form" onSubmit={submitPreview}>
            <Field label="Phone number">
              <input
                id="erase-phone"
                className="input"
                inputMode="tel"
                autoComplete="off"
                placeholder="07700 900123"
                value={typed}
                onChange={(e) => {
                  setTyped(e.target.value);
                  if (step.kind === 'preview') setStep({ kind: 'enter' });
                }}
              />
            </Field>
            <button className="btn" type="submit" disabled={busy || typed.trim() === ''}>
              {busy && step.kind === 'enter' ? 'Looking…' : 'Show what would be erased'}
            </button>
          </form>
        ) : null}
        {problem ? (
          <div className="alert alert--warn" role="alert" data-testid="erasure-problem">
            {problem}
          </div>
        ) : null}
        {step.kind === 'preview' ? (
          <form className="privacy-result stack" data-testid="erasure-preview" onSubmit={submitErase}>
            <p className="privacy-result__title">
              Erasing <strong className="num">{displayPhone(step.phone)}</strong> would remove:
            </p>
            <Counts rows={erasureRows(step.report)} testId="erasure-counts" />
            <Field label="Type the number again to confirm" hint="This cannot be undone.">
              <input
                id="erase-confirm"
                className="input privacy-confirm"
                inputMode="tel"
                autoComplete="off"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
              />
            </Field>
            <div className="row">
              <button className="btn btn--danger" type="submit" disabled={busy || !samePhone(confirm, step.phone)}>
                {busy ? 'Erasing…' : 'Erase this person’s data'}
              </button>
              <button className="btn btn--ghost" type="button" onClick={reset} disabled={busy}>
                Cancel
              </button>
            </div>
          </form>
        ) : null}
        {step.kind === 'done' ? (
          <div className="privacy-result stack" data-testid="erasure-outcome">
            <div className="alert alert--info" role="status">
              <span>
                Erased the data of <strong className="num">{displayPhone(step.phone)}</strong>. Devices drop it at their
                next sync; the audit trail keeps only a keyed fingerprint of the number and these counts.
              </span>
            </div>
            <Counts rows={erasureRows(step.report)} testId="erasure-counts" />
            {step.report.mediaObjectsRemoved ? (
              <p className="subtle">
                {step.report.mediaObjectsRemoved.toLocaleString('en-GB')} stored media files removed.
              </p>
            ) : null}
            <div className="row">
              <button className="btn" type="button" onClick={reset}>
                Erase another number
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}
