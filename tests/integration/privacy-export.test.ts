import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubjectArchive, writeArchiveFile, type ExportManifest } from '../../sync-server/src/privacy/export';
import { mediaDeps } from '../../sync-server/src/recordings/deps';
import { staff } from '../helpers/sync-docs';
import { seedAssessor, seedContact, seedLead, type SeededAssessor, type SeededContact } from './privacy-fixtures';
import { startFakeTwilio, startMediaServer, type FakeTwilio, type MediaTestServer } from './recordings-fixtures';

/**
 * Issue 16.4: subject access. One zip of everything held about a person, from the admin route and the engine
 * the CLI uses, in the documented layout (docs/privacy.md), every file listed in manifest.json with its sha256;
 * the export audited; unknown people refused.
 */
let twilio: FakeTwilio;
let server: MediaTestServer;
let admin: string;
let reviewer: { id: string; token: string };
let dan: SeededAssessor;
let kim: SeededAssessor;
let danA: SeededContact;
let kimA: SeededContact;
let danB: SeededContact;
const CUSTOMER_A = '+447700900211';
const CUSTOMER_B = '+447700900212';
const tmp = path.join(os.tmpdir(), `ringside-export-${crypto.randomBytes(4).toString('hex')}`);

beforeAll(async () => {
  twilio = await startFakeTwilio();
  server = await startMediaServer({ twilio });
  admin = await server.login();
  reviewer = await staff(server, 'reviewer', 'export-reviewer');
  dan = await seedAssessor(server, 'Dan Price', '+447700900311');
  kim = await seedAssessor(server, 'Kim Roe', '+447700900313');
  const leadA = await seedLead(server, { name: 'Priya Patel', phone: CUSTOMER_A });
  const leadB = await seedLead(server, { name: 'Tom Hill', phone: CUSTOMER_B });
  danA = await seedContact(server, twilio, leadA, CUSTOMER_A, dan, reviewer.id);
  kimA = await seedContact(server, twilio, leadA, CUSTOMER_A, kim, reviewer.id);
  danB = await seedContact(server, twilio, leadB, CUSTOMER_B, dan, reviewer.id);
}, 240_000);
afterAll(async () => {
  await server?.close();
  await twilio?.close();
  await fsp.rm(tmp, { recursive: true, force: true });
});

function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const parse = <T>(files: Map<string, Buffer>, name: string): T => JSON.parse(files.get(name)!.toString()) as T;
const exportVia = (json: unknown, token = admin) => server.api('/api/privacy/export', { method: 'POST', token, json });

describe('subject access export', () => {
  it("a customer's archive: their calls with both assessors, recordings, transcripts, texts, reviews and audit", async () => {
    const res = await exportVia({ phone: '07700 900211' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="ringside-subject-access-phone-/);
    expect(res.headers.get('content-disposition')).not.toContain('900211');
    const files = await unzip(Buffer.from(await res.arrayBuffer()));

    const manifest = parse<ExportManifest>(files, 'manifest.json');
    expect(manifest).toMatchObject({
      format: 'ringside.subject-access',
      version: 1,
      subject: { kind: 'phone', phone: CUSTOMER_A },
      counts: { calls: 4, recordings: 4, transcripts: 4, messages: 4, reviews: 2 },
    });
    // Every file is listed with its size and hash, and nothing else is in the archive.
    expect([...files.keys()].sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.path)].sort());
    for (const f of manifest.files) {
      const body = files.get(f.path)!;
      expect(body.length).toBe(f.bytes);
      expect(crypto.createHash('sha256').update(body).digest('hex')).toBe(f.sha256);
    }

    const calls = parse<Array<{ id: string; startedAt: string; talkSeconds: number; recording: { file: string } }>>(
      files,
      'calls.json',
    );
    const ids = [...danA.calls, ...kimA.calls].map((c) => c.callId).sort();
    expect(calls.map((c) => c.id).sort()).toEqual(ids);
    for (const c of calls) {
      expect(c.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(c.talkSeconds).toBe(60);
      // The recording is in the archive as the MP3 the app plays.
      expect(files.get(c.recording.file)![0]).toBe(0xff);
    }
    const person = parse<{ leads: Array<{ customerName: string; customerPhone: string }> }>(files, 'person.json');
    expect(person.leads).toEqual([expect.objectContaining({ customerName: 'Priya Patel', customerPhone: CUSTOMER_A })]);
    const transcripts = parse<Array<{ transcript: Array<{ text: string }> }>>(files, 'transcripts.json');
    expect(transcripts.flatMap((t) => t.transcript.map((s) => s.text)).join(' ')).toContain('Acacia Avenue');
    // The assessors' numbers are theirs, not the customer's to receive.
    const everything = [...files.values()].map((b) => b.toString('latin1')).join('');
    expect(everything).not.toContain(dan.phone);
    expect(everything).not.toContain('7700 900311');
    expect(everything).not.toContain(kim.phone);
    // Another customer's contact with the same assessor is not in it.
    expect(calls.map((c) => c.id)).not.toContain(danB.calls[0].callId);
    expect(everything).not.toContain('Tom Hill');

    const audit = parse<Array<{ action: string; actor: string }>>(files, 'audit.json');
    expect(audit).toContainEqual(expect.objectContaining({ action: 'privacy.export', actor: 'admin@test.local' }));
  });

  it("an assessor's archive by id (engine the CLI uses, written atomically): their record and every customer's calls with them", async () => {
    const archive = await buildSubjectArchive(
      mediaDeps(server.ctx),
      { label: 'cli:test' },
      {
        kind: 'assessor',
        assessorId: dan.id,
      },
    );
    const file = await writeArchiveFile(archive, tmp);
    expect(path.basename(file)).toBe(archive.fileName);
    expect(await fsp.readdir(tmp)).toEqual([archive.fileName]);
    const files = await unzip(await fsp.readFile(file));
    const person = parse<{ assessors: Array<{ name: string; phone: string }> }>(files, 'person.json');
    expect(person.assessors).toEqual([expect.objectContaining({ name: 'Dan Price', phone: dan.phone })]);
    const calls = parse<Array<{ id: string; madeByThisPerson: boolean }>>(files, 'calls.json');
    expect(calls.map((c) => c.id).sort()).toEqual([...danA.calls, ...danB.calls].map((c) => c.callId).sort());
    expect(calls.filter((c) => c.madeByThisPerson)).toHaveLength(2);
    const messages = parse<Array<{ body: string }>>(files, 'messages.json');
    expect(messages).toHaveLength(4);
    // Customers' numbers never go into an assessor's archive.
    const everything = [...files.values()].map((b) => b.toString('latin1')).join('');
    expect(everything).not.toContain(CUSTOMER_A);
    expect(everything).not.toContain(CUSTOMER_B);
  });

  it('every export is audited with a keyed hash, never the number', async () => {
    const { rows } = await server.db.query<{
      actor_label: string;
      subject_id: string;
      detail: Record<string, unknown>;
    }>(`SELECT actor_label, subject_id, detail FROM audit_log WHERE action = 'privacy.export' ORDER BY id`);
    expect(rows.map((r) => [r.actor_label, r.detail.kind, r.detail.found])).toEqual([
      ['admin@test.local', 'phone', true],
      ['cli:test', 'assessor', true],
    ]);
    expect(JSON.stringify(rows)).not.toContain('900211');
  });

  it('admins only; unknown people and malformed requests get clear codes', async () => {
    expect((await exportVia({ phone: CUSTOMER_A }, reviewer.token)).status).toBe(403);
    for (const [json, status, code] of [
      [{ phone: '+447700900999' }, 404, 'UNKNOWN_PHONE'],
      [{ assessorId: 'as-nobody' }, 404, 'UNKNOWN_ASSESSOR'],
      [{ leadId: 'lead-nobody' }, 404, 'UNKNOWN_LEAD'],
      [{ phone: 'nope' }, 400, 'INVALID_PHONE'],
      [{}, 400, 'VALIDATION_FAILED'],
      [{ phone: CUSTOMER_A, leadId: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ everything: true }, 400, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await exportVia(json);
      expect(res.status, JSON.stringify(json)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it('the erasure route takes the same ways of naming a person', async () => {
    const res = await server.api('/api/erasure/subject', {
      method: 'POST',
      token: admin,
      json: { assessorId: kim.id, dryRun: true },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'assessor', report: { dryRun: true, assessors: 1, calls: 2 } });
    const unknown = await server.api('/api/erasure/subject', {
      method: 'POST',
      token: admin,
      json: { leadId: 'lead-nobody' },
    });
    expect(unknown.status).toBe(404);
  });
});
