import type { SyncState } from '../state/sync';

/** What the sync indicator shows. `state` is one of four words people already know from other apps. */
export interface SyncView {
  state: 'online' | 'offline' | 'syncing' | 'error';
  /** Short text in the indicator. */
  label: string;
  /** One or two sentences for the details panel (and the indicator's tooltip). */
  detail: string;
  /** 0..1 during the initial sync, else null. */
  progress: number | null;
}

const SAVED_LOCALLY = 'Changes are saved on this device and will sync when the connection is back.';

function timeOfDay(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/**
 * Derives the indicator from replication states, the network flag and server reachability.
 * Pure, so the order of precedence is tested directly: offline beats error (a failing request while
 * offline is expected), error beats syncing (a stuck sync must say why), and the initial sync shows progress.
 */
export function deriveSyncView(s: SyncState, serverUrl: string): SyncView {
  const cols = Object.values(s.collections);
  if (s.stoppedReason) {
    return { state: 'error', label: 'Sync stopped', detail: s.stoppedReason, progress: null };
  }
  if (!s.network) {
    return { state: 'offline', label: 'Offline', detail: `No network connection. ${SAVED_LOCALLY}`, progress: null };
  }
  if (s.serverReachable === false) {
    return {
      state: 'offline',
      label: 'Offline',
      detail: `Cannot reach the server at ${serverUrl}. ${SAVED_LOCALLY}`,
      progress: null,
    };
  }
  const failing = cols.find((c) => c.error && c.error.code !== 'NETWORK');
  if (failing?.error) {
    return { state: 'error', label: 'Sync error', detail: failing.error.message, progress: null };
  }
  if (s.expected === 0) {
    return { state: 'syncing', label: 'Starting sync…', detail: 'Connecting to the server.', progress: 0 };
  }
  const done = cols.filter((c) => c.initialDone).length;
  if (done < s.expected) {
    const received = cols.reduce((n, c) => n + c.received, 0);
    return {
      state: 'syncing',
      label: received > 0 ? `Syncing · ${received.toLocaleString('en-GB')} received` : 'Syncing…',
      detail: `First sync on this device: ${done} of ${s.expected} kinds of records are complete. You can keep working meanwhile.`,
      progress: initialProgress(s),
    };
  }
  if (cols.some((c) => c.active)) {
    return { state: 'syncing', label: 'Syncing…', detail: 'Sending and receiving the latest changes.', progress: null };
  }
  const pending = s.pending ? ` ${s.pending} change${s.pending === 1 ? '' : 's'} waiting to be sent.` : '';
  return {
    state: 'online',
    label: 'Up to date',
    detail: `Connected to ${serverUrl}.${s.lastSyncedAt ? ` Last change synced at ${timeOfDay(s.lastSyncedAt)}.` : ''}${pending}`,
    progress: null,
  };
}

/**
 * Share of the first sync done, weighted by how many changes each collection holds on the server (its head
 * seq), so one large collection moves the bar in proportion to the time it takes. Collections that have not
 * reported yet count as one unit each.
 */
export function initialProgress(s: SyncState): number {
  let total = 0;
  let done = 0;
  const cols = Object.values(s.collections);
  for (const c of cols) {
    const weight = c.headSeq && c.headSeq > 0 ? c.headSeq : 1;
    total += weight;
    if (c.initialDone) done += weight;
    else if (c.headSeq && c.pulledSeq !== null) done += Math.min(1, c.pulledSeq / c.headSeq) * weight;
  }
  total += Math.max(0, s.expected - cols.length);
  return total > 0 ? Math.min(1, done / total) : 0;
}
