/** The demo's customers: names, voices, phones, what they ask for and how they behave. */

export type DemoService = 'energy-assessment' | 'boiler' | 'electrical' | 'plumbing' | 'solar' | 'security';

/** Customers' voices (assessors use the others). */
export const CUSTOMER_VOICES = ['gb-female-2', 'rp-male', 'gb-female-1', 'gb-male-1'];

export const FIRST_NAMES = [
  'Olivia',
  'James',
  'Amelia',
  'Mohammed',
  'Isla',
  'Oliver',
  'Ava',
  'Noah',
  'Mia',
  'Leo',
  'Sofia',
  'Arthur',
  'Zara',
  'George',
  'Freya',
  'Harry',
  'Chloe',
  'Adam',
  'Ella',
  'Yusuf',
  'Grace',
  'Kwame',
  'Ruby',
  'Jack',
  'Maya',
  'Ethan',
  'Lily',
  'Omar',
  'Alice',
  'Daniel',
];
export const LAST_NAMES = [
  'Smith',
  'Jones',
  'Williams',
  'Taylor',
  'Brown',
  'Davies',
  'Evans',
  'Wilson',
  'Thomas',
  'Roberts',
  'Johnson',
  'Ali',
  'Begum',
  'Mensah',
  'Kowalski',
  'Nguyen',
  "O'Brien",
  'Hussain',
  'Green',
  'Hall',
  'Wood',
  'Clarke',
  'Patel',
  'Campbell',
  'Lewis',
];
export const SERVICES: Array<[DemoService, number]> = [
  ['energy-assessment', 4],
  ['boiler', 4],
  ['plumbing', 2],
  ['electrical', 2],
  ['solar', 1],
  ['security', 1],
];

/**
 * How the demo's customers behave (docs/PRODUCT.md, customer behaviour), as shares of leads. Whether a lead
 * reaches an assessor at all is set per district by DISTRICT_TARGETS; within each group, these shares are
 * dealt out exactly (a shuffled list, the first n of each kind), so every kind shows even in a small demo.
 *
 * Of the leads where someone gets through (connected):
 * - shopper: proactive, rings two or three of the assessors soon after the enquiry, not always in the order
 *   they were shown, and gives up on unanswered calls after their own patience → hot;
 * - caller: proactive, rings one assessor (often the first shown), then waits → warm;
 * - waiter: passive, waits to be called and answers → warm.
 * Of the leads nobody gets through to:
 * - untouched: no assessor ever tries (the slow and hard-to-reach assessors got them) → cold;
 * - unreachable: never answers and never calls; some numbers are dead (the call fails) → suspect;
 * - missed: assessors try, the customer misses them, rings one back unanswered or texts → warm.
 */
export type CustomerKind = 'shopper' | 'caller' | 'waiter' | 'untouched' | 'unreachable' | 'missed';

export const CUSTOMER_MIX: {
  connected: Array<[CustomerKind, number]>;
  unconnected: Array<[CustomerKind, number]>;
} = {
  connected: [
    ['shopper', 0.38],
    ['caller', 0.15],
    ['waiter', 0.47],
  ],
  unconnected: [
    ['untouched', 0.7],
    ['unreachable', 0.24],
    ['missed', 0.06],
  ],
};

/** Share of shoppers who ring the assessors in the order shown; the rest pick their own order. */
export const SHOPPERS_IN_ORDER_SHOWN = 0.5;
/** Share of unreachable customers whose number is dead (the call fails: "number may be invalid"). */
export const DEAD_NUMBER_SHARE = 0.4;
/** Customers hang up an unanswered call after this many seconds of ringing: [min, max]. */
export const CUSTOMER_PATIENCE_SEC: [number, number] = [8, 28];

/**
 * The nth customer's phone (from 0): mobiles 07700 900100–900899 and, for every seventh customer, a landline
 * 020 7946 0100–0899 (Ofcom's drama ranges).
 */
export function customerPhone(index: number): string {
  const tail = String(100 + index).padStart(3, '0');
  return index % 7 === 6 ? `+442079460${tail}` : `+447700900${tail}`;
}
