import type { CardFlag, Speaker } from './schema';
import { DIGIT_WORDS, REPEATERS } from '../spoken-digits';

/**
 * Card details on platform lines. PRODUCT.md: "No card details on platform lines; anything that looks like a
 * card number in a transcript is flagged." PCI DSS forbids keeping a full card number (PAN) or a security code
 * after authorisation, so a transcript is stored with them removed and the flag keeps at most the last four.
 *
 * People read card numbers aloud ("four two four two, double four …"), so spoken digits count as digits.
 */

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  const re = /[A-Za-z]+|\d+/g;
  for (let m = re.exec(text); m; m = re.exec(text))
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** A run of consecutive digit tokens (written or spoken) with the character span it covers. */
interface DigitRun {
  digits: string;
  start: number;
  end: number;
}

function digitRuns(text: string): DigitRun[] {
  const toks = tokens(text);
  const runs: DigitRun[] = [];
  let cur: DigitRun | null = null;
  let repeat = 1;
  const close = () => {
    if (cur && cur.digits.length) runs.push(cur);
    cur = null;
    repeat = 1;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const lower = t.text.toLowerCase();
    // Only whitespace, dashes, dots or commas may sit between the digits of one run.
    const gap = cur ? text.slice(cur.end, t.start) : '';
    if (cur && !/^[\s,.\-/]*$/.test(gap)) close();
    let digits: string | null = null;
    if (/^\d+$/.test(t.text)) digits = t.text;
    else if (lower in DIGIT_WORDS && !(lower === 'o' && !cur)) digits = DIGIT_WORDS[lower];
    else if (lower in REPEATERS && i + 1 < toks.length) {
      const next = toks[i + 1].text.toLowerCase();
      if (next in DIGIT_WORDS || /^\d$/.test(next)) {
        if (!cur) cur = { digits: '', start: t.start, end: t.end };
        repeat = REPEATERS[lower];
        cur.end = t.end;
        continue;
      }
    }
    if (digits === null) {
      close();
      continue;
    }
    if (!cur) cur = { digits: '', start: t.start, end: t.end };
    cur.digits += digits.repeat(repeat);
    cur.end = t.end;
    repeat = 1;
  }
  close();
  return runs;
}

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const CARD_CONTEXT = /\b(card|long number|visa|mastercard|amex|debit|credit)\b/i;
const SECURITY_CUE =
  /\b(security code|cvv|cvc|csc|three digits on the back|3 digits on the back|last three digits|digits on the back)\b/i;
const EXPIRY_CUE = /\b(expiry|expires|expiration|exp date|valid (until|thru|through)|end date)\b/i;
const MENTION_CUE =
  /\b(card number|long number on the (front|card)|(debit|credit) card|pay(ing)? (by|on|with) (a |the |my )?card|card details|take (a |the )?payment|take your card|sort code)\b/i;

export interface CardScan {
  flags: Array<Omit<CardFlag, 'time' | 'speaker'>>;
  /** The text with card numbers, security codes and expiry dates replaced. */
  redacted: string;
}

function mask(digits: string): string {
  return digits.length > 4 ? `${'•'.repeat(digits.length - 4)}${digits.slice(-4)}` : '•'.repeat(digits.length);
}

/** Scans one utterance; `contextBefore` is the text said just before it (a cue and the digits may be split). */
export function scanForCardDetails(text: string, contextBefore = ''): CardScan {
  const flags: CardScan['flags'] = [];
  const cuts: Array<{ start: number; end: number; label: string }> = [];
  const context = `${contextBefore} ${text}`;
  for (const run of digitRuns(text)) {
    const n = run.digits.length;
    // 13–19 digits is a PAN's length; a UK phone number is 10–11, so it never qualifies.
    if (n >= 13 && n <= 19 && (luhnValid(run.digits) || CARD_CONTEXT.test(context))) {
      flags.push({ kind: 'card-number', excerpt: excerpt(text, run, `[card number ${mask(run.digits)}]`) });
      cuts.push({ start: run.start, end: run.end, label: '[card number removed]' });
    } else if ((n === 3 || n === 4) && SECURITY_CUE.test(text)) {
      flags.push({ kind: 'security-code', excerpt: excerpt(text, run, '[•••]') });
      cuts.push({ start: run.start, end: run.end, label: '[security code removed]' });
    } else if ((n === 4 || n === 6) && EXPIRY_CUE.test(context)) {
      flags.push({ kind: 'expiry-date', excerpt: excerpt(text, run, '[••/••]') });
      cuts.push({ start: run.start, end: run.end, label: '[expiry date removed]' });
    } else if ((n === 3 || n === 4) && SECURITY_CUE.test(context)) {
      flags.push({ kind: 'security-code', excerpt: excerpt(text, run, '[•••]') });
      cuts.push({ start: run.start, end: run.end, label: '[security code removed]' });
    }
  }
  if (!flags.length && MENTION_CUE.test(text)) {
    flags.push({ kind: 'card-mention', excerpt: text.length > 300 ? `${text.slice(0, 297)}…` : text });
  }
  let redacted = text;
  for (const cut of cuts.sort((a, b) => b.start - a.start)) {
    redacted = redacted.slice(0, cut.start) + cut.label + redacted.slice(cut.end);
  }
  return { flags, redacted };
}

function excerpt(text: string, run: DigitRun, replacement: string): string {
  const before = text.slice(Math.max(0, run.start - 60), run.start);
  const after = text.slice(run.end, run.end + 60);
  // Other digits nearby (an expiry next to a PAN) are masked too: the excerpt must never leak card data.
  return `${before.replace(/\d/g, '•')}${replacement}${after.replace(/\d/g, '•')}`.slice(0, 300);
}

export interface SegmentLike {
  speaker: Speaker;
  start: number;
  text: string;
}

/** Flags card details across a transcript and returns the transcript with them removed. */
export function redactCardDetails<S extends SegmentLike>(segments: S[]): { segments: S[]; flags: CardFlag[] } {
  const flags: CardFlag[] = [];
  const out: S[] = [];
  let previous = '';
  for (const s of segments) {
    const scan = scanForCardDetails(s.text, previous);
    for (const f of scan.flags) flags.push({ ...f, time: s.start, speaker: s.speaker });
    const changed = scan.redacted !== s.text;
    // Word timings would spell the removed digits out again, so a redacted segment loses them.
    out.push(changed ? { ...s, text: scan.redacted, ...('words' in s ? { words: undefined } : {}) } : s);
    previous = s.text;
  }
  return { segments: out, flags };
}
