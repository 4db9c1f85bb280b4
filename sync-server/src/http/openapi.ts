import { z } from 'zod';
import { contractsByArea, type RouteContract } from '../../../shared/contracts';
import { plainJsonSchema } from '../../../shared/contracts/common';
import { ERROR_CODES, type ErrorCode } from '../../../shared/errors';
import { isCollectionName } from '../../../shared/schemas';

/**
 * The OpenAPI 3.1 document of the sync server, generated from the route contracts (shared/contracts) with zod's
 * own JSON Schema output (draft 2020-12, the dialect OpenAPI 3.1 uses). Access becomes security requirements
 * plus `x-roles`; error codes become responses per status with the stable `code` values (shared/errors.ts).
 */
type Json = Record<string, unknown>;

/** Codes any route can answer, by what the route takes and who may call it. */
function commonErrors(c: RouteContract): ErrorCode[] {
  const codes: ErrorCode[] = ['INTERNAL'];
  const hasInput = Boolean(c.params || c.query || c.body);
  if (hasInput) codes.push('VALIDATION_FAILED');
  const format = c.bodyFormat ?? (['post', 'put', 'patch'].includes(c.method) ? 'json' : 'none');
  if (format === 'json' && c.access !== 'twilio') codes.push('INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE');
  if (format === 'json' || format === 'urlencoded') codes.push('PAYLOAD_TOO_LARGE');
  if (c.access === 'twilio') codes.push('INVALID_SIGNATURE');
  else if (c.access !== 'public') codes.push('UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'FORBIDDEN');
  return codes;
}

export function errorCodesOf(c: RouteContract): ErrorCode[] {
  return [...new Set([...commonErrors(c), ...(c.errors ?? [])])];
}

const CONTENT_TYPES = {
  twiml: 'text/xml',
  'event-stream': 'text/event-stream',
  media: 'audio/mpeg',
  html: 'text/html',
} as const;

/** `/api/leads/:id` → `/api/leads/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

export function buildOpenApi(version: string): Json {
  const collections = new Set<string>();
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const json: Json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema }) => {
        const meta = z.globalRegistry.get(zodSchema);
        const collection = meta?.collection;
        if (typeof collection === 'string' && isCollectionName(collection)) {
          collections.add(collection);
          for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
          jsonSchema.$ref = `#/components/schemas/${collection}`;
        } else if (meta?.domainObject) {
          jsonSchema.type = 'object';
        }
      },
    });
    delete json.$schema;
    return json;
  };

  const paths: Record<string, Json> = {};
  for (const { area, contracts } of contractsByArea) {
    for (const c of contracts) {
      const parameters: Json[] = [];
      for (const [where, schema] of [
        ['path', c.params],
        ['query', c.query],
      ] as const) {
        if (!schema) continue;
        const json = toSchema(schema, 'input');
        const properties = (json.properties ?? {}) as Record<string, Json>;
        const required = new Set((json.required ?? []) as string[]);
        for (const [name, property] of Object.entries(properties)) {
          const { description, ...rest } = property;
          parameters.push({
            name,
            in: where,
            required: where === 'path' || required.has(name),
            ...(typeof description === 'string' ? { description } : {}),
            schema: rest,
          });
        }
      }
      if (c.streamTicket) {
        parameters.push({
          name: 'ticket',
          in: 'query',
          required: false,
          description: 'a single-use ticket from POST /api/auth/stream-ticket, instead of the Authorization header',
          schema: { type: 'string' },
        });
      }
      const operation: Json = {
        operationId: `${area}.${c.method}${c.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
        summary: c.summary,
        tags: [area],
        'x-access': c.access,
        security: securityOf(c),
        ...(parameters.length ? { parameters: dedupe(parameters) } : {}),
      };
      if (c.body) {
        const type = c.bodyFormat === 'urlencoded' ? 'application/x-www-form-urlencoded' : 'application/json';
        operation.requestBody = { required: true, content: { [type]: { schema: toSchema(c.body, 'input') } } };
      }
      const responses: Json = {};
      for (const status of c.status ?? [200]) {
        const answers = c.answers ?? 'json';
        if (status === 204) responses[String(status)] = { description: 'done; no body' };
        else if (answers === 'json' && c.response)
          responses[String(status)] = {
            description: 'success',
            content: { 'application/json': { schema: toSchema(c.response, 'output') } },
          };
        else if (answers !== 'json')
          responses[String(status)] = {
            description: 'success',
            content: { [CONTENT_TYPES[answers]]: { schema: { type: 'string' } } },
          };
      }
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of errorCodesOf(c)) {
        const status = ERROR_CODES[code];
        byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
      }
      for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
        responses[String(status)] = {
          description: codes.join(', '),
          content: {
            'application/json': {
              schema: {
                allOf: [
                  { $ref: '#/components/schemas/ErrorBody' },
                  { properties: { error: { properties: { code: { enum: codes } } } } },
                ],
              },
            },
          },
        };
      }
      operation.responses = responses;
      const key = openApiPath(c.path);
      paths[key] = { ...(paths[key] ?? {}), [c.method]: operation };
    }
  }

  const schemas: Json = {
    ErrorBody: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(ERROR_CODES) },
            message: { type: 'string' },
            field: { type: 'string', description: 'the input field at fault, when there is one' },
          },
        },
      },
    },
  };
  for (const name of [...collections].sort()) if (isCollectionName(name)) schemas[name] = plainJsonSchema(name);

  return {
    openapi: '3.1.0',
    info: {
      title: 'Ringside sync server',
      version,
      description:
        'Call tracking and call review. Staff sign in (POST /api/auth/login) and send `Authorization: Bearer <token>`; ' +
        'the marketplace integration sends its API key as `X-Api-Key`; Twilio signs its webhooks. Every refusal ' +
        'is `{ "error": { "code", "message", "field"? } }` with a stable code.',
    },
    tags: contractsByArea.map(({ area }) => ({ name: area })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a staff session token from POST /api/auth/login' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: "the marketplace's API key" },
        twilioSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Twilio-Signature',
          description: "Twilio's signature of the public URL and the form, with the account's auth token",
        },
      },
    },
  };
}

function securityOf(c: RouteContract): Json[] {
  if (c.access === 'public') return [];
  if (c.access === 'twilio') return [{ twilioSignature: [] }];
  const out: Json[] = [];
  if (c.access.some((p) => p !== 'marketplace')) out.push({ bearer: [] });
  if (c.access.includes('marketplace')) out.push({ apiKey: [] });
  return out;
}

function dedupe(parameters: Json[]): Json[] {
  const seen = new Set<string>();
  return parameters.filter((p) => {
    const key = `${String(p.in)}:${String(p.name)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
