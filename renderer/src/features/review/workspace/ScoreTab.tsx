import { useEffect, useState } from 'react';
import type { ReviewDoc, ScorecardDoc } from '../../../../../shared/schemas';
import { EmptyState } from '../../../ui/EmptyState';
import { Field } from '../../../ui/Field';
import { ScorecardForm } from '../../scorecards';
import type { AiOutcome } from '../ai-outcome';
import { reopen, setNotes, setOutcome } from '../review-doc';
import { OutcomePicker } from './OutcomePicker';
import { SubmitBar } from './SubmitBar';
import type { ReviewEditing } from './use-review-editing';

/**
 * The scorecard tab: which scorecard (while the review has none and several are active), its questions, the
 * call's outcome, notes, and submitting. Without any scorecard the reviewer can still set the outcome and notes.
 */
export function ScoreTab({
  callId,
  review,
  scorecard,
  activeCards,
  onChooseScorecard,
  ai,
  editing,
  activeQuestionId,
  onActivateQuestion,
  isAdmin,
}: {
  callId: string;
  review: ReviewDoc | null;
  scorecard: ScorecardDoc | null;
  activeCards: readonly ScorecardDoc[];
  onChooseScorecard(id: string): void;
  ai: AiOutcome | null;
  editing: ReviewEditing;
  activeQuestionId: string | null;
  onActivateQuestion(id: string): void;
  isAdmin: boolean;
}) {
  const { readOnly, edit } = editing;
  return (
    <div className="rv-review-form">
      {!scorecard ? (
        <EmptyState title="No scorecard yet">
          <p className="muted">
            An admin defines scorecards under Scorecards. You can still mark moments, set the outcome and write notes.
          </p>
        </EmptyState>
      ) : (
        <>
          {!review?.scorecardId && activeCards.length > 1 && (
            <Field label="Scorecard">
              <select className="select" value={scorecard.id} onChange={(e) => onChooseScorecard(e.target.value)}>
                {activeCards.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <ScorecardForm
            scorecard={scorecard}
            answers={editing.answers}
            activeQuestionId={activeQuestionId}
            readOnly={readOnly}
            onAnswer={editing.answer}
            onActivate={onActivateQuestion}
          />
        </>
      )}
      <OutcomePicker
        value={review?.outcome ?? null}
        ai={ai}
        readOnly={readOnly}
        onChange={(o) => void edit(setOutcome(o))}
      />
      <NotesField value={review?.notes ?? ''} readOnly={readOnly} onSave={(notes) => void edit(setNotes(notes))} />
      <SubmitBar
        callId={callId}
        review={review}
        readOnly={readOnly}
        problems={editing.problems}
        isAdmin={isAdmin}
        onSubmit={() => void editing.submitReview()}
        onReopen={() => void edit(reopen)}
      />
    </div>
  );
}

/** The reviewer's notes, saved when the field loses focus (not on every key). */
function NotesField({ value, readOnly, onSave }: { value: string; readOnly: boolean; onSave(v: string): void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <Field label="Notes" className="rv-notes">
      <textarea
        className="textarea"
        rows={3}
        maxLength={20000}
        value={text}
        readOnly={readOnly}
        placeholder="What went well, what to coach"
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text !== value && onSave(text)}
      />
    </Field>
  );
}
