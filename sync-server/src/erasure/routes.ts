import { z } from 'zod';
import type { AppContext } from '../context';
import { parseInput } from '../http/errors';
import type { RouteDef } from '../http/routes';
import { mediaDeps } from '../recordings/deps';
import { eraseByPhone } from './erase';

export function erasureRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/erasure',
      access: ['admin'],
      summary: "Erase one person's recordings, transcripts, message bodies and lead details by phone number",
      async handler({ req, auth }) {
        const input = parseInput(
          z.object({ phone: z.string().min(3).max(40), dryRun: z.boolean().default(false) }),
          req.body,
        );
        return { report: await eraseByPhone(mediaDeps(ctx), auth!, input.phone, { dryRun: input.dryRun }) };
      },
    },
  ];
}
