import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from '../../electron/main/menu';
import {
  DEFAULT_WINDOW_SIZE,
  MIN_WINDOW_SIZE,
  readSavedWindowState,
  restoreWindowState,
  saveWindowState,
} from '../../electron/main/window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const monitorOnRight = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('window state', () => {
  it('restores size, position and maximised state that fit the screens', () => {
    expect(
      restoreWindowState({ x: 1600, y: 100, width: 1800, height: 1000, maximized: true }, [laptop, monitorOnRight]),
    ).toEqual({
      x: 1600,
      y: 100,
      width: 1800,
      height: 1000,
      maximized: true,
    });
  });

  it('drops a position on a monitor that is no longer connected', () => {
    const state = restoreWindowState({ x: 1600, y: 100, width: 1200, height: 800, maximized: false }, [laptop]);
    expect(state).toEqual({ width: 1200, height: 800, maximized: false });
  });

  it('drops a position whose title bar is above the screen', () => {
    expect(restoreWindowState({ x: 100, y: -500, width: 1000, height: 700 }, [laptop]).y).toBeUndefined();
  });

  it('shrinks to the largest screen and never below the minimum size', () => {
    const big = restoreWindowState({ width: 5000, height: 3000 }, [laptop, monitorOnRight]);
    expect(big).toMatchObject({ width: 2560, height: 1415 });
    const tiny = restoreWindowState({ width: 200, height: 100 }, [laptop]);
    expect(tiny).toMatchObject(MIN_WINDOW_SIZE);
  });

  it('falls back to the default size for garbage', () => {
    for (const saved of [null, 'x', { width: -1, height: 10 }, { width: 'wide', height: 700 }]) {
      expect(restoreWindowState(saved, [laptop])).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
    }
  });

  it('round-trips through its file, and a corrupt file reads as nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-window-'));
    try {
      const file = path.join(dir, 'window-state.json');
      expect(await readSavedWindowState(file)).toBeNull();
      await saveWindowState(file, { x: 10, y: 20, width: 1300, height: 900 }, true);
      expect(restoreWindowState(await readSavedWindowState(file), [laptop, monitorOnRight])).toEqual({
        x: 10,
        y: 20,
        width: 1300,
        height: 900,
        maximized: true,
      });
      await writeFile(file, '{');
      expect(await readSavedWindowState(file)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('application menu', () => {
  const actions = { openServerInBrowser: () => undefined, showRecordingCache: () => undefined };

  it('offers developer tools only in an unpackaged build', () => {
    const dev = buildMenuTemplate({
      platform: 'linux',
      appName: 'Ringside',
      isPackaged: false,
      hasServer: true,
      actions,
    });
    const packaged = buildMenuTemplate({
      platform: 'linux',
      appName: 'Ringside',
      isPackaged: true,
      hasServer: true,
      actions,
    });
    expect(roles(dev)).toContain('toggleDevTools');
    expect(roles(packaged)).not.toContain('toggleDevTools');
  });

  it('has the macOS app menu on macOS only', () => {
    const mac = buildMenuTemplate({
      platform: 'darwin',
      appName: 'Ringside',
      isPackaged: true,
      hasServer: true,
      actions,
    });
    const win = buildMenuTemplate({
      platform: 'win32',
      appName: 'Ringside',
      isPackaged: true,
      hasServer: true,
      actions,
    });
    expect(mac[0].label).toBe('Ringside');
    expect(roles(mac)).toEqual(expect.arrayContaining(['hide', 'services', 'quit']));
    expect(win[0].label).toBe('File');
    expect(roles(win)).not.toContain('services');
  });

  it('wires the menu items to their actions and disables the server item without a server', () => {
    const calls: string[] = [];
    const template = buildMenuTemplate({
      platform: 'linux',
      appName: 'Ringside',
      isPackaged: true,
      hasServer: false,
      actions: { openServerInBrowser: () => calls.push('server'), showRecordingCache: () => calls.push('cache') },
    });
    const items = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
    const server = items.find((i) => i.label === 'Open the Sync Server in the Browser');
    const cache = items.find((i) => i.label === 'Show Recording Cache Folder');
    expect(server?.enabled).toBe(false);
    // The click signature is Electron's (menuItem, window, event); the actions ignore them.
    (cache?.click as () => void)();
    (server?.click as () => void)();
    expect(calls).toEqual(['cache', 'server']);
  });
});
