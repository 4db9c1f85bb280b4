import express from 'express';
import type { LegRecord } from '../calls';
import { TwilioApiError } from '../messages';
import { rfc2822 } from '../webhooks';
import { API_PREFIX, notFound, param, twilioError, type SandboxState } from './http';

/**
 * Calls: fetch a leg, and end a live one (Status=completed or canceled). The sandbox does not redirect live
 * calls to new TwiML. A call's recordings are in recordings.ts.
 */
export function callsRouter(state: SandboxState): express.Router {
  const { accountSid, numbers, legs } = state;
  const router = express.Router({ mergeParams: true });

  const callJson = (leg: LegRecord): Record<string, unknown> => ({
    sid: leg.sid,
    account_sid: accountSid,
    annotation: null,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: rfc2822(leg.startTime),
    date_updated: rfc2822(leg.endTime ?? leg.startTime),
    direction: leg.direction,
    duration:
      leg.endTime !== null && leg.answerTime !== null
        ? String(Math.round((leg.endTime - leg.answerTime) / 1000))
        : leg.endTime !== null
          ? '0'
          : null,
    end_time: leg.endTime === null ? null : rfc2822(leg.endTime),
    forwarded_from: null,
    from: leg.from,
    from_formatted: leg.from,
    group_sid: null,
    parent_call_sid: leg.parentSid,
    phone_number_sid: leg.direction === 'inbound' ? (numbers.lookup(leg.to)?.sid ?? null) : null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    start_time: rfc2822(leg.startTime),
    status: leg.status,
    subresource_uris: {
      recordings: `${API_PREFIX}/${accountSid}/Calls/${leg.sid}/Recordings.json`,
      notifications: `${API_PREFIX}/${accountSid}/Calls/${leg.sid}/Notifications.json`,
    },
    to: leg.to,
    to_formatted: leg.to,
    trunk_sid: null,
    uri: `${API_PREFIX}/${accountSid}/Calls/${leg.sid}.json`,
  });
  const legOf = (file: string): LegRecord | undefined => legs.get(file.replace(/\.json$/, ''));

  router.get('/Calls/:file', (req, res) => {
    const leg = legOf(req.params.file);
    if (!leg || !req.params.file.endsWith('.json')) return twilioError(res, notFound(req));
    res.json(callJson(leg));
  });
  router.post('/Calls/:file', (req, res) => {
    const leg = legOf(req.params.file);
    if (!leg) return twilioError(res, notFound(req));
    const status = param(req.body, 'Status');
    if (param(req.body, 'Url') || param(req.body, 'Twiml')) {
      return twilioError(
        res,
        new TwilioApiError(
          400,
          20001,
          'The sandbox does not redirect live calls (Url/Twiml); end them with Status=completed',
        ),
      );
    }
    if (status === 'completed' || status === 'canceled') {
      if (!leg.live)
        return twilioError(res, new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.'));
      leg.live.hangupLeg(leg.sid);
    }
    res.json(callJson(leg));
  });
  return router;
}
