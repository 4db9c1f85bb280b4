import type { AppContext } from '../context';
import type { RouteDef } from '../http/routes';
import { leadRoutes } from '../leads/routes';

/** Telephony: the marketplace API, the Twilio webhooks and the admin call controls (modules.ts). */
export function telephonyRoutes(ctx: AppContext): RouteDef[] {
  return [...leadRoutes(ctx)];
}

export function registerTelephonyJobs(_ctx: AppContext): void {}
