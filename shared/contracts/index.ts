import type { RouteContract } from './define';
import * as health from './health';
import * as metrics from './metrics';

export * from './define';

/** Every contract, for the OpenAPI document and the coverage test. Add each area's module here. */
const areas: Record<string, Record<string, unknown>> = { health, metrics };

function isContract(value: unknown): value is RouteContract {
  return typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'route-contract';
}

/** Contracts by area name (the OpenAPI tag), in declaration order. */
export const contractsByArea: ReadonlyArray<{ area: string; contracts: RouteContract[] }> = Object.entries(areas).map(
  ([area, exports]) => ({ area, contracts: Object.values(exports).filter(isContract) }),
);

export const allContracts: readonly RouteContract[] = contractsByArea.flatMap((a) => a.contracts);
