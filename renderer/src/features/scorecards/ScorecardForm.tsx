import { useEffect, useRef } from 'react';
import type { ReviewAnswer, ScorecardDoc, ScorecardQuestion } from '../../../../shared/schemas';
import { scoreReview } from '../../../../shared/scoring';
import './scorecards.css';

export interface ScorecardFormProps {
  scorecard: ScorecardDoc;
  answers: Record<string, ReviewAnswer>;
  activeQuestionId: string | null;
  readOnly: boolean;
  onAnswer(questionId: string, answer: ReviewAnswer | undefined): void;
  onActivate(questionId: string): void;
}

/**
 * A reviewer answering a scorecard. The question with the outline is the one the number keys answer; the
 * score and each section's score update as answers change (shared/scoring.ts).
 */
export function ScorecardForm({
  scorecard,
  answers,
  activeQuestionId,
  readOnly,
  onAnswer,
  onActivate,
}: ScorecardFormProps) {
  const result = scoreReview(scorecard, answers);
  const activeRef = useRef<HTMLFieldSetElement>(null);
  // The question the pointer or Tab made active is already where the reviewer is looking; scrolling it would
  // move the answer under a mouse button that is still down, and the click would land on something else.
  // Only a question the number keys moved to is brought into view.
  const activatedHere = useRef<string | null>(null);
  useEffect(() => {
    if (activeQuestionId !== activatedHere.current) activeRef.current?.scrollIntoView({ block: 'nearest' });
  }, [activeQuestionId]);
  const activate = (id: string) => {
    activatedHere.current = id;
    if (id !== activeQuestionId) onActivate(id);
  };
  let number = 0;
  return (
    <div className="rv-scorecard" data-testid="scorecard">
      <div className="rv-scorecard__total" aria-live="polite">
        <span className="rv-scorecard__score num" data-testid="live-score">
          {result.score === null ? '—' : `${result.score}%`}
        </span>
        <span className="muted">
          {result.answered} of {result.questions} answered
        </span>
      </div>
      {scorecard.sections.map((section, si) => {
        const sectionScore = result.sections[si];
        return (
          <section key={section.id} className="rv-scorecard__section">
            <header className="rv-scorecard__section-head">
              <h4>{section.title}</h4>
              <span className="num muted">{sectionScore.score === null ? '' : `${sectionScore.score}%`}</span>
            </header>
            {section.questions.map((q) => {
              number += 1;
              const active = q.id === activeQuestionId;
              return (
                <fieldset
                  key={q.id}
                  ref={active ? activeRef : undefined}
                  className={`rv-question${active ? ' is-active' : ''}${q.id in answers ? ' is-answered' : ''}`}
                  onFocus={() => activate(q.id)}
                  onClick={() => activate(q.id)}
                  data-question={q.id}
                  disabled={readOnly}
                >
                  <legend className="rv-question__text">
                    <span className="rv-question__n num">{number}.</span> {q.text}
                    {q.weight !== 1 && (
                      <span className="rv-question__weight" title="Weight">
                        {q.weight === 0 ? 'not scored' : `×${q.weight}`}
                      </span>
                    )}
                  </legend>
                  <AnswerButtons
                    question={q}
                    answer={answers[q.id]}
                    onAnswer={(a) => onAnswer(q.id, a)}
                    showKeys={active && !readOnly}
                  />
                </fieldset>
              );
            })}
          </section>
        );
      })}
    </div>
  );
}

function AnswerButtons({
  question,
  answer,
  onAnswer,
  showKeys,
}: {
  question: ScorecardQuestion;
  answer: ReviewAnswer | undefined;
  onAnswer(a: ReviewAnswer | undefined): void;
  showKeys: boolean;
}) {
  const choices: Array<{ value: ReviewAnswer; label: string; key: number }> =
    question.kind === 'yesno'
      ? [
          { value: true, label: 'Yes', key: 1 },
          { value: false, label: 'No', key: 2 },
        ]
      : question.kind === 'scale'
        ? [1, 2, 3, 4, 5].map((n) => ({ value: n, label: String(n), key: n }))
        : question.options.map((o, i) => ({ value: o, label: o, key: i + 1 }));
  if (question.allowNA) choices.push({ value: 'na', label: 'N/A', key: choices.length + 1 });
  return (
    <div className={`rv-answers rv-answers--${question.kind}`} role="radiogroup" aria-label={question.text}>
      {choices.map((c) => {
        const selected = answer === c.value;
        return (
          <button
            key={String(c.value)}
            type="button"
            role="radio"
            aria-checked={selected}
            className={`rv-answer${selected ? ' is-selected' : ''}${c.value === 'na' ? ' rv-answer--na' : ''}`}
            // A second click on the chosen answer clears it.
            onClick={() => onAnswer(selected ? undefined : c.value)}
          >
            {c.label}
            {/* Drawn over the button's corner, outside the layout: showing the keys on the question that
                became active on mouse-down must not move the answer about to receive the click. */}
            {c.key <= 5 && (
              <kbd className={`rv-answer__key${showKeys ? '' : ' is-hidden'}`} aria-hidden="true">
                {c.key}
              </kbd>
            )}
          </button>
        );
      })}
    </div>
  );
}
