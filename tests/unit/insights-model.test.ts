import { describe, expect, it } from 'vitest';
import { ANALYSIS_SCHEMA_VERSION, type CallAnalysis } from '../../shared/analysis';
import { agreementQuery, disagreementsIn, kappaWords } from '../../renderer/src/features/agreement/agreement-model';
import { queryString } from '../../shared/contracts/define';
import { insightState, markersOf, sentimentGeometry } from '../../renderer/src/features/insights/insight-model';
import { rerunBody, type RerunForm } from '../../renderer/src/features/jobs/jobs-model';

/** The pure parts of the insights, agreement and jobs screens: what they decide to show. */
const criterion = { met: true, evidence: null, time: null };
function analysis(over: Partial<CallAnalysis> = {}): CallAnalysis {
  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    stamp: { provider: 'local', model: 'm', version: '1' },
    sentiment: { score: 0.2, label: 'positive', curve: [{ t: 5, score: 0.4 }] },
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

describe('insight state', () => {
  it('a call without a stored recording says why it is not analysed; with one, that analysis has not started', () => {
    expect(insightState(null, 'opted_out')).toMatchObject({ kind: 'not-analysable' });
    expect(insightState(null, 'opted_out')).toHaveProperty('reason', expect.stringContaining('opted out'));
    expect(insightState(null, 'stored')).toEqual({ kind: 'not-started' });
  });

  it('pending keeps a retried attempt’s error, failed always has one, done without analysis is "no transcript"', () => {
    expect(
      insightState({ status: 'pending', error: 'attempt 1 of 8 failed', analysis: null, transcript: null }, 'stored'),
    ).toEqual({
      kind: 'pending',
      error: 'attempt 1 of 8 failed',
    });
    expect(insightState({ status: 'failed', error: null, analysis: null, transcript: null }, 'stored')).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/.+/),
    });
    expect(insightState({ status: 'done', error: null, analysis: null, transcript: null }, 'stored')).toEqual({
      kind: 'no-transcript',
    });
  });

  it('a finished analysis in a shape the app does not know is reported, not drawn', () => {
    const broken = {
      ...analysis(),
      outcome: { value: 'maybe', confidence: 2, evidence: [] },
    } as unknown as CallAnalysis;
    const s = insightState({ status: 'done', error: null, analysis: broken, transcript: [] }, 'stored');
    expect(s.kind).toBe('unreadable');
  });

  it('a done analysis whose re-run failed is shown with the re-run error', () => {
    const s = insightState({ status: 'done', error: 'quota exceeded', analysis: analysis(), transcript: [] }, 'stored');
    expect(s).toMatchObject({ kind: 'done', rerunError: 'quota exceeded' });
  });
});

describe('waveform markers', () => {
  const quote = 'I had a cheaper quote from someone else.';
  const a = analysis({
    objections: [
      { category: 'competitor', quote, time: 12.5, handled: true, response: null },
      { category: 'price', quote, time: 12.5, handled: false, response: null },
      { category: 'timing', quote: 'Not this month.', time: 30, handled: false, response: null },
    ],
    triggers: [
      { quote: 'The visit is free.', time: 13, speaker: 'assessor', label: 'free visit' },
      { quote: 'Thursday at ten?', time: 14, speaker: 'assessor', label: 'availability' },
    ],
  });

  it('one marker per objection quote, labelled with all its categories in a fixed order, handled only if all are', () => {
    const objections = markersOf(a).filter((m) => m.kind === 'objection');
    expect(objections.map((m) => [m.time, m.label, m.handled])).toEqual([
      [12.5, 'Price · Competitor', false],
      [30, 'Timing', false],
    ]);
    expect(objections.every((m) => m.speaker === 'customer')).toBe(true);
  });

  it('triggers sit on their speaker’s lane; flags close in time on one lane take successive rows', () => {
    const m = markersOf(a, { crowdSeconds: 2, maxRows: 3 });
    expect(m.map((x) => x.kind)).toEqual(['objection', 'trigger', 'trigger', 'objection']);
    const triggers = m.filter((x) => x.kind === 'trigger');
    expect(triggers.map((x) => [x.speaker, x.label, x.row])).toEqual([
      ['assessor', 'Free visit', 0],
      ['assessor', 'Availability', 1],
    ]);
    // The customer's objection at 12.5 s is on another lane: it does not push the triggers down.
    expect(m[0].row).toBe(0);
  });
});

describe('sentiment curve geometry', () => {
  it('spans the whole call, flat before the first and after the last point, positive above the neutral line', () => {
    const g = sentimentGeometry(
      [
        { t: 50, score: -1 },
        { t: 25, score: 1 },
      ],
      100,
      1000,
      40,
    );
    expect(g.zeroY).toBe(20);
    expect(g.points.map((p) => [p.x, p.y])).toEqual([
      [250, 3],
      [500, 37],
    ]);
    expect(g.line).toBe('M0,3 L250,3 L500,37 L1000,37');
    expect(g.area.endsWith('L1000,20 L0,20 Z')).toBe(true);
  });

  it('draws nothing without points or duration', () => {
    expect(sentimentGeometry([], 100, 1000, 40).line).toBe('');
    expect(sentimentGeometry([{ t: 1, score: 0 }], 0, 1000, 40).points).toEqual([]);
  });
});

describe('agreement screen', () => {
  it('kappa in words: chance level is not called agreement', () => {
    expect(kappaWords(0)).toBe('no better than chance');
    expect(kappaWords(-0.3)).toBe('worse than chance');
    expect(kappaWords(0.5)).toBe('moderate agreement');
    expect(kappaWords(0.9)).toBe('almost perfect agreement');
    expect(kappaWords(null)).toMatch(/not defined/);
  });

  it('asks for reviews since the start of the period, or for all of them', () => {
    const now = 1_700_000_000_000;
    expect(agreementQuery('30d', now)).toEqual({ since: now - 30 * 86_400_000 });
    expect(queryString(agreementQuery('30d', now))).toBe(`?since=${now - 30 * 86_400_000}`);
    expect(agreementQuery('all', now)).toEqual({});
    expect(queryString(agreementQuery('all', now))).toBe('');
  });

  it('a confusion-matrix cell filters the disagreements to that pair', () => {
    const d = [
      { callId: 'a', reviewerId: 'r', ai: 'booked', reviewer: 'lost', confidence: 0.9 },
      { callId: 'b', reviewerId: 'r', ai: 'callback', reviewer: 'lost', confidence: 0.5 },
    ] as const;
    const group = { disagreements: [...d] };
    expect(disagreementsIn(group, { ai: 'booked', reviewer: 'lost' }).map((x) => x.callId)).toEqual(['a']);
    expect(disagreementsIn(group, null)).toHaveLength(2);
  });
});

describe('re-run form', () => {
  const empty: RerunForm = {
    since: '',
    until: '',
    district: '',
    service: '',
    fromProvider: '',
    fromModel: '',
    onlyFailed: false,
    retranscribe: false,
    callIds: '',
    limit: '1000',
  };

  it('leaves out empty fields and sends a dry run for the preview', () => {
    expect(rerunBody(empty, true)).toEqual({ dryRun: true, retranscribe: false, limit: 1000 });
  });

  it('counts the "until" day whole, in local time, and de-duplicates pasted call ids', () => {
    const body = rerunBody(
      { ...empty, since: '2026-03-01', until: '2026-03-31', district: ' e17 ', callIds: 'CA1, CA2\nCA1  CA3' },
      false,
    );
    expect(body).toMatchObject({
      dryRun: false,
      since: new Date(2026, 2, 1).getTime(),
      until: new Date(2026, 3, 1).getTime(),
      district: 'E17',
      callIds: ['CA1', 'CA2', 'CA3'],
    });
  });
});
