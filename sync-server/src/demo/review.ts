import { DEMO_REVIEWERS, SCRIPT_REVIEWS, STARTER_SCORECARD } from './tables';

export type DemoReviewer = (typeof DEMO_REVIEWERS)[number];

/**
 * A demo reviewer's review of a call made with this script: the outcome and scorecard answers of
 * SCRIPT_REVIEWS, shifted by the reviewer's habits (a harsher colleague marks scale answers one lower, reads
 * "handled well" as "partly handled", and a callback without an agreed time as lost), so two reviews of one
 * call differ the way two people's do. Null for a script nobody reviews.
 */
export function demoReview(
  scriptId: string,
  reviewer: DemoReviewer,
): { outcome: 'booked' | 'callback' | 'lost'; answers: Record<string, number | boolean | string> } | null {
  const base = SCRIPT_REVIEWS[scriptId];
  if (!base) return null;
  const answers = { ...base.answers };
  for (const q of STARTER_SCORECARD.sections.flatMap((s) => s.questions)) {
    const a = answers[q.id];
    if (q.kind === 'scale' && typeof a === 'number') answers[q.id] = Math.min(5, Math.max(1, a + reviewer.leniency));
    if (q.kind === 'choice' && reviewer.strict && a === 'Handled well') answers[q.id] = 'Partly handled';
  }
  const outcome =
    reviewer.strict && base.outcome === 'callback' && answers['next-step'] === false ? 'lost' : base.outcome;
  return { outcome, answers };
}
