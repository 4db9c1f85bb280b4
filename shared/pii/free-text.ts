import { DIGIT_WORDS, REPEATERS } from '../spoken-digits';
/**
 * Phone numbers, email addresses and card numbers inside free text (text messages, transcripts, analysis
 * quotes), found and masked for staff who may not see them (PRODUCT.md, Legal and privacy: reviewers and
 * authors never receive a real phone number). Pure: the sync policy applies it per field and role.
 *
 * What counts, digit runs written or spoken ("07700 900100", "+44 (0)7700-900-100", "oh seven seven double oh
 * nine …"), with only spaces, dashes, dots or brackets between written groups (a comma too next to a spoken
 * digit, as transcribers punctuate read-out numbers):
 * - phone: a `+`/`plus`/`00` prefix and 8–15 digits (any country); or 10–11 digits starting with 0 (a UK
 *   number with its trunk 0); or exactly 10 digits (a UK number read out without its 0, "seven seven zero
 *   zero …");
 * - card: 13–19 digits not starting with 0 (the length of a PAN; no card number starts with 0);
 * - email: `local@domain.tld`.
 * Deliberately not masked (too short to reach anyone): prices ("£1,250"), times ("10:30"), dates ("12/03/2026",
 * "2026-03-12"), postcodes, extensions and codes of up to 9 digits. A longer reference number of exactly 10
 * digits is masked as a phone: privacy wins over a reference a reviewer can look up elsewhere.
 *
 * Masks are fixed labels, so a masked text is the same however often it is masked, and a pushed edit can put
 * the real values back where the labels still stand (`restoreMasked`).
 */

export const PII_LABELS = { phone: '[phone]', email: '[email]', card: '[card]' } as const;
export type PiiKind = keyof typeof PII_LABELS;

export interface PiiSpan {
  kind: PiiKind;
  /** Character offsets in the text, end exclusive. */
  start: number;
  end: number;
}

/** One written group of digits or one spoken digit (with its repeater: "double oh" is one token "00"). */
interface DigitToken {
  digits: string;
  start: number;
  end: number;
  spoken: boolean;
  /** A `+` or the word "plus" just before it: an international number. */
  plus: boolean;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const WORD_OR_DIGITS = /[A-Za-z]+|\d+/g;
/** Between two written groups of one number. */
const WRITTEN_GAP = /^[ \t\-.()]*$/;
/** Between groups where one side is spoken. */
const SPOKEN_GAP = /^[\s,.\-()]*$/;

/** Whether token `b` ends exactly where `a` starts (no space between). */
function glued(a: { start: number }, b: { end: number }): boolean {
  return a.start === b.end;
}

/** Digit tokens of the text in order, skipping the characters in `skip` (emails already found). */
function digitTokens(text: string, skip: readonly PiiSpan[]): DigitToken[] {
  const raw: Array<{ text: string; start: number; end: number }> = [];
  WORD_OR_DIGITS.lastIndex = 0;
  for (let m = WORD_OR_DIGITS.exec(text); m; m = WORD_OR_DIGITS.exec(text)) {
    const start = m.index;
    if (skip.some((s) => start >= s.start && start < s.end)) continue;
    raw.push({ text: m[0], start, end: start + m[0].length });
  }
  const out: DigitToken[] = [];
  let plus = false;
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    const lower = t.text.toLowerCase();
    if (/^\d+$/.test(t.text)) {
      // Digits glued to letters ("E17", "A4", "3rd") are part of a word, not of a number.
      const prev = raw[i - 1];
      const next = raw[i + 1];
      if (
        (prev && glued(t, prev) && /[A-Za-z]/.test(prev.text)) ||
        (next && glued(next, t) && /[A-Za-z]/.test(next.text))
      ) {
        plus = false;
        continue;
      }
      const sign = t.start > 0 && text[t.start - 1] === '+';
      out.push({ digits: t.text, start: sign ? t.start - 1 : t.start, end: t.end, spoken: false, plus: sign || plus });
      plus = false;
    } else if (lower in DIGIT_WORDS) {
      out.push({ digits: DIGIT_WORDS[lower], start: t.start, end: t.end, spoken: true, plus });
      plus = false;
    } else if (lower in REPEATERS && raw[i + 1] && raw[i + 1].text.toLowerCase() in DIGIT_WORDS) {
      const next = raw[i + 1];
      const digit = DIGIT_WORDS[next.text.toLowerCase()];
      out.push({ digits: digit.repeat(REPEATERS[lower]), start: t.start, end: next.end, spoken: true, plus });
      plus = false;
      i++;
    } else {
      // "plus four four …": the word stands for the sign when a spoken or written digit follows.
      plus = lower === 'plus';
      if (plus) out.push({ digits: '', start: t.start, end: t.end, spoken: true, plus: true });
    }
  }
  return out;
}

/** Splits tokens into runs whose gaps are separators only. */
function digitRuns(text: string, tokens: DigitToken[]): DigitToken[][] {
  const runs: DigitToken[][] = [];
  let cur: DigitToken[] = [];
  for (const t of tokens) {
    const prev = cur[cur.length - 1];
    const gap = prev ? text.slice(prev.end, t.start) : '';
    const joins =
      prev && (prev.spoken || t.spoken ? SPOKEN_GAP.test(gap) : WRITTEN_GAP.test(gap)) && !(t.plus && t.digits === '');
    if (prev && !joins) {
      runs.push(cur);
      cur = [];
    }
    cur.push(t);
  }
  if (cur.length) runs.push(cur);
  return runs;
}

function classify(tokens: DigitToken[]): PiiKind | null {
  const digits = tokens.map((t) => t.digits).join('');
  const n = digits.length;
  const international = tokens[0].plus || digits.startsWith('00');
  if (international) {
    const significant = digits.startsWith('00') ? n - 2 : n;
    return significant >= 8 && significant <= 15 ? 'phone' : null;
  }
  if (digits.startsWith('0')) return n === 10 || n === 11 ? 'phone' : null;
  if (n === 10) return 'phone';
  if (n >= 13 && n <= 19) return 'card';
  return null;
}

const DIGIT_WORD = /\b(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|double|triple)\b/gi;
/** The fewest digits any number found here has (an international number's 8). */
const MIN_DIGITS = 8;

/**
 * A cheap first look: whether `text` has enough digits, written or spoken, to hold a phone or card number.
 * Most texts do not, and skipping the tokenising for them keeps masking a pull page cheap.
 */
function mayHoldNumber(text: string): boolean {
  let digits = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57 && ++digits >= MIN_DIGITS) return true;
  }
  DIGIT_WORD.lastIndex = 0;
  // "triple oh" is two words for three digits; "double oh" two for two.
  for (let m = DIGIT_WORD.exec(text); m; m = DIGIT_WORD.exec(text)) {
    digits += m[0].length === 6 && m[0].toLowerCase() === 'triple' ? 2 : 1;
    if (digits >= MIN_DIGITS) return true;
  }
  return false;
}

/** Phone numbers, emails and card numbers in `text`, in order, not overlapping. */
export function findPii(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  if (text.includes('@')) {
    EMAIL.lastIndex = 0;
    for (let m = EMAIL.exec(text); m; m = EMAIL.exec(text)) {
      spans.push({ kind: 'email', start: m.index, end: m.index + m[0].length });
    }
  }
  if (!mayHoldNumber(text)) return spans;
  for (const run of digitRuns(text, digitTokens(text, spans))) {
    // Longest match first from each position, so "07700 900100. 12 is fine" masks the number and keeps the 12.
    let i = 0;
    while (i < run.length) {
      let matched = false;
      for (let j = run.length; j > i; j--) {
        const slice = run.slice(i, j);
        if (!slice.some((t) => t.digits)) continue;
        const kind = classify(slice);
        if (kind) {
          // An area code in brackets, "(020) 7946 0000": the opening bracket belongs to the number.
          const start = text[slice[0].start - 1] === '(' ? slice[0].start - 1 : slice[0].start;
          spans.push({ kind, start, end: slice[slice.length - 1].end });
          i = j;
          matched = true;
          break;
        }
      }
      if (!matched) i++;
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** `text` with each phone number, email and card number replaced by its label ("[phone]", "[email]", "[card]"). */
export function maskFreeText(text: string): string {
  const spans = findPii(text);
  if (!spans.length) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + PII_LABELS[s.kind];
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * Masks a transcript's word list without dropping or merging words, so word timings stay where they were:
 * the words are read as one text (joined by spaces), and each word that a found span touches has the touched
 * part replaced by the span's label ("07700" → "[phone]", "900100." → "[phone].").
 */
export function maskWords(words: readonly string[]): string[] {
  const starts: number[] = [];
  let joined = '';
  for (const w of words) {
    if (joined) joined += ' ';
    starts.push(joined.length);
    joined += w;
  }
  const spans = findPii(joined);
  if (!spans.length) return [...words];
  return words.map((w, k) => {
    const from = starts[k];
    const to = from + w.length;
    let out = '';
    let at = 0;
    for (const s of spans) {
      if (s.end <= from || s.start >= to) continue;
      const a = Math.max(s.start, from) - from;
      const b = Math.min(s.end, to) - from;
      out += w.slice(at, a) + PII_LABELS[s.kind];
      at = b;
    }
    return out + w.slice(at);
  });
}

/**
 * What to store when someone who sees `maskFreeText(stored)` sends back `pushed`: each label in `pushed`
 * that stands for a value found in `stored` gets that value back (the k-th "[phone]" the k-th phone number),
 * so a masked copy never overwrites the real text, while the person's own edits are kept. A label with no
 * value of its kind left to stand for stays as typed.
 */
export function restoreMasked(pushed: string, stored: string | null | undefined): string {
  if (!stored) return pushed;
  const spans = findPii(stored);
  if (!spans.length) return pushed;
  const values: Record<PiiKind, string[]> = { phone: [], email: [], card: [] };
  for (const s of spans) values[s.kind].push(stored.slice(s.start, s.end));
  const used: Record<PiiKind, number> = { phone: 0, email: 0, card: 0 };
  return pushed.replace(/\[(phone|email|card)\]/g, (label, kind: PiiKind) => values[kind][used[kind]++] ?? label);
}
