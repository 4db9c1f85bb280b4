import { PageHeader } from '../../app/PageHeader';
import { deriveSyncView } from '../../db/sync-status';
import { useSessionStore } from '../../state/session';
import { useSyncStore } from '../../state/sync';
import { DeviceData } from '../sync';

/**
 * For reviewers who work on trains and at home: what is on this device, whether it is in step with the
 * server, and what keeps working without a connection.
 */
export default function OfflineScreen() {
  const sync = useSyncStore();
  const serverUrl = useSessionStore((s) => s.session?.serverUrl ?? '');
  const view = deriveSyncView(sync, serverUrl);
  return (
    <div className="page">
      <PageHeader description="Everything listed here is stored on this device and stays usable without a connection." />
      <div
        className={`alert ${view.state === 'error' ? 'alert--error' : view.state === 'offline' ? 'alert--warn' : 'alert--info'}`}
        style={{ marginBottom: 16 }}
        role="status"
      >
        <div>
          <strong>{view.label}.</strong> {view.detail}
        </div>
      </div>
      <div className="card" style={{ overflow: 'hidden', marginBottom: 16 }}>
        <div className="card__header">
          <h2>On this device</h2>
        </div>
        <DeviceData />
      </div>
      <div className="card">
        <div className="card__body stack">
          <h2>Working offline</h2>
          <p>
            Reviews you write or change are saved on this device at once and sent to the server when it can be reached;
            the sync indicator at the top shows when that has happened. Your review queue is kept here as it was at the
            last sync.
          </p>
          <p className="muted">
            To listen to recordings offline, tick calls in the Review queue and choose “Make selected available offline”
            before you leave.
          </p>
        </div>
      </div>
    </div>
  );
}
