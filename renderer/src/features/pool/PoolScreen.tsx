import { useCallback, useEffect, useState } from 'react';
import { PageHeader } from '../../app/PageHeader';
import { adminRequest, explain } from '../../api/admin';
import { costComparison, numberRows, poolFigures, pounds, type PoolAnswer } from './pool-model';
import './pool.css';

/**
 * The number pool for admins: what Ringside holds, uses and needs, what it costs against one number per
 * assignment, and each number. Read from the server (GET /api/pool/report; the CLI's `pool report` prints the
 * same). Each card is its own component reading the one answer, so later views (cost curves) are added as
 * another card.
 */
export default function PoolScreen() {
  const [answer, setAnswer] = useState<PoolAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setAnswer(await adminRequest<PoolAnswer>('/api/pool/report'));
      setError(null);
    } catch (err) {
      setError(explain(err));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="page pool-page" data-testid="pool-screen">
      <PageHeader
        description="The masked numbers both sides of an assignment see. One number serves many assignments: the assessor side dials an extension where a number is shared."
        actions={
          <button className="btn btn--ghost" type="button" onClick={() => void load()} disabled={loading}>
            Refresh
          </button>
        }
      />
      {error ? (
        <div className="alert alert--error" role="alert">
          {error} The pool report is only on the server.
        </div>
      ) : null}
      {!answer && loading ? <p className="muted">Loading…</p> : null}
      {answer ? (
        <div className="stack">
          <FiguresCard answer={answer} />
          <CostCard answer={answer} />
          <NumbersCard answer={answer} />
        </div>
      ) : null}
    </div>
  );
}

function FiguresCard({ answer }: { answer: PoolAnswer }) {
  return (
    <section className="card" aria-label="Numbers">
      <div className="card__body pool-figures">
        {poolFigures(answer.report).map((f) => (
          <div key={f.id} className="pool-figure" data-testid={`pool-${f.id}`}>
            <span className="pool-figure__label">{f.label}</span>
            <strong className="pool-figure__value num">{f.value}</strong>
            <span className="pool-figure__hint subtle">{f.hint}</span>
          </div>
        ))}
      </div>
    </section>
  );
}

function CostCard({ answer }: { answer: PoolAnswer }) {
  const c = costComparison(answer.report);
  return (
    <section className="card" aria-label="Monthly cost">
      <header className="card__header">
        <h2 className="pool-card__title">Monthly cost</h2>
        {c.verdict ? (
          <span className="badge badge--ok" data-testid="pool-verdict">
            {c.verdict}
          </span>
        ) : null}
      </header>
      <div className="card__body pool-cost">
        <div className="pool-cost__side" data-testid="pool-cost">
          <span className="pool-figure__label">The pool</span>
          <strong className="pool-figure__value num">{pounds(c.poolPence)}</strong>
          <span className="subtle">{c.poolLine}</span>
        </div>
        <div className="pool-cost__side" data-testid="pool-cost-per-assignment">
          <span className="pool-figure__label">One number per assignment</span>
          <strong className="pool-figure__value num">{pounds(c.perAssignmentPence)}</strong>
          <span className="subtle">{c.perAssignmentLine}</span>
        </div>
        <p className="pool-cost__note muted">
          {c.savingPence > 0
            ? `The pool saves ${pounds(c.savingPence)} a month. `
            : c.savingPence < 0
              ? `The pool costs ${pounds(-c.savingPence)} a month more. `
              : ''}
          {c.budgetLine}.
        </p>
      </div>
    </section>
  );
}

function NumbersCard({ answer }: { answer: PoolAnswer }) {
  const rows = numberRows(answer.numbers);
  return (
    <section className="card pool-numbers" aria-label="Each number">
      <header className="card__header">
        <h2 className="pool-card__title">Each number</h2>
        <span className="subtle">{rows.length.toLocaleString('en-GB')} in the pool’s history</span>
      </header>
      {rows.length === 0 ? (
        <p className="card__body muted">
          No numbers yet. Add them with <code>npm run cli -- pool add</code>, or let Ringside buy them when needed.
        </p>
      ) : (
        <div className="pool-table-wrap">
          <table className="table pool-table">
            <thead>
              <tr>
                <th>Number</th>
                <th>Assignments now</th>
                <th>Status</th>
                <th>Cost</th>
                <th>Held since</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.number} data-testid="pool-number">
                  <td className="num nowrap">
                    {r.display}
                    {r.sandbox ? <span className="badge badge--sandbox pool-sandbox">Sandbox</span> : null}
                  </td>
                  <td>{r.use}</td>
                  <td>
                    <span className={`pool-status pool-status--${r.status}`}>{r.statusLabel}</span>
                  </td>
                  <td className="num nowrap">{r.cost}</td>
                  <td className="num nowrap">{r.since}</td>
                  <td>{r.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
