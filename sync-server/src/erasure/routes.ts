import { erase } from '../../../shared/contracts/privacy';
import type { AppContext } from '../context';
import { route, type RouteDef } from '../http/routes';
import { mediaDeps } from '../recordings/deps';
import { eraseByPhone, normalisePhone } from './erase';

export function erasureRoutes(ctx: AppContext): RouteDef[] {
  return [
    route(erase, async ({ body, auth }) => {
      const report = await eraseByPhone(mediaDeps(ctx), auth, body.phone, { dryRun: body.dryRun });
      // The number as the server read it, so the admin confirms the person the counts are about.
      return { report, phone: normalisePhone(body.phone) };
    }),
  ];
}
