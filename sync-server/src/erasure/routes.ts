import { z } from 'zod';
import type { AppContext } from '../context';
import { parseInput } from '../http/errors';
import type { RouteDef } from '../http/routes';
import { mediaDeps } from '../recordings/deps';
import { eraseByPhone, normalisePhone } from './erase';

export function erasureRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/erasure',
      access: ['admin'],
      summary:
        "Erase one person's recordings, transcripts, message bodies and lead details by phone number; dryRun previews the counts (both audited; UNKNOWN_PHONE when no one has the number)",
      async handler({ req, auth }) {
        const input = parseInput(
          z.object({ phone: z.string().min(3).max(40), dryRun: z.boolean().default(false) }).strict(),
          req.body,
        );
        const report = await eraseByPhone(mediaDeps(ctx), auth!, input.phone, { dryRun: input.dryRun });
        // The number as the server read it, so the admin confirms the person the counts are about.
        return { report, phone: normalisePhone(input.phone) };
      },
    },
  ];
}
