import type { Logger } from 'pino';
import { z } from 'zod';
import { COLLECTION_NAMES, type CollectionName } from '../../../shared/schemas';
import type { Database } from '../db';
import { SYNC_CHANNEL } from './store';

export interface ChangeEvent {
  collection: CollectionName;
  seq: number;
}

/** A NOTIFY payload as store.ts sends it. */
const ChangeEventJson: z.ZodType<ChangeEvent> = z.object({ collection: z.enum(COLLECTION_NAMES), seq: z.number() });

/**
 * Turns committed writes into live events. Writers NOTIFY on commit (store.ts); every instance LISTENs, so a
 * client streaming from instance A learns of a write made through instance B.
 */
export class ChangeFeed {
  private listeners = new Set<(e: ChangeEvent) => void>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(
      SYNC_CHANNEL,
      (payload) => {
        try {
          this.emit(ChangeEventJson.parse(JSON.parse(payload)));
        } catch (err) {
          this.log.warn({ err, payload }, 'ignored malformed change notification');
        }
      },
      () => {
        // Changes committed while the LISTEN connection was down were not announced: tell every stream to
        // pull (a pull from the client's checkpoint is always safe).
        this.log.warn('change feed reconnected; asking every client to re-sync');
        for (const collection of COLLECTION_NAMES) this.emit({ collection, seq: -1 });
      },
    );
  }

  private emit(event: ChangeEvent): void {
    for (const l of this.listeners) l(event);
  }

  subscribe(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    if (this.unlisten) await this.unlisten().catch(() => undefined);
  }
}

/**
 * Runs `apply` whenever documents of `collection` change (and once at start, for changes made while no
 * instance listened): one run at a time per instance, and a change arriving during a run asks for one more,
 * so bursts coalesce and nothing is missed. Used by listeners that act on what admins push (tier decisions,
 * price overrides); `apply` must be idempotent, as every instance runs it.
 */
export function whenCollectionChanges(
  ctx: { feed: ChangeFeed; log: Logger; shutdown: AbortController },
  collection: string,
  what: string,
  apply: () => Promise<unknown>,
): void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (ctx.shutdown.signal.aborted) return;
        await apply();
      } while (again);
    } catch (err) {
      if (!ctx.shutdown.signal.aborted) ctx.log.error({ err }, `${what} failed`);
    } finally {
      running = false;
    }
  };
  ctx.feed.subscribe((e) => {
    if (e.collection === collection) void run();
  });
  void run();
}
