import express from 'express';
import { messageJson, TwilioApiError } from '../messages';
import { formFields, notFound, param, twilioError, type SandboxState } from './http';

/** Messages: send a text (Messages.json POST), list them, fetch one. */
export function messagesRouter({ messages }: SandboxState): express.Router {
  const router = express.Router({ mergeParams: true });
  router.post('/Messages.json', (req, res) => {
    try {
      const m = messages.create(formFields(req.body));
      res.status(201).json(messageJson(m));
    } catch (err) {
      if (err instanceof TwilioApiError) twilioError(res, err);
      else throw err;
    }
  });
  router.get('/Messages.json', (req, res) => {
    const list = messages.list({ to: param(req.query, 'To'), from: param(req.query, 'From') }).map(messageJson);
    res.json({
      messages: list,
      page: 0,
      page_size: list.length,
      uri: req.originalUrl,
      first_page_uri: req.originalUrl,
      next_page_uri: null,
      previous_page_uri: null,
      start: 0,
      end: Math.max(0, list.length - 1),
    });
  });
  router.get('/Messages/:file', (req, res) => {
    const { file } = req.params;
    const m = messages.get(file.replace(/\.json$/, ''));
    if (!m || !file.endsWith('.json')) return twilioError(res, notFound(req));
    res.json(messageJson(m));
  });
  return router;
}
