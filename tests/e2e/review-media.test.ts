import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../sync-server/src/db';
import { launchChromium, openPage, probeBrowser, screenshot } from '../helpers/browser';
import { ensureRendererBuilt } from '../helpers/build';
import { openTestPglite } from '../helpers/pglite-template';
import { startTestServer, TEST_ADMIN, type TestServer } from '../helpers/server';
import { ingestCall, startFakeTwilio, until, type FakeTwilio } from '../integration/recordings-fixtures';
import { expectNoPageErrors, signIn, waitForSyncState } from './support';

/**
 * Signed media URLs are short-lived (MEDIA_URL_TTL_SECONDS). A reviewer who keeps a long call open past that
 * and then seeks to a part not yet loaded must not be stopped: the workspace asks for a fresh URL and plays on.
 */
const browserProbe = probeBrowser('e2e review media URLs');

/** The expired signed URL's refusal, which the player answers by renewing it. */
const ALLOWED = [/Failed to load resource: the server responded with a status of 403/];
const MINUTES = 10;

async function media(page: Page): Promise<{ paused: boolean; currentTime: number; src: string }> {
  return page.evaluate(() => {
    const host = document.querySelector('.rv-wave__canvas')?.firstElementChild as HTMLElement | null;
    const el = host?.shadowRoot?.querySelector('audio');
    if (!el) throw new Error('no audio element');
    return { paused: el.paused, currentTime: el.currentTime, src: el.src };
  });
}

describe.skipIf(!browserProbe.available)('review workspace media URLs', () => {
  let db: Database;
  let twilio: FakeTwilio;
  let server: TestServer;
  let browser: Browser;
  let callId: string;
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-review-media-'));

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
        // The shortest lifetime the configuration allows.
        MEDIA_URL_TTL_SECONDS: '10',
      },
    });
    browser = await launchChromium();
    const seconds = MINUTES * 60;
    const startedAt = Date.now() - 3_600_000;
    ({ callId } = await ingestCall(server, twilio, {
      seconds,
      envelopes: [(t) => (Math.floor(t / 5) % 2 ? 0.6 : 0.02), (t) => (Math.floor(t / 5) % 2 ? 0.02 : 0.6)],
      over: { startedAt, endedAt: startedAt + seconds * 1000, talkSeconds: seconds },
    }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await twilio?.close();
    await db?.close();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  it('a signed URL that expires while the call is open is renewed and playback carries on', async () => {
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.getByRole('link', { name: 'Review' }).click();
    await waitForSyncState(page, 'online');
    await page.locator(`.rv-qitem[data-call="${callId}"] .rv-qitem__main`).click();
    await page.locator('.rv-wave[data-painted="true"]').waitFor({ timeout: 20_000 });
    const first = (await media(page)).src;

    // Wait (bounded) until the server refuses the URL the page holds.
    await until(
      'the signed URL to expire',
      async () => (await fetch(first, { headers: { range: 'bytes=0-1' } })).status,
      (s) => s === 403,
      30_000,
    );

    // Jump near the end, which was never loaded, and play.
    await page.keyboard.press('End');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await page.getByRole('button', { name: 'Play' }).click();
    const renewed = await until(
      'a fresh URL',
      () => media(page),
      (m) => m.src !== first,
      20_000,
    );
    expect(new URL(renewed.src).pathname).toBe(new URL(first).pathname);
    const playing = await until(
      'playback from the same place',
      () => media(page),
      (m) => !m.paused && m.currentTime > MINUTES * 60 - 21,
      20_000,
    );
    expect(playing.currentTime).toBeLessThan(MINUTES * 60);
    expect(await page.locator('.rv-player__state--error').count()).toBe(0);
    await screenshot(page, 'review-url-renewed');
    expectNoPageErrors(errors, ALLOWED);
    await close();
  });
});
