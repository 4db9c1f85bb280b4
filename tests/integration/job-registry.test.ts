import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupeKeyOf, JOB_KINDS } from '../../sync-server/src/jobs/kinds';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The job registry (sync-server/src/jobs/kinds.ts): a kind's dedupe key is built in one place, a stored payload
 * that does not match its kind's schema fails the job before any handler runs, a failed job can be put back by
 * the same key, and the one job list filters by kind.
 */
let server: TestServer;
let admin: string;
const SID = 'RE' + 'a1'.repeat(16);

async function row(key: string) {
  const { rows } = await server.db.query<{ id: number; status: string; attempts: number; kind: string }>(
    'SELECT id, status, attempts, kind FROM jobs WHERE dedupe_key = $1',
    [key],
  );
  return rows;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login();
});
afterAll(async () => {
  await server?.close();
});

describe('job registry', () => {
  it('builds the twilio-delete key once: a second request for the same recording is the same job', async () => {
    const first = await server.ctx.jobs.enqueue(server.db, 'recording.twilio-delete', { recordingSid: SID });
    const second = await server.ctx.jobs.enqueue(server.db, 'recording.twilio-delete', { recordingSid: SID });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(dedupeKeyOf('recording.twilio-delete', { recordingSid: SID })).toBe(`twilio-delete:${SID}`);
    expect(await row(`twilio-delete:${SID}`)).toEqual([
      { id: first, status: 'queued', attempts: 0, kind: 'recording.twilio-delete' },
    ]);
  });

  it('puts a job that failed for good back in the queue when asked again by its key', async () => {
    await server.db.query(`UPDATE jobs SET status = 'failed', attempts = 8 WHERE dedupe_key = $1`, [
      `twilio-delete:${SID}`,
    ]);
    await server.ctx.jobs.enqueueOrRevive(server.db, 'recording.twilio-delete', { recordingSid: SID });
    expect(await row(`twilio-delete:${SID}`)).toMatchObject([{ status: 'queued', attempts: 0 }]);
  });

  it('fails a job whose stored payload does not match its kind, before the handler runs', async () => {
    const { rows } = await server.db.query<{ id: number }>(
      `INSERT INTO jobs (kind, payload) VALUES ('sms.relay', '{"messageId": 42}') RETURNING id`,
    );
    await server.ctx.jobs.drain(['sms.relay']);
    const { rows: after } = await server.db.query<{ status: string; attempts: number; last_error: string }>(
      'SELECT status, attempts, last_error FROM jobs WHERE id = $1',
      [rows[0].id],
    );
    expect(after[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(after[0].last_error).toMatch(/^invalid sms\.relay payload: messageId: /);
  });

  it('lists every kind with a payload schema', () => {
    for (const [kind, entry] of Object.entries(JOB_KINDS))
      expect(typeof entry.payload.safeParse, kind).toBe('function');
    expect(JOB_KINDS['recording.download'].payload.safeParse({ callSid: 'CA1' }).success).toBe(false);
  });

  it('the one job list filters by kind and refuses a kind it does not show', async () => {
    await server.ctx.jobs.enqueue(server.db, 'analysis.transcribe', { callId: 'CA-kind-filter' });
    const res = await server.api('/api/jobs?kind=analysis.transcribe', { token: admin });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { jobs: Array<{ kind: string }> };
    expect(body.jobs.length).toBeGreaterThan(0);
    expect(new Set(body.jobs.map((j) => j.kind))).toEqual(new Set(['analysis.transcribe']));
    const bad = await server.api('/api/jobs?kind=sms.relay', { token: admin });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });
});

/** Compile-time: enqueue checks the payload against its kind (npm run typecheck fails if these compile). */
export function typedEnqueueExamples(s: TestServer): void {
  // @ts-expect-error a twilio-delete job needs a recordingSid
  void s.ctx.jobs.enqueue(s.db, 'recording.twilio-delete', { callId: 'x' });
  // @ts-expect-error no such kind
  void s.ctx.jobs.enqueue(s.db, 'recording.nothing', {});
}
