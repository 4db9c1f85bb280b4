import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The admin's job routes behind the Jobs screen (sync-server/src/jobs/routes.ts): failed
 * analysis and recording jobs with their errors, a retry that puts one back in the queue, and nothing else
 * from the job table (an SMS relay job is not the Jobs screen's to retry).
 */
let server: TestServer;
let admin: string;
let reviewer: string;
const ids: Record<string, number> = {};

async function job(kind: string, status: string, payload: Record<string, unknown>, error: string | null) {
  const { rows } = await server.db.query<{ id: number }>(
    `INSERT INTO jobs (kind, payload, status, attempts, last_error, finished_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $3 IN ('done', 'failed') THEN now() END) RETURNING id`,
    [kind, JSON.stringify(payload), status, status === 'queued' ? 0 : 8, error],
  );
  return rows[0].id;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login();
  const res = await server.api('/api/users', {
    method: 'POST',
    token: admin,
    json: { email: 'rev@test.local', role: 'reviewer', name: 'Rev', password: 'reviewer-password-123' },
  });
  expect(res.status).toBe(201);
  reviewer = await server.login('rev@test.local', 'reviewer-password-123');
  ids.download = await job('recording.download', 'failed', { callId: 'CA-1' }, 'twilio answered 500');
  ids.transcribe = await job('analysis.transcribe', 'failed', { callId: 'CA-2' }, 'rate limited (429)');
  ids.transcribeLater = await job('analysis.transcribe', 'done', { callId: 'CA-2' }, null);
  ids.analyse = await job('analysis.analyse', 'failed', { callId: 'CA-3' }, 'no transcript to analyse');
  ids.queued = await job('analysis.analyse', 'queued', { callId: 'CA-4' }, null);
  ids.relay = await job('sms.relay', 'failed', { messageId: 'm-1' }, 'carrier refused');
});
afterAll(async () => {
  await server?.close();
});

type JobsBody = {
  counts: Array<{ family: string; status: string; jobs: number }>;
  jobs: Array<{
    id: number;
    family: string;
    kind: string;
    error: string | null;
    callId: string | null;
    superseded: boolean;
  }>;
};

describe('admin job routes', () => {
  it('lists failed analysis and recording jobs with their error and call, newest first, and no other kind', async () => {
    const res = await server.api('/api/jobs?status=failed', { token: admin });
    expect(res.status).toBe(200);
    const body = (await res.json()) as JobsBody;
    expect(body.jobs.map((j) => j.id)).toEqual([ids.analyse, ids.transcribe, ids.download]);
    expect(body.jobs.find((j) => j.id === ids.download)).toMatchObject({
      family: 'recording',
      kind: 'recording.download',
      error: 'twilio answered 500',
      callId: 'CA-1',
    });
    expect(body.counts).toContainEqual({ family: 'analysis', status: 'failed', jobs: 2 });
    expect(body.counts.some((c) => c.family === 'sms')).toBe(false);
  });

  it('marks a failure whose call has since had the same job finish', async () => {
    const body = (await (await server.api('/api/jobs?status=failed', { token: admin })).json()) as JobsBody;
    const superseded = Object.fromEntries(body.jobs.map((j) => [j.id, j.superseded]));
    expect(superseded).toEqual({ [ids.transcribe]: true, [ids.analyse]: false, [ids.download]: false });
  });

  it('narrows to one family', async () => {
    const body = (await (await server.api('/api/jobs?family=recording', { token: admin })).json()) as JobsBody;
    expect(body.jobs.map((j) => j.kind)).toEqual(['recording.download']);
    const bad = await server.api('/api/jobs?family=sms', { token: admin });
    expect(bad.status).toBe(400);
  });

  it('retry puts a failed job back in the queue and records who did it', async () => {
    const res = await server.api(`/api/jobs/${ids.download}/retry`, { method: 'POST', token: admin });
    expect(res.status).toBe(200);
    const { rows } = await server.db.query<{ status: string; attempts: number; last_error: string | null }>(
      `SELECT status, attempts, last_error FROM jobs WHERE id = $1`,
      [ids.download],
    );
    expect(rows[0]).toEqual({ status: 'queued', attempts: 0, last_error: null });
    const audit = await server.db.query<{ action: string; actor_label: string }>(
      `SELECT action, actor_label FROM audit_log WHERE subject_type = 'job' AND subject_id = $1`,
      [String(ids.download)],
    );
    expect(audit.rows).toEqual([{ action: 'recording.job.retry', actor_label: 'admin@test.local' }]);
  });

  it('refuses to retry a job that has not failed, a job of another kind, and a non-admin', async () => {
    const queued = await server.api(`/api/jobs/${ids.queued}/retry`, { method: 'POST', token: admin });
    expect(queued.status).toBe(409);
    const relay = await server.api(`/api/jobs/${ids.relay}/retry`, { method: 'POST', token: admin });
    expect(relay.status).toBe(404);
    const { rows } = await server.db.query<{ status: string }>(`SELECT status FROM jobs WHERE id = $1`, [ids.relay]);
    expect(rows[0].status).toBe('failed');
    const asReviewer = await server.api(`/api/jobs/${ids.analyse}/retry`, { method: 'POST', token: reviewer });
    expect(asReviewer.status).toBe(403);
    const list = await server.api('/api/jobs', { token: reviewer });
    expect(list.status).toBe(403);
  });
});
