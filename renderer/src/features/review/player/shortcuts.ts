/**
 * Keyboard shortcuts of the review workspace. One table drives both the key handling and the help overlay,
 * so what the overlay lists is exactly what the keys do. Conventions follow transcription and editing tools:
 * space or K to play/pause, J/L to jump back/forward, [ and ] to mark a moment's in and out points.
 */
export type ShortcutAction =
  | { type: 'toggle_play' }
  | { type: 'pause' }
  | { type: 'skip'; seconds: number }
  | { type: 'speed'; direction: 1 | -1 }
  | { type: 'speed_reset' }
  | { type: 'zoom'; direction: 1 | -1 }
  | { type: 'seek_start' }
  | { type: 'seek_end' }
  | { type: 'mark_in' }
  | { type: 'mark_out' }
  | { type: 'score'; value: 1 | 2 | 3 | 4 | 5 }
  | { type: 'help' }
  | { type: 'escape' };

export interface Shortcut {
  keys: string[];
  description: string;
  group: 'Playback' | 'Moments' | 'Scoring' | 'View';
  action: ShortcutAction;
  /** Matches a KeyboardEvent. */
  match: (e: KeyLike) => boolean;
}

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export const SKIP_SECONDS = 5;
export const FINE_SKIP_SECONDS = 1;

const plain = (e: KeyLike) => !e.ctrlKey && !e.metaKey && !e.altKey;
const is =
  (key: string, opts: { shift?: boolean } = {}) =>
  (e: KeyLike) =>
    plain(e) && e.key.toLowerCase() === key.toLowerCase() && (opts.shift === undefined || e.shiftKey === opts.shift);

export const SHORTCUTS: Shortcut[] = [
  {
    keys: ['Space'],
    description: 'Play / pause',
    group: 'Playback',
    action: { type: 'toggle_play' },
    match: (e) => plain(e) && e.key === ' ',
  },
  { keys: ['K'], description: 'Play / pause', group: 'Playback', action: { type: 'toggle_play' }, match: is('k') },
  {
    keys: ['J'],
    description: `Back ${SKIP_SECONDS} s`,
    group: 'Playback',
    action: { type: 'skip', seconds: -SKIP_SECONDS },
    match: is('j'),
  },
  {
    keys: ['L'],
    description: `Forward ${SKIP_SECONDS} s`,
    group: 'Playback',
    action: { type: 'skip', seconds: SKIP_SECONDS },
    match: is('l'),
  },
  {
    keys: ['←'],
    description: `Back ${SKIP_SECONDS} s`,
    group: 'Playback',
    action: { type: 'skip', seconds: -SKIP_SECONDS },
    match: is('ArrowLeft', { shift: false }),
  },
  {
    keys: ['→'],
    description: `Forward ${SKIP_SECONDS} s`,
    group: 'Playback',
    action: { type: 'skip', seconds: SKIP_SECONDS },
    match: is('ArrowRight', { shift: false }),
  },
  {
    keys: ['Shift', '←'],
    description: `Back ${FINE_SKIP_SECONDS} s`,
    group: 'Playback',
    action: { type: 'skip', seconds: -FINE_SKIP_SECONDS },
    match: is('ArrowLeft', { shift: true }),
  },
  {
    keys: ['Shift', '→'],
    description: `Forward ${FINE_SKIP_SECONDS} s`,
    group: 'Playback',
    action: { type: 'skip', seconds: FINE_SKIP_SECONDS },
    match: is('ArrowRight', { shift: true }),
  },
  {
    keys: ['↑'],
    description: 'Faster (up to 2×)',
    group: 'Playback',
    action: { type: 'speed', direction: 1 },
    match: is('ArrowUp'),
  },
  {
    keys: ['↓'],
    description: 'Slower (down to 0.5×)',
    group: 'Playback',
    action: { type: 'speed', direction: -1 },
    match: is('ArrowDown'),
  },
  { keys: ['0'], description: 'Normal speed (1×)', group: 'Playback', action: { type: 'speed_reset' }, match: is('0') },
  { keys: ['Home'], description: 'Go to start', group: 'Playback', action: { type: 'seek_start' }, match: is('Home') },
  { keys: ['End'], description: 'Go to end', group: 'Playback', action: { type: 'seek_end' }, match: is('End') },
  {
    keys: ['['],
    description: 'Mark the start of a moment here',
    group: 'Moments',
    action: { type: 'mark_in' },
    match: (e) => plain(e) && e.key === '[',
  },
  {
    keys: [']'],
    description: 'Mark the end and create the moment',
    group: 'Moments',
    action: { type: 'mark_out' },
    match: (e) => plain(e) && e.key === ']',
  },
  ...([1, 2, 3, 4, 5] as const).map<Shortcut>((n) => ({
    keys: [String(n)],
    description: n === 1 ? 'Answer the current question: 1–5 on a scale; 1 yes, 2 no; the nth option' : '',
    group: 'Scoring',
    action: { type: 'score', value: n },
    match: (e) => plain(e) && e.key === String(n),
  })),
  {
    keys: ['+'],
    description: 'Zoom in',
    group: 'View',
    action: { type: 'zoom', direction: 1 },
    match: (e) => plain(e) && (e.key === '+' || e.key === '='),
  },
  {
    keys: ['−'],
    description: 'Zoom out',
    group: 'View',
    action: { type: 'zoom', direction: -1 },
    match: (e) => plain(e) && (e.key === '-' || e.key === '_'),
  },
  {
    keys: ['?'],
    description: 'Show or hide these shortcuts',
    group: 'View',
    action: { type: 'help' },
    match: (e) => !e.ctrlKey && !e.metaKey && e.key === '?',
  },
  {
    keys: ['Esc'],
    description: 'Close this help / cancel a moment being marked',
    group: 'View',
    action: { type: 'escape' },
    match: (e) => e.key === 'Escape',
  },
];

/** The action for a key press, or null when the key is not a shortcut. */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  return SHORTCUTS.find((s) => s.match(e))?.action ?? null;
}

/** True when typing in this element must not trigger shortcuts (text fields, menus, editable content). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'range'].includes(target.type);
  }
  return false;
}

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;

/** Steps through an ascending list: the next value above `current`, or the last below it; clamped at the ends. */
function stepIn(values: readonly number[], current: number, direction: 1 | -1): number {
  if (direction === 1) return values.find((v) => v > current + 1e-9) ?? values[values.length - 1];
  return [...values].reverse().find((v) => v < current - 1e-9) ?? values[0];
}

/** The next playback speed one step up or down, clamped to 0.5–2×. */
export function stepSpeed(current: number, direction: 1 | -1): number {
  return stepIn(SPEEDS, current, direction);
}

export const ZOOM_LEVELS = [0, 2, 5, 10, 25, 50, 100, 200] as const;

/** Next zoom (pixels per second; 0 = fit the whole call) one step in or out. */
export function stepZoom(current: number, direction: 1 | -1): number {
  return stepIn(ZOOM_LEVELS, current, direction);
}
