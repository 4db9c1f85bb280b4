import { useEffect, useId, useRef, useState } from 'react';
import { COLLECTION_LABELS } from '../../db/labels';
import { deriveSyncView, type SyncView } from '../../db/sync-status';
import { COLLECTION_NAMES, type CollectionName } from '../../../../shared/schemas';
import { useSessionStore } from '../../state/session';
import { useSyncStore, type CollectionSync } from '../../state/sync';

/**
 * The sync indicator in the top bar: one word and a dot (online, offline, syncing with a progress bar during
 * the first sync, error with its reason), and on click a panel with the details per kind of record.
 * `data-state` carries the state for tests and for styling.
 */
export function SyncIndicator() {
  const sync = useSyncStore();
  const serverUrl = useSessionStore((s) => s.session?.serverUrl ?? s.server.url);
  const view = useSteadyView(deriveSyncView(sync, serverUrl));
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (
        e instanceof KeyboardEvent ? e.key === 'Escape' : !(e.target instanceof Node && ref.current?.contains(e.target))
      )
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div ref={ref} style={{ position: 'relative' }}>
      <button
        type="button"
        className="sync"
        data-testid="sync-indicator"
        data-state={view.state}
        // Which collections finished their first sync: for tests and measurements of the first screen.
        data-initial-done={Object.entries(sync.collections)
          .filter(([, c]) => c.initialDone)
          .map(([name]) => name)
          .join(' ')}
        aria-expanded={open}
        aria-controls={panelId}
        title={view.detail}
        onClick={() => setOpen((o) => !o)}
      >
        {view.state === 'syncing' && view.progress === null ? (
          <span className="spinner" aria-hidden="true" />
        ) : (
          <span className="sync__dot" aria-hidden="true" />
        )}
        <span className="sync__label" role="status" aria-live="polite">
          {view.label}
        </span>
        {view.progress !== null ? (
          <span
            className="progress"
            role="progressbar"
            aria-label="First sync"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(view.progress * 100)}
            data-testid="sync-progress"
          >
            <span className="progress__bar" style={{ width: `${Math.max(4, view.progress * 100)}%` }} />
          </span>
        ) : null}
      </button>
      {open ? (
        <div id={panelId} className="card sync-details" role="dialog" aria-label="Sync details">
          <strong>{view.label}</strong>
          <p className="muted sync-details__text" data-testid="sync-detail">
            {view.detail}
          </p>
          <table>
            <tbody>
              {collectionRows(sync.collections).map(([name, c]) => (
                <tr key={name}>
                  <td>{COLLECTION_LABELS[name]}</td>
                  <td>{collectionState(c, view.state === 'offline')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

/** The collections that have reported, in the schema's order, each with its sync state. */
function collectionRows(
  collections: Partial<Record<CollectionName, CollectionSync>>,
): Array<[CollectionName, CollectionSync]> {
  return COLLECTION_NAMES.flatMap((name): Array<[CollectionName, CollectionSync]> => {
    const c = collections[name];
    return c ? [[name, c]] : [];
  });
}

function collectionState(c: CollectionSync, offline: boolean): string {
  if (offline || c.error?.code === 'NETWORK') return 'waiting for the server';
  if (c.error) return 'error';
  if (!c.initialDone) return c.received ? `${c.received.toLocaleString('en-GB')} received` : 'starting';
  if (c.active) return 'syncing';
  return c.streamConnected === false ? 'reconnecting' : 'up to date';
}

/**
 * Every live change makes a short pull; showing "Syncing…" for each would make the indicator flicker all
 * day. A brief sync after the first one is only shown once it has lasted a moment; the first sync (with its
 * progress bar), errors and going offline show at once.
 */
const BRIEF_SYNC_MS = 600;

function useSteadyView(view: SyncView): SyncView {
  const brief = view.state === 'syncing' && view.progress === null;
  const [shown, setShown] = useState(view);
  useEffect(() => {
    if (!brief) {
      setShown(view);
      return;
    }
    const timer = setTimeout(() => setShown(view), BRIEF_SYNC_MS);
    return () => clearTimeout(timer);
    // The view is rebuilt on every render; its visible parts decide.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [brief, view.state, view.label, view.detail, view.progress]);
  return shown;
}
