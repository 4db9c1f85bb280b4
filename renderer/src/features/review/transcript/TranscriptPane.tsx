import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { InsightDoc, TranscriptSegment } from '../../../../../shared/schemas';
import { usePlayhead } from '../player/playhead';
import { orderSegments, segmentIndexAt } from './transcript-model';
import { formatClock } from '../../../ui/format';
import { CHANNEL_LABELS } from '../../../ui/labels';
import { EmptyState } from '../../../ui/EmptyState';

/**
 * The call's transcript beside the player: the segment being heard is highlighted and kept in view while
 * playing (until the reviewer scrolls away to read elsewhere), and clicking a segment seeks there.
 * `embedded`: shown as a tab of the side panel (narrow windows), which names it, so without its own frame.
 */
export function TranscriptPane({
  insight,
  onSeek,
  embedded = false,
}: {
  insight: InsightDoc | null;
  onSeek(seconds: number): void;
  embedded?: boolean;
}) {
  const frame = `rv-transcript${embedded ? ' rv-transcript--embedded' : ' rv-panel'}`;
  const segments = useMemo(() => (insight?.transcript ? orderSegments(insight.transcript) : []), [insight?.transcript]);
  const current = usePlayhead((s) => segmentIndexAt(segments, s.time));
  const playing = usePlayhead((s) => s.playing);
  const listRef = useRef<HTMLOListElement>(null);
  const [follow, setFollow] = useState(true);
  const programmaticScroll = useRef(false);
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();

  useEffect(() => {
    if (!follow || current < 0) return;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-index="${current}"]`);
    if (!row) return;
    programmaticScroll.current = true;
    row.scrollIntoView({ block: 'nearest', behavior: playing ? 'smooth' : 'auto' });
  }, [current, follow, playing]);

  if (!insight || !insight.transcript || insight.transcript.length === 0) {
    return (
      <section className={frame} aria-label="Transcript">
        <header className="rv-panel__header">
          <h3>Transcript</h3>
        </header>
        <EmptyState className="rv-transcript__empty" testId="transcript-empty" title={emptyTitle(insight)}>
          <p className="muted">{emptyDetail(insight)}</p>
        </EmptyState>
      </section>
    );
  }

  return (
    <section className={frame} aria-label="Transcript">
      <header className="rv-panel__header">
        <h3>Transcript</h3>
        <input
          className="input rv-transcript__search"
          type="search"
          placeholder="Find in transcript"
          aria-label="Find in transcript"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        {!follow && (
          <button type="button" className="btn btn--sm" onClick={() => setFollow(true)}>
            Follow playback
          </button>
        )}
      </header>
      {insight.sandbox && <p className="rv-transcript__note">Sandbox transcript of a synthetic demo call.</p>}
      <ol
        ref={listRef}
        className="rv-transcript__list"
        onScroll={() => {
          // A scroll the app did not start means the reviewer is reading elsewhere: stop following.
          if (programmaticScroll.current) programmaticScroll.current = false;
          else if (playing) setFollow(false);
        }}
      >
        {segments.map((s, i) =>
          q && !s.text.toLowerCase().includes(q) ? null : (
            <Segment
              key={`${s.speaker}-${s.start}-${i}`}
              index={i}
              segment={s}
              current={i === current}
              onSeek={onSeek}
            />
          ),
        )}
      </ol>
    </section>
  );
}

const Segment = memo(function Segment({
  index,
  segment,
  current,
  onSeek,
}: {
  index: number;
  segment: TranscriptSegment;
  current: boolean;
  onSeek(t: number): void;
}) {
  return (
    <li
      data-index={index}
      className={`rv-seg rv-seg--${segment.speaker}${current ? ' is-current' : ''}`}
      aria-current={current ? 'true' : undefined}
    >
      <button
        type="button"
        className="rv-seg__button"
        onClick={() => onSeek(segment.start)}
        title={`Play from ${formatClock(segment.start)}`}
      >
        <span className="rv-seg__time num">{formatClock(segment.start)}</span>
        <span className="rv-seg__speaker">{CHANNEL_LABELS[segment.speaker]}</span>
        <span className="rv-seg__text">{segment.text}</span>
      </button>
    </li>
  );
});

function emptyTitle(insight: InsightDoc | null): string {
  if (insight?.status === 'pending') return 'Transcript on its way';
  if (insight?.status === 'failed') return 'Transcription failed';
  return 'No transcript for this call yet';
}

function emptyDetail(insight: InsightDoc | null): string {
  if (insight?.status === 'pending')
    return 'The call is being transcribed; the transcript appears here when it is ready. You can review the call by ear meanwhile.';
  if (insight?.status === 'failed')
    return `${insight.error ?? 'The transcription provider returned an error.'} An admin can retry it.`;
  if (insight && insight.transcriber === null)
    return 'No transcription provider is configured, so this call is reviewed by ear.';
  return 'Transcripts appear here once the call has been transcribed. You can review the call by ear meanwhile.';
}
