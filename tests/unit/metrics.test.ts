import { describe, expect, it } from 'vitest';
import { assessorPerformance, customerBehaviour, quantile } from '../../shared/metrics';
import { leadQuality } from '../../shared/lead-quality';
import { assignment, makeCall, makeLead, makeMessage } from '../helpers/docs';

const T0 = 1_700_000_000_000;
const min = 60_000;

describe('assessor performance (PRODUCT.md definitions)', () => {
  const leads = [
    makeLead({ id: 'L1', createdAt: T0, assignments: [assignment('A', T0), assignment('B', T0)] }),
    makeLead({
      id: 'L2',
      createdAt: T0,
      assignments: [assignment('A', T0, { bookedAt: T0 + 60 * min }), assignment('B', T0)],
    }),
    makeLead({ id: 'L3', createdAt: T0, district: 'E17', assignments: [assignment('A', T0)] }),
  ];
  const calls = [
    // A on L1: no answer after 2 min, then connected after 10 min (2 attempts before connect; retried after a failure).
    makeCall({
      id: 'c1',
      leadId: 'L1',
      assessorId: 'A',
      startedAt: T0 + 2 * min,
      status: 'no-answer',
      ringSeconds: 30,
    }),
    makeCall({
      id: 'c2',
      leadId: 'L1',
      assessorId: 'A',
      startedAt: T0 + 10 * min,
      status: 'completed',
      answeredAt: T0 + 10 * min,
      talkSeconds: 120,
      connected: true,
    }),
    // A on L2: connected at first try after 4 min.
    makeCall({
      id: 'c3',
      leadId: 'L2',
      assessorId: 'A',
      startedAt: T0 + 4 * min,
      status: 'completed',
      answeredAt: T0 + 4 * min,
      talkSeconds: 300,
      connected: true,
    }),
    // B on L2: the customer called B (not B's attempt), answered but 5 s talk: not connected.
    makeCall({
      id: 'c4',
      leadId: 'L2',
      assessorId: 'B',
      direction: 'customer_to_assessor',
      startedAt: T0 + min,
      status: 'completed',
      talkSeconds: 5,
      connected: false,
    }),
  ];
  // A texts L3 after 30 min; B never attempts anything.
  const messages = [makeMessage({ id: 'm1', leadId: 'L3', assessorId: 'A', sentAt: T0 + 30 * min })];

  const [a, b] = assessorPerformance(leads, calls, messages);

  it('counts contact, success and conversion rates over assignments', () => {
    expect(a).toMatchObject({ assessorId: 'A', assignments: 3, contacted: 3, connected: 2, booked: 1, attempts: 4 });
    expect(a.contactRate).toBe(1);
    expect(a.successRate).toBeCloseTo(2 / 3);
    expect(a.conversionRate).toBeCloseTo(1 / 3);
    expect(b).toMatchObject({
      assessorId: 'B',
      assignments: 2,
      contacted: 0,
      connected: 0,
      contactRate: 0,
      responseMedianSec: null,
    });
  });

  it('measures response speed from assignment to the first attempt, as median and p90', () => {
    // responses: 2 min, 4 min, 30 min
    expect(a.responseMedianSec).toBe(240);
    expect(a.responseP90Sec).toBeCloseTo(quantile([120, 240, 1800], 0.9)!);
  });

  it('describes the follow-up pattern', () => {
    // PRODUCT.md "Follow-up": attempts made before the first connected call, the connecting one not counted.
    expect(a.attemptsBeforeConnect).toBe(0.5); // L1: c1 before c2 connected; L2: c3 connected at once
    expect(a.medianGapSec).toBe(480); // c1 → c2
    expect(a.retryAfterFailureRate).toBe(1);
  });

  it('filters by district and period', () => {
    const e17 = assessorPerformance(leads, calls, messages, { district: 'E17' });
    expect(e17.map((p) => [p.assessorId, p.assignments])).toEqual([['A', 1]]);
    expect(assessorPerformance(leads, calls, messages, { from: T0 + 1 })).toEqual([]);
  });

  it('counts a reviewer-confirmed booked outcome as a conversion', () => {
    const review = {
      id: 'c2:r1',
      updatedAt: 0,
      callId: 'c2',
      reviewerId: 'r1',
      scorecardId: null,
      answers: {},
      score: null,
      outcome: 'booked' as const,
      aiOutcome: 'booked' as const,
      notes: '',
      regions: [],
      status: 'submitted' as const,
      submittedAt: T0,
      editedAt: T0,
    };
    const [withReview] = assessorPerformance(leads, calls, messages, { reviews: [review] });
    expect(withReview.booked).toBe(2);
  });
});

describe('customer behaviour', () => {
  it('marks a customer who called before any assessor reached them as proactive and counts shopping', () => {
    const lead = makeLead({ id: 'L', createdAt: T0 });
    const calls = [
      makeCall({
        leadId: 'L',
        assessorId: 'B',
        direction: 'customer_to_assessor',
        startedAt: T0 + min,
        // The customer hung up while it rang (PRODUCT.md "Patience").
        status: 'canceled',
        ringSeconds: 25,
      }),
      makeCall({
        leadId: 'L',
        assessorId: 'A',
        direction: 'customer_to_assessor',
        startedAt: T0 + 2 * min,
        status: 'completed',
        connected: true,
        talkSeconds: 60,
      }),
      makeCall({
        leadId: 'L',
        assessorId: 'C',
        direction: 'assessor_to_customer',
        startedAt: T0 + 3 * min,
        connected: true,
      }),
    ];
    const cb = customerBehaviour(lead, calls, []);
    expect(cb.proactive).toBe(true);
    expect(cb.calledAssessors).toEqual(['B', 'A']);
    expect(cb.shopping).toBe(2);
    expect(cb.unansweredRingSeconds).toEqual([25]);
    expect(cb.keptTryingSec).toBe(120);
  });

  it('is passive when an assessor reached the customer first', () => {
    const lead = makeLead({ id: 'L', createdAt: T0 });
    const cb = customerBehaviour(
      lead,
      [makeCall({ leadId: 'L', startedAt: T0 + min, connected: true })],
      [makeMessage({ leadId: 'L', direction: 'customer_to_assessor', sentAt: T0 + 5 * min })],
    );
    expect(cb.proactive).toBe(false);
  });
});

describe('lead quality', () => {
  it('is hot when the customer called two or more assessors', () => {
    const q = leadQuality(
      [
        makeCall({ direction: 'customer_to_assessor', assessorId: 'A' }),
        makeCall({ direction: 'customer_to_assessor', assessorId: 'B' }),
      ],
      [],
    );
    expect(q).toEqual({ grade: 'hot', evidence: ['customer called 2 assessors'] });
  });
  it('is cold when nobody attempted contact', () => {
    expect(leadQuality([], []).grade).toBe('cold');
  });
  it('is warm with some engagement from either side', () => {
    expect(leadQuality([makeCall({ status: 'completed', answeredAt: T0 })], []).grade).toBe('warm');
    expect(leadQuality([], [makeMessage({ direction: 'customer_to_assessor' })]).grade).toBe('warm');
  });
  it('is suspect, with evidence, when the customer never calls and their number never answers or fails', () => {
    const q = leadQuality([makeCall({ status: 'failed' }), makeCall({ status: 'no-answer' })], []);
    expect(q.grade).toBe('suspect');
    expect(q.evidence.join(' ')).toMatch(/failed/);
    const unanswered = leadQuality(
      [makeCall({ status: 'no-answer' }), makeCall({ status: 'busy' }), makeCall({ status: 'no-answer' })],
      [],
    );
    expect(unanswered.grade).toBe('suspect');
    expect(leadQuality([makeCall({ status: 'no-answer' })], []).grade).toBe('warm');
  });
});
