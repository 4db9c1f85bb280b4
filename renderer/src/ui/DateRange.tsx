import { Field } from './Field';

/**
 * Two labelled date inputs, from and to, as calendar days (`YYYY-MM-DD`, '' when cleared): the caller turns
 * them into times, since screens differ on whether "to" is the end of that day or the start of the next.
 * `bounded` stops either end from being chosen past the other. Renders two fields side by side in whatever
 * row or grid holds it.
 */
export function DateRange({
  from,
  to,
  onFromChange,
  onToChange,
  labels = { from: 'From', to: 'To' },
  bounded = false,
  className,
}: {
  from: string;
  to: string;
  onFromChange(day: string): void;
  onToChange(day: string): void;
  labels?: { from: string; to: string };
  bounded?: boolean;
  /** Classes for each of the two fields. */
  className?: string;
}) {
  return (
    <>
      <Field label={labels.from} className={className}>
        <input
          className="input"
          type="date"
          value={from}
          max={bounded && to ? to : undefined}
          onChange={(e) => onFromChange(e.target.value)}
        />
      </Field>
      <Field label={labels.to} className={className}>
        <input
          className="input"
          type="date"
          value={to}
          min={bounded && from ? from : undefined}
          onChange={(e) => onToChange(e.target.value)}
        />
      </Field>
    </>
  );
}
