import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readOwner } from '../../sync-server/src/db/owner';
import { runCli } from '../helpers/cli';
import { serverClient, TEST_ADMIN } from '../helpers/server';

/**
 * The operator CLI beside a running server on the embedded database (issue: a `user add` beside `npm start`
 * reported success and was lost). The server is a real child process as `npm start` runs it; every command
 * is its own Node process, as an operator types it.
 */
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-owner-'));
const dataDir = path.join(work, 'data');

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

let port = 0;
const env = () => ({
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  PORT: String(port),
  DEMO: 'false',
  JOBS: 'false',
  LOG_LEVEL: 'warn',
  ADMIN_EMAIL: TEST_ADMIN.email,
  ADMIN_PASSWORD: TEST_ADMIN.password,
});
const cli = (...args: string[]) => runCli(args, env());

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}
const running: Server[] = [];

function spawnServer(): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const server = { child, output: () => text, exited };
  running.push(server);
  return server;
}

async function startServer(): Promise<Server> {
  const server = spawnServer();
  await vi.waitFor(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(res.status).toBe(200);
      // Ready for commands once its control socket is written into the lock file.
      expect(readOwner(path.join(dataDir, 'db'))?.socket).toBeTruthy();
    },
    { timeout: 60_000, interval: 200 },
  );
  return server;
}

async function stop(server: Server, signal: NodeJS.Signals = 'SIGTERM') {
  server.child.kill(signal);
  await server.exited;
}

afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) await stop(s, 'SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

describe('the CLI beside a running server on the embedded database', { timeout: 300_000 }, () => {
  it('sends writing commands to the server, so they take effect at once and survive a restart', async () => {
    port = await freePort();
    const server = await startServer();
    const api = serverClient(`http://127.0.0.1:${port}`);

    const add = await cli(
      'user',
      'add',
      '--email',
      'rita@owner.test',
      '--password',
      'rita-password-123',
      '--role',
      'reviewer',
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('rita@owner.test');
    // The running server knows the account at once: no restart, no second copy of the database.
    await expect(api.login('rita@owner.test', 'rita-password-123')).resolves.toMatch(/\S+/);

    const pool = await cli('pool', 'add', '+447700900123');
    expect(pool.code, pool.stderr).toBe(0);
    const adminToken = await api.login();
    const report = await api.api('/api/pool/report', { token: adminToken });
    expect(JSON.stringify(await report.json())).toContain('+447700900123');

    const list = await cli('user', 'list', '--json');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ email: string }>).map((u) => u.email).sort()).toEqual([
      TEST_ADMIN.email,
      'rita@owner.test',
    ]);

    // Errors from a command run inside the server come back as the command's own error and exit code.
    const bad = await cli('user', 'add', '--email', 'x@owner.test', '--password', 'short', '--role', 'author');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('password');
    const badRole = await cli(
      'user',
      'add',
      '--email',
      'x@owner.test',
      '--password',
      'long-enough-123',
      '--role',
      'root',
    );
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/Allowed choices/i);

    await stop(server);
    const again = await startServer();
    await expect(api.login('rita@owner.test', 'rita-password-123')).resolves.toMatch(/\S+/);
    await stop(again);
  });

  it('refuses a second server and a restore while one runs, naming it', async () => {
    const server = await startServer();
    const pid = String(server.child.pid);

    const second = spawnServer();
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(`in use by a running Ringside server (pid ${pid})`);
    const serve = await cli('serve');
    expect(serve.code).not.toBe(0);
    expect(serve.stderr).toContain(`pid ${pid}`);

    const restore = await cli('restore', path.join(work, 'nothing.tar.gz'));
    expect(restore.code).not.toBe(0);
    expect(restore.stderr).toContain(`Stop the server first`);
    // The running server is unharmed.
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    await stop(server);
  });

  it('backs up while the server runs and restores with the server stopped, keeping the replaced database', async () => {
    const server = await startServer();
    const file = path.join(work, 'backups', 'before.tar.gz');
    const backup = await cli('backup', '--out', file, '--json');
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file, rows: { users: 2 } });
    expect(fs.statSync(file).size).toBeGreaterThan(0);

    // A change after the backup, then the restore brings back the state at the backup.
    expect(
      (await cli('user', 'add', '--email', 'late@owner.test', '--password', 'late-password-123', '--role', 'author'))
        .code,
    ).toBe(0);
    await stop(server);
    const restore = await cli('restore', file, '--json');
    expect(restore.code, restore.stderr).toBe(0);
    const restored = JSON.parse(restore.stdout) as { previous: string };
    expect(fs.existsSync(restored.previous)).toBe(true);

    const emails = (JSON.parse((await cli('user', 'list', '--json')).stdout) as Array<{ email: string }>).map(
      (u) => u.email,
    );
    expect(emails).toContain('rita@owner.test');
    expect(emails).not.toContain('late@owner.test');

    const notABackup = await cli('restore', path.join(work, 'backups'));
    expect(notABackup.code).not.toBe(0);
    const garbage = path.join(work, 'garbage.tar.gz');
    fs.writeFileSync(garbage, 'not an archive');
    const refused = await cli('restore', garbage);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not a Ringside backup');
    // A refused restore changed nothing.
    expect((JSON.parse((await cli('user', 'list', '--json')).stdout) as unknown[]).length).toBe(2);
  });

  it('takes over the database from a server that was killed (kill -9 leaves its lock behind)', async () => {
    const server = await startServer();
    await stop(server, 'SIGKILL');
    expect(fs.existsSync(path.join(dataDir, 'db.lock'))).toBe(true);
    // A command with no server runs on its own, holding the database only while it runs.
    const list = await cli('user', 'list', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect(readOwner(path.join(dataDir, 'db'))).toBeNull();
    const next = await startServer();
    expect(readOwner(path.join(dataDir, 'db'))?.pid).toBe(next.child.pid);
    await stop(next);
    expect(fs.existsSync(path.join(dataDir, 'db.lock'))).toBe(false);
  });
});
