import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc, LeadDoc } from '../../shared/schemas';
import type { Database } from '../../sync-server/src/db';
import { refreshAreaDocs } from '../../sync-server/src/pricing/service';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { launchChromium, openPage, probeBrowser, screenshot } from '../helpers/browser';
import { assignment, makeCall, makeLead } from '../helpers/docs';
import { openTestPglite } from '../helpers/pglite-template';
import { TEST_ADMIN, type TestServer } from '../helpers/server';
import { assessorDoc } from '../helpers/sync-docs';
import { a11yProblems, checkLayouts, layoutProblems, seriousA11yViolations } from './a11y';
import { expectNoPageErrors, signIn, startAppServer, waitForSyncState } from './support';

/**
 * Issue 12 in the app (Chromium against a real server and database): an admin approves a tier change while the
 * server is down, and once it is back the assessor's tier, price and place in "why this order" change; an
 * override with validity dates is set on the Pricing screen after its what-if, and the server applies it.
 */
const browserProbe = probeBrowser('e2e pricing and tiers');
const DAY = 86_400_000;
const MIN = 60_000;
/** Messages the app logs on purpose while the server is stopped; anything else fails the test. */
const EXPECTED_OFFLINE_NOISE = [/Failed to load resource/, /ERR_CONNECTION_REFUSED/, /ERR_EMPTY_RESPONSE/];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested JSON answers freely
type Json = Record<string, any>;

/**
 * `n` W1 boiler leads of one assessor over the last days: the first `reached` get their call `responseMin`
 * minutes after the assignment (connected), the first `booked` are booked.
 */
function history(assessorId: string, n: number, reached: number, booked: number, responseMin: number, now: number) {
  const leads: LeadDoc[] = [];
  const calls: CallDoc[] = [];
  for (let i = 0; i < n; i++) {
    const id = `lead-${assessorId}-${i}`;
    const at = now - DAY - i * 3 * 60 * MIN;
    leads.push(
      makeLead({
        id,
        externalId: id,
        customerName: `Customer ${assessorId} ${i}`,
        district: 'W1',
        postcode: 'W1D 3QF',
        service: 'boiler',
        createdAt: at,
        status: i < booked ? 'booked' : 'open',
        assignments: [assignment(assessorId, at, { bookedAt: i < booked ? at + 2 * 60 * MIN : null })],
      }),
    );
    if (i < reached)
      calls.push(
        makeCall({
          id: `CA-${assessorId}-${i}`,
          leadId: id,
          assessorId,
          district: 'W1',
          service: 'boiler',
          startedAt: at + responseMin * MIN,
          answeredAt: at + responseMin * MIN + 5000,
          endedAt: at + responseMin * MIN + 125_000,
          talkSeconds: 120 - i,
          connected: true,
        }),
      );
  }
  return { leads, calls };
}

async function rankOf(page: Page, assessorId: string): Promise<{ position: string | null; price: string | null }> {
  const item = page.getByTestId(`rank-${assessorId}`);
  await item.waitFor({ timeout: 30_000 });
  return {
    position: await item.getAttribute('data-position'),
    price: await item.getByTestId('rank-price').textContent(),
  };
}

async function openLead(page: Page, id: string): Promise<void> {
  await page.evaluate((path) => {
    window.location.hash = path;
  }, `#/contacts/lead/${id}`);
  await page.getByTestId('why-this-order').waitFor({ timeout: 30_000 });
}

describe.skipIf(!browserProbe.available)('tier approvals offline, why this order and price overrides', () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  const now = Date.now();

  beforeAll(async () => {
    db = await openTestPglite();
    server = await startAppServer({ db });
    browser = await launchChromium();
    // Pat: fast (4 min), reaches all 12, books 4, one course: Platinum material, Gold today. Ann: steady Gold with
    // two courses, so she comes first while both are Gold.
    const pat = history('asr-pat', 12, 12, 4, 4, now);
    const ann = history('asr-ann', 12, 10, 2, 20, now);
    await db.transaction(async (tx) => {
      await putDocuments(
        tx,
        'assessors',
        [
          assessorDoc('asr-pat', { name: 'Pat Quick', tier: 'gold', coursesCompleted: ['first-contact'] }),
          assessorDoc('asr-ann', {
            name: 'Ann Steady',
            tier: 'gold',
            coursesCompleted: ['first-contact', 'objections'],
          }),
        ],
        now,
      );
      await putDocuments(tx, 'leads', [...pat.leads, ...ann.leads], now);
      await putDocuments(tx, 'calls', [...pat.calls, ...ann.calls], now);
    });
    await refreshAreaDocs(server.ctx);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  it('an admin approves a tier change offline, reconnects, and the assessor’s tier, price and rank change', async () => {
    const token = await server.login();
    const area = (await getDocument(db, 'areas', 'W1:boiler'))!;
    const areaPrice = area.suggestedPricePence;
    const { page, errors, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await waitForSyncState(page, 'online');

    // Before: both Gold, Ann first on courses; Pat pays the area price (Gold terms).
    await openLead(page, 'lead-asr-pat-0');
    expect(await rankOf(page, 'asr-ann')).toMatchObject({ position: '1' });
    expect(await rankOf(page, 'asr-pat')).toEqual({ position: '2', price: formatPounds(areaPrice) });

    // The nightly rules run: Pat is proposed for Platinum (nothing is applied).
    const run = (await (await server.api('/api/tiers/propose', { method: 'POST', token })).json()) as Json;
    expect(run.proposed.map((p: Json) => [p.assessorId, p.to])).toEqual([['asr-pat', 'platinum']]);
    const proposalId = run.proposed[0].id as string;

    await page.getByRole('link', { name: 'Approvals' }).click();
    const row = page.getByTestId(`tier-change-${proposalId}`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('Pat Quick');
    // The figures against the Platinum thresholds, all met, and three example calls into the review workspace.
    expect(await row.locator('li[data-met="true"]').count()).toBe(5);
    expect(await row.getByTestId('example-call').count()).toBe(3);
    expect(await row.getByTestId('example-call').first().getAttribute('href')).toMatch(/^#\/review\/call\/CA-asr-pat-/);
    const problems: string[] = [];
    problems.push(...layoutProblems('approvals-evidence', await checkLayouts(page, 'approvals-evidence')));
    problems.push(...a11yProblems('approvals-evidence', await seriousA11yViolations(page)));

    // The server goes away; the admin decides anyway.
    const port = server.port;
    await server.close();
    await waitForSyncState(page, 'offline');
    await row.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    expect(await page.locator('.decision-form .field__error').textContent()).toMatch(/Say why you approve/);
    await page.getByLabel(/reason/).fill('Fast and thorough for a month, finished the first-contact course');
    await screenshot(page, 'approvals-offline-approve');
    await page.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByRole('tab', { name: 'Decided' }).click();
    await page.locator(`[data-testid="tier-change-${proposalId}"][data-status="approved"]`).waitFor();
    expect((await getDocument(db, 'assessors', 'asr-pat'))?.tier).toBe('gold');

    // Back online: the decision is pushed, the server applies it once and audits who decided.
    server = await startAppServer({ db, env: { PORT: String(port) } });
    await expect
      .poll(async () => (await getDocument(db, 'assessors', 'asr-pat'))?.tier, { timeout: 60_000 })
      .toBe('platinum');
    const audit = await db.query<{ actor_label: string; detail: Json }>(
      `SELECT actor_label, detail FROM audit_log WHERE action = 'tier.approve'`,
    );
    expect(audit.rows).toEqual([
      expect.objectContaining({
        actor_label: TEST_ADMIN.email,
        detail: expect.objectContaining({ proposalId, toTier: 'platinum', via: 'replication' }),
      }),
    ]);
    await waitForSyncState(page, 'online', 60_000);

    // Why this order: Pat now first (Platinum), paying Platinum terms (area × £30 ÷ £20).
    await openLead(page, 'lead-asr-pat-0');
    await expect.poll(async () => (await rankOf(page, 'asr-pat')).position, { timeout: 30_000 }).toBe('1');
    expect(await rankOf(page, 'asr-pat')).toEqual({
      position: '1',
      price: formatPounds(Math.round((areaPrice * 3000) / 2000)),
    });
    expect((await rankOf(page, 'asr-ann')).position).toBe('2');
    const quote = (await (
      await server.api(`/api/pricing/quote?postcode=W1D%203QF&service=boiler&assessorId=asr-pat`, {
        token: await server.login(),
      })
    ).json()) as Json;
    expect(quote.assessor.pricePence).toBe(Math.round((areaPrice * 3000) / 2000));
    await page.getByTestId('why-this-order').scrollIntoViewIfNeeded();
    problems.push(
      ...layoutProblems('lead-why-this-order', await checkLayouts(page, 'lead-why-this-order')).filter(
        // The lead's assignments table scrolls sideways in its own box by design (contacts.css .ct-table-scroll).
        (p) => !p.includes('div.ct-table-scroll'),
      ),
    );
    problems.push(...a11yProblems('lead-why-this-order', await seriousA11yViolations(page)));
    expect(problems).toEqual([]);
    expectNoPageErrors(errors, EXPECTED_OFFLINE_NOISE);
    await close();
  });

  it('an override with validity dates, after its what-if, is set on the Pricing screen and applied by the server', async () => {
    const { page, errors, close } = await openPage(browser);
    await signIn(page, server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    await page.getByRole('link', { name: 'Pricing' }).click();
    const row = page.getByTestId('area-W1:boiler');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-override')).toBe('none');
    const problems: string[] = [];
    problems.push(...layoutProblems('pricing', await checkLayouts(page, 'pricing')));
    problems.push(...a11yProblems('pricing', await seriousA11yViolations(page)));

    await row.getByRole('button', { name: 'Override…' }).click();
    const form = page.getByTestId('override-form');
    await form.getByLabel('Price per lead (£)').fill('30');
    // 24 leads of the last 30 days, one assignment each: Pat's 12 at Platinum terms, Ann's 12 at Gold.
    const whatIf = await page.getByTestId('what-if').textContent();
    expect(whatIf).toContain('24 leads (24 assignments)');
    const area = (await getDocument(db, 'areas', 'W1:boiler'))!;
    const perLead = (p: number) => 12 * Math.round((p * 3000) / 2000) + 12 * p;
    const delta = perLead(3000) - perLead(area.suggestedPricePence);
    expect(await page.getByTestId('what-if-delta').textContent()).toBe(`+${formatPounds(delta)}`);
    // A reason is required.
    await form.getByRole('button', { name: 'Save override' }).click();
    expect(await form.getByRole('alert').textContent()).toMatch(/Say why/);
    await form.getByLabel('Reason (required)').fill('Launch week: demand outruns assessors');
    const firstDay = new Date(now);
    const lastDay = new Date(firstDay.getFullYear(), firstDay.getMonth(), firstDay.getDate() + 6);
    await form.getByLabel('Last day (empty: until ended)').fill(dateInput(lastDay));
    problems.push(...layoutProblems('pricing-override-form', await checkLayouts(page, 'pricing-override-form')));
    problems.push(...a11yProblems('pricing-override-form', await seriousA11yViolations(page)));
    await form.getByRole('button', { name: 'Save override' }).click();
    await page.locator('[data-testid="area-W1:boiler"][data-override="active"]').waitFor({ timeout: 30_000 });

    // The server applies it with its dates and audits it as this admin's.
    const token = await server.login();
    await expect
      .poll(
        async () =>
          ((await (await server.api('/api/pricing/quote?postcode=W1D%203QF&service=boiler', { token })).json()) as Json)
            .pricePence,
        { timeout: 30_000 },
      )
      .toBe(3000);
    const listed = (await (await server.api('/api/pricing/overrides?district=W1', { token })).json()) as Json;
    expect(listed.overrides).toEqual([
      expect.objectContaining({
        state: 'active',
        pricePence: 3000,
        reason: 'Launch week: demand outruns assessors',
        validTo: new Date(lastDay.getFullYear(), lastDay.getMonth(), lastDay.getDate() + 1).getTime(),
      }),
    ]);
    const audit = await db.query<{ actor_label: string }>(
      `SELECT actor_label FROM audit_log WHERE action = 'pricing.override.create'`,
    );
    expect(audit.rows).toEqual([{ actor_label: TEST_ADMIN.email }]);
    problems.push(...layoutProblems('pricing-with-override', await checkLayouts(page, 'pricing-with-override')));

    // Ended early from the app: the server revokes it under this admin's name and W1 goes back to the rule.
    await row.getByRole('button', { name: 'End now' }).click();
    await page.getByRole('button', { name: 'End it now' }).click();
    await page.locator('[data-testid="area-W1:boiler"][data-override="ended"]').waitFor({ timeout: 30_000 });
    const me = (await (await server.api('/api/auth/me', { token })).json()) as { user: { id: string } };
    await expect
      .poll(
        async () =>
          ((await (await server.api('/api/pricing/overrides?district=W1', { token })).json()) as Json).overrides[0],
        { timeout: 30_000 },
      )
      .toMatchObject({ state: 'revoked', revokedBy: me.user.id });
    expect(
      ((await (await server.api('/api/pricing/quote?postcode=W1D%203QF&service=boiler', { token })).json()) as Json)
        .source,
    ).toBe('rule');
    expect(problems).toEqual([]);
    expectNoPageErrors(errors);
    await close();
  });
});

function formatPounds(pence: number): string {
  return `£${(pence / 100).toFixed(pence % 100 === 0 ? 0 : 2)}`;
}

function dateInput(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
