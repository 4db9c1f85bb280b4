/**
 * Client-side replication speed in Chromium (issue 2 §10). Run: npx tsx tests/bench/replication.bench.ts
 * Options: --sizes=10000,100000  --skip-first-screen  --only-first-screen
 *
 * 1. Initial replication of N call documents from a real sync server (PGlite, real HTTP) into RxDB with
 *    Dexie storage, through the app's own replicateCollection, in docs/s and as a ratio to a plain Dexie
 *    bulkPut of the same documents in the same browser run. Several RxDB settings are measured so the choice
 *    in renderer/src/db (batch size, read-only collections, single instance, durability) rests on figures.
 * 2. Time from pressing "Sign in" to a usable first screen for a reviewer and an admin whose server holds
 *    100,000 calls (two years), using the real app build: partial sync keeps it independent of the history.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import type { Role } from '../../shared/roles';
import type { CallDoc, InsightDoc, ReviewDoc } from '../../shared/schemas';
import { ADMIN_DAYS, FIRST_SCREEN, PULL_BATCH_SIZE } from '../../renderer/src/db/working-set';
import { createUser } from '../../sync-server/src/auth/users';
import { analyzeChangedTables } from '../../sync-server/src/db/statistics';
import { putDocuments } from '../../sync-server/src/replication/store';
import { CHROMIUM_PATH, launchChromium, openPage } from '../helpers/browser';
import { ensureRendererBuilt } from '../helpers/build';
import { makePgliteTemplate } from '../helpers/pglite-template';
import { startTestServer, TEST_ADMIN, type TestServer } from '../helpers/server';
import { callDoc, reviewDoc } from '../helpers/sync-docs';
import type { RunResult, RxdbOptions } from './browser/replication-page';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SIZES = (args.get('sizes') ?? '10000,100000').split(',').map(Number);
const HISTORY = Math.max(...SIZES, 100_000);
const DAY = 86_400_000;
const NOW = Date.now();

type BenchWindow = {
  bench: {
    preload(token: string, batchSize: number): Promise<number>;
    dexieBulkPut(
      batchSize: number,
      durability: RxdbOptions['durability'],
      indexes?: 'schema' | 'rxdb',
    ): Promise<RunResult>;
    dexiePull(token: string, batchSize: number, durability: RxdbOptions['durability']): Promise<RunResult>;
    rxdb(o: RxdbOptions): Promise<RunResult>;
  };
};

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const rate = (r: RunResult) => r.count / (r.ms / 1000);

async function buildBenchPage(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-bench-page-'));
  await build({
    configFile: false,
    root: path.join(import.meta.dirname, 'browser'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: true, chunkSizeWarningLimit: 5000 },
    // The baseline must run on the very Dexie that RxDB's storage uses (RxDB pins its own copy, and Dexie
    // refuses two versions in one page).
    resolve: { alias: { dexie: path.resolve('node_modules/rxdb/node_modules/dexie') } },
  });
  return outDir;
}

/** Call number i of the history: two years, newest last, every call recorded. */
function historyCall(i: number): CallDoc {
  const startedAt = NOW - Math.floor(((HISTORY - i) / HISTORY) * 730 * DAY);
  return callDoc(`call-${String(i).padStart(6, '0')}`, {
    startedAt,
    endedAt: startedAt + 65_000,
    answeredAt: startedAt + 5000,
    ringingAt: startedAt + 1000,
  });
}

async function seedCalls(server: TestServer, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 5000) {
    const calls: CallDoc[] = [];
    for (let i = start; i < Math.min(to, start + 5000); i++) calls.push(historyCall(i));
    await server.db.transaction((tx) => putDocuments(tx, 'calls', calls, NOW));
  }
  // What the server's statistics keeper does within 30 s of such a burst of writes (db/statistics.ts).
  await analyzeChangedTables(server.db);
}

/** What a real history also holds: an analysis per call, and a submitted review for everything older than two weeks. */
async function seedHistoryExtras(server: TestServer): Promise<void> {
  for (let start = 0; start < HISTORY; start += 5000) {
    const insights: InsightDoc[] = [];
    const reviews: ReviewDoc[] = [];
    for (let i = start; i < Math.min(HISTORY, start + 5000); i++) {
      const call = historyCall(i);
      insights.push({
        id: `ins-${call.id}`,
        updatedAt: 0,
        callId: call.id,
        provider: 'local',
        model: 'lexicon',
        version: '1',
        createdAt: call.startedAt + 120_000,
        transcript: null,
        analysis: null,
        status: 'done',
        error: null,
        sandbox: false,
      } as InsightDoc);
      if (call.startedAt < NOW - 14 * DAY) {
        reviews.push(
          reviewDoc(call.id, 'reviewer-archive', {
            status: 'submitted',
            submittedAt: call.startedAt + DAY,
            editedAt: call.startedAt + DAY,
          }),
        );
      }
    }
    await server.db.transaction(async (tx) => {
      await putDocuments(tx, 'insights', insights, NOW);
      await putDocuments(tx, 'reviews', reviews, NOW);
    });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Every measurement runs `rounds` times, the approaches interleaved (in a rotating order) so that a slow
 * moment of this shared machine hits all of them alike; figures are medians.
 */
async function throughput(page: Page, token: string, size: number, rounds: number): Promise<void> {
  const inPage = <A>(fn: (w: BenchWindow, a: A) => Promise<RunResult>, a: A) =>
    page.evaluate(
      ([src, arg]) =>
        (new Function('w', 'a', `return (${src})(w, a)`) as (w: unknown, a: unknown) => Promise<RunResult>)(
          window,
          arg,
        ),
      [fn.toString(), a] as const,
    );
  const loaded = await page.evaluate(([t]) => (window as unknown as BenchWindow).bench.preload(t, 1000), [
    token,
  ] as const);
  if (loaded !== size) throw new Error(`preloaded ${loaded} documents, expected ${size}`);

  type Approach = { label: string; baseline?: boolean; ablation?: boolean; run(): Promise<RunResult> };
  const rx = (
    label: string,
    { ablation, ...o }: Omit<RxdbOptions, 'token' | 'durability'> & { ablation?: boolean },
  ): Approach => ({
    label: `RxDB ${label}`,
    ablation,
    run: () => inPage((w, a) => w.bench.rxdb(a), { ...o, durability: 'default' as const, token }),
  });
  // Transaction durability `relaxed` was measured too and made no difference here; it is left out.
  const approaches: Approach[] = [
    {
      label: 'plain Dexie bulkPut (baseline)',
      baseline: true,
      run: () => inPage((w, a) => w.bench.dexieBulkPut(a, 'default'), PULL_BATCH_SIZE),
    },
    {
      label: "plain Dexie bulkPut, RxDB's stored shape and index set",
      run: () => inPage((w, a) => w.bench.dexieBulkPut(a, 'default', 'rxdb'), PULL_BATCH_SIZE),
    },
    {
      label: 'HTTP pull + plain Dexie bulkPut',
      run: () => inPage((w, a) => w.bench.dexiePull(a.token, a.size, 'default'), { token, size: PULL_BATCH_SIZE }),
    },
    rx('defaults (batch 100, push, multi-instance)', {
      batchSize: 100,
      push: true,
      multiInstance: true,
      bulkPath: false,
    }),
    rx('batch 1000, pull-only, multi-instance', {
      ablation: true,
      batchSize: 1000,
      push: false,
      multiInstance: true,
      bulkPath: false,
    }),
    rx('batch 1000, pull-only, single instance', {
      batchSize: 1000,
      push: false,
      multiInstance: false,
      bulkPath: false,
    }),
    rx('APP read-only collections: + bulk path', {
      batchSize: PULL_BATCH_SIZE,
      push: false,
      multiInstance: false,
      bulkPath: true,
    }),
    rx('batch 1000, push, single instance', {
      ablation: true,
      batchSize: 1000,
      push: true,
      multiInstance: false,
      bulkPath: false,
    }),
    rx('APP writable collections: push + bulk path', {
      batchSize: PULL_BATCH_SIZE,
      push: true,
      multiInstance: false,
      bulkPath: true,
    }),
  ];
  // On 100,000 documents the ablations (settings that only explain the choice) are left out to save time.
  const measured = size >= 100_000 ? approaches.filter((a) => !a.ablation) : approaches;
  const rates = new Map<Approach, number[]>(measured.map((a) => [a, []]));
  const ratios = new Map<Approach, number[]>(measured.map((a) => [a, []]));
  for (let round = 0; round < rounds; round++) {
    // Every figure of a round is divided by that round's baseline, so a busy moment of this shared machine
    // moves both sides of a ratio alike. The order rotates from round to round: IndexedDB tidies up after
    // each approach's deleted database while the next one runs, and a fixed order would always hand that
    // cost to the same approaches.
    const order = measured.map((_, i) => measured[(i + round) % measured.length]);
    const roundRates = new Map<Approach, number>();
    for (const a of order) {
      if (round > 0 && size >= 100_000 && a.label.includes('defaults')) continue;
      const r = await a.run();
      if (r.count !== size) throw new Error(`${a.label}: stored ${r.count} of ${size}`);
      // The bulk path must really have carried the first sync, or the figure means nothing.
      if (a.label.includes('bulk path') && !r.fastBatches) throw new Error(`${a.label}: the bulk path wrote nothing`);
      roundRates.set(a, rate(r));
    }
    const base = roundRates.get(measured.find((a) => a.baseline)!)!;
    for (const [a, r] of roundRates) {
      rates.get(a)!.push(r);
      ratios.get(a)!.push(r / base);
    }
  }
  console.log(
    `\n── ${fmt(size)} call documents, ${rounds} round${rounds > 1 ? 's' : ''} (medians; ratio = same-round docs/s ÷ baseline docs/s) ──`,
  );
  for (const a of measured) {
    const rs = ratios.get(a)!;
    const range = rs.length > 1 ? `  (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})` : '';
    const ratio = a.baseline ? '1.00×' : `${median(rs).toFixed(2)}×${range}`;
    console.log(`  ${a.label.padEnd(58)} ${fmt(median(rates.get(a)!)).padStart(7)} docs/s  ${ratio}`);
  }
}

async function firstScreen(
  page: Page,
  url: string,
  who: { email: string; password: string; label: string; role: Role },
): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __marks: Record<string, number> };
    w.__marks = {};
    document.addEventListener('submit', () => (w.__marks.submit ??= performance.now()), true);
    new MutationObserver(() => {
      if (!w.__marks.submit) return;
      if (!w.__marks.shell && document.querySelector('[data-testid="app-shell"]')) w.__marks.shell = performance.now();
      if (!w.__marks.synced && document.querySelector('[data-testid="sync-indicator"][data-state="online"]'))
        w.__marks.synced = performance.now();
      const done = document.querySelector('[data-testid="sync-indicator"]')?.getAttribute('data-initial-done') ?? '';
      for (const name of done.split(' ').filter(Boolean)) w.__marks[name] ??= performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await page.goto(url);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid="sync-indicator"][data-state="online"]').waitFor({ timeout: 180_000 });
  const marks = await page.evaluate(() => (window as unknown as { __marks: Record<string, number> }).__marks);
  // Usable: the shell is up and the collections its first screen shows have their first sync done.
  const firstScreen = Math.max(marks.shell, ...FIRST_SCREEN[who.role].map((c) => marks[c] ?? Infinity)) - marks.submit;
  console.log(
    `  ${who.label.padEnd(40)} shell ${fmt(marks.shell - marks.submit).padStart(5)} ms · first screen usable ${fmt(firstScreen).padStart(6)} ms (${FIRST_SCREEN[who.role].join(', ')}) · whole working set ${fmt(marks.synced - marks.submit).padStart(6)} ms`,
  );
  const order = Object.entries(marks)
    .filter(([k]) => !['submit', 'shell', 'synced'].includes(k))
    .sort((a, b) => a[1] - b[1])
    .map(([k, t]) => `${k} ${fmt(t - marks.submit)}`);
  console.log(`    first sync finished per collection (ms after Sign in): ${order.join(', ')}`);
}

async function main() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    console.log(`skipped: no Chromium at ${CHROMIUM_PATH}`);
    return;
  }
  await makePgliteTemplate();
  const [benchDir, appDir] = await Promise.all([buildBenchPage(), ensureRendererBuilt()]);
  const benchServer = await startTestServer({ env: { RENDERER_DIR: benchDir } });
  const appServer = await startTestServer({ db: benchServer.db, env: { RENDERER_DIR: appDir } });
  const token = await benchServer.login();
  const browser = await launchChromium();
  console.log(
    `Chromium ${browser.version()} · pulls over HTTP from a PGlite sync server · documents of ${JSON.stringify(historyCall(0)).length} bytes`,
  );
  try {
    let seeded = 0;
    for (const size of args.has('only-first-screen') ? [] : SIZES.sort((a, b) => a - b)) {
      await seedCalls(benchServer, seeded, size);
      seeded = size;
      const { page, errors, close } = await openPage(browser);
      await page.goto(benchServer.url);
      await page
        .waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 })
        .catch((err: Error) => {
          throw new Error(`bench page did not start: ${errors.join('; ') || err.message}`);
        });
      await throughput(page, token, size, size >= 100_000 ? 3 : 5);
      await close();
    }

    if (args.has('skip-first-screen')) return;
    console.log('\nseeding the history for the first-screen measurement…');
    await seedCalls(benchServer, seeded, HISTORY);
    await seedHistoryExtras(benchServer);
    await analyzeChangedTables(benchServer.db);
    await createUser(benchServer.db, {
      email: 'bench.reviewer@test.local',
      password: 'bench-password-123',
      role: 'reviewer',
      name: 'Bench Reviewer',
    });
    console.log(
      `\n── sign-in to first screen, ${fmt(HISTORY)} calls of history (two years; the last 14 days not reviewed yet) ──`,
    );
    for (const who of [
      {
        email: 'bench.reviewer@test.local',
        password: 'bench-password-123',
        label: 'reviewer (review queue, scope queue)',
        role: 'reviewer' as const,
      },
      {
        email: TEST_ADMIN.email,
        password: TEST_ADMIN.password,
        label: `admin (contacts, scope recent:${ADMIN_DAYS})`,
        role: 'admin' as const,
      },
    ]) {
      const { page, close } = await openPage(browser);
      await firstScreen(page, appServer.url, who);
      await close();
    }
  } finally {
    await browser.close();
    await appServer.close();
    await benchServer.close();
    fs.rmSync(benchDir, { recursive: true, force: true });
  }
}

await main();
