import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '../../../db/hooks';
import { useReviewEnv } from '../env';
import { useReviewOutbox } from '../outbox';
import { useReviewUi } from '../ui-store';
import {
  cancelOfflineJob,
  formatBytes,
  makeAvailableOffline,
  refreshOfflineState,
  removeOfflineCopies,
  staleOfflineCopies,
  useOfflineStore,
} from './offline-store';

/**
 * The queue's footer: what is on this device for offline review, the download in progress, and the reviews
 * saved here that the server has not received yet.
 */
export function OfflinePanel() {
  const { user, api, cache } = useReviewEnv();
  const checked = useReviewUi((s) => s.checked);
  const queueIds = useReviewUi((s) => s.listIds);
  const { cachedIds, usage, job, lastJob } = useOfflineStore();
  const { docs: reviewDocs } = useQuery('reviews', { selector: { reviewerId: user.id } });
  const outbox = useReviewOutbox((s) => s.pending);
  // Entries whose review is no longer on this device (signed out and in again) are not shown.
  const waiting = useMemo(() => reviewDocs.filter((r) => r.id in outbox), [reviewDocs, outbox]);
  const [showWaiting, setShowWaiting] = useState(false);

  useEffect(() => {
    void refreshOfflineState(cache).catch(() => undefined);
  }, [cache]);

  // Erasure and retention reach this device as a change of the call's recording state: drop the audio too.
  const cachedList = useMemo(() => [...cachedIds], [cachedIds]);
  const { docs: cachedCalls } = useQuery('calls', { selector: { id: { $in: cachedList } } });
  useEffect(() => {
    const stale = staleOfflineCopies(cachedIds, cachedCalls);
    if (stale.length) void removeOfflineCopies(stale, cache).catch(() => undefined);
  }, [cachedIds, cachedCalls, cache]);

  const start = (ids: readonly string[]) => void makeAvailableOffline(ids, { api, cache });
  const progress = job
    ? job.total === 0
      ? 1
      : (job.done + (job.currentTotal ? job.currentBytes / job.currentTotal : 0)) / job.total
    : 0;

  return (
    <footer className="rv-offline" aria-label="Offline review" data-testid="offline-panel">
      {job ? (
        <div className="rv-offline__job" role="status" data-testid="offline-progress">
          <div className="rv-offline__row">
            <span>
              Downloading <span className="num">{Math.min(job.done + 1, job.total)}</span> of{' '}
              <span className="num">{job.total}</span>
              {job.currentTotal ? (
                <span className="subtle num">
                  {' '}
                  · {formatBytes(job.currentBytes)} of {formatBytes(job.currentTotal)}
                </span>
              ) : null}
            </span>
            <span className="spacer" />
            <button type="button" className="btn btn--sm btn--ghost" onClick={cancelOfflineJob}>
              Cancel
            </button>
          </div>
          <div className="progress" aria-label="Download progress">
            <div className="progress__bar" style={{ width: `${Math.round(progress * 100)}%` }} />
          </div>
        </div>
      ) : (
        <div className="rv-offline__row">
          <button
            type="button"
            className="btn btn--sm"
            disabled={checked.size === 0}
            onClick={() => start([...checked])}
            title="Download the ticked calls' recordings to this device"
          >
            Make {checked.size > 0 ? checked.size : 'selected'} available offline
          </button>
          <button
            type="button"
            className="btn btn--sm btn--ghost"
            disabled={queueIds.length === 0}
            onClick={() => start(queueIds)}
            title="Download every call in the list as filtered"
          >
            Whole list ({queueIds.length})
          </button>
        </div>
      )}
      <div className="rv-offline__row rv-offline__facts">
        <span data-testid="offline-usage">
          <span className="num">{cachedIds.size}</span> {cachedIds.size === 1 ? 'call' : 'calls'} offline
          {usage && (
            <span
              className="subtle num"
              title={
                usage.quotaBytes ? `This device lets Ringside keep up to ${formatBytes(usage.quotaBytes)}.` : undefined
              }
            >
              {' '}
              · {formatBytes(usage.bytes)} used
            </span>
          )}
        </span>
        <span className="spacer" />
        {checked.size > 0 && [...checked].some((id) => cachedIds.has(id)) && !job && (
          <button
            type="button"
            className="link-button"
            onClick={() =>
              void removeOfflineCopies(
                [...checked].filter((id) => cachedIds.has(id)),
                cache,
              )
            }
          >
            Remove selected copies
          </button>
        )}
      </div>
      {lastJob && lastJob.failed.length > 0 && !job && (
        <p className="rv-offline__failed" role="alert">
          {lastJob.failed.length} {lastJob.failed.length === 1 ? 'call' : 'calls'} could not be downloaded:{' '}
          {lastJob.failed[0].message}
        </p>
      )}
      <div className="rv-offline__row">
        <button
          type="button"
          className={`rv-sync-waiting${waiting.length ? ' is-waiting' : ''}`}
          onClick={() => setShowWaiting((v) => !v)}
          aria-expanded={showWaiting}
          data-testid="waiting-to-sync"
          data-count={waiting.length}
          disabled={waiting.length === 0}
        >
          {waiting.length === 0
            ? 'All reviews synced'
            : `${waiting.length} ${waiting.length === 1 ? 'review' : 'reviews'} waiting to sync`}
        </button>
      </div>
      {showWaiting && waiting.length > 0 && (
        <ul className="rv-offline__waiting">
          {waiting.map((r) => (
            <li key={r.id}>
              <button type="button" className="link-button" onClick={() => useReviewUi.getState().openCall(r.callId)}>
                {r.status === 'submitted' ? 'Submitted review' : 'Draft'} · edited{' '}
                {new Date(r.editedAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </footer>
  );
}
