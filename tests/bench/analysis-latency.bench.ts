/**
 * Time from the recording callback to an insight visible in a connected app, with the Twilio sandbox and the
 * offline analyser.
 * Run: npx tsx tests/bench/analysis-latency.bench.ts [calls=5]
 *
 * The server runs its background job worker as in production. A connected app (an admin session) listens on
 * the live stream and pulls calls and insights on each change, as the desktop app does. For each sandbox demo
 * call it records when the app first sees:
 *  - t0: the call's recording pending (the server has taken Twilio's recording callback);
 *  - baseline t1: the recording stored (downloaded, peaks and MP3 computed) — the recordings pipeline alone;
 *  - t2: the insight done (sandbox script transcript and offline analysis).
 * It prints the medians of t1 − t0 and t2 − t0 and their ratio.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventSource } from 'eventsource';
import type { CallDoc, InsightDoc } from '../../shared/schemas';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { addPoolNumbers } from '../../sync-server/src/pool/store';
import { ticketedStreamUrl } from '../helpers/stream-ticket';
import { startSandbox } from '../../sync-server/src/twilio-sandbox';
import { makePgliteTemplate } from '../helpers/pglite-template';
import { startTestServer } from '../helpers/server';

const CALLS = Number(process.argv[2] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  await makePgliteTemplate();
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-bench-analysis-'));
  const accountSid = `AC${'2'.repeat(32)}`;
  const authToken = 'c'.repeat(32);
  const sandbox = await startSandbox({
    webhookBaseUrl: 'http://127.0.0.1:1',
    accountSid,
    authToken,
    timing: 'virtual',
    numberDefaults: { statusCallback: '/twilio/voice/status' },
  });
  const server = await startTestServer({
    jobs: true,
    env: {
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_API_BASE_URL: sandbox.url,
      SANDBOX: '1',
      TRANSCRIPTION_PROVIDER: 'sandbox',
      ANALYSIS_PROVIDER: 'local',
      RECORDINGS_DIR: recordingsDir,
      // Twilio's copy stays until the script transcript has been read (see the note in the analysis report).
      TWILIO_DELETE_AFTER_DOWNLOAD: '0',
    },
  });
  sandbox.setWebhookBaseUrl(server.url);
  const apiKey = (await createApiKey(server.db, 'marketplace')).key;
  const admin = await server.login();
  // Setup only: the answers are read as loose JSON (lead, assignments, assessor id).
  type Loose = { assessor: { id: string }; assignments: Array<{ poolNumber: string }> };
  const call = (p: string, json: unknown) =>
    server.api(p, { method: 'POST', token: apiKey, json }).then((r) => r.json() as Promise<Loose>);

  const pool = Array.from({ length: CALLS }, (_, i) => `+4477009009${String(50 + i).padStart(2, '0')}`);
  await addPoolNumbers(server.ctx, pool);
  const assessor = (
    await call('/api/assessors', {
      externalId: 'bench-a',
      name: 'Dan Price',
      phone: '+447700900199',
      districts: ['W1'],
      services: ['boiler'],
    })
  ).assessor.id as string;

  // The connected app: live stream, pull on change.
  const seen = {
    pending: new Map<string, number>(),
    stored: new Map<string, number>(),
    insight: new Map<string, number>(),
  };
  const checkpoints: Record<string, number> = { calls: 0, insights: 0 };
  const pull = async (collection: 'calls' | 'insights') => {
    for (;;) {
      const res = await server.api(`/sync/${collection}/0/pull?seq=${checkpoints[collection]}&limit=500`, {
        token: admin,
      });
      const body = (await res.json()) as { documents: Array<CallDoc | InsightDoc>; checkpoint: { seq: number } };
      const now = performance.now();
      for (const d of body.documents) {
        if (collection === 'calls') {
          const c = d as CallDoc;
          if (c.recording.state === 'pending' && !seen.pending.has(c.id)) seen.pending.set(c.id, now);
          if (c.recording.state === 'stored' && !seen.stored.has(c.id)) seen.stored.set(c.id, now);
        } else {
          const i = d as InsightDoc;
          if (i.status === 'done' && i.analysis && !seen.insight.has(i.callId)) seen.insight.set(i.callId, now);
        }
      }
      checkpoints[collection] = body.checkpoint.seq;
      if (body.documents.length < 500) return;
    }
  };
  let pulling = Promise.resolve();
  const es = new EventSource(await ticketedStreamUrl(server.url, '/sync/stream?collections=calls:0,insights:0', admin));
  es.addEventListener('change', (ev) => {
    const { collection } = JSON.parse((ev as MessageEvent).data) as { collection: 'calls' | 'insights' };
    pulling = pulling.then(() => pull(collection));
  });
  await new Promise<void>((resolve, reject) => {
    es.onopen = () => resolve();
    es.onerror = (e) => reject(new Error(`stream failed: ${String((e as { message?: string }).message)}`));
  });

  const deltas: Array<{ stored: number; insight: number }> = [];
  for (let i = 0; i < CALLS; i++) {
    const customer = `+4477009001${String(10 + i).padStart(2, '0')}`;
    const lead = await call('/api/leads', {
      externalId: `bench-lead-${i}`,
      customer: { name: `Customer ${i}`, phone: customer },
      postcode: 'W1D 3QF',
      service: 'boiler',
      assessorIds: [assessor],
    });
    const poolNumber = lead.assignments[0].poolNumber;
    const result = await sandbox.placeCall({
      from: customer,
      to: poolNumber,
      callee: { ringSec: 2 },
      hangup: 'callee',
    });
    const deadline = Date.now() + 60_000;
    while (!seen.insight.has(result.callSid)) {
      if (Date.now() > deadline) throw new Error(`no insight for ${result.callSid} within 60 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const t0 = seen.pending.get(result.callSid) ?? seen.stored.get(result.callSid)!;
    deltas.push({ stored: seen.stored.get(result.callSid)! - t0, insight: seen.insight.get(result.callSid)! - t0 });
  }
  es.close();

  const stored = median(deltas.map((d) => d.stored));
  const insight = median(deltas.map((d) => d.insight));
  console.log(`${CALLS} sandbox demo calls, background job worker, app connected by live stream + pull`);
  console.log(`baseline: recording callback → recording stored, seen in the app: median ${stored.toFixed(0)} ms`);
  console.log(
    `recording callback → insight (transcript + offline analysis) seen in the app: median ${insight.toFixed(0)} ms`,
  );
  console.log(
    `insight / stored: ${(insight / stored).toFixed(2)}× (analysis adds ${(insight - stored).toFixed(0)} ms); each: ${deltas.map((d) => Math.round(d.insight)).join(', ')} ms`,
  );
  await sandbox.close();
  await server.close();
  fs.rmSync(recordingsDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
