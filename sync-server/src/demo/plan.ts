import type { ConversationScript } from '../twilio-sandbox/scripts';
import { PERSONAS, type CustomerKind, type DemoService, type District, type Persona } from './tables';
import { leadContacts } from './contacts';
import { dealCustomerKinds, drawLeads, setDistrictOutcomes, showAssessors } from './leads';
import { seededDraw } from './random';

export { DISTRICT_TARGETS, PERSONAS, type CustomerKind, type DemoService, type District, type Persona } from './tables';
export { demoReview, type DemoReviewer } from './review';

/**
 * The demo's story, as plain data from a seed: a month of leads in four London districts, twelve assessors
 * who behave differently, customers who behave differently, and every contact between them (calls and texts
 * both ways, answered or not, bookings). Nothing here does I/O; the runner (index.ts) plays it through the
 * server's real API and the sandbox's real calls and texts. The tables it draws from are in tables/.
 *
 * The districts' call and conversion rates are the brief's (PRODUCT.md, area pricing): the share of leads
 * with a connected call and the share booked are set exactly per district (leads.ts). Each lead's customer
 * then gets a kind (tables/customers.ts CUSTOMER_MIX) and the contacts are drawn from the customer's kind and the
 * assessors' behaviour (contacts.ts). Lead quality is never written: the server grades each lead from the
 * calls and texts that result (shared/lead-quality.ts), so the mix of grades is what these behaviours produce.
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

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/**
 * The demo for the 30 days before `now`. `leadsPerDay` averages 7.5 (≥ 200 leads); a smaller number gives
 * a quicker demo for tests. Events after `now` are dropped, so the most recent leads are still in progress.
 * The steps draw from one seeded sequence in this order; changing the order changes the story.
 */
export function buildDemoPlan(opts: {
  now: number;
  seed?: number;
  days?: number;
  leadsPerDay?: number;
  scripts: readonly ConversationScript[];
}): DemoPlan {
  const seed = opts.seed ?? 20260101;
  const draw = seededDraw(seed);
  const days = opts.days ?? 30;
  const start = opts.now - days * DAY;
  const scriptIds = new Set(opts.scripts.map((s) => s.id));
  const script = (id: string) => (scriptIds.has(id) ? id : opts.scripts[0].id);

  const leads = drawLeads(draw, start, days, opts.leadsPerDay ?? 7.5);
  setDistrictOutcomes(draw, leads);
  dealCustomerKinds(draw, leads);
  showAssessors(draw, leads);

  const events: DemoEvent[] = [];
  for (const lead of leads) {
    events.push({ kind: 'lead', at: lead.at, lead: lead.key });
    events.push(...leadContacts(draw, lead, { now: opts.now, script }));
  }
  const kept = events.filter((e) => e.at <= opts.now - MIN).sort((a, b) => a.at - b.at);
  return { seed, start, end: opts.now, personas: PERSONAS, leads, events: kept };
}
