import { describe, expect, it } from 'vitest';
import type { ReviewAnswer, ScorecardDoc, ScorecardQuestion } from '../../shared/schemas';
import { calibrate, normaliseAnswer, scoreReview, validateScorecard } from '../../shared/scoring';

const q = (
  id: string,
  kind: ScorecardQuestion['kind'],
  weight = 1,
  extra: Partial<ScorecardQuestion> = {},
): ScorecardQuestion => ({
  id,
  text: `Question ${id}`,
  kind,
  options: kind === 'choice' ? ['Excellent', 'Adequate', 'Poor'] : [],
  weight,
  allowNA: false,
  ...extra,
});

const card: Pick<ScorecardDoc, 'name' | 'sections'> = {
  name: 'Call quality',
  sections: [
    { id: 'opening', title: 'Opening', questions: [q('greet', 'yesno', 2), q('intro', 'scale', 1, { allowNA: true })] },
    { id: 'close', title: 'Close', questions: [q('nextstep', 'choice', 3), q('note', 'yesno', 0)] },
  ],
};

describe('normaliseAnswer (S1, S3)', () => {
  it('maps yes/no, the 1–5 scale and choices best-first onto 0..1', () => {
    expect(normaliseAnswer(q('a', 'yesno'), true)).toEqual({ kind: 'value', value: 1 });
    expect(normaliseAnswer(q('a', 'yesno'), false)).toEqual({ kind: 'value', value: 0 });
    expect(normaliseAnswer(q('a', 'scale'), 1)).toEqual({ kind: 'value', value: 0 });
    expect(normaliseAnswer(q('a', 'scale'), 4)).toEqual({ kind: 'value', value: 0.75 });
    expect(normaliseAnswer(q('a', 'choice'), 'Excellent')).toEqual({ kind: 'value', value: 1 });
    expect(normaliseAnswer(q('a', 'choice'), 'Adequate')).toEqual({ kind: 'value', value: 0.5 });
    expect(normaliseAnswer(q('a', 'choice'), 'Poor')).toEqual({ kind: 'value', value: 0 });
  });

  it('refuses N/A where the question does not allow it, and answers of the wrong type or range', () => {
    expect(normaliseAnswer(q('a', 'yesno'), 'na')).toEqual({ kind: 'invalid', problem: 'not_applicable_refused' });
    expect(normaliseAnswer(q('a', 'yesno', 1, { allowNA: true }), 'na')).toEqual({ kind: 'na' });
    expect(normaliseAnswer(q('a', 'yesno'), 3)).toEqual({ kind: 'invalid', problem: 'wrong_type' });
    expect(normaliseAnswer(q('a', 'scale'), 6)).toEqual({ kind: 'invalid', problem: 'out_of_range' });
    expect(normaliseAnswer(q('a', 'scale'), 2.5)).toEqual({ kind: 'invalid', problem: 'out_of_range' });
    expect(normaliseAnswer(q('a', 'choice'), 'Brilliant')).toEqual({ kind: 'invalid', problem: 'unknown_option' });
    expect(normaliseAnswer(q('a', 'choice'), undefined)).toEqual({ kind: 'missing' });
  });
});

describe('scoreReview', () => {
  it('weights each answer by its question weight across sections (S2)', () => {
    // greet yes (2×1) + intro 3 → 0.5 (1×0.5) + nextstep Adequate (3×0.5) = 4 of 6.
    const result = scoreReview(card, { greet: true, intro: 3, nextstep: 'Adequate', note: false });
    expect(result.earned).toBe(4);
    expect(result.possible).toBe(6);
    expect(result.score).toBe(66.7);
    expect(result.sections.map((s) => [s.sectionId, s.score])).toEqual([
      ['opening', 83.3],
      ['close', 50],
    ]);
    expect(result.complete).toBe(true);
  });

  it('a weight-0 question is recorded but does not move the score (S2)', () => {
    const yes = scoreReview(card, { greet: true, intro: 5, nextstep: 'Excellent', note: true });
    const no = scoreReview(card, { greet: true, intro: 5, nextstep: 'Excellent', note: false });
    expect(yes.score).toBe(100);
    expect(no.score).toBe(100);
    expect(no.answered).toBe(4);
  });

  it('N/A takes a question out of both sums instead of counting it as zero (S3)', () => {
    const result = scoreReview(card, { greet: true, intro: 'na', nextstep: 'Excellent', note: true });
    expect(result.possible).toBe(5);
    expect(result.score).toBe(100);
    expect(result.sections[0]).toMatchObject({ score: 100, answered: 2, questions: 2 });
  });

  it('unanswered questions leave the review incomplete and are listed (S4)', () => {
    const result = scoreReview(card, { greet: false });
    expect(result.complete).toBe(false);
    expect(result.missing).toEqual(['intro', 'nextstep', 'note']);
    expect(result.score).toBe(0);
    expect(result.sections[1].score).toBeNull();
  });

  it('an invalid answer is reported and blocks completion', () => {
    const answers: Record<string, ReviewAnswer> = { greet: 'na', intro: 2, nextstep: 'Poor', note: true };
    const result = scoreReview(card, answers);
    expect(result.invalid).toEqual([{ questionId: 'greet', problem: 'not_applicable_refused' }]);
    expect(result.complete).toBe(false);
  });

  it('with nothing scoreable the score is null, not 0 (S5)', () => {
    expect(scoreReview(card, {}).score).toBeNull();
    expect(scoreReview(card, { intro: 'na', note: true }).score).toBeNull();
  });

  it('ignores answers to questions that are not on the scorecard', () => {
    const result = scoreReview(card, { greet: true, intro: 5, nextstep: 'Excellent', note: true, removed: false });
    expect(result.score).toBe(100);
    expect(result.questions).toBe(4);
  });
});

describe('validateScorecard', () => {
  it('accepts a well-formed scorecard', () => {
    expect(validateScorecard(card)).toEqual([]);
  });

  it('names each field that makes a scorecard unusable', () => {
    const problems = validateScorecard({
      name: ' ',
      sections: [
        {
          id: 's1',
          title: '',
          questions: [q('a', 'choice', 0, { options: ['Only'] }), q('a', 'yesno', 0, { text: '' })],
        },
        { id: 's2', title: 'Empty', questions: [] },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'name',
      'sections.0.title',
      'sections.0.questions.0.options',
      'sections.0.questions.1.id',
      'sections.0.questions.1.text',
      'sections.1.questions',
      'sections',
    ]);
  });

  it('refuses duplicate or empty choice options and negative weights', () => {
    const problems = validateScorecard({
      name: 'X',
      sections: [{ id: 's', title: 'S', questions: [q('a', 'choice', -1, { options: ['Yes', 'Yes', ''] })] }],
    });
    expect(problems.map((p) => p.message)).toEqual(
      expect.arrayContaining(['Weight must be 0 or more.', 'Options cannot be empty.', 'Options must differ.']),
    );
  });
});

describe('calibrate', () => {
  const alice = {
    reviewerId: 'alice',
    answers: { greet: true, intro: 5, nextstep: 'Excellent', note: true } as Record<string, ReviewAnswer>,
    outcome: 'booked',
  };
  const bob = {
    reviewerId: 'bob',
    answers: { greet: true, intro: 1, nextstep: 'Adequate', note: true } as Record<string, ReviewAnswer>,
    outcome: 'callback',
  };

  it('lists the questions with the largest disagreement first', () => {
    const c = calibrate(card, [alice, bob]);
    expect(c.questions.map((x) => [x.questionId, x.spread, x.agreed])).toEqual([
      ['intro', 1, false],
      ['nextstep', 0.5, false],
      ['greet', 0, true],
      ['note', 0, true],
    ]);
    expect(c.agreementRate).toBe(0.5);
  });

  it('reports the overall score spread and whether the outcomes agree', () => {
    const c = calibrate(card, [alice, bob]);
    // alice 100; bob: greet 2 + intro 0 + nextstep 1.5 = 3.5 / 6 = 58.3.
    expect(c.scores).toEqual([
      { reviewerId: 'alice', score: 100 },
      { reviewerId: 'bob', score: 58.3 },
    ]);
    expect(c.scoreSpread).toBe(41.7);
    expect(c.outcomeAgreed).toBe(false);
  });

  it('treats N/A against an answer, and a blank against an answer, as a disagreement', () => {
    const carol = {
      reviewerId: 'carol',
      answers: { greet: true, intro: 'na', nextstep: 'Excellent' } as Record<string, ReviewAnswer>,
      outcome: 'booked',
    };
    const c = calibrate(card, [alice, carol]);
    const byId = Object.fromEntries(c.questions.map((x) => [x.questionId, x]));
    expect(byId.intro.agreed).toBe(false);
    expect(byId.intro.spread).toBe(0);
    expect(byId.note.agreed).toBe(false);
    expect(byId.note.answers).toEqual([
      { reviewerId: 'alice', answer: true, value: 1 },
      { reviewerId: 'carol', answer: undefined, value: null },
    ]);
    expect(c.outcomeAgreed).toBe(true);
  });

  it('with a single reviewer there is no spread to report', () => {
    const c = calibrate(card, [alice]);
    expect(c.scoreSpread).toBeNull();
    expect(c.agreementRate).toBe(1);
  });
});
