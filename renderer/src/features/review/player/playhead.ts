import { create } from 'zustand';

/**
 * The playback position and state, written on every animation frame while playing. Components subscribe
 * with selectors (the transcript to its current segment, the clock to tenths of a second), so a frame only
 * re-renders what actually changed.
 */
export interface PlayheadState {
  time: number;
  duration: number;
  playing: boolean;
  /** Set by `[`: the start of a moment being marked, until `]` or Esc. */
  markIn: number | null;
}

export const usePlayhead = create<PlayheadState>(() => ({ time: 0, duration: 0, playing: false, markIn: null }));
