/** Display formats shared by screens: British English, the way staff read dates and money. */
const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

export function formatDateTime(ms: number | null | undefined): string {
  return ms ? dateTime.format(ms) : '—';
}

export function formatDate(ms: number | null | undefined): string {
  return ms ? dateOnly.format(ms) : '—';
}

export function formatPence(pence: number | null | undefined): string {
  return typeof pence === 'number' ? `£${(pence / 100).toFixed(pence % 100 === 0 ? 0 : 2)}` : '—';
}

export function formatCount(n: number | null | undefined): string {
  return typeof n === 'number' ? n.toLocaleString('en-GB') : '—';
}

/** `responseMedianMin` → `Response median min`. */
export function humaniseKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A metric value: shares (keys ending in Rate/Share, values 0..1) as percentages, others as numbers. */
export function formatMetric(key: string, value: number | null): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (/(rate|share|ratio)$/i.test(key) && value >= 0 && value <= 1) return `${Math.round(value * 100)} %`;
  return Number.isInteger(value)
    ? value.toLocaleString('en-GB')
    : value.toLocaleString('en-GB', { maximumFractionDigits: 1 });
}

/** A recording position: `m:ss`, or `h:mm:ss` past the hour. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A share (0..1) as a whole percentage with no space: `87%` (confidences, agreement rates). */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
