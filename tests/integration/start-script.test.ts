import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStaleness, findElectronBinary } from '../../scripts/launch.mjs';
import { waitUntil } from '../helpers/wait';

/**
 * `npm start` and `npm run desktop` as a person runs them: real child processes, a real sync server on a
 * real embedded database in a temporary folder, real signals.
 */

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ringside-start-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnScript(script: string, args: string[], env: Record<string, string>): Spawned {
  let output = '';
  const child = spawn(process.execPath, [script, ...args], {
    cwd: path.resolve('.'),
    env: { ...process.env, DATABASE_URL: '', RINGSIDE_SERVER_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits (vi.waitFor, through waitUntil) for the output to match, or the process to exit first (a failure). */
async function waitForOutput(spawned: Spawned, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  await waitUntil(
    `output matching ${pattern}`,
    () => pattern.test(spawned.output()) || spawned.child.exitCode !== null,
    Boolean,
    { timeout: timeoutMs, interval: 50 },
  ).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${spawned.output()}`);
  });
  if (!pattern.test(spawned.output())) throw new Error(`exited early:\n${spawned.output()}`);
}

describe('npm start', () => {
  it('starts the sync server on the embedded database, prints the address, and stops gracefully on Ctrl-C', async () => {
    const port = await freePort();
    const dataDir = path.join(tmp, 'data');
    const start = spawnScript('scripts/start.mjs', ['--no-build', '--no-desktop'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DEMO: '0',
    });
    try {
      await waitForOutput(start, new RegExp(`Open http://localhost:${port} in your browser`));
      expect(start.output()).toMatch(/First start: created the admin account[\s\S]*password: \S{12,}/);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: { kind: 'pglite' } });

      start.child.kill('SIGINT');
      expect(await start.exited).toBe(0);
      expect(start.output()).toContain('the sync server stopped (exit code 0)');
      await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
    } finally {
      start.child.kill('SIGKILL');
    }
  });

  it('exits with the configuration error when the server cannot start', async () => {
    const start = spawnScript('scripts/start.mjs', ['--no-build', '--no-desktop'], {
      PORT: String(await freePort()),
      DATA_DIR: path.join(tmp, 'bad'),
      DATABASE_URL: 'mysql://nope',
    });
    const code = await start.exited;
    expect(code).not.toBe(0);
    expect(start.output()).toContain('DATABASE_URL: must start with postgres://');
  });

  it('refuses a PORT it cannot announce', async () => {
    const start = spawnScript('scripts/start.mjs', ['--no-build'], { PORT: '0' });
    expect(await start.exited).toBe(2);
    expect(start.output()).toContain('PORT must be a port number from 1 to 65535');
  });
});

describe('npm run desktop', () => {
  it('fails with a clear message when no Electron binary is installed', async () => {
    const emptyDist = path.join(tmp, 'no-electron');
    await mkdir(emptyDist, { recursive: true });
    const desktop = spawnScript('scripts/desktop.mjs', [], { ELECTRON_OVERRIDE_DIST_PATH: emptyDist });
    expect(await desktop.exited).toBe(1);
    expect(desktop.output()).toMatch(/^Cannot open the Ringside desktop app: /);
    expect(desktop.output()).toContain('node node_modules/electron/install.js');
  });
});

describe('launch helpers', () => {
  it('rebuilds when an output is missing or a source is newer than the oldest output', async () => {
    const root = path.join(tmp, 'project');
    const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
    await mkdir(path.join(root, 'renderer/src'), { recursive: true });
    await writeFile(path.join(root, 'renderer/src/main.tsx'), 'x');
    expect(await buildStaleness(root)).toBe('out/main/index.js is missing');

    const old = new Date('2025-01-01T00:00:00Z');
    const newer = new Date('2025-01-02T00:00:00Z');
    for (const output of outputs) {
      await mkdir(path.dirname(path.join(root, output)), { recursive: true });
      await writeFile(path.join(root, output), 'built');
      await utimes(path.join(root, output), newer, newer);
    }
    await utimes(path.join(root, 'renderer/src/main.tsx'), old, old);
    await utimes(path.join(root, 'renderer/src'), old, old);
    await utimes(path.join(root, 'renderer'), old, old);
    expect(await buildStaleness(root)).toBeNull();

    const later = new Date('2025-01-03T00:00:00Z');
    await utimes(path.join(root, 'renderer/src/main.tsx'), later, later);
    expect(await buildStaleness(root)).toBe('renderer changed since the last build');
  });

  it('finds the Electron binary only when path.txt names a file that exists', async () => {
    const root = path.join(tmp, 'electron-check');
    await mkdir(path.join(root, 'node_modules/electron/dist'), { recursive: true });
    const previous = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
    try {
      expect(findElectronBinary(root)).toMatchObject({
        found: false,
        reason: expect.stringContaining('path.txt is missing'),
      });
      await writeFile(path.join(root, 'node_modules/electron/path.txt'), 'electron');
      expect(findElectronBinary(root)).toMatchObject({
        found: false,
        reason: expect.stringContaining('does not exist'),
      });
      await writeFile(path.join(root, 'node_modules/electron/dist/electron'), '');
      expect(findElectronBinary(root)).toEqual({
        found: true,
        path: path.join(root, 'node_modules/electron/dist/electron'),
      });
    } finally {
      if (previous !== undefined) process.env.ELECTRON_OVERRIDE_DIST_PATH = previous;
    }
  });
});
