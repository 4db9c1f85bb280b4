import { makePgliteTemplate } from './pglite-template';

/** Runs once before all test files: builds a migrated PGlite template so each file opens a copy quickly. */
export default async function setup(): Promise<void> {
  await makePgliteTemplate();
}
