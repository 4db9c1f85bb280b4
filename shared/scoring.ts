/**
 * Scoring a QA review against a scorecard, and comparing reviewers (calibration).
 *
 * Pure functions over plain data: the review workspace shows these numbers live while a reviewer answers,
 * the same function stamps `ReviewDoc.score` on submit, and dashboards can recompute it on the server.
 *
 * Rules (cited by tests/unit/scoring.test.ts):
 * - S1 Each answer is normalised to 0..1: yes/no → 1/0; a 1–5 scale → (v − 1) / 4; a single choice →
 *   by its position in the options, which admins list best first (first = 1, last = 0).
 * - S2 A question's weight is absolute: the score is Σ weight·value / Σ weight over the answered questions,
 *   so a section weighs as much as its questions do. Weight 0 questions are recorded but never scored.
 * - S3 "N/A" removes the question from both sums; it is accepted only where the question allows it.
 * - S4 Unanswered questions do not count towards the score but make the review incomplete; only a
 *   complete review can be submitted.
 * - S5 A score is a percentage rounded to one decimal; with nothing scoreable it is null, never 0.
 */
import type { ReviewAnswer, ScorecardDoc, ScorecardQuestion } from './schemas';

export type QuestionKind = ScorecardQuestion['kind'];

export const SCALE_MIN = 1;
export const SCALE_MAX = 5;

export type AnswerProblem = 'not_applicable_refused' | 'wrong_type' | 'out_of_range' | 'unknown_option';

export type NormalisedAnswer =
  { kind: 'value'; value: number } | { kind: 'na' } | { kind: 'missing' } | { kind: 'invalid'; problem: AnswerProblem };

/** S1/S3: one answer as a number in 0..1, or why it does not count. */
export function normaliseAnswer(question: ScorecardQuestion, answer: ReviewAnswer | undefined): NormalisedAnswer {
  if (answer === undefined) return { kind: 'missing' };
  if (answer === 'na')
    return question.allowNA ? { kind: 'na' } : { kind: 'invalid', problem: 'not_applicable_refused' };
  switch (question.kind) {
    case 'yesno':
      return typeof answer === 'boolean'
        ? { kind: 'value', value: answer ? 1 : 0 }
        : { kind: 'invalid', problem: 'wrong_type' };
    case 'scale': {
      if (typeof answer !== 'number') return { kind: 'invalid', problem: 'wrong_type' };
      if (!Number.isInteger(answer) || answer < SCALE_MIN || answer > SCALE_MAX)
        return { kind: 'invalid', problem: 'out_of_range' };
      return { kind: 'value', value: (answer - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) };
    }
    case 'choice': {
      if (typeof answer !== 'string') return { kind: 'invalid', problem: 'wrong_type' };
      const index = question.options.indexOf(answer);
      if (index < 0) return { kind: 'invalid', problem: 'unknown_option' };
      // A single option cannot rank anything: it counts as full marks.
      return { kind: 'value', value: question.options.length === 1 ? 1 : 1 - index / (question.options.length - 1) };
    }
  }
}

export interface SectionScore {
  sectionId: string;
  title: string;
  /** S5: percentage, one decimal, or null when nothing in the section is scoreable. */
  score: number | null;
  earned: number;
  possible: number;
  answered: number;
  questions: number;
}

export interface ScoreResult {
  score: number | null;
  earned: number;
  possible: number;
  sections: SectionScore[];
  /** Questions answered (N/A included) out of all questions. */
  answered: number;
  questions: number;
  /** Question ids still unanswered (S4). */
  missing: string[];
  invalid: Array<{ questionId: string; problem: AnswerProblem }>;
  /** True when every question has a valid answer (S4): the review can be submitted. */
  complete: boolean;
}

const toPercent = (earned: number, possible: number): number | null =>
  possible > 0 ? Math.round((earned / possible) * 1000) / 10 : null;

/** S2–S5: scores a review's answers against a scorecard. Answers to questions not on the card are ignored. */
export function scoreReview(
  scorecard: Pick<ScorecardDoc, 'sections'>,
  answers: Record<string, ReviewAnswer>,
): ScoreResult {
  let earned = 0;
  let possible = 0;
  let answered = 0;
  let questions = 0;
  const missing: string[] = [];
  const invalid: ScoreResult['invalid'] = [];
  const sections: SectionScore[] = scorecard.sections.map((section) => {
    let sEarned = 0;
    let sPossible = 0;
    let sAnswered = 0;
    for (const question of section.questions) {
      const n = normaliseAnswer(
        question,
        Object.prototype.hasOwnProperty.call(answers, question.id) ? answers[question.id] : undefined,
      );
      if (n.kind === 'missing') missing.push(question.id);
      else if (n.kind === 'invalid') invalid.push({ questionId: question.id, problem: n.problem });
      else {
        sAnswered += 1;
        if (n.kind === 'value' && question.weight > 0) {
          sEarned += question.weight * n.value;
          sPossible += question.weight;
        }
      }
    }
    earned += sEarned;
    possible += sPossible;
    answered += sAnswered;
    questions += section.questions.length;
    return {
      sectionId: section.id,
      title: section.title,
      score: toPercent(sEarned, sPossible),
      earned: sEarned,
      possible: sPossible,
      answered: sAnswered,
      questions: section.questions.length,
    };
  });
  return {
    score: toPercent(earned, possible),
    earned,
    possible,
    sections,
    answered,
    questions,
    missing,
    invalid,
    complete: missing.length === 0 && invalid.length === 0,
  };
}

// ───────────────────────────── scorecard definitions (admin editor) ─────────────────────────────

export interface ScorecardProblem {
  /** Path such as `sections.1.questions.0.options`, for the editor to point at the field. */
  path: string;
  message: string;
}

/** What makes a scorecard usable by reviewers; the editor refuses to save while this returns problems. */
export function validateScorecard(card: Pick<ScorecardDoc, 'name' | 'sections'>): ScorecardProblem[] {
  const problems: ScorecardProblem[] = [];
  if (card.name.trim() === '') problems.push({ path: 'name', message: 'Give the scorecard a name.' });
  if (card.sections.length === 0) problems.push({ path: 'sections', message: 'Add at least one section.' });
  const seen = new Set<string>();
  let totalWeight = 0;
  let questionCount = 0;
  card.sections.forEach((section, si) => {
    if (section.title.trim() === '')
      problems.push({ path: `sections.${si}.title`, message: 'Give the section a title.' });
    if (section.questions.length === 0)
      problems.push({ path: `sections.${si}.questions`, message: 'Add at least one question to this section.' });
    section.questions.forEach((q, qi) => {
      const at = `sections.${si}.questions.${qi}`;
      questionCount += 1;
      if (seen.has(q.id)) problems.push({ path: `${at}.id`, message: 'Two questions share this id.' });
      seen.add(q.id);
      if (q.text.trim() === '') problems.push({ path: `${at}.text`, message: 'Write the question.' });
      if (!(q.weight >= 0) || !Number.isFinite(q.weight))
        problems.push({ path: `${at}.weight`, message: 'Weight must be 0 or more.' });
      else totalWeight += q.weight;
      if (q.kind === 'choice') {
        const options = q.options.map((o) => o.trim());
        if (options.length < 2)
          problems.push({ path: `${at}.options`, message: 'A single-choice question needs at least two options.' });
        if (options.some((o) => o === ''))
          problems.push({ path: `${at}.options`, message: 'Options cannot be empty.' });
        if (new Set(options).size !== options.length)
          problems.push({ path: `${at}.options`, message: 'Options must differ.' });
      }
    });
  });
  if (questionCount > 0 && totalWeight === 0)
    problems.push({ path: 'sections', message: 'At least one question needs a weight above 0, or nothing is scored.' });
  return problems;
}

// ───────────────────────────── calibration (several reviewers, one call) ─────────────────────────────

export interface CalibrationReview {
  reviewerId: string;
  answers: Record<string, ReviewAnswer>;
  outcome: string | null;
}

export interface QuestionCalibration {
  questionId: string;
  sectionId: string;
  text: string;
  weight: number;
  /** Each reviewer's raw answer (undefined when they left it blank). */
  answers: Array<{ reviewerId: string; answer: ReviewAnswer | undefined; value: number | null }>;
  /** Largest difference between two reviewers' normalised values (0..1); 0 when fewer than two scored. */
  spread: number;
  /** True when every reviewer gave the same answer (N/A and blanks included). */
  agreed: boolean;
}

export interface Calibration {
  reviewers: string[];
  scores: Array<{ reviewerId: string; score: number | null }>;
  /** Largest difference between reviewers' overall scores, in percentage points (null with < 2 scores). */
  scoreSpread: number | null;
  outcomes: Array<{ reviewerId: string; outcome: string | null }>;
  outcomeAgreed: boolean;
  /** Questions, largest disagreement first (then weight, then scorecard order). */
  questions: QuestionCalibration[];
  /** Share of questions on which every reviewer agreed (0..1), null without questions. */
  agreementRate: number | null;
}

const sameAnswer = (a: ReviewAnswer | undefined, b: ReviewAnswer | undefined): boolean => a === b;

/** Where reviewers of the same call differ, question by question. Reviews are compared on one scorecard. */
export function calibrate(scorecard: Pick<ScorecardDoc, 'sections'>, reviews: CalibrationReview[]): Calibration {
  const ordered: Array<QuestionCalibration & { order: number }> = [];
  let order = 0;
  for (const section of scorecard.sections) {
    for (const question of section.questions) {
      const answers = reviews.map((r) => {
        const answer = Object.prototype.hasOwnProperty.call(r.answers, question.id)
          ? r.answers[question.id]
          : undefined;
        const n = normaliseAnswer(question, answer);
        return { reviewerId: r.reviewerId, answer, value: n.kind === 'value' ? n.value : null };
      });
      const values = answers.map((a) => a.value).filter((v): v is number => v !== null);
      const spread = values.length >= 2 ? Math.max(...values) - Math.min(...values) : 0;
      const agreed = answers.every((a) => sameAnswer(a.answer, answers[0].answer));
      ordered.push({
        questionId: question.id,
        sectionId: section.id,
        text: question.text,
        weight: question.weight,
        answers,
        spread,
        agreed,
        order: order++,
      });
    }
  }
  ordered.sort(
    (a, b) => b.spread - a.spread || Number(a.agreed) - Number(b.agreed) || b.weight - a.weight || a.order - b.order,
  );
  const scores = reviews.map((r) => ({ reviewerId: r.reviewerId, score: scoreReview(scorecard, r.answers).score }));
  const numeric = scores.map((s) => s.score).filter((s): s is number => s !== null);
  const outcomes = reviews.map((r) => ({ reviewerId: r.reviewerId, outcome: r.outcome }));
  return {
    reviewers: reviews.map((r) => r.reviewerId),
    scores,
    scoreSpread: numeric.length >= 2 ? Math.round((Math.max(...numeric) - Math.min(...numeric)) * 10) / 10 : null,
    outcomes,
    outcomeAgreed: outcomes.every((o) => o.outcome === outcomes[0]?.outcome),
    questions: ordered.map(({ order: _order, ...q }) => q),
    agreementRate: ordered.length > 0 ? ordered.filter((q) => q.agreed).length / ordered.length : null,
  };
}
