import type { ReactNode } from 'react';

/**
 * A labelled form control: the label wraps the control, so clicking the words focuses it and the control's
 * accessible name is the label (the e2e tests find fields by it). A hint and an error go under the control;
 * give the control `aria-describedby={hintId}` when the hint explains it.
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
  return (
    <label className={className ? `field ${className}` : 'field'}>
      <span className="field__label">{label}</span>
      {children}
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
    </label>
  );
}
