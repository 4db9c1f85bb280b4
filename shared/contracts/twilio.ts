import { z } from 'zod';
import { documentOf, IdParams } from './common';
import { defineRoute } from './define';

/**
 * Twilio's webhooks: form-encoded POSTs signed with X-Twilio-Signature (checked before anything else; 403
 * INVALID_SIGNATURE otherwise), answered with TwiML. The parameters are Twilio's (CallSid, From, To …); their
 * formats are checked by the server's webhook rules (400 INVALID_WEBHOOK), a repeated one is refused
 * (400 DUPLICATE_PARAMETER).
 */
export const TwilioForm = z
  .record(z.string(), z.string())
  .meta({ description: "Twilio's webhook parameters (CallSid, AccountSid, From, To, CallStatus, …)" });

const WEBHOOK_ERRORS = ['INVALID_WEBHOOK', 'DUPLICATE_PARAMETER', 'TOO_MANY_PARAMETERS'] as const;

/** A webhook's own query values (set in the URLs the server gives Twilio); all optional text. */
type WebhookQuery = z.ZodObject<Record<string, z.ZodOptional<z.ZodString>>>;

function webhook(path: string, summary: string, query: WebhookQuery = z.object({})) {
  return defineRoute({
    method: 'post',
    path,
    access: 'twilio',
    summary,
    bodyFormat: 'urlencoded',
    body: TwilioForm,
    query,
    answers: 'twiml',
    errors: WEBHOOK_ERRORS,
  });
}

export type Webhook = ReturnType<typeof webhook>;

export const incomingCall = webhook('/twilio/voice', 'Incoming call to a pool number: route it to the session');
export const extension = webhook(
  '/twilio/voice/extension',
  'Extension keyed by an assessor on a shared number',
  z.object({ attempt: z.string().optional().meta({ description: 'which try at keying the extension (1, 2 …)' }) }),
);
export const optOut = webhook('/twilio/voice/opt-out', 'Key pressed during the recording notice');
export const whisper = webhook(
  '/twilio/voice/whisper',
  'Recording notice (and opt-out key) for the called party',
  z.object({ recorded: z.string().optional().meta({ description: '0 when the call is not recorded' }) }),
);
export const whisperOptOut = webhook(
  '/twilio/voice/whisper-opt-out',
  'Key pressed by the called party during their notice',
);
export const dialAction = webhook('/twilio/voice/dial-action', 'The Dial ended');
export const legStatus = webhook('/twilio/voice/leg-status', 'Status of the dialled leg');
export const callStatus = webhook('/twilio/voice/status', 'Status of the call into the pool number');
export const recordingStatus = webhook('/twilio/voice/recording', 'Recording status');
export const voicemail = webhook('/twilio/voice/voicemail', 'Voicemail left outside a session');
export const incomingSms = webhook('/twilio/sms', 'Incoming text to a pool number: relay it to the session');
export const smsStatus = defineRoute({
  method: 'post',
  path: '/twilio/sms/status',
  access: 'twilio',
  summary: 'Delivery status of a relayed text (answers 204, no body)',
  bodyFormat: 'urlencoded',
  body: TwilioForm,
  query: z.object({ m: z.string().optional().meta({ description: 'the relayed message this status is about' }) }),
  answers: 'twiml',
  status: [204],
  errors: WEBHOOK_ERRORS,
});

const CallAnswer = z.object({ call: documentOf('calls') });

export const stopRecording = defineRoute({
  method: 'post',
  path: '/api/calls/:id/recording/stop',
  access: ['admin'],
  bodyFormat: 'none',
  summary: 'Stop recording a call in progress',
  params: IdParams,
  response: CallAnswer,
  errors: ['NOT_FOUND', 'CONFLICT'],
});

export const deleteRecording = defineRoute({
  method: 'delete',
  path: '/api/calls/:id/recording',
  access: ['admin'],
  summary: "Delete a call's recording (ours and Twilio's copy)",
  params: IdParams,
  response: CallAnswer,
  errors: ['NOT_FOUND', 'CONFLICT'],
});
