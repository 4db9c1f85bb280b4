// Helpers shared by scripts/start.mjs (`npm start`) and scripts/desktop.mjs (`npm run desktop`): build the
// app when its sources changed, find the Electron binary, start child processes, wait for the server,
// and stop everything gracefully on Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** What `electron-vite build` produces, and what it reads. */
const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const BUILD_INPUTS = ['electron', 'renderer', 'shared', 'electron.vite.config.ts', 'package.json', 'tsconfig.json'];
const SKIPPED_DIRS = new Set(['node_modules', 'out', 'dist', '.git']);

export function say(message) {
  console.log(`[ringside] ${message}`);
}

async function newestModification(target) {
  let info;
  try {
    info = await stat(target);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(target, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIPPED_DIRS.has(entry.name)) continue;
    newest = Math.max(newest, await newestModification(path.join(target, entry.name)));
  }
  return newest;
}

/** Why out/ must be rebuilt, or null when it is newer than every source it is built from. */
export async function buildStaleness(root = ROOT) {
  let oldestOutput = Infinity;
  for (const output of BUILD_OUTPUTS) {
    const file = path.join(root, output);
    if (!existsSync(file)) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, (await stat(file)).mtimeMs);
  }
  for (const input of BUILD_INPUTS) {
    if ((await newestModification(path.join(root, input))) > oldestOutput)
      return `${input} changed since the last build`;
  }
  return null;
}

/** Runs a child to completion with inherited output; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Builds main, preload and renderer with electron-vite when out/ is missing or older than the sources. */
export async function buildIfStale(root = ROOT) {
  const reason = await buildStaleness(root);
  if (!reason) {
    say('the app build is up to date');
    return;
  }
  say(`building the app (${reason})…`);
  const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules/electron-vite/package.json'), 'utf8'));
  const cli = path.join(root, 'node_modules/electron-vite', pkg.bin['electron-vite']);
  const code = await run(process.execPath, [cli, 'build'], { cwd: root });
  if (code !== 0) throw new Error(`electron-vite build failed (exit code ${code})`);
}

/**
 * The Electron executable, the way the `electron` package finds it (path.txt, written when its binary was
 * downloaded, under node_modules/electron/dist or ELECTRON_OVERRIDE_DIST_PATH), or why there is none.
 */
export function findElectronBinary(root = ROOT) {
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) {
    return {
      found: false,
      reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)',
    };
  }
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(root, 'node_modules/electron/dist');
  const executable = path.join(dist, relative);
  if (!existsSync(executable)) return { found: false, reason: `${executable} does not exist` };
  return { found: true, path: executable };
}

export const ELECTRON_INSTALL_HINT =
  'Download it once with `node node_modules/electron/install.js` (it fetches Electron from GitHub), ' +
  'or set ELECTRON_OVERRIDE_DIST_PATH to a folder holding an Electron build.';

/**
 * Starts a long-running child. On POSIX it gets its own process group, so a Ctrl-C in the terminal reaches
 * only this script, which then stops the children once and in order (a second SIGINT would make the sync
 * server skip its graceful shutdown). Windows delivers Ctrl-C to the whole console instead.
 */
export function startChild(name, command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: 'inherit',
    detached: process.platform !== 'win32',
    ...options,
  });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ name, code, signal }));
    child.once('error', (err) => {
      say(`${name} could not start: ${err.message}`);
      resolve({ name, code: 1, signal: null });
    });
  });
  return { name, child, exited };
}

/**
 * Polls `<url>/api/health` until the server reports ok, the server process exits, or the bound passes.
 * A fresh embedded database takes a few seconds to create, so the bound is generous.
 */
export async function waitForHealth(url, server, { timeoutMs = 180_000 } = {}) {
  let exit = null;
  void server.exited.then((result) => {
    exit = result;
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exit) throw new Error(`the sync server exited during start-up (exit code ${exit.code ?? exit.signal})`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      const body = await res.json().catch(() => null);
      if (res.status === 200 && body?.status === 'ok') return body;
      last = `HTTP ${res.status} ${body?.status ?? ''}`.trim();
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the sync server did not become healthy within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

/** Sends a signal to a child's process group (POSIX) or the child itself (Windows). */
export function signalChild(running, signal) {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Ctrl-C / SIGTERM: the first asks every child to stop gracefully (in the given order), waits, then calls
 * `onStopped`; a second one kills them. Returns `stopAll`, which does the same on demand (when Electron
 * quits, or start-up fails) and resolves once every child has exited; calling it again returns the same
 * promise.
 */
export function handleStopSignals(children, { onStopped }) {
  let stopping = null;
  const stopAll = (signal = 'SIGTERM') => {
    stopping ??= (async () => {
      for (const running of children()) {
        // Windows already delivered the console's Ctrl-C to every child.
        if (!(process.platform === 'win32' && signal === 'SIGINT')) signalChild(running, signal);
        await running.exited;
      }
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (stopping) {
        say('stopping now');
        for (const running of children()) signalChild(running, 'SIGKILL');
        process.exit(130);
      }
      say(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping (press Ctrl-C again to force)…`);
      void stopAll(signal).then(onStopped);
    });
  }
  return stopAll;
}
