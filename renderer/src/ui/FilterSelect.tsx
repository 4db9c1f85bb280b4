import { Field } from './Field';

/**
 * A labelled filter choice where the empty option means "any": `onChange(null)` when it is chosen. Options
 * are `[value, label]` pairs.
 */
export function FilterSelect({
  label,
  value,
  options,
  onChange,
  anyLabel = 'All',
  className,
}: {
  label: string;
  value: string | null;
  options: ReadonlyArray<readonly [string, string]>;
  onChange(value: string | null): void;
  /** The words for "no filter" (All, Anyone …). */
  anyLabel?: string;
  className?: string;
}) {
  return (
    <Field label={label} className={className}>
      <select
        className="select"
        aria-label={label}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || null)}
      >
        <option value="">{anyLabel}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );
}
