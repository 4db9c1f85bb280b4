import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { DataDirClaim, DataDirOwner } from '../db/owner';

/**
 * The running server's control socket: how operator commands reach the one owner of the embedded database.
 * It is a local socket (a Unix socket beside the database, mode 0600, or a Windows named pipe), never a TCP
 * port, and every request must carry the secret the server wrote into its lock file (readable only by the
 * account that runs the server). One request runs one command: `{argv, cwd}` in, `{code, stdout, stderr}` out.
 */
export interface ControlRequest {
  argv: string[];
  cwd: string;
}

export interface ControlReply {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ControlSocket {
  path: string;
  close(): Promise<void>;
}

const SECRET_HEADER = 'x-ringside-control-secret';
/** sockaddr_un holds 104–108 bytes depending on the system; stay under the smallest. */
const MAX_SOCKET_PATH = 100;

export function controlSocketPath(lockFile: string): string {
  const hash = crypto.createHash('sha256').update(lockFile).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\ringside-${hash}`;
  const beside = lockFile.replace(/\.lock$/, '.sock');
  return beside.length <= MAX_SOCKET_PATH ? beside : `${os.tmpdir()}/ringside-${hash}.sock`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function parseRequest(body: string): ControlRequest | null {
  try {
    const value = JSON.parse(body) as Partial<ControlRequest>;
    if (!Array.isArray(value.argv) || !value.argv.every((a) => typeof a === 'string')) return null;
    if (typeof value.cwd !== 'string') return null;
    return { argv: value.argv, cwd: value.cwd };
  } catch {
    return null;
  }
}

/** Listens for commands on the claim's socket and records it in the lock file. */
export async function startControlSocket(
  claim: DataDirClaim,
  run: (request: ControlRequest) => Promise<ControlReply>,
): Promise<ControlSocket> {
  const socketPath = controlSocketPath(claim.lockFile);
  // A socket file left by a server that was killed: we hold the claim, so nobody else is listening on it.
  if (process.platform !== 'win32') fs.rmSync(socketPath, { force: true });
  let secret = '';
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: ControlReply) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/run' || !safeEqual(String(req.headers[SECRET_HEADER] ?? ''), secret)) {
      reply(403, { code: 1, stdout: '', stderr: 'refused: not a request from this machine’s operator\n' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const request = parseRequest(Buffer.concat(chunks).toString('utf8'));
      if (!request) {
        reply(400, { code: 2, stdout: '', stderr: 'malformed control request\n' });
        return;
      }
      run(request).then(
        (result) => reply(200, result),
        (err: unknown) =>
          reply(200, { code: 1, stdout: '', stderr: `${err instanceof Error ? err.message : String(err)}\n` }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  if (process.platform !== 'win32') fs.chmodSync(socketPath, 0o600);
  claim.setSocket(socketPath);
  secret = claim.owner.secret ?? '';
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Sends one command to the server that owns the database and returns what it printed and its exit code. */
export function sendToServer(owner: DataDirOwner, request: ControlRequest): Promise<ControlReply> {
  const { socket, secret } = owner;
  if (!socket || !secret) return Promise.reject(new Error('the running server has no control socket yet'));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: socket, path: '/run', method: 'POST', headers: { [SECRET_HEADER]: secret } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ControlReply);
          } catch {
            reject(new Error(`the running server answered ${res.statusCode} with something that is not a reply`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(request));
  });
}
