import type { MigrationStrategies } from 'rxdb';
import type { CollectionName, CourseDoc } from '../../../shared/schemas';

/**
 * Schema migrations of the local database (RxDB `migrationStrategies`), one named step per version.
 *
 * A collection's schema version goes up when its documents change shape. The same release then ships:
 *  - the step here, which RxDB runs over the local documents when the new app first opens the collection
 *    (also over its replication meta rows, so an edit made offline under the old version is still pushed with
 *    the master state it was based on; replication.ts keeps the replication's identity across versions);
 *  - the same step as a numbered SQL migration of the server's stored documents (sync-server/migrations);
 *  - the server's schema (shared/schemas): from then on the server refuses the old version with
 *    `426 SCHEMA_OUTDATED` (replication SPEC R3), and an old app stops syncing that collection and asks to be
 *    updated, keeping its unpushed edits until it is.
 * STYLE: every step is tested by name (tests/integration/schema-migration.test.ts).
 */

/** A course as schema version 0 stored it. */
export type CourseDocV0 = Omit<CourseDoc, 'districts'>;

/**
 * courses 0 → 1: courses gain `districts`, the areas an "Area-Specific Strategies" course is about. Existing
 * courses were written for every area, which the empty list means. Server: 015_courses_districts.sql.
 */
export function coursesV1AddDistricts(doc: CourseDocV0): CourseDoc {
  return { ...doc, districts: [] };
}

/** The steps of each collection, by the version they lead to. Collections at version 0 have none. */
export const MIGRATION_STRATEGIES: { readonly [C in CollectionName]?: MigrationStrategies } = {
  courses: { 1: coursesV1AddDistricts },
};
