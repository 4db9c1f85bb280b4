import pg from 'pg';
import type { Database, Queryable, QueryResult } from './types';

const INT8_OID = 20;
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

function wrap(q: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const res = await q.query({ text: sql, values: [...params], types: typeParsers });
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  };
}

/** A pg.Pool on a real PostgreSQL server. LISTEN uses one dedicated connection. */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types: typeParsers });
  // Surface connection errors instead of crashing on an idle client's 'error' event.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  let listener: pg.PoolClient | null = null;
  let connecting: Promise<pg.PoolClient> | null = null;
  let closed = false;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const reconnectHandlers = new Set<() => void>();

  /**
   * One dedicated connection carries every LISTEN. When it drops (server restart, network), it is replaced
   * with backoff, every channel is listened to again, and `onReconnect` callbacks run because notifications
   * sent while it was down are lost.
   */
  async function connectListener(): Promise<pg.PoolClient> {
    const client = await pool.connect();
    client.on('notification', (msg) => {
      for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
    });
    const lost = () => {
      if (listener !== client) return;
      listener = null;
      client.release(true);
      if (!closed) void reconnect(1);
    };
    client.on('error', lost);
    client.on('end', lost);
    for (const channel of handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    listener = client;
    return client;
  }

  async function reconnect(attempt: number): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 10_000)));
    if (closed) return;
    try {
      await connectListener();
      for (const h of reconnectHandlers) h();
    } catch {
      void reconnect(attempt + 1);
    }
  }

  async function listenerClient(): Promise<pg.PoolClient> {
    if (listener) return listener;
    connecting ??= connectListener().finally(() => (connecting = null));
    return connecting;
  }

  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload, onReconnect) {
      const client = await listenerClient();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onPayload);
      if (onReconnect) reconnectHandlers.add(onReconnect);
      return async () => {
        set.delete(onPayload);
        if (onReconnect) reconnectHandlers.delete(onReconnect);
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closed = true;
      if (listener) {
        const client = listener;
        listener = null;
        client.release();
      }
      await pool.end();
    },
  };
}
