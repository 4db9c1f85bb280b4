import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc } from '../../shared/schemas';
import { launchChromium, openPage, probeBrowser } from '../helpers/browser';
import { buildTestPage, expectNoPageErrors } from './support';

/**
 * The app's first-sync bulk path (renderer/src/db/fast-insert-storage.ts) must be invisible: the same
 * scenario of inserts, conflicting inserts, updates, deletions and queries gives exactly the same results and
 * change events as RxDB's own Dexie storage, in a real IndexedDB.
 */
const browserProbe = probeBrowser('e2e bulk path storage');

describe.skipIf(!browserProbe.available)('bulk path storage in Chromium', () => {
  let dir: string;
  let server: http.Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = buildTestPage(path.resolve('tests/e2e/pages/storage'));
    // A static file server: the page needs a real origin for IndexedDB.
    server = http.createServer((req, res) => {
      if (req.url === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const file = path.join(dir, req.url === '/' ? 'index.html' : decodeURIComponent(req.url!.split('?')[0]));
      if (!file.startsWith(dir) || !fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' })
        .end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Opens the storage page and returns a caller for one of its scenarios (storage-page.ts); `done()` checks the
   * page logged no errors and closes it.
   */
  async function storagePage() {
    const { page, errors, close } = await openPage(browser);
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    return {
      call: <T>(method: string, arg?: string) =>
        page.evaluate(
          ([m, a]) =>
            (window as unknown as { storagePage: Record<string, (a?: string) => Promise<unknown>> }).storagePage[m](a),
          [method, arg] as const,
        ) as Promise<T>,
      async done() {
        expectNoPageErrors(errors);
        await close();
      },
    };
  }

  it('writes, conflicts, updates, deletes and queries exactly like RxDB’s Dexie storage, and takes the bulk path for new documents', async () => {
    const page = await storagePage();
    type Out = { result: Record<string, unknown>; fastBatches: number };
    const stock = await page.call<Out>('run', 'dexie');
    const bulk = await page.call<Out>('run', 'bulk');

    expect(stock.result.firstInsert).toEqual({ ok: 60, errors: [] });
    expect(stock.result.secondInsert).toEqual({ ok: ['call-060', 'call-061'], errors: [[409, 'call-005']] });
    expect(stock.result.count).toBe(61);
    expect(bulk.fastBatches).toBeGreaterThan(0);
    // Revisions and write times differ between runs by design; everything else must match.
    const comparable = (r: Record<string, unknown>) => ({
      ...r,
      patched: { ...(r.patched as object), _rev: undefined, _meta: undefined },
    });
    expect(comparable(bulk.result)).toEqual(comparable(stock.result));
    await page.done();
  });

  it('replicates through lazy meta rows exactly like RxDB’s Dexie storage: pushes, pulls, conflicts, deletions, offline edits', async () => {
    const page = await storagePage();
    type Out = {
      result: { master: object[]; local: object[]; pushes: Array<{ id: string; conflict: boolean }> };
      stats: Record<string, number>;
    };
    const stock = await page.call<Out>('replication', 'dexie');
    const lazy = await page.call<Out>('replication', 'bulk');

    // The scenario does what it says on RxDB's own storage: one conflict (call-003), the rest pushed cleanly.
    expect(stock.result.pushes.filter((p) => p.conflict).map((p) => p.id)).toEqual(['call-003']);
    expect(stock.result.master.find((d) => (d as CallDoc).id === 'call-006')).toMatchObject({
      reviewAssignee: 'offline',
    });
    expect(stock.result.local.map((d) => (d as CallDoc).id)).not.toContain('call-005');
    // Revisions and write times are local bookkeeping; documents and pushes must be identical.
    const strip = (docs: object[]) => docs.map((d) => ({ ...d, _rev: undefined, _meta: undefined }));
    expect(lazy.result.pushes).toEqual(stock.result.pushes);
    expect(lazy.result.master).toEqual(stock.result.master);
    expect(strip(lazy.result.local)).toEqual(strip(stock.result.local));
    // And the lazy path really ran: pulled rows not stored, answered virtually, bases kept on local edits.
    expect(lazy.stats.skippedRows).toBeGreaterThanOrEqual(50);
    expect(lazy.stats.virtualRows).toBeGreaterThan(0);
    expect(lazy.stats.keptBases).toBeGreaterThan(0);
    await page.done();
  });

  it('fills a new collection through the first-sync writer with the same outcome as RxDB’s own pulls, also when a document changes meanwhile', async () => {
    const page = await storagePage();
    type Out = {
      result: {
        afterFirstSync: { count: number; changed: number };
        master: object[];
        local: object[];
        pushes: Array<{ id: string; conflict: boolean }>;
      };
      firstSyncDocs: number;
    };
    const stock = await page.call<Out>('firstSync', 'dexie');
    const fast = await page.call<Out>('firstSync', 'bulk');

    // 2,500 documents, one a tombstone; call-005 changed on the master during the first sync.
    expect(stock.result.afterFirstSync).toEqual({ count: 2499, changed: 5555 });
    expect(stock.result.pushes).toEqual([{ id: 'call-010', conflict: false }]);
    expect(fast.result.afterFirstSync).toEqual(stock.result.afterFirstSync);
    expect(fast.result.pushes).toEqual(stock.result.pushes);
    expect(fast.result.master).toEqual(stock.result.master);
    const strip = (docs: object[]) => docs.map((d) => ({ ...d, _rev: undefined, _meta: undefined }));
    expect(strip(fast.result.local)).toEqual(strip(stock.result.local));
    // The writer carried the pages before the repeated document; RxDB the rest.
    expect(stock.firstSyncDocs).toBe(0);
    expect(fast.firstSyncDocs).toBeGreaterThanOrEqual(1000);
    await page.done();
  });

  it('opens a database written with RxDB’s own index set, and cleans up tombstones without the dropped index', async () => {
    const page = await storagePage();
    const out = await page.call<Record<string, unknown>>('reopen');
    expect(out).toMatchObject({ count: 30, sorted: 30, tombstoneBefore: 1, cleanedUp: true, tombstoneAfter: 0 });
    // A new table has no cleanup-only index; the ones RxDB's queries and push side read are all there. An
    // existing table keeps the index it was created with (IndexedDB drops indexes only in an upgrade).
    expect(out.indexesNew).toEqual(['[_deleted+id]', '[_deleted+startedAt+id]', '[_meta.lwt+id]']);
    expect(out.indexesKept).toEqual(['[_deleted+id]', '[_deleted+startedAt+id]', '[_meta.lwt+id]', '_meta.lwt']);
    await page.done();
  });
});
