import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../sync-server/src/db';
import { writeAssessorDocs } from '../../sync-server/src/assessors/docs';
import { writeLeadDocs } from '../../sync-server/src/leads/docs';
import { launchChromium, openPage, probeBrowser, screenshot } from '../helpers/browser';
import { ensureRendererBuilt } from '../helpers/build';
import { openTestPglite } from '../helpers/pglite-template';
import { startTestServer, TEST_ADMIN, type TestServer } from '../helpers/server';
import { ingestCall, startFakeTwilio, type FakeTwilio } from '../integration/recordings-fixtures';
import { createStaff, expectNoPageErrors, navLabels, signIn, waitForSyncState } from './support';

/**
 * The admin's records in Chromium (issue 10, part 5): the Audit screen reads a listen as a sentence with the
 * call's people and London time; the Pool screen shows the pool's figures; the Privacy screen previews an
 * erasure with exact counts, asks for the number again, erases and shows the outcome; a reviewer sees none of
 * these screens. Screenshots at 1024, 1280 and 1440 wide go to test-results/screenshots/.
 */
const browserProbe = probeBrowser('e2e admin records');

/** The browser logs the erasure preview's 404 (UNKNOWN_PHONE, "no one with that number") as a failed load. */
const ALLOWED = [/status of 404/];
const PHONE = '+447700900123';
const POOL = '+447700900821';
const SECONDS = 14;
const WIDTHS = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
];

/** A customer with one lead, one assessor, one open pool session and one recorded call, as telephony leaves them. */
async function seedPerson(server: TestServer, twilio: FakeTwilio, startedAt: number) {
  const now = Date.now();
  await server.db.transaction(async (tx: Queryable) => {
    await tx.query(
      `INSERT INTO assessors (id, external_id, name, phone, created_at, updated_at) VALUES ('as-1', 'mk-as-1', 'Gareth Heating', '+447700900555', $1, $1)`,
      [now],
    );
    await tx.query(
      `INSERT INTO pool_numbers (number, source, monthly_cost_pence, acquired_at) VALUES ($1, 'manual', 100, $2)`,
      [POOL, now],
    );
    await tx.query(
      `INSERT INTO leads (id, external_id, request_hash, customer_name, customer_phone, postcode, district, service, created_at)
       VALUES ('lead-1', 'mk-881', 'h', 'Priya Patel', $1, 'W1A 1AA', 'W1', 'boiler', $2)`,
      [PHONE, now],
    );
    await tx.query(
      `INSERT INTO pool_sessions (id, lead_id, assessor_id, customer_phone, assessor_phone, pool_number, created_at, last_activity_at, expires_at)
       VALUES ('ses-1', 'lead-1', 'as-1', $1, '+447700900555', $2, $3, $3, $4)`,
      [PHONE, POOL, now, now + 30 * 86_400_000],
    );
    await writeAssessorDocs(tx, ['as-1'], now);
    await writeLeadDocs(tx, ['lead-1'], now);
  });
  const call = await ingestCall(server, twilio, {
    seconds: SECONDS,
    over: {
      leadId: 'lead-1',
      assessorId: 'as-1',
      direction: 'customer_to_assessor',
      poolNumber: POOL,
      startedAt,
      endedAt: startedAt + SECONDS * 1000,
      talkSeconds: SECONDS,
    },
  });
  await server.db.query(
    `INSERT INTO calls (call_sid, session_id, from_phone, to_number, created_at) VALUES ($1, 'ses-1', $2, $3, $4)`,
    [call.callId, PHONE, POOL, now],
  );
  return call;
}

/** The screen fits the window: nothing in the page scrolls sideways. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.querySelector('.page');
    return !!el && el.scrollWidth <= el.clientWidth + 1 && document.documentElement.scrollWidth <= window.innerWidth;
  });
}

/** Screenshots at each width, checking the layout holds at each; back to the first width afterwards. */
async function shootWidths(page: Page, name: string): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    expect(await fitsWidth(page), `${name} at ${size.width}px scrolls sideways`).toBe(true);
    await screenshot(page, `${name}-${size.width}`);
  }
  await page.setViewportSize(WIDTHS[0]);
}

const countOf = (page: Page, testId: string, id: string) =>
  page.locator(`[data-testid="${testId}"] [data-count="${id}"] dd`).textContent();

describe.skipIf(!browserProbe.available)('admin records in Chromium: audit, pool, privacy', () => {
  let db: Database;
  let twilio: FakeTwilio;
  let server: TestServer;
  let browser: Browser;
  let callId: string;
  let startedAt: number;
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-admin-records-'));

  beforeAll(async () => {
    db = await openTestPglite();
    twilio = await startFakeTwilio();
    server = await startTestServer({
      db,
      env: {
        RENDERER_DIR: await ensureRendererBuilt(),
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_API_BASE_URL: twilio.url,
        RECORDINGS_DIR: recordingsDir,
      },
    });
    browser = await launchChromium();
    startedAt = Date.now() - 3_600_000;
    ({ callId } = await seedPerson(server, twilio, startedAt));
    // A listen, made the way the player makes it.
    const admin = await server.login();
    const listen = await server.api(`/api/calls/${callId}/media-url`, {
      method: 'POST',
      token: admin,
      json: { purpose: 'playback' },
    });
    expect(listen.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await twilio?.close();
    await db?.close();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  it('an admin reads a listen in Audit, the figures in Pool, and previews and performs an erasure in Privacy', async () => {
    const { page, errors, close } = await openPage(browser, { viewport: WIDTHS[0] });
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await waitForSyncState(page, 'online');

    // Audit: the listen as a sentence with names, London time and length; no JSON, no epoch milliseconds.
    await page.getByRole('link', { name: 'Audit' }).click();
    const listenRow = page.locator('[data-testid="audit-entry"][data-action="recording.listen"]');
    const when = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    }).format(startedAt);
    const at = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      minute: '2-digit',
    }).format(startedAt);
    await expect
      .poll(() => listenRow.textContent(), { timeout: 20_000 })
      .toContain(
        `listened to the recording of the call between Priya Patel and Gareth Heating on ${when} at ${at} (${SECONDS}s)`,
      );
    const auditText = (await page.getByTestId('audit-screen').textContent()) ?? '';
    expect(auditText).not.toMatch(/[{}"]|\d{12,}|CA[0-9a-f]{32}/);
    expect(auditText).toContain('signed in');
    await shootWidths(page, 'admin-audit');

    // Pool: the figures for one number carrying one open assignment.
    await page.getByRole('link', { name: 'Pool' }).click();
    await page.getByTestId('pool-owned').waitFor();
    expect(await page.getByTestId('pool-owned').textContent()).toContain('1');
    expect(await page.getByTestId('pool-in-use').textContent()).toMatch(/In use\s*1\s*carrying 1 open assignment/);
    expect(await page.getByTestId('pool-prompt-exposure').textContent()).toContain('0 %');
    expect(await page.getByTestId('pool-cost').textContent()).toContain('£1');
    expect(await page.getByTestId('pool-number').allTextContents()).toEqual([
      expect.stringMatching(/^07700 900821\s*1 open\s*in use\s*£1 \/ month/i),
    ]);
    await shootWidths(page, 'admin-pool');

    // Privacy: the retention periods in force, what a sweep would remove, and a confirmed run.
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByTestId('retention-periods').waitFor();
    expect(await page.getByTestId('retention-periods').textContent()).toContain('1 year (365 days)');
    await expect
      .poll(() => page.getByTestId('retention-preview').textContent())
      .toContain('Nothing is past its retention period.');
    await page.getByRole('button', { name: 'Run the sweep now…' }).click();
    await page.getByRole('button', { name: 'Yes, run the sweep' }).click();
    await expect
      .poll(() => page.getByTestId('retention-outcome').textContent())
      .toContain('The sweep found nothing to remove.');

    // A number no one has is said in words and changes nothing.
    await page.getByLabel('Phone number').fill('07700 900999');
    await page.getByRole('button', { name: 'Show what would be erased' }).click();
    await expect.poll(() => page.getByTestId('erasure-problem').textContent()).toContain('No one with that number');

    // The preview: exact counts, then the number typed again.
    await page.getByLabel('Phone number').fill('07700 900123');
    await page.getByRole('button', { name: 'Show what would be erased' }).click();
    await page.getByTestId('erasure-preview').waitFor();
    expect(await page.getByTestId('erasure-preview').textContent()).toContain('Erasing 07700 900123 would remove');
    expect(await countOf(page, 'erasure-counts', 'recordings')).toBe('1');
    expect(await countOf(page, 'erasure-counts', 'calls')).toBe('1');
    expect(await countOf(page, 'erasure-counts', 'leads')).toBe('1');
    expect(await countOf(page, 'erasure-counts', 'messages')).toBe('0');
    await page.getByLabel('Type the number again to confirm').scrollIntoViewIfNeeded();
    await shootWidths(page, 'admin-privacy-preview');
    const erase = page.getByRole('button', { name: 'Erase this person’s data' });
    await page.getByLabel('Type the number again to confirm').fill('07700 900124');
    expect(await erase.isDisabled()).toBe(true);
    // Still nothing erased: the recording is there.
    expect(
      (await db.query<{ state: string }>(`SELECT state FROM recordings WHERE call_id = $1`, [callId])).rows[0].state,
    ).toBe('stored');
    await page.getByLabel('Type the number again to confirm').fill('+44 7700 900123');
    await erase.click();
    await page.getByTestId('erasure-outcome').waitFor();
    expect(await page.getByTestId('erasure-outcome').textContent()).toContain('Erased the data of 07700 900123');
    expect(await countOf(page, 'erasure-counts', 'recordings')).toBe('1');
    expect(
      (await db.query<{ state: string }>(`SELECT state FROM recordings WHERE call_id = $1`, [callId])).rows[0].state,
    ).toBe('deleted');
    await screenshot(page, 'admin-privacy-erased-1024');

    // The erasure and the lead's new state are in the audit trail as sentences; the call reads anonymously.
    await page.getByRole('link', { name: 'Audit' }).click();
    await expect
      .poll(() => page.locator('[data-testid="audit-entry"][data-action="erasure.phone"]').first().textContent())
      .toContain("erased one person's data by phone number: 1 recording");
    expect(await page.locator('[data-action="erasure.preview"]').allTextContents()).toEqual([
      expect.stringContaining('previewed an erasure by phone number (would remove 1 recording'),
      expect.stringContaining('checked a phone number for erasure: no one with that number'),
    ]);
    expect(await page.locator('[data-action="retention.sweep"]').first().textContent()).toMatch(
      /Administrator \(admin@test\.local\).*ran the retention sweep: removed nothing/,
    );
    expect(await fitsWidth(page)).toBe(true);
    expectNoPageErrors(errors, ALLOWED);
    await close();
  });

  it('a reviewer sees none of these screens', async () => {
    const reviewer = await createStaff(server, await server.login(), {
      email: 'rita@test.local',
      role: 'reviewer',
      name: 'Rita Reviewer',
    });
    const { page, errors, close } = await openPage(browser, { viewport: WIDTHS[0] });
    await signIn(page, server.url, reviewer.email, reviewer.password);
    const labels = await navLabels(page);
    for (const admin of ['Audit', 'Pool', 'Privacy']) expect(labels).not.toContain(admin);
    for (const hash of ['#/audit', '#/pool', '#/privacy']) {
      await page.goto(`${server.url}/${hash}`);
      await page.getByTestId('app-shell').waitFor();
      for (const screen of ['audit-screen', 'pool-screen', 'privacy-screen'])
        expect(await page.getByTestId(screen).count()).toBe(0);
    }
    expectNoPageErrors(errors, ALLOWED);
    await close();
  });
});
