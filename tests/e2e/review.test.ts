import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightId } from '../../shared/analysis';
import type { InsightDoc, ReviewDoc, ScorecardDoc, TranscriptSegment } from '../../shared/schemas';
import { LocalAnalyser } from '../../sync-server/src/analysis/local/analyser';
import type { Database } from '../../sync-server/src/db';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { launchChromium, openPage, probeBrowser, screenshot } from '../helpers/browser';
import { ensureRendererBuilt } from '../helpers/build';
import { openTestPglite } from '../helpers/pglite-template';
import { startTestServer, TEST_ADMIN, type TestServer } from '../helpers/server';
import { assessorDoc } from '../helpers/sync-docs';
import { ingestCall, startFakeTwilio, until, type FakeTwilio } from '../integration/recordings-fixtures';
import { a11yProblems, checkLayouts, layoutProblems, seriousA11yViolations } from './a11y';
import { createStaff, expectNoPageErrors, signIn, waitForSyncState } from './support';

/**
 * The QA review workspace in Chromium against a real sync server, with recordings ingested through the real
 * pipeline (download from a Twilio stand-in, peaks per channel, MP3). An admin defines a scorecard and assigns
 * a call; a reviewer filters the queue, opens the call, sees the Customer and Assessor lanes, plays it, seeks
 * and changes speed with the keyboard, marks a labelled moment, scores the call and submits, and the review
 * is on the server. Then offline: three calls made available offline, the server stopped, one reviewed,
 * the server started again, and the review arrives.
 */
const browserProbe = probeBrowser('e2e review workspace');

const SECONDS = 40;
/** Who speaks when in the synthetic recordings (tone bursts), mirrored by the transcript below. */
const TURNS: Array<{ speaker: 'customer' | 'assessor'; start: number; end: number; text: string }> = [
  {
    speaker: 'assessor',
    start: 0.5,
    end: 6,
    text: 'Hello, this is Sam from Bright Heating returning your enquiry about the boiler.',
  },
  {
    speaker: 'customer',
    start: 6.5,
    end: 12,
    text: 'Hi, yes, it stopped working yesterday. How much would a repair cost?',
  },
  {
    speaker: 'assessor',
    start: 12.5,
    end: 20,
    text: 'The visit is free and I can come on Thursday morning at ten to look at it.',
  },
  { speaker: 'customer', start: 20.5, end: 26, text: 'Thursday at ten works for me, please book it in.' },
  {
    speaker: 'assessor',
    start: 26.5,
    end: 34,
    text: "Great, you're booked for Thursday at ten. I'll text you a confirmation.",
  },
  { speaker: 'customer', start: 34.5, end: 39, text: 'Perfect, thank you very much.' },
];
const speaking = (speaker: 'customer' | 'assessor') => (t: number) =>
  TURNS.some((x) => x.speaker === speaker && t >= x.start && t < x.end) ? 0.7 : 0.02;

/** Chromium's note that the app's CSP meta tag cannot carry frame-ancestors (the server's header does). */
const CSP_META_NOTE = [/frame-ancestors/];
/** Messages the app logs on purpose while the server is stopped; anything else fails the test. */
const EXPECTED_OFFLINE_NOISE = [
  /Failed to load resource/,
  /ERR_CONNECTION_REFUSED/,
  /ERR_EMPTY_RESPONSE/,
  ...CSP_META_NOTE,
];

async function clockSeconds(page: Page): Promise<number> {
  return Number(await page.getByTestId('clock').getAttribute('data-seconds'));
}

/** The <audio> element wavesurfer plays through (it lives in wavesurfer's shadow root). */
async function media(page: Page): Promise<{ paused: boolean; playbackRate: number; currentTime: number; src: string }> {
  return page.evaluate(() => {
    const host = document.querySelector('.rv-wave__canvas')?.firstElementChild as HTMLElement | null;
    const el = host?.shadowRoot?.querySelector('audio');
    if (!el) throw new Error('no audio element');
    return { paused: el.paused, playbackRate: el.playbackRate, currentTime: el.currentTime, src: el.src };
  });
}

/** Runs a test's steps; on failure keeps a screenshot of the page as it was, which usually shows why. */
async function withFailureShot(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (err) {
    await screenshot(page, `${name}-failure`).catch(() => undefined);
    throw err;
  }
}

async function pollPage<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  return until(what, probe, ok, ms);
}

describe.skipIf(!browserProbe.available)('QA review workspace', () => {
  let db: Database;
  let twilio: FakeTwilio;
  let server: TestServer;
  let browser: Browser;
  let env: Record<string, string>;
  let reviewer: { email: string; password: string; id: string };
  const calls: Array<{ callId: string; district: string }> = [];
  let target: string;
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-review-e2e-'));

  const start = async (port?: number) => {
    server = await startTestServer({ db, env: { ...env, ...(port ? { PORT: String(port) } : {}) } });
  };

  beforeAll(async () => {
    // The database and the recordings directory outlive the server, so it can be stopped and started again.
    db = await openTestPglite();
    twilio = await startFakeTwilio();
    env = {
      RENDERER_DIR: await ensureRendererBuilt(),
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_API_BASE_URL: twilio.url,
      RECORDINGS_DIR: recordingsDir,
    };
    await start();
    browser = await launchChromium();

    const now = Date.now();
    await db.transaction((tx) =>
      putDocuments(
        tx,
        'assessors',
        [assessorDoc('assessor-ann', { name: 'Ann Fletcher' }), assessorDoc('assessor-bob', { name: 'Bob Marsh' })],
        now,
      ),
    );
    // Five recorded calls through the real recordings pipeline, in two districts.
    const plan = [
      { district: 'E17', service: 'boiler', assessorId: 'assessor-ann' },
      { district: 'E17', service: 'plumbing', assessorId: 'assessor-bob' },
      { district: 'N1', service: 'boiler', assessorId: 'assessor-ann' },
      { district: 'N1', service: 'electrical', assessorId: 'assessor-bob' },
      { district: 'N1', service: 'solar', assessorId: 'assessor-ann' },
    ] as const;
    for (const [i, p] of plan.entries()) {
      const startedAt = now - (i + 1) * 3_600_000;
      const { callId } = await ingestCall(server, twilio, {
        seconds: SECONDS,
        envelopes: [speaking('customer'), speaking('assessor')],
        over: { ...p, startedAt, endedAt: startedAt + SECONDS * 1000, talkSeconds: SECONDS, leadId: `lead-${i}` },
      });
      calls.push({ callId, district: p.district });
    }
    target = calls[0].callId;
    // The target call's transcript and the offline analyser's result, as the analysis jobs store them.
    const analysis = new LocalAnalyser().analyseSync(TURNS as TranscriptSegment[]);
    const insight: InsightDoc = {
      id: insightId(target, analysis.stamp),
      updatedAt: 0,
      callId: target,
      provider: analysis.stamp.provider,
      model: analysis.stamp.model,
      version: analysis.stamp.version,
      createdAt: now,
      transcriber: { provider: 'test', model: 'script', version: '1', sandbox: false },
      transcript: TURNS,
      analysis,
      status: 'done',
      error: null,
      sandbox: false,
    };
    await db.transaction((tx) => putDocuments(tx, 'insights', [insight], Date.now()));

    const admin = await server.login();
    const created = await createStaff(server, admin, {
      email: 'rita@test.local',
      role: 'reviewer',
      name: 'Rita Reviewer',
    });
    const { users } = (await (await server.api('/api/users', { token: admin })).json()) as {
      users: Array<{ id: string; email: string }>;
    };
    reviewer = { ...created, id: users.find((u) => u.email === created.email)!.id };
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await twilio?.close();
    await db?.close();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  it('an admin defines a scorecard in the editor and assigns a call to a reviewer', async () => {
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.getByRole('link', { name: 'Scorecards' }).click();
    await page.getByRole('button', { name: 'New scorecard' }).click();
    await page.getByTestId('scorecard-editor').waitFor();
    await page.getByRole('button', { name: 'Save scorecard' }).click();
    const card = await until(
      'the scorecard on the server',
      async () =>
        (await db.query<{ doc: ScorecardDoc }>(`SELECT doc FROM sync_documents WHERE collection = 'scorecards'`)).rows,
      (rows) => rows.length === 1,
    );
    expect(card[0].doc).toMatchObject({ name: 'Call quality', active: true });
    expect(card[0].doc.sections.flatMap((s) => s.questions)).toHaveLength(5);

    await page.getByRole('link', { name: 'Review' }).click();
    await waitForSyncState(page, 'online');
    await page.locator(`.rv-qitem[data-call="${target}"] .rv-qitem__main`).click();
    await page.getByLabel('Assign reviewer').selectOption({ label: 'Rita Reviewer' });
    await until(
      'the assignment on the server',
      () => getDocument(db, 'calls', target),
      (c) => c?.reviewAssignee === reviewer.id,
    );
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });

  it('a reviewer filters the queue, plays the call on two labelled lanes, marks a moment, scores it and the review reaches the server', async () => {
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    let lengthBefore = 0;
    await withFailureShot(page, 'review-reviewer', async () => {
      await signIn(page, server.url, reviewer.email, reviewer.password);
      await page.getByRole('link', { name: 'Review queue' }).click();
      await waitForSyncState(page, 'online');
      await page.locator('.rv-qitem').first().waitFor();
      expect(await page.getByTestId('queue-count').textContent()).toBe('5 calls');

      // Filter: assigned to me, in E17.
      await page.getByRole('button', { name: /^Filters/ }).click();
      await page.getByLabel('District').selectOption('E17');
      await pollPage(
        'the E17 filter',
        () => page.getByTestId('queue-count').textContent(),
        (t) => t === '2 calls',
      );
      await page.getByLabel('Assigned').selectOption('me');
      await pollPage(
        'the assigned-to-me filter',
        () => page.getByTestId('queue-count').textContent(),
        (t) => t === '1 call',
      );
      await page.locator(`.rv-qitem[data-call="${target}"] .rv-qitem__main`).click();

      // Two labelled lanes drawn from the server's peaks.
      await page.locator('.rv-wave[data-painted="true"]').waitFor({ timeout: 20_000 });
      expect(await page.locator('.rv-lane-label[data-channel]').allTextContents()).toEqual(['Customer', 'Assessor']);
      const canvases = await page.evaluate(() => {
        const host = document.querySelector('.rv-wave__canvas')?.firstElementChild as HTMLElement | null;
        return host?.shadowRoot?.querySelectorAll('.canvases > div').length ?? 0;
      });
      expect(canvases).toBe(2);
      expect((await media(page)).src).toContain('/playback.mp3');
      await expect(page.getByTestId('ai-outcome').textContent()).resolves.toMatch(/^AI: Booked/);
      expect(await page.locator('.rv-seg').count()).toBe(TURNS.length);
      await screenshot(page, 'review-player');

      // Zooming in past the overview's finest level fetches the detail peaks once.
      const detailRequest = page.waitForRequest((r) => r.url().includes('/peaks-detail.json'));
      for (let i = 0; i < 6; i++) await page.keyboard.press('+');
      await detailRequest;
      await page.getByRole('button', { name: 'Fit whole call' }).click();

      // Play, then the keyboard: pause (K), forward 5 s (L), back 5 s (J), faster (↑ ↑), Home.
      await page.getByRole('button', { name: 'Play' }).click();
      await pollPage(
        'playback to advance',
        () => clockSeconds(page),
        (t) => t >= 0.5,
      );
      expect((await media(page)).paused).toBe(false);
      await page.keyboard.press('k');
      await pollPage(
        'pause',
        () => media(page),
        (m) => m.paused,
      );
      const paused = await clockSeconds(page);
      await page.keyboard.press('l');
      await pollPage(
        'the skip forward',
        () => clockSeconds(page),
        (t) => Math.abs(t - (paused + 5)) < 0.25,
      );
      await page.keyboard.press('j');
      await pollPage(
        'the skip back',
        () => clockSeconds(page),
        (t) => Math.abs(t - paused) < 0.25,
      );
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      expect(await page.getByTestId('speed').inputValue()).toBe('1.5');
      await pollPage(
        'the playback rate',
        () => media(page),
        (m) => m.playbackRate === 1.5,
      );
      await page.keyboard.press('ArrowDown');
      expect(await page.getByTestId('speed').inputValue()).toBe('1.25');

      // A moment from 0:05 to 0:12 with [ and ], labelled.
      await page.keyboard.press('Home');
      await page.keyboard.press('l');
      await pollPage(
        'seek to 5 s',
        () => clockSeconds(page),
        (t) => Math.abs(t - 5) < 0.25,
      );
      await page.keyboard.press('[');
      await page.getByText('Marking a moment from').waitFor();
      for (let i = 0; i < 7; i++) await page.keyboard.press('Shift+ArrowRight');
      await pollPage(
        'seek to 12 s',
        () => clockSeconds(page),
        (t) => Math.abs(t - 12) < 0.25,
      );
      await page.keyboard.press(']');
      const label = page.getByLabel('Moment label');
      await expect.poll(() => label.evaluate((el) => el === document.activeElement)).toBe(true);
      await label.fill('Price question');
      await label.press('Enter');
      await page.getByLabel('Moment comment').fill('Customer asks about the cost before anything else.');
      await page.getByLabel('Moment comment').blur();
      // And one drawn with the mouse across the waveform.
      const box = (await page.locator('.rv-wave__canvas').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.55, box.y + 40);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.75, box.y + 60, { steps: 8 });
      await page.mouse.up();
      await expect.poll(() => page.locator('.rv-moment').count()).toBe(2);
      await page.getByLabel('Moment label').nth(1).fill('Booking made');
      await page.getByLabel('Moment label').nth(1).press('Enter');
      // Editing a moment on the waveform: drag its right edge further out.
      const timeOf = () => page.locator('.rv-moment').nth(1).locator('.rv-moment__play').textContent();
      const before = await timeOf();
      lengthBefore = Number(
        (await page.locator('.rv-moment').nth(1).locator('.subtle.num').textContent())!.replace(' s', ''),
      );
      const handle = (await page.locator('[part~="region-handle-right"]').nth(1).boundingBox())!;
      await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await page.mouse.down();
      await page.mouse.move(handle.x + handle.width / 2 + box.width * 0.1, handle.y + handle.height / 2, { steps: 8 });
      await page.mouse.up();
      await expect.poll(timeOf).not.toBe(before);
      await screenshot(page, 'review-moments');

      // Score with the number keys (the active question advances), confirm the AI's outcome, write a note, submit.
      await page.getByRole('tab', { name: 'Scorecard' }).click();
      for (const key of ['1', '1', '4', '2', '1']) await page.keyboard.press(key);
      await expect.poll(() => page.getByTestId('live-score').textContent()).toBe('83.3%');
      await page.getByRole('button', { name: 'Confirm AI outcome' }).click();
      await page.getByTestId('outcome-relation').getByText("Confirms the AI's outcome.").waitFor();
      await page.getByPlaceholder('What went well, what to coach').fill('Clear booking, good tone.');
      await page.getByRole('button', { name: 'Submit review' }).click();
      await page.getByTestId('submitted').waitFor();

      const review = await until(
        'the submitted review on the server',
        () => getDocument(db, 'reviews', `${target}:${reviewer.id}`),
        (r) => r?.status === 'submitted' && r.notes !== '',
        20_000,
      );
      expect(review).toMatchObject({
        callId: target,
        reviewerId: reviewer.id,
        outcome: 'booked',
        aiOutcome: 'booked',
        score: 83.3,
        notes: 'Clear booking, good tone.',
      });
      expect(Object.keys(review!.answers)).toHaveLength(5);
      expect(review!.regions.map((r) => r.label)).toEqual(['Price question', 'Booking made']);
      // Its right edge was dragged about 4 s further out after it was drawn.
      expect(review!.regions[1].end - review!.regions[1].start).toBeGreaterThan(lengthBefore + 1);
      expect(review!.regions[0]).toMatchObject({
        start: 5,
        end: 12,
        comment: 'Customer asks about the cost before anything else.',
      });
      await pollPage(
        'the synced state',
        () => page.getByTestId('review-sync').getAttribute('data-waiting'),
        (w) => w === 'false',
      );

      // The keyboard help lists the keys.
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await screenshot(page, 'review-shortcuts');
      await page.keyboard.press('Escape');
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });

  it('offline: three calls made available offline, the server stopped, one reviewed, and the review arrives when it is back', async () => {
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await withFailureShot(page, 'review-offline', async () => {
      await signIn(page, server.url, reviewer.email, reviewer.password);
      await page.getByRole('link', { name: 'Review queue' }).click();
      await waitForSyncState(page, 'online');
      const offlineCalls = calls.slice(2).map((c) => c.callId);
      await page.locator('.rv-qitem').first().waitFor();
      await screenshot(page, 'review-offline-queue');
      await page.locator(`.rv-qitem[data-call="${offlineCalls[0]}"]`).waitFor();
      for (const id of offlineCalls) await page.locator(`.rv-qitem[data-call="${id}"] .rv-qitem__check`).check();
      await page.getByRole('button', { name: 'Make 3 available offline' }).click();
      await pollPage(
        'three offline copies',
        () => page.getByTestId('offline-usage').textContent(),
        (t) => (t ?? '').startsWith('3 calls offline'),
        30_000,
      );
      expect(await page.locator('.rv-pill--offline').count()).toBe(3);

      const port = server.port;
      await server.close();
      await waitForSyncState(page, 'offline');

      const callId = offlineCalls[1];
      await page.locator(`.rv-qitem[data-call="${callId}"] .rv-qitem__main`).click();
      await page.locator('.rv-wave[data-painted="true"]').waitFor({ timeout: 20_000 });
      await page.getByText('Available offline', { exact: true }).waitFor();
      expect((await media(page)).src).toMatch(/^blob:/);
      await page.getByRole('button', { name: 'Play' }).click();
      await pollPage(
        'offline playback to advance',
        () => clockSeconds(page),
        (t) => t >= 0.5,
      );
      await page.keyboard.press('k');
      await page.keyboard.press('Home');
      await page.keyboard.press('[');
      await page.keyboard.press('l');
      await page.keyboard.press(']');
      await page.getByLabel('Moment label').fill('Reviewed offline');
      await page.getByLabel('Moment label').press('Enter');
      await page.getByRole('tab', { name: 'Scorecard' }).click();
      for (const key of ['2', '3', '3', '3', '2']) await page.keyboard.press(key);
      await page.getByRole('radio', { name: 'Callback' }).click();
      await page.getByRole('button', { name: 'Submit review' }).click();
      await page.getByTestId('submitted').waitFor();
      expect(await page.getByTestId('review-sync').getAttribute('data-waiting')).toBe('true');
      await pollPage(
        'the waiting-to-sync count',
        () => page.getByTestId('waiting-to-sync').getAttribute('data-count'),
        (n) => n === '1',
      );
      await screenshot(page, 'review-offline');
      expect(await getDocument(db, 'reviews', `${callId}:${reviewer.id}`)).toBeNull();

      // A call with no copy on this device cannot play offline, and the player does not claim the length of
      // the call open before it (the playhead is one store for the screen).
      expect(await page.getByTestId('clock-length').textContent()).toBe('/ 0:40');
      await page.locator(`.rv-qitem[data-call="${calls[1].callId}"] .rv-qitem__main`).click();
      await page.locator(`.rv-workspace[data-call="${calls[1].callId}"] .rv-player__state--error`).waitFor();
      expect(await page.getByTestId('clock-length').textContent()).toBe('/ –:––');
      await screenshot(page, 'review-offline-uncached');

      await start(port);
      const review = await until(
        'the offline review on the server',
        () => getDocument(db, 'reviews', `${callId}:${reviewer.id}`),
        (r) => r?.status === 'submitted',
        45_000,
      );
      expect(review).toMatchObject({ outcome: 'callback', status: 'submitted' });
      expect(review!.regions.map((r: ReviewDoc['regions'][number]) => r.label)).toEqual(['Reviewed offline']);
      await pollPage(
        'everything synced',
        () => page.getByTestId('waiting-to-sync').getAttribute('data-count'),
        (n) => n === '0',
        30_000,
      );
    });
    expectNoPageErrors(errors, EXPECTED_OFFLINE_NOISE);
    await close();
  });
  it('an admin who reviews the same call sees where the two reviews differ', async () => {
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await withFailureShot(page, 'review-calibration', async () => {
      await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
      await page.getByRole('link', { name: 'Review' }).click();
      await waitForSyncState(page, 'online');
      await page.getByRole('tab', { name: /^Reviewed/ }).click();
      await page.locator(`.rv-qitem[data-call="${target}"] .rv-qitem__main`).click();
      await page.locator('.rv-wave[data-painted="true"]').waitFor({ timeout: 20_000 });
      await page.getByRole('tab', { name: 'Scorecard' }).click();
      for (const key of ['1', '2', '2', '3', '2']) await page.keyboard.press(key);
      await page.getByRole('radio', { name: /^Lost/ }).click();
      await page.getByRole('button', { name: 'Submit review' }).click();
      await page.getByTestId('submitted').waitFor();
      await until(
        'both reviews on the server',
        async () =>
          (
            await db.query(
              `SELECT id FROM sync_documents WHERE collection = 'reviews' AND doc ->> 'callId' = $1 AND doc ->> 'status' = 'submitted'`,
              [target],
            )
          ).rows.length,
        (n) => n === 2,
      );

      // Where they differ is at the top of the call's reviews.
      await page.getByRole('tab', { name: /^Reviews/ }).click();
      const table = page.getByTestId('calibration');
      await table.waitFor({ timeout: 20_000 });
      const heads = (await table.locator('thead th').allTextContents()).slice(1);
      const totals = await table.locator('.rv-calibration__totals td').allTextContents();
      // Rita: yes, yes, 4, Partly, yes (83.3 %); the admin: yes, no, 2, Not at all, no (1.5 of 9 = 16.7 %).
      expect(Object.fromEntries(heads.map((h, i) => [h, totals[i]]))).toEqual({
        'Rita Reviewer': '83.3%',
        You: '16.7%',
      });
      expect(await table.getByText('66.6 pts').count()).toBe(1);
      const rows = table.locator('tbody tr[data-spread].is-different th');
      expect(await rows.first().textContent()).toContain('Agreed a clear next step');
      await screenshot(page, 'review-calibration');
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });
  it('answers clicked with the mouse on questions that are not the active one all register, in order and out of order', async () => {
    const callId = calls[1].callId;
    // The size a reviewer reported losing answers at; the key hints used to push the buttons 24–57 px aside.
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1280, height: 720 } });
    await withFailureShot(page, 'review-mouse', async () => {
      await signIn(page, server.url, reviewer.email, reviewer.password);
      await page.getByRole('link', { name: 'Review queue' }).click();
      await waitForSyncState(page, 'online');
      await page.locator(`.rv-qitem[data-call="${callId}"] .rv-qitem__main`).click();
      await page.locator('.rv-wave[data-painted="true"]').waitFor({ timeout: 20_000 });
      await page.getByRole('tab', { name: 'Scorecard' }).click();
      const questions = page.locator('.rv-question');
      expect(await questions.count()).toBe(5);

      /**
       * A real click where the button is before the mouse goes down (locator.click() would measure again after
       * any movement and hide it); then the button must be checked and in the same place.
       */
      const clickAnswer = async (question: number, answer: string) => {
        const button = questions.nth(question).getByRole('radio', { name: answer, exact: true });
        await button.scrollIntoViewIfNeeded();
        const before = (await button.boundingBox())!;
        await page.mouse.click(before.x + before.width / 2, before.y + before.height / 2);
        await expect
          .poll(() => button.getAttribute('aria-checked'), { message: `question ${question + 1}: ${answer}` })
          .toBe('true');
        expect(await button.boundingBox(), `question ${question + 1}: ${answer} moved`).toEqual(before);
      };
      // Out of order first, then every answer changed in order.
      const outOfOrder: Array<[number, string]> = [
        [4, 'No'],
        [1, 'N/A'],
        [3, 'Partly'],
        [0, 'No'],
        [2, '2'],
      ];
      for (const [q, a] of outOfOrder) await clickAnswer(q, a);
      await page.getByText('5 of 5 answered').waitFor();
      const inOrder = ['Yes', 'Yes', '5', 'Fully', 'Yes'];
      for (const [q, a] of inOrder.entries()) await clickAnswer(q, a);
      await expect.poll(() => page.getByTestId('live-score').textContent()).toBe('100%');
      await screenshot(page, 'review-mouse-answers');

      // A moment and a note for the admin to read.
      await page.keyboard.press('Home');
      await page.keyboard.press('[');
      await page.keyboard.press('l');
      await page.keyboard.press(']');
      await page.getByLabel('Moment label').fill('Warm greeting');
      await page.getByLabel('Moment label').press('Enter');
      await page.getByRole('tab', { name: 'Scorecard' }).click();
      const booked = page.getByRole('radio', { name: /^Booked/ });
      await booked.scrollIntoViewIfNeeded();
      const at = (await booked.boundingBox())!;
      await page.mouse.click(at.x + at.width / 2, at.y + at.height / 2);
      await page.getByPlaceholder('What went well, what to coach').fill('Textbook call: confirmed the visit twice.');
      await page.getByPlaceholder('What went well, what to coach').blur();
      await page.getByRole('button', { name: 'Submit review' }).click();
      await page.getByTestId('submitted').waitFor();
      const review = await until(
        'the review on the server',
        () => getDocument(db, 'reviews', `${callId}:${reviewer.id}`),
        (r) => r?.status === 'submitted' && r.notes !== '',
        20_000,
      );
      expect(review).toMatchObject({ score: 100, outcome: 'booked' });
      expect(Object.keys(review!.answers)).toHaveLength(5);
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });

  it('an admin opening a call a reviewer scored reads that review: who, when, score, answers, outcome, notes and moments', async () => {
    const callId = calls[1].callId;
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1280, height: 720 } });
    await withFailureShot(page, 'review-admin-reads', async () => {
      await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
      await page.goto(`${server.url}/#/review/call/${callId}`);
      await waitForSyncState(page, 'online');
      await page.getByTestId('others-reviews').getByText('Reviewed by Rita Reviewer').waitFor({ timeout: 20_000 });
      // The admin's own review has not started, and says whose it is.
      await page.locator('.rv-review-status').getByText('Yours: not started').waitFor();
      // The call opens on the reviews, not on the admin's blank scorecard.
      const reading = page.getByRole('article', { name: 'Review by Rita Reviewer' });
      await reading.waitFor();
      expect(await page.getByRole('tab', { name: /^Reviews/ }).getAttribute('aria-selected')).toBe('true');
      expect(await reading.getByTestId('reading-status').textContent()).toMatch(/^Submitted \d/);
      expect(await reading.getByTestId('reading-score').textContent()).toBe('100%');
      expect(await reading.getByTestId('reading-outcome').textContent()).toMatch(/^Booked/);
      expect(await reading.getByTestId('reading-notes').textContent()).toBe(
        'Textbook call: confirmed the visit twice.',
      );
      const answers = await reading
        .getByTestId('reading-answers')
        .locator('tr:not(.rv-reading__section) td')
        .allTextContents();
      expect(answers).toEqual(['Yes', 'Yes', '5', 'Fully', 'Yes']);
      expect(await reading.getByTestId('reading-moments').textContent()).toContain('Warm greeting');
      // Read-only: nothing in it can be changed.
      expect(await reading.locator('input, textarea, select, [role="radio"]').count()).toBe(0);
      // The reading at every supported size: nothing cut off, nothing serious for axe.
      const problems = layoutProblems('review-admin-reads', await checkLayouts(page, 'review-admin-reads'));
      problems.push(...a11yProblems('review-admin-reads', await seriousA11yViolations(page)));
      expect(problems, problems.join('\n')).toEqual([]);

      // Calibration lists a call with one review and shows it alone.
      await page.getByRole('link', { name: 'Calibration' }).click();
      const row = page.locator('.rv-calibration-screen tbody tr', { hasText: 'One review' }).first();
      await row.click();
      const single = page.getByTestId('calibration');
      await single.waitFor();
      expect(await single.getAttribute('data-reviews')).toBe('1');
      await single.getByTestId('calibration-single').getByText('Rita Reviewer').waitFor();
      expect(await single.locator('thead th').allTextContents()).toEqual(['Question', 'Rita Reviewer']);
      await screenshot(page, 'calibration-single');
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });
});
