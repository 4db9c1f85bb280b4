import express from 'express';
import { TwilioApiError } from '../messages';
import { availableNumberJson, incomingNumberJson, type NumberUpdate, type OwnedNumber } from '../numbers';
import { listPage, notFound, param, twilioError, type SandboxState } from './http';

/** AvailablePhoneNumbers (numbers for sale) and IncomingPhoneNumbers (buy, list, configure, release). */
export function numbersRouter(state: SandboxState): express.Router {
  const { accountSid, numbers, saveNumbers } = state;
  const router = express.Router({ mergeParams: true });

  router.get('/AvailablePhoneNumbers/:country/:file', (req, res) => {
    const file = req.params.file;
    const type = file.replace(/\.json$/, '');
    if (!file.endsWith('.json') || (type !== 'Mobile' && type !== 'Local')) return twilioError(res, notFound(req));
    const size = Math.min(1000, Math.max(1, Number(req.query.PageSize ?? 50) || 50));
    const found =
      req.params.country === 'GB'
        ? numbers.available(type, { contains: param(req.query, 'Contains'), limit: size })
        : [];
    res.json({
      available_phone_numbers: found.map(availableNumberJson),
      uri: req.originalUrl,
      end: Math.max(0, found.length - 1),
      first_page_uri: req.originalUrl,
      next_page_uri: null,
      page: 0,
      page_size: size,
      previous_page_uri: null,
      start: 0,
    });
  });

  router.post('/IncomingPhoneNumbers.json', (req, res) => {
    const phoneNumber = param(req.body, 'PhoneNumber');
    if (!phoneNumber) return twilioError(res, new TwilioApiError(400, 21421, 'PhoneNumber or AreaCode is required.'));
    if (!numbers.isForSale(phoneNumber))
      return twilioError(res, new TwilioApiError(400, 21422, `PhoneNumber ${phoneNumber} requested is not available.`));
    const n = numbers.buy(phoneNumber, numberUpdate(req.body));
    saveNumbers();
    state.log?.info({ phoneNumber, sid: n.sid }, 'sandbox sold a number');
    res.status(201).json(incomingNumberJson(accountSid, n));
  });
  router.get('/IncomingPhoneNumbers.json', (req, res) => {
    const want = param(req.query, 'PhoneNumber');
    // A number the account holds without having bought it here (ownsAllNumbers) is listed like any other.
    if (want && numbers.adopt(want)) saveNumbers();
    const list = numbers
      .list()
      .filter((n) => !want || n.phoneNumber === want)
      .map((n) => incomingNumberJson(accountSid, n));
    res.json(listPage(req, 'incoming_phone_numbers', list));
  });
  const numberBySid = (file: string): OwnedNumber | undefined =>
    file.endsWith('.json') ? numbers.bySid(file.replace(/\.json$/, '')) : undefined;
  router.get('/IncomingPhoneNumbers/:file', (req, res) => {
    const n = numberBySid(req.params.file);
    if (!n) return twilioError(res, notFound(req));
    res.json(incomingNumberJson(accountSid, n));
  });
  router.post('/IncomingPhoneNumbers/:file', (req, res) => {
    const n = numberBySid(req.params.file);
    if (!n) return twilioError(res, notFound(req));
    numbers.update(n.sid, numberUpdate(req.body));
    saveNumbers();
    res.json(incomingNumberJson(accountSid, n));
  });
  router.delete('/IncomingPhoneNumbers/:file', (req, res) => {
    const n = numberBySid(req.params.file);
    if (!n) return twilioError(res, notFound(req));
    numbers.release(n.sid);
    saveNumbers();
    res.status(204).end();
  });
  return router;
}

/** The fields of a number a buy or update form may set (Twilio's names); the registry reads only these. */
const NUMBER_UPDATE_FIELDS = [
  'FriendlyName',
  'VoiceUrl',
  'VoiceMethod',
  'VoiceFallbackUrl',
  'VoiceFallbackMethod',
  'StatusCallback',
  'StatusCallbackMethod',
  'SmsUrl',
  'SmsMethod',
  'SmsFallbackUrl',
  'SmsFallbackMethod',
] as const satisfies readonly (keyof NumberUpdate)[];

/** The number settings a form body carries. */
function numberUpdate(body: unknown): NumberUpdate {
  const update: NumberUpdate = {};
  for (const field of NUMBER_UPDATE_FIELDS) {
    const value = param(body, field);
    if (value !== undefined) update[field] = value;
  }
  return update;
}
