/**
 * One window at a time per user database. Two tabs writing the same IndexedDB through RxDB without its
 * cross-tab machinery would each keep stale caches, so the app holds a Web Lock named after the database while
 * it has the database open. A second tab sees the lock taken and offers to move Ringside there; the first one
 * then closes its database and says where the app went. (The desktop app is a single window anyway.)
 */
export interface WindowClaim {
  release(): void;
}

const lockName = (db: string) => `ringside-db:${db}`;

/**
 * Claims the database for this window. Returns null when another window holds it. `onTakenOver` runs when
 * another window asks for it (the holder must close the database, then call `release`).
 */
export async function claimDatabase(
  db: string,
  onTakenOver: () => void,
  opts: { wait?: boolean; timeoutMs?: number } = {},
): Promise<WindowClaim | null> {
  if (typeof navigator === 'undefined' || !navigator.locks) {
    // Without Web Locks (very old browsers) there is no way to tell; proceed as the only window.
    return { release: () => undefined };
  }
  return new Promise<WindowClaim | null>((resolve, reject) => {
    const signal = opts.wait ? AbortSignal.timeout(opts.timeoutMs ?? 10_000) : undefined;
    navigator.locks
      .request(lockName(db), opts.wait ? { signal } : { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        const channel = new BroadcastChannel(lockName(db));
        return new Promise<void>((release) => {
          channel.onmessage = (e: MessageEvent) => {
            if (e.data === 'take-over') onTakenOver();
          };
          resolve({
            release: () => {
              channel.close();
              release();
            },
          });
        });
      })
      .catch((err: unknown) => {
        if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) resolve(null);
        else reject(err);
      });
  });
}

/** Asks the window holding the database to let go, and claims it here once it has. */
export async function takeOverDatabase(db: string, onTakenOver: () => void): Promise<WindowClaim | null> {
  const channel = new BroadcastChannel(lockName(db));
  channel.postMessage('take-over');
  channel.close();
  return claimDatabase(db, onTakenOver, { wait: true, timeoutMs: 10_000 });
}
