import { useEffect, useMemo, useState } from 'react';
import { OUTCOMES, type Outcome } from '../../../../../shared/schemas';
import { patchDoc, useDatabase, useQuery } from '../../../db/hooks';
import { useReviewEnv } from '../env';
import { useOfflineStore } from '../offline/offline-store';
import { staffName, useStaff } from '../staff';
import { useReviewUi } from '../ui-store';
import { useAiOutcomes, useQueueCalls } from './queue-data';
import { preparingText, usePreparing } from './use-preparing';
import {
  buildQueue,
  queueFacets,
  QUEUE_SORTS,
  type QueueFilters,
  type QueueRow,
  type QueueSort,
  type ReviewStatusFilter,
} from './queue-model';
import { formatClock } from '../../../ui/format';
import { SERVICE_LABELS, OUTCOME_LABELS } from '../../../ui/labels';
import { DateRange } from '../../../ui/DateRange';
import { dayEnd, dayStart, isoDay } from '../../../ui/days';
import { EmptyState } from '../../../ui/EmptyState';
import { FilterSelect } from '../../../ui/FilterSelect';
import { VirtualList } from '../../../ui/VirtualList';

const ROW_HEIGHT = 68;

const STATUS_TABS: Array<{ id: ReviewStatusFilter; label: string }> = [
  { id: 'needs_review', label: 'Needs review' },
  { id: 'my_drafts', label: 'My drafts' },
  { id: 'reviewed', label: 'Reviewed' },
  { id: 'all', label: 'All' },
];

const SORT_LABELS: Record<QueueSort, string> = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  longest: 'Longest first',
  shortest: 'Shortest first',
  assigned_first: 'Assigned to me first',
};

/**
 * The review queue: calls with a stored recording, filtered and sorted, with counts per status, bulk
 * selection for "make available offline" and (admins) assignment. Virtualised: only visible rows exist in
 * the DOM, so a queue of tens of thousands of calls scrolls like one of ten.
 */
export function ReviewQueue() {
  const db = useDatabase();
  const { user, api } = useReviewEnv();
  const filters = useReviewUi((s) => s.filters);
  const sort = useReviewUi((s) => s.sort);
  const openCallId = useReviewUi((s) => s.openCallId);
  const checked = useReviewUi((s) => s.checked);
  const ui = useReviewUi.getState();
  const { calls, loading } = useQueueCalls(filters.from, filters.to);
  const { docs: reviewDocs } = useQuery('reviews', {});
  const reviews = reviewDocs;
  const aiOutcomes = useAiOutcomes();
  const { docs: assessorDocs } = useQuery('assessors', {});
  const assessors = useMemo(() => new Map(assessorDocs.map((a) => [a.id, a])), [assessorDocs]);
  const cachedIds = useOfflineStore((s) => s.cachedIds);
  const staff = useStaff(api, user.role === 'admin');
  const preparing = usePreparing();
  const hint = preparing ? preparingText(preparing) : null;

  const { rows, counts } = useMemo(
    () => buildQueue({ calls, reviews, aiOutcomes, me: user.id, filters, sort }),
    [calls, reviews, aiOutcomes, user.id, filters, sort],
  );
  const facets = useMemo(() => queueFacets(calls), [calls]);
  useEffect(() => {
    const listIds = rows.map((r) => r.call.id);
    const at = openCallId ? listIds.indexOf(openCallId) : -1;
    useReviewUi.setState(at >= 0 ? { listIds, openIndex: at } : { listIds });
  }, [rows, openCallId]);
  const [showFilters, setShowFilters] = useState(false);
  const activeFilters = countActive(filters);

  const checkedInView = rows.filter((r) => checked.has(r.call.id)).length;
  const assign = (assignee: string | null) => {
    for (const id of checked) void patchDoc(db, 'calls', id, { reviewAssignee: assignee });
  };

  return (
    <div className="rv-queue" aria-label="Review queue">
      <header className="rv-queue__head">
        <div className="rv-queue__title">
          <h2>Review queue</h2>
          <span className="muted num" data-testid="queue-count">
            {rows.length} {rows.length === 1 ? 'call' : 'calls'}
          </span>
        </div>
        {hint && (hint.main || hint.analysing) ? (
          // The queue fills over minutes after a start (the demo's calls, downloads, analysis): say more is coming.
          <p className="muted rv-queue__preparing" role="status" data-testid="queue-preparing">
            {[hint.main, hint.analysing].filter(Boolean).join(' · ')}
          </p>
        ) : null}
        <div className="rv-status-tabs" role="tablist" aria-label="Review status">
          {STATUS_TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={filters.status === t.id}
              className={`rv-status-tab${filters.status === t.id ? ' is-active' : ''}`}
              onClick={() => ui.setFilters({ status: t.id })}
            >
              {t.label} <span className="num rv-status-tab__n">{counts[t.id]}</span>
            </button>
          ))}
        </div>
        <div className="rv-queue__tools">
          <button
            type="button"
            className={`btn btn--sm${activeFilters ? ' rv-has-filters' : ''}`}
            onClick={() => setShowFilters((v) => !v)}
            aria-expanded={showFilters}
          >
            Filters{activeFilters ? ` (${activeFilters})` : ''}
          </button>
          <select
            className="select rv-queue__sort"
            value={sort}
            onChange={(e) => {
              const next = QUEUE_SORTS.find((s) => s === e.target.value);
              if (next) ui.setSort(next);
            }}
            aria-label="Sort"
          >
            {Object.entries(SORT_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
          <label className="rv-check-all" title="Select every call in this list">
            <input
              type="checkbox"
              checked={rows.length > 0 && checkedInView === rows.length}
              ref={(el) => {
                if (el) el.indeterminate = checkedInView > 0 && checkedInView < rows.length;
              }}
              onChange={(e) => ui.setChecked(e.target.checked ? rows.map((r) => r.call.id) : [])}
              aria-label="Select all calls in the list"
            />
          </label>
        </div>
        {showFilters && (
          <div className="rv-filters" data-testid="filters">
            <FilterSelect
              className="rv-filter"
              label="District"
              value={filters.district}
              options={facets.districts.map((d) => [d, d])}
              onChange={(district) => ui.setFilters({ district })}
            />
            <FilterSelect
              className="rv-filter"
              label="Service"
              value={filters.service}
              options={facets.services.map((s) => [s, SERVICE_LABELS[s]])}
              onChange={(service) => ui.setFilters({ service })}
            />
            <FilterSelect
              className="rv-filter"
              label="Assessor"
              value={filters.assessorId}
              options={facets.assessorIds
                .map((id): [string, string] => [id, assessors.get(id)?.name ?? id])
                .sort((a, b) => a[1].localeCompare(b[1]))}
              onChange={(assessorId) => ui.setFilters({ assessorId })}
            />
            <FilterSelect
              className="rv-filter"
              label="Outcome"
              value={filters.outcome}
              options={[
                ...OUTCOMES.map((o): [Outcome | 'none', string] => [o, OUTCOME_LABELS[o]]),
                ['none', 'No outcome yet'],
              ]}
              onChange={(outcome) => ui.setFilters({ outcome })}
            />
            <FilterSelect
              className="rv-filter"
              label="Assigned"
              value={filters.assignment === 'anyone' ? null : filters.assignment}
              options={[
                ['me', `To me (${counts.assignedToMe})`],
                ['unassigned', `Unassigned (${counts.unassigned})`],
              ]}
              anyLabel="Anyone"
              onChange={(a) => ui.setFilters({ assignment: a ?? 'anyone' })}
            />
            <DateRange
              className="rv-filter"
              from={isoDay(filters.from)}
              to={isoDay(filters.to)}
              onFromChange={(day) => ui.setFilters({ from: day ? dayStart(day) : null })}
              onToChange={(day) => ui.setFilters({ to: day ? dayEnd(day) : null })}
            />
            <button
              type="button"
              className="btn btn--sm btn--ghost"
              onClick={ui.resetFilters}
              disabled={activeFilters === 0}
            >
              Clear filters
            </button>
          </div>
        )}
        {checked.size > 0 && (
          <div className="rv-bulk" role="region" aria-label="Selected calls">
            <strong className="num">{checked.size} selected</strong>
            {user.role === 'admin' && (
              <select
                className="select"
                value=""
                onChange={(e) => e.target.value && assign(e.target.value === '__none' ? null : e.target.value)}
                aria-label="Assign selected calls"
              >
                <option value="">Assign to…</option>
                <option value="__none">Nobody (unassign)</option>
                {staff
                  .filter((s) => s.role === 'reviewer' || s.role === 'admin')
                  .map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
              </select>
            )}
            <button type="button" className="btn btn--sm btn--ghost" onClick={() => ui.setChecked([])}>
              Clear
            </button>
          </div>
        )}
      </header>
      <VirtualList
        className="rv-queue__list"
        testId="queue-list"
        items={rows}
        rowHeight={ROW_HEIGHT}
        rowKey={(row) => row.call.id}
        placeholder={
          loading ? (
            <p className="rv-queue__empty muted">Loading calls…</p>
          ) : rows.length === 0 ? (
            <EmptyState
              className="rv-queue__empty"
              title={counts.all === 0 ? 'No recorded calls here' : 'Nothing matches'}
            >
              <p className="muted">
                {counts.all === 0
                  ? 'Calls appear here once their recording is stored.'
                  : 'Try another status tab or clear the filters.'}
              </p>
            </EmptyState>
          ) : null
        }
        renderRow={(row, top) => (
          <QueueItem
            row={row}
            top={top}
            assessorName={
              row.call.assessorId ? (assessors.get(row.call.assessorId)?.name ?? 'Unknown assessor') : 'No assessor'
            }
            assigneeName={staffName(staff, row.call.reviewAssignee, user.id)}
            isOpen={row.call.id === openCallId}
            isChecked={checked.has(row.call.id)}
            isOffline={cachedIds.has(row.call.id)}
            onOpen={() => ui.openCall(row.call.id)}
            onCheck={() => ui.toggleChecked(row.call.id)}
          />
        )}
      />
    </div>
  );
}

function countActive(f: QueueFilters): number {
  return (
    [f.district, f.service, f.assessorId, f.outcome, f.from, f.to].filter((v) => v !== null).length +
    (f.assignment !== 'anyone' ? 1 : 0)
  );
}

interface QueueItemProps {
  row: QueueRow;
  top: number;
  assessorName: string;
  assigneeName: string;
  isOpen: boolean;
  isChecked: boolean;
  isOffline: boolean;
  onOpen(): void;
  onCheck(): void;
}

function QueueItem({
  row,
  top,
  assessorName,
  assigneeName,
  isOpen,
  isChecked,
  isOffline,
  onOpen,
  onCheck,
}: QueueItemProps) {
  const { call } = row;
  const when = new Date(call.startedAt);
  return (
    <div
      role="listitem"
      className={`rv-qitem${isOpen ? ' is-open' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      data-call={call.id}
    >
      <input
        type="checkbox"
        className="rv-qitem__check"
        checked={isChecked}
        onChange={onCheck}
        aria-label={`Select call ${call.district ?? ''} ${when.toLocaleString('en-GB')}`}
      />
      <button type="button" className="rv-qitem__main" onClick={onOpen} aria-current={isOpen ? 'true' : undefined}>
        <span className="rv-qitem__line">
          <strong>{call.district ?? '—'}</strong>
          <span>{call.service ? SERVICE_LABELS[call.service] : '—'}</span>
          <span className="spacer" />
          <span className="num subtle">{formatClock(call.recording.durationSec ?? call.talkSeconds)}</span>
        </span>
        <span className="rv-qitem__line rv-qitem__sub">
          <span className="rv-qitem__assessor">{assessorName}</span>
          <span className="subtle num">
            {when.toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}
          </span>
        </span>
        <span className="rv-qitem__line rv-qitem__badges">
          {row.outcome && (
            <span
              className={`rv-pill rv-pill--${row.outcome}`}
              title={row.outcomeSource === 'ai' ? 'AI outcome, not yet confirmed' : 'Outcome confirmed by a reviewer'}
            >
              {row.outcomeSource === 'ai' ? 'AI: ' : ''}
              {OUTCOME_LABELS[row.outcome]}
            </span>
          )}
          {row.submitted > 0 && (
            <span className="rv-pill rv-pill--reviewed">Reviewed{row.submitted > 1 ? ` ×${row.submitted}` : ''}</span>
          )}
          {row.myReview?.status === 'draft' && <span className="rv-pill rv-pill--draft">Draft</span>}
          {call.reviewAssignee && (
            <span className="rv-pill">{assigneeName === 'You' ? 'Assigned to you' : assigneeName}</span>
          )}
          {isOffline && (
            <span className="rv-pill rv-pill--offline" title="Available offline">
              Offline
            </span>
          )}
          {call.sandbox && <span className="rv-pill rv-pill--sandbox">Sandbox</span>}
        </span>
      </button>
    </div>
  );
}
