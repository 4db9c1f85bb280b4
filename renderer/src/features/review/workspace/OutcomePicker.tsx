import { OUTCOMES, type Outcome } from '../../../../../shared/schemas';
import type { AiOutcome } from '../ai-outcome';
import { OUTCOME_LABELS } from '../../../ui/labels';

/**
 * The reviewer's outcome for the call. When the AI gave one, it stays visible next to the choice, and the
 * reviewer either confirms it or overrides it: both are recorded (ReviewDoc.outcome and .aiOutcome).
 * Its buttons are the scorecard's answer buttons (`rv-answer`, styled in features/scorecards/scorecards.css,
 * which the workspace loads with the ScorecardForm beside this picker).
 */
export function OutcomePicker({
  value,
  ai,
  readOnly,
  onChange,
}: {
  value: Outcome | null;
  ai: AiOutcome | null;
  readOnly: boolean;
  onChange(o: Outcome | null): void;
}) {
  const relation = !ai || !value ? null : ai.outcome === value ? 'confirms' : 'overrides';
  return (
    <div className="rv-outcome" data-testid="outcome">
      <div className="rv-outcome__head">
        <h4>Outcome</h4>
        {ai ? (
          <span
            className={`badge rv-ai-badge rv-ai-badge--${ai.outcome}`}
            title={`${ai.provider} · ${ai.model}`}
            data-testid="ai-outcome"
          >
            AI: {OUTCOME_LABELS[ai.outcome]} · {Math.round(ai.confidence * 100)}%
          </span>
        ) : (
          <span className="subtle">No AI outcome for this call</span>
        )}
      </div>
      <div className="rv-answers" role="radiogroup" aria-label="Outcome">
        {OUTCOMES.map((o) => (
          <button
            key={o}
            type="button"
            role="radio"
            aria-checked={value === o}
            disabled={readOnly}
            className={`rv-answer rv-answer--outcome rv-answer--${o}${value === o ? ' is-selected' : ''}`}
            onClick={() => onChange(value === o ? null : o)}
          >
            {OUTCOME_LABELS[o]}
            {ai?.outcome === o && (
              <span className="rv-answer__ai" aria-label="the AI's outcome">
                AI
              </span>
            )}
          </button>
        ))}
        {ai && !value && !readOnly && (
          <button type="button" className="btn btn--sm btn--ghost" onClick={() => onChange(ai.outcome)}>
            Confirm AI outcome
          </button>
        )}
      </div>
      {relation && (
        <p className={`rv-outcome__relation rv-outcome__relation--${relation}`} data-testid="outcome-relation">
          {relation === 'confirms'
            ? `Confirms the AI's outcome.`
            : `Overrides the AI's outcome (${OUTCOME_LABELS[ai!.outcome]}).`}
        </p>
      )}
    </div>
  );
}
