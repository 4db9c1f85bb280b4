import { Field } from './Field';

/**
 * A labelled filter choice where the empty option means "any": `onChange(null)` when it is chosen. Options
 * are `[value, label]` pairs.
 */
export function FilterSelect<V extends string>({
  label,
  value,
  options,
  onChange,
  anyLabel = 'All',
  className,
}: {
  label: string;
  value: V | null;
  /** Each option's value and label; the value handed to onChange is always one of these (or null). */
  options: ReadonlyArray<readonly [V, string]>;
  onChange(value: V | null): void;
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
        onChange={(e) => onChange(options.find(([v]) => v === e.target.value)?.[0] ?? null)}
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
