import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPglite } from '../../sync-server/src/db/pglite';
import { migrate } from '../../sync-server/src/db/migrate';
import type { Database } from '../../sync-server/src/db';

/**
 * PGlite's initdb takes seconds, so the suite migrates one database once (global setup), dumps it, and each
 * test file restores a private in-memory copy from the dump.
 */
const TEMPLATE = path.join(os.tmpdir(), 'ringside-test-template.tar.gz');

export async function makePgliteTemplate(): Promise<void> {
  const db = await openPglite('memory://');
  await migrate(db);
  const blob = await db.dumpDataDir();
  await db.close();
  fs.writeFileSync(TEMPLATE, Buffer.from(await blob.arrayBuffer()));
}

/** A fresh, migrated, in-memory PGlite database for one test file. */
export async function openTestPglite(): Promise<Database> {
  const loadDataDir = fs.existsSync(TEMPLATE) ? new Blob([fs.readFileSync(TEMPLATE)]) : undefined;
  const db = await openPglite('memory://', { loadDataDir });
  await migrate(db); // applies any migration added after the template was made
  return db;
}
