import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from './files';

/**
 * The main window's size, position and maximised state, remembered between launches. A saved position
 * is used only when the window's title bar would land on a screen that still exists (a laptop undocked
 * from its second monitor must not open the app off-screen).
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent: let the window manager centre it. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;
export const MIN_WINDOW_SIZE = { width: 960, height: 600 } as const;
/** How much of the title bar must be on a screen to keep the saved position (pixels). */
const VISIBLE_TITLE_BAR = { width: 120, height: 24 } as const;

const SavedStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** Turns what was saved (possibly garbage, possibly from another monitor setup) into a usable state. */
export function restoreWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  const parsed = SavedStateSchema.safeParse(saved);
  if (!parsed.success || workAreas.length === 0) return { ...DEFAULT_WINDOW_SIZE, maximized: false };
  const largest = workAreas.reduce((a, b) => (a.width * a.height >= b.width * b.height ? a : b));
  const width = Math.max(MIN_WINDOW_SIZE.width, Math.min(parsed.data.width, largest.width));
  const height = Math.max(MIN_WINDOW_SIZE.height, Math.min(parsed.data.height, largest.height));
  const state: WindowState = { width, height, maximized: parsed.data.maximized };
  const { x, y } = parsed.data;
  if (x !== undefined && y !== undefined) {
    const titleBar: Rect = { x, y, width, height: VISIBLE_TITLE_BAR.height };
    const onScreen = workAreas.some((area) => {
      const o = overlap(titleBar, area);
      return o.width >= Math.min(VISIBLE_TITLE_BAR.width, width) && o.height >= VISIBLE_TITLE_BAR.height;
    });
    if (onScreen) {
      state.x = x;
      state.y = y;
    }
  }
  return state;
}

export async function readSavedWindowState(file: string): Promise<unknown> {
  try {
    const saved: unknown = JSON.parse(await readFile(file, 'utf8'));
    return saved;
  } catch {
    // Missing or corrupt: the defaults are a fine answer for a window size.
    return null;
  }
}

/** `bounds` must be the normal (restored) bounds, so un-maximising returns to the size the person chose. */
export function saveWindowState(file: string, bounds: Rect, maximized: boolean): Promise<void> {
  const state: WindowState = { ...bounds, maximized };
  return writeFileAtomic(file, `${JSON.stringify(state)}\n`);
}
