import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { errorCode } from '../../../shared/objects';

/**
 * One owner per embedded database directory. PGlite keeps the whole database inside one process: a second
 * process that opens the same directory works on its own copy, and whichever closes last overwrites the
 * other's writes (a CLI `user add` beside a running server reported success and was lost). So every process
 * that opens a PGlite directory first claims it with a lock file beside it (`<dir>.lock`), created
 * exclusively; a claim left by a process that no longer runs is taken over.
 *
 * The running server also writes where its control socket listens and a secret for it into the lock file
 * (mode 0600, readable only by the account that runs the server), so operator commands reach the server
 * instead of opening the directory themselves (see cli/control.ts).
 */
export interface DataDirOwner {
  pid: number;
  kind: 'server' | 'cli';
  /** What the owner is doing, for messages: `serve`, `user add` … */
  command: string;
  startedAt: number;
  /** The server's control socket (a Unix socket path or a Windows pipe name), once it listens. */
  socket?: string;
  /** Sent with every control request; only readers of the lock file know it. */
  secret?: string;
}

/** The lock file's content, as read back (it is ours, but a half-written or foreign file must not crash). */
const OwnerFile: z.ZodType<DataDirOwner> = z.object({
  pid: z.number(),
  kind: z.enum(['server', 'cli']),
  command: z.string(),
  startedAt: z.number(),
  socket: z.string().optional(),
  secret: z.string().optional(),
});

export class DataDirBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: DataDirOwner,
  ) {
    super(describeBusy(dir, owner));
    this.name = 'DataDirBusyError';
  }
}

export function describeBusy(dir: string, owner: DataDirOwner): string {
  const who =
    owner.kind === 'server'
      ? `a running Ringside server (pid ${owner.pid})`
      : `the operator command "${owner.command}" (pid ${owner.pid})`;
  return `the embedded database ${dir} is in use by ${who}`;
}

export interface DataDirClaim {
  readonly lockFile: string;
  readonly owner: DataDirOwner;
  /** Records the server's control socket in the lock file. */
  setSocket(socket: string): void;
  release(): void;
}

export function lockFileFor(dir: string): string {
  return `${path.resolve(dir).replace(/[\\/]+$/, '')}.lock`;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(err) === 'EPERM';
  }
}

/** The live owner of a directory, or null when nobody (or only a dead process) holds it. */
export function readOwner(dir: string): DataDirOwner | null {
  let text: string;
  try {
    text = fs.readFileSync(lockFileFor(dir), 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A lock file being written this instant reads empty: treat it as held by an unknown live process.
    return { pid: -1, kind: 'cli', command: 'starting', startedAt: Date.now() };
  }
  // A file that does not name an owner (no integer pid, or not our format) holds nothing, like a dead owner's.
  const owner = OwnerFile.safeParse(json);
  return owner.success && Number.isInteger(owner.data.pid) && isAlive(owner.data.pid) ? owner.data : null;
}

function writeExclusive(file: string, owner: DataDirOwner): boolean {
  // Write the whole content under a private name, then link it into place: the lock file is never seen
  // half-written, and link() fails when the name exists, so exactly one process wins.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, JSON.stringify(owner), { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Claims `dir` for this process, or throws DataDirBusyError naming the live owner. `waitMs` waits that long
 * for a short-lived owner (another operator command) to finish first; a server is never waited for.
 */
export async function claimDataDir(
  dir: string,
  who: Pick<DataDirOwner, 'kind' | 'command'>,
  opts: { waitMs?: number } = {},
): Promise<DataDirClaim> {
  const lockFile = lockFileFor(dir);
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const owner: DataDirOwner = { pid: process.pid, ...who, startedAt: Date.now() };
  const deadline = Date.now() + (opts.waitMs ?? 0);
  for (;;) {
    if (writeExclusive(lockFile, owner)) break;
    const current = readOwner(dir);
    if (!current) {
      // Left by a process that has gone (kill -9, power cut): take it over. Renaming first means two
      // processes that both saw it stale cannot both remove a fresh claim.
      const stale = `${lockFile}.stale.${process.pid}`;
      try {
        fs.renameSync(lockFile, stale);
        fs.rmSync(stale, { force: true });
      } catch {
        /* another process got there first; try again */
      }
      continue;
    }
    if (current.kind === 'server' || Date.now() >= deadline) throw new DataDirBusyError(dir, current);
    await new Promise((r) => setTimeout(r, 100));
  }
  let released = false;
  const onExit = () => claim.release();
  process.once('exit', onExit);
  const claim: DataDirClaim = {
    lockFile,
    owner,
    setSocket(socket) {
      owner.socket = socket;
      owner.secret ??= crypto.randomBytes(32).toString('base64url');
      const tmp = `${lockFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(owner), { mode: 0o600 });
      fs.renameSync(tmp, lockFile);
    },
    release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      try {
        const held = OwnerFile.parse(JSON.parse(fs.readFileSync(lockFile, 'utf8')));
        if (held.pid === process.pid && held.startedAt === owner.startedAt) fs.rmSync(lockFile, { force: true });
      } catch {
        /* already gone */
      }
    },
  };
  return claim;
}
