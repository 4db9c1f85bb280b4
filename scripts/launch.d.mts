// Types for scripts/launch.mjs, so the TypeScript tests can import its helpers.
import type { ChildProcess, SpawnOptions } from 'node:child_process';

export const ROOT: string;
export const ELECTRON_INSTALL_HINT: string;
export function say(message: string): void;
export function buildStaleness(root?: string): Promise<string | null>;
export function run(command: string, args: string[], options?: SpawnOptions): Promise<number>;
export function buildIfStale(root?: string): Promise<void>;
export function findElectronBinary(root?: string): { found: true; path: string } | { found: false; reason: string };

export interface RunningChild {
  name: string;
  child: ChildProcess;
  exited: Promise<{ name: string; code: number | null; signal: NodeJS.Signals | null }>;
}
export function startChild(name: string, command: string, args: string[], options?: SpawnOptions): RunningChild;
export function waitForHealth(
  url: string,
  server: RunningChild,
  options?: { timeoutMs?: number },
): Promise<{ status: string; version: string; database?: { kind: string }; sandbox?: boolean }>;
export function signalChild(running: RunningChild, signal: NodeJS.Signals): void;
export function handleStopSignals(
  children: () => RunningChild[],
  options: { onStopped: () => void },
): (signal?: NodeJS.Signals) => Promise<void>;
