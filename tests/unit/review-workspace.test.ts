import { describe, expect, it } from 'vitest';
import type { CallDoc, Outcome, ReviewDoc, ScorecardDoc, ScorecardQuestion } from '../../shared/schemas';
import { answerForKey, nextQuestionId } from '../../renderer/src/features/scorecards/answer-keys';
import {
  changeKind,
  duplicateScorecard,
  sectionShares,
  starterScorecard,
} from '../../renderer/src/features/scorecards/scorecard-model';
import { buildQueue, DEFAULT_FILTERS, type QueueFilters } from '../../renderer/src/features/review/queue/queue-model';
import { shortcutFor, stepSpeed, stepZoom, type KeyLike } from '../../renderer/src/features/review/player/shortcuts';
import { segmentIndexAt, orderSegments } from '../../renderer/src/features/review/transcript/transcript-model';
import { formatClock } from '../../renderer/src/ui/format';
import {
  editReview,
  newReview,
  putRegion,
  removeRegion,
  reopen,
  setAnswer,
  setOutcome,
  submit,
  submitProblems,
} from '../../renderer/src/features/review/review-doc';
import { validateScorecard } from '../../shared/scoring';
import { callDoc, T0 } from '../helpers/sync-docs';

const ME = 'rita';
const HOUR = 3_600_000;

const review = (callId: string, reviewerId: string, over: Partial<ReviewDoc> = {}): ReviewDoc => ({
  ...newReview(callId, reviewerId, null, null, T0),
  ...over,
});

describe('review queue', () => {
  const calls: CallDoc[] = [
    callDoc('c1', {
      district: 'E17',
      service: 'boiler',
      assessorId: 'ann',
      startedAt: T0 - 1 * HOUR,
      recording: { state: 'stored', durationSec: 300, channels: ['customer', 'assessor'], storedAt: T0 },
    }),
    callDoc('c2', {
      district: 'E17',
      service: 'solar',
      assessorId: 'bob',
      startedAt: T0 - 2 * HOUR,
      reviewAssignee: ME,
      recording: { state: 'stored', durationSec: 30, channels: ['customer', 'assessor'], storedAt: T0 },
    }),
    callDoc('c3', {
      district: 'N1',
      service: 'boiler',
      assessorId: 'ann',
      startedAt: T0 - 3 * HOUR,
      reviewAssignee: 'someone-else',
    }),
    callDoc('c4', { district: 'N1', service: 'boiler', assessorId: 'ann', startedAt: T0 - 4 * HOUR }),
    callDoc('c5', {
      district: 'W1',
      startedAt: T0,
      recording: { state: 'pending', durationSec: null, channels: [], storedAt: null },
    }),
  ];
  const reviews = [
    review('c3', 'someone-else', { status: 'submitted', submittedAt: T0, outcome: 'lost' }),
    review('c4', ME),
  ];
  const aiOutcomes = new Map<string, Outcome>([
    ['c1', 'booked'],
    ['c3', 'booked'],
  ]);
  const run = (filters: Partial<QueueFilters> = {}, sort: Parameters<typeof buildQueue>[0]['sort'] = 'newest') =>
    buildQueue({ calls, reviews, aiOutcomes, me: ME, filters: { ...DEFAULT_FILTERS, ...filters }, sort });

  it('holds only calls whose recording is stored, and counts each status tab', () => {
    const { rows, counts } = run({ status: 'all' });
    expect(rows.map((r) => r.call.id)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(counts).toEqual({ all: 4, needs_review: 3, reviewed: 1, my_drafts: 1, assignedToMe: 1, unassigned: 2 });
  });

  it('shows calls that need review by default, and my drafts or reviewed calls on their tabs', () => {
    expect(run().rows.map((r) => r.call.id)).toEqual(['c1', 'c2', 'c4']);
    expect(run({ status: 'my_drafts' }).rows.map((r) => r.call.id)).toEqual(['c4']);
    expect(run({ status: 'reviewed' }).rows.map((r) => r.call.id)).toEqual(['c3']);
  });

  it('filters by district, service, assessor, assignment and date, and the counts follow the filters', () => {
    expect(run({ district: 'E17' }).rows.map((r) => r.call.id)).toEqual(['c1', 'c2']);
    expect(run({ district: 'E17' }).counts.all).toBe(2);
    expect(run({ service: 'boiler', status: 'all' }).rows.map((r) => r.call.id)).toEqual(['c1', 'c3', 'c4']);
    expect(run({ assessorId: 'bob' }).rows.map((r) => r.call.id)).toEqual(['c2']);
    expect(run({ assignment: 'me' }).rows.map((r) => r.call.id)).toEqual(['c2']);
    expect(run({ assignment: 'unassigned' }).rows.map((r) => r.call.id)).toEqual(['c1', 'c4']);
    expect(run({ from: T0 - 2.5 * HOUR, to: T0 - 1.5 * HOUR }).rows.map((r) => r.call.id)).toEqual(['c2']);
  });

  it('uses the reviewer-confirmed outcome over the AI one, and filters on it', () => {
    const all = run({ status: 'all' }).rows;
    expect(all.find((r) => r.call.id === 'c3')).toMatchObject({
      outcome: 'lost',
      outcomeSource: 'reviewer',
      aiOutcome: 'booked',
    });
    expect(all.find((r) => r.call.id === 'c1')).toMatchObject({ outcome: 'booked', outcomeSource: 'ai' });
    expect(run({ status: 'all', outcome: 'booked' }).rows.map((r) => r.call.id)).toEqual(['c1']);
    expect(run({ status: 'all', outcome: 'none' }).rows.map((r) => r.call.id)).toEqual(['c2', 'c4']);
  });

  it('sorts by date, length or my assignments first, with a stable tie-break', () => {
    expect(run({}, 'oldest').rows.map((r) => r.call.id)).toEqual(['c4', 'c2', 'c1']);
    expect(run({}, 'longest').rows.map((r) => r.call.id)[0]).toBe('c1');
    expect(run({}, 'shortest').rows.map((r) => r.call.id)[0]).toBe('c2');
    expect(run({}, 'assigned_first').rows.map((r) => r.call.id)).toEqual(['c2', 'c1', 'c4']);
  });

  it('builds a queue of 50,000 calls in one pass', () => {
    const many = Array.from({ length: 50_000 }, (_, i) =>
      callDoc(`m${i}`, { startedAt: T0 - i * 1000, district: i % 2 ? 'E17' : 'N1' }),
    );
    const { rows, counts } = buildQueue({
      calls: many,
      reviews: [],
      aiOutcomes: new Map(),
      me: ME,
      filters: { ...DEFAULT_FILTERS, district: 'E17' },
      sort: 'newest',
    });
    expect(rows).toHaveLength(25_000);
    expect(counts.needs_review).toBe(25_000);
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
    key: k,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    ...mods,
  });

  it('maps the transport keys', () => {
    expect(shortcutFor(key(' '))).toEqual({ type: 'toggle_play' });
    expect(shortcutFor(key('k'))).toEqual({ type: 'toggle_play' });
    expect(shortcutFor(key('J', { shiftKey: true }))).toEqual({ type: 'skip', seconds: -5 });
    expect(shortcutFor(key('l'))).toEqual({ type: 'skip', seconds: 5 });
    expect(shortcutFor(key('ArrowLeft'))).toEqual({ type: 'skip', seconds: -5 });
    expect(shortcutFor(key('ArrowRight', { shiftKey: true }))).toEqual({ type: 'skip', seconds: 1 });
    expect(shortcutFor(key('ArrowUp'))).toEqual({ type: 'speed', direction: 1 });
    expect(shortcutFor(key('['))).toEqual({ type: 'mark_in' });
    expect(shortcutFor(key(']'))).toEqual({ type: 'mark_out' });
    expect(shortcutFor(key('3'))).toEqual({ type: 'score', value: 3 });
    expect(shortcutFor(key('?', { shiftKey: true }))).toEqual({ type: 'help' });
  });

  it('leaves keys with Ctrl, Cmd or Alt to the browser and the system', () => {
    expect(shortcutFor(key('k', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('l', { metaKey: true }))).toBeNull();
    expect(shortcutFor(key('ArrowLeft', { altKey: true }))).toBeNull();
    expect(shortcutFor(key('x'))).toBeNull();
  });

  it('steps speed within 0.5–2× and zoom within its levels', () => {
    expect(stepSpeed(1, 1)).toBe(1.25);
    expect(stepSpeed(2, 1)).toBe(2);
    expect(stepSpeed(0.5, -1)).toBe(0.5);
    expect(stepSpeed(1.1, -1)).toBe(1);
    expect(stepSpeed(1.1, 1)).toBe(1.25);
    expect(stepZoom(0, 1)).toBe(2);
    expect(stepZoom(2, -1)).toBe(0);
    expect(stepZoom(200, 1)).toBe(200);
  });
});

describe('transcript sync', () => {
  const segments = orderSegments([
    { speaker: 'customer', start: 6, end: 12, text: 'b' },
    { speaker: 'assessor', start: 0.5, end: 6, text: 'a' },
    { speaker: 'assessor', start: 11, end: 20, text: 'c (overlaps b)' },
    { speaker: 'customer', start: 25, end: 30, text: 'd' },
  ]);

  it('finds the segment being spoken, the later-starting one when speakers overlap', () => {
    expect(segmentIndexAt(segments, 0)).toBe(-1);
    expect(segmentIndexAt(segments, 3)).toBe(0);
    expect(segmentIndexAt(segments, 7)).toBe(1);
    expect(segmentIndexAt(segments, 11.5)).toBe(2);
    expect(segmentIndexAt(segments, 15)).toBe(2);
  });

  it('keeps the last segment highlighted through a silence', () => {
    expect(segmentIndexAt(segments, 22)).toBe(2);
    expect(segmentIndexAt(segments, 99)).toBe(3);
  });

  it('formats clock times', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(65.9)).toBe('1:05');
    expect(formatClock(3725)).toBe('1:02:05');
  });
});

describe('review document', () => {
  const card = starterScorecard(
    (() => {
      let n = 0;
      return () => `id${n++}`;
    })(),
    T0,
  );
  const qs = card.sections.flatMap((s) => s.questions);

  it('is one document per call per reviewer, and every edit moves editedAt forward', () => {
    const r = newReview('CA1', ME, card.id, 'booked', T0);
    expect(r.id).toBe('CA1:rita');
    const a = editReview(r, T0, card, setAnswer(qs[0].id, true));
    const b = editReview(a, T0 - 5000, card, setAnswer(qs[0].id, false));
    expect(a.editedAt).toBeGreaterThan(r.editedAt);
    expect(b.editedAt).toBeGreaterThan(a.editedAt);
  });

  it('keeps the score current as answers change', () => {
    let r = newReview('CA1', ME, card.id, null, T0);
    r = editReview(r, T0, card, setAnswer(qs[0].id, true));
    expect(r.score).toBe(100);
    r = editReview(r, T0, card, setAnswer(qs[4].id, false));
    expect(r.score).toBe(25);
    r = editReview(r, T0, card, setAnswer(qs[4].id, undefined));
    expect(r.score).toBe(100);
  });

  it('keeps moments in time order with start before end, and removes them by id', () => {
    let r = newReview('CA1', ME, null, null, T0);
    r = editReview(r, T0, null, putRegion({ id: 'm2', start: 30, end: 20.004, label: 'Booking', comment: '' }));
    r = editReview(r, T0, null, putRegion({ id: 'm1', start: 5, end: 12, label: 'Price', comment: 'asks the cost' }));
    expect(r.regions.map((x) => [x.id, x.start, x.end])).toEqual([
      ['m1', 5, 12],
      ['m2', 20, 30],
    ]);
    r = editReview(r, T0, null, putRegion({ id: 'm1', start: 6, end: 12, label: 'Price question', comment: '' }));
    expect(r.regions[0]).toMatchObject({ id: 'm1', start: 6, label: 'Price question' });
    r = editReview(r, T0, null, removeRegion('m2'));
    expect(r.regions.map((x) => x.id)).toEqual(['m1']);
  });

  it('can be submitted only with every question answered and an outcome, and reopened', () => {
    let r = newReview('CA1', ME, card.id, null, T0);
    expect(submitProblems(r, card)).toEqual(['unanswered', 'no_outcome']);
    expect(submitProblems(r, null)).toEqual(['no_scorecard', 'no_outcome']);
    r = editReview(r, T0, card, ...qs.map((q) => setAnswer(q.id, answerForKey(q, 1)!)), setOutcome('booked'));
    expect(submitProblems(r, card)).toEqual([]);
    r = editReview(r, T0 + 1, card, submit(T0 + 1));
    // Key 1 on every question: yes, yes, 1 of 5 (0), the best option, yes → 7 of 9 weighted points.
    expect(r).toMatchObject({ status: 'submitted', submittedAt: T0 + 1, score: 77.8 });
    expect(editReview(r, T0 + 2, card, reopen).status).toBe('draft');
  });
});

describe('scorecard keys and editing', () => {
  const q = (kind: ScorecardQuestion['kind'], allowNA = false): ScorecardQuestion => ({
    id: kind,
    text: kind,
    kind,
    options: kind === 'choice' ? ['Fully', 'Partly', 'Not at all'] : [],
    weight: 1,
    allowNA,
  });

  it('number keys answer the current question by its kind', () => {
    expect(answerForKey(q('scale'), 4)).toBe(4);
    expect(answerForKey(q('yesno'), 1)).toBe(true);
    expect(answerForKey(q('yesno'), 2)).toBe(false);
    expect(answerForKey(q('yesno'), 3)).toBeNull();
    expect(answerForKey(q('yesno', true), 3)).toBe('na');
    expect(answerForKey(q('choice'), 2)).toBe('Partly');
    expect(answerForKey(q('choice', true), 4)).toBe('na');
    expect(answerForKey(q('choice'), 5)).toBeNull();
  });

  it('moves to the next unanswered question after answering', () => {
    const card: Pick<ScorecardDoc, 'sections'> = {
      sections: [{ id: 's', title: 'S', questions: [q('yesno'), q('scale'), q('choice')] }],
    };
    expect(nextQuestionId(card, 'yesno', { yesno: true })).toBe('scale');
    expect(nextQuestionId(card, 'scale', { yesno: true, scale: 3 })).toBe('choice');
    expect(nextQuestionId(card, 'choice', { scale: 3, choice: 'Fully' })).toBe('yesno');
  });

  it('the starter scorecard is valid, and a duplicate gets new ids and starts inactive', () => {
    let n = 0;
    const newId = () => `x${n++}`;
    const card = starterScorecard(newId, T0);
    expect(validateScorecard(card)).toEqual([]);
    expect(sectionShares(card).map((s) => Math.round((s ?? 0) * 100))).toEqual([22, 44, 33]);
    const copy = duplicateScorecard(card, newId, T0);
    expect(copy.active).toBe(false);
    const ids = new Set([...card.sections.flatMap((s) => [s.id, ...s.questions.map((x) => x.id)]), card.id]);
    expect(copy.sections.flatMap((s) => [s.id, ...s.questions.map((x) => x.id)]).some((id) => ids.has(id))).toBe(false);
  });

  it('changing a question to single choice gives it two empty options to fill', () => {
    expect(changeKind(q('yesno'), 'choice').options).toEqual(['', '']);
    expect(changeKind(q('choice'), 'scale').options).toEqual([]);
  });
});
