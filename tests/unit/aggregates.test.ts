import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_SCHEMA_VERSION, type CallAnalysis } from '../../shared/analysis';
import {
  addFigures,
  contributionDelta,
  leadContribution,
  londonDay,
  mergeRows,
  readFigures,
  type AggregateRow,
  type LeadHistory,
} from '../../shared/aggregates/aggregate';
import { bucketOf, bucketValue, sketchQuantile } from '../../shared/aggregates/sketch';
import { assessorPerformance, callPreference, conversationSeconds, customerBehaviour } from '../../shared/metrics';
import type { ReviewDoc } from '../../shared/schemas';
import { assignment, makeCall, makeLead, makeMessage } from '../helpers/docs';

/**
 * shared/aggregates/SPEC.md (rule ids AG…) and the definitions of docs/PRODUCT.md it keeps, each checked on a
 * small hand-made history.
 */
const T0 = Date.UTC(2026, 5, 10, 9, 0); // 10 June 2026, 10:00 in London (BST)
const min = 60_000;
const OPTS = { announcementSec: 9 };

function history(over: Partial<LeadHistory> = {}): LeadHistory {
  return {
    lead: makeLead({ id: 'L', createdAt: T0, district: 'W1', service: 'boiler', assignments: [assignment('A', T0)] }),
    calls: [],
    messages: [],
    reviews: [],
    insights: [],
    tierAtAssignment: { A: null },
    ...over,
  };
}
const rowOf = (rows: AggregateRow[], assessorId: string) => rows.find((r) => r.assessorId === assessorId)!.figures;

function review(callId: string, outcome: ReviewDoc['outcome'], aiOutcome: ReviewDoc['aiOutcome'], submitted = true) {
  return { callId, status: submitted ? ('submitted' as const) : ('draft' as const), outcome, aiOutcome };
}

const criterion = { met: true, evidence: null, time: null };
function analysis(over: Partial<CallAnalysis> = {}): CallAnalysis {
  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    stamp: { provider: 'local', model: 'm', version: '1' },
    sentiment: { score: 0.2, label: 'positive', curve: [] },
    triggers: [],
    objections: [],
    professionalism: {
      score: 100,
      greeting: criterion,
      clarity: criterion,
      empathy: criterion,
      nextStep: criterion,
      issues: [],
    },
    outcome: { value: 'booked', confidence: 0.8, evidence: [] },
    summary: 'Booked.',
    cardDetails: [],
    caveats: [],
    ...over,
  };
}

describe('PRODUCT.md definitions as the aggregates count them', () => {
  it('AG8 patience: how long the customer let an unanswered call ring before hanging up, not the phone timing out', () => {
    const lead = makeLead({ id: 'L', createdAt: T0 });
    const calls = [
      // The customer gave up after 12 s of ringing: their patience.
      makeCall({ id: 'c1', leadId: 'L', direction: 'customer_to_assessor', status: 'canceled', ringSeconds: 12 }),
      // Rang out after 30 s (the assessor's phone timed out): not the customer's patience.
      makeCall({ id: 'c2', leadId: 'L', direction: 'customer_to_assessor', status: 'no-answer', ringSeconds: 30 }),
      // Busy: never rang.
      makeCall({ id: 'c3', leadId: 'L', direction: 'customer_to_assessor', status: 'busy', ringSeconds: 0 }),
      // An assessor's call the assessor abandoned is not the customer's patience either.
      makeCall({ id: 'c4', leadId: 'L', direction: 'assessor_to_customer', status: 'canceled', ringSeconds: 8 }),
    ];
    expect(customerBehaviour(lead, calls, []).unansweredRingSeconds).toEqual([12]);
    const rows = leadContribution(history({ calls: calls.map((c) => ({ ...c, assessorId: 'A' })) }), OPTS);
    const lr = readFigures(rowOf(rows, ''));
    expect(lr.patienceMedianSec).toBe(bucketValue(bucketOf(12)));
    expect(Object.keys(rowOf(rows, '')).filter((k) => k.startsWith('patience:'))).toEqual([`patience:${bucketOf(12)}`]);
  });

  it('AG7 talk time excludes the recording announcement', () => {
    // Recorded: the recording starts at the bridge, after the notice, so it measures the conversation.
    const recorded = makeCall({
      talkSeconds: 70,
      recording: { state: 'stored', durationSec: 61, channels: ['customer', 'assessor'], storedAt: T0 },
    });
    expect(conversationSeconds(recorded, 9)).toBe(61);
    // Not recorded (opted out): the notice's length comes off the leg's duration.
    const optedOut = makeCall({
      talkSeconds: 70,
      recording: { state: 'opted_out', durationSec: null, channels: [], storedAt: null },
    });
    expect(conversationSeconds(optedOut, 9)).toBe(61);
    // Dropped during the notice: no conversation at all.
    expect(conversationSeconds(makeCall({ talkSeconds: 5 }), 9)).toBe(0);
    const rows = leadContribution(
      history({
        calls: [
          { ...recorded, leadId: 'L', assessorId: 'A', status: 'completed', answeredAt: T0 + min, startedAt: T0 + min },
        ],
      }),
      OPTS,
    );
    expect(readFigures(rowOf(rows, 'A')).telephony).toMatchObject({ calls: 1, talkSec: 61, forwardedMinutes: 2 });
  });

  it('AG9 conversion also counts an AI outcome of booked that a reviewer confirmed — and only that', () => {
    const call = makeCall({
      id: 'c1',
      leadId: 'L',
      assessorId: 'A',
      startedAt: T0 + min,
      status: 'completed',
      connected: true,
      talkSeconds: 90,
    });
    const booked = (reviews: LeadHistory['reviews']) =>
      readFigures(rowOf(leadContribution(history({ calls: [call], reviews }), OPTS), 'A')).booked;
    expect(booked([])).toBe(0);
    expect(booked([review('c1', 'booked', 'booked')])).toBe(1); // AI said booked, the reviewer confirmed
    expect(booked([review('c1', 'callback', 'booked')])).toBe(0); // the reviewer corrected it
    expect(booked([review('c1', 'booked', 'booked', false)])).toBe(0); // a draft confirms nothing
    expect(booked([review('c1', 'booked', 'lost')])).toBe(0); // not the AI's outcome
    // The marketplace's booking counts on its own.
    const lead = makeLead({ id: 'L', createdAt: T0, assignments: [assignment('A', T0, { bookedAt: T0 + 60 * min })] });
    const rows = leadContribution(history({ lead, calls: [call] }), OPTS);
    expect(rowOf(rows, 'A')).toMatchObject({ booked: 1, bookedByMarketplace: 1 });
    expect(rowOf(rows, '')).toMatchObject({ leadsBooked: 1, leadsConnected: 1 });
    // The same rule in the per-assessor report.
    const [perf] = assessorPerformance(
      [makeLead({ id: 'L', createdAt: T0, assignments: [assignment('A', T0)] })],
      [call],
      [],
      {
        reviews: [
          {
            ...review('c1', 'booked', 'lost'),
            id: 'x',
            updatedAt: 0,
            reviewerId: 'r',
            scorecardId: null,
            answers: {},
            score: null,
            notes: '',
            regions: [],
            submittedAt: T0,
            editedAt: T0,
          },
        ],
      },
    );
    expect(perf.booked).toBe(0);
  });

  it('AG10 attempts before the first connection exclude the connecting attempt', () => {
    const calls = [
      makeCall({ id: 'c1', leadId: 'L', assessorId: 'A', startedAt: T0 + 2 * min, status: 'no-answer' }),
      makeCall({ id: 'c2', leadId: 'L', assessorId: 'A', startedAt: T0 + 5 * min, status: 'busy' }),
      makeCall({
        id: 'c3',
        leadId: 'L',
        assessorId: 'A',
        startedAt: T0 + 9 * min,
        status: 'completed',
        connected: true,
        talkSeconds: 60,
      }),
    ];
    const f = readFigures(rowOf(leadContribution(history({ calls }), OPTS), 'A'));
    expect(f.attemptsBeforeConnect).toBe(2);
    const atOnce = readFigures(rowOf(leadContribution(history({ calls: [calls[2]] }), OPTS), 'A'));
    expect(atOnce.attemptsBeforeConnect).toBe(0);
  });

  it('AG10 retry after failure counts texts too: a failed text is a failure, and a text is a retry', () => {
    const failedText = makeMessage({ id: 'm1', leadId: 'L', assessorId: 'A', sentAt: T0 + min, status: 'undelivered' });
    const call = makeCall({ id: 'c1', leadId: 'L', assessorId: 'A', startedAt: T0 + 3 * min, status: 'no-answer' });
    const text = makeMessage({ id: 'm2', leadId: 'L', assessorId: 'A', sentAt: T0 + 6 * min, status: 'delivered' });
    const f = rowOf(leadContribution(history({ calls: [call], messages: [failedText, text] }), OPTS), 'A');
    // m1 failed then c1 followed; c1 failed then m2 followed: 2 of 2 failures retried.
    expect(f).toMatchObject({ failedAttempts: 2, retriedAfterFailure: 2, smsFailed: 1, smsFromAssessor: 2, calls: 1 });
    expect(readFigures(f).retryAfterFailureRate).toBe(1);
    const lastFailed = rowOf(leadContribution(history({ calls: [call], messages: [failedText] }), OPTS), 'A');
    expect(readFigures(lastFailed).retryAfterFailureRate).toBe(0.5);
  });

  it('AG12 call preference relates the customer’s choices to tier, price and the order shown', () => {
    const lead = makeLead({
      id: 'L',
      createdAt: T0,
      assignments: [assignment('A', T0), assignment('B', T0), assignment('C', T0)],
    });
    const tiers = { A: 'platinum' as const, B: 'bronze' as const, C: null };
    const calls = [
      makeCall({ id: 'c1', leadId: 'L', assessorId: 'B', direction: 'customer_to_assessor', startedAt: T0 + min }),
      makeCall({ id: 'c2', leadId: 'L', assessorId: 'C', direction: 'customer_to_assessor', startedAt: T0 + 2 * min }),
      makeCall({ id: 'c3', leadId: 'L', assessorId: 'B', direction: 'customer_to_assessor', startedAt: T0 + 3 * min }),
      makeCall({ id: 'c4', leadId: 'L', assessorId: 'A', direction: 'assessor_to_customer', startedAt: T0 + 4 * min }),
    ];
    expect(callPreference(lead, calls, tiers)).toEqual([
      { assessorId: 'B', shownPosition: 2, tier: 'bronze', priceRank: 'cheapest' },
      { assessorId: 'C', shownPosition: 3, tier: null, priceRank: 'between' },
    ]);
    const f = readFigures(rowOf(leadContribution(history({ lead, calls, tierAtAssignment: tiers }), OPTS), ''));
    expect(f.firstChoice).toEqual({ position: { '2': 1 }, tier: { bronze: 1 }, price: { cheapest: 1 } });
  });
});

describe('aggregate rows', () => {
  it('AG3 days are Europe/London days, across the clock changes', () => {
    expect(londonDay(Date.UTC(2026, 5, 30, 23, 30))).toBe('2026-07-01'); // BST: 00:30 on 1 July
    expect(londonDay(Date.UTC(2026, 11, 31, 23, 30))).toBe('2026-12-31'); // GMT
    expect(londonDay(Date.UTC(2026, 2, 29, 0, 30))).toBe('2026-03-29'); // the night the clocks go forward
    // An assignment counts on its own day, the lead on the day it came in.
    const lead = makeLead({
      id: 'L',
      createdAt: Date.UTC(2026, 5, 30, 22, 0),
      assignments: [assignment('A', Date.UTC(2026, 5, 30, 23, 30))],
    });
    const rows = leadContribution(history({ lead }), OPTS);
    expect(rows.map((r) => [r.day, r.assessorId])).toEqual([
      ['2026-06-30', ''],
      ['2026-07-01', 'A'],
    ]);
  });

  it('AG4 response speed median and p90 come from merged buckets, whatever the merge order', () => {
    const responses = [30, 45, 60, 90, 120, 600, 3600, 7200];
    const rows: AggregateRow[] = responses.map((sec, i) => ({
      day: `2026-06-1${i % 3}`,
      district: 'W1',
      service: 'boiler',
      assessorId: 'A',
      figures: { assignments: 1, contacted: 1, [`response:${bucketOf(sec)}`]: 1 },
    }));
    const total = (rs: AggregateRow[]) => mergeRows(rs.map((r) => ({ ...r, day: '' })))[0].figures;
    const a = readFigures(total(rows));
    const b = readFigures(total([...rows].reverse()));
    expect(a).toEqual(b);
    expect(a.responseMedianSec).toBe(bucketValue(bucketOf(90)));
    expect(a.responseP90Sec).toBe(bucketValue(bucketOf(7200)));
    // Within the sketch's error of the exact figures.
    expect(Math.abs(a.responseMedianSec! - 90) / 90).toBeLessThan(0.2);
    expect(sketchQuantile(new Map(), 0.5)).toBeNull();
  });

  it('AG4 every duration lands in a bucket whose read-out is within 19 % of it', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e7, noNaN: true }), (sec) => {
        expect(Math.abs(bucketValue(bucketOf(sec)) - sec) / sec).toBeLessThanOrEqual(0.1893);
      }),
    );
  });

  it('AG2/AG6 events in any order, duplicated, add up to the rows of the whole history', () => {
    const lead = makeLead({ id: 'L', createdAt: T0, assignments: [assignment('A', T0), assignment('B', T0 + min)] });
    const events = [
      { calls: [makeCall({ id: 'c1', leadId: 'L', assessorId: 'A', startedAt: T0 + 2 * min, status: 'no-answer' })] },
      {
        calls: [
          makeCall({
            id: 'c2',
            leadId: 'L',
            assessorId: 'A',
            startedAt: T0 + 4 * min,
            status: 'completed',
            connected: true,
            talkSeconds: 80,
          }),
        ],
      },
      { messages: [makeMessage({ id: 'm1', leadId: 'L', assessorId: 'B', sentAt: T0 + 3 * min })] },
      {
        calls: [
          makeCall({
            id: 'c3',
            leadId: 'L',
            assessorId: 'B',
            direction: 'customer_to_assessor',
            startedAt: T0 + 5 * min,
            status: 'canceled',
            ringSeconds: 14,
          }),
        ],
      },
      { reviews: [review('c2', 'booked', 'booked')] },
      {
        insights: [
          {
            callId: 'c2',
            status: 'done' as const,
            createdAt: T0,
            updatedAt: T0,
            analysis: analysis({
              objections: [
                {
                  category: 'price',
                  quote: 'too dear',
                  time: 3,
                  handled: true,
                  response: null,
                },
              ],
            }),
          },
        ],
      },
    ];
    const apply = (seen: typeof events): LeadHistory =>
      history({
        lead,
        tierAtAssignment: { A: 'gold', B: null },
        calls: seen.flatMap((e) => e.calls ?? []),
        messages: seen.flatMap((e) => e.messages ?? []),
        reviews: seen.flatMap((e) => e.reviews ?? []),
        insights: seen.flatMap((e) => e.insights ?? []),
      });
    const full = leadContribution(apply(events), OPTS);
    expect(rowOf(full, 'A')).toMatchObject({ booked: 1, bookedByReview: 1, analysedCalls: 1, 'objection:price': 1 });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: events.length - 1 }), { minLength: events.length, maxLength: 20 }),
        (order) => {
          // Every event at least once, in this order, some twice; each arrival recomputes and adds the difference.
          const arrivals = [...order, ...events.map((_, i) => i)];
          let kept: AggregateRow[] = [];
          let days: AggregateRow[] = [];
          const seen = new Set<number>();
          for (const i of arrivals) {
            seen.add(i);
            const next = leadContribution(apply(events.filter((_, k) => seen.has(k))), OPTS);
            days = mergeRows([...days, ...contributionDelta(kept, next)]);
            kept = next;
          }
          expect(days).toEqual(full);
          expect(contributionDelta(full, leadContribution(apply(events), OPTS))).toEqual([]);
        },
      ),
    );
  });

  it('AG2 adding then taking away leaves nothing', () => {
    const f = { a: 2, 'response:7': 1 };
    expect(addFigures(addFigures({}, f), f, -1)).toEqual({});
  });

  it('AG15 rows carry no names, numbers or message text', () => {
    const lead = makeLead({
      id: 'L',
      createdAt: T0,
      customerName: 'Dan Price',
      customerPhone: '+447700900456',
      assignments: [assignment('A', T0)],
    });
    const rows = leadContribution(
      history({ lead, messages: [makeMessage({ leadId: 'L', assessorId: 'A', body: 'Call me on 07700 900456' })] }),
      OPTS,
    );
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/Dan|Price|7700|Call me/);
  });
});
