import type { ReviewAnswer, ScorecardDoc, ScorecardQuestion } from '../../../../shared/schemas';

/**
 * What the number keys 1–5 answer on the current question: the scale value; 1 yes / 2 no; the nth option.
 * The key after the last choice is N/A where the question allows it. Null when the key means nothing here.
 */
export function answerForKey(question: ScorecardQuestion, n: number): ReviewAnswer | null {
  switch (question.kind) {
    case 'scale':
      return n >= 1 && n <= 5 ? n : null;
    case 'yesno':
      if (n === 1) return true;
      if (n === 2) return false;
      return n === 3 && question.allowNA ? 'na' : null;
    case 'choice':
      if (n >= 1 && n <= question.options.length) return question.options[n - 1];
      return n === question.options.length + 1 && question.allowNA ? 'na' : null;
  }
}

export function allQuestions(card: Pick<ScorecardDoc, 'sections'>): ScorecardQuestion[] {
  return card.sections.flatMap((s) => s.questions);
}

/** The question to move to after answering `currentId`: the next unanswered one, else the next one. */
export function nextQuestionId(
  card: Pick<ScorecardDoc, 'sections'>,
  currentId: string,
  answers: Record<string, ReviewAnswer>,
): string {
  const qs = allQuestions(card);
  const at = qs.findIndex((q) => q.id === currentId);
  for (let i = 1; i <= qs.length; i++) {
    const q = qs[(at + i) % qs.length];
    if (!(q.id in answers)) return q.id;
  }
  return qs[Math.min(qs.length - 1, at + 1)]?.id ?? currentId;
}

export function describeAnswer(question: ScorecardQuestion, answer: ReviewAnswer | undefined): string {
  if (answer === undefined) return '—';
  if (answer === 'na') return 'N/A';
  if (question.kind === 'yesno') return answer === true ? 'Yes' : 'No';
  return String(answer);
}
