import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../sync-server/src/db';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { launchChromium, openPage, probeBrowser, screenshot } from '../helpers/browser';
import { openTestPglite } from '../helpers/pglite-template';
import { TEST_ADMIN, type TestServer } from '../helpers/server';
import { assessorDoc, tierChangeDoc } from '../helpers/sync-docs';
import { signIn, startAppServer, waitForSyncState } from './support';

/**
 * The session around the data: the local database belongs to one signed-in user, survives a restart of the
 * app (also offline), lives in one window at a time, and is gone after signing out.
 */
const browserProbe = probeBrowser('e2e session');

describe.skipIf(!browserProbe.available)('sessions and the local database', () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    db = await openTestPglite();
    server = await startAppServer({ db });
    browser = await launchChromium();
    await db.transaction(async (tx) => {
      await putDocuments(tx, 'assessors', [assessorDoc('assessor-cy', { name: 'Cy Okafor' })], Date.now());
      await putDocuments(
        tx,
        'tierChanges',
        [tierChangeDoc('tc-cy', { assessorId: 'assessor-cy', createdAt: Date.now() })],
        Date.now(),
      );
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  const databases = (page: import('playwright-core').Page) =>
    page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.includes('rs_')));

  it('a reload reopens the remembered session and its local database without signing in again', async () => {
    const { page, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByTestId('tier-change-tc-cy').waitFor({ timeout: 20_000 });
    await waitForSyncState(page, 'online');
    await page.reload();
    await page.getByTestId('app-shell').waitFor({ timeout: 20_000 });
    await page.getByTestId('tier-change-tc-cy').waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('Email').count()).toBe(0);
    await close();
  });

  it('shows stored data at once after a reload even when the sync server is unreachable', async () => {
    const { page, context, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByTestId('tier-change-tc-cy').waitFor({ timeout: 20_000 });
    await waitForSyncState(page, 'online');
    // Cut this page off from the sync endpoints (the app's own files still load), then reload.
    await context.route(/\/(sync|api)\//, (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.getByTestId('tier-change-tc-cy').waitFor({ timeout: 20_000 });
    await waitForSyncState(page, 'offline');
    await screenshot(page, 'reopened-offline');
    await context.unroute(/\/(sync|api)\//);
    await waitForSyncState(page, 'online', 60_000);
    await close();
  });

  it('opens one window at a time, and moves to a second window on request', async () => {
    const { page, context, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await waitForSyncState(page, 'online');
    const second = await context.newPage();
    await second.goto(server.url);
    await second.getByTestId('elsewhere').waitFor({ timeout: 20_000 });
    await screenshot(second, 'open-elsewhere');
    await second.getByRole('button', { name: 'Use Ringside in this window' }).click();
    await second.getByTestId('app-shell').waitFor({ timeout: 20_000 });
    await page.getByTestId('elsewhere').waitFor({ timeout: 20_000 });
    await waitForSyncState(second, 'online');
    await close();
  });

  it('an ended session keeps local edits, asks for the password, and sends the edits after signing in again', async () => {
    await db.transaction((tx) =>
      putDocuments(
        tx,
        'tierChanges',
        [tierChangeDoc('tc-dee', { assessorId: 'assessor-cy', toTier: 'platinum', createdAt: Date.now() })],
        Date.now(),
      ),
    );
    const { page, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByTestId('tier-change-tc-dee').waitFor({ timeout: 20_000 });
    await waitForSyncState(page, 'online');

    // The session is signed out elsewhere (its token revoked); the next change from the server reveals it.
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('ringside.session')))!) as {
      token: string;
    };
    expect((await server.api('/api/auth/logout', { method: 'POST', token: stored.token })).status).toBe(200);
    await db.transaction((tx) =>
      putDocuments(tx, 'assessors', [assessorDoc('assessor-ed', { name: 'Ed Quinn' })], Date.now()),
    );
    await page.getByTestId('session-banner').waitFor({ timeout: 30_000 });
    await waitForSyncState(page, 'error');

    // Work goes on locally meanwhile.
    await page.getByTestId('tier-change-tc-dee').getByRole('button', { name: 'Approve' }).click();
    // A person decides, and says why (shared/tiers TR7): the note is required to approve too.
    await page.getByLabel(/reason/).fill('Answers within minutes all month');
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await screenshot(page, 'session-ended-banner');
    expect((await getDocument(db, 'tierChanges', 'tc-dee'))?.status).toBe('proposed');

    await page.getByLabel(`Password for ${TEST_ADMIN.email}`).fill(TEST_ADMIN.password);
    await page.getByTestId('session-banner').getByRole('button', { name: 'Sign in again' }).click();
    await page.getByTestId('session-banner').waitFor({ state: 'detached', timeout: 20_000 });
    await expect
      .poll(async () => (await getDocument(db, 'tierChanges', 'tc-dee'))?.status, { timeout: 30_000 })
      .toBe('approved');
    await waitForSyncState(page, 'online', 30_000);
    await close();
  });

  it('signing out removes this user’s local database and returns to the sign-in screen', async () => {
    const { page, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await waitForSyncState(page, 'online');
    expect((await databases(page)).length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('group', { name: 'Confirm sign out' }).getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Your data was removed from this device');
    await expect.poll(() => databases(page), { timeout: 20_000 }).toEqual([]);
    await close();
  });

  it('checks a new server address before using it, and remembers it', async () => {
    const { page, close } = await openPage(browser);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByLabel('Server address').fill('127.0.0.1:9');
    await page.getByRole('button', { name: 'Use this server' }).click();
    await expect
      .poll(
        () =>
          page
            .getByTestId('server-error')
            .textContent()
            .catch(() => null),
        { timeout: 20_000 },
      )
      .toContain('Cannot reach the server at http://127.0.0.1:9');
    await screenshot(page, 'login-server-error');
    await page.getByLabel('Server address').fill(server.url.replace('http://', ''));
    await page.getByRole('button', { name: 'Use this server' }).click();
    await page.getByTestId('server-address').waitFor();
    expect(await page.getByTestId('server-address').textContent()).toBe(server.url);
    await close();
  });
});
