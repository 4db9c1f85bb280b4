import type { ScorecardDoc, ScorecardQuestion } from '../../../../shared/schemas';

/**
 * Pure edits for the admin's scorecard editor. Ids are created once and never change, so reviews keep
 * pointing at the same questions when their wording, order or weight changes.
 */
export type Section = ScorecardDoc['sections'][number];

export const KIND_LABELS: Record<ScorecardQuestion['kind'], string> = {
  yesno: 'Yes / No',
  scale: 'Scale 1–5',
  choice: 'Single choice',
};

/** Whether a select's value names an answer type (the options are KIND_LABELS' keys). */
export function isQuestionKind(value: string): value is ScorecardQuestion['kind'] {
  return Object.prototype.hasOwnProperty.call(KIND_LABELS, value);
}

export function newQuestion(id: string, kind: ScorecardQuestion['kind'] = 'yesno'): ScorecardQuestion {
  return { id, text: '', kind, options: kind === 'choice' ? ['', ''] : [], weight: 1, allowNA: false };
}

export function newSection(id: string, questionId: string): Section {
  return { id, title: '', questions: [newQuestion(questionId)] };
}

/** A starting point that reflects what QA teams score on lead calls; admins edit it freely. */
export function starterScorecard(newId: () => string, now: number): ScorecardDoc {
  const q = (
    text: string,
    kind: ScorecardQuestion['kind'],
    weight: number,
    extra: Partial<ScorecardQuestion> = {},
  ): ScorecardQuestion => ({
    ...newQuestion(newId(), kind),
    text,
    weight,
    ...extra,
  });
  return {
    id: newId(),
    updatedAt: 0,
    name: 'Call quality',
    active: true,
    createdAt: Math.floor(now),
    sections: [
      {
        id: newId(),
        title: 'Opening',
        questions: [
          q('Greeted the customer and introduced themselves and the company', 'yesno', 1),
          q('Confirmed the job and the address', 'yesno', 1, { allowNA: true }),
        ],
      },
      {
        id: newId(),
        title: 'Conversation',
        questions: [
          q('Clarity and tone', 'scale', 2),
          q('Handled objections', 'choice', 2, { options: ['Fully', 'Partly', 'Not at all'], allowNA: true }),
        ],
      },
      {
        id: newId(),
        title: 'Close',
        questions: [q('Agreed a clear next step (visit, quote or call back)', 'yesno', 3)],
      },
    ],
  };
}

export function move<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (to < 0 || to >= list.length) return [...list];
  const out = [...list];
  [out[index], out[to]] = [out[to], out[index]];
  return out;
}

/** Changing a question's kind keeps what still makes sense (text, weight, N/A) and resets its options. */
export function changeKind(q: ScorecardQuestion, kind: ScorecardQuestion['kind']): ScorecardQuestion {
  if (q.kind === kind) return q;
  return { ...q, kind, options: kind === 'choice' ? (q.options.length >= 2 ? q.options : ['', '']) : [] };
}

/** Each section's share of the total weight, as the editor shows it (0..1; null when nothing is weighted). */
export function sectionShares(card: Pick<ScorecardDoc, 'sections'>): Array<number | null> {
  const totals = card.sections.map((s) => s.questions.reduce((sum, q) => sum + (q.weight > 0 ? q.weight : 0), 0));
  const all = totals.reduce((a, b) => a + b, 0);
  return totals.map((t) => (all > 0 ? t / all : null));
}

export function duplicateScorecard(card: ScorecardDoc, newId: () => string, now: number): ScorecardDoc {
  return {
    ...card,
    id: newId(),
    updatedAt: 0,
    name: `${card.name} (copy)`,
    active: false,
    createdAt: Math.floor(now),
    sections: card.sections.map((s) => ({
      ...s,
      id: newId(),
      questions: s.questions.map((q) => ({ ...q, id: newId(), options: [...q.options] })),
    })),
  };
}
