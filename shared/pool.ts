/**
 * The number pool: pure allocation and routing rules (no I/O; the server feeds in rows and stores results).
 * Rule ids (P1…P9) are cited by the tests in tests/unit/pool*.test.ts.
 *
 * A *session* is one assignment (lead × assessor) with a pool number P both parties see for each other.
 *
 * P1  Customer side: every open session in which a phone takes part has a distinct P when that phone is the
 *     customer, so (From = customer, To = P) names exactly one session. A phone that is the customer on P in an
 *     open session takes part in no other open session on P, in either role.
 * P2  Assessor side: an assessor's phone may share P across many open sessions. Every new session carries an
 *     extension unique among that phone's open and cooling sessions on P: the listing's fallback, asked for only
 *     when the number alone is ambiguous (P3, P10). Extensions are three digits whose last digit is a Damm check
 *     digit, so one mistyped digit or two swapped neighbours are refused instead of reaching another customer.
 *     Sessions made before this rule may have none (listed without an extension, "direct").
 * P3  Routing (From, To[, digits]): a customer key routes directly. An assessor's keyed digits name their
 *     session by extension (`0` still names a direct session). An assessor's bare call or text (no digits)
 *     connects at once, in this order: to their direct session on P when they have exactly one (a listing
 *     without an extension never reaches a prompt); to their only open session on P; to their one live and
 *     recent session on P (P10). Otherwise it is genuinely ambiguous and the caller keys the extension.
 *     Anything else is out of session: never a guess.
 * P4  Sessions expire a sliding TTL after their last interaction (calls and texts through the session), or
 *     when the lead is closed.
 * P5  Cool-down: for `cooldownMs` after a session ends, its routing keys (customer phone + P; assessor phone +
 *     P + extension) are not given to a session with a different counterpart, so a party calling an old
 *     contact never reaches someone new.
 * P6  Allocation prefers the number (and extension) the same pair used before, then a number free on both
 *     sides (direct for the assessor), then one free on the customer side (with an extension).
 * P7  When no number is free on the customer side the pool needs another number: the server buys one within
 *     its monthly budget or answers POOL_EXHAUSTED.
 * P8  A lead's customer phone and an assessor's phone must differ (otherwise no key could tell them apart).
 * P9  Choices are deterministic: the same state and request give the same allocation.
 * P10 Live and recent: a session is *recent* at t when it is open and its last interaction (the assignment,
 *     or a call or text through it, such as the customer's missed call) is less than `recentMs` before t. A
 *     session that ended (closed or expired) with its last interaction less than `recentMs` before t is
 *     *recently ended*. A bare assessor contact connects to the one recent session only when no other session of
 *     that phone on P is recent or recently ended for a different customer.
 * P11 Spreading: a new session goes, among the numbers free on the customer side, to one on which the
 *     assessor's phone has no recent or recently ended session, least recently used by that phone first (then
 *     the least loaded number, then by name), so the assessor's fresh sessions are each alone on their number
 *     while they are being called.
 * P12 Buying for the assessor's time: when every usable number already holds a recent session of the phone
 *     (the new session would be prompted), the server buys another number if the monthly budget allows
 *     (POOL_MONTHLY_BUDGET_PENCE); otherwise the session shares the least recently used number, extension kept.
 */

export interface PoolPolicy {
  /** Sliding expiry after the last interaction. */
  sessionTtlMs: number;
  /** Rest before a freed routing key goes to a different counterpart. */
  cooldownMs: number;
  /** P10: how long after its last interaction a session stays recent (a bare call connects to it at once). */
  recentMs: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Most assessor calls come in the first two days after assignment or right after a customer's missed call. */
export const DEFAULT_RECENT_MS = 2 * DAY_MS;
export const DEFAULT_POOL_POLICY: PoolPolicy = {
  sessionTtlMs: 30 * DAY_MS,
  cooldownMs: 7 * DAY_MS,
  recentMs: DEFAULT_RECENT_MS,
};

/** Extensions are two digits plus a check digit: 100 per assessor phone per pool number. */
export const EXTENSION_CAPACITY = 100;
/** What an assessor keys for the session listed without an extension when the number is shared. */
export const DIRECT_CODE = '0';

export interface PoolSession {
  id: string;
  leadId: string;
  assessorId: string;
  customerPhone: string;
  assessorPhone: string;
  poolNumber: string;
  extension: string | null;
  createdAt: number;
  lastActivityAt: number;
  /** lastActivityAt + TTL at the time of the last interaction. */
  expiresAt: number;
  /** Set when the lead is closed; the session ends then. */
  closedAt: number | null;
}

// ───────────────────────────── lifetime (P4) ─────────────────────────────

export function sessionEndsAt(s: Pick<PoolSession, 'expiresAt' | 'closedAt'>): number {
  return s.closedAt === null ? s.expiresAt : Math.min(s.closedAt, s.expiresAt);
}

export function isOpen(s: Pick<PoolSession, 'expiresAt' | 'closedAt'>, now: number): boolean {
  return now < sessionEndsAt(s);
}

export function isCooling(s: Pick<PoolSession, 'expiresAt' | 'closedAt'>, now: number, policy: PoolPolicy): boolean {
  const end = sessionEndsAt(s);
  return end <= now && now < end + policy.cooldownMs;
}

/** P10: open, with its last interaction less than `recentMs` ago. */
export function isRecent(
  s: Pick<PoolSession, 'expiresAt' | 'closedAt' | 'lastActivityAt'>,
  now: number,
  recentMs: number,
): boolean {
  return isOpen(s, now) && now - s.lastActivityAt < recentMs;
}

/** P10: ended, with its last interaction less than `recentMs` ago. */
export function isRecentlyEnded(
  s: Pick<PoolSession, 'expiresAt' | 'closedAt' | 'lastActivityAt'>,
  now: number,
  recentMs: number,
): boolean {
  return !isOpen(s, now) && now - s.lastActivityAt < recentMs;
}

/** An interaction at `at` slides the expiry; an interaction with an ended session changes nothing. */
export function touchSession(s: PoolSession, at: number, policy: PoolPolicy): PoolSession {
  if (!isOpen(s, at)) return s;
  return {
    ...s,
    lastActivityAt: Math.max(s.lastActivityAt, at),
    expiresAt: Math.max(s.expiresAt, at + policy.sessionTtlMs),
  };
}

// ───────────────────────────── extensions (P2) ─────────────────────────────

/** Damm's quasigroup table (https://en.wikipedia.org/wiki/Damm_algorithm). */
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

function dammInterim(digits: string): number {
  let interim = 0;
  for (const ch of digits) interim = DAMM[interim][ch.charCodeAt(0) - 48];
  return interim;
}

export function dammCheckDigit(digits: string): string {
  return String(dammInterim(digits));
}

/** A well-formed extension: three digits whose Damm checksum is zero. */
export function isValidExtension(code: string): boolean {
  return /^\d{3}$/.test(code) && dammInterim(code) === 0;
}

/** The extension with base `n` (0–99). */
export function extensionFor(n: number): string {
  const base = String(n % EXTENSION_CAPACITY).padStart(2, '0');
  return base + dammCheckDigit(base);
}

/** FNV-1a: a small stable hash so the first extension tried depends on the session, not on luck. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Digits typed or texted by an assessor, as an extension or the direct code; null when it is neither. */
export function normaliseDigits(digits: string | null | undefined): string | null {
  if (digits === null || digits === undefined) return null;
  const d = digits.replace(/[#*\s]/g, '');
  return d === '' ? null : d;
}

/**
 * Splits an assessor's text into the extension it starts with and the rest: `123 See you at 3`,
 * `ext 123: See you`, `#123 See you`, `0 Running late`. Returns null digits when it starts with none.
 */
export function splitTextExtension(body: string): { digits: string | null; rest: string } {
  const m = /^\s*(?:ext\.?\s*|x\s*|#)?(\d{3}|0)(?=$|[\s:,.;-])[\s:,.;-]*/i.exec(body);
  if (!m) return { digits: null, rest: body };
  return { digits: m[1], rest: body.slice(m[0].length) };
}

// ───────────────────────────── routing (P1, P3) ─────────────────────────────

export interface Contact {
  /** The caller's or sender's number (E.164, or a withheld marker). */
  from: string;
  /** The pool number called or texted. */
  to: string;
  /** Digits keyed (voice) or the extension a text started with; null when not asked yet. */
  digits?: string | null;
}

/**
 * How a contact found its session: the customer's own key; the assessor's keyed extension; or, for an
 * assessor's bare contact, their direct listing, their only session on the number, or their one recent one.
 */
export type RoutedBy = 'customer' | 'extension' | 'direct' | 'only' | 'recent';

export type Route =
  | { kind: 'session'; session: PoolSession; side: 'customer' | 'assessor'; by?: RoutedBy }
  /** The caller is an assessor whose phone needs an extension on this number: ask for it. */
  | { kind: 'needs-extension'; sessions: number }
  /** Digits were keyed but name no open session of this caller on this number. */
  | { kind: 'unknown-extension'; invalid: boolean }
  | { kind: 'out-of-session'; reason: 'withheld' | 'no-session' | 'conflict' };

export interface ResolveOptions {
  /** The caller ID is withheld (see shared/phone isWithheld). */
  withheld?: boolean;
  /**
   * The pool's cool-down. With it, sessions that ended recently count too: an assessor whose phone had an
   * extension on this number for another customer is asked to key it even when one direct session is left,
   * so `P,,123` for an old contact never rings the remaining customer (P5).
   */
  cooldownMs?: number;
  /** P10's window (defaults to DEFAULT_RECENT_MS). */
  recentMs?: number;
}

/**
 * Resolves a call or text to at most one open session (P3). `sessions` may hold any sessions; only those on
 * `to` with `from` as a party are considered.
 */
export function resolveContact(
  sessions: readonly PoolSession[],
  contact: Contact,
  now: number,
  opts: ResolveOptions = {},
): Route {
  if (opts.withheld) return { kind: 'out-of-session', reason: 'withheld' };
  const onNumber = sessions.filter(
    (s) => s.poolNumber === contact.to && (s.customerPhone === contact.from || s.assessorPhone === contact.from),
  );
  const mine = onNumber.filter((s) => isOpen(s, now));
  const asCustomer = mine.filter((s) => s.customerPhone === contact.from);
  const asAssessor = mine.filter((s) => s.assessorPhone === contact.from);
  if (asCustomer.length > 0) {
    // P1 guarantees a single session; anything else is a broken invariant, and guessing could misroute.
    if (asCustomer.length === 1 && asAssessor.length === 0)
      return { kind: 'session', session: asCustomer[0], side: 'customer', by: 'customer' };
    return { kind: 'out-of-session', reason: 'conflict' };
  }
  if (asAssessor.length === 0) return { kind: 'out-of-session', reason: 'no-session' };
  const direct = asAssessor.filter((s) => s.extension === null);
  if (direct.length > 1) return { kind: 'out-of-session', reason: 'conflict' };
  const digits = normaliseDigits(contact.digits);
  if (digits !== null) {
    if (digits === DIRECT_CODE) {
      return direct.length === 1
        ? { kind: 'session', session: direct[0], side: 'assessor', by: 'direct' }
        : { kind: 'unknown-extension', invalid: false };
    }
    const matches = asAssessor.filter((s) => s.extension === digits);
    if (matches.length === 1) return { kind: 'session', session: matches[0], side: 'assessor', by: 'extension' };
    if (matches.length > 1) return { kind: 'out-of-session', reason: 'conflict' };
    return { kind: 'unknown-extension', invalid: !isValidExtension(digits) };
  }
  // A bare call or text (P3). A listing without an extension has nothing to key: it never reaches a prompt.
  if (direct.length === 1) return { kind: 'session', session: direct[0], side: 'assessor', by: 'direct' };
  const cooldownMs = opts.cooldownMs ?? 0;
  const recentMs = opts.recentMs ?? DEFAULT_RECENT_MS;
  /**
   * P5 and P10: another customer's session of this phone on P that ended recently, or whose key was the bare
   * number (listed without an extension) and still cools: the assessor may be calling that old contact.
   */
  const oldContactFor = (keep: PoolSession) =>
    onNumber.some(
      (s) =>
        s.assessorPhone === contact.from &&
        s.customerPhone !== keep.customerPhone &&
        !isOpen(s, now) &&
        (isRecentlyEnded(s, now, recentMs) ||
          (s.extension === null && isCooling(s, now, { sessionTtlMs: 0, cooldownMs, recentMs }))),
    );
  if (asAssessor.length === 1 && !oldContactFor(asAssessor[0]))
    return { kind: 'session', session: asAssessor[0], side: 'assessor', by: 'only' };
  const recent = asAssessor.filter((s) => isRecent(s, now, recentMs));
  if (recent.length === 1 && !oldContactFor(recent[0]))
    return { kind: 'session', session: recent[0], side: 'assessor', by: 'recent' };
  return { kind: 'needs-extension', sessions: asAssessor.length };
}

// ───────────────────────────── allocation (P5–P9) ─────────────────────────────

export interface PoolNumberInfo {
  number: string;
  /** False once released from the pool: kept for history, never allocated. */
  active: boolean;
}

export interface AllocationRequest {
  sessionId: string;
  leadId: string;
  assessorId: string;
  customerPhone: string;
  assessorPhone: string;
  now: number;
}

/** P6 the pair's old number; P11 a number with no recent session of this phone; P12 shared, budget spent. */
export type AllocationChoice = 'sticky' | 'alone-while-recent' | 'shared-while-recent';

export type Allocation =
  | { kind: 'allocated'; session: PoolSession; choice: AllocationChoice }
  /**
   * P7: no number is free on the customer side, so the server must add one or answer POOL_EXHAUSTED; P12:
   * every usable number holds a recent session of this phone and the caller said the budget allows another.
   */
  | { kind: 'needs-number'; reason: 'customer-side' | 'assessor-time' }
  | { kind: 'invalid'; reason: 'same-phone' };

/**
 * Picks the pool number and extension for a new session. `sessions` must include every session (open, cooling
 * or older) in which the customer's or the assessor's phone takes part; others are ignored.
 */
export function allocateSession(
  numbers: readonly PoolNumberInfo[],
  sessions: readonly PoolSession[],
  req: AllocationRequest,
  policy: PoolPolicy,
  /** Open sessions per pool number across the whole pool (defaults to counting `sessions`). */
  numberLoad?: ReadonlyMap<string, number>,
  /** P12: the monthly budget allows another number, so ask for one rather than share a recent number. */
  mayBuy = false,
): Allocation {
  const C = req.customerPhone;
  const A = req.assessorPhone;
  if (C === A) return { kind: 'invalid', reason: 'same-phone' };
  const now = req.now;
  const involving = sessions.filter(
    (s) => s.customerPhone === C || s.assessorPhone === C || s.customerPhone === A || s.assessorPhone === A,
  );
  const open = involving.filter((s) => isOpen(s, now));
  const cooling = involving.filter((s) => isCooling(s, now, policy));
  const samePair = (s: PoolSession) => s.customerPhone === C && s.assessorId === req.assessorId;

  /** P1 + P5 on the customer side: may C use P as its key for this assessor? */
  const customerFree = (P: string): boolean => {
    if (open.some((s) => s.poolNumber === P && (s.customerPhone === C || s.assessorPhone === C))) return false;
    return !cooling.some((s) => s.poolNumber === P && (s.customerPhone === C || s.assessorPhone === C) && !samePair(s));
  };

  /** Open sessions of A's phone as assessor on P, and the keys cooling for other customers. */
  const assessorState = (P: string) => {
    const blocked =
      open.some((s) => s.poolNumber === P && s.customerPhone === A) ||
      cooling.some((s) => s.poolNumber === P && s.customerPhone === A);
    const used = open.filter((s) => s.poolNumber === P && s.assessorPhone === A);
    const taken = new Set<string | null>(used.map((s) => s.extension));
    for (const s of cooling) {
      if (s.poolNumber === P && s.assessorPhone === A && s.customerPhone !== C) taken.add(s.extension);
    }
    return { blocked, used, taken };
  };

  const pickExtension = (taken: Set<string | null>, preferred: string | null): string | null => {
    if (preferred !== null && !taken.has(preferred)) return preferred;
    const start = hash32(req.sessionId) % EXTENSION_CAPACITY;
    for (let i = 0; i < EXTENSION_CAPACITY; i++) {
      const code = extensionFor((start + i) % EXTENSION_CAPACITY);
      if (!taken.has(code)) return code;
    }
    return null;
  };

  const make = (poolNumber: string, extension: string | null, choice: AllocationChoice): Allocation => ({
    kind: 'allocated',
    choice,
    session: {
      id: req.sessionId,
      leadId: req.leadId,
      assessorId: req.assessorId,
      customerPhone: C,
      assessorPhone: A,
      poolNumber,
      extension,
      createdAt: now,
      lastActivityAt: now,
      expiresAt: now + policy.sessionTtlMs,
      closedAt: null,
    },
  });

  const active = numbers
    .filter((n) => n.active)
    .map((n) => n.number)
    .sort();
  const candidates = active.filter(customerFree);
  const states = new Map(candidates.map((P) => [P, assessorState(P)] as const));

  // 1. Sticky (P6): the number (and, when still free, the extension) the same pair used most recently.
  const previous = involving
    .filter((s) => samePair(s) && !isOpen(s, now))
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))[0];
  const stickyState = previous ? states.get(previous.poolNumber) : undefined;
  if (previous && stickyState && !stickyState.blocked) {
    const ext = pickExtension(stickyState.taken, previous.extension ?? null);
    if (ext !== null) return make(previous.poolNumber, ext, 'sticky');
  }

  // 2. P11: a number on which this phone has no recent session, least recently used by the phone first.
  const load = new Map<string, number>(numberLoad ?? []);
  if (!numberLoad)
    for (const s of sessions) if (isOpen(s, now)) load.set(s.poolNumber, (load.get(s.poolNumber) ?? 0) + 1);
  const lastUsed = new Map<string, number>();
  const busy = new Set<string>();
  for (const s of involving) {
    if (s.assessorPhone !== A) continue;
    lastUsed.set(s.poolNumber, Math.max(lastUsed.get(s.poolNumber) ?? -Infinity, s.lastActivityAt));
    if (isRecent(s, now, policy.recentMs) || isRecentlyEnded(s, now, policy.recentMs)) busy.add(s.poolNumber);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const usable = candidates
    .filter((P) => !states.get(P)?.blocked)
    .sort(
      (a, b) =>
        (lastUsed.get(a) ?? -Infinity) - (lastUsed.get(b) ?? -Infinity) ||
        (load.get(a) ?? 0) - (load.get(b) ?? 0) ||
        byName(a, b),
    );
  const place = (P: string, choice: AllocationChoice): Allocation | null => {
    const st = states.get(P);
    const ext = st ? pickExtension(st.taken, null) : null;
    return ext === null ? null : make(P, ext, choice);
  };
  for (const P of usable) {
    if (busy.has(P)) continue;
    const a = place(P, 'alone-while-recent');
    if (a) return a;
  }
  // 3. P12: every usable number would make this session ambiguous while it is fresh.
  if (mayBuy) return { kind: 'needs-number', reason: 'assessor-time' };
  for (const P of usable) {
    const a = place(P, 'shared-while-recent');
    if (a) return a;
  }

  return { kind: 'needs-number', reason: 'customer-side' };
}

// ───────────────────────────── invariants (for tests and the report) ─────────────────────────────

export interface RoutingConflict {
  rule: 'P1' | 'P2' | 'P5' | 'P8';
  phone: string;
  poolNumber: string;
  sessionIds: string[];
}

/** Every way the current sessions could route a contact to the wrong party or to more than one session. */
export function findRoutingConflicts(
  sessions: readonly PoolSession[],
  now: number,
  policy: PoolPolicy,
): RoutingConflict[] {
  const conflicts: RoutingConflict[] = [];
  const open = sessions.filter((s) => isOpen(s, now));
  const byKey = new Map<string, PoolSession[]>();
  const add = (phone: string, s: PoolSession) => {
    const k = `${phone}|${s.poolNumber}`;
    const list = byKey.get(k);
    if (list) list.push(s);
    else byKey.set(k, [s]);
  };
  for (const s of open) {
    if (s.customerPhone === s.assessorPhone)
      conflicts.push({ rule: 'P8', phone: s.customerPhone, poolNumber: s.poolNumber, sessionIds: [s.id] });
    add(s.customerPhone, s);
    add(s.assessorPhone, s);
  }
  for (const [k, list] of byKey) {
    const [phone, poolNumber] = k.split('|');
    const asCustomer = list.filter((s) => s.customerPhone === phone);
    if (asCustomer.length > 0 && list.length > 1) {
      conflicts.push({ rule: 'P1', phone, poolNumber, sessionIds: list.map((s) => s.id) });
      continue;
    }
    const exts = list.map((s) => s.extension);
    if (new Set(exts).size !== exts.length)
      conflicts.push({ rule: 'P2', phone, poolNumber, sessionIds: list.map((s) => s.id) });
  }
  // P5: a key that ended recently must not now route to a different counterpart.
  const byPartyNumber = new Map<string, PoolSession[]>();
  for (const s of sessions) {
    for (const phone of new Set([s.customerPhone, s.assessorPhone])) {
      const k = `${phone}|${s.poolNumber}`;
      const list = byPartyNumber.get(k);
      if (list) list.push(s);
      else byPartyNumber.set(k, [s]);
    }
  }
  for (const old of sessions) {
    if (!isCooling(old, now, policy)) continue;
    for (const side of ['customer', 'assessor'] as const) {
      const phone = side === 'customer' ? old.customerPhone : old.assessorPhone;
      // The party redials the old contact as they knew it: the number, plus the extension if it had one.
      const contact = { from: phone, to: old.poolNumber, digits: side === 'customer' ? null : old.extension };
      const same = byPartyNumber.get(`${phone}|${old.poolNumber}`) ?? [];
      let route = resolveContact(same, contact, now, { cooldownMs: policy.cooldownMs });
      if (route.kind === 'needs-extension' && side === 'assessor' && old.extension === null) {
        route = resolveContact(same, { ...contact, digits: DIRECT_CODE }, now, { cooldownMs: policy.cooldownMs });
      }
      if (route.kind !== 'session') continue;
      const s = route.session;
      const sameCounterpart =
        side === 'customer' ? s.assessorId === old.assessorId : s.customerPhone === old.customerPhone;
      if (!sameCounterpart)
        conflicts.push({ rule: 'P5', phone, poolNumber: old.poolNumber, sessionIds: [old.id, s.id] });
    }
  }
  return conflicts;
}

// ───────────────────────────── report ─────────────────────────────

export interface PoolReport {
  numbersOwned: number;
  numbersInUse: number;
  /** The fewest numbers that could carry today's open sessions (customer side, and extension capacity). */
  numbersNeeded: number;
  openSessions: number;
  sessionsWithExtension: number;
  /** Share of open sessions whose assessor side needs an extension (0–1). */
  extensionRate: number;
  /** P10: open sessions with an interaction in the recent window (the ones assessors are calling now). */
  recentSessions: number;
  /** Of those, the ones sharing their number with another recent session of the same assessor phone: a bare call to them is asked for the extension now. */
  recentAmbiguous: number;
  /** recentAmbiguous / recentSessions (0–1): how often an assessor calling back now would hear the prompt. */
  promptExposure: number;
  monthlyCostPence: number;
  /** Assignments live at some point in the last 30 days: one number each in the brief's plan. */
  assignmentsInMonth: number;
  oneNumberPerAssignmentPence: number;
  /** Ratio of the brief's plan to ours (how many times cheaper the pool is). */
  savingFactor: number | null;
}

export function poolReport(
  numbers: ReadonlyArray<PoolNumberInfo & { monthlyCostPence: number }>,
  sessions: readonly PoolSession[],
  now: number,
  numberMonthlyPence: number,
  recentMs: number = DEFAULT_RECENT_MS,
): PoolReport {
  const owned = numbers.filter((n) => n.active);
  const open = sessions.filter((s) => isOpen(s, now));
  const inUse = new Set(open.map((s) => s.poolNumber));
  const perCustomer = new Map<string, number>();
  const perAssessorPhone = new Map<string, number>();
  for (const s of open) {
    perCustomer.set(s.customerPhone, (perCustomer.get(s.customerPhone) ?? 0) + 1);
    perAssessorPhone.set(s.assessorPhone, (perAssessorPhone.get(s.assessorPhone) ?? 0) + 1);
  }
  let needed = 0;
  for (const n of perCustomer.values()) needed = Math.max(needed, n);
  // Each number carries one direct session plus EXTENSION_CAPACITY extensions for one assessor phone.
  for (const n of perAssessorPhone.values()) needed = Math.max(needed, Math.ceil(n / (EXTENSION_CAPACITY + 1)));
  const withExt = open.filter((s) => s.extension !== null).length;
  const recent = open.filter((s) => isRecent(s, now, recentMs));
  const recentPerKey = new Map<string, number>();
  for (const s of recent) {
    const k = `${s.assessorPhone}|${s.poolNumber}`;
    recentPerKey.set(k, (recentPerKey.get(k) ?? 0) + 1);
  }
  const ambiguous = recent.filter((s) => (recentPerKey.get(`${s.assessorPhone}|${s.poolNumber}`) ?? 0) > 1).length;
  const monthAgo = now - 30 * DAY_MS;
  const inMonth = sessions.filter((s) => s.createdAt <= now && sessionEndsAt(s) > monthAgo).length;
  const monthlyCost = owned.reduce((sum, n) => sum + n.monthlyCostPence, 0);
  const briefPlan = inMonth * numberMonthlyPence;
  return {
    numbersOwned: owned.length,
    numbersInUse: inUse.size,
    numbersNeeded: needed,
    openSessions: open.length,
    sessionsWithExtension: withExt,
    extensionRate: open.length ? withExt / open.length : 0,
    recentSessions: recent.length,
    recentAmbiguous: ambiguous,
    promptExposure: recent.length ? ambiguous / recent.length : 0,
    monthlyCostPence: monthlyCost,
    assignmentsInMonth: inMonth,
    oneNumberPerAssignmentPence: briefPlan,
    savingFactor: monthlyCost > 0 ? briefPlan / monthlyCost : null,
  };
}
