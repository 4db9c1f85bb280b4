/**
 * Calendar days as date inputs give them (`YYYY-MM-DD`, in the device's time zone) and the times filters
 * compare with. A day is local: staff pick "3 March" meaning their 3 March.
 */

/** The local calendar day of a time, '' for none. */
export function isoDay(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The first millisecond of a day. */
export function dayStart(iso: string): number {
  return new Date(`${iso}T00:00:00`).getTime();
}

/** The last millisecond of a day (an inclusive "to"). */
export function dayEnd(iso: string): number {
  return new Date(`${iso}T23:59:59.999`).getTime();
}

/** The first millisecond of the next day (an exclusive "to"); a calendar step, so a clock change is no matter. */
export function dayAfter(iso: string): number {
  const d = new Date(`${iso}T00:00:00`);
  d.setDate(d.getDate() + 1);
  return d.getTime();
}
