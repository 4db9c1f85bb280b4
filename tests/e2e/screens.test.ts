import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServe, type ServingServer } from '../../sync-server/src/cli/serve';
import type { Database } from '../../sync-server/src/db';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { launchChromium, openPage, probeBrowser } from '../helpers/browser';
import { ensureRendererBuilt } from '../helpers/build';
import { openTestPglite } from '../helpers/pglite-template';
import { serverClient, TEST_ADMIN, testConfig } from '../helpers/server';
import { until } from '../integration/recordings-fixtures';
import { a11yProblems, checkLayoutAt, checkLayouts, layoutProblems, seriousA11yViolations, VIEWPORTS } from './a11y';
import { createStaff, expectNoPageErrors, navLabels, signIn, waitForSyncState } from './support';

/**
 * Every screen of the app, as each role meets it, over the demo data `npm start` shows (sandbox, a small
 * demo, background jobs on so calls have recordings): the walk follows the navigation the role is given, so
 * screens added later are covered without editing this file. On each screen, and on the states within it
 * that change its layout most (a call open in the review workspace, each of its side tabs), at 1024×700,
 * 1280×720 and 1440×900: a screenshot, nothing wider than the window or cut off inside the work area, and no
 * serious or critical axe-core violation.
 */
const browserProbe = probeBrowser('e2e every screen');
/** Chromium's note that the app's CSP meta tag cannot carry frame-ancestors (the server's header does). */
const CSP_META_NOTE = [/frame-ancestors/];

type Role = 'admin' | 'reviewer' | 'author';

/** File-name part of a screen's label. */
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * Waits (bounded) until the work area has stopped changing: no "Loading…" left and the same markup on two
 * looks in a row. Screens fill from the local database and the first sync as they arrive.
 */
async function settled(page: Page): Promise<void> {
  const snapshot = () =>
    page.evaluate(() => {
      const main = document.querySelector('.shell__main');
      return main ? `${main.innerHTML.length}:${main.textContent ?? ''}` : '';
    });
  const deadline = Date.now() + 20_000;
  let last = await snapshot();
  for (;;) {
    await page.waitForTimeout(200);
    const now = await snapshot();
    if (now === last && !/Loading…/.test(now)) return;
    if (Date.now() > deadline) throw new Error(`the screen did not settle: ${now.slice(0, 300)}`);
    last = now;
  }
}

describe.skipIf(!browserProbe.available)('every screen, every role, three window sizes', () => {
  let dataDir: string;
  let db: Database;
  let serving: ServingServer;
  let browser: Browser;
  const accounts = {} as Record<Role, { email: string; password: string }>;

  beforeAll(async () => {
    const rendererDir = await ensureRendererBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-screens-e2e-'));
    db = await openTestPglite();
    serving = await runServe(testConfig({ DATA_DIR: dataDir, DEMO: '1', JOBS: '1', RENDERER_DIR: rendererDir }), {
      db,
      handleSignals: false,
      demo: { leadsPerDay: 1, days: 4, seed: 7 },
    });
    const summary = await serving.demo;
    expect(summary?.failures).toBe(0);
    // The review screens need calls whose recordings the background jobs have fetched.
    const stored = await until(
      'a stored recording',
      async () =>
        (
          await db.query<{ id: string }>(
            `SELECT id FROM sync_documents WHERE collection = 'calls' AND doc -> 'recording' ->> 'state' = 'stored'`,
          )
        ).rows.map((r) => r.id),
      (ids) => ids.length >= 1,
      120_000,
    );
    const client = serverClient(serving.url);
    const token = await client.login();
    const server = { ...serving, db, ...client };
    accounts.admin = TEST_ADMIN;
    accounts.reviewer = await createStaff(server, token, {
      email: 'rita@test.local',
      role: 'reviewer',
      name: 'Rita Reviewer',
    });
    accounts.author = await createStaff(server, token, {
      email: 'alex@test.local',
      role: 'author',
      name: 'Alex Author',
    });
    // The demo's own reviewers take its calls; one recorded call assigned to this reviewer puts a call in their
    // queue, so their walk opens the workspace too.
    const { users } = (await (await client.api('/api/users', { token })).json()) as {
      users: Array<{ id: string; email: string }>;
    };
    const ritaId = users.find((u) => u.email === accounts.reviewer.email)!.id;
    const call = (await getDocument(db, 'calls', stored[0]))!;
    await db.transaction((tx) => putDocuments(tx, 'calls', [{ ...call, reviewAssignee: ritaId }], Date.now()));
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await serving?.close();
    await db?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Screenshots, layout and axe for the page as it is now; problems are collected, not thrown, to see them all. */
  async function check(page: Page, name: string, problems: string[]): Promise<void> {
    problems.push(...layoutProblems(name, await checkLayouts(page, name)));
    problems.push(...a11yProblems(name, await seriousA11yViolations(page)));
  }

  /** States inside a screen that change its layout: what to do to reach them, by the screen's path. */
  async function statesWithin(page: Page, role: Role, screen: string, problems: string[]): Promise<void> {
    const hash = await page.evaluate(() => location.hash);
    if (hash.startsWith('#/review')) {
      // Every recorded call, when none needs review any more (the demo's reviewers may have done them all).
      if ((await page.locator('.rv-qitem__main').count()) === 0) await page.getByRole('tab', { name: /^All/ }).click();
      await page.locator('.rv-qitem__main').first().click();
      await page.locator('.rv-workspace').waitFor();
      await page
        .locator('.rv-wave[data-painted="true"], .rv-player__state--error')
        .first()
        .waitFor({ timeout: 20_000 });
      await settled(page);
      for (const tab of await page.locator('.rv-tabs [role="tab"]').all()) {
        // Without its count ("Moments 2"), so the file name is the same from run to run.
        const label = slug(((await tab.textContent()) ?? 'tab').replace(/\d+/g, ''));
        await tab.click();
        await settled(page);
        await check(page, `${role}-${screen}-call-${label}`, problems);
      }
      // In the smallest window the transcript is a tab of its own (it is beside the panel from 680 px of
      // workspace up, so it has no tab at the larger sizes).
      const name = `${role}-${screen}-call-transcript`;
      await page.setViewportSize(VIEWPORTS[0]);
      await page.getByRole('tab', { name: 'Transcript' }).click();
      await settled(page);
      problems.push(...layoutProblems(name, [await checkLayoutAt(page, name, VIEWPORTS[0])]));
      problems.push(...a11yProblems(name, await seriousA11yViolations(page)));
      await page.setViewportSize(VIEWPORTS[VIEWPORTS.length - 1]);
    } else if (hash.startsWith('#/scorecards')) {
      await page.locator('.sc-list__item').first().click();
      await page.getByTestId('scorecard-editor').waitFor();
      await settled(page);
      await check(page, `${role}-${screen}-open`, problems);
    } else if (hash.startsWith('#/calibration')) {
      const row = page.locator('.rv-calibration-screen tbody tr').first();
      if (await row.count()) {
        await row.click();
        await settled(page);
        await check(page, `${role}-${screen}-open`, problems);
      }
    }
  }

  for (const role of ['admin', 'reviewer', 'author'] as const) {
    it(`${role}: every screen in the navigation fits 1024×700 to 1440×900 with no serious accessibility problem`, async () => {
      const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
      const problems: string[] = [];
      if (role === 'admin') {
        await page.goto(serving.url);
        await page.getByLabel('Email').waitFor();
        await check(page, 'sign-in', problems);
      }
      await signIn(page, serving.url, accounts[role].email, accounts[role].password);
      await waitForSyncState(page, 'online', 60_000);
      const labels = await navLabels(page);
      expect(labels.length).toBeGreaterThan(0);
      for (const label of labels) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
        await settled(page);
        const screen = slug(label);
        await check(page, `${role}-${screen}`, problems);
        await statesWithin(page, role, screen, problems);
      }
      expect(problems, problems.join('\n')).toEqual([]);
      expectNoPageErrors(errors, CSP_META_NOTE);
      await close();
    });
  }
});
