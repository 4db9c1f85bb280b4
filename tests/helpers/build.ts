import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Makes sure out/renderer holds a build of the current sources before browser tests load it from the server.
 * Builds at most once per change: a stamp records the newest source time the build saw, and a lock (a
 * directory, created atomically) makes parallel test files wait for one build instead of racing.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER_OUT = path.join(ROOT, 'out/renderer');
const STAMP = path.join(RENDERER_OUT, '.ringside-build.json');
const LOCK = path.join(os.tmpdir(), `ringside-renderer-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
const SOURCES = ['renderer', 'shared', 'electron/preload/api.ts', 'electron.vite.config.ts', 'package-lock.json'];

function newestMtime(p: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

function sourcesMtime(): number {
  return Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
}

function isFresh(): boolean {
  if (!fs.existsSync(path.join(RENDERER_OUT, 'index.html'))) return false;
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8')) as { sourcesMtime: number };
    return stamp.sourcesMtime >= sourcesMtime();
  } catch {
    return false;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryLock(): boolean {
  try {
    fs.mkdirSync(LOCK);
    fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A lock left by a process that died is taken over.
    const pid = Number(fs.readFileSync(path.join(LOCK, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
    if (pid && !pidAlive(pid)) {
      fs.rmSync(LOCK, { recursive: true, force: true });
      return tryLock();
    }
    return false;
  }
}

async function waitForLock(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`renderer build lock ${LOCK} held for over ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Builds the renderer only (the part browser tests load), with the renderer section of
 * electron.vite.config.ts, the same as `npx electron-vite build` produces for out/renderer.
 */
function buildRenderer(): void {
  const started = Date.now();
  const seen = sourcesMtime();
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/helpers/build-renderer.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (res.status !== 0) {
    throw new Error(`renderer build failed (exit ${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
  }
  fs.writeFileSync(STAMP, JSON.stringify({ sourcesMtime: seen, builtAt: Date.now(), ms: Date.now() - started }));
}

/** Returns the directory of a fresh renderer build, building it first when a source changed. */
export async function ensureRendererBuilt(): Promise<string> {
  if (isFresh()) return RENDERER_OUT;
  await waitForLock(5 * 60_000);
  try {
    if (!isFresh()) buildRenderer();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
  return RENDERER_OUT;
}
