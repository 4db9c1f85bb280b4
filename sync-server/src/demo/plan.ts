import type { ConversationScript } from '../twilio-sandbox/scripts';
import {
  ASSESSOR_MISSED_TEXT,
  CUSTOMER_FOUND_SOMEONE,
  CUSTOMER_MISSED_TEXTS,
  CUSTOMER_MIX,
  CUSTOMER_PATIENCE_SEC,
  CUSTOMER_REPLIES,
  CUSTOMER_VOICES,
  DEAD_NUMBER_SHARE,
  DEMO_REVIEWERS,
  DISTRICT_TARGETS,
  FIRST_NAMES,
  LAST_NAMES,
  PERSONAS,
  SCRIPT_REVIEWS,
  SERVICES,
  SHOPPERS_IN_ORDER_SHOWN,
  STARTER_SCORECARD,
  type CustomerKind,
  type DemoService,
  type District,
  type Persona,
} from './data';

export { DISTRICT_TARGETS, PERSONAS, type CustomerKind, type DemoService, type District, type Persona } from './data';

/**
 * The demo's story, as plain data from a seed: a month of leads in four London districts, twelve assessors
 * who behave differently, customers who behave differently, and every contact between them (calls and texts
 * both ways, answered or not, bookings). Nothing here does I/O; the runner (index.ts) plays it through the
 * server's real API and the sandbox's real calls and texts. The tables it draws from are in data.ts.
 *
 * The districts' call and conversion rates are the brief's (PRODUCT.md, area pricing): the share of leads
 * with a connected call and the share booked are set exactly per district. Each lead's customer then gets a
 * kind (data.ts CUSTOMER_MIX) and the contacts are drawn from the customer's kind and the assessors'
 * behaviour. Lead quality is never written: the server grades each lead from the calls and texts that
 * result (shared/lead-quality.ts), so the mix of grades is what these behaviours produce.
 */

export interface DemoLead {
  key: string;
  at: number;
  name: string;
  phone: string;
  district: District;
  postcode: string;
  service: DemoService;
  /** In the order the customer was shown them. */
  assessors: string[];
  voice: string;
  connected: boolean;
  booked: boolean;
  customer: CustomerKind;
}

export type DemoEvent =
  | { kind: 'lead'; at: number; lead: string }
  | {
      kind: 'call';
      at: number;
      lead: string;
      assessor: string;
      caller: 'customer' | 'assessor';
      /** What the called phone does: picks up, rings out, is busy, or is dead (the dialled call fails). */
      answer: 'answer' | 'no-answer' | 'busy' | 'unreachable';
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

/** Deals out kinds exactly by share over a list: the first round(n × share) get the first kind, and so on. */
function dealOut<T>(list: T[], shares: Array<[CustomerKind, number]>, set: (item: T, kind: CustomerKind) => void) {
  const total = shares.reduce((s, [, w]) => s + w, 0);
  let from = 0;
  let cumulative = 0;
  for (const [kind, share] of shares) {
    cumulative += share;
    const to = Math.round((list.length * cumulative) / total);
    for (let i = from; i < to; i++) set(list[i], kind);
    from = to;
  }
}

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
  const shuffle = <T>(list: readonly T[]): T[] => {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
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
    // Customers' phones: 07700 900100–900899 (mobiles) and, for some, 020 7946 0100–0899 (landlines).
    const phone =
      i % 7 === 6 ? `+442079460${String(100 + i).padStart(3, '0')}` : `+447700900${String(100 + i).padStart(3, '0')}`;
    leads.push({
      key: `demo-lead-${String(i + 1).padStart(4, '0')}`,
      at,
      name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
      phone,
      district,
      postcode: pick(DISTRICT_TARGETS[district].postcodes),
      service: weighted(SERVICES),
      assessors: [],
      voice: CUSTOMER_VOICES[i % CUSTOMER_VOICES.length],
      connected: false,
      booked: false,
      customer: 'waiter',
    });
  }

  // Exact district rates: the first round(n × rate) of a shuffled list connect, and of those, enough book.
  for (const d of districts) {
    const list = shuffle(leads.filter((l) => l.district === d));
    const connected = Math.round(list.length * DISTRICT_TARGETS[d].callRate);
    const booked = Math.round(list.length * DISTRICT_TARGETS[d].conversion);
    list.forEach((l, i) => {
      l.connected = i < connected;
      l.booked = i < booked;
    });
  }
  // Customers' kinds, dealt out exactly within each group (data.ts CUSTOMER_MIX).
  const setKind = (l: DemoLead, kind: CustomerKind) => (l.customer = kind);
  dealOut(shuffle(leads.filter((l) => l.connected)), CUSTOMER_MIX.connected, setKind);
  dealOut(shuffle(leads.filter((l) => !l.connected)), CUSTOMER_MIX.unconnected, setKind);

  // Who the lead goes to, in the order shown: two or three assessors covering the district. The leads nobody
  // tries went to the assessors least likely to try (weighted by how often they do not).
  for (const lead of leads) {
    const covering = PERSONAS.filter((p) => p.districts.includes(lead.district));
    const count = Math.min(covering.length, 2 + Math.floor(r() * 2));
    const pool = [...covering];
    const chosen: Persona[] = [];
    while (chosen.length < count) {
      const p =
        lead.customer === 'untouched'
          ? weighted(pool.map((x) => [x, (1 - x.contactRate) ** 2 + 0.01] as [Persona, number]))
          : pick(pool);
      chosen.push(p);
      pool.splice(pool.indexOf(p), 1);
    }
    lead.assessors = chosen.map((p) => p.key);
  }

  const persona = (key: string) => PERSONAS.find((p) => p.key === key)!;
  const events: DemoEvent[] = [];
  for (const lead of leads) {
    events.push({ kind: 'lead', at: lead.at, lead: lead.key });
    if (lead.customer === 'untouched') continue;
    const ps = lead.assessors.map(persona);
    const patience = () => Math.round(between(CUSTOMER_PATIENCE_SEC[0], CUSTOMER_PATIENCE_SEC[1]));
    const dead = lead.customer === 'unreachable' && r() < DEAD_NUMBER_SHARE;
    // The lead's connected call happens before now, so every district keeps its exact rates.
    const beforeNow = (at: number) => Math.min(at, opts.now - between(40, 90) * MIN);
    // Who gets through: the better contacts; who books: weighted by how well they convert as well.
    const connector = lead.connected
      ? weighted(
          ps.map((p) => [p, lead.booked ? p.connectWeight * p.bookingWeight : p.connectWeight] as [Persona, number]),
        )
      : null;
    const booker = lead.booked ? connector : null;
    const unanswered = (caller: 'customer' | 'assessor', at: number, assessor: Persona): DemoEvent => ({
      kind: 'call',
      at,
      lead: lead.key,
      assessor: assessor.key,
      caller,
      answer: caller === 'assessor' && dead ? 'unreachable' : r() < 0.15 ? 'busy' : 'no-answer',
      ringSec: 30,
      talkSec: 0,
      hangup: 'caller',
      patienceSec: caller === 'customer' ? patience() : undefined,
      script: 'assessor-callback',
      optOut: false,
    });
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
    const booking = (at: number, assessor: Persona) =>
      events.push({
        kind: 'booking',
        at: at + between(5, 30) * MIN,
        lead: lead.key,
        assessor: assessor.key,
        value: Math.round(between(120, 480)),
      });

    // Proactive customers ring before any assessor reaches them: a shopper two or three of the assessors (in
    // the order shown, or their own), a caller one. Whoever they get through to needs no call of their own.
    const reachedByCustomer = new Set<Persona>();
    if (lead.customer === 'shopper' || lead.customer === 'caller') {
      let targets: Persona[];
      if (lead.customer === 'caller') {
        targets = [connector && r() < 0.5 ? connector : ps[0]];
      } else {
        const order = r() < SHOPPERS_IN_ORDER_SHOWN ? ps : shuffle(ps);
        targets = order.slice(0, Math.min(ps.length, 2 + Math.floor(r() * 2)));
      }
      let at = lead.at + between(4, 45) * MIN;
      for (const target of targets) {
        // The connector picks up (that is the lead's connected call); others as often as they answer.
        const gets = target === connector || (lead.customer === 'shopper' && r() < target.answerRate * 0.6);
        if (gets) {
          const callAt = target === connector ? beforeNow(at) : at;
          reachedByCustomer.add(target);
          events.push(connected('customer', callAt, target, target === booker));
          if (target === booker) booking(callAt, target);
        } else {
          events.push(unanswered('customer', at, target));
          // Patient customers try the same assessor again later the same day.
          if (r() < 0.35) events.push(unanswered('customer', at + between(1, 5) * HOUR, target));
        }
        at += between(2, 25) * MIN;
      }
    }
    // A customer who misses the assessors' calls rings one back (unanswered) or texts.
    if (lead.customer === 'missed') {
      const p = pick(ps);
      const at = lead.at + between(p.responseMinutes[1], p.responseMinutes[1] + 240) * MIN;
      if (r() < 0.5) events.push(unanswered('customer', at, p));
      else
        events.push({
          kind: 'sms',
          at,
          lead: lead.key,
          assessor: p.key,
          from: 'customer',
          body: pick(CUSTOMER_MISSED_TEXTS),
        });
    }

    ps.forEach((p, index) => {
      const isConnector = p === connector;
      if (reachedByCustomer.has(p) && (isConnector || r() < 0.7)) return;
      // Assessors skip leads as often as they do; someone always tries an unreachable or missed customer.
      const mustTry = isConnector || (index === 0 && (lead.customer === 'unreachable' || lead.customer === 'missed'));
      if (!mustTry && r() > p.contactRate) return;
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
        // Only a customer who engages replies.
        if (lead.customer !== 'unreachable' && r() < 0.4)
          events.push({
            kind: 'sms',
            at: at + between(3, 90) * MIN,
            lead: lead.key,
            assessor: p.key,
            from: 'customer',
            body: pick(CUSTOMER_REPLIES),
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
              body: ASSESSOR_MISSED_TEXT,
            });
          at += between(1, 8) * HOUR;
        }
        at = beforeNow(at);
        events.push(connected('assessor', at, p, p === booker));
        if (p === booker) booking(at, p);
      } else if (lead.connected && r() < 0.35) {
        // Got through, but someone else has the job.
        events.push(connected('assessor', at, p, false));
      } else if (lead.customer === 'unreachable') {
        // Nobody ever picks up: the first assessor tries three times, the others once or twice, so the
        // customer's number ends with at least three unanswered (or failed) calls.
        events.push(unanswered('assessor', at, p));
        const more = index === 0 ? 2 : r() < p.followUp ? 1 : 0;
        for (let k = 0; k < more; k++) {
          at += between(3, 30) * HOUR;
          events.push(unanswered('assessor', at, p));
        }
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
        if (lead.connected && r() < 0.15)
          events.push({
            kind: 'sms',
            at: next + 5 * MIN,
            lead: lead.key,
            assessor: p.key,
            from: 'customer',
            body: CUSTOMER_FOUND_SOMEONE,
          });
      }
    });
  }

  const kept = events.filter((e) => e.at <= opts.now - MIN).sort((a, b) => a.at - b.at);
  return { seed, start, end: opts.now, personas: PERSONAS, leads, events: kept };
}

export type DemoReviewer = (typeof DEMO_REVIEWERS)[number];

/**
 * A demo reviewer's review of a call made with this script: the outcome and scorecard answers of
 * SCRIPT_REVIEWS, shifted by the reviewer's habits (a harsher colleague marks scale answers one lower, reads
 * "handled well" as "partly handled", and a callback without an agreed time as lost), so two reviews of one
 * call differ the way two people's do. Null for a script nobody reviews.
 */
export function demoReview(
  scriptId: string,
  reviewer: DemoReviewer,
): { outcome: 'booked' | 'callback' | 'lost'; answers: Record<string, number | boolean | string> } | null {
  const base = SCRIPT_REVIEWS[scriptId];
  if (!base) return null;
  const answers = { ...base.answers };
  for (const q of STARTER_SCORECARD.sections.flatMap((s) => s.questions)) {
    const a = answers[q.id];
    if (q.kind === 'scale' && typeof a === 'number') answers[q.id] = Math.min(5, Math.max(1, a + reviewer.leniency));
    if (q.kind === 'choice' && reviewer.strict && a === 'Handled well') answers[q.id] = 'Partly handled';
  }
  const outcome =
    reviewer.strict && base.outcome === 'callback' && answers['next-step'] === false ? 'lost' : base.outcome;
  return { outcome, answers };
}
