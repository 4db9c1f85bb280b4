import {
  CUSTOMER_MIX,
  CUSTOMER_VOICES,
  DISTRICT_TARGETS,
  DISTRICTS,
  FIRST_NAMES,
  LAST_NAMES,
  PERSONAS,
  SERVICES,
  customerPhone,
  type CustomerKind,
  type Persona,
} from './tables';
import type { DemoLead } from './plan';
import { dealOut, type Draw } from './random';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** The month's leads: spread over the days, in business hours, evenly over the districts. */
export function drawLeads(draw: Draw, start: number, days: number, perDay: number): DemoLead[] {
  const leads: DemoLead[] = [];
  const total = Math.round(days * perDay);
  for (let i = 0; i < total; i++) {
    const day = Math.floor((i / total) * days);
    const at = Math.round(start + day * DAY + draw.between(8, 20) * HOUR);
    const district = DISTRICTS[i % DISTRICTS.length];
    leads.push({
      key: `demo-lead-${String(i + 1).padStart(4, '0')}`,
      at,
      name: `${draw.pick(FIRST_NAMES)} ${draw.pick(LAST_NAMES)}`,
      phone: customerPhone(i),
      district,
      postcode: draw.pick(DISTRICT_TARGETS[district].postcodes),
      service: draw.weighted(SERVICES),
      assessors: [],
      voice: CUSTOMER_VOICES[i % CUSTOMER_VOICES.length],
      connected: false,
      booked: false,
      customer: 'waiter',
    });
  }
  return leads;
}

/** Exact district rates: the first round(n × rate) of a shuffled list connect, and of those, enough book. */
export function setDistrictOutcomes(draw: Draw, leads: DemoLead[]): void {
  for (const d of DISTRICTS) {
    const list = draw.shuffle(leads.filter((l) => l.district === d));
    const connected = Math.round(list.length * DISTRICT_TARGETS[d].callRate);
    const booked = Math.round(list.length * DISTRICT_TARGETS[d].conversion);
    list.forEach((l, i) => {
      l.connected = i < connected;
      l.booked = i < booked;
    });
  }
}

/** Customers' kinds, dealt out exactly within the connected and the unconnected leads (tables/ CUSTOMER_MIX). */
export function dealCustomerKinds(draw: Draw, leads: DemoLead[]): void {
  const setKind = (l: DemoLead, kind: CustomerKind) => (l.customer = kind);
  dealOut(draw.shuffle(leads.filter((l) => l.connected)), CUSTOMER_MIX.connected, setKind);
  dealOut(draw.shuffle(leads.filter((l) => !l.connected)), CUSTOMER_MIX.unconnected, setKind);
}

/**
 * Who each lead goes to, in the order shown: two or three assessors covering the district. The leads nobody
 * tries went to the assessors least likely to try (weighted by how often they do not).
 */
export function showAssessors(draw: Draw, leads: DemoLead[]): void {
  for (const lead of leads) {
    const covering = PERSONAS.filter((p) => p.districts.includes(lead.district));
    const count = Math.min(covering.length, 2 + Math.floor(draw.next() * 2));
    const pool = [...covering];
    const chosen: Persona[] = [];
    while (chosen.length < count) {
      const p =
        lead.customer === 'untouched'
          ? draw.weighted(pool.map((x): [Persona, number] => [x, (1 - x.contactRate) ** 2 + 0.01]))
          : draw.pick(pool);
      chosen.push(p);
      pool.splice(pool.indexOf(p), 1);
    }
    lead.assessors = chosen.map((p) => p.key);
  }
}
