import type { RingsideDesktopApi } from '../../../electron/preload/api';

/**
 * The desktop bridge. Inside Electron the preload exposes `window.ringside` (contextBridge; typed once in
 * electron/preload/api.ts and imported here as a type only). In a browser it is absent and the app falls
 * back to web storage. The renderer never imports Electron itself.
 */
declare global {
  interface Window {
    ringside?: RingsideDesktopApi;
  }
}

export function desktopBridge(): RingsideDesktopApi | null {
  return typeof window !== 'undefined' && window.ringside ? window.ringside : null;
}

export function isDesktop(): boolean {
  return desktopBridge() !== null;
}
