import type { TranscriptSegment } from '../../../../../shared/schemas';

/** Segments in time order (per-channel transcription interleaves the two speakers by start time). */
export function orderSegments(segments: readonly TranscriptSegment[]): TranscriptSegment[] {
  return [...segments].sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Index of the segment being spoken at `time` in ordered segments: the latest-starting segment that covers
 * it (so when both speakers overlap, the one who started last is highlighted); in a silence, the segment
 * that just ended, so the highlight does not flicker off between phrases. -1 before the first segment.
 * Binary search: called on every animation frame during playback of hour-long transcripts.
 */
export function segmentIndexAt(ordered: readonly TranscriptSegment[], time: number): number {
  let lo = 0;
  let hi = ordered.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ordered[mid].start <= time) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (last < 0) return -1;
  for (let i = last; i >= 0 && i > last - 8; i--) if (ordered[i].end > time) return i;
  return last;
}
