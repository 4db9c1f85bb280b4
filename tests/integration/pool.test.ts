import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAssessor, addNumbers, api, startTelephony, type Telephony } from './voice-setup';
import { runCli } from '../helpers/cli';

/** The pool on a real server: buying numbers through the (sandbox's) REST API within the budget, and the report. */
let t: Telephony;

beforeAll(async () => {
  // Budget for three numbers at £1.
  t = await startTelephony({ POOL_MONTHLY_BUDGET_PENCE: '300', POOL_NUMBER_MONTHLY_PENCE: '100' });
  await addNumbers(t, ['+447700900821']);
  for (let i = 1; i <= 4; i++) await addAssessor(t, `pool-asr-${i}`, `Assessor ${i}`, `+44770090017${i}`);
});
afterAll(async () => {
  await t?.close();
});

const counts = async () =>
  (
    await t.server.db.query<{ leads: number; sessions: number; numbers: number }>(
      `SELECT (SELECT count(*)::int FROM leads) AS leads, (SELECT count(*)::int FROM pool_sessions) AS sessions, (SELECT count(*)::int FROM pool_numbers) AS numbers`,
    )
  ).rows[0];

describe('number pool on the server', () => {
  it('buys a GB mobile number through the REST API when the customer side runs out, pointing its webhooks here', async () => {
    const r = await api(t, '/api/leads', {
      externalId: 'pool-lead-1',
      customer: { name: 'Ann', phone: '+447700900181' },
      postcode: 'E17 4PP',
      service: 'boiler',
      assessorIds: ['pool-asr-1', 'pool-asr-2', 'pool-asr-3'],
    });
    expect(r.status).toBe(201);
    const numbers = r.body!.assignments.map((a: { poolNumber: string }) => a.poolNumber);
    expect(new Set(numbers).size).toBe(3);
    const bought = await t.server.db.query<{ number: string; twilio_sid: string }>(
      `SELECT number, twilio_sid FROM pool_numbers WHERE source = 'purchased' ORDER BY number`,
    );
    expect(bought.rows).toHaveLength(2);
    for (const row of bought.rows) {
      expect(row.twilio_sid).toMatch(/^PN/);
      const owned = t.sandbox.numbers.lookup(row.number)!;
      expect(owned).toMatchObject({
        voiceUrl: `${t.server.url}/twilio/voice`,
        smsUrl: `${t.server.url}/twilio/sms`,
        statusCallback: `${t.server.url}/twilio/voice/status`,
      });
    }
  });

  it('answers POOL_EXHAUSTED when another number would break the monthly budget, writing nothing', async () => {
    const before = await counts();
    const r = await api(t, '/api/leads/pool-lead-1/assignments', { assessorIds: ['pool-asr-4'] });
    expect(r).toMatchObject({ status: 503, body: { error: { code: 'POOL_EXHAUSTED' } } });
    expect(r.body!.error.message).toMatch(/budget/);
    expect(await counts()).toEqual(before);
  });

  it('reports numbers owned, in use and needed, the extension rate and the cost against one number per assignment', async () => {
    // Another customer for assessor 1: reuses the numbers (an extension where assessor 1 already has one).
    for (let i = 0; i < 4; i++) {
      const r = await api(t, '/api/leads', {
        externalId: `pool-more-${i}`,
        customer: { name: `C${i}`, phone: `+44770090019${i}` },
        postcode: 'E17 4PP',
        service: 'boiler',
        assessorIds: ['pool-asr-1'],
      });
      expect(r.status).toBe(201);
    }
    const res = await t.server.api('/api/pool/report', { token: t.admin });
    expect(res.status).toBe(200);
    const { report, numbers } = (await res.json()) as {
      report: Record<string, number>;
      numbers: Array<{ openSessions: number }>;
    };
    expect(report).toMatchObject({
      numbersOwned: 3,
      numbersInUse: 3,
      numbersNeeded: 3,
      openSessions: 7,
      sessionsWithExtension: 7,
      monthlyCostPence: 300,
      assignmentsInMonth: 7,
      oneNumberPerAssignmentPence: 700,
    });
    expect(report.extensionRate).toBeCloseTo(1);
    expect(numbers.reduce((n, x) => n + x.openSessions, 0)).toBe(7);
    expect((await t.server.api('/api/pool/report', { token: t.apiKey })).status).toBe(403);
  });

  it('lists each number with its cost and since when it is held, for admins only', async () => {
    const res = await t.server.api('/api/pool/report', { token: t.admin });
    const { numbers } = (await res.json()) as {
      numbers: Array<{ number: string; source: string; monthlyCostPence: number; acquiredAt: string; active: boolean }>;
    };
    expect(numbers.map((n) => n.number)).toContain('+447700900821');
    for (const n of numbers) {
      expect(n.monthlyCostPence).toBe(100);
      expect(Number.isNaN(Date.parse(n.acquiredAt))).toBe(false);
      expect(n.active).toBe(true);
    }
    for (const role of ['reviewer', 'author'] as const) {
      const email = `pool-${role}@test.local`;
      const created = await t.server.api('/api/users', {
        method: 'POST',
        token: t.admin,
        json: { email, password: `${role}-password-123`, role, name: role },
      });
      expect(created.status).toBe(201);
      const token = await t.server.login(email, `${role}-password-123`);
      const denied = await t.server.api('/api/pool/report', { token });
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    expect((await t.server.api('/api/pool/report')).status).toBe(401);
  });
});

describe('pool CLI', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-pool-cli-'));
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DATABASE_URL: '',
    TWILIO_ACCOUNT_SID: '',
    TWILIO_AUTH_TOKEN: '',
  };
  const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli(args, { ...env, ...extraEnv });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('adds numbers in any UK format, lists them and prints the report; refuses a bad number', async () => {
    const add = await cli(['pool', 'add', '07700 900831', '+44 7700 900832', '--json']);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ added: ['+447700900831', '+447700900832'], existing: [] });
    const bad = await cli(['pool', 'add', '12345']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_PHONE/);
    const list = JSON.parse((await cli(['pool', 'list', '--json'])).stdout) as Array<{
      number: string;
      active: boolean;
    }>;
    expect(list.map((n) => n.number)).toEqual(['+447700900831', '+447700900832']);
    const report = await cli(['pool', 'report']);
    expect(report.stdout).toMatch(/numbers owned: +2/);
    expect(report.stdout).toMatch(/monthly cost: +£2\.00/);
    // --configure points an owned number's webhooks at this server through the REST API (here the sandbox's).
    const configured = await cli(['pool', 'add', '07700 900833', '--configure', '--json'], {
      TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'b'.repeat(32),
      TWILIO_API_BASE_URL: t.sandbox.url,
      PUBLIC_BASE_URL: 'https://ringside.example.co.uk',
    });
    expect(configured.code, configured.stderr).toBe(0);
    expect(JSON.parse(configured.stdout)).toMatchObject({ added: ['+447700900833'], configured: ['+447700900833'] });
    expect(t.sandbox.numbers.lookup('+447700900833')).toMatchObject({
      voiceUrl: 'https://ringside.example.co.uk/twilio/voice',
      smsUrl: 'https://ringside.example.co.uk/twilio/sms',
      statusCallback: 'https://ringside.example.co.uk/twilio/voice/status',
    });
  }, 300_000); // five CLI processes, each opening the embedded database
});
