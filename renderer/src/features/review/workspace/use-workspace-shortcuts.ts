import { useEffect, useRef, type RefObject } from 'react';
import type { ReviewAnswer, ScorecardDoc } from '../../../../../shared/schemas';
import { allQuestions, answerForKey, nextQuestionId } from '../../scorecards';
import type { PlayerHandle } from '../player/WaveformPlayer';
import { usePlayhead } from '../player/playhead';
import { isTypingTarget, shortcutFor, stepSpeed, stepZoom, type ShortcutAction } from '../player/shortcuts';
import { useReviewUi } from '../ui-store';

export interface WorkspaceActionContext {
  playerRef: RefObject<PlayerHandle | null>;
  readOnly: boolean;
  scorecard: ScorecardDoc | null;
  answers: Readonly<Record<string, ReviewAnswer>>;
  activeQuestionId: string | null;
  answer(questionId: string, value: ReviewAnswer): void;
  /** After a number key answered: the scorecard tab shows, and the next question is the active one. */
  onScored(nextQuestionId: string): void;
  createMoment(start: number, end: number): void;
  selectMoment(id: string | null): void;
}

/**
 * What each workspace action does (player/shortcuts.ts maps keys to actions; the toolbar's buttons send the
 * same ones), and the window's key listener. Returns the dispatcher for the buttons.
 */
export function useWorkspaceShortcuts(ctx: WorkspaceActionContext): (action: ShortcutAction) => void {
  const handleAction = (action: ShortcutAction) => {
    const player = ctx.playerRef.current;
    const ui = useReviewUi.getState();
    switch (action.type) {
      case 'toggle_play':
        return player?.togglePlay();
      case 'pause':
        return player?.pause();
      case 'skip':
        return player?.skip(action.seconds);
      case 'seek_start':
        return player?.seek(0);
      case 'seek_end':
        return player?.seek(usePlayhead.getState().duration);
      case 'speed':
        return ui.setSpeed(stepSpeed(ui.speed, action.direction));
      case 'speed_reset':
        return ui.setSpeed(1);
      case 'zoom':
        return ui.setZoom(stepZoom(ui.zoom, action.direction));
      case 'mark_in':
        if (!ctx.readOnly && player) usePlayhead.setState({ markIn: player.currentTime() });
        return;
      case 'mark_out': {
        if (ctx.readOnly || !player) return;
        const t = player.currentTime();
        // Without an in point, `]` marks the last five seconds: the moment that was just heard.
        const from = usePlayhead.getState().markIn ?? Math.max(0, t - 5);
        usePlayhead.setState({ markIn: null });
        if (Math.abs(t - from) >= 0.3) ctx.createMoment(Math.min(from, t), Math.max(from, t));
        return;
      }
      case 'score': {
        const { scorecard } = ctx;
        if (!scorecard || ctx.readOnly) return;
        const q = allQuestions(scorecard).find((x) => x.id === ctx.activeQuestionId);
        if (!q) return;
        const value = answerForKey(q, action.value);
        if (value === null) return;
        ctx.answer(q.id, value);
        ctx.onScored(nextQuestionId(scorecard, q.id, { ...ctx.answers, [q.id]: value }));
        return;
      }
      case 'help':
        return ui.setHelpOpen(!ui.helpOpen);
      case 'escape':
        if (ui.helpOpen) return ui.setHelpOpen(false);
        if (usePlayhead.getState().markIn !== null) return usePlayhead.setState({ markIn: null });
        return ctx.selectMoment(null);
    }
  };
  // The listener is added once; it always runs this render's handler.
  const actionRef = useRef(handleAction);
  actionRef.current = handleAction;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target)) return;
      const action = shortcutFor(e);
      if (!action) return;
      // Space would also click a focused button and arrows would scroll: the workspace owns these keys.
      e.preventDefault();
      actionRef.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return handleAction;
}
