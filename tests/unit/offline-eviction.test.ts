import { describe, expect, it } from 'vitest';
import { staleOfflineCopies } from '../../renderer/src/features/review/offline/offline-store';

describe('offline recording copies', () => {
  it('are dropped once the server no longer holds the recording (erasure or retention)', () => {
    const cached = new Set(['CA1', 'CA2', 'CA3']);
    const calls = [
      { id: 'CA1', recording: { state: 'stored' } },
      { id: 'CA2', recording: { state: 'deleted' } },
      { id: 'CA3', recording: { state: 'stopped' } },
      { id: 'CA4', recording: { state: 'deleted' } },
    ];
    expect(staleOfflineCopies(cached, calls)).toEqual(['CA2', 'CA3']);
  });

  it('keeps copies of calls that are simply not on this device', () => {
    expect(staleOfflineCopies(new Set(['CA9']), [])).toEqual([]);
  });
});
