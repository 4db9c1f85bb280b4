import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Database } from '../../sync-server/src/db';
import { ensureRendererBuilt } from '../helpers/build';
import { startTestServer, type TestServer } from '../helpers/server';

/** Shared steps of the browser tests: a real server serving the real renderer build, driven through the UI. */

export async function startAppServer(opts: { db?: Database; env?: Record<string, string> } = {}): Promise<TestServer> {
  const rendererDir = await ensureRendererBuilt();
  return startTestServer({ db: opts.db, env: { RENDERER_DIR: rendererDir, ...opts.env } });
}

export async function createStaff(
  server: TestServer,
  adminToken: string,
  user: { email: string; role: 'admin' | 'reviewer' | 'author'; name?: string },
) {
  const password = `${user.role}-password-123`;
  const res = await server.api('/api/users', { method: 'POST', token: adminToken, json: { ...user, password } });
  if (res.status !== 201) throw new Error(`creating ${user.email}: ${res.status} ${await res.text()}`);
  return { email: user.email, password };
}

/** Signs in through the sign-in screen and waits until the app shell is shown. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('app-shell').waitFor({ timeout: 20_000 });
}

/** Waits (bounded) until the sync indicator shows `state`. */
export async function waitForSyncState(
  page: Page,
  state: 'online' | 'offline' | 'syncing' | 'error',
  timeout = 30_000,
): Promise<void> {
  await page.locator(`[data-testid="sync-indicator"][data-state="${state}"]`).waitFor({ timeout });
}

export async function navLabels(page: Page): Promise<string[]> {
  return (await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).map((s) =>
    s.trim(),
  );
}

/** Fails with the page's own errors in the message, which is usually the fastest way to the cause. */
export function expectNoPageErrors(errors: string[], allowed: RegExp[] = []): void {
  const unexpected = errors.filter((e) => !allowed.some((re) => re.test(e)));
  expect(unexpected, unexpected.join('\n')).toEqual([]);
}

/**
 * Records every state the sync indicator takes (and the progress values it shows) from the first paint,
 * so a test can check that a short-lived state such as the first sync's progress bar was shown, without
 * racing to catch it on screen. Call before `page.goto`.
 */
export async function recordSyncStates(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __syncStates: Array<{ state: string; progress: number | null; label: string }> };
    w.__syncStates = [];
    const record = () => {
      const el = document.querySelector('[data-testid="sync-indicator"]');
      if (!el) return;
      const bar = el.querySelector('[role="progressbar"]');
      const entry = {
        state: el.getAttribute('data-state') ?? '',
        progress: bar ? Number(bar.getAttribute('aria-valuenow')) : null,
        label: el.textContent ?? '',
      };
      const last = w.__syncStates[w.__syncStates.length - 1];
      if (!last || last.state !== entry.state || last.progress !== entry.progress) w.__syncStates.push(entry);
    };
    new MutationObserver(record).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
}

export async function recordedSyncStates(
  page: Page,
): Promise<Array<{ state: string; progress: number | null; label: string }>> {
  return page.evaluate(
    () =>
      (window as unknown as { __syncStates: Array<{ state: string; progress: number | null; label: string }> })
        .__syncStates,
  );
}

/** Builds a test page folder (index.html + script) into a fresh temporary folder; see tests/helpers/build-page.ts. */
export function buildTestPage(root: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-test-page-'));
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('tests/helpers/build-page.ts'), root, out], {
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`building ${root} failed:\n${res.stdout}\n${res.stderr}`);
  return out;
}
