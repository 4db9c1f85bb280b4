import { ApiError } from '../http/errors';

/**
 * What a Twilio webhook parameter may look like, for every parameter a handler reads (policy as a table).
 *
 * A signature proves a request came from Twilio's account holder, not that its values are sane: the signing
 * key can leak, and the sandbox signs whatever a test sends. Values that reach a call or message document are
 * held to what Twilio sends and to what the collection schemas take (ids ≤ 100, poolNumber ≤ 20, body ≤ 2000,
 * seconds ≤ 1e7), so a webhook can never store a document that the app's RxDB collection would refuse.
 * A value outside its rule is refused with 400 INVALID_WEBHOOK before anything is read or written.
 * Parameters not in the table (Twilio sends dozens: CallerCity, ApiVersion …) are never read and not checked.
 *
 * Formats: https://www.twilio.com/docs/glossary/what-is-a-sid (two letters and 32 hex digits),
 * https://www.twilio.com/docs/glossary/what-e164 (at most 15 digits), Twilio's OpenAPI patterns.
 */
const sid = (prefix: string) => new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);
const E164 = /^\+[1-9][0-9]{1,14}$/;
/** Caller ID of a withheld caller: a word (`anonymous`, `restricted` …), or empty (shared/phone isWithheld). */
const CALLER_WORD = /^[A-Za-z]{0,20}$/;
const SHORT_CODE = /^[0-9]{3,8}$/;
const STATUS_WORD = /^[a-z-]{1,20}$/;
/** Whole seconds; Twilio sends -1 when a duration is unknown. */
const SECONDS = /^(-1|[0-9]{1,7})$/;

type Rule = { test: (value: string) => boolean; expected: string };
const pattern = (re: RegExp, expected: string): Rule => ({ test: (v) => re.test(v), expected });
const maxLength = (n: number, expected: string): Rule => ({ test: (v) => v.length <= n, expected });

/** Twilio's `Timestamp` (RFC 2822), within years the call log's time fields can hold. */
const TIMESTAMP: Rule = {
  test: (v) => {
    if (v.length > 64) return false;
    const ms = Date.parse(v);
    return Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2200, 0, 1);
  },
  expected: 'an RFC 2822 date between 2000 and 2200',
};

export const WEBHOOK_PARAMETER_RULES: Readonly<Record<string, Rule>> = {
  AccountSid: pattern(sid('AC'), 'an account SID (AC + 32 hex digits)'),
  CallSid: pattern(sid('CA'), 'a call SID (CA + 32 hex digits)'),
  ParentCallSid: pattern(sid('CA'), 'a call SID (CA + 32 hex digits)'),
  RecordingSid: pattern(sid('RE'), 'a recording SID (RE + 32 hex digits)'),
  MessageSid: pattern(/^(SM|MM)[0-9a-fA-F]{32}$/, 'a message SID (SM or MM + 32 hex digits)'),
  SmsSid: pattern(/^(SM|MM)[0-9a-fA-F]{32}$/, 'a message SID (SM or MM + 32 hex digits)'),
  From: {
    test: (v) => E164.test(v) || SHORT_CODE.test(v) || CALLER_WORD.test(v),
    expected: 'an E.164 number, a short code or a withheld caller ID',
  },
  To: pattern(E164, 'an E.164 number'),
  CallStatus: pattern(STATUS_WORD, 'a call status'),
  DialCallStatus: pattern(STATUS_WORD, 'a call status'),
  RecordingStatus: pattern(STATUS_WORD, 'a recording status'),
  MessageStatus: pattern(STATUS_WORD, 'a message status'),
  SmsStatus: pattern(STATUS_WORD, 'a message status'),
  CallDuration: pattern(SECONDS, 'whole seconds'),
  DialCallDuration: pattern(SECONDS, 'whole seconds'),
  RecordingDuration: pattern(SECONDS, 'whole seconds'),
  SequenceNumber: pattern(/^[0-9]{1,9}$/, 'a sequence number'),
  RecordingChannels: pattern(/^[12]$/, '1 or 2'),
  NumMedia: pattern(/^[0-9]{1,2}$/, 'a count of media'),
  Digits: pattern(/^[0-9*#A-Za-z]{0,32}$/, 'keys pressed'),
  Timestamp: TIMESTAMP,
  // The download job takes it only from Twilio's API host (recordings/twilio-media.ts).
  RecordingUrl: pattern(/^https?:\/\/[^\s]{1,2000}$/, 'an http(s) URL'),
  // Twilio splits texts at 1,600 characters; the message schema holds 2,000.
  Body: maxLength(1600, 'at most 1,600 characters'),
};

/** Query parameters of our own callback URLs (the TwiML we return names them). */
export const WEBHOOK_QUERY_RULES: Readonly<Record<string, Rule>> = {
  attempt: pattern(/^[0-9]{1,2}$/, 'an attempt number'),
  recorded: pattern(/^[01]$/, '0 or 1'),
  m: pattern(/^(SM|MM)[0-9a-fA-F]{32}$/, 'a message SID'),
};

function check(values: unknown, rules: Readonly<Record<string, Rule>>, where: string): void {
  if (!values || typeof values !== 'object') return;
  for (const [name, rule] of Object.entries(rules)) {
    const value = (values as Record<string, unknown>)[name];
    if (value === undefined) continue;
    // Repeated keys (arrays) are refused before this by the app (DUPLICATE_PARAMETER); anything else not a string too.
    if (typeof value !== 'string' || !rule.test(value)) {
      const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
      throw new ApiError('INVALID_WEBHOOK', `${name} (${where}): expected ${rule.expected}, got ${shown}`, name);
    }
  }
}

/** Refuses a webhook whose parameters (form body and our query) break their rules. */
export function checkWebhookParameters(body: unknown, query: unknown): void {
  check(body, WEBHOOK_PARAMETER_RULES, 'form');
  check(query, WEBHOOK_QUERY_RULES, 'query');
}
