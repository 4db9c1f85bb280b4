import express, { type NextFunction, type Request, type Response } from 'express';
import { rfc2822 } from '../webhooks';
import { API_PREFIX, notFound, requireAccount, twilioError, type SandboxState } from './http';
import { callsRouter } from './calls';
import { messagesRouter } from './messages';
import { numbersRouter } from './numbers';
import { recordingsRouter } from './recordings';

/**
 * The REST API (https://www.twilio.com/docs/usage/api), form-encoded in, JSON out: the account itself, and
 * under /2010-04-01/Accounts/{AccountSid} one router per resource, behind HTTP basic auth with the account's
 * SID and auth token. Anything else under the account is Twilio's 20404.
 */
export function restApi(state: SandboxState): express.Router {
  const { accountSid } = state;
  const rest = express.Router();
  const auth = requireAccount(state);
  rest.get(`${API_PREFIX}/:file`, auth, (req, res, next) => {
    if (req.params.file !== `${accountSid}.json`) return next();
    res.json({
      sid: accountSid,
      friendly_name: 'Ringside sandbox',
      status: 'active',
      type: 'Full',
      date_created: rfc2822(Date.now()),
      uri: `${API_PREFIX}/${accountSid}.json`,
    });
  });
  const api = express.Router({ mergeParams: true });
  api.use(auth, (req: Request, res: Response, next: NextFunction) => {
    if (req.params.AccountSid !== accountSid) {
      twilioError(res, notFound(req));
      return;
    }
    next();
  });
  api.use(express.urlencoded({ extended: false, limit: '1mb' }));
  api.use(messagesRouter(state), numbersRouter(state), callsRouter(state), recordingsRouter(state));
  api.use((req: Request, res: Response) => twilioError(res, notFound(req)));
  rest.use(`${API_PREFIX}/:AccountSid`, api);
  return rest;
}
