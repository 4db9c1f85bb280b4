import type { Logger } from 'pino';
import type { Database, Queryable } from '../db';

/**
 * Where revocations are announced (NOTIFY, delivered at commit to every instance on the same database) so
 * that every instance ends the open live streams of a revoked session or user at once (replication/sse.ts).
 */
export const SESSION_CHANNEL = 'ringside_sessions';

/** A revocation as announced on SESSION_CHANNEL: one session (by its token hash) or every session of a user. */
export type SessionRevocation = { session: string } | { user: string };

export async function announceRevocation(q: Queryable, revoked: SessionRevocation): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [SESSION_CHANNEL, JSON.stringify(revoked)]);
}

/** An open live stream, as the watch knows it. */
export interface WatchedStream {
  user: string;
  session: string | undefined;
  /** The session was revoked: end the stream now. */
  revoked(): void;
  /** Revocations may have been missed (the listening connection was lost): check the session again. */
  recheck(): void;
}

/**
 * The open live streams of one server instance, ended the moment their session or user is revoked on any
 * instance. NOTIFY rather than a check on every event delivered: a stream that carries no change for minutes
 * still ends at once, and delivering an event costs no query.
 */
export class SessionWatch {
  private streams = new Set<WatchedStream>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(
      SESSION_CHANNEL,
      (payload) => {
        let revoked: Partial<{ session: string; user: string }>;
        try {
          revoked = JSON.parse(payload) as typeof revoked;
        } catch (err) {
          this.log.warn({ err, payload }, 'ignored malformed revocation notice');
          return;
        }
        for (const s of [...this.streams]) {
          if ((revoked.user && s.user === revoked.user) || (revoked.session && s.session === revoked.session)) {
            s.revoked();
          }
        }
      },
      () => {
        for (const s of [...this.streams]) s.recheck();
      },
    );
  }

  watch(stream: WatchedStream): () => void {
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  get size(): number {
    return this.streams.size;
  }

  async stop(): Promise<void> {
    this.streams.clear();
    if (this.unlisten) await this.unlisten().catch(() => undefined);
  }
}
