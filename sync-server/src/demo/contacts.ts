import {
  ASSESSOR_MISSED_TEXT,
  CALL_SCRIPTS,
  CUSTOMER_FOUND_SOMEONE,
  CUSTOMER_MISSED_TEXTS,
  CUSTOMER_PATIENCE_SEC,
  CUSTOMER_REPLIES,
  DEAD_NUMBER_SHARE,
  PERSONAS,
  SHOPPERS_IN_ORDER_SHOWN,
  assessorFirstText,
  type Persona,
} from './tables';
import type { DemoEvent, DemoLead } from './plan';
import type { Draw } from './random';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Every contact between one lead's customer and the assessors shown: the customer's own calls (a shopper or a
 * caller), a missed customer ringing or texting back, then each assessor's texts and calls. Which assessor
 * gets through and who books are chosen first, so the district's rates hold exactly.
 */
export function leadContacts(
  draw: Draw,
  lead: DemoLead,
  ctx: { now: number; script: (id: string) => string },
): DemoEvent[] {
  if (lead.customer === 'untouched') return [];
  return new LeadStory(draw, lead, ctx).tell();
}

class LeadStory {
  readonly events: DemoEvent[] = [];
  readonly shown: Persona[];
  readonly dead: boolean;
  /** Who gets through: the better contacts; who books: weighted by how well they convert as well. */
  readonly connector: Persona | null;
  readonly booker: Persona | null;
  /** Assessors a proactive customer got through to: they need no call of their own. */
  readonly reachedByCustomer = new Set<Persona>();

  constructor(
    private readonly draw: Draw,
    private readonly lead: DemoLead,
    private readonly ctx: { now: number; script: (id: string) => string },
  ) {
    this.shown = lead.assessors.map((key) => PERSONAS.find((p) => p.key === key)!);
    this.dead = lead.customer === 'unreachable' && draw.next() < DEAD_NUMBER_SHARE;
    this.connector = lead.connected
      ? draw.weighted(
          this.shown.map(
            (p) => [p, lead.booked ? p.connectWeight * p.bookingWeight : p.connectWeight] as [Persona, number],
          ),
        )
      : null;
    this.booker = lead.booked ? this.connector : null;
  }

  tell(): DemoEvent[] {
    if (this.lead.customer === 'shopper' || this.lead.customer === 'caller') this.customerRings();
    if (this.lead.customer === 'missed') this.customerReturnsMissedCall();
    this.shown.forEach((p, index) => this.assessorTries(p, index));
    return this.events;
  }

  /** The lead's connected call happens before now, so every district keeps its exact rates. */
  private beforeNow(at: number): number {
    return Math.min(at, this.ctx.now - this.draw.between(40, 90) * MIN);
  }

  private patience(): number {
    return Math.round(this.draw.between(CUSTOMER_PATIENCE_SEC[0], CUSTOMER_PATIENCE_SEC[1]));
  }

  private unanswered(caller: 'customer' | 'assessor', at: number, assessor: Persona): DemoEvent {
    const { draw } = this;
    return {
      kind: 'call',
      at,
      lead: this.lead.key,
      assessor: assessor.key,
      caller,
      answer: caller === 'assessor' && this.dead ? 'unreachable' : draw.next() < 0.15 ? 'busy' : 'no-answer',
      ringSec: 30,
      talkSec: 0,
      hangup: 'caller',
      patienceSec: caller === 'customer' ? this.patience() : undefined,
      script: CALL_SCRIPTS.unanswered,
      optOut: false,
    };
  }

  private connected(caller: 'customer' | 'assessor', at: number, assessor: Persona, books: boolean): DemoEvent {
    const { draw } = this;
    const id =
      caller === 'customer'
        ? books
          ? CALL_SCRIPTS.customerBooked
          : draw.pick(CALL_SCRIPTS.customerNotBooked)
        : books
          ? draw.weighted([
              [CALL_SCRIPTS.assessorBookedQuick, assessor.bookingWeight],
              ...CALL_SCRIPTS.assessorBookedOther,
            ])
          : draw.pick(assessor.lostScripts);
    return {
      kind: 'call',
      at,
      lead: this.lead.key,
      assessor: assessor.key,
      caller,
      answer: 'answer',
      ringSec: Math.round(draw.between(3, 14)),
      talkSec: 0,
      hangup: draw.next() < 0.5 ? 'caller' : 'callee',
      script: this.ctx.script(id),
      optOut: draw.next() < 0.06,
    };
  }

  private booking(at: number, assessor: Persona): void {
    this.events.push({
      kind: 'booking',
      at: at + this.draw.between(5, 30) * MIN,
      lead: this.lead.key,
      assessor: assessor.key,
      value: Math.round(this.draw.between(120, 480)),
    });
  }

  private text(at: number, assessor: Persona, from: 'customer' | 'assessor', body: string): void {
    this.events.push({ kind: 'sms', at, lead: this.lead.key, assessor: assessor.key, from, body });
  }

  /**
   * Proactive customers ring before any assessor reaches them: a shopper two or three of the assessors (in the
   * order shown, or their own), a caller one.
   */
  private customerRings(): void {
    const { draw, shown, connector, booker } = this;
    let targets: Persona[];
    if (this.lead.customer === 'caller') {
      targets = [connector && draw.next() < 0.5 ? connector : shown[0]];
    } else {
      const order = draw.next() < SHOPPERS_IN_ORDER_SHOWN ? shown : draw.shuffle(shown);
      targets = order.slice(0, Math.min(shown.length, 2 + Math.floor(draw.next() * 2)));
    }
    let at = this.lead.at + draw.between(4, 45) * MIN;
    for (const target of targets) {
      // The connector picks up (that is the lead's connected call); others as often as they answer.
      const gets = target === connector || (this.lead.customer === 'shopper' && draw.next() < target.answerRate * 0.6);
      if (gets) {
        const callAt = target === connector ? this.beforeNow(at) : at;
        this.reachedByCustomer.add(target);
        this.events.push(this.connected('customer', callAt, target, target === booker));
        if (target === booker) this.booking(callAt, target);
      } else {
        this.events.push(this.unanswered('customer', at, target));
        // Patient customers try the same assessor again later the same day.
        if (draw.next() < 0.35) this.events.push(this.unanswered('customer', at + draw.between(1, 5) * HOUR, target));
      }
      at += draw.between(2, 25) * MIN;
    }
  }

  /** A customer who misses the assessors' calls rings one back (unanswered) or texts. */
  private customerReturnsMissedCall(): void {
    const { draw } = this;
    const p = draw.pick(this.shown);
    const at = this.lead.at + draw.between(p.responseMinutes[1], p.responseMinutes[1] + 240) * MIN;
    if (draw.next() < 0.5) this.events.push(this.unanswered('customer', at, p));
    else this.text(at, p, 'customer', draw.pick(CUSTOMER_MISSED_TEXTS));
  }

  /** One assessor's texts and calls to the customer, as the persona behaves. */
  private assessorTries(p: Persona, index: number): void {
    const { draw, lead } = this;
    const isConnector = p === this.connector;
    if (this.reachedByCustomer.has(p) && (isConnector || draw.next() < 0.7)) return;
    // Assessors skip leads as often as they do; someone always tries an unreachable or missed customer.
    const mustTry = isConnector || (index === 0 && (lead.customer === 'unreachable' || lead.customer === 'missed'));
    if (!mustTry && draw.next() > p.contactRate) return;
    let at = lead.at + draw.between(p.responseMinutes[0], p.responseMinutes[1]) * MIN;
    if (p.textsFirst) {
      this.text(at, p, 'assessor', assessorFirstText(lead.name.split(' ')[0], p.name.split(' ')[0], lead.service));
      // Only a customer who engages replies.
      if (lead.customer !== 'unreachable' && draw.next() < 0.4)
        this.text(at + draw.between(3, 90) * MIN, p, 'customer', draw.pick(CUSTOMER_REPLIES));
      at += draw.between(20, 120) * MIN;
    }
    if (isConnector) this.assessorGetsThrough(p, at);
    else if (lead.connected && draw.next() < 0.35)
      // Got through, but someone else has the job.
      this.events.push(this.connected('assessor', at, p, false));
    else if (lead.customer === 'unreachable') this.assessorNeverReaches(p, index, at);
    else this.assessorMisses(p, at);
  }

  /** Sometimes the first try is missed and a follow-up gets through. */
  private assessorGetsThrough(p: Persona, at: number): void {
    const { draw } = this;
    if (draw.next() < 0.3) {
      this.events.push(this.unanswered('assessor', at, p));
      if (draw.next() < 0.5) this.text(at + 2 * MIN, p, 'assessor', ASSESSOR_MISSED_TEXT);
      at += draw.between(1, 8) * HOUR;
    }
    at = this.beforeNow(at);
    this.events.push(this.connected('assessor', at, p, p === this.booker));
    if (p === this.booker) this.booking(at, p);
  }

  /**
   * Nobody ever picks up: the first assessor tries three times, the others once or twice, so the customer's
   * number ends with at least three unanswered (or failed) calls.
   */
  private assessorNeverReaches(p: Persona, index: number, at: number): void {
    const { draw } = this;
    this.events.push(this.unanswered('assessor', at, p));
    const more = index === 0 ? 2 : draw.next() < p.followUp ? 1 : 0;
    for (let k = 0; k < more; k++) {
      at += draw.between(3, 30) * HOUR;
      this.events.push(this.unanswered('assessor', at, p));
    }
  }

  /**
   * Never gets through: unanswered calls, a short call now and then (under the connected threshold even with
   * the whisper Twilio counts in the leg's duration), follow-ups as the persona does.
   */
  private assessorMisses(p: Persona, at: number): void {
    const { draw, lead } = this;
    if (!lead.connected && draw.next() < 0.12) {
      const short = this.connected('assessor', at, p, false);
      if (short.kind === 'call')
        this.events.push({ ...short, talkSec: Math.round(draw.between(2, 4)), hangup: 'callee', optOut: false });
    } else {
      this.events.push(this.unanswered('assessor', at, p));
    }
    let next = at;
    if (draw.next() < p.followUp * 0.5) {
      next += draw.between(3, 30) * HOUR;
      this.events.push(this.unanswered('assessor', next, p));
    }
    if (lead.connected && draw.next() < 0.15) this.text(next + 5 * MIN, p, 'customer', CUSTOMER_FOUND_SOMEONE);
  }
}
