import { describe, expect, it } from 'vitest';
import {
  agreementReport,
  analyseAssignmentSms,
  cohensKappa,
  insightId,
  luhnValid,
  messageFeatures,
  pickCurrentInsight,
  professionalismScore,
  redactCardDetails,
  scanForCardDetails,
  sequencePrefix,
  smsPatternReport,
  type AssignmentSmsAnalysis,
  type CallAnalysis,
} from '../../shared/analysis';
import type { InsightDoc, ReviewDoc } from '../../shared/schemas';

describe('card details', () => {
  it('flags a Luhn-valid card number, written or spoken, and removes it from the text', () => {
    expect(luhnValid('4929123456789015')).toBe(true);
    expect(luhnValid('4929123456789013')).toBe(false);
    const written = scanForCardDetails('my number is 4929 1234 5678 9015 thanks');
    expect(written.flags.map((f) => f.kind)).toEqual(['card-number']);
    expect(written.redacted).toBe('my number is [card number removed] thanks');
    expect(written.flags[0].excerpt).toContain('9015');
    expect(written.flags[0].excerpt).not.toMatch(/4929|1234|5678/);
    const spoken = scanForCardDetails(
      "it's four nine two nine, one two three four, five six seven eight, nine zero one five",
    );
    expect(spoken.flags.map((f) => f.kind)).toEqual(['card-number']);
    expect(spoken.redacted).toBe("it's [card number removed]");
    const doubled = scanForCardDetails('four nine two nine one two three four five six seven eight nine oh one five');
    expect(doubled.flags).toHaveLength(1);
  });

  it('does not flag UK phone numbers, prices or dates', () => {
    for (const text of [
      'call me on 07700 900123',
      'ring 020 7946 0000 after six',
      'it is £3,400 fitted',
      'Tuesday the 14th at 9',
      'my postcode is E17 4PP',
    ]) {
      expect(scanForCardDetails(text).flags, text).toEqual([]);
    }
  });

  it('flags a security code and an expiry date said after their cue, and a mention of paying by card', () => {
    expect(scanForCardDetails('the security code on the back is 123').flags.map((f) => f.kind)).toEqual([
      'security-code',
    ]);
    expect(scanForCardDetails('the security code on the back is 123').redacted).toBe(
      'the security code on the back is [security code removed]',
    );
    expect(scanForCardDetails('expiry is 09/27').flags.map((f) => f.kind)).toEqual(['expiry-date']);
    expect(scanForCardDetails('can I pay by card now?').flags.map((f) => f.kind)).toEqual(['card-mention']);
  });

  it('uses the previous utterance as context across a transcript and drops word timings of redacted segments', () => {
    const { segments, flags } = redactCardDetails([
      { speaker: 'assessor' as const, start: 1, end: 2, text: 'What are the three digits on the back?' },
      {
        speaker: 'customer' as const,
        start: 3,
        end: 4,
        text: 'seven four one',
        words: [{ word: 'seven', start: 3, end: 3.2 }],
      },
    ]);
    expect(flags).toEqual([expect.objectContaining({ kind: 'security-code', time: 3, speaker: 'customer' })]);
    expect(segments[1].text).toBe('[security code removed]');
    expect(segments[1].words).toBeUndefined();
  });
});

const analysis = (value: 'booked' | 'callback' | 'lost', confidence = 0.8): CallAnalysis => ({
  schemaVersion: 1,
  stamp: { provider: 'p', model: 'm', version: 'v' },
  sentiment: { score: 0, label: 'neutral', curve: [] },
  triggers: [],
  objections: [],
  professionalism: {
    score: 0,
    greeting: { met: false, evidence: null, time: null },
    clarity: { met: false, evidence: null, time: null },
    empathy: { met: false, evidence: null, time: null },
    nextStep: { met: false, evidence: null, time: null },
    issues: [],
  },
  outcome: { value, confidence, evidence: [] },
  summary: 's',
  cardDetails: [],
  caveats: [],
});
const insight = (callId: string, value: 'booked' | 'callback' | 'lost', o: Partial<InsightDoc> = {}): InsightDoc => ({
  id: `${callId}~x`,
  updatedAt: 1,
  callId,
  provider: 'local',
  model: 'wink',
  version: '1',
  createdAt: 1,
  transcriber: null,
  transcript: null,
  analysis: analysis(value),
  status: 'done',
  error: null,
  sandbox: false,
  ...o,
});
const review = (
  callId: string,
  outcome: 'booked' | 'callback' | 'lost' | null,
  o: Partial<ReviewDoc> = {},
): Pick<ReviewDoc, 'callId' | 'reviewerId' | 'outcome' | 'status'> => ({
  callId,
  reviewerId: 'r1',
  outcome,
  status: 'submitted',
  ...o,
});

describe('agreement report', () => {
  it("computes Cohen's kappa as in a worked example (pₒ 0.7, pₑ 0.5 → κ 0.4)", () => {
    // 10 pairs on two outcomes: AI booked 5 (4 agreed), lost 5 (3 agreed); reviewers booked 5, lost 5.
    const m = {
      booked: { booked: 4, callback: 0, lost: 1 },
      callback: { booked: 0, callback: 0, lost: 0 },
      lost: { booked: 1, callback: 0, lost: 4 },
    };
    expect(cohensKappa(m)).toBeCloseTo(0.6);
    const m2 = {
      booked: { booked: 4, callback: 0, lost: 1 },
      callback: { booked: 0, callback: 0, lost: 0 },
      lost: { booked: 2, callback: 0, lost: 3 },
    };
    expect(cohensKappa(m2)).toBeCloseTo(0.4);
    expect(
      cohensKappa({
        booked: { booked: 3, callback: 0, lost: 0 },
        callback: { booked: 0, callback: 0, lost: 0 },
        lost: { booked: 0, callback: 0, lost: 0 },
      }),
    ).toBeNull();
  });

  it('groups by provider, model and version, uses the newest finished insight per call, and ignores drafts', () => {
    const insights = [
      insight('c1', 'booked'),
      insight('c2', 'lost', { createdAt: 1 }),
      insight('c2', 'callback', { createdAt: 5 }),
      insight('c3', 'booked', { status: 'failed', analysis: null }),
      insight('c1', 'lost', { provider: 'openai', model: 'gpt-4o-mini' }),
    ];
    const reviews = [
      review('c1', 'booked'),
      review('c2', 'callback'),
      review('c2', 'lost', { reviewerId: 'r2' }),
      review('c3', 'booked'),
      review('c1', 'lost', { status: 'draft' }),
    ];
    const r = agreementReport(insights, reviews);
    const local = r.groups.find((g) => g.provider === 'local')!;
    expect(local).toMatchObject({ pairs: 3, calls: 2, agreed: 2 });
    expect(local.disagreements).toEqual([
      { callId: 'c2', reviewerId: 'r2', ai: 'callback', reviewer: 'lost', confidence: 0.8 },
    ]);
    const openai = r.groups.find((g) => g.provider === 'openai')!;
    expect(openai).toMatchObject({ pairs: 1, agreed: 0, agreementRate: 0 });
    expect(r.reviewsWithoutInsight).toBe(1);
  });

  it('ignores insight documents whose analysis does not match the schema', () => {
    const bad = insight('c9', 'booked', { analysis: { outcome: 'booked' } as unknown as CallAnalysis });
    expect(agreementReport([bad], [review('c9', 'booked')]).groups).toEqual([]);
  });
});

describe('insights', () => {
  it('derives one insight id per call and analysis stamp, kept within the id length limit', () => {
    expect(insightId('CA1', { provider: 'local', model: 'm', version: '1' })).toBe('CA1~local:m:1');
    const long = insightId('CA'.padEnd(60, '0'), {
      provider: 'openai',
      model: 'ft:gpt-4o-mini:org:custom-name:abc123',
      version: 'prompt-1.deadbeef',
    });
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).toBe(
      insightId('CA'.padEnd(60, '0'), {
        provider: 'openai',
        model: 'ft:gpt-4o-mini:org:custom-name:abc123',
        version: 'prompt-1.deadbeef',
      }),
    );
  });

  it('shows the newest finished insight, else pending, else failed', () => {
    const a = { status: 'done' as const, createdAt: 1, updatedAt: 1, id: 'a' };
    const b = { status: 'pending' as const, createdAt: 9, updatedAt: 9, id: 'b' };
    const c = { status: 'done' as const, createdAt: 5, updatedAt: 5, id: 'c' };
    const d = { status: 'failed' as const, createdAt: 10, updatedAt: 10, id: 'd' };
    expect(pickCurrentInsight([a, b, c, d])!.id).toBe('c');
    expect(pickCurrentInsight([b, d])!.id).toBe('b');
    expect(pickCurrentInsight([d])!.id).toBe('d');
    expect(pickCurrentInsight([])).toBeNull();
  });

  it('scores professionalism on one scale for every provider', () => {
    const met = { met: true, evidence: null, time: null };
    const not = { met: false, evidence: null, time: null };
    expect(professionalismScore({ greeting: met, clarity: met, empathy: met, nextStep: met, issues: [] })).toBe(100);
    expect(professionalismScore({ greeting: not, clarity: met, empathy: not, nextStep: met, issues: [] })).toBe(55);
    expect(
      professionalismScore({
        greeting: not,
        clarity: not,
        empathy: not,
        nextStep: not,
        issues: [{ quote: 'x', time: 0, speaker: 'assessor', reason: 'rude' }],
      }),
    ).toBe(0);
  });
});

describe('text message analysis', () => {
  const t0 = 1_000_000;
  const m = (id: string, from: 'a' | 'c', sec: number, body: string | null, status = 'delivered') => ({
    id,
    direction: from === 'a' ? ('assessor_to_customer' as const) : ('customer_to_assessor' as const),
    body,
    sentAt: t0 + sec * 1000,
    status,
  });

  it('measures message features', () => {
    expect(
      messageFeatures("Hi Sarah, it's Tom from Clearflow. Can I pop round Thursday at 10am? Reply YES to book."),
    ).toMatchObject({
      questions: 1,
      callToAction: true,
      mentionsTime: true,
      greetsByName: true,
      introducesSelf: true,
      mentionsPrice: false,
    });
    expect(messageFeatures('Not interested, too expensive').tone).toBe('negative');
    expect(messageFeatures('Thanks, sounds good').tone).toBe('positive');
  });

  it('measures reply speed both ways from the first unanswered message, ignoring failed messages and erased bodies', () => {
    const a = analyseAssignmentSms(
      { leadId: 'l', assessorId: 'a', service: 'boiler', district: 'W1', assignedAt: t0, bookedAt: null },
      [
        m('1', 'c', 10, 'hello?'),
        m('2', 'c', 40, 'anyone?'),
        m('3', 'a', 100, 'Hi, sorry, on a job'),
        m('4', 'a', 130, null),
        m('5', 'c', 400, 'ok'),
        m('6', 'a', 450, 'x', 'failed'),
      ],
      [],
    );
    // The customer's last "ok" has had no reply by text.
    expect(a.assessorReply).toMatchObject({ count: 1, medianSec: 90, unanswered: 1 });
    expect(a.customerReply).toMatchObject({ count: 1, medianSec: 300, unanswered: 0 });
    expect(a.messages).toEqual({ assessor: 2, customer: 3 });
    expect(a.perMessage).toHaveLength(4);
    expect(a.patterns).toContain('customer reached out first');
  });

  it('builds the follow-up sequence from texts and calls up to the booking', () => {
    const a = analyseAssignmentSms(
      { leadId: 'l', assessorId: 'a', service: 'boiler', district: 'W1', assignedAt: t0, bookedAt: t0 + 1000_000 },
      [
        m('1', 'a', 70, 'Sorry I missed you, when suits?'),
        m('2', 'c', 500, 'after 5'),
        m('3', 'a', 2000_000, 'thanks!'),
      ],
      [
        { id: 'c1', direction: 'assessor_to_customer', startedAt: t0 + 60_000, connected: false },
        { id: 'c2', direction: 'assessor_to_customer', startedAt: t0 + 900_000, connected: true },
      ],
    );
    expect(a.sequence).toEqual(['assessor-call-missed', 'assessor-sms', 'customer-sms', 'assessor-call-connected']);
    expect(a.patterns).toEqual(
      expect.arrayContaining([
        'text after a missed call',
        'first assessor contact: call-missed',
        'first text within 5 minutes',
      ]),
    );
    expect(sequencePrefix(['assessor-sms', 'assessor-sms', 'customer-sms', 'assessor-sms'])).toBe(
      'assessor-sms → customer-sms → assessor-sms',
    );
  });

  it('reports booking rates per pattern against the area baseline and leaves out thin patterns', () => {
    const mk = (district: string, booked: boolean, patterns: string[]): AssignmentSmsAnalysis =>
      ({
        service: 'boiler',
        district,
        booked,
        sequence: ['assessor-sms'],
        patterns,
      }) as unknown as AssignmentSmsAnalysis;
    const analyses = [
      mk('W1', true, ['fast']),
      mk('W1', true, ['fast']),
      mk('W1', false, ['slow']),
      mk('W1', false, ['slow']),
      mk('E17', false, ['fast']),
      mk('E17', false, ['rare']),
    ];
    const r = smsPatternReport(analyses, { minSupport: 2 });
    const w1fast = r.rows.find((x) => x.district === 'W1' && x.pattern === 'fast')!;
    expect(w1fast).toMatchObject({ assignments: 2, booked: 2, bookingRate: 1, baselineRate: 0.5, lift: 2 });
    const allFast = r.rows.find((x) => x.district === '*' && x.pattern === 'fast')!;
    expect(allFast).toMatchObject({ assignments: 3, booked: 2 });
    expect(r.rows.some((x) => x.pattern === 'rare')).toBe(false);
    expect(r.groups.find((g) => g.district === '*')).toMatchObject({ assignments: 6, booked: 2 });
  });
});
