import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peaksFileProblem, type PeaksFile } from '../../shared/peaks';
import { revokeUser } from '../../sync-server/src/auth/users';
import { mediaDeps } from '../../sync-server/src/recordings/deps';
import { currentRecordingOfCall, MEDIA_FILES } from '../../sync-server/src/recordings/repository';
import { decideRange } from '../../sync-server/src/recordings/range';
import { staff } from '../helpers/sync-docs';
import {
  ingestCall,
  seedPendingCall,
  sid,
  startFakeTwilio,
  startMediaServer,
  startS3,
  type FakeTwilio,
  type MediaTestServer,
} from './recordings-fixtures';

/**
 * Serving recordings (issue 4 item 3 and 11): signed, short-lived URLs for signed-in staff only, usable without
 * an Authorization header; HTTP Range for seeking; expired or forged URLs refused with stable codes; every
 * listen and download audited. The whole suite runs against local and S3 storage.
 */
interface PlaybackUrls {
  audioUrl: string;
  peaksUrl: string;
  detailPeaksUrl: string;
  expiresAt: string;
  durationSec: number;
  channels: string[];
}

describe('HTTP Range decisions (RFC 9110 §14)', () => {
  it('serves single closed, open and suffix ranges, clamped to the file', () => {
    expect(decideRange('bytes=0-99', 1000)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(decideRange('bytes=900-', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(decideRange('bytes=-100', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(decideRange('bytes=-5000', 1000)).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(decideRange('bytes=990-5000', 1000)).toEqual({ kind: 'partial', start: 990, end: 999 });
    expect(decideRange('bytes=999-999', 1000)).toEqual({ kind: 'partial', start: 999, end: 999 });
  });

  it('calls a range that starts past the end, or an empty suffix, unsatisfiable', () => {
    expect(decideRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=1000-2000', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it does not serve: no header, other units, several ranges, reversed or malformed ranges', () => {
    for (const h of [
      undefined,
      '',
      'items=0-5',
      'bytes=0-5,10-20',
      'bytes=50-10',
      'bytes=abc',
      'bytes=-',
      'bytes 0-5',
    ]) {
      expect(decideRange(h, 1000), String(h)).toEqual({ kind: 'full' });
    }
  });
});

const storages: Array<[string, boolean]> = [
  ['local directory', false],
  ['S3-compatible storage', true],
];

describe.each(storages)('serving recordings from %s', (_name, useS3) => {
  let twilio: FakeTwilio;
  let s3: Awaited<ReturnType<typeof startS3>> | null = null;
  let server: MediaTestServer;
  let adminToken: string;
  let reviewer: Awaited<ReturnType<typeof staff>>;
  let author: Awaited<ReturnType<typeof staff>>;
  let callId: string;
  let mp3: Buffer;
  let wav: Buffer;

  beforeAll(async () => {
    twilio = await startFakeTwilio();
    if (useS3) s3 = await startS3();
    server = await startMediaServer({ twilio, env: s3?.env ?? {} });
    adminToken = await server.login();
    reviewer = await staff(server, 'reviewer', 'rita');
    author = await staff(server, 'author', 'arthur');
    const ingested = await ingestCall(server, twilio, { seconds: 6 });
    callId = ingested.callId;
    wav = ingested.wav;
    const rec = await currentRecordingOfCall(server.db, callId);
    mp3 = await mediaDeps(server.ctx).storage.readBuffer(rec!.storagePrefix + MEDIA_FILES.playback);
    expect(mediaDeps(server.ctx).storage.kind).toBe(useS3 ? 's3' : 'local');
  });
  afterAll(async () => {
    await server?.close();
    await twilio?.close();
    await s3?.close();
  });

  async function playback(token = reviewer.token, id = callId): Promise<PlaybackUrls> {
    const res = await server.api(`/api/calls/${id}/media-url`, { method: 'POST', token, json: {} });
    expect(res.status).toBe(200);
    return (await res.json()) as PlaybackUrls;
  }

  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('issues playback URLs to every staff role and to nobody signed out', async () => {
    for (const token of [adminToken, reviewer.token, author.token]) {
      const urls = await playback(token);
      expect(urls.audioUrl).toMatch(
        new RegExp(`^${server.url}/media/play/${callId}/RE[0-9a-f]{32}/playback\\.mp3\\?u=.+&e=\\d+&s=`),
      );
      expect(urls).toMatchObject({ durationSec: 6, channels: ['customer', 'assessor'] });
      const ttl = Date.parse(urls.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(200_000);
      expect(ttl).toBeLessThanOrEqual(300_000);
    }
    const anonymous = await server.api(`/api/calls/${callId}/media-url`, { method: 'POST', json: {} });
    expect(anonymous.status).toBe(401);
  });

  it('serves the whole MP3 to a plain GET with no Authorization header', async () => {
    const { audioUrl } = await playback();
    const res = await fetch(audioUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('content-length')).toBe(String(mp3.length));
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(Buffer.from(await res.arrayBuffer()).equals(mp3)).toBe(true);
  });

  it('serves closed, open and suffix byte ranges with 206 and Content-Range', async () => {
    const { audioUrl } = await playback();
    const size = mp3.length;
    const cases: Array<[string, number, number]> = [
      ['bytes=0-1023', 0, 1023],
      ['bytes=100-', 100, size - 1],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=${size - 10}-${size + 1000}`, size - 10, size - 1],
      ['bytes=0-0', 0, 0],
    ];
    for (const [range, start, end] of cases) {
      const res = await fetch(audioUrl, { headers: { range } });
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(Buffer.from(await res.arrayBuffer()).equals(mp3.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers 416 with the size for a range past the end', async () => {
    const { audioUrl } = await playback();
    for (const range of [`bytes=${mp3.length}-`, `bytes=${mp3.length + 5}-${mp3.length + 10}`, 'bytes=-0']) {
      const res = await fetch(audioUrl, { headers: { range } });
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-range'), range).toBe(`bytes */${mp3.length}`);
      expect(await errorCode(res)).toBe('RANGE_NOT_SATISFIABLE');
    }
  });

  it('sends the whole file for a multi-range request or an If-Range that no longer matches', async () => {
    const { audioUrl } = await playback();
    const multi = await fetch(audioUrl, { headers: { range: 'bytes=0-10,20-30' } });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(mp3.length);
    const first = await fetch(audioUrl, { headers: { range: 'bytes=0-9' } });
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const matching = await fetch(audioUrl, { headers: { range: 'bytes=0-9', 'if-range': etag } });
    expect(matching.status).toBe(206);
    await matching.arrayBuffer();
    const stale = await fetch(audioUrl, { headers: { range: 'bytes=0-9', 'if-range': '"something-else"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(mp3.length);
  });

  it('answers HEAD with the headers only', async () => {
    const { audioUrl } = await playback();
    const res = await fetch(audioUrl, { method: 'HEAD', headers: { range: 'bytes=10-19' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 10-19/${mp3.length}`);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('keeps serving when a player aborts a request and seeks elsewhere', async () => {
    const { audioUrl } = await playback();
    // Read a few bytes of the whole file, then hang up, as <audio> does when the user seeks.
    await new Promise<void>((resolve, reject) => {
      const req = http.get(audioUrl, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
    });
    const res = await fetch(audioUrl, { headers: { range: 'bytes=2000-2999' } });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).equals(mp3.subarray(2000, 3000))).toBe(true);
    expect(server.logs.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('serves both peaks files as JSON, gzipped for clients that accept it', async () => {
    const { peaksUrl, detailPeaksUrl } = await playback();
    const raw = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        http
          .get(peaksUrl, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
            );
          })
          .on('error', reject);
      },
    );
    expect(raw.status).toBe(200);
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers['content-type']).toMatch(/^application\/json/);
    const overview = JSON.parse(zlib.gunzipSync(raw.body).toString()) as PeaksFile;
    expect(peaksFileProblem(overview)).toBeNull();
    expect(overview.levels.map((l) => l.peaksPerSecond)).toEqual([2, 10, 50]);
    expect(overview.levels[0].data[0]).toHaveLength(12);

    // Without gzip in Accept-Encoding, the same JSON arrives plain.
    const plain = await new Promise<Buffer>((resolve, reject) => {
      http
        .get(detailPeaksUrl, { headers: { 'accept-encoding': 'identity' } }, (res) => {
          expect(res.headers['content-encoding']).toBeUndefined();
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
        .on('error', reject);
    });
    const detail = JSON.parse(plain.toString()) as PeaksFile;
    expect(detail.levels.map((l) => l.peaksPerSecond)).toEqual([200]);
    expect(detail.levels[0].data[1]).toHaveLength(1200);
  });

  it('audits every URL issued for playback as a listen, naming who, which call and when', async () => {
    const before = Date.now();
    await playback(author.token);
    const res = await server.api(`/api/recordings/access-log?callId=${callId}&actor=${author.email}`, {
      token: adminToken,
    });
    const { entries } = (await res.json()) as {
      entries: Array<{ actor: string; action: string; callId: string; at: string; detail: Record<string, unknown> }>;
    };
    expect(entries[0]).toMatchObject({
      actor: author.email,
      action: 'recording.listen',
      callId,
      detail: { purpose: 'playback' },
    });
    expect(Date.parse(entries[0].at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('serves a download as an attachment, audited as a download; a playback URL cannot fetch the original', async () => {
    const res = await server.api(`/api/calls/${callId}/media-url`, {
      method: 'POST',
      token: reviewer.token,
      json: { purpose: 'download', format: 'wav' },
    });
    const { downloadUrl, filename } = (await res.json()) as { downloadUrl: string; filename: string };
    expect(filename).toMatch(/^ringside-call-CA[0-9a-f]{32}-\d{4}-\d{2}-\d{2}\.wav$/);
    const file = await fetch(downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('audio/wav');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${filename}"`);
    expect(Buffer.from(await file.arrayBuffer()).equals(wav)).toBe(true);

    const log = await server.api(`/api/recordings/access-log?action=download&actor=${reviewer.email}`, {
      token: adminToken,
    });
    const { entries } = (await log.json()) as {
      entries: Array<{ action: string; callId: string; detail: { format: string } }>;
    };
    expect(entries[0]).toMatchObject({ action: 'recording.download', callId, detail: { format: 'wav' } });

    // The signature of a playback URL does not open the download scope, nor an unlisted file.
    const { audioUrl } = await playback();
    const asDownload = await fetch(
      audioUrl.replace('/media/play/', '/media/download/').replace('playback.mp3', 'original.wav'),
    );
    expect(asDownload.status).toBe(403);
    expect(await errorCode(asDownload)).toBe('MEDIA_URL_INVALID');
    const unlisted = await fetch(audioUrl.replace('playback.mp3', 'original.wav'));
    expect(unlisted.status).toBe(404);
  });

  it('refuses an expired URL with MEDIA_URL_EXPIRED', async () => {
    const { audioUrl, peaksUrl } = await playback();
    const realNow = server.ctx.now;
    server.ctx.now = () => realNow() + 301_000;
    try {
      for (const url of [audioUrl, peaksUrl]) {
        const res = await fetch(url);
        expect(res.status).toBe(403);
        expect(await errorCode(res)).toBe('MEDIA_URL_EXPIRED');
      }
    } finally {
      server.ctx.now = realNow;
    }
    expect((await fetch(audioUrl, { headers: { range: 'bytes=0-0' } })).status).toBe(206);
  });

  it('refuses forged or altered URLs with MEDIA_URL_INVALID', async () => {
    const { audioUrl } = await playback();
    const url = new URL(audioUrl);
    const sig = url.searchParams.get('s')!;
    const other = await seedPendingCall(server.db, sid('CA'));
    const variants: Record<string, string> = {};
    const set = (name: string, mutate: (u: URL) => void) => {
      const u = new URL(audioUrl);
      mutate(u);
      variants[name] = u.toString();
    };
    set('flipped signature', (u) => u.searchParams.set('s', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)));
    set('truncated signature', (u) => u.searchParams.set('s', sig.slice(0, -2)));
    set('no signature', (u) => u.searchParams.delete('s'));
    set('later expiry', (u) => u.searchParams.set('e', String(Number(u.searchParams.get('e')) + 3600)));
    set('another user', (u) => u.searchParams.set('u', author.id));
    set('another call', (u) => (u.pathname = u.pathname.replace(callId, other.id)));
    set('another recording', (u) => (u.pathname = u.pathname.replace(/RE[0-9a-f]{32}/, sid('RE'))));
    for (const [name, bad] of Object.entries(variants)) {
      const res = await fetch(bad);
      expect(res.status, name).toBe(403);
      expect(await errorCode(res), name).toBe('MEDIA_URL_INVALID');
    }
    const log = server.logs.filter((l) => l.msg === 'refused a signed media URL');
    expect(log.length).toBeGreaterThanOrEqual(5);
  });

  it("stops a URL working when its holder's account is revoked", async () => {
    const leaver = await staff(server, 'reviewer', `leaver${useS3 ? 's3' : 'local'}`);
    const { audioUrl } = await playback(leaver.token);
    expect((await fetch(audioUrl, { headers: { range: 'bytes=0-0' } })).status).toBe(206);
    await revokeUser(server.db, leaver.email);
    const res = await fetch(audioUrl, { headers: { range: 'bytes=0-0' } });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('MEDIA_URL_INVALID');
  });

  it('answers RECORDING_UNAVAILABLE for a call without a stored recording', async () => {
    const pending = await seedPendingCall(server.db, sid('CA'));
    const res = await server.api(`/api/calls/${pending.id}/media-url`, {
      method: 'POST',
      token: reviewer.token,
      json: {},
    });
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('RECORDING_UNAVAILABLE');
  });

  it('lets only admins browse the access log, filtered by date', async () => {
    expect((await server.api('/api/recordings/access-log', { token: reviewer.token })).status).toBe(403);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await server.api(`/api/recordings/access-log?from=${encodeURIComponent(future)}`, {
      token: adminToken,
    });
    expect(((await none.json()) as { entries: unknown[] }).entries).toEqual([]);
    const all = await server.api(`/api/recordings/access-log?callId=${callId}&limit=2`, { token: adminToken });
    const page = (await all.json()) as { entries: Array<{ id: number }>; next: number | null };
    expect(page.entries).toHaveLength(2);
    expect(page.next).toBe(page.entries[1].id);
    const older = await server.api(`/api/recordings/access-log?callId=${callId}&before=${page.next}`, {
      token: adminToken,
    });
    const olderIds = ((await older.json()) as { entries: Array<{ id: number }> }).entries.map((e) => e.id);
    expect(olderIds.every((id) => id < page.next!)).toBe(true);
    // The general audit browser (GET /api/audit) shows the same entries.
    const general = await server.api(`/api/audit?action=recording.listen&subjectId=${callId}`, { token: adminToken });
    expect(((await general.json()) as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
  });
});
