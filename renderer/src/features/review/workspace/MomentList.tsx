import { useEffect, useRef, useState } from 'react';
import type { ReviewRegion } from '../../../../../shared/schemas';
import { formatClock } from '../../../ui/format';
import { EmptyState } from '../../../ui/EmptyState';

/** Labels offered while typing; reviewers can write any label. */
export const MOMENT_LABEL_SUGGESTIONS = [
  'Greeting',
  'Needs discovery',
  'Price objection',
  'Timing objection',
  'Trust objection',
  'Objection handled',
  'Booking made',
  'Next step agreed',
  'Good practice',
  'Missed opportunity',
  'Compliance issue',
  'Personal data mentioned',
];

export interface MomentListProps {
  regions: readonly ReviewRegion[];
  selectedId: string | null;
  /** The moment whose label field takes focus (a moment just created). */
  focusId: string | null;
  readOnly: boolean;
  onSelect(id: string): void;
  onPlay(region: ReviewRegion): void;
  onChange(region: ReviewRegion): void;
  onDelete(id: string): void;
}

/** The moments marked on this call: each with its time range, label and comment, editable and removable. */
export function MomentList(p: MomentListProps) {
  if (p.regions.length === 0) {
    return (
      <EmptyState className="rv-moments__empty" title="No moments marked yet">
        <p className="muted">
          Drag across the waveform, or press <kbd>[</kbd> where a moment starts and <kbd>]</kbd> where it ends.
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      <datalist id="rv-moment-labels">
        {MOMENT_LABEL_SUGGESTIONS.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      <ol className="rv-moments" data-testid="moments">
        {p.regions.map((r) => (
          <MomentItem key={r.id} region={r} selected={r.id === p.selectedId} autoFocus={r.id === p.focusId} {...p} />
        ))}
      </ol>
    </>
  );
}

function MomentItem({
  region,
  selected,
  autoFocus,
  readOnly,
  onSelect,
  onPlay,
  onChange,
  onDelete,
}: MomentListProps & { region: ReviewRegion; selected: boolean; autoFocus: boolean }) {
  // Text is edited locally and saved on blur or Enter, so the review document is not rewritten per keystroke.
  const [label, setLabel] = useState(region.label);
  const [comment, setComment] = useState(region.comment);
  const labelRef = useRef<HTMLInputElement>(null);
  const itemRef = useRef<HTMLLIElement>(null);
  useEffect(() => setLabel(region.label), [region.label]);
  useEffect(() => setComment(region.comment), [region.comment]);
  useEffect(() => {
    if (autoFocus) labelRef.current?.focus();
  }, [autoFocus]);
  useEffect(() => {
    if (selected) itemRef.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const save = () => {
    if (label !== region.label || comment !== region.comment) onChange({ ...region, label: label.trim(), comment });
  };
  return (
    <li
      ref={itemRef}
      className={`rv-moment${selected ? ' is-selected' : ''}`}
      onClick={() => onSelect(region.id)}
      data-moment={region.id}
    >
      <div className="rv-moment__head">
        <button
          type="button"
          className="btn btn--sm rv-moment__play"
          onClick={() => onPlay(region)}
          title="Play this moment"
        >
          ▶{' '}
          <span className="num">
            {formatClock(region.start)}–{formatClock(region.end)}
          </span>
        </button>
        <span className="subtle num">{(region.end - region.start).toFixed(1)} s</span>
        <span className="spacer" />
        {!readOnly && (
          <button
            type="button"
            className="btn btn--sm btn--ghost rv-moment__delete"
            onClick={() => onDelete(region.id)}
            aria-label={`Delete moment ${region.label || 'untitled'}`}
          >
            Delete
          </button>
        )}
      </div>
      <input
        ref={labelRef}
        className="input rv-moment__label"
        list="rv-moment-labels"
        placeholder="Label, e.g. Price objection"
        aria-label="Moment label"
        maxLength={200}
        value={label}
        readOnly={readOnly}
        onChange={(e) => setLabel(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            save();
            e.currentTarget.blur();
          }
          if (e.key === 'Escape') {
            setLabel(region.label);
            e.currentTarget.blur();
          }
        }}
      />
      <textarea
        className="textarea rv-moment__comment"
        placeholder="Comment (optional)"
        aria-label="Moment comment"
        maxLength={2000}
        rows={comment ? 2 : 1}
        value={comment}
        readOnly={readOnly}
        onChange={(e) => setComment(e.target.value)}
        onBlur={save}
      />
    </li>
  );
}
