import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';

/**
 * UK phone numbers: parsing to E.164, the Ofcom drama ranges, display and masked forms.
 *
 * libphonenumber-js (full metadata, so number types are known) does the parsing. Ofcom reserves ranges for
 * TV and radio drama that phone libraries call unallocated; the sandbox, the demo and the tests use them, so
 * they are accepted explicitly:
 *   https://www.ofcom.org.uk/phones-and-broadband/phone-numbers/numbers-for-drama
 */

/** National significant numbers (no leading 0) of the drama ranges we accept, as inclusive [from, to]. */
export const DRAMA_RANGES: ReadonlyArray<readonly [string, string]> = [
  ['7700900000', '7700900999'], // mobile 07700 900000–900999
  ['2079460000', '2079460999'], // London 020 7946 0000–0999
];

/** Number types a customer or an assessor can be reached on (no premium, shared-cost or freephone lines). */
const REACHABLE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>([
  'MOBILE',
  'FIXED_LINE',
  'FIXED_LINE_OR_MOBILE',
  'VOIP',
]);

export type PhoneParseResult =
  | { ok: true; e164: string; drama: boolean }
  | { ok: false; reason: 'empty' | 'unparseable' | 'not-uk' | 'invalid' | 'unreachable-type' };

export function isDramaNumber(nationalNumber: string): boolean {
  return DRAMA_RANGES.some(
    ([from, to]) => nationalNumber.length === from.length && nationalNumber >= from && nationalNumber <= to,
  );
}

/**
 * Parses a UK number written in any common way (`07911 123456`, `+44 7911 123456`, `(020) 7946 0000`,
 * `+44 (0)20 7946 0000`, `0044…`) to E.164. Numbers outside the UK are refused: Ringside's customers and
 * assessors are UK lines, and masking international numbers would need numbers abroad.
 */
export function parseUkPhone(input: string): PhoneParseResult {
  const text = input.trim();
  if (!text) return { ok: false, reason: 'empty' };
  if (!/^[+\d\s().-]+$/.test(text)) return { ok: false, reason: 'unparseable' };
  const parsed = parsePhoneNumberFromString(text, 'GB');
  if (!parsed) return { ok: false, reason: 'unparseable' };
  if (parsed.countryCallingCode !== '44') return { ok: false, reason: 'not-uk' };
  const national = String(parsed.nationalNumber);
  if (isDramaNumber(national)) return { ok: true, e164: `+44${national}`, drama: true };
  if (!parsed.isValid()) return { ok: false, reason: 'invalid' };
  const type = parsed.getType();
  if (!type || !REACHABLE_TYPES.has(type)) return { ok: false, reason: 'unreachable-type' };
  return { ok: true, e164: parsed.number, drama: false };
}

/** True for a string already in canonical UK E.164 form that parseUkPhone accepts. */
export function isUkE164(value: string): boolean {
  if (!/^\+44\d{9,10}$/.test(value)) return false;
  const r = parseUkPhone(value);
  return r.ok && r.e164 === value;
}

/**
 * A withheld or unknown caller ID reaches a webhook as a word (`anonymous`, `restricted`, `unknown` …), an
 * empty value, or a placeholder that spells the word on a keypad (266696687 = ANONYMOUS, 7378742833 =
 * RESTRICTED, 2562533 = BLOCKED, 86282452253 = UNAVAILABLE, 8656696 = UNKNOWN).
 */
const WITHHELD_PLACEHOLDERS = new Set(['anonymous', 'restricted', 'unknown', 'private', 'unavailable', 'withheld']);
const WITHHELD_NUMBERS = new Set(['+266696687', '+7378742833', '+2562533', '+86282452253', '+8656696']);

export function isWithheld(from: string | undefined | null): boolean {
  if (!from) return true;
  const v = from.trim();
  if (!v) return true;
  if (WITHHELD_PLACEHOLDERS.has(v.toLowerCase())) return true;
  return WITHHELD_NUMBERS.has(v);
}

/** `+447700900456` → `07700 900456`; other countries keep their international form. */
export function formatNational(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  if (parsed.countryCallingCode !== '44') return parsed.formatInternational();
  const national = String(parsed.nationalNumber);
  // libphonenumber formats reserved drama numbers like any other number in their block.
  return parsed.formatNational() || `0${national}`;
}

/**
 * A display form that identifies nothing on its own: the national form with the last three digits hidden,
 * `+447700900456` → `07700 900***`. Used wherever a role may not see real numbers.
 */
export function maskPhone(e164: string): string {
  const national = formatNational(e164);
  let hidden = 0;
  const chars = national.split('');
  for (let i = chars.length - 1; i >= 0 && hidden < 3; i--) {
    if (/\d/.test(chars[i])) {
      chars[i] = '*';
      hidden++;
    }
  }
  return chars.join('');
}

/** How the marketplace shows a contact: `Dan Price - 07700 900456` or `John Smith - 07700 900456 ext 123`. */
export function contactLabel(name: string, poolNumber: string, extension: string | null): string {
  return `${name} - ${formatNational(poolNumber)}${extension ? ` ext ${extension}` : ''}`;
}

/** What a phone dials to reach an extension directly: `07700900456,,123` (each comma pauses about 2 s). */
export function dialString(poolNumber: string, extension: string | null): string {
  const national = formatNational(poolNumber).replace(/\s/g, '');
  return extension ? `${national},,${extension}` : national;
}
