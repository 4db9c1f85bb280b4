import { useState, type RefObject } from 'react';
import type { CallAnalysis } from '../../../../../shared/analysis';
import { formatClock } from '../../../ui/format';
import { InsightWaveOverlay, type WaveSurface } from '../../insights';
import { PlayerToolbar } from '../player/PlayerToolbar';
import { WaveformPlayer, type PlayerHandle } from '../player/WaveformPlayer';
import { usePlayhead } from '../player/playhead';
import type { ShortcutAction } from '../player/shortcuts';
import { useReviewUi } from '../ui-store';
import type { Moments } from './use-moments';
import type { RecordingState } from './use-recording';

/**
 * The recording: toolbar, the waveform with the review's moments and the AI's marks on it, and the hint
 * while a moment is being marked from the keyboard.
 */
export function RecordingPanel({
  recording,
  playerRef,
  moments,
  analysis,
  onAction,
  onMediaError,
  onMomentSelected,
}: {
  recording: RecordingState;
  playerRef: RefObject<PlayerHandle | null>;
  moments: Moments;
  /** The AI's analysis, drawn on the waveform, or null while there is none. */
  analysis: CallAnalysis | null;
  onAction(action: ShortcutAction): void;
  onMediaError(err: Error): void;
  /** A moment was clicked on the waveform (null: the selection was cleared). */
  onMomentSelected(id: string | null): void;
}) {
  const speed = useReviewUi((s) => s.speed);
  const zoom = useReviewUi((s) => s.zoom);
  const { setSpeed, setZoom, setHelpOpen } = useReviewUi.getState();
  const markIn = usePlayhead((s) => s.markIn);
  const [waveSurface, setWaveSurface] = useState<WaveSurface | null>(null);

  return (
    <section className="rv-player" aria-label="Recording">
      <PlayerToolbar
        speed={speed}
        zoom={zoom}
        disabled={recording.status !== 'ready'}
        onTogglePlay={() => onAction({ type: 'toggle_play' })}
        onSkip={(s) => onAction({ type: 'skip', seconds: s })}
        onSpeed={setSpeed}
        onZoom={setZoom}
        onHelp={() => setHelpOpen(true)}
      />
      {recording.status === 'loading' && <div className="rv-player__state">Loading the waveform…</div>}
      {recording.status === 'error' && (
        <div className="rv-player__state rv-player__state--error" role="alert">
          <strong>The recording cannot be played.</strong> {recording.message}
        </div>
      )}
      {recording.status === 'ready' && (
        <>
          <WaveformPlayer
            ref={playerRef}
            url={recording.source.url}
            peaks={recording.source.peaks}
            detailPeaksUrl={recording.source.detailPeaksUrl}
            speed={speed}
            zoom={zoom}
            regions={moments.regions}
            selectedRegionId={moments.selectedId}
            markIn={markIn}
            onRegionCreate={moments.create}
            onRegionChange={moments.move}
            onRegionSelect={onMomentSelected}
            onMediaError={onMediaError}
            onWaveSurfer={setWaveSurface}
          />
          <InsightWaveOverlay surface={waveSurface} analysis={analysis} onSeek={(t) => playerRef.current?.seek(t)} />
        </>
      )}
      {markIn !== null && (
        <p className="rv-player__hint" role="status">
          Marking a moment from <span className="num">{formatClock(markIn)}</span>: press <kbd>]</kbd> at its end,{' '}
          <kbd>Esc</kbd> to cancel.
        </p>
      )}
    </section>
  );
}
