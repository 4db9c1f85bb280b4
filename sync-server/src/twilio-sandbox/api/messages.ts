import express from 'express';
import { messageJson, TwilioApiError } from '../messages';
import { notFound, twilioError, type SandboxState } from './http';

/** Messages: send a text (Messages.json POST), list them, fetch one. */
export function messagesRouter({ messages }: SandboxState): express.Router {
  const router = express.Router({ mergeParams: true });
  router.post('/Messages.json', (req, res) => {
    try {
      const m = messages.create(req.body as Record<string, string | string[]>);
      res.status(201).json(messageJson(m));
    } catch (err) {
      if (err instanceof TwilioApiError) twilioError(res, err);
      else throw err;
    }
  });
  router.get('/Messages.json', (req, res) => {
    const list = messages
      .list({ to: req.query.To as string | undefined, from: req.query.From as string | undefined })
      .map(messageJson);
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
    const sid = (req.params.file as string).replace(/\.json$/, '');
    const m = messages.get(sid);
    if (!m || !(req.params.file as string).endsWith('.json')) return twilioError(res, notFound(req));
    res.json(messageJson(m));
  });
  return router;
}
