import type { RouteContract } from './define';
import * as allocation from './allocation';
import * as analysis from './analysis';
import * as auth from './auth';
import * as docs from './docs';
import * as health from './health';
import * as jobs from './jobs';
import * as leads from './leads';
import * as metrics from './metrics';
import * as pool from './pool';
import * as pricing from './pricing';
import * as privacy from './privacy';
import * as recordings from './recordings';
import * as subjectAccess from './subject-access';
import * as replication from './replication';
import * as tiers from './tiers';
import * as twilio from './twilio';

export * from './define';

/** Every contract, for the OpenAPI document and the coverage test. Add each area's module here. */
const areas: Record<string, Record<string, unknown>> = {
  health,
  docs,
  auth,
  replication,
  recordings,
  analysis,
  jobs,
  leads,
  allocation,
  pricing,
  tiers,
  pool,
  metrics,
  privacy,
  subjectAccess,
  twilio,
};

function isContract(value: unknown): value is RouteContract {
  return typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'route-contract';
}

/** Contracts by area name (the OpenAPI tag), in declaration order. */
export const contractsByArea: ReadonlyArray<{ area: string; contracts: RouteContract[] }> = Object.entries(areas).map(
  ([area, exports]) => ({ area, contracts: Object.values(exports).filter(isContract) }),
);

export const allContracts: readonly RouteContract[] = contractsByArea.flatMap((a) => a.contracts);
