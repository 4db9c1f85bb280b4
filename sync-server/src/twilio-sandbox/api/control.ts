import express from 'express';
import type { CallScenario } from '../calls';
import type { SendSmsInput } from '../messages';
import { notFound, requireAccount, twilioError, type SandboxState } from './http';

/**
 * Sandbox control (not Twilio's API), under /sandbox: how the CLI, tests and the demo drive the phones — place a
 * call from a scenario, text a number, set how a phone behaves, read a phone's inbox and a recording's transcript.
 */
export function controlRouter(state: SandboxState): express.Router {
  const { accountSid, numbers, phones, messages } = state;
  const control = express.Router();
  control.use(requireAccount(state), express.json({ limit: '1mb' }));
  control.get('/', (_req, res) => {
    res.json({
      sandbox: true,
      accountSid,
      webhookBaseUrl: state.publicBase(),
      numbers: numbers.list().map((n) => n.phoneNumber),
      phones: phones.list(),
    });
  });
  control.post('/calls', async (req, res, next) => {
    try {
      res.json(await state.startCall(req.body as CallScenario).result);
    } catch (err) {
      next(err);
    }
  });
  control.post('/messages', async (req, res, next) => {
    try {
      res.json(await state.track(messages.receive(req.body as SendSmsInput)));
    } catch (err) {
      next(err);
    }
  });
  control.put('/phones/:number', (req, res) => {
    res.json(phones.set({ ...(req.body as object), number: req.params.number }));
  });
  control.get('/phones/:number/inbox', (req, res) => {
    res.json(phones.inbox(req.params.number));
  });
  control.get('/transcripts/:file', async (req, res, next) => {
    try {
      const t = await state.transcript(req.params.file.replace(/\.json$/, ''));
      if (!t) return twilioError(res, notFound(req));
      res.json(t);
    } catch (err) {
      next(err);
    }
  });
  return control;
}
