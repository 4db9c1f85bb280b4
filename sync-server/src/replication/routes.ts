import type { AppContext } from '../context';
import type { RouteDef } from '../http/routes';

/** RxDB HTTP replication endpoints (pull, push, stream) per collection. See SPEC.md. */
export function replicationRoutes(_ctx: AppContext): RouteDef[] {
  return [];
}
