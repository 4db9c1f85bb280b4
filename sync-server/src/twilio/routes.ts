import type { Response } from 'express';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import * as hooks from '../../../shared/contracts/twilio';
import { route, type RouteDef } from '../http/routes';
import { checkWebhookParameters } from './params';
import { deleteCallRecording, stopCallRecording } from './admin';
import { handleIncomingSms, handleSmsStatus } from './sms';
import {
  emptyTwiml,
  handleCallStatus,
  handleDialAction,
  handleExtension,
  handleIncomingCall,
  handleLegStatus,
  handleOptOut,
  handleRecordingStatus,
  handleWhisper,
  handleWhisperOptOut,
  sayAndHangup,
} from './voice';

/**
 * Twilio's webhooks. Every route is `access: 'twilio'`: the app factory checks X-Twilio-Signature against
 * PUBLIC_BASE_URL + the path before the handler runs (403 and nothing written otherwise). Handlers answer
 * TwiML as text/xml once their effect is committed.
 */
type Params = Record<string, string | undefined>;

function xml(res: Response, body: string): void {
  res.status(200).type('text/xml').send(body);
}

const params = (body: unknown): Params => (body && typeof body === 'object' ? (body as Params) : {});

/**
 * Every webhook's parameters are checked against their rules (params.ts) before its handler runs, and the
 * documents it writes against their collection schemas (calls.ts assertStorable). A refusal (400
 * INVALID_WEBHOOK, nothing written) is logged with the parameter or field, because a signed request that
 * Twilio would never send means a leaked token or a bug.
 */
async function guarded<T>(
  ctx: AppContext,
  req: { body: unknown; query: unknown; path: string },
  run: (p: Params) => Promise<T>,
): Promise<T> {
  try {
    checkWebhookParameters(req.body, req.query);
    return await run(params(req.body));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'INVALID_WEBHOOK')
      ctx.log.warn({ path: req.path, field: err.field, reason: err.message }, 'refused a signed webhook');
    throw err;
  }
}
export function twilioRoutes(_ctx: AppContext): RouteDef[] {
  const hook = (
    webhook: hooks.Webhook,
    run: (ctx: AppContext, p: Params, q: Partial<Record<string, string>>) => Promise<string | void> | string,
  ): RouteDef =>
    route(webhook, async ({ ctx, req, res, query }) => {
      const out = await guarded(ctx, req, async (p) => run(ctx, p, query));
      xml(res, out ?? emptyTwiml());
    });
  return [
    hook(hooks.incomingCall, (ctx, p) => handleIncomingCall(ctx, p)),
    hook(hooks.extension, (ctx, p, q) => handleExtension(ctx, p, Math.max(1, Number(q.attempt ?? '') || 1))),
    hook(hooks.optOut, (ctx, p) => handleOptOut(ctx, p)),
    hook(hooks.whisper, (ctx, _p, q) => handleWhisper(ctx, q.recorded !== '0')),
    hook(hooks.whisperOptOut, (ctx, p) => handleWhisperOptOut(ctx, p)),
    hook(hooks.dialAction, (ctx, p) => handleDialAction(ctx, p)),
    hook(hooks.legStatus, (ctx, p) => handleLegStatus(ctx, p)),
    hook(hooks.callStatus, (ctx, p) => handleCallStatus(ctx, p)),
    hook(hooks.recordingStatus, (ctx, p) => handleRecordingStatus(ctx, p)),
    hook(hooks.voicemail, () => sayAndHangup('Thank you. Goodbye.')),
    hook(hooks.incomingSms, (ctx, p) => handleIncomingSms(ctx, p)),
    route(hooks.smsStatus, async ({ ctx, req, res, query }) => {
      await guarded(ctx, req, (p) => handleSmsStatus(ctx, query.m ?? '', p));
      res.status(204).end();
    }),
  ];
}

/** Admin controls on calls. */
export function callAdminRoutes(_ctx: AppContext): RouteDef[] {
  return [
    route(hooks.stopRecording, async ({ ctx, auth, params }) => ({
      call: await stopCallRecording(ctx, auth, params.id),
    })),
    route(hooks.deleteRecording, async ({ ctx, auth, params }) => ({
      call: await deleteCallRecording(ctx, auth, params.id),
    })),
  ];
}
