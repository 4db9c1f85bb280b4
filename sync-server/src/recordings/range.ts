/**
 * HTTP Range requests for media (RFC 9110 §14). Only single byte ranges are served; a header with several
 * ranges, another unit or bad syntax is ignored and the whole file is sent with 200, which §14.2 allows
 * ("a server MAY ignore the Range header field"). Browsers' <audio> and wavesurfer only send single ranges.
 */
export type RangeDecision =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (!header) return { kind: 'full' };
  const m = SINGLE_RANGE.exec(header.trim());
  if (!m) return { kind: 'full' };
  const [, first, last] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    // Suffix range: the last N bytes (§14.1.1). A zero-length suffix selects nothing.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start)) return { kind: 'full' };
  if (last !== '') {
    const end = Number(last);
    // last < first is an invalid range-spec, not an unsatisfiable one: ignore the header.
    if (!Number.isSafeInteger(end) || end < start) return { kind: 'full' };
    if (start >= size) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start, end: Math.min(end, size - 1) };
  }
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: size - 1 };
}
