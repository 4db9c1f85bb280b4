import type { Request } from 'express';
import { ApiError } from './errors';

/**
 * Text no route can store: PostgreSQL refuses a NUL character in `text` and `jsonb` (and `\u0000` in JSON), and
 * an unpaired UTF-16 surrogate cannot be encoded as UTF-8 (jsonb refuses its escape). Both used to reach SQL and
 * come back as 500s; they are refused here, once, for every route, before any handler runs.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate';
  return null;
}

/** Bounds the walk: bodies are at most BODY_LIMIT, but a deep nest must not exhaust the stack. */
const MAX_DEPTH = 64;

function walk(value: unknown, field: string, depth: number): { field: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { field, problem } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { field, problem: 'is nested too deeply' };
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    const keyProblem = textProblem(key);
    const path = field ? `${field}.${key}` : key;
    if (keyProblem) return { field: field || '(name)', problem: `has a field name that ${keyProblem}` };
    const found = walk(inner, path, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Refuses (VALIDATION_FAILED naming the field) path parameters, query values and bodies with such text. */
export function rejectMalformedText(req: Request): void {
  const sources: Array<[string, unknown]> = [
    ['path', req.params],
    ['query', req.query],
    ['body', req.body],
  ];
  for (const [where, value] of sources) {
    const found = walk(value, '', 0);
    if (found) {
      const field = found.field || where;
      throw new ApiError('VALIDATION_FAILED', `${field} (${where}) ${found.problem}`, field);
    }
  }
}

/**
 * A form or query with a repeated key: Express reads the value as an array. Twilio never repeats a parameter,
 * and its signature check de-duplicates them, so a signed webhook with `&MessageSid=<same value>` appended
 * would pass the check and hand the handlers an array. Webhooks with a repeated key are refused outright.
 */
export function rejectRepeatedParameters(req: Request): void {
  for (const [where, value] of [
    ['body', req.body],
    ['query', req.query],
  ] as const) {
    if (!value || typeof value !== 'object') continue;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      // The parser makes repeats an array (an object past its array limit): anything but a string is a repeat.
      if (typeof v !== 'string')
        throw new ApiError('DUPLICATE_PARAMETER', `${key} (${where}) is given more than once`, key);
    }
  }
}
