import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAnalysis } from '../../shared/analysis';
import type { InsightDoc, ReviewDoc } from '../../shared/schemas';
import { starterScorecard } from '../../renderer/src/features/scorecards/scorecard-model';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { launchChromium, openPage, probeBrowser, screenshot } from '../helpers/browser';
import { ensureRendererBuilt } from '../helpers/build';
import { TEST_ADMIN } from '../helpers/server';
import { until } from '../integration/recordings-fixtures';
import { addAssessor, addLead, addNumbers, callDoc, startTelephony, type Telephony } from '../integration/voice-setup';
import { createStaff, expectNoPageErrors, signIn, waitForSyncState } from './support';

/**
 * AI insights in the review workspace and the agreement report, in Chromium against the real server wired to
 * the Twilio sandbox. The call is produced by the real pipeline: a sandbox call following a script with a
 * price objection and a booking, its recording downloaded and stored, the sandbox's script as transcript,
 * the offline analyser's insight. A reviewer sees the outcome badge, clicks markers on the waveform that seek
 * to the quote's moment, reads the evidence, and overrides the AI's outcome; the admin's agreement screen
 * then shows that call as a disagreement one click from the workspace. A second call whose analysis failed
 * shows the error and the admin's retry brings the result; the Jobs screen retries a failed job.
 */
const browserProbe = probeBrowser('e2e AI insights');

const POOL = ['+447700900821', '+447700900822'];
const CUSTOMER = '+447700900151';
const CUSTOMER_2 = '+447700900152';
const ASSESSOR = '+447700900161';
/** Chromium's note that the app's CSP meta tag cannot carry frame-ancestors (the server's header does). */
const CSP_META_NOTE = [/frame-ancestors/];

async function clockSeconds(page: Page): Promise<number> {
  return Number(await page.getByTestId('clock').getAttribute('data-seconds'));
}

async function withFailureShot(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (err) {
    await screenshot(page, `${name}-failure`).catch(() => undefined);
    throw err;
  }
}

async function insightsOf(t: Telephony, callId: string): Promise<InsightDoc[]> {
  const { rows } = await t.server.db.query<{ doc: InsightDoc }>(
    `SELECT doc FROM sync_documents WHERE collection = 'insights' AND doc ->> 'callId' = $1`,
    [callId],
  );
  return rows.map((r) => r.doc);
}

describe.skipIf(!browserProbe.available)('AI insights in the review workspace and the agreement report', () => {
  let t: Telephony;
  let browser: Browser;
  let recordingsDir: string;
  let reviewer: { email: string; password: string; id: string };
  let callId: string;
  /** The second call, whose first analysis failed before the admin's retry. */
  let second: string;
  let analysis: CallAnalysis;
  let stamp: { provider: string; model: string; version: string };

  beforeAll(async () => {
    recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-insights-e2e-'));
    // Twilio's (the sandbox's) copy is kept after download: the sandbox transcriber reads its script by it.
    t = await startTelephony({
      RENDERER_DIR: await ensureRendererBuilt(),
      TRANSCRIPTION_PROVIDER: 'sandbox',
      ANALYSIS_PROVIDER: 'local',
      RECORDINGS_DIR: recordingsDir,
      TWILIO_DELETE_AFTER_DOWNLOAD: '0',
    });
    browser = await launchChromium();
    await addNumbers(t, POOL);
    const assessorId = await addAssessor(t, 'asr-ins-1', 'Dan Price', ASSESSOR);
    await addLead(t, 'lead-ins-1', { name: 'John Smith', phone: CUSTOMER }, [assessorId]);
    await addLead(t, 'lead-ins-2', { name: 'Mary Jones', phone: CUSTOMER_2 }, [assessorId]);

    // The call: a price objection answered with value, then a booking.
    const placed = await t.sandbox.placeCall({
      from: CUSTOMER,
      to: POOL[0],
      callee: { ringSec: 2 },
      hangup: 'callee',
      conversation: 'assessor-booked-price-objection',
    });
    callId = placed.callSid;
    await until(
      'the completed call with its recording pending',
      () => callDoc(t, callId),
      (d) => d?.status === 'completed' && d.recording.state === 'pending',
    );
    // recording.download → analysis.transcribe → analysis.analyse, as the server's workers run them.
    const [insight] = await until(
      'the insight',
      async () => {
        await t.server.ctx.jobs.drain();
        return insightsOf(t, callId);
      },
      (docs) => docs[0]?.status === 'done',
      90_000,
    );
    expect(insight.transcriber).toMatchObject({ provider: 'sandbox', sandbox: true });
    analysis = CallAnalysis.parse(insight.analysis);
    stamp = { provider: insight.provider, model: insight.model, version: insight.version };
    // What this test relies on from the analyser for this script (its own accuracy is tested elsewhere).
    expect(analysis.objections.length).toBeGreaterThan(0);
    expect(analysis.triggers.length).toBeGreaterThan(0);
    expect(analysis.outcome.value).not.toBe('lost');

    const card = starterScorecard(() => crypto.randomUUID(), Date.now());
    await t.server.db.transaction((tx) => putDocuments(tx, 'scorecards', [card], Date.now()));
    const created = await createStaff(t.server, t.admin, {
      email: 'rosa@test.local',
      role: 'reviewer',
      name: 'Rosa Reviewer',
    });
    const { users } = (await (await t.server.api('/api/users', { token: t.admin })).json()) as {
      users: Array<{ id: string; email: string }>;
    };
    reviewer = { ...created, id: users.find((u) => u.email === created.email)!.id };
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (recordingsDir) fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  it('a reviewer sees the AI outcome with its evidence, markers that seek to their quotes, and overrides the outcome', async () => {
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await withFailureShot(page, 'insights-reviewer', async () => {
      await signIn(page, t.server.url, reviewer.email, reviewer.password);
      await page.getByRole('link', { name: 'Review queue' }).click();
      await waitForSyncState(page, 'online');
      await page.locator(`.rv-qitem[data-call="${callId}"] .rv-qitem__main`).click();
      await page.locator('.rv-wave[data-painted="true"]').waitFor({ timeout: 30_000 });

      // The outcome badge: the AI's outcome and confidence, from the insight document.
      const badge = page.getByTestId('insight-outcome');
      await badge.waitFor();
      const label = { booked: 'Booked', callback: 'Callback', lost: 'Lost' }[analysis.outcome.value];
      expect(await badge.getAttribute('data-outcome')).toBe(analysis.outcome.value);
      expect((await badge.textContent())?.replace(/\s+/g, ' ')).toBe(
        `AI${label}${Math.round(analysis.outcome.confidence * 100)}%`,
      );

      // One marker per objection quote (several categories of one quote share it) and per trigger.
      const objectionQuotes = new Set(analysis.objections.map((o) => `${o.time}|${o.quote}`));
      const markers = page.locator('[data-testid="insight-markers"] .ins-marker');
      await expect.poll(() => markers.count()).toBe(objectionQuotes.size + analysis.triggers.length);
      const strip = page.getByTestId('sentiment-strip');
      expect(await strip.getAttribute('data-points')).toBe(String(analysis.sentiment.curve.length));
      await screenshot(page, 'insights-workspace');

      // Clicking a marker seeks to the quote's own time (not to where on the flag the click landed) and shows it.
      const objection = analysis.objections[0];
      await page.locator('.ins-marker[data-kind="objection"] .ins-marker__flag').first().click();
      await expect.poll(() => clockSeconds(page)).toBeCloseTo(objection.time, 0);
      expect(Math.abs((await clockSeconds(page)) - objection.time)).toBeLessThan(0.15);
      expect(await page.getByTestId('marker-quote').textContent()).toBe(objection.quote);
      await screenshot(page, 'insights-marker-objection');

      const trigger = [...analysis.triggers].sort((a, b) => b.time - a.time)[0];
      await page.locator(`.ins-marker[data-kind="trigger"][data-time="${trigger.time}"] .ins-marker__flag`).click();
      await expect.poll(async () => Math.abs((await clockSeconds(page)) - trigger.time) < 0.15).toBe(true);
      expect(await page.getByTestId('marker-quote').textContent()).toBe(trigger.quote);

      // The AI tab: outcome evidence, summary, professionalism, who produced it.
      await page.getByRole('tab', { name: 'AI insight' }).click();
      const panel = page.getByTestId('insight-panel');
      await panel.waitFor();
      expect(await panel.getByTestId('outcome-evidence').locator('li').count()).toBe(analysis.outcome.evidence.length);
      expect(await panel.getByTestId('insight-summary').textContent()).toBe(analysis.summary);
      expect(await panel.getByTestId('professionalism-score').textContent()).toBe(
        `${Math.round(analysis.professionalism.score)}/100`,
      );
      expect(await panel.getByTestId('professionalism').locator('li').count()).toBe(4);
      expect(await panel.getByTestId('insight-stamp').textContent()).toBe(
        `${stamp.provider} · ${stamp.model} · ${stamp.version}`,
      );
      // An evidence quote's time seeks too.
      const evidence = analysis.outcome.evidence[0];
      await panel.getByTestId('outcome-evidence').locator('.ins-time').first().click();
      await expect.poll(async () => Math.abs((await clockSeconds(page)) - evidence.time) < 0.15).toBe(true);
      // Reviewers get no retry action.
      expect(await panel.getByTestId('insight-retry').count()).toBe(0);
      await screenshot(page, 'insights-ai-tab');

      // The reviewer scores the call and overrides the AI's outcome; the AI's value stays in view beside it.
      await page.getByRole('tab', { name: 'Scorecard' }).click();
      for (const key of ['1', '1', '4', '2', '1']) await page.keyboard.press(key);
      await page.getByRole('radio', { name: /^Lost/ }).click();
      await page.getByTestId('outcome-relation').getByText(`Overrides the AI's outcome (${label}).`).waitFor();
      expect(await page.getByTestId('ai-outcome').textContent()).toMatch(new RegExp(`^AI: ${label}`));
      await screenshot(page, 'insights-override');
      await page.getByRole('button', { name: 'Submit review' }).click();
      await page.getByTestId('submitted').waitFor();
      const review = await until(
        'the submitted review on the server',
        () => getDocument(t.server.db, 'reviews', `${callId}:${reviewer.id}`),
        (r: ReviewDoc | null) => r?.status === 'submitted',
        20_000,
      );
      expect(review).toMatchObject({ outcome: 'lost', aiOutcome: analysis.outcome.value });
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });

  it("the admin's agreement screen shows the override as a disagreement, one click from the call", async () => {
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await withFailureShot(page, 'insights-agreement', async () => {
      await signIn(page, t.server.url, TEST_ADMIN.email, TEST_ADMIN.password);
      await page.getByRole('link', { name: 'AI agreement' }).click();
      const group = page.locator(`[data-testid="agreement-group"][data-provider="${stamp.provider}"]`);
      await group.waitFor({ timeout: 20_000 });
      // One pair, the AI and the reviewer apart: 0 % agreement; kappa 0 (no better than chance).
      expect(await group.getByTestId('agreement-rate').textContent()).toBe('0%');
      expect(await group.getByTestId('kappa').textContent()).toBe('0.00');
      const cell = group.locator(`td[data-ai="${analysis.outcome.value}"][data-reviewer="lost"]`);
      expect(await cell.textContent()).toBe('1');
      expect(await group.getByTestId('disagreement-count').textContent()).toBe('1');
      const row = group.locator(`[data-testid="disagreements"] tr[data-call="${callId}"]`);
      expect(await row.textContent()).toContain('Rosa Reviewer');
      await screenshot(page, 'insights-agreement');

      await row.getByRole('link', { name: 'Open call' }).click();
      await page.locator(`.rv-workspace[data-call="${callId}"]`).waitFor({ timeout: 20_000 });
      expect(page.url()).toContain(`#/review/call/${callId}`);
      await page.getByTestId('insight-outcome').waitFor();
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });

  it('a failed analysis shows its error in the workspace and the admin retry brings the result', async () => {
    // A second call: recording downloaded and stored, then analysed before any transcript exists, which fails
    // for good ("no transcript to analyse"); its transcription job stays queued until the retry.
    const placed = await t.sandbox.placeCall({
      from: CUSTOMER_2,
      to: POOL[1],
      callee: { ringSec: 2 },
      hangup: 'callee',
      conversation: 'assessor-callback',
    });
    second = placed.callSid;
    await until(
      'the stored recording of the second call',
      async () => {
        await t.server.ctx.jobs.drain(['recording.download']);
        return callDoc(t, second);
      },
      (d) => d?.recording.state === 'stored',
      60_000,
    );
    await t.server.db.transaction((tx) => t.server.ctx.jobs.enqueue(tx, 'analysis.analyse', { callId: second }));
    await t.server.ctx.jobs.drain(['analysis.analyse']);
    const [failed] = await insightsOf(t, second);
    expect(failed).toMatchObject({ status: 'failed', error: 'no transcript to analyse' });

    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await withFailureShot(page, 'insights-failed', async () => {
      await signIn(page, t.server.url, TEST_ADMIN.email, TEST_ADMIN.password);
      await page.goto(`${t.server.url}/#/review/call/${encodeURIComponent(second)}`);
      const state = page.getByTestId('insight-state');
      await state.waitFor({ timeout: 20_000 });
      await expect.poll(() => state.getAttribute('data-state')).toBe('failed');
      await state.click();
      const status = page.getByTestId('insight-status');
      expect(await status.textContent()).toContain('no transcript to analyse');
      await screenshot(page, 'insights-failed');

      await page.getByRole('button', { name: 'Retry analysis' }).click();
      await page.getByText('Queued. The result replaces this one when it finishes.').waitFor();
      await until(
        'the retried analysis',
        async () => {
          await t.server.ctx.jobs.drain();
          return insightsOf(t, second);
        },
        (docs) => docs[0]?.status === 'done' && docs[0].analysis !== null,
        60_000,
      );
      // Replication brings the finished insight: the badge and the evidence replace the error.
      await page.getByTestId('insight-outcome').waitFor({ timeout: 20_000 });
      await page.getByTestId('insight-outcome-detail').waitFor();
      await screenshot(page, 'insights-retried');
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });

  it('card details said on a call are flagged above the player, never shown', async () => {
    const placed = await t.sandbox.placeCall({
      from: CUSTOMER,
      to: POOL[0],
      callee: { ringSec: 2 },
      hangup: 'callee',
      conversation: [
        { speaker: 'callee', text: 'Hello, I am calling about the boiler you asked for on the website.' },
        {
          speaker: 'caller',
          text: 'Can I pay the deposit now? My card number is 4111 1111 1111 1111 and the expiry is 09/28.',
        },
        {
          speaker: 'callee',
          text: 'Please do not read card details on the phone. I will send you a secure payment link by text.',
        },
        { speaker: 'caller', text: 'Oh, fine. Thursday morning suits me for the visit then.' },
        { speaker: 'callee', text: 'Great, you are booked for Thursday at ten.' },
      ],
    });
    const cardCall = placed.callSid;
    const [insight] = await until(
      'the insight of the card call',
      async () => {
        await t.server.ctx.jobs.drain();
        return insightsOf(t, cardCall);
      },
      (docs) => docs[0]?.status === 'done',
      90_000,
    );
    const flags = CallAnalysis.parse(insight.analysis).cardDetails;
    expect(flags.length).toBeGreaterThan(0);
    expect(JSON.stringify(insight)).not.toContain('4111');

    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await withFailureShot(page, 'insights-card', async () => {
      await signIn(page, t.server.url, TEST_ADMIN.email, TEST_ADMIN.password);
      await page.goto(`${t.server.url}/#/review/call/${encodeURIComponent(cardCall)}`);
      const alert = page.getByTestId('card-details-alert');
      await alert.waitFor({ timeout: 20_000 });
      expect(await alert.locator('li').count()).toBe(flags.length);
      expect(await alert.textContent()).not.toMatch(/\d{4}/);
      // Clicking where it was said seeks there.
      await alert.locator('li').first().getByRole('button').click();
      await expect.poll(async () => Math.abs((await clockSeconds(page)) - flags[0].time) < 0.15).toBe(true);
      expect(await page.locator('.rv-seg').allTextContents()).toContainEqual(
        expect.stringContaining('[card number removed]'),
      );
      await screenshot(page, 'insights-card-details');
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });

  it('the Jobs screen lists a failed job with its error and puts it back in the queue', async () => {
    const jobId = await t.server.db.transaction((tx) =>
      t.server.ctx.jobs.enqueue(tx, 'analysis.analyse', { callId: 'CA-does-not-exist' }),
    );
    await t.server.ctx.jobs.drain(['analysis.analyse']);
    const { page, errors, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await withFailureShot(page, 'insights-jobs', async () => {
      await signIn(page, t.server.url, TEST_ADMIN.email, TEST_ADMIN.password);
      await page.getByRole('link', { name: 'Jobs' }).click();
      const row = page.locator(`[data-testid="jobs-table"] tr[data-job="${jobId}"]`);
      await row.waitFor({ timeout: 20_000 });
      expect(await row.getByTestId('job-error').textContent()).toBe('call CA-does-not-exist not found');
      expect(await page.getByTestId('analysis-provider').textContent()).toContain(stamp.provider);
      // The second call's failed analysis job stays listed, marked as since succeeded (the retry finished).
      const old = await t.server.db.query<{ id: number }>(
        `SELECT id FROM jobs WHERE kind = 'analysis.analyse' AND status = 'failed' AND payload ->> 'callId' = $1`,
        [second],
      );
      expect(old.rows).toHaveLength(1);
      const oldRow = page.locator(`[data-testid="jobs-table"] tr[data-job="${old.rows[0].id}"]`);
      expect(await oldRow.getByTestId('job-error').textContent()).toBe('no transcript to analyse');
      await oldRow.getByText('since succeeded').waitFor();
      await screenshot(page, 'insights-jobs');
      await row.getByRole('button', { name: 'Retry' }).click();
      await row.getByText('Queued again').waitFor();
      const { rows } = await t.server.db.query<{ status: string }>(`SELECT status FROM jobs WHERE id = $1`, [jobId]);
      expect(rows[0].status).toBe('queued');

      // Re-run over a chosen set: preview, then queue.
      await page.getByLabel('Only these calls (ids, one per line or separated by commas)').fill(callId);
      await page.getByRole('button', { name: 'Preview' }).click();
      expect(await page.getByTestId('rerun-preview').textContent()).toBe('1 call matches.');
      await page.getByRole('button', { name: 'Re-run 1 call' }).click();
      await page.getByTestId('rerun-done').waitFor();
      const queued = await t.server.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM jobs WHERE kind = 'analysis.transcribe' AND status = 'queued' AND payload ->> 'callId' = $1`,
        [callId],
      );
      expect(queued.rows[0].n).toBe(1);
      await screenshot(page, 'insights-jobs-rerun');
    });
    expectNoPageErrors(errors, CSP_META_NOTE);
    await close();
  });
});
