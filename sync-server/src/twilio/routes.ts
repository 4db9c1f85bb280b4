import type { Response } from 'express';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import type { RouteDef, RequestAuth } from '../http/routes';
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
const query = (v: unknown): string => (typeof v === 'string' ? v : '');

export function twilioRoutes(_ctx: AppContext): RouteDef[] {
  const hook = (
    path: string,
    summary: string,
    run: (ctx: AppContext, p: Params, q: Record<string, unknown>) => Promise<string | void> | string,
  ): RouteDef => ({
    method: 'post',
    path,
    access: 'twilio',
    summary,
    async handler({ ctx, req, res }) {
      const out = await guarded(ctx, req, async (p) => run(ctx, p, req.query as Record<string, unknown>));
      xml(res, out ?? emptyTwiml());
    },
  });
  return [
    hook('/twilio/voice', 'Incoming call to a pool number: route it to the session', (ctx, p) =>
      handleIncomingCall(ctx, p),
    ),
    hook('/twilio/voice/extension', 'Extension keyed by an assessor on a shared number', (ctx, p, q) =>
      handleExtension(ctx, p, Math.max(1, Number(query(q.attempt)) || 1)),
    ),
    hook('/twilio/voice/opt-out', 'Key pressed during the recording notice', (ctx, p) => handleOptOut(ctx, p)),
    hook('/twilio/voice/whisper', 'Recording notice (and opt-out key) for the called party', (ctx, _p, q) =>
      handleWhisper(ctx, query(q.recorded) !== '0'),
    ),
    hook('/twilio/voice/whisper-opt-out', 'Key pressed by the called party during their notice', (ctx, p) =>
      handleWhisperOptOut(ctx, p),
    ),
    hook('/twilio/voice/dial-action', 'The Dial ended', (ctx, p) => handleDialAction(ctx, p)),
    hook('/twilio/voice/leg-status', 'Status of the dialled leg', (ctx, p) => handleLegStatus(ctx, p)),
    hook('/twilio/voice/status', 'Status of the call into the pool number', (ctx, p) => handleCallStatus(ctx, p)),
    hook('/twilio/voice/recording', 'Recording status', (ctx, p) => handleRecordingStatus(ctx, p)),
    hook('/twilio/voice/voicemail', 'Voicemail left outside a session', () => sayAndHangup('Thank you. Goodbye.')),
    {
      method: 'post',
      path: '/twilio/sms',
      access: 'twilio',
      summary: 'Incoming text to a pool number: relay it to the session',
      async handler({ ctx, req, res }) {
        xml(res, await guarded(ctx, req, (p) => handleIncomingSms(ctx, p)));
      },
    },
    {
      method: 'post',
      path: '/twilio/sms/status',
      access: 'twilio',
      summary: 'Delivery status of a relayed text',
      async handler({ ctx, req, res }) {
        await guarded(ctx, req, (p) => handleSmsStatus(ctx, query(req.query.m), p));
        res.status(204).end();
      },
    },
  ];
}

const actor = (auth: RequestAuth | null) => auth ?? { label: 'unknown' };
const idParam = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : (v ?? ''));

/** Admin controls on calls. */
export function callAdminRoutes(_ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/calls/:id/recording/stop',
      access: ['admin'],
      body: 'none',
      summary: 'Stop recording a call in progress',
      handler: async ({ ctx, auth, req }) => ({
        call: await stopCallRecording(ctx, actor(auth), idParam(req.params.id)),
      }),
    },
    {
      method: 'delete',
      path: '/api/calls/:id/recording',
      access: ['admin'],
      summary: "Delete a call's recording (ours and Twilio's copy)",
      handler: async ({ ctx, auth, req }) => ({
        call: await deleteCallRecording(ctx, actor(auth), idParam(req.params.id)),
      }),
    },
  ];
}
