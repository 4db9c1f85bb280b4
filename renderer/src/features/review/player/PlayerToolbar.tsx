import { usePlayhead } from './playhead';
import { SKIP_SECONDS, SPEEDS, ZOOM_LEVELS, stepZoom } from './shortcuts';
import { formatClock } from '../../../ui/format';

export interface PlayerToolbarProps {
  speed: number;
  zoom: number;
  disabled: boolean;
  onTogglePlay(): void;
  onSkip(seconds: number): void;
  onSpeed(speed: number): void;
  onZoom(zoom: number): void;
  onHelp(): void;
}

/**
 * Transport, clock, speed and zoom. Every control names its shortcut in its tooltip. The skip buttons are
 * named by what they show (−5s, +5s) with the tooltip as their description: a spoken name that differs from
 * the visible text is one a voice-control user cannot say.
 */
export function PlayerToolbar(p: PlayerToolbarProps) {
  const playing = usePlayhead((s) => s.playing);
  return (
    <div className="rv-toolbar" role="toolbar" aria-label="Player">
      <button
        type="button"
        className="btn btn--sm rv-toolbar__skip"
        onClick={() => p.onSkip(-SKIP_SECONDS)}
        disabled={p.disabled}
        title="Back 5 s (J or ←)"
      >
        −{SKIP_SECONDS}s
      </button>
      <button
        type="button"
        className="btn btn--primary rv-toolbar__play"
        onClick={p.onTogglePlay}
        disabled={p.disabled}
        title={playing ? 'Pause (Space or K)' : 'Play (Space or K)'}
        aria-label={playing ? 'Pause' : 'Play'}
        data-playing={playing ? 'true' : 'false'}
      >
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <button
        type="button"
        className="btn btn--sm rv-toolbar__skip"
        onClick={() => p.onSkip(SKIP_SECONDS)}
        disabled={p.disabled}
        title="Forward 5 s (L or →)"
      >
        +{SKIP_SECONDS}s
      </button>
      <Clock />
      <span className="spacer" />
      <label className="rv-toolbar__field" title="Playback speed (↑ faster, ↓ slower, 0 normal)">
        <span>Speed</span>
        <select
          className="select rv-toolbar__select"
          value={p.speed}
          onChange={(e) => p.onSpeed(Number(e.target.value))}
          aria-label="Playback speed"
          data-testid="speed"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <div className="rv-toolbar__zoom" role="group" aria-label="Zoom">
        <button
          type="button"
          className="btn btn--sm"
          onClick={() => p.onZoom(stepZoom(p.zoom, -1))}
          disabled={p.zoom === ZOOM_LEVELS[0]}
          title="Zoom out (−)"
          aria-label="Zoom out"
        >
          −
        </button>
        <button
          type="button"
          className="btn btn--sm"
          onClick={() => p.onZoom(0)}
          disabled={p.zoom === 0}
          title="Fit the whole call"
          aria-label="Fit whole call"
        >
          Fit
        </button>
        <button
          type="button"
          className="btn btn--sm"
          onClick={() => p.onZoom(stepZoom(p.zoom, 1))}
          disabled={p.zoom === ZOOM_LEVELS[ZOOM_LEVELS.length - 1]}
          title="Zoom in (+)"
          aria-label="Zoom in"
        >
          +
        </button>
      </div>
      <button
        type="button"
        className="btn btn--sm btn--ghost"
        onClick={p.onHelp}
        title="Keyboard shortcuts (?)"
        aria-label="Keyboard shortcuts"
      >
        ?
      </button>
    </div>
  );
}

function Clock() {
  const tenths = usePlayhead((s) => Math.floor(s.time * 10));
  const duration = usePlayhead((s) => s.duration);
  const t = tenths / 10;
  return (
    <span className="rv-clock num" aria-live="off" data-testid="clock" data-seconds={t.toFixed(1)}>
      {formatClock(t)}.{tenths % 10}{' '}
      <span className="rv-clock__of" data-testid="clock-length">
        / {duration > 0 ? formatClock(duration) : '–:––'}
      </span>
    </span>
  );
}

const PlayIcon = () => (
  <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
    <path d="M3 1.5v11l9-5.5z" fill="currentColor" />
  </svg>
);
const PauseIcon = () => (
  <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
    <path d="M3 1.5h3v11H3zM8 1.5h3v11H8z" fill="currentColor" />
  </svg>
);
