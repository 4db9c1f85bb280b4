import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { migrationStatus } from '../db/migrate';
import { getHealth, type HealthReport } from '../../../shared/contracts/health';
import { route, type RouteDef } from '../http/routes';

const pkg = z
  .object({ version: z.string() })
  .parse(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')));
export const VERSION = pkg.version;

export function healthRoutes(): RouteDef[] {
  return [
    route(getHealth, async ({ ctx, res }): Promise<HealthReport> => {
      let database: 'ok' | 'unreachable' = 'ok';
      let migrations: 'current' | 'pending' | 'mismatch' = 'current';
      try {
        await ctx.db.query('SELECT 1');
        const status = await migrationStatus(ctx.db);
        if (!status.current) migrations = 'pending';
      } catch (err) {
        database = err instanceof Error && err.name === 'MigrationError' ? 'ok' : 'unreachable';
        migrations = 'mismatch';
      }
      const ok = database === 'ok' && migrations === 'current';
      res.status(ok ? 200 : 503);
      return {
        status: ok ? 'ok' : 'degraded',
        version: VERSION,
        database: { kind: ctx.db.kind, state: database },
        migrations,
        sandbox: ctx.config.sandbox,
      };
    }),
  ];
}
