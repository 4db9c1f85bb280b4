import { useEffect, useMemo, useRef, useState } from 'react';
import type WaveSurfer from 'wavesurfer.js';
import type { CallAnalysis, Speaker } from '../../../../shared/analysis';
import { markersOf, type Marker } from './insight-model';
import { attachInsightOverlay, type OverlayHandle } from './waveform-overlay';
import './insights.css';
import { formatClock } from '../../ui/format';
import { CHANNEL_LABELS } from '../../ui/labels';

/** What the player hands out for drawing on its waveform. */
export interface WaveSurface {
  ws: WaveSurfer;
  /** Lanes top to bottom. */
  lanes: readonly Speaker[];
  /** Pixel height of one lane, so markers sit on the lane of who spoke. */
  laneHeight: number;
}
const NO_LANES: readonly Speaker[] = [];

/**
 * The AI's markers and sentiment curve on the review workspace's waveform, and, under the player, the quote
 * of the marker last clicked. Clicking a marker seeks to it; the quote stays until another marker is chosen
 * or it is closed, so the reviewer can listen and read together.
 */
export function InsightWaveOverlay({
  surface,
  analysis,
  onSeek,
}: {
  /** The player's wavesurfer instance and lanes (`WaveformPlayer`'s onWaveSurfer), or null while there is none. */
  surface: WaveSurface | null;
  analysis: CallAnalysis | null;
  onSeek(seconds: number): void;
}) {
  const ws = surface?.ws ?? null;
  const lanes = surface?.lanes ?? NO_LANES;
  const laneHeight = surface?.laneHeight ?? 0;
  const duration = ws?.getDuration() ?? 0;
  // About 4 % of the call: flags closer than that would overlap at the zoom that fits the whole call.
  const markers = useMemo(
    () => (analysis ? markersOf(analysis, { crowdSeconds: Math.max(1, duration * 0.04), maxRows: 3 }) : []),
    [analysis, duration],
  );
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = markers.find((m) => m.id === selectedId) ?? null;
  const handle = useRef<OverlayHandle | null>(null);
  const seekRef = useRef(onSeek);
  seekRef.current = onSeek;

  const content = useMemo(
    () => ({
      markers,
      curve: analysis?.sentiment.curve ?? [],
      lanes,
      laneHeight,
      selectedId,
      onMarkerClick: (m: Marker) => {
        setSelectedId(m.id);
        seekRef.current(m.time);
      },
    }),
    [markers, analysis, lanes, laneHeight, selectedId],
  );
  const contentRef = useRef(content);
  contentRef.current = content;

  // One overlay per wavesurfer instance (the player rebuilds it for another recording) and per analysis.
  useEffect(() => {
    if (!ws || !analysis) return;
    const h = attachInsightOverlay(ws, contentRef.current);
    handle.current = h;
    return () => {
      h.destroy();
      handle.current = null;
    };
  }, [ws, analysis]);

  useEffect(() => {
    handle.current?.update(content);
  }, [content]);

  if (!analysis || markers.length === 0) return null;
  const objections = markers.filter((m) => m.kind === 'objection').length;
  const triggers = markers.length - objections;

  return (
    <div className="ins-callout" data-testid="marker-callout" data-marker={selected?.id ?? ''}>
      {selected ? (
        <>
          <span
            className={`ins-chip ins-chip--${selected.kind}${selected.handled === false ? ' ins-chip--unhandled' : ''}`}
          >
            {selected.kind === 'objection' ? 'Objection' : 'Trigger'} · {selected.label}
          </span>
          <button type="button" className="ins-callout__time num" onClick={() => onSeek(selected.time)}>
            {formatClock(selected.time)}
          </button>
          <span className="ins-callout__who">{CHANNEL_LABELS[selected.speaker]}:</span>
          <q className="ins-callout__quote" data-testid="marker-quote">
            {selected.quote}
          </q>
          {selected.kind === 'objection' && (
            <span className="ins-callout__handled">
              {selected.response ? (
                <>
                  {selected.handled ? 'Handled' : 'Answered, but the customer came back to it'}:{' '}
                  <button type="button" className="link-button num" onClick={() => onSeek(selected.response!.time)}>
                    {formatClock(selected.response.time)}
                  </button>{' '}
                  <q>{selected.response.quote}</q>
                </>
              ) : (
                'Not answered by the assessor.'
              )}
            </span>
          )}
          <button
            type="button"
            className="ins-callout__close"
            aria-label="Close the quote"
            onClick={() => setSelectedId(null)}
          >
            ×
          </button>
        </>
      ) : (
        <span className="ins-callout__hint">
          {objections > 0 && (
            <>
              <span className="ins-legend ins-legend--objection" aria-hidden="true" /> {objections}{' '}
              {objections === 1 ? 'objection' : 'objections'}{' '}
            </>
          )}
          {triggers > 0 && (
            <>
              {objections > 0 && 'and '}
              <span className="ins-legend ins-legend--trigger" aria-hidden="true" /> {triggers}{' '}
              {triggers === 1 ? 'conversion trigger' : 'conversion triggers'}{' '}
            </>
          )}
          marked by the AI. Click a marker to hear it and read the quote.
        </span>
      )}
    </div>
  );
}
