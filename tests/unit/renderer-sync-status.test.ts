import { describe, expect, it } from 'vitest';
import { deriveSyncView, initialProgress } from '../../renderer/src/db/sync-status';
import type { CollectionSync, SyncState } from '../../renderer/src/state/sync';

const SERVER = 'http://sync.example';

function col(over: Partial<CollectionSync> = {}): CollectionSync {
  return {
    active: false,
    initialDone: true,
    received: 0,
    sent: 0,
    error: null,
    streamConnected: true,
    pulledSeq: null,
    headSeq: null,
    ...over,
  };
}

function state(over: Partial<SyncState> = {}): SyncState {
  return {
    network: true,
    serverReachable: true,
    collections: { calls: col(), leads: col() },
    expected: 2,
    lastSyncedAt: null,
    pending: null,
    stoppedReason: null,
    ...over,
  };
}

describe('sync indicator state', () => {
  it('is online and up to date when every collection finished and nothing runs', () => {
    expect(deriveSyncView(state(), SERVER)).toMatchObject({ state: 'online', label: 'Up to date', progress: null });
  });

  it('says offline without a network, even while requests are failing', () => {
    const s = state({ network: false, collections: { calls: col({ error: { code: 'INTERNAL', message: 'boom' } }) } });
    expect(deriveSyncView(s, SERVER)).toMatchObject({ state: 'offline', label: 'Offline' });
  });

  it('says offline and names the server when the server cannot be reached', () => {
    const view = deriveSyncView(state({ serverReachable: false }), SERVER);
    expect(view.state).toBe('offline');
    expect(view.detail).toContain(`Cannot reach the server at ${SERVER}`);
  });

  it('shows an error with its reason, ahead of a running sync', () => {
    const s = state({
      collections: { calls: col({ active: true, error: { code: 'SCHEMA_OUTDATED', message: 'Update the app.' } }) },
    });
    expect(deriveSyncView(s, SERVER)).toMatchObject({ state: 'error', label: 'Sync error', detail: 'Update the app.' });
  });

  it('does not call a network failure an error (that is the offline state)', () => {
    const s = state({
      collections: { calls: col({ error: { code: 'NETWORK', message: 'cannot reach' } }), leads: col() },
    });
    expect(deriveSyncView(s, SERVER).state).toBe('online');
  });

  it('shows why sync stopped when it was stopped on purpose', () => {
    expect(deriveSyncView(state({ stoppedReason: 'Sign in again.' }), SERVER)).toMatchObject({
      state: 'error',
      label: 'Sync stopped',
      detail: 'Sign in again.',
    });
  });

  it('shows a progress bar during the first sync and a spinner-style syncing state afterwards', () => {
    const first = deriveSyncView(
      state({ collections: { calls: col({ initialDone: false, received: 1200 }), leads: col() } }),
      SERVER,
    );
    expect(first.state).toBe('syncing');
    expect(first.progress).not.toBeNull();
    expect(first.label).toContain('1,200 received');
    const later = deriveSyncView(state({ collections: { calls: col({ active: true }), leads: col() } }), SERVER);
    expect(later).toMatchObject({ state: 'syncing', progress: null });
  });

  it('weights first-sync progress by each collection size on the server', () => {
    const s = state({
      expected: 3,
      collections: {
        calls: col({ initialDone: false, pulledSeq: 5000, headSeq: 10_000 }),
        leads: col({ initialDone: true, headSeq: 100 }),
      },
    });
    // calls half done (5,000 of 10,000), leads done (100), one collection not reported yet (1 unit).
    expect(initialProgress(s)).toBeCloseTo((5000 + 100) / (10_000 + 100 + 1), 5);
  });
});
