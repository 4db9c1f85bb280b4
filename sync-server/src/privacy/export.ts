import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { ZipFile } from 'yazl';
import { maskFreeText } from '../../../shared/pii/free-text';
import type { CallDoc, InsightDoc, MessageDoc, ReviewDoc } from '../../../shared/schemas';
import { audit } from '../audit/log';
import type { Queryable } from '../db';
import { findScope, resolveSubject, subjectHash, type ErasureSubject } from '../erasure/erase';
import { ApiError } from '../http/errors';
import type { MediaDeps } from '../recordings/deps';
import { MEDIA_FILES, recordingsOfCalls } from '../recordings/repository';
import { getDocuments } from '../replication/store';

/**
 * Subject access (UK GDPR art. 15): one archive of everything Ringside holds about one person — a customer by
 * number, an assessor by id or own number, or the customer of one lead — found exactly as erasure finds it
 * (erasure/erase.ts findScope), so what an erasure would remove is what an export shows.
 *
 * The archive is a zip (yazl) whose layout is documented in docs/privacy.md:
 *   manifest.json          format, version, subject, generation time, and per file: what it is, records, bytes, sha256
 *   person.json            the leads (customer) or assessor record as held
 *   calls.json             every call: times (ISO 8601), ring and talk seconds, outcome, recording state, file
 *   recordings/<call>.mp3  the stored recording of each call (the playback MP3 the app plays)
 *   transcripts.json       transcripts and analyses of those calls
 *   messages.json          texts to and from them
 *   reviews.json           reviewers' scores and notes on their calls
 *   audit.json             audit entries about them, their calls and leads (this export's own entry included)
 * Free text (transcripts, analyses, texts, review notes) is exported with phone numbers, emails and card
 * numbers masked as the app shows them to reviewers: the other party's number is not the subject's to receive,
 * and a card number is never handed out. The subject's own number is in person.json.
 *
 * The export is audited (`privacy.export`, keyed hash of the subject, the counts) before any byte leaves, in
 * the same way whether it is asked for from the CLI or the admin screen. An unknown subject is refused with the
 * erasure's codes (UNKNOWN_PHONE, UNKNOWN_ASSESSOR, UNKNOWN_LEAD) and the refusal audited.
 */
export const EXPORT_FORMAT = 'ringside.subject-access';
export const EXPORT_VERSION = 1;

export interface ExportFileEntry {
  path: string;
  description: string;
  records: number | null;
  bytes: number;
  sha256: string;
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  generatedAt: string;
  subject: { kind: ErasureSubject['kind']; phone?: string; assessorId?: string; leadId?: string };
  /** Keyed hash the audit log knows this person by. */
  subjectHash: string;
  counts: Record<string, number>;
  files: ExportFileEntry[];
  notes: string[];
}

export interface SubjectArchive {
  manifest: ExportManifest;
  /** A suggested file name: no personal data in it. */
  fileName: string;
  /** Writes the zip to a stream (once). */
  writeTo(out: Writable): Promise<void>;
}

type Actor = Parameters<typeof audit>[1];
const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

interface Gathered {
  person: unknown;
  calls: unknown[];
  transcripts: unknown[];
  messages: unknown[];
  reviews: unknown[];
  recordings: Array<{ callId: string; key: string }>;
  auditSubjects: string[];
}

async function gather(q: Queryable, subject: ErasureSubject): Promise<Gathered | null> {
  const scope = await findScope(q, subject);
  const leadIds = [...new Set([...scope.tableLeads, ...scope.docLeads])];
  const assessorIds = [...new Set([...scope.tableAssessors, ...scope.docAssessors])];
  const nothing =
    leadIds.length +
      assessorIds.length +
      scope.callIds.length +
      scope.tableMessages.length +
      scope.sessionIds.length ===
    0;
  if (nothing) return null;

  const callDocs = (await getDocuments(q, 'calls', scope.callIds)).map((d) => d.doc);
  const fromRows = (
    await q.query<{ call_sid: string; from_phone: string }>(
      `SELECT call_sid, from_phone FROM calls WHERE call_sid = ANY($1::text[])`,
      [scope.callIds],
    )
  ).rows;
  const madeBySubject = new Set(fromRows.filter((r) => scope.phones.includes(r.from_phone)).map((r) => r.call_sid));
  const recordings = (await recordingsOfCalls(q, scope.callIds)).filter((r) => r.state === 'stored');
  const recordingOf = new Map(recordings.map((r) => [r.callId, r]));
  const calls = callDocs.map((c: CallDoc) => ({
    id: c.id,
    direction: c.direction,
    madeByThisPerson: madeBySubject.has(c.id),
    poolNumber: c.poolNumber,
    leadId: c.leadId,
    assessorId: c.assessorId,
    startedAt: iso(c.startedAt),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    ringSeconds: c.ringSeconds,
    talkSeconds: c.talkSeconds,
    status: c.status,
    connected: c.connected,
    recording: {
      state: c.recording.state,
      durationSec: c.recording.durationSec,
      file: recordingOf.has(c.id) ? `recordings/${c.id}.mp3` : null,
    },
  }));

  const insightIds = (
    await q.query<{ id: string }>(
      `SELECT id FROM sync_documents WHERE collection = 'insights' AND NOT deleted AND doc ->> 'callId' = ANY($1::text[]) ORDER BY id`,
      [scope.callIds],
    )
  ).rows.map((r) => r.id);
  const transcripts = (await getDocuments(q, 'insights', insightIds)).map(({ doc }: { doc: InsightDoc }) => ({
    callId: doc.callId,
    status: doc.status,
    createdAt: iso(doc.createdAt),
    transcriber: doc.transcriber,
    provider: doc.provider,
    model: doc.model,
    transcript:
      doc.transcript?.map((s) => ({ speaker: s.speaker, start: s.start, end: s.end, text: maskFreeText(s.text) })) ??
      null,
    analysis: maskStrings(doc.analysis),
  }));

  const messages = (await getDocuments(q, 'messages', scope.tableMessages)).map(({ doc }: { doc: MessageDoc }) => ({
    id: doc.id,
    direction: doc.direction,
    leadId: doc.leadId,
    assessorId: doc.assessorId,
    sentAt: iso(doc.sentAt),
    status: doc.status,
    body: typeof doc.body === 'string' ? maskFreeText(doc.body) : null,
    mediaCount: doc.mediaCount,
  }));

  const reviewIds = (
    await q.query<{ id: string }>(
      `SELECT id FROM sync_documents WHERE collection = 'reviews' AND NOT deleted AND doc ->> 'callId' = ANY($1::text[]) ORDER BY id`,
      [scope.callIds],
    )
  ).rows.map((r) => r.id);
  const reviews = (await getDocuments(q, 'reviews', reviewIds)).map(({ doc }: { doc: ReviewDoc }) => maskStrings(doc));

  const person =
    subject.kind === 'assessor'
      ? { assessors: (await getDocuments(q, 'assessors', assessorIds)).map((d) => d.doc) }
      : { leads: (await getDocuments(q, 'leads', leadIds)).map((d) => d.doc) };

  return {
    person,
    calls,
    transcripts,
    messages,
    reviews,
    recordings: recordings.map((r) => ({ callId: r.callId, key: r.storagePrefix + MEDIA_FILES.playback })),
    auditSubjects: [...scope.callIds, ...leadIds, ...assessorIds],
  };
}

/** A copy with every text inside masked (numbers, times and flags as they are). */
function maskStrings<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskFreeText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  // The walk keeps the shape: only string leaves change, and they stay strings.
  return walk(value) as T;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value, null, 2) + '\n');
const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

/**
 * Gathers the person's data, audits the export, and returns the archive ready to write. Everything is read
 * (recordings included) before the audit entry is written, so an entry means the archive was complete.
 */
export async function buildSubjectArchive(
  deps: MediaDeps,
  actor: Actor,
  requested: ErasureSubject,
): Promise<SubjectArchive> {
  const { subject, key, unknown } = resolveSubject(requested);
  const hash = await subjectHash(deps.db, key);
  const now = deps.now();
  const data = await deps.db.transaction((tx) => gather(tx, subject));
  if (!data) {
    await audit(deps.db, actor, {
      action: 'privacy.export',
      subjectType: subject.kind === 'assessor' ? 'assessor' : 'person',
      subjectId: hash,
      detail: { kind: subject.kind, found: false },
    });
    throw new ApiError(
      unknown.code,
      unknown.message.replace('nothing was changed', 'nothing to export'),
      unknown.field,
    );
  }

  const files: Array<{ entry: ExportFileEntry; body: Buffer; compress: boolean }> = [];
  const add = (p: string, description: string, records: number | null, body: Buffer, compress = true) =>
    files.push({ entry: { path: p, description, records, bytes: body.length, sha256: sha256(body) }, body, compress });
  add(
    'person.json',
    subject.kind === 'assessor' ? 'the assessor record as held' : 'the leads (enquiries) as held',
    null,
    json(data.person),
  );
  add('calls.json', 'every call with them: times, durations, outcome, recording', data.calls.length, json(data.calls));
  add('transcripts.json', 'transcripts and analyses of those calls', data.transcripts.length, json(data.transcripts));
  add('messages.json', 'texts to and from them', data.messages.length, json(data.messages));
  add('reviews.json', "reviewers' scores and notes on their calls", data.reviews.length, json(data.reviews));
  let missingMedia = 0;
  for (const r of data.recordings) {
    try {
      add(
        `recordings/${r.callId}.mp3`,
        `recording of call ${r.callId}`,
        null,
        await deps.storage.readBuffer(r.key),
        false,
      );
    } catch (err) {
      missingMedia++;
      deps.log.warn({ err, callId: r.callId }, 'subject access export: a stored recording could not be read');
    }
  }
  if (missingMedia)
    throw new ApiError('UNAVAILABLE', `${missingMedia} recording(s) could not be read from storage; try again`);

  const counts = {
    calls: data.calls.length,
    recordings: data.recordings.length,
    transcripts: data.transcripts.length,
    messages: data.messages.length,
    reviews: data.reviews.length,
  };
  // The export's own entry first, so the archive's audit.json includes it.
  await audit(deps.db, actor, {
    action: 'privacy.export',
    subjectType: subject.kind === 'assessor' ? 'assessor' : 'person',
    subjectId: hash,
    detail: { kind: subject.kind, found: true, ...counts },
  });
  const auditRows = (
    await deps.db.query<{
      at: Date;
      actor_label: string;
      action: string;
      subject_type: string;
      subject_id: string;
      detail: Record<string, unknown>;
    }>(
      `SELECT at, actor_label, action, subject_type, subject_id, detail FROM audit_log
        WHERE subject_id = ANY($1::text[]) ORDER BY id`,
      [[...data.auditSubjects, hash]],
    )
  ).rows.map((r) => ({
    at: r.at.toISOString(),
    actor: r.actor_label,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    detail: r.detail,
  }));
  add('audit.json', 'audit entries about them, their calls and leads', auditRows.length, json(auditRows));

  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    generatedAt: new Date(now).toISOString(),
    subject: {
      kind: subject.kind,
      ...(subject.kind === 'phone' ? { phone: subject.phone } : {}),
      ...(subject.kind === 'assessor' ? { assessorId: subject.assessorId, phone: subject.phone } : {}),
      ...(subject.kind === 'lead' ? { leadId: subject.leadId } : {}),
    },
    subjectHash: hash,
    counts: { ...counts, auditEntries: auditRows.length },
    files: files.map((f) => f.entry),
    notes: [
      'Times are ISO 8601 in UTC. Durations are whole seconds.',
      'Phone numbers, emails and card numbers inside free text are masked as [phone], [email], [card].',
      'Voicemails left outside an enquiry are held at Twilio only, for RETENTION_VOICEMAIL_DAYS; their calls are listed.',
    ],
  };
  const stamp = manifest.generatedAt.slice(0, 10);
  return {
    manifest,
    fileName: `ringside-subject-access-${subject.kind}-${stamp}-${hash.slice(0, 8)}.zip`,
    async writeTo(out) {
      const zip = new ZipFile();
      const mtime = new Date(now);
      zip.addBuffer(json(manifest), 'manifest.json', { mtime });
      for (const f of files) zip.addBuffer(f.body, f.entry.path, { mtime, compress: f.compress });
      zip.end();
      await pipeline(zip.outputStream, out);
    },
  };
}

/**
 * Writes the archive into a directory without a half-written file ever carrying its name: it is written as
 * `<name>.part` and renamed once complete.
 */
export async function writeArchiveFile(archive: SubjectArchive, dir: string): Promise<string> {
  await fsp.mkdir(dir, { recursive: true });
  const target = path.join(dir, archive.fileName);
  const part = `${target}.part`;
  try {
    await archive.writeTo(fs.createWriteStream(part, { mode: 0o600 }));
    await fsp.rename(part, target);
  } catch (err) {
    await fsp.rm(part, { force: true });
    throw err;
  }
  return target;
}
