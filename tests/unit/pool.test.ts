import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  DEFAULT_POOL_POLICY,
  DIRECT_CODE,
  allocateSession,
  extensionFor,
  findRoutingConflicts,
  isOpen,
  isValidExtension,
  poolReport,
  resolveContact,
  splitTextExtension,
  touchSession,
  type AllocationRequest,
  type PoolNumberInfo,
  type PoolSession,
} from '../../shared/pool';

const policy = DEFAULT_POOL_POLICY;
const T0 = Date.UTC(2026, 0, 1);
const num = (i: number) => `+4477009000${String(i).padStart(2, '0')}`;
const cust = (i: number) => `+4479110${String(i).padStart(5, '0')}`;
const asr = (i: number) => `+4478220${String(i).padStart(5, '0')}`;
const pool = (n: number): PoolNumberInfo[] => Array.from({ length: n }, (_, i) => ({ number: num(i), active: true }));

/** A tiny in-memory pool: allocates like the server (buying a number when the customer side runs out). */
class Sim {
  sessions: PoolSession[] = [];
  numbers: PoolNumberInfo[];
  bought = 0;
  private seq = 0;
  constructor(
    initial: number,
    private readonly maxNumbers = Infinity,
  ) {
    this.numbers = pool(initial);
  }
  assign(
    customer: string,
    assessorId: string,
    assessorPhone: string,
    now: number,
    leadId = `lead-${this.seq}`,
  ): PoolSession {
    const req: AllocationRequest = {
      sessionId: `s${this.seq++}`,
      leadId,
      assessorId,
      customerPhone: customer,
      assessorPhone,
      now,
    };
    for (;;) {
      const a = allocateSession(this.numbers, this.sessions, req, policy);
      if (a.kind === 'allocated') {
        this.sessions.push(a.session);
        return a.session;
      }
      if (a.kind === 'invalid') throw new Error(a.reason);
      if (this.numbers.length >= this.maxNumbers) throw new Error('POOL_EXHAUSTED');
      this.numbers.push({ number: num(this.numbers.length), active: true });
      this.bought++;
    }
  }
  touch(id: string, at: number) {
    this.sessions = this.sessions.map((s) => (s.id === id ? touchSession(s, at, policy) : s));
  }
}

describe('pool allocation rules', () => {
  it('P1: one customer with six assessors gets six distinct numbers, each routing to its own assessor', () => {
    const sim = new Sim(10);
    const made = Array.from({ length: 6 }, (_, i) => sim.assign(cust(1), `a${i}`, asr(i), T0));
    expect(new Set(made.map((s) => s.poolNumber)).size).toBe(6);
    for (const s of made) {
      const r = resolveContact(sim.sessions, { from: cust(1), to: s.poolNumber }, T0 + 1000);
      expect(r).toMatchObject({ kind: 'session', side: 'customer', session: { id: s.id } });
    }
  });

  it('P2, P11: every new session carries an extension, unique per number, and fresh sessions spread over the numbers', () => {
    const sim = new Sim(3);
    const made = Array.from({ length: 9 }, (_, i) => sim.assign(cust(i), 'a1', asr(1), T0 + i * DAY_MS));
    expect(made.every((s) => s.extension !== null && isValidExtension(s.extension))).toBe(true);
    // least recently used first: the first three take the three numbers, the fourth goes back to the first
    expect(made.slice(0, 3).map((s) => s.poolNumber)).toEqual([num(0), num(1), num(2)]);
    expect(made[3].poolNumber).toBe(num(0));
    expect(sim.bought).toBe(0);
    expect(findRoutingConflicts(sim.sessions, T0 + 9 * DAY_MS, policy)).toEqual([]);
  });

  it('P3: a listing without an extension (made before P2 gave every session one) connects a bare call, never a prompt', () => {
    const base = {
      leadId: 'l',
      assessorPhone: asr(1),
      poolNumber: num(0),
      closedAt: null,
      expiresAt: T0 + 30 * DAY_MS,
    };
    const direct: PoolSession = {
      ...base,
      id: 'd',
      assessorId: 'a1',
      customerPhone: cust(1),
      extension: null,
      createdAt: T0,
      lastActivityAt: T0,
    };
    const withExt: PoolSession = { ...direct, id: 'e', customerPhone: cust(2), extension: extensionFor(12) };
    const sessions = [direct, withExt];
    const to = num(0);
    expect(resolveContact(sessions, { from: asr(1), to }, T0)).toMatchObject({
      kind: 'session',
      session: { id: 'd' },
      by: 'direct',
    });
    expect(resolveContact(sessions, { from: asr(1), to, digits: withExt.extension }, T0)).toMatchObject({
      kind: 'session',
      session: { id: 'e' },
      by: 'extension',
    });
    expect(resolveContact(sessions, { from: asr(1), to, digits: DIRECT_CODE }, T0)).toMatchObject({
      kind: 'session',
      session: { id: 'd' },
    });
    expect(resolveContact(sessions, { from: asr(1), to, digits: '999' }, T0)).toMatchObject({
      kind: 'unknown-extension',
    });
    expect(resolveContact(sessions, { from: asr(9), to }, T0)).toEqual({
      kind: 'out-of-session',
      reason: 'no-session',
    });
    expect(resolveContact(sessions, { from: 'anonymous', to }, T0, { withheld: true })).toEqual({
      kind: 'out-of-session',
      reason: 'withheld',
    });
  });

  it('P3, P10: a bare call connects the one live and recent session at once; two recent ones ask for the extension', () => {
    const sim = new Sim(1, 1);
    const older = sim.assign(cust(1), 'a1', asr(1), T0);
    const to = older.poolNumber;
    // alone on the number: connected whatever its age
    expect(resolveContact(sim.sessions, { from: asr(1), to }, T0 + 5 * DAY_MS)).toMatchObject({
      kind: 'session',
      session: { id: older.id },
      by: 'only',
    });
    const fresh = sim.assign(cust(2), 'a1', asr(1), T0 + 5 * DAY_MS);
    expect(fresh.poolNumber).toBe(to);
    expect(resolveContact(sim.sessions, { from: asr(1), to }, T0 + 6 * DAY_MS)).toMatchObject({
      kind: 'session',
      session: { id: fresh.id },
      by: 'recent',
    });
    // the window is P10's: two days after the assignment the fresh session is no longer recent
    expect(resolveContact(sim.sessions, { from: asr(1), to }, T0 + 7 * DAY_MS + 1)).toEqual({
      kind: 'needs-extension',
      sessions: 2,
    });
    // the older customer's missed call makes it recent too: genuinely ambiguous, so the extension is asked for
    sim.touch(older.id, T0 + 6 * DAY_MS);
    expect(resolveContact(sim.sessions, { from: asr(1), to }, T0 + 6 * DAY_MS + 1)).toEqual({
      kind: 'needs-extension',
      sessions: 2,
    });
    // the listed extension always reaches its own customer
    for (const s of [older, fresh])
      expect(
        resolveContact(sim.sessions, { from: asr(1), to, digits: s.extension }, T0 + 6 * DAY_MS + 1),
      ).toMatchObject({ kind: 'session', session: { id: s.id }, by: 'extension' });
  });

  it('P10: a session of another customer that ended recently keeps a bare call from guessing', () => {
    const sim = new Sim(1, 1);
    const ended = sim.assign(cust(1), 'a1', asr(1), T0);
    sim.sessions = sim.sessions.map((s) => ({ ...s, closedAt: T0 + DAY_MS }));
    sim.touch(ended.id, T0 + DAY_MS - 1);
    const next = sim.assign(cust(2), 'a1', asr(1), T0 + DAY_MS + 1);
    expect(resolveContact(sim.sessions, { from: asr(1), to: next.poolNumber }, T0 + DAY_MS + 2, policy)).toEqual({
      kind: 'needs-extension',
      sessions: 1,
    });
    // once the old contact is no longer recent, the only open session connects
    expect(
      resolveContact(sim.sessions, { from: asr(1), to: next.poolNumber }, T0 + 3 * DAY_MS + 2, policy),
    ).toMatchObject({ kind: 'session', session: { id: next.id }, by: 'only' });
  });

  it('P12: with room in the budget, a session that would share a number with a recent one asks for a number', () => {
    const sim = new Sim(2, 2);
    sim.assign(cust(1), 'a1', asr(1), T0);
    sim.assign(cust(2), 'a1', asr(1), T0 + 1);
    const req: AllocationRequest = {
      sessionId: 'x',
      leadId: 'l',
      assessorId: 'a1',
      customerPhone: cust(3),
      assessorPhone: asr(1),
      now: T0 + 2,
    };
    expect(allocateSession(sim.numbers, sim.sessions, req, policy, undefined, true)).toEqual({
      kind: 'needs-number',
      reason: 'assessor-time',
    });
    // without room it shares the least recently used number, extension kept
    expect(allocateSession(sim.numbers, sim.sessions, req, policy, undefined, false)).toMatchObject({
      kind: 'allocated',
      choice: 'shared-while-recent',
      session: { poolNumber: num(0) },
    });
  });

  it('P2: a mistyped digit or two swapped neighbours in an extension is never another valid extension', () => {
    for (let n = 0; n < 100; n++) {
      const code = extensionFor(n);
      expect(isValidExtension(code)).toBe(true);
      for (let pos = 0; pos < 3; pos++) {
        for (let d = 0; d < 10; d++) {
          const typo = code.slice(0, pos) + d + code.slice(pos + 1);
          if (typo !== code) expect(isValidExtension(typo)).toBe(false);
        }
        if (pos < 2 && code[pos] !== code[pos + 1]) {
          const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
          expect(isValidExtension(swapped)).toBe(false);
        }
      }
    }
  });

  it('P4: interactions slide the expiry; an untouched session ends after the TTL', () => {
    const sim = new Sim(2);
    const s = sim.assign(cust(1), 'a1', asr(1), T0);
    sim.touch(s.id, T0 + 20 * DAY_MS);
    const touched = sim.sessions[0];
    expect(isOpen(touched, T0 + 45 * DAY_MS)).toBe(true);
    expect(isOpen(touched, T0 + 51 * DAY_MS)).toBe(false);
    expect(touchSession(touched, T0 + 60 * DAY_MS, policy)).toBe(touched);
  });

  it('P5: a freed number rests before the same customer gets it for another assessor', () => {
    const sim = new Sim(1, 2);
    const first = sim.assign(cust(1), 'a1', asr(1), T0);
    const other = sim.assign(cust(1), 'a2', asr(2), T0 + 31 * DAY_MS); // first ended a day ago
    expect(other.poolNumber).not.toBe(first.poolNumber);
    expect(sim.bought).toBe(1);
    const rested = new Sim(1, 1);
    const a = rested.assign(cust(1), 'a1', asr(1), T0);
    const b = rested.assign(cust(1), 'a2', asr(2), T0 + 38 * DAY_MS); // ended 8 days ago: rested
    expect(b.poolNumber).toBe(a.poolNumber);
  });

  it('P5: the same pair gets its number back during the cool-down', () => {
    const sim = new Sim(1, 1);
    const first = sim.assign(cust(1), 'a1', asr(1), T0);
    const again = sim.assign(cust(1), 'a1', asr(1), T0 + 31 * DAY_MS, 'lead-again');
    expect(again.poolNumber).toBe(first.poolNumber);
  });

  it('P5: an assessor key that just ended is not handed to a different customer', () => {
    const sim = new Sim(1, 1);
    const first = sim.assign(cust(1), 'a1', asr(1), T0);
    const next = sim.assign(cust(2), 'a1', asr(1), T0 + 31 * DAY_MS);
    expect(next.poolNumber).toBe(first.poolNumber);
    expect(next.extension).not.toBe(first.extension);
    // the assessor redialling the old contact with its extension is refused, never connected to customer 2
    expect(
      resolveContact(sim.sessions, { from: asr(1), to: first.poolNumber, digits: first.extension }, T0 + 31 * DAY_MS),
    ).toMatchObject({ kind: 'unknown-extension' });
    expect(findRoutingConflicts(sim.sessions, T0 + 31 * DAY_MS, policy)).toEqual([]);
  });

  it('P6: the same pair gets its previous number and extension back', () => {
    const sim = new Sim(1);
    sim.assign(cust(1), 'a1', asr(1), T0);
    const ext = sim.assign(cust(2), 'a1', asr(1), T0);
    expect(ext.extension).not.toBeNull();
    // both expire; a new lead from customer 2 for the same assessor comes in during the cool-down
    const again = sim.assign(cust(2), 'a1', asr(1), T0 + 32 * DAY_MS, 'lead-2b');
    expect(again).toMatchObject({ poolNumber: ext.poolNumber });
    expect(again.extension === null || again.extension === ext.extension).toBe(true);
  });

  it('P7: when every number is taken on the customer side the allocation asks for a number', () => {
    const numbers = pool(2);
    const sessions: PoolSession[] = [];
    for (let i = 0; i < 2; i++) {
      const a = allocateSession(
        numbers,
        sessions,
        {
          sessionId: `s${i}`,
          leadId: 'l',
          assessorId: `a${i}`,
          customerPhone: cust(1),
          assessorPhone: asr(i),
          now: T0,
        },
        policy,
      );
      if (a.kind !== 'allocated') throw new Error('expected allocation');
      sessions.push(a.session);
    }
    const third = allocateSession(
      numbers,
      sessions,
      { sessionId: 's3', leadId: 'l', assessorId: 'a3', customerPhone: cust(1), assessorPhone: asr(3), now: T0 },
      policy,
    );
    expect(third).toEqual({ kind: 'needs-number', reason: 'customer-side' });
  });

  it('P8: a customer and an assessor with the same phone are refused', () => {
    expect(
      allocateSession(
        pool(1),
        [],
        { sessionId: 's', leadId: 'l', assessorId: 'a', customerPhone: cust(1), assessorPhone: cust(1), now: T0 },
        policy,
      ),
    ).toEqual({ kind: 'invalid', reason: 'same-phone' });
  });

  it('P1: a phone that is an assessor on a number is never given that number as a customer', () => {
    const sim = new Sim(1);
    const asAssessor = sim.assign(cust(1), 'a1', asr(1), T0);
    const asCustomer = sim.assign(asr(1), 'a2', asr(2), T0);
    expect(asCustomer.poolNumber).not.toBe(asAssessor.poolNumber);
    expect(findRoutingConflicts(sim.sessions, T0, policy)).toEqual([]);
  });

  it('P9: the same state and request give the same allocation', () => {
    const sim = new Sim(4);
    for (let i = 0; i < 12; i++) sim.assign(cust(i % 5), `a${i % 3}`, asr(i % 3), T0 + i);
    const req: AllocationRequest = {
      sessionId: 'x',
      leadId: 'l',
      assessorId: 'a1',
      customerPhone: cust(9),
      assessorPhone: asr(1),
      now: T0 + 99,
    };
    expect(allocateSession(sim.numbers, sim.sessions, req, policy)).toEqual(
      allocateSession([...sim.numbers].reverse(), [...sim.sessions].reverse(), req, policy),
    );
  });

  it('reads an extension at the start of an assessor text', () => {
    expect(splitTextExtension('123 See you at 3')).toEqual({ digits: '123', rest: 'See you at 3' });
    expect(splitTextExtension('ext 123: running late')).toEqual({ digits: '123', rest: 'running late' });
    expect(splitTextExtension('#123 hi')).toEqual({ digits: '123', rest: 'hi' });
    expect(splitTextExtension('0 on my way')).toEqual({ digits: '0', rest: 'on my way' });
    expect(splitTextExtension('1000 pounds')).toEqual({ digits: null, rest: '1000 pounds' });
    expect(splitTextExtension('Hello')).toEqual({ digits: null, rest: 'Hello' });
  });

  it('reports owned, in use, needed, extension rate and the cost of one number per assignment', () => {
    const sim = new Sim(2);
    for (let i = 0; i < 5; i++) sim.assign(cust(i), 'a1', asr(1), T0);
    const r = poolReport(
      sim.numbers.map((n) => ({ ...n, monthlyCostPence: 100 })),
      sim.sessions,
      T0 + 1,
      100,
    );
    expect(r).toMatchObject({
      numbersOwned: 2,
      numbersInUse: 2,
      numbersNeeded: 1,
      openSessions: 5,
      sessionsWithExtension: 5,
      monthlyCostPence: 200,
      assignmentsInMonth: 5,
      oneNumberPerAssignmentPence: 500,
    });
    expect(r.extensionRate).toBeCloseTo(1);
  });
});

// ───────────────────────────── property: random workloads ─────────────────────────────

type Step =
  | { kind: 'lead'; customer: number; assessors: number[] }
  | { kind: 'advance'; hours: number }
  | { kind: 'contact'; pick: number }
  | { kind: 'close'; pick: number };

const stepArb = (customers: number, assessors: number): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({
        kind: fc.constant('lead' as const),
        customer: fc.nat(customers - 1),
        assessors: fc.uniqueArray(fc.nat(assessors - 1), { minLength: 1, maxLength: Math.min(6, assessors) }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 24 * 8 }) }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('contact' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), pick: fc.nat() }) },
  );

const workloadArb = fc
  .record({
    customers: fc.integer({ min: 1, max: 400 }),
    assessors: fc.integer({ min: 1, max: 12 }),
    initialNumbers: fc.integer({ min: 0, max: 8 }),
  })
  .chain((cfg) =>
    fc.record({
      cfg: fc.constant(cfg),
      steps: fc.array(stepArb(cfg.customers, cfg.assessors), { minLength: 1, maxLength: 500, size: 'max' }),
    }),
  );

/** Every open session is reached from both sides, and no key reaches anyone else. */
function checkRouting(all: PoolSession[], now: number) {
  expect(findRoutingConflicts(all, now, policy)).toEqual([]);
  const open = all.filter((s) => isOpen(s, now));
  const onNumber = new Map<string, PoolSession[]>();
  // Index by (phone, number): resolveContact only looks at sessions on `to` in which `from` takes part.
  for (const s of all) {
    for (const phone of [s.customerPhone, s.assessorPhone]) {
      const k = `${phone}|${s.poolNumber}`;
      const list = onNumber.get(k);
      if (list) list.push(s);
      else onNumber.set(k, [s]);
    }
  }
  const byAssessorNumber = new Map<string, number>();
  for (const s of open)
    byAssessorNumber.set(
      `${s.assessorPhone}|${s.poolNumber}`,
      (byAssessorNumber.get(`${s.assessorPhone}|${s.poolNumber}`) ?? 0) + 1,
    );
  for (const s of open) {
    const opts = { cooldownMs: policy.cooldownMs };
    const fromCustomer = resolveContact(
      onNumber.get(`${s.customerPhone}|${s.poolNumber}`) ?? [],
      { from: s.customerPhone, to: s.poolNumber },
      now,
      opts,
    );
    expect(fromCustomer.kind === 'session' && fromCustomer.session.id === s.id).toBe(true);
    const sessions = onNumber.get(`${s.assessorPhone}|${s.poolNumber}`) ?? [];
    const bare = resolveContact(sessions, { from: s.assessorPhone, to: s.poolNumber }, now, opts);
    // a bare call is asked for the extension, or reaches one of this phone's own sessions by P3's reasons
    if (bare.kind === 'session') {
      expect(bare.session.assessorPhone).toBe(s.assessorPhone);
      if ((byAssessorNumber.get(`${s.assessorPhone}|${s.poolNumber}`) ?? 0) > 1)
        expect(bare.by === 'recent' || bare.by === 'direct').toBe(true);
      if (bare.by === 'recent') expect(now - bare.session.lastActivityAt).toBeLessThan(policy.recentMs);
    } else expect(bare.kind).toBe('needs-extension');
    const keyed = resolveContact(
      sessions,
      { from: s.assessorPhone, to: s.poolNumber, digits: s.extension ?? DIRECT_CODE },
      now,
      opts,
    );
    expect(keyed.kind === 'session' && keyed.session.id === s.id).toBe(true);
    // the dialled party is always the other side of the same session
    if (keyed.kind === 'session') expect(keyed.session.customerPhone).toBe(s.customerPhone);
  }
}

describe('pool property: random workloads', () => {
  it('no contact reaches the wrong party and every in-session contact resolves to exactly one session', () => {
    let maxAssessorLoad = 0;
    fc.assert(
      fc.property(workloadArb, ({ cfg, steps }) => {
        const sim = new Sim(cfg.initialNumbers);
        let now = T0;
        const leads: Array<{ id: string; sessions: string[] }> = [];
        steps.forEach((step, i) => {
          if (step.kind === 'advance') now += step.hours * 3600_000;
          else if (step.kind === 'lead') {
            const id = `lead-${i}`;
            const made = step.assessors.map((a) => sim.assign(cust(step.customer), `a${a}`, asr(a), now, id));
            leads.push({ id, sessions: made.map((s) => s.id) });
          } else if (step.kind === 'contact') {
            const open = sim.sessions.filter((s) => isOpen(s, now));
            if (open.length) sim.touch(open[step.pick % open.length].id, now);
          } else if (leads.length) {
            const lead = leads[step.pick % leads.length];
            sim.sessions = sim.sessions.map((s) =>
              lead.sessions.includes(s.id) && s.closedAt === null ? { ...s, closedAt: now } : s,
            );
          }
          if (i % 20 === 0 || i === steps.length - 1) checkRouting(sim.sessions, now);
        });
        const loads = new Map<string, number>();
        for (const s of sim.sessions) if (isOpen(s, now)) loads.set(s.assessorId, (loads.get(s.assessorId) ?? 0) + 1);
        maxAssessorLoad = Math.max(maxAssessorLoad, ...loads.values(), 0);
      }),
      { numRuns: 30, seed: Number(process.env.POOL_PROPERTY_SEED ?? 20260101) },
    );
    // the generated workloads must really load assessors (the test below adds one with 300 open leads)
    expect(maxAssessorLoad).toBeGreaterThan(60);
  });

  it('an assessor with 300 open leads on a small pool keeps every session reachable', () => {
    const sim = new Sim(0);
    for (let i = 0; i < 300; i++) sim.assign(cust(i), 'busy', asr(1), T0 + i * 60_000);
    for (let i = 0; i < 200; i++) sim.assign(cust(i), `a${1 + (i % 5)}`, asr(2 + (i % 5)), T0 + 300 * 60_000);
    checkRouting(sim.sessions, T0 + 400 * 60_000);
    expect(sim.numbers.length).toBeLessThanOrEqual(4);
  });
});
