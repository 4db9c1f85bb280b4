import { useEffect, useState } from 'react';
import type { Outcome, ReadonlyDoc } from '../../../../../shared/schemas';
import { useDatabase } from '../../../db/hooks';

/**
 * Live data for the queue, read with indexed queries and without copying more than the queue shows.
 *
 * Calls: `recording.state = 'stored'`, newest first, over the `startedAt` index (a date filter becomes an
 * index range). Insights: only the outcome of each finished analysis is read from the stored document
 * (RxDocument.get shares the stored data), never the transcript, so a large queue does not copy megabytes
 * of transcripts on every change.
 */
export function useQueueCalls(
  from: number | null,
  to: number | null,
): { calls: ReadonlyDoc<'calls'>[]; loading: boolean } {
  const db = useDatabase();
  const [state, setState] = useState<{ calls: ReadonlyDoc<'calls'>[]; loading: boolean }>({ calls: [], loading: true });
  useEffect(() => {
    const startedAt: { $gte?: number; $lte?: number } = {};
    if (from !== null) startedAt.$gte = from;
    if (to !== null) startedAt.$lte = to;
    const sub = db.calls
      .find({
        selector: { 'recording.state': 'stored', ...(from !== null || to !== null ? { startedAt } : {}) },
        sort: [{ startedAt: 'desc' }],
      })
      .$.subscribe((docs) => setState({ calls: docs.map((d) => d.toJSON()), loading: false }));
    return () => sub.unsubscribe();
  }, [db, from, to]);
  return state;
}

export function useAiOutcomes(): ReadonlyMap<string, Outcome> {
  const db = useDatabase();
  const [map, setMap] = useState<ReadonlyMap<string, Outcome>>(new Map());
  useEffect(() => {
    const sub = db.insights.find({ selector: { status: 'done' } }).$.subscribe((docs) => {
      const newest = new Map<string, { createdAt: number; outcome: Outcome }>();
      for (const d of docs) {
        // Field getters read the stored data (RxDocument.get) without copying the document.
        const { analysis, callId, createdAt } = d;
        if (!analysis) continue;
        const prev = newest.get(callId);
        if (!prev || createdAt > prev.createdAt) newest.set(callId, { createdAt, outcome: analysis.outcome.value });
      }
      setMap(new Map([...newest].map(([k, v]) => [k, v.outcome])));
    });
    return () => sub.unsubscribe();
  }, [db]);
  return map;
}
