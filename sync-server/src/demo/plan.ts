import type { ConversationScript } from '../twilio-sandbox/scripts';

/**
 * The demo's story, as plain data from a seed: a month of leads in four London districts, twelve assessors
 * who behave differently, and every contact between them (calls and texts both ways, answered or not,
 * bookings). Nothing here does I/O; the runner (index.ts) plays it through the server's real API and the
 * sandbox's real calls and texts.
 *
 * The districts' call and conversion rates are the brief's (PRODUCT.md, area pricing): the share of leads
 * with a connected call and the share booked are set exactly per district, then the contacts that produce
 * them are drawn from the assessors' behaviour.
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
const CUSTOMER_VOICES = ['gb-female-2', 'rp-male', 'gb-female-1', 'gb-male-1'];

const FIRST = [
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
const LAST = [
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
const SERVICES: Array<[DemoService, number]> = [
  ['energy-assessment', 4],
  ['boiler', 4],
  ['plumbing', 2],
  ['electrical', 2],
  ['solar', 1],
  ['security', 1],
];

export interface DemoLead {
  key: string;
  at: number;
  name: string;
  phone: string;
  district: District;
  postcode: string;
  service: DemoService;
  assessors: string[];
  voice: string;
  connected: boolean;
  booked: boolean;
}

export type DemoEvent =
  | { kind: 'lead'; at: number; lead: string }
  | {
      kind: 'call';
      at: number;
      lead: string;
      assessor: string;
      caller: 'customer' | 'assessor';
      /** What the called phone does. */
      answer: 'answer' | 'no-answer' | 'busy';
      ringSec: number;
      talkSec: number;
      hangup: 'caller' | 'callee';
      /** The caller gives up ringing after this many seconds (customers are less patient than a 30 s timeout). */
      patienceSec?: number;
      script: string;
      optOut: boolean;
    }
  | { kind: 'sms'; at: number; lead: string; assessor: string; from: 'customer' | 'assessor'; body: string }
  | { kind: 'booking'; at: number; lead: string; assessor: string; value: number };

export interface DemoPlan {
  seed: number;
  start: number;
  end: number;
  personas: Persona[];
  leads: DemoLead[];
  events: DemoEvent[];
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * The demo for the 30 days before `now`. `leadsPerDay` averages 7.5 (≥ 200 leads); a smaller number gives
 * a quicker demo for tests. Events after `now` are dropped, so the most recent leads are still in progress.
 */
export function buildDemoPlan(opts: {
  now: number;
  seed?: number;
  days?: number;
  leadsPerDay?: number;
  scripts: readonly ConversationScript[];
}): DemoPlan {
  const seed = opts.seed ?? 20260101;
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const between = (a: number, b: number) => a + r() * (b - a);
  const weighted = <T>(items: Array<[T, number]>): T => {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = r() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x <= 0) return item;
    }
    return items[items.length - 1][0];
  };
  const days = opts.days ?? 30;
  const perDay = opts.leadsPerDay ?? 7.5;
  const start = opts.now - days * DAY;
  const scriptIds = new Set(opts.scripts.map((s) => s.id));
  const script = (id: string) => (scriptIds.has(id) ? id : opts.scripts[0].id);

  // Leads: spread over the days, in business hours, evenly over the districts.
  const districts = Object.keys(DISTRICT_TARGETS) as District[];
  const leads: DemoLead[] = [];
  const total = Math.round(days * perDay);
  for (let i = 0; i < total; i++) {
    const day = Math.floor((i / total) * days);
    const at = Math.round(start + day * DAY + between(8, 20) * HOUR);
    const district = districts[i % districts.length];
    const covering = PERSONAS.filter((p) => p.districts.includes(district));
    const count = Math.min(covering.length, 2 + Math.floor(r() * 2));
    const chosen = [...covering].sort(() => r() - 0.5).slice(0, count);
    // Customers' phones: 07700 900100–900899 (mobiles) and, for some, 020 7946 0100–0899 (landlines).
    const phone =
      i % 7 === 6 ? `+442079460${String(100 + i).padStart(3, '0')}` : `+447700900${String(100 + i).padStart(3, '0')}`;
    leads.push({
      key: `demo-lead-${String(i + 1).padStart(4, '0')}`,
      at,
      name: `${pick(FIRST)} ${pick(LAST)}`,
      phone,
      district,
      postcode: pick(DISTRICT_TARGETS[district].postcodes),
      service: weighted(SERVICES),
      assessors: chosen.map((p) => p.key),
      voice: CUSTOMER_VOICES[i % CUSTOMER_VOICES.length],
      connected: false,
      booked: false,
    });
  }

  // Exact district rates: the first round(n × rate) of a shuffled list connect, and of those, enough book.
  for (const d of districts) {
    const list = leads.filter((l) => l.district === d).sort(() => r() - 0.5);
    const connected = Math.round(list.length * DISTRICT_TARGETS[d].callRate);
    const booked = Math.round(list.length * DISTRICT_TARGETS[d].conversion);
    list.forEach((l, i) => {
      l.connected = i < connected;
      l.booked = i < booked;
    });
  }

  const persona = (key: string) => PERSONAS.find((p) => p.key === key)!;
  const events: DemoEvent[] = [];
  for (const lead of leads) {
    events.push({ kind: 'lead', at: lead.at, lead: lead.key });
    const ps = lead.assessors.map(persona);
    // Who gets through: the better contacts; who books: weighted by how well they convert as well.
    const connector = lead.connected
      ? weighted(
          ps.map((p) => [p, lead.booked ? p.connectWeight * p.bookingWeight : p.connectWeight] as [Persona, number]),
        )
      : null;
    const booker = lead.booked ? connector : null;
    const proactive = r() < 0.25;
    const unanswered = (caller: 'customer' | 'assessor', at: number, assessor: Persona): DemoEvent => {
      const busy = r() < 0.15;
      return {
        kind: 'call',
        at,
        lead: lead.key,
        assessor: assessor.key,
        caller,
        answer: busy ? 'busy' : 'no-answer',
        ringSec: 30,
        talkSec: 0,
        hangup: 'caller',
        patienceSec: caller === 'customer' ? Math.round(between(12, 28)) : undefined,
        script: 'assessor-callback',
        optOut: false,
      };
    };
    const connected = (caller: 'customer' | 'assessor', at: number, assessor: Persona, books: boolean): DemoEvent => {
      const id =
        caller === 'customer'
          ? books
            ? 'customer-booked'
            : pick(['customer-shopping', 'customer-callback'])
          : books
            ? weighted([
                ['assessor-booked-quick', assessor.bookingWeight],
                ['assessor-booked-price-objection', 1],
                ['assessor-card-details', 0.25],
              ])
            : pick(assessor.lostScripts);
      return {
        kind: 'call',
        at,
        lead: lead.key,
        assessor: assessor.key,
        caller,
        answer: 'answer',
        ringSec: Math.round(between(3, 14)),
        talkSec: 0,
        hangup: r() < 0.5 ? 'caller' : 'callee',
        script: script(id),
        optOut: r() < 0.06,
      };
    };

    // A proactive customer rings one of the assessors soon after sending the enquiry.
    let customerReached: Persona | null = null;
    if (proactive) {
      const target = connector && r() < 0.6 ? connector : ps[0];
      const at = lead.at + between(4, 45) * MIN;
      const gets = target === connector && r() < target.answerRate;
      if (gets) {
        customerReached = target;
        events.push(connected('customer', at, target, target === booker));
        if (target === booker)
          events.push({
            kind: 'booking',
            at: at + between(5, 30) * MIN,
            lead: lead.key,
            assessor: target.key,
            value: Math.round(between(120, 480)),
          });
      } else {
        events.push(unanswered('customer', at, target));
      }
    }

    for (const p of ps) {
      const isConnector = p === connector;
      if (!isConnector && r() > p.contactRate) continue;
      if (isConnector && customerReached === p) continue;
      let at = lead.at + between(p.responseMinutes[0], p.responseMinutes[1]) * MIN;
      if (p.textsFirst) {
        events.push({
          kind: 'sms',
          at,
          lead: lead.key,
          assessor: p.key,
          from: 'assessor',
          body: `Hi ${lead.name.split(' ')[0]}, it's ${p.name.split(' ')[0]} about your ${lead.service.replace('-', ' ')} enquiry. When is a good time to call?`,
        });
        if (r() < 0.4)
          events.push({
            kind: 'sms',
            at: at + between(3, 90) * MIN,
            lead: lead.key,
            assessor: p.key,
            from: 'customer',
            body: pick(['After 5pm is best, thanks', 'Any time today', 'Can you call tomorrow morning?']),
          });
        at += between(20, 120) * MIN;
      }
      if (isConnector) {
        // Sometimes the first try is missed and a follow-up gets through.
        if (r() < 0.3) {
          events.push(unanswered('assessor', at, p));
          if (r() < 0.5)
            events.push({
              kind: 'sms',
              at: at + 2 * MIN,
              lead: lead.key,
              assessor: p.key,
              from: 'assessor',
              body: 'Sorry I missed you. I will try again later, or call me back on this number.',
            });
          at += between(1, 8) * HOUR;
        }
        // The lead's connected call happens before now, so every district keeps its exact rates.
        at = Math.min(at, opts.now - between(40, 90) * MIN);
        events.push(connected('assessor', at, p, p === booker));
        if (p === booker)
          events.push({
            kind: 'booking',
            at: at + between(5, 30) * MIN,
            lead: lead.key,
            assessor: p.key,
            value: Math.round(between(120, 480)),
          });
      } else if (lead.connected && r() < 0.35) {
        // Got through, but someone else has the job.
        events.push(connected('assessor', at, p, false));
      } else {
        // Never gets through: unanswered calls, a short call now and then (under the connected threshold even
        // with the whisper Twilio counts in the leg's duration), follow-ups as the persona does.
        if (!lead.connected && r() < 0.12) {
          const short = connected('assessor', at, p, false);
          if (short.kind === 'call')
            events.push({ ...short, talkSec: Math.round(between(2, 4)), hangup: 'callee', optOut: false });
        } else {
          events.push(unanswered('assessor', at, p));
        }
        let next = at;
        if (r() < p.followUp * 0.5) {
          next += between(3, 30) * HOUR;
          events.push(unanswered('assessor', next, p));
        }
        if (r() < 0.15)
          events.push({
            kind: 'sms',
            at: next + 5 * MIN,
            lead: lead.key,
            assessor: p.key,
            from: 'customer',
            body: 'Thanks, but I have already found someone.',
          });
      }
    }
  }

  const kept = events.filter((e) => e.at <= opts.now - MIN).sort((a, b) => a.at - b.at);
  return { seed, start, end: opts.now, personas: PERSONAS, leads, events: kept };
}
