import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { TEST_ADMIN } from '../helpers/server';
import { launchChromium, openPage, probeBrowser, screenshot } from '../helpers/browser';
import { createStaff, navLabels, signIn, startAppServer } from './support';

const browserProbe = probeBrowser('e2e app shell');
const ADMIN_NAV = ['Contacts', 'Review', 'Courses', 'Approvals', 'Dashboards', 'Audit', 'Settings'];

describe.skipIf(!browserProbe.available)('app shell in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchChromium();
    adminToken = await server.login();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the sign-in screen with the server that served the page', async () => {
    const { page, close } = await openPage(browser);
    await page.goto(server.url);
    await page.getByLabel('Email').waitFor();
    expect(await page.getByTestId('server-address').textContent()).toBe(server.url);
    await screenshot(page, 'login');
    await close();
  });

  it('a wrong password says so in words, using the server error code', async () => {
    const { page, close } = await openPage(browser);
    await page.goto(server.url);
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() =>
        page
          .getByTestId('login-error')
          .textContent()
          .catch(() => null),
      )
      .toBe('The email or password is not right.');
    await screenshot(page, 'login-error');
    await close();
  });

  it('an admin sees the admin navigation and the sandbox label', async () => {
    const { page, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    const labels = await navLabels(page);
    // The admin's screens in this order (features may add their own in between), and no other role's.
    expect(labels.filter((l) => ADMIN_NAV.includes(l))).toEqual(ADMIN_NAV);
    expect(labels).not.toContain('Offline');
    expect(labels).not.toContain('Clips');
    await page.getByTestId('sandbox-badge').waitFor();
    await screenshot(page, 'admin-shell');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Staff accounts' }).waitFor();
    await screenshot(page, 'admin-settings');
    await close();
  });

  it('a reviewer and an author each see their own navigation', async () => {
    const reviewer = await createStaff(server, adminToken, {
      email: 'rita@test.local',
      role: 'reviewer',
      name: 'Rita Reviewer',
    });
    const author = await createStaff(server, adminToken, {
      email: 'arun@test.local',
      role: 'author',
      name: 'Arun Author',
    });
    const r = await openPage(browser);
    await signIn(r.page, server.url, reviewer.email, reviewer.password);
    expect(await navLabels(r.page)).toEqual(['Review queue', 'Offline']);
    await r.page.getByRole('link', { name: 'Offline' }).click();
    await r.page.getByTestId('device-data').waitFor();
    await screenshot(r.page, 'reviewer-offline');
    await r.close();
    const a = await openPage(browser);
    await signIn(a.page, server.url, author.email, author.password);
    expect(await navLabels(a.page)).toEqual(['Courses', 'Clips']);
    await a.close();
  });
});
