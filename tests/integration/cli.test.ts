import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-cli-'));
const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' };

const cli = (...args: string[]) => runCli(args, env);

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// Each command is a fresh Node process that opens the embedded database: seconds each on a busy machine.
describe('operator CLI', { timeout: 300_000 }, () => {
  it('migrates, adds, lists and revokes users on the embedded database', async () => {
    const migrate = await cli('migrate');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/applied migrations 1, 2|database is up to date/);
    const add = await cli(
      'user',
      'add',
      '--email',
      'ops@cli.test',
      '--password',
      'cli-password-123',
      '--role',
      'reviewer',
      '--json',
    );
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ email: 'ops@cli.test', role: 'reviewer', revoked: false });
    const list = await cli('user', 'list', '--json');
    expect(JSON.parse(list.stdout).map((u: { email: string }) => u.email)).toContain('ops@cli.test');
    const revoke = await cli('user', 'revoke', '--email', 'ops@cli.test');
    expect(revoke.stdout).toContain('revoked ops@cli.test');
    const after = JSON.parse((await cli('user', 'list', '--json')).stdout) as Array<{
      email: string;
      revoked: boolean;
    }>;
    expect(after.find((u) => u.email === 'ops@cli.test')!.revoked).toBe(true);
  });

  it('explains bad input instead of writing it', async () => {
    const badRole = await cli(
      'user',
      'add',
      '--email',
      'x@cli.test',
      '--password',
      'cli-password-123',
      '--role',
      'root',
    );
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/root.*invalid|Allowed choices/i);
    const shortPw = await cli('user', 'add', '--email', 'x@cli.test', '--password', 'short', '--role', 'author');
    expect(shortPw.code).toBe(1);
    expect(shortPw.stderr).toContain('password');
    const list = JSON.parse((await cli('user', 'list', '--json')).stdout) as Array<{ email: string }>;
    expect(list.map((u) => u.email)).not.toContain('x@cli.test');
  });

  it('has --help for every command', async () => {
    for (const args of [
      ['--help'],
      ['user', 'add', '--help'],
      ['user', 'list', '--help'],
      ['user', 'revoke', '--help'],
      ['migrate', '--help'],
      ['serve', '--help'],
    ]) {
      const res = await cli(...args);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toMatch(/Usage:/);
    }
  });
});
