import type { ScorecardDoc } from '../../../shared/schemas';

/**
 * The demo's data: districts, assessors, customers' names and voices, how customers behave, what they text,
 * the starter scorecard and the demo's reviewers. The logic that turns these into a month of events is in
 * plan.ts; the runner that plays them through the server is index.ts.
 */

export type District = 'W1' | 'EC1' | 'N1' | 'E17';
export type DemoService = 'energy-assessment' | 'boiler' | 'electrical' | 'plumbing' | 'solar' | 'security';

export const DISTRICT_TARGETS: Record<District, { callRate: number; conversion: number; postcodes: string[] }> = {
  W1: { callRate: 0.9, conversion: 0.6, postcodes: ['W1D 3QF', 'W1K 2AB', 'W1J 7NT', 'W1U 6TL', 'W1G 9QX', 'W1F 0DA'] },
  EC1: { callRate: 0.85, conversion: 0.55, postcodes: ['EC1A 1BB', 'EC1V 2NX', 'EC1M 6HR', 'EC1R 0JH', 'EC1Y 8SY'] },
  N1: { callRate: 0.7, conversion: 0.4, postcodes: ['N1 9GU', 'N1 1XL', 'N1C 4AG', 'N1 7EJ', 'N1 0PS'] },
  E17: { callRate: 0.45, conversion: 0.25, postcodes: ['E17 4PP', 'E17 9NH', 'E17 7JN', 'E17 3AL', 'E17 5QD'] },
};

export interface Persona {
  key: string;
  name: string;
  phone: string;
  districts: District[];
  /** What the admin should notice about them. */
  behaviour: string;
  /** Minutes from assignment to first contact attempt: [min, max]. */
  responseMinutes: [number, number];
  /** Share of assignments they ever attempt. */
  contactRate: number;
  /** How often they pick up when a customer calls. */
  answerRate: number;
  /** Weight when choosing who gets through to a customer. */
  connectWeight: number;
  /** Weight when choosing who books the job. */
  bookingWeight: number;
  /** Texts before the first call. */
  textsFirst: boolean;
  /** Chance of trying again after a missed call. */
  followUp: number;
  /** Scripts they use when a call does not end in a booking. */
  lostScripts: string[];
  voice: string;
}

/** Assessors' own phones are 07700 900001–900012 (Ofcom's drama range). */
export const PERSONAS: Persona[] = [
  {
    key: 'fast-closer',
    name: 'Priya Shah',
    phone: '+447700900001',
    districts: ['W1', 'EC1'],
    behaviour: 'fast responder and strong converter',
    responseMinutes: [2, 12],
    contactRate: 0.99,
    answerRate: 0.92,
    connectWeight: 1.6,
    bookingWeight: 2.4,
    textsFirst: false,
    followUp: 0.9,
    lostScripts: ['assessor-callback'],
    voice: 'rp-female',
  },
  {
    key: 'fast',
    name: 'Tom Hughes',
    phone: '+447700900002',
    districts: ['W1', 'N1'],
    behaviour: 'fast responder, average converter',
    responseMinutes: [4, 20],
    contactRate: 0.96,
    answerRate: 0.85,
    connectWeight: 1.4,
    bookingWeight: 1,
    textsFirst: false,
    followUp: 0.7,
    lostScripts: ['assessor-callback', 'assessor-lost-price'],
    voice: 'gb-male-1',
  },
  {
    key: 'converter',
    name: 'Grace Okafor',
    phone: '+447700900003',
    districts: ['EC1', 'N1'],
    behaviour: 'steady, converts well',
    responseMinutes: [25, 110],
    contactRate: 0.93,
    answerRate: 0.8,
    connectWeight: 1.1,
    bookingWeight: 2,
    textsFirst: false,
    followUp: 0.8,
    lostScripts: ['assessor-callback'],
    voice: 'lancaster-female',
  },
  {
    key: 'slow',
    name: 'Dan Price',
    phone: '+447700900004',
    districts: ['N1', 'E17'],
    behaviour: 'slow responder: first attempt the next day',
    responseMinutes: [360, 1560],
    contactRate: 0.88,
    answerRate: 0.6,
    connectWeight: 0.8,
    bookingWeight: 0.7,
    textsFirst: false,
    followUp: 0.5,
    lostScripts: ['assessor-lost-timing', 'assessor-lost-timing', 'assessor-callback'],
    voice: 'midlands-male',
  },
  {
    key: 'poor-contact',
    name: 'Mark Ellis',
    phone: '+447700900005',
    districts: ['E17', 'N1'],
    behaviour: 'poor contact rate: most leads never hear from him',
    responseMinutes: [90, 600],
    contactRate: 0.38,
    answerRate: 0.3,
    connectWeight: 0.45,
    bookingWeight: 0.6,
    textsFirst: false,
    followUp: 0.15,
    lostScripts: ['assessor-lost-timing', 'assessor-lost-price'],
    voice: 'scottish-male',
  },
  {
    key: 'texter',
    name: 'Sophie Turner',
    phone: '+447700900006',
    districts: ['W1', 'EC1'],
    behaviour: 'texts first, then calls',
    responseMinutes: [5, 30],
    contactRate: 0.95,
    answerRate: 0.7,
    connectWeight: 1.1,
    bookingWeight: 1.3,
    textsFirst: true,
    followUp: 0.8,
    lostScripts: ['assessor-callback'],
    voice: 'gb-female-1',
  },
  {
    key: 'average',
    name: 'Liam Murphy',
    phone: '+447700900007',
    districts: ['EC1', 'E17'],
    behaviour: 'middle of the pack',
    responseMinutes: [30, 200],
    contactRate: 0.86,
    answerRate: 0.7,
    connectWeight: 1,
    bookingWeight: 1,
    textsFirst: false,
    followUp: 0.6,
    lostScripts: ['assessor-callback', 'assessor-lost-price'],
    voice: 'gb-male-1',
  },
  {
    key: 'slow-closer',
    name: 'Aisha Khan',
    phone: '+447700900008',
    districts: ['W1', 'N1'],
    behaviour: 'slow to respond but books when she gets through',
    responseMinutes: [180, 720],
    contactRate: 0.9,
    answerRate: 0.75,
    connectWeight: 0.9,
    bookingWeight: 1.8,
    textsFirst: false,
    followUp: 0.7,
    lostScripts: ['assessor-lost-timing'],
    voice: 'rp-female',
  },
  {
    key: 'poor-converter',
    name: 'Gary Walsh',
    phone: '+447700900009',
    districts: ['E17', 'N1', 'EC1'],
    behaviour: 'reaches people quickly, rarely books: handles price objections badly',
    responseMinutes: [10, 60],
    contactRate: 0.92,
    answerRate: 0.8,
    connectWeight: 1.2,
    bookingWeight: 0.3,
    textsFirst: false,
    followUp: 0.5,
    lostScripts: ['assessor-lost-price', 'assessor-lost-price', 'assessor-callback'],
    voice: 'midlands-male',
  },
  {
    key: 'part-time',
    name: 'Emma Clarke',
    phone: '+447700900010',
    districts: ['W1', 'E17'],
    behaviour: 'average; answers customers well',
    responseMinutes: [60, 300],
    contactRate: 0.84,
    answerRate: 0.9,
    connectWeight: 1,
    bookingWeight: 1.1,
    textsFirst: true,
    followUp: 0.6,
    lostScripts: ['assessor-callback'],
    voice: 'lancaster-female',
  },
  {
    key: 'quick-e17',
    name: 'Ravi Patel',
    phone: '+447700900011',
    districts: ['E17', 'EC1'],
    behaviour: 'fast responder in the outer districts',
    responseMinutes: [8, 35],
    contactRate: 0.95,
    answerRate: 0.8,
    connectWeight: 1.3,
    bookingWeight: 1.2,
    textsFirst: false,
    followUp: 0.8,
    lostScripts: ['assessor-callback', 'assessor-lost-timing'],
    voice: 'scottish-male',
  },
  {
    key: 'absent',
    name: 'Helen Brooks',
    phone: '+447700900012',
    districts: ['W1', 'EC1', 'N1'],
    behaviour: 'slow and hard to reach',
    responseMinutes: [600, 2400],
    contactRate: 0.5,
    answerRate: 0.35,
    connectWeight: 0.5,
    bookingWeight: 0.7,
    textsFirst: false,
    followUp: 0.2,
    lostScripts: ['assessor-lost-timing'],
    voice: 'gb-female-1',
  },
];

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

export const CUSTOMER_REPLIES = ['After 5pm is best, thanks', 'Any time today', 'Can you call tomorrow morning?'];
export const CUSTOMER_MISSED_TEXTS = [
  'Sorry I missed your call, can you try again after 6?',
  'Missed you, I am at work until 5',
];
export const CUSTOMER_FOUND_SOMEONE = 'Thanks, but I have already found someone.';
export const ASSESSOR_MISSED_TEXT = 'Sorry I missed you. I will try again later, or call me back on this number.';

// ───────────────────────────── review: the starter scorecard and the demo's reviewers ─────────────────────────────

export const STARTER_SCORECARD_ID = 'starter-first-call';

/**
 * A starter scorecard for an assessor's first call with a homeowner: what a QA lead at a home-services
 * marketplace checks first. Admins edit it or replace it in the app (Scorecards).
 */
export const STARTER_SCORECARD: Pick<ScorecardDoc, 'id' | 'name' | 'sections' | 'active'> = {
  id: STARTER_SCORECARD_ID,
  name: 'First call (home services)',
  active: true,
  sections: [
    {
      id: 'opening',
      title: 'Opening',
      questions: [
        {
          id: 'introduced',
          text: 'Introduced themselves and their company, and said why they were calling',
          kind: 'yesno',
          options: [],
          weight: 10,
          allowNA: false,
        },
        {
          id: 'confirmed-job',
          text: 'Confirmed the job from the enquiry (service, property, postcode)',
          kind: 'yesno',
          options: [],
          weight: 10,
          allowNA: false,
        },
      ],
    },
    {
      id: 'understanding',
      title: 'Understanding the job',
      questions: [
        {
          id: 'questions',
          text: 'Asked useful questions about the property and the problem',
          kind: 'scale',
          options: [],
          weight: 15,
          allowNA: false,
        },
        {
          id: 'listened',
          text: 'Listened and let the customer finish',
          kind: 'scale',
          options: [],
          weight: 10,
          allowNA: false,
        },
      ],
    },
    {
      id: 'price-next-step',
      title: 'Price and next step',
      questions: [
        {
          id: 'price-clear',
          text: 'Explained the price, or how it is worked out',
          kind: 'yesno',
          options: [],
          weight: 10,
          allowNA: true,
        },
        {
          id: 'objections',
          text: 'Handled objections (price, timing, trust)',
          kind: 'choice',
          options: ['Handled well', 'Partly handled', 'Not handled'],
          weight: 15,
          allowNA: true,
        },
        {
          id: 'next-step',
          text: 'Agreed a clear next step: a booking, or a callback at a set time',
          kind: 'yesno',
          options: [],
          weight: 15,
          allowNA: false,
        },
      ],
    },
    {
      id: 'compliance',
      title: 'Compliance and manner',
      questions: [
        {
          id: 'no-card',
          text: 'Did not take card details over the phone',
          kind: 'yesno',
          options: [],
          weight: 10,
          allowNA: false,
        },
        {
          id: 'professional',
          text: 'Professional and courteous throughout',
          kind: 'scale',
          options: [],
          weight: 5,
          allowNA: false,
        },
      ],
    },
  ],
};

/**
 * The demo's reviewers. The first signs in (its password is printed at first start); the second is a
 * colleague whose reviews of some of the same calls give the calibration screen two opinions to compare.
 * `leniency` shifts their scale answers; `strict` reads "partly handled" where the first reads "handled well".
 */
export const DEMO_REVIEWERS = [
  { email: 'reviewer@ringside.local', name: 'Rita Shaw (demo reviewer)', leniency: 0, strict: false, printed: true },
  {
    email: 'qa-colleague@ringside.local',
    name: 'Sam Reid (demo reviewer)',
    leniency: -1,
    strict: true,
    printed: false,
  },
] as const;

/** Calls the first reviewer reviews, and how many of them the colleague reviews too. */
export const DEMO_REVIEWS = { first: 14, both: 6 };

/**
 * What the first demo reviewer answers for a call, by the call's script (twilio-sandbox/scripts.ts): the
 * outcome and the scorecard answers a careful reviewer gives that conversation. A script not listed is not
 * reviewed. `outcome` sometimes differs from what the AI will read (a callback heard as lost, a quick booking
 * with a card taken): the agreement screen has disagreements to show.
 */
export const SCRIPT_REVIEWS: Record<
  string,
  { outcome: 'booked' | 'callback' | 'lost'; answers: Record<string, number | boolean | string> }
> = {
  'assessor-booked-quick': {
    outcome: 'booked',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 4,
      listened: 5,
      'price-clear': true,
      objections: 'na',
      'next-step': true,
      'no-card': true,
      professional: 5,
    },
  },
  'assessor-booked-price-objection': {
    outcome: 'booked',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 4,
      listened: 4,
      'price-clear': true,
      objections: 'Handled well',
      'next-step': true,
      'no-card': true,
      professional: 4,
    },
  },
  'assessor-card-details': {
    outcome: 'booked',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 3,
      listened: 4,
      'price-clear': true,
      objections: 'na',
      'next-step': true,
      'no-card': false,
      professional: 3,
    },
  },
  'assessor-callback': {
    outcome: 'callback',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 3,
      listened: 4,
      'price-clear': 'na',
      objections: 'na',
      'next-step': true,
      'no-card': true,
      professional: 4,
    },
  },
  'assessor-lost-timing': {
    outcome: 'lost',
    answers: {
      introduced: true,
      'confirmed-job': false,
      questions: 2,
      listened: 3,
      'price-clear': 'na',
      objections: 'Partly handled',
      'next-step': false,
      'no-card': true,
      professional: 4,
    },
  },
  'assessor-lost-price': {
    outcome: 'lost',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 2,
      listened: 2,
      'price-clear': false,
      objections: 'Not handled',
      'next-step': false,
      'no-card': true,
      professional: 3,
    },
  },
  'customer-booked': {
    outcome: 'booked',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 4,
      listened: 4,
      'price-clear': true,
      objections: 'na',
      'next-step': true,
      'no-card': true,
      professional: 5,
    },
  },
  'customer-callback': {
    outcome: 'callback',
    answers: {
      introduced: true,
      'confirmed-job': false,
      questions: 3,
      listened: 4,
      'price-clear': 'na',
      objections: 'na',
      'next-step': true,
      'no-card': true,
      professional: 4,
    },
  },
  'customer-shopping': {
    outcome: 'callback',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 3,
      listened: 3,
      'price-clear': true,
      objections: 'Partly handled',
      'next-step': false,
      'no-card': true,
      professional: 4,
    },
  },
};
