import { useSyncExternalStore } from 'react';

/**
 * Hash routing (`#/review/call/123`): the same build is served by the sync server over http and loaded from
 * disk by the desktop app, where only the fragment can change without asking the server or the file system.
 */
function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current path, e.g. `/review/call/123`. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** Path segments after a screen's own path: for `/review/call/123` on screen `/review`, `['call', '123']`. */
export function useSubPath(screenPath: string): string[] {
  const path = usePath();
  if (!path.startsWith(screenPath)) return [];
  return path.slice(screenPath.length).split('/').filter(Boolean).map(decodeURIComponent);
}

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  const target = `#${path.startsWith('/') ? path : `/${path}`}`;
  if (opts.replace) window.location.replace(target);
  else window.location.hash = target;
}

export function href(path: string): string {
  return `#${path}`;
}
