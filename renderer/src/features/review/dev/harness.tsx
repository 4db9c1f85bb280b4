/**
 * Development harness for the review workspace: the real screens over an in-memory RxDB filled with
 * synthetic calls, so the UI can be built and looked at without a server. Never part of the app build or
 * of any test of record. Run `npx vite renderer --port 5199` and open
 * http://127.0.0.1:5199/src/features/review/dev/harness.html (?calls=N&role=reviewer&screen=scorecards).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createRxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { computePeaks, type PeaksFile } from '../../../../../shared/peaks';
import {
  SERVICES,
  type CallDoc,
  type InsightDoc,
  type ScorecardDoc,
  type TranscriptSegment,
} from '../../../../../shared/schemas';
import type { RingsideCollections } from '../../../db/database';
import { DatabaseContext } from '../../../db/hooks';
import { collectionDefinitions } from '../../../db/replication';
import { ScorecardEditor, starterScorecard } from '../../scorecards';
import { ReviewEnvContext } from '../env';
import { createBrowserRecordingCache } from '../offline/recording-cache';
import { ReviewScreen } from '../ReviewScreen';
import type { ReviewEnv } from '../types';
import '../../../styles/tokens.css';
import '../../../styles/base.css';
import '../../../styles/components.css';
import '../../../styles/layout.css';

const params = new URLSearchParams(location.search);
const CALLS = Number(params.get('calls') ?? 400);
const ROLE: 'admin' | 'reviewer' = params.get('role') === 'reviewer' ? 'reviewer' : 'admin';
const SCREEN = params.get('screen') ?? 'review';
const RATE = 8000;

/** Speech-like stereo: alternating turns, bursts of noise shaped like syllables. */
function synthesise(seconds: number, seed: number): { channels: Float32Array[]; turns: TranscriptSegment[] } {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const left = new Float32Array(seconds * RATE);
  const right = new Float32Array(seconds * RATE);
  const turns: TranscriptSegment[] = [];
  let t = 0.5;
  let speaker: 'customer' | 'assessor' = 'assessor';
  const lines = {
    assessor: [
      'Hello, this is Sam from Bright Energy, returning your enquiry about the assessment.',
      'We can come on Thursday morning, does that suit you?',
      'The assessment takes about an hour and costs nothing up front.',
      "Great, I'll book you in and send a confirmation text.",
    ],
    customer: [
      'Hi, yes, thanks for calling back.',
      'How much is it going to cost me, roughly?',
      'Thursday works, after ten if possible.',
      'Perfect, thank you very much.',
    ],
  };
  let line = 0;
  while (t < seconds - 1) {
    const len = Math.min(seconds - t - 0.5, 2 + rnd() * 7);
    const ch = speaker === 'customer' ? left : right;
    const amp = speaker === 'customer' ? 0.55 : 0.8;
    for (let i = Math.floor(t * RATE); i < Math.floor((t + len) * RATE); i++) {
      const x = i / RATE - t;
      const syllable = Math.max(0, Math.sin(x * Math.PI * 4.3)) * (0.6 + 0.4 * Math.sin(x * 1.7));
      ch[i] = amp * syllable * (rnd() * 2 - 1) * 0.9;
    }
    const texts = lines[speaker];
    turns.push({
      speaker,
      start: Math.round(t * 100) / 100,
      end: Math.round((t + len) * 100) / 100,
      text: texts[line++ % texts.length],
    });
    t += len + 0.3 + rnd() * 0.8;
    speaker = speaker === 'customer' ? 'assessor' : 'customer';
  }
  return { channels: [left, right], turns };
}

function wav(channels: Float32Array[]): Blob {
  const n = channels[0].length;
  const buf = new ArrayBuffer(44 + n * 4);
  const v = new DataView(buf);
  const str = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  str(0, 'RIFF');
  v.setUint32(4, 36 + n * 4, true);
  str(8, 'WAVEfmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 2, true);
  v.setUint32(24, RATE, true);
  v.setUint32(28, RATE * 4, true);
  v.setUint16(32, 4, true);
  v.setUint16(34, 16, true);
  str(36, 'data');
  v.setUint32(40, n * 4, true);
  for (let i = 0; i < n; i++) {
    v.setInt16(44 + i * 4, Math.max(-1, Math.min(1, channels[0][i])) * 32767, true);
    v.setInt16(46 + i * 4, Math.max(-1, Math.min(1, channels[1][i])) * 32767, true);
  }
  return new Blob([buf], { type: 'audio/wav' });
}

async function main() {
  const db = await createRxDatabase<RingsideCollections>({
    name: `harness${Date.now()}`,
    storage: getRxStorageMemory(),
  });
  // The app's own definitions: schemas, conflict handlers and migration steps (courses is past version 0).
  await db.addCollections(collectionDefinitions());
  const now = Date.now();
  const assessors = ['Priya Shah', 'Tom Walker', 'Ade Okafor', 'Lucy Chen'].map((name, i) => ({
    id: `as${i}`,
    updatedAt: now,
    externalId: `A${i}`,
    name,
    phone: null,
    phoneMasked: '07700 900***',
    districts: ['E17'],
    services: [...SERVICES],
    active: true,
    tier: null,
    coursesCompleted: [],
    createdAt: now,
    sandbox: true,
  }));
  await db.assessors.bulkInsert(assessors);
  const districts = ['W1', 'EC1', 'N1', 'E17'];
  const calls: CallDoc[] = [];
  for (let i = 0; i < CALLS; i++) {
    const duration = 60 + ((i * 37) % 400);
    calls.push({
      id: `call${String(i).padStart(5, '0')}`,
      updatedAt: now,
      leadId: `lead${i}`,
      assessorId: `as${i % 4}`,
      direction: i % 2 ? 'customer_to_assessor' : 'assessor_to_customer',
      poolNumber: '+447700900000',
      district: districts[i % 4],
      service: SERVICES[i % SERVICES.length],
      startedAt: now - i * 3_600_000,
      ringingAt: null,
      answeredAt: null,
      endedAt: null,
      ringSeconds: 5,
      talkSeconds: duration,
      status: 'completed',
      connected: true,
      hungUpBy: 'customer',
      recording: { state: 'stored', durationSec: duration, channels: ['customer', 'assessor'], storedAt: now },
      reviewAssignee: i % 5 === 0 ? 'me' : null,
      sandbox: true,
    });
  }
  await db.calls.bulkInsert(calls);
  const card: ScorecardDoc = starterScorecard(() => crypto.randomUUID(), now);
  await db.scorecards.insert(card);
  const media = new Map<string, { url: string; peaks: PeaksFile }>();
  const recordingFor = (callId: string) => {
    const hit = media.get(callId);
    if (hit) return hit;
    const call = calls.find((c) => c.id === callId)!;
    const { channels } = synthesise(call.recording.durationSec!, callId.length + Number(callId.slice(4)));
    const entry = {
      url: URL.createObjectURL(wav(channels)),
      peaks: computePeaks(channels, RATE, ['customer', 'assessor']),
    };
    media.set(callId, entry);
    return entry;
  };
  const insights: InsightDoc[] = calls.slice(0, Math.floor(CALLS / 2)).map((c, i) => ({
    id: `${c.id}~local`,
    updatedAt: now,
    callId: c.id,
    provider: 'local',
    model: 'lexicon',
    version: '1',
    createdAt: now,
    transcriber: { provider: 'sandbox', model: 'script', version: '1', sandbox: true },
    transcript: synthesise(c.recording.durationSec!, c.id.length + i).turns,
    analysis: {
      outcome: {
        value: (['booked', 'callback', 'lost'] as const)[i % 3],
        confidence: 0.62 + (i % 30) / 100,
        evidence: [],
      },
    } as unknown as InsightDoc['analysis'],
    status: 'done',
    error: null,
    sandbox: true,
  }));
  await db.insights.bulkInsert(insights);

  const env: ReviewEnv = {
    user: { id: 'me', name: 'Harness reviewer', role: ROLE },
    cache: createBrowserRecordingCache(),
    api: {
      async mediaUrl(callId) {
        const r = recordingFor(callId);
        const peaksUrl = URL.createObjectURL(new Blob([JSON.stringify(r.peaks)], { type: 'application/json' }));
        return { audioUrl: r.url, peaksUrl, expiresAt: new Date(Date.now() + 600_000).toISOString() };
      },
      async listReviewers() {
        return [
          { id: 'me', name: 'Harness reviewer', email: 'me@x', role: 'reviewer' },
          { id: 'r2', name: 'Jo Bloggs', email: 'jo@x', role: 'reviewer' },
        ];
      },
    },
  };
  // The bench reads the harness database from the page.
  Object.assign(window, { harnessDb: db });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <DatabaseContext.Provider value={db}>
        <ReviewEnvContext.Provider value={env}>
          <div style={{ height: '100vh' }}>{SCREEN === 'scorecards' ? <ScorecardEditor /> : <ReviewScreen />}</div>
        </ReviewEnvContext.Provider>
      </DatabaseContext.Provider>
    </StrictMode>,
  );
}

void main();
