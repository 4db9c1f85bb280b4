import { useState, type FormEvent } from 'react';
import { exportSubject } from '../../../../shared/contracts/subject-access';
import { isErrorBody } from '../../../../shared/errors';
import { explain } from '../../api/admin';
import { useSessionStore } from '../../state/session';
import { Field } from '../../ui/Field';
import { exportBody, exportProblem, SUBJECT_KINDS, type SubjectKind } from './privacy-model';

/**
 * Subject access (UK GDPR art. 15): one zip of everything held about a customer, an assessor or a lead's
 * customer, made on the server (POST /api/privacy/export, audited there) and saved where the admin chooses.
 * The archive's layout is in docs/privacy.md.
 */
export function ExportCard() {
  const [kind, setKind] = useState<SubjectKind>('phone');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const chosen = SUBJECT_KINDS.find((k) => k.kind === kind) ?? SUBJECT_KINDS[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const session = useSessionStore.getState().session;
    if (!session) return setProblem('You are not signed in.');
    setBusy(true);
    setProblem(null);
    setSaved(null);
    try {
      // The answer is a zip, not JSON, so this is a plain fetch; the path and body still come from the contract.
      const res = await fetch(session.serverUrl + exportSubject.path, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(exportBody(kind, value)),
        credentials: 'omit',
      });
      if (!res.ok) {
        const answer: unknown = await res.json().catch(() => null);
        const error = isErrorBody(answer) ? answer.error : null;
        setProblem(exportProblem(error?.code ?? null, error?.message || `The server answered ${res.status}.`));
        return;
      }
      // The server names the file (no personal data in the name).
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'subject-access.zip';
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      URL.revokeObjectURL(url);
      setSaved(name);
    } catch (err) {
      setProblem(explain(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-label="Copy of a person's data">
      <header className="card__header">
        <h2 className="privacy-card__title">Copy of a person’s data</h2>
        <span className="subtle">Subject access request</span>
      </header>
      <div className="card__body stack">
        <p className="privacy-note muted">
          One archive of their calls, recordings, transcripts, texts, reviews and audit entries. Numbers inside free
          text are masked; making the copy is recorded in the audit trail.
        </p>
        <form className="row privacy-form" onSubmit={(e) => void submit(e)} data-testid="export-form">
          <Field label="Find them by">
            <select
              id="export-kind"
              className="input"
              value={kind}
              onChange={(e) => {
                const next = SUBJECT_KINDS.find((k) => k.kind === e.target.value);
                if (next) setKind(next.kind);
              }}
            >
              {SUBJECT_KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Number or id">
            <input
              id="export-value"
              className="input"
              autoComplete="off"
              inputMode={kind === 'phone' || kind === 'assessorPhone' ? 'tel' : 'text'}
              placeholder={chosen.placeholder}
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          </Field>
          <button className="btn" type="submit" disabled={busy || value.trim() === ''}>
            {busy ? 'Preparing…' : 'Download archive'}
          </button>
        </form>
        {problem ? (
          <div className="alert alert--warn" role="alert" data-testid="export-problem">
            {problem}
          </div>
        ) : null}
        {saved ? (
          <div className="alert alert--info" role="status" data-testid="export-saved">
            Saved {saved}.
          </div>
        ) : null}
      </div>
    </section>
  );
}
