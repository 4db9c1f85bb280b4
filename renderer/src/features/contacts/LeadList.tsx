import { VirtualList } from '../../ui/VirtualList';
import type { AssessorDoc } from '../../../../shared/schemas';
import { formatDateTime } from '../../ui/format';
import { href } from '../../app/router';
import { formatDuration, isLeadSort, LEAD_SORTS, type LeadRow } from './contacts-model';
import { useContactsUi } from './contacts-store';
import { QualityBadge } from './QualityBadge';
import { SERVICE_LABELS } from '../../ui/labels';

const ROW_HEIGHT = 66;

/**
 * The leads of the period, sorted and filtered. Virtualised: only the rows in view exist in the DOM, so a
 * year of leads scrolls like a day's.
 */
export function LeadList({
  rows,
  loading,
  openLeadId,
  assessors,
  totalLeads,
}: {
  rows: readonly LeadRow[];
  loading: boolean;
  openLeadId: string | null;
  assessors: ReadonlyMap<string, AssessorDoc>;
  totalLeads: number;
}) {
  const sort = useContactsUi((s) => s.leadSort);

  return (
    <aside className="ct-list" aria-label="Leads">
      <div className="ct-list__head">
        <span className="muted num" data-testid="lead-count">
          {rows.length} {rows.length === 1 ? 'lead' : 'leads'}
        </span>
        <select
          className="select ct-list__sort"
          aria-label="Sort leads"
          value={sort}
          onChange={(e) => {
            const leadSort = e.target.value;
            if (isLeadSort(leadSort)) useContactsUi.setState({ leadSort });
          }}
        >
          {Object.entries(LEAD_SORTS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <VirtualList
        className="ct-list__scroll"
        testId="lead-list"
        items={rows}
        rowHeight={ROW_HEIGHT}
        rowKey={(row) => row.lead.id}
        placeholder={
          loading ? (
            <p className="ct-list__empty muted">Loading leads…</p>
          ) : rows.length === 0 ? (
            <div className="ct-list__empty">
              <p className="empty-state__title">{totalLeads === 0 ? 'No leads in this period' : 'Nothing matches'}</p>
              <p className="muted">
                {totalLeads === 0
                  ? 'Leads appear here as the marketplace sends them.'
                  : 'Try another period or clear the filters.'}
              </p>
            </div>
          ) : null
        }
        renderRow={(row, top) => (
          <LeadItem
            row={row}
            top={top}
            isOpen={row.lead.id === openLeadId}
            assessorNames={row.lead.assignments.map((a) => assessors.get(a.assessorId)?.name ?? 'Unknown')}
          />
        )}
      />
    </aside>
  );
}

const shortDateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

function LeadItem({
  row,
  top,
  isOpen,
  assessorNames,
}: {
  row: LeadRow;
  top: number;
  isOpen: boolean;
  assessorNames: string[];
}) {
  const { lead } = row;
  return (
    <a
      role="listitem"
      className={`ct-item${isOpen ? ' is-open' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      href={href(`/contacts/lead/${encodeURIComponent(lead.id)}`)}
      aria-current={isOpen ? 'true' : undefined}
      data-testid={`lead-row-${lead.id}`}
      data-attempts={row.attempts}
    >
      <span className="ct-item__line">
        <strong className="ct-item__name" title={lead.customerName}>
          {lead.customerName}
        </strong>
        <QualityBadge quality={lead.quality} />
        {lead.status !== 'open' ? (
          <span className={`ct-pill ${lead.status === 'booked' ? 'ct-pill--booked' : 'ct-pill--closed'}`}>
            {lead.status === 'booked' ? 'Booked' : 'Closed'}
          </span>
        ) : null}
        {lead.sandbox ? <span className="ct-pill ct-pill--sandbox">Sandbox</span> : null}
      </span>
      <span className="ct-item__line subtle">
        <span className="ct-item__grow" title={assessorNames.join(', ')}>
          {lead.district} · {SERVICE_LABELS[lead.service]} · {assessorNames.length}{' '}
          {assessorNames.length === 1 ? 'assessor' : 'assessors'}
        </span>
        <span
          className="nowrap"
          title={`Latest call or text (or when the lead came in): ${formatDateTime(row.lastActivityAt)}`}
        >
          {shortDateTime.format(row.lastActivityAt)}
        </span>
      </span>
      <span className="ct-item__line subtle">
        <span className="ct-item__grow num">
          {row.attempts} {row.attempts === 1 ? 'attempt' : 'attempts'}
          {row.connected ? ` · ${row.connected} connected` : ''}
        </span>
        <span className="nowrap" title="Time from the assignment to the first call or text by an assessor">
          {row.firstResponseSec === null ? (
            <em>no attempt yet</em>
          ) : (
            <>
              1st attempt <span className="num">{formatDuration(row.firstResponseSec, { compact: true })}</span>
            </>
          )}
        </span>
      </span>
    </a>
  );
}
