import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors';
import { ROLES, type Principal, type Role } from '../../shared/roles';
import { isCollectionName, schemaVersion, type CollectionName } from '../../shared/schemas';
import { pullableCollections, pushableCollections } from '../../shared/sync-policy';
import { issueToken } from '../../sync-server/src/auth/tokens';
import { createUser } from '../../sync-server/src/auth/users';
import type { RouteDef } from '../../sync-server/src/http/routes';
import { allRoutes } from '../../sync-server/src/modules';
import { createDocumentValidator } from '../../sync-server/src/replication/validate';
import {
  areaDoc,
  assessorDoc,
  callDoc,
  clipDoc,
  leadDoc,
  reviewDoc,
  scorecardDoc,
  tierChangeDoc,
} from '../helpers/sync-docs';
import { addAssessor, addLead, addNumbers, startTelephony, type Telephony } from '../integration/voice-setup';
import { fmt, PROBE_TIMEOUT, report, scaled } from './size';
import { signedForm as signTwilio } from './twilio-sign';

/**
 * Fuzz walk of the whole route table (issue 9): every route, with every principal (none, each staff role, an
 * API key), is sent malformed input — NUL bytes and lone surrogates in path parameters, query and body
 * strings, numbers past every integer type, arrays and objects where strings are expected, wrong types, bodies
 * over the limit, broken JSON, and on the Twilio webhooks validly signed forms with repeated keys, array
 * values, over-long values and more than 1,000 parameters. Whatever it is sent, the server must refuse with a
 * 4xx and `{ error: { code } }` naming a stable code (shared/errors.ts) — never a 5xx, never a dropped
 * connection — stay healthy, and keep every stored replicated document valid against its collection schema.
 *
 * Cases come from fast-check with a fixed seed (RINGSIDE_FUZZ_SEED overrides it), one stream per route and
 * principal, so a failure printed here reproduces on the next run. All failures are collected and listed
 * together rather than stopping at the first, so one run shows every route that still breaks.
 */
const SEED = Number(process.env.RINGSIDE_FUZZ_SEED ?? 20261203);
/** Random cases per route and principal; the fixed cases below come on top. */
const CASES = scaled(6);

const HUGE = '__HUGE_NUMBER__';
const HUGE_LITERAL = '99999999999999999999';
const LONE_SURROGATE_UTF8 = '%ED%A0%80'; // how a lone surrogate arrives when a client encodes it as WTF-8

const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ud83d',
  HUGE_LITERAL,
  '-99999999999999999999',
  '1e400',
  'NaN',
  '-1',
  '',
  ' ',
  'null',
  '../../etc/passwd',
  '\u202e\u0000\ufeff',
  'x'.repeat(5000),
  '+44770090012300000000000000000',
  'CA' + '9'.repeat(400),
];
const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
);
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.constant(HUGE) },
  { weight: 2, arbitrary: fc.constantFrom(true, false, null, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2) },
  { weight: 2, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', 'id', 'phone', '0'), nastyString, { maxKeys: 3 }) },
);

/** Field names the routes read (zod schemas, query parameters), so random bodies reach the validators. */
const KEYS = [
  ...['email', 'password', 'role', 'name', 'externalId', 'phone', 'districts', 'services', 'customer', 'postcode'],
  ...['service', 'assessorIds', 'rows', 'limit', 'seq', 'id', 'callId', 'callIds', 'callSid', 'scope', 'status'],
  ...['since', 'until', 'from', 'to', 'before', 'dryRun', 'value', 'bookedAt', 'recordingSid', 'onlyFailed'],
  ...['provider', 'model', 'recompute', 'retranscribe', 'filter', 'format', 'collections', 'access', 'action'],
  ...['actor', 'district', 'attempt', 'recorded', 'm', 'active', 'purpose', 'time', 'subjectId', 'poolNumber'],
];
const keyArb = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: nastyString });

/** Twilio's webhook parameters (voice, recording, SMS). */
const TWILIO_KEYS = [
  ...['CallSid', 'ParentCallSid', 'From', 'To', 'CallStatus', 'CallDuration', 'Timestamp', 'SequenceNumber'],
  ...['Digits', 'DialCallStatus', 'DialCallDuration', 'RecordingSid', 'RecordingStatus', 'RecordingDuration'],
  ...['RecordingChannels', 'RecordingUrl', 'Body', 'MessageSid', 'SmsSid', 'MessageStatus', 'NumMedia', 'AccountSid'],
];

/** Percent-encodes like encodeURIComponent, but lets lone surrogates through as their WTF-8 bytes. */
function pct(s: string): string {
  return s
    .split(/([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/)
    .map((part, i) => (i % 2 ? LONE_SURROGATE_UTF8 : encodeURIComponent(part)))
    .join('');
}

// URLs stay under Node's 16 KB header limit, past which Node itself answers 431 before the app sees them.
const urlPart = (s: string) => pct(s.slice(0, 1000));
const pathSegment = fc.oneof(
  { weight: 4, arbitrary: nastyString.map(urlPart) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%FF', LONE_SURROGATE_UTF8, '%00', '..', '0x10', '1e3') },
);
const queryValue = fc.oneof(
  { weight: 4, arbitrary: nastyString.map(urlPart) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%FF%FE', '', '[]', '{}') },
);
const queryArb = fc
  .array(fc.tuple(keyArb.map(urlPart), queryValue), { maxLength: 4 })
  // Repeating a key turns the parameter into an array on the server.
  .chain((pairs) => fc.boolean().map((repeat) => (repeat && pairs.length ? [...pairs, pairs[0]] : pairs)))
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

/** Valid documents to corrupt one field of, per pushable collection. */
const VALID_DOCS: Partial<Record<CollectionName, () => Record<string, unknown>>> = {
  leads: () => ({ ...leadDoc('fuzz-lead') }),
  assessors: () => ({ ...assessorDoc('fuzz-assessor') }),
  calls: () => ({ ...callDoc('fuzz-call') }),
  reviews: () => ({ ...reviewDoc('fuzz-call', 'fuzz-reviewer') }),
  clips: () => ({ ...clipDoc('fuzz-clip', 'fuzz-author') }),
  areas: () => ({ ...areaDoc('fuzz-area') }),
  tierChanges: () => ({ ...tierChangeDoc('fuzz-tier') }),
  scorecards: () => ({ ...scorecardDoc('fuzz-scorecard') }),
};

interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
}

interface Outcome {
  status: number;
  code: string | null;
  error?: string;
}

let t: Telephony;
let routes: RouteDef[];
const tokens = new Map<Principal, string>();
const userIds = new Map<Role, string>();
let adminId = '';
const realIds: string[] = [];

beforeAll(async () => {
  t = await startTelephony({ LOGIN_MAX_FAILURES: '1000' });
  routes = allRoutes(t.server.ctx);
  tokens.set('admin', t.admin);
  const admins = await t.server.db.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin' LIMIT 1`);
  adminId = admins.rows[0].id;
  tokens.set('marketplace', t.apiKey);
  for (const role of ROLES) {
    if (role === 'admin') continue;
    const user = await createUser(t.server.db, { email: `${role}@fuzz.test`, password: 'correct horse battery', role });
    userIds.set(role, user.id);
    tokens.set(role, (await issueToken(t.server.db, user.id, 12)).token);
  }
  // Something real to aim at: a lead with a session, and one logged call with its recording pending.
  const pool = ['+447700900901', '+447700900902'];
  await addNumbers(t, pool);
  const assessorId = await addAssessor(t, 'fuzz-asr', 'Fay Fuzz', '+447700900911');
  const lead = await addLead(t, 'fuzz-lead-1', { name: 'Lee Fuzz', phone: '+447700900912' }, ['fuzz-asr']);
  // A call into the lead's number, logged through the signed voice webhook as Twilio would send it.
  const callSid = `CA${'f'.repeat(31)}1`;
  const voice = signedForm(
    '/twilio/voice',
    `CallSid=${callSid}&From=%2B447700900912&To=${encodeURIComponent(lead.assignments[0].poolNumber)}`,
  );
  const answered = await fetch(`${t.server.url}/twilio/voice`, { method: 'POST', ...voice });
  expect(answered.status).toBe(200);
  realIds.push(callSid, lead.id, assessorId);
}, PROBE_TIMEOUT);

afterAll(async () => {
  await t?.close();
});

function seedFor(label: string): number {
  let h = SEED;
  for (let i = 0; i < label.length; i++) h = (Math.imul(h, 31) + label.charCodeAt(i)) | 0;
  return h;
}

function collectionFor(route: RouteDef, principal: Principal | null): CollectionName {
  if (!principal || principal === 'marketplace') return 'calls';
  const list = route.method === 'post' ? pushableCollections(principal) : pullableCollections(principal);
  return list[0] ?? 'calls';
}

/** Fills path parameters: mostly malformed, sometimes a real value so the handler behind the check runs. */
function pathFor(route: RouteDef, principal: Principal | null, segments: string[], real: boolean[]): string {
  let i = 0;
  return route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const j = i++;
    if (!real[j % real.length]) return segments[j % segments.length];
    if (name === 'collection') return collectionFor(route, principal);
    if (name === 'schemaVersion' || name === 'v') return String(schemaVersion(collectionFor(route, principal)));
    return pct(realIds[j % realIds.length]);
  });
}

const jsonText = (v: unknown): string => JSON.stringify(v).replaceAll(`"${HUGE}"`, HUGE_LITERAL);

/** A push of one valid document with one field (top level or one level down) corrupted. */
const corruptPush = (collection: CollectionName) =>
  fc.tuple(fc.nat(), fc.nat(), nastyValue, fc.boolean()).map(([a, b, value, asMaster]) => {
    const make = VALID_DOCS[collection] ?? VALID_DOCS.calls!;
    const doc = make();
    const keys = Object.keys(doc);
    const key = keys[a % keys.length];
    const inner = doc[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length) {
      const innerKeys = Object.keys(inner);
      doc[key] = { ...inner, [innerKeys[b % innerKeys.length]]: value };
    } else doc[key] = value;
    return { rows: [{ newDocumentState: doc, assumedMasterState: asMaster ? doc : null }] };
  });

function jsonBodyArb(route: RouteDef, principal: Principal | null): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.dictionary(keyArb, nastyValue, { maxKeys: 6 }), nastyValue];
  if (route.path.endsWith('/push')) options.push(corruptPush(collectionFor(route, principal)));
  return fc.oneof(...options);
}

function randomRequests(route: RouteDef, principal: Principal | null): FuzzRequest[] {
  const method = route.method.toUpperCase();
  const label = `${principal ?? 'none'} ${method} ${route.path}`;
  const hasBody = route.method !== 'get' && route.method !== 'delete';
  const arb = fc.record({
    segments: fc.array(pathSegment, { minLength: 1, maxLength: 4 }),
    real: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    query: queryArb,
    body: route.access === 'twilio' ? fc.constant(null) : jsonBodyArb(route, principal),
    form: fc.array(fc.tuple(fc.constantFrom(...TWILIO_KEYS), nastyString), { maxLength: 8 }),
  });
  return fc.sample(arb, { seed: seedFor(label), numRuns: CASES }).map((c) => {
    const path = pathFor(route, principal, c.segments, c.real) + (c.query ? `?${c.query}` : '');
    const req: FuzzRequest = { kind: 'random', method, path, headers: {} };
    if (route.access === 'twilio') {
      // Real CallSids some of the time, so the handlers get past "unknown call".
      const pairs = [['CallSid', realIds[0]] as [string, string], ...c.form];
      Object.assign(req, signedForm(path, pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')));
      req.kind = 'signed form';
    } else if (hasBody && route.body !== 'none' && route.body !== 'raw') {
      req.headers['content-type'] = 'application/json';
      req.body = jsonText(c.body);
    }
    return req;
  });
}

function signedForm(path: string, body: string): Pick<FuzzRequest, 'headers' | 'body'> {
  return signTwilio(t.server.ctx.config.twilio!.authToken, t.server.ctx.config.publicBaseUrl + path, body);
}

/** The fixed cases every route gets: broken JSON, wrong types, bodies over the limit, hostile forms. */
function fixedRequests(route: RouteDef, principal: Principal | null): FuzzRequest[] {
  const method = route.method.toUpperCase();
  const path = pathFor(route, principal, ['x'], [true]);
  const out: FuzzRequest[] = [
    { kind: 'NUL in path', method, path: pathFor(route, principal, ['a%00b'], [false]), headers: {} },
    {
      kind: 'lone surrogate in path',
      method,
      path: pathFor(route, principal, [LONE_SURROGATE_UTF8], [false]),
      headers: {},
    },
    { kind: 'huge number in path', method, path: pathFor(route, principal, [HUGE_LITERAL], [false]), headers: {} },
    { kind: 'NUL in query', method, path: `${path}?seq=%00&limit=a%00&id=%00`, headers: {} },
    { kind: 'huge numbers in query', method, path: `${path}?seq=${HUGE_LITERAL}&limit=${HUGE_LITERAL}`, headers: {} },
    { kind: 'arrays in query', method, path: `${path}?seq=1&seq=2&limit[]=3&collections=a&collections=b`, headers: {} },
  ];
  if (route.access === 'twilio') {
    const sid = realIds[0];
    const form = (kind: string, body: string): FuzzRequest => ({ kind, method, path, ...signedForm(path, body) });
    out.push(
      form('signed: over 1,000 form parameters', Array.from({ length: 1200 }, (_, i) => `p${i}=${i}`).join('&')),
      form(
        'signed: repeated keys',
        `CallSid=${sid}&CallSid=CAother&From=%2B447700900912&From=%2B447700900913&CallStatus=completed&CallStatus=busy`,
      ),
      form('signed: array-valued parameters', `CallSid[]=${sid}&To[0]=%2B447700900901&CallStatus[x]=completed`),
      form('signed: NUL bytes', `CallSid=${sid}%00&From=%2B44%00&To=%00&CallStatus=completed%00&Body=a%00b`),
      form(
        'signed: lone surrogates',
        `CallSid=${LONE_SURROGATE_UTF8}&From=${LONE_SURROGATE_UTF8}&Body=${LONE_SURROGATE_UTF8}`,
      ),
      form(
        'signed: huge numbers',
        `CallSid=${sid}&CallStatus=completed&CallDuration=${HUGE_LITERAL}&SequenceNumber=${HUGE_LITERAL}&RecordingDuration=${HUGE_LITERAL}&RecordingChannels=${HUGE_LITERAL}&DialCallDuration=${HUGE_LITERAL}&NumMedia=${HUGE_LITERAL}`,
      ),
      form(
        'signed: over-long values',
        `CallSid=CA${'9'.repeat(5000)}&From=%2B44${'7'.repeat(5000)}&To=%2B44${'7'.repeat(5000)}&CallStatus=completed&MessageSid=SM${'1'.repeat(5000)}`,
      ),
      form(
        'signed: over-long pool number on a known call',
        `CallSid=${sid}&To=%2B44${'7'.repeat(3000)}&From=%2B447700900912`,
      ),
      {
        kind: 'unsigned with malformed form',
        method,
        path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'CallSid=%00&CallSid=x',
      },
    );
  } else if (route.method !== 'get' && route.method !== 'delete' && route.body !== 'none' && route.body !== 'raw') {
    const json = (kind: string, body: string | Uint8Array<ArrayBuffer>, type = 'application/json'): FuzzRequest => ({
      kind,
      method,
      path,
      headers: { 'content-type': type },
      body,
    });
    out.push(
      json('broken JSON', '{"a":'),
      json('top-level array', '[1,2,3]'),
      json('top-level huge number', HUGE_LITERAL),
      json('lone surrogates in every known field', jsonText(Object.fromEntries(KEYS.map((k) => [k, '\ud800'])))),
      json('NUL bytes in every known field', jsonText(Object.fromEntries(KEYS.map((k) => [k, 'a\u0000b'])))),
      json('huge numbers in every known field', jsonText(Object.fromEntries(KEYS.map((k) => [k, HUGE])))),
      json('arrays in every known field', jsonText(Object.fromEntries(KEYS.map((k) => [k, ['a', 'b']])))),
      json('invalid UTF-8 bytes', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      json('wrong content type', '{"a":1}', 'text/plain'),
    );
    // Over BODY_LIMIT (1 MB): once signed out and once as admin is enough to cover both sides of the auth check.
    if (principal === null || principal === 'admin')
      out.push(json('oversized body', jsonText({ name: 'x'.repeat(1_200_000) })));
  }
  return out;
}

async function send(req: FuzzRequest, token: string | null): Promise<Outcome> {
  const headers: Record<string, string> = { ...req.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  try {
    const res = await fetch(t.server.url + req.path, {
      method: req.method,
      headers,
      body: req.body,
      signal: controller.signal,
    });
    const type = res.headers.get('content-type') ?? '';
    // Streams (SSE) answer headers first and never end: the status is the answer.
    if (type.includes('text/event-stream')) return { status: res.status, code: null };
    const text = await res.text();
    let code: string | null = null;
    if (type.includes('application/json')) {
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
      } catch {
        code = null;
      }
    }
    return { status: res.status, code };
  } catch (err) {
    return { status: 0, code: null, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

const STABLE_CODES = new Set(Object.keys(ERROR_CODES));

/** What is wrong with an answer, or null when it is a proper answer (a success, or a 4xx with a stable code). */
function fault(o: Outcome): string | null {
  if (o.status === 0) return `no answer (${o.error})`;
  if (o.status >= 500) return `${o.status} ${o.code ?? '(no code)'}`;
  if (o.status >= 400 && (!o.code || !STABLE_CODES.has(o.code))) return `${o.status} without a stable code`;
  return null;
}

describe('route table fuzz walk', () => {
  it(
    'answers malformed input on every route, for every principal, with a 4xx and a stable code — never a 5xx — stays healthy, and stores only valid documents',
    async () => {
      const principals: Array<Principal | null> = [null, ...ROLES, 'marketplace'];
      const faults = new Map<string, string[]>();
      let sent = 0;
      let refused = 0;
      let unhealthy = 0;
      for (const route of routes) {
        // Webhooks are signed, not signed in: one walk of them is enough, with no bearer token.
        for (const principal of route.access === 'twilio' ? [null] : principals) {
          const requests = [...fixedRequests(route, principal), ...randomRequests(route, principal)];
          for (const req of requests) {
            const outcome = await send(req, principal ? tokens.get(principal)! : null);
            sent++;
            if (outcome.status >= 400 && outcome.status < 500) refused++;
            const f = fault(outcome);
            if (f) {
              const key = `${route.method.toUpperCase()} ${route.path} — ${req.kind} → ${f}`;
              faults.set(key, [
                ...(faults.get(key) ?? []),
                `${principal ?? 'none'} ${req.method} ${req.path.slice(0, 160)}`,
              ]);
            }
            // Signing out revokes the token used: give that principal a fresh one.
            if (route.path === '/api/auth/logout' && principal && principal !== 'marketplace') {
              tokens.set(principal, (await issueToken(t.server.db, userIdOf(principal), 12)).token);
            }
          }
        }
        const health = await send({ kind: 'health', method: 'GET', path: '/api/health', headers: {} }, null);
        if (health.status !== 200) {
          unhealthy++;
          faults.set(`unhealthy after ${route.method.toUpperCase()} ${route.path}`, [`health → ${health.status}`]);
        }
      }

      // Every stored replicated document still validates against its collection's schema.
      const validator = createDocumentValidator();
      const { rows } = await t.server.db.query<{ collection: string; id: string; doc: unknown }>(
        'SELECT collection, id, doc FROM sync_documents WHERE NOT deleted',
      );
      const invalid: string[] = [];
      for (const row of rows) {
        if (!isCollectionName(row.collection)) {
          invalid.push(`${row.collection}/${row.id}: unknown collection`);
          continue;
        }
        const problem = validator.validate(row.collection, row.doc);
        if (problem) invalid.push(`${row.collection}/${row.id}: ${problem.field} ${problem.message}`);
      }

      const serverErrors = [...faults.values()].reduce((n, list) => n + list.length, 0);
      report(
        `fuzz: ${fmt(sent)} requests over ${routes.length} routes (seed ${SEED}), ${fmt(refused)} refused with a 4xx, ` +
          `${fmt(serverErrors)} server errors or malformed refusals, ${unhealthy} health failures; ` +
          `${fmt(rows.length)} stored documents, ${invalid.length} invalid`,
      );
      for (const [key, examples] of faults) console.log(`  ${key} (×${examples.length}), e.g. ${examples[0]}`);
      for (const line of invalid.slice(0, 20)) console.log(`  invalid document ${line.slice(0, 200)}`);

      expect([...faults.keys()]).toEqual([]);
      expect(invalid).toEqual([]);
    },
    PROBE_TIMEOUT,
  );
});

function userIdOf(principal: Principal): string {
  return principal === 'admin' ? adminId : userIds.get(principal as Role)!;
}
