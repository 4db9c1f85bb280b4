import { z } from 'zod';
import { defineRoute } from './define';

/**
 * The API's own description. Public: it describes shapes and rules, never data, and integrators read it
 * before they hold a key; the same contracts ship inside the app.
 */
export const openapi = defineRoute({
  method: 'get',
  path: '/api/openapi.json',
  access: 'public',
  summary: 'This API as an OpenAPI 3.1 document (generated from the route contracts)',
  response: z.record(z.string(), z.unknown()).meta({ description: 'an OpenAPI 3.1 document' }),
});

export const docsPage = defineRoute({
  method: 'get',
  path: '/api/docs',
  access: 'public',
  summary: 'The same document as a page to read: every route with its access, input, answer and error codes',
  answers: 'html',
});
