import { useEffect, useState } from 'react';
import { preparing as preparingContract, type Preparing } from '../../../../../shared/contracts/recordings';
import { callApi } from '../../../api/client';
import { useSessionStore } from '../../../state/session';

/** GET /api/queue/preparing: calls still on their way to the review queue (sync-server/src/demo/preparing.ts). */
export type { Preparing };

/** Asked again this often while something is on its way, and less often once nothing is. */
const BUSY_MS = 10_000;
const IDLE_MS = 60_000;

/**
 * What the server is still preparing, asked for now and then while the queue is open. Null until the first
 * answer, and whenever the server cannot be asked (offline): the queue then shows no hint rather than a stale one.
 */
export function usePreparing(): Preparing | null {
  const session = useSessionStore((s) => s.session);
  const [state, setState] = useState<Preparing | null>(null);
  useEffect(() => {
    if (!session) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      let next: Preparing | null = null;
      try {
        next = await callApi(session.serverUrl, preparingContract, {}, { token: session.token });
      } catch {
        next = null;
      }
      if (stopped) return;
      setState(next);
      timer = setTimeout(() => void ask(), next && (next.calls > 0 || next.analysing > 0) ? BUSY_MS : IDLE_MS);
    };
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [session]);
  return state;
}

/**
 * The hint's words: `27 calls still being prepared (15 being placed, 12 recordings downloading)` and
 * `4 being transcribed and analysed`.
 */
export function preparingText(p: Preparing): { main: string | null; analysing: string | null } {
  const parts: string[] = [];
  if (p.placing) parts.push(`${p.placing} being placed`);
  if (p.downloading) parts.push(`${p.downloading} ${p.downloading === 1 ? 'recording' : 'recordings'} downloading`);
  return {
    main:
      p.calls > 0 ? `${p.calls} ${p.calls === 1 ? 'call' : 'calls'} still being prepared (${parts.join(', ')})` : null,
    analysing: p.analysing > 0 ? `${p.analysing} being transcribed and analysed` : null,
  };
}
