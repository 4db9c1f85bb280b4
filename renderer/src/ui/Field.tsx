import type { ReactNode } from 'react';

/**
 * A labelled form control: the label wraps the control, so clicking the words focuses it and the control's
 * accessible name is the label (the e2e tests find fields by it). A hint and an error go under the control,
 * outside the label so they do not become part of that name; give the control `aria-describedby={hintId}`
 * when the hint explains it.
 */
export function Field({
  label,
  hint,
  hintId,
  error,
  className,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  hintId?: string;
  error?: ReactNode;
  /** Extra classes for the field (layout within a form). */
  className?: string;
  children: ReactNode;
}) {
  const classes = className ? `field ${className}` : 'field';
  const labelled = (
    <label className={hint || error ? 'field' : classes}>
      <span className="field__label">{label}</span>
      {children}
    </label>
  );
  if (!hint && !error) return labelled;
  return (
    <div className={classes}>
      {labelled}
      {hint ? (
        <span className="field__hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="field__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
