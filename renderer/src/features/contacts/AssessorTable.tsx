import { useMemo } from 'react';
import type { AssessorPerformance } from '../../../../shared/metrics';
import type { AssessorDoc } from '../../../../shared/schemas';
import { formatDuration, formatRate, sortAssessors, type AssessorColumn } from './contacts-model';
import { useContactsUi } from './contacts-store';
import { EmptyState } from '../../ui/EmptyState';

const COLUMNS: Array<{ id: AssessorColumn; label: string; title: string; numeric: boolean }> = [
  { id: 'name', label: 'Assessor', title: 'Sort by name', numeric: false },
  { id: 'assignments', label: 'Assignments', title: 'Leads sent to the assessor in the period', numeric: true },
  { id: 'attempts', label: 'Attempts', title: 'Calls and texts by the assessor to those customers', numeric: true },
  {
    id: 'contacted',
    label: 'Contact rate',
    title: 'Share of assignments with at least one assessor attempt',
    numeric: true,
  },
  {
    id: 'connected',
    label: 'Connected',
    title:
      'Assignments with at least one connected call (answered, talk time at least the connect threshold), and their share (success rate)',
    numeric: true,
  },
  { id: 'booked', label: 'Booked', title: 'Assignments that ended in a booking (conversion rate)', numeric: true },
  {
    id: 'responseMedianSec',
    label: 'Median first attempt',
    title: 'Median time from assignment to the assessor’s first call or text',
    numeric: true,
  },
  { id: 'responseP90Sec', label: 'p90', title: '90th percentile of the time to first attempt', numeric: true },
];

/** Per assessor, for the assignments made in the period (shared/metrics.ts assessorPerformance). */
export function AssessorTable({
  rows,
  assessors,
  loading,
}: {
  rows: readonly AssessorPerformance[];
  assessors: ReadonlyMap<string, AssessorDoc>;
  loading: boolean;
}) {
  const sort = useContactsUi((s) => s.assessorSort);
  const names = useMemo(() => new Map([...assessors].map(([id, a]) => [id, a.name])), [assessors]);
  const sorted = useMemo(() => sortAssessors(rows, sort, names), [rows, sort, names]);
  const setSort = (column: AssessorColumn) =>
    useContactsUi.setState({
      assessorSort: {
        column,
        // A second click turns the order round; a new column starts with its most useful order.
        descending: sort.column === column ? !sort.descending : column !== 'name' && !column.startsWith('response'),
      },
    });

  if (loading) return <p className="muted">Loading…</p>;
  if (rows.length === 0) {
    return (
      <EmptyState title="No assignments in this period">
        <p>Assessors appear here once leads in the period and filters were sent to them.</p>
      </EmptyState>
    );
  }
  return (
    <div className="ct-table-wrap">
      <p className="subtle ct-table-note">
        Assignments made in the chosen period, and the assessors’ calls and texts to those customers. A connected call
        was answered with at least the connect threshold of talk time. Click a heading to sort.
      </p>
      <div className="card ct-table-card">
        <table className="table ct-assessors" data-testid="assessor-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.id}
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={sort.column === c.id ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    className={`ct-sort${c.numeric ? ' ct-sort--num' : ''}`}
                    title={c.title}
                    onClick={() => setSort(c.id)}
                  >
                    {c.label}
                    <span className="ct-sort__mark" aria-hidden="true">
                      {sort.column === c.id ? (sort.descending ? '▼' : '▲') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.map((p) => {
              const a = assessors.get(p.assessorId);
              return (
                <tr key={p.assessorId} data-testid={`assessor-${p.assessorId}`}>
                  <td>
                    <span className="row">
                      <strong>{a?.name ?? 'Unknown assessor'}</strong>
                      {a?.tier ? <span className={`badge tier tier--${a.tier}`}>{a.tier}</span> : null}
                      {a?.sandbox ? <span className="ct-pill ct-pill--sandbox">Sandbox</span> : null}
                      {a && !a.active ? <span className="badge">inactive</span> : null}
                    </span>
                  </td>
                  <td className="num">{p.assignments}</td>
                  <td className="num" data-testid="assessor-attempts">
                    {p.attempts}
                  </td>
                  <td className="num">
                    {p.contacted} <span className="subtle">({formatRate(p.contactRate)})</span>
                  </td>
                  <td className="num">
                    {p.connected} <span className="subtle">({formatRate(p.successRate)})</span>
                  </td>
                  <td className="num">
                    {p.booked} <span className="subtle">({formatRate(p.conversionRate)})</span>
                  </td>
                  <td className="num">{formatDuration(p.responseMedianSec)}</td>
                  <td className="num subtle">{formatDuration(p.responseP90Sec)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
