import type { CollectionName } from '../../../../shared/schemas';
import { formatCount } from '../../ui/format';
import { useCount } from '../../db/hooks';
import { COLLECTION_LABELS } from '../../db/labels';
import { workingSet } from '../../db/working-set';
import { useSessionStore } from '../../state/session';
import { useSyncStore } from '../../state/sync';

function describeScope(scope: string | null): string {
  if (!scope) return 'all';
  const recent = /^recent:(\d+)$/.exec(scope);
  if (recent) return `last ${recent[1]} days`;
  if (scope === 'queue') return 'your review queue';
  if (scope === 'mine') return 'yours';
  return scope;
}

function Count({ collection }: { collection: CollectionName }) {
  const n = useCount(collection);
  return <>{formatCount(n)}</>;
}

/** What this device holds for the signed-in user, per kind of record, and how each one syncs. */
export function DeviceData() {
  const role = useSessionStore((s) => s.session?.user.role);
  const sync = useSyncStore((s) => s.collections);
  if (!role) return null;
  return (
    <table className="table" data-testid="device-data">
      <thead>
        <tr>
          <th>Records</th>
          <th>Kept on this device</th>
          <th className="num">Stored</th>
          <th>Sync</th>
        </tr>
      </thead>
      <tbody>
        {workingSet(role).map((plan) => {
          const c = sync[plan.collection];
          const state = !c
            ? 'not started'
            : c.error
              ? c.error.code === 'NETWORK'
                ? 'waiting for the server'
                : c.error.message
              : !c.initialDone
                ? 'first sync running'
                : plan.push
                  ? 'up to date, sends your changes'
                  : 'up to date, read-only';
          return (
            <tr key={plan.collection}>
              <td>{COLLECTION_LABELS[plan.collection]}</td>
              <td className="muted">{describeScope(plan.scope)}</td>
              <td className="num">
                <Count collection={plan.collection} />
              </td>
              <td
                className={c?.error && c.error.code !== 'NETWORK' ? '' : 'muted'}
                style={c?.error && c.error.code !== 'NETWORK' ? { color: 'var(--danger-strong)' } : undefined}
              >
                {state}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
