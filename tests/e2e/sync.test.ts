import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionName, DocTypes } from '../../shared/schemas';
import type { Database } from '../../sync-server/src/db';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { launchChromium, openPage, probeBrowser, screenshot } from '../helpers/browser';
import { openTestPglite } from '../helpers/pglite-template';
import { TEST_ADMIN, type TestServer } from '../helpers/server';
import { assessorDoc, callDoc, tierChangeDoc } from '../helpers/sync-docs';
import {
  createStaff,
  expectNoPageErrors,
  recordedSyncStates,
  recordSyncStates,
  signIn,
  startAppServer,
  waitForSyncState,
} from './support';

/**
 * The renderer against a real sync server in Chromium: documents flow both ways through RxDB, an edit made
 * while the server is down reaches it after a restart, and the sync indicator tells the person what happens.
 */
const browserProbe = probeBrowser('e2e sync');
const DAY = 86_400_000;

async function put<C extends CollectionName>(db: Database, collection: C, docs: Array<DocTypes[C]>): Promise<void> {
  await db.transaction((tx) => putDocuments(tx, collection, docs, Date.now()));
}

/** Messages the app logs on purpose while the server is stopped; anything else fails the test. */
const EXPECTED_OFFLINE_NOISE = [/Failed to load resource/, /ERR_CONNECTION_REFUSED/, /ERR_EMPTY_RESPONSE/];

describe.skipIf(!browserProbe.available)('sync between the page and the server', () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  const now = Date.now();

  beforeAll(async () => {
    // The database outlives the server so the server can be stopped and started again on it.
    db = await openTestPglite();
    server = await startAppServer({ db });
    browser = await launchChromium();
    await put(db, 'assessors', [
      assessorDoc('assessor-ann', { name: 'Ann Fletcher' }),
      assessorDoc('assessor-bob', { name: 'Bob Marsh' }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  it('a tier change written on the server appears on the page, and a decision made on the page reaches the server', async () => {
    const { page, errors, close } = await openPage(browser);
    const streams: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('/stream')) streams.push(request.url());
    });
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.getByRole('link', { name: 'Approvals' }).click();
    await waitForSyncState(page, 'online');

    await put(db, 'tierChanges', [
      tierChangeDoc('tc-ann', {
        assessorId: 'assessor-ann',
        fromTier: 'silver',
        toTier: 'gold',
        metrics: { contactRate: 0.93, responseMedianMin: 7.5 },
        createdAt: now - DAY,
      }),
    ]);
    const row = page.getByTestId('tier-change-tc-ann');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('Ann Fletcher');
    await screenshot(page, 'approvals-waiting');

    await row.getByRole('button', { name: 'Approve' }).click();
    await page.getByLabel(/reason/).fill('Consistently fast first contact');
    await screenshot(page, 'approvals-decision-form');
    await page.getByRole('button', { name: 'Confirm approval' }).click();

    await expect
      .poll(async () => (await getDocument(db, 'tierChanges', 'tc-ann'))?.status, { timeout: 20_000 })
      .toBe('approved');
    const stored = await getDocument(db, 'tierChanges', 'tc-ann');
    const me = (await (await server.api('/api/auth/me', { token: await server.login() })).json()) as {
      user: { id: string };
    };
    expect(stored).toMatchObject({
      status: 'approved',
      decidedBy: me.user.id,
      reason: 'Consistently fast first contact',
    });
    // Under the server's CSP header (no violation, no meta frame-ancestors note), the live stream that brought the
    // tier change opened with a single-use ticket, never the session token.
    expectNoPageErrors(errors);
    expect(streams.length).toBeGreaterThan(0);
    for (const url of streams) {
      expect(new URL(url).searchParams.get('ticket')).toMatch(/^rsst_/);
      expect([...new URL(url).searchParams.keys()].sort()).toEqual(['collections', 'ticket']);
    }
    await close();
  });

  it('an edit made while the server is stopped reaches it after a restart on the same port and database, and both sides converge', async () => {
    await put(db, 'tierChanges', [
      tierChangeDoc('tc-bob', { assessorId: 'assessor-bob', fromTier: 'gold', toTier: 'bronze', createdAt: now - DAY }),
    ]);
    const { page, errors, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByTestId('tier-change-tc-bob').waitFor({ timeout: 20_000 });
    await waitForSyncState(page, 'online');

    const port = server.port;
    await server.close();
    await waitForSyncState(page, 'offline');
    await screenshot(page, 'sync-offline');

    // Offline: the decision is stored in the page's database.
    await page.getByTestId('tier-change-tc-bob').getByRole('button', { name: 'Reject' }).click();
    await page.getByLabel(/reason/).fill('Contact rate dipped during a holiday week only');
    await page.getByRole('button', { name: 'Confirm rejection' }).click();
    await page.getByRole('tab', { name: 'Decided' }).click();
    await page.locator('[data-testid="tier-change-tc-bob"][data-status="rejected"]').waitFor();
    // Meanwhile the system proposes another change on the server side (written straight to its database).
    await put(db, 'tierChanges', [
      tierChangeDoc('tc-ann-2', { assessorId: 'assessor-ann', fromTier: 'gold', toTier: 'platinum', createdAt: now }),
    ]);
    expect((await getDocument(db, 'tierChanges', 'tc-bob'))?.status).toBe('proposed');

    server = await startAppServer({ db, env: { PORT: String(port) } });
    expect(server.port).toBe(port);

    await expect
      .poll(async () => (await getDocument(db, 'tierChanges', 'tc-bob'))?.status, { timeout: 60_000 })
      .toBe('rejected');
    expect(await getDocument(db, 'tierChanges', 'tc-bob')).toMatchObject({
      reason: 'Contact rate dipped during a holiday week only',
    });
    await page.getByRole('tab', { name: /Waiting/ }).click();
    await page.getByTestId('tier-change-tc-ann-2').waitFor({ timeout: 60_000 });
    await waitForSyncState(page, 'online', 60_000);
    await screenshot(page, 'sync-converged');
    expectNoPageErrors(errors, EXPECTED_OFFLINE_NOISE);
    await close();
  });

  it('the sync indicator shows syncing with progress, online, offline and an error with its reason', async () => {
    const admin = await server.login();
    const reviewer = await createStaff(server, admin, {
      email: 'sam.reviewer@test.local',
      role: 'reviewer',
      name: 'Sam Reviewer',
    });
    // A review queue large enough that the first sync takes several pulls.
    const queue = Array.from({ length: 3000 }, (_, i) => callDoc(`call-q-${i}`, { startedAt: now - (i % 30) * DAY }));
    await put(db, 'calls', queue);

    const { page, close } = await openPage(browser);
    await recordSyncStates(page);
    await signIn(page, server.url, reviewer.email, reviewer.password);
    // A picture of the progress bar for the record, if the first sync is still running (not asserted here:
    // the recorded states below are).
    if (await page.getByTestId('sync-progress').isVisible()) await screenshot(page, 'sync-first-sync-progress');
    await waitForSyncState(page, 'online', 60_000);
    const states = await recordedSyncStates(page);
    const progress = states
      .filter((s) => s.state === 'syncing' && s.progress !== null)
      .map((s) => s.progress as number);
    expect(
      progress.some((p) => p > 0 && p < 100),
      JSON.stringify(states),
    ).toBe(true);
    expect(states[states.length - 1].state).toBe('online');
    expect(await page.getByTestId('sync-indicator').textContent()).toContain('Up to date');
    await screenshot(page, 'sync-online');

    // Offline: the server goes away.
    const port = server.port;
    await server.close();
    await waitForSyncState(page, 'offline');
    await page.getByTestId('sync-indicator').click();
    expect(await page.getByTestId('sync-detail').textContent()).toContain(`Cannot reach the server at ${server.url}`);
    await screenshot(page, 'sync-offline-details');
    await page.keyboard.press('Escape');
    server = await startAppServer({ db, env: { PORT: String(port) } });
    await waitForSyncState(page, 'online', 60_000);

    // Error: an admin revokes the reviewer; the next change makes the page pull and learn why.
    const revoke = await server.api('/api/users/revoke', {
      method: 'POST',
      token: await server.login(),
      json: { email: reviewer.email },
    });
    expect(revoke.status).toBe(200);
    await put(db, 'calls', [callDoc('call-after-revoke', { startedAt: now })]);
    await waitForSyncState(page, 'error');
    expect(await page.getByTestId('sync-indicator').getAttribute('title')).toBe(
      'Your session was signed out or revoked. Sign in again to keep syncing.',
    );
    await page.getByTestId('session-banner').waitFor();
    await screenshot(page, 'sync-error');
    await close();
  });
});
