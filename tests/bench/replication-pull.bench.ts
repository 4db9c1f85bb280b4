/**
 * Replication pull cost on a long history (SPEC R1, R10), on the embedded database (PGlite).
 * Run: npx tsx tests/bench/replication-pull.bench.ts [historySize=100000]
 *
 * Seeds a history of calls (with insights and some reviews), then measures over real HTTP:
 *  - baseline: pulling the whole calls history through checkpoints (what a client without scopes would do);
 *  - the scopes a device uses at sign-in (recent:90, queue, queue:14, insights queue);
 * and prints each as a ratio to the baseline, plus docs/s of the baseline.
 */
import { createUser } from '../../sync-server/src/auth/users';
import { putDocuments } from '../../sync-server/src/replication/store';
import type { CallDoc, InsightDoc } from '../../shared/schemas';
import { makePgliteTemplate } from '../helpers/pglite-template';
import { startTestServer } from '../helpers/server';
import { callDoc, reviewDoc } from '../helpers/sync-docs';

const HISTORY = Number(process.argv[2] ?? 100_000);
const DAY = 86_400_000;

async function main() {
  await makePgliteTemplate();
  const server = await startTestServer();
  const admin = await server.login();
  const reviewer = await createUser(server.db, {
    email: 'bench-rev@test.local',
    password: 'bench-password-123',
    role: 'reviewer',
  });
  const reviewerToken = await server.login('bench-rev@test.local', 'bench-password-123');
  const now = Date.now();

  // Two years of calls, newest last; every call recorded; 95 % of the older ones reviewed, 20 assigned to the reviewer.
  const seedStart = performance.now();
  for (let start = 0; start < HISTORY; start += 5000) {
    const calls: CallDoc[] = [];
    const insights: InsightDoc[] = [];
    const reviews: ReturnType<typeof reviewDoc>[] = [];
    for (let i = start; i < Math.min(HISTORY, start + 5000); i++) {
      const startedAt = now - Math.floor(((HISTORY - i) / HISTORY) * 730 * DAY);
      const id = `call-${i}`;
      calls.push(callDoc(id, { startedAt, reviewAssignee: i % 5000 === 7 ? reviewer.id : null }));
      insights.push({
        id: `ins-${i}`,
        updatedAt: 0,
        callId: id,
        provider: 'local',
        model: 'm',
        version: '1',
        createdAt: startedAt,
        transcriber: null,
        transcript: null,
        analysis: null,
        status: 'pending',
        error: null,
        sandbox: false,
      } as unknown as InsightDoc);
      if (startedAt < now - 14 * DAY && i % 20 !== 0)
        reviews.push(reviewDoc(id, 'someone', { status: 'submitted', submittedAt: startedAt + DAY }));
    }
    await server.db.transaction(async (tx) => {
      await putDocuments(tx, 'calls', calls, now);
      await putDocuments(tx, 'insights', insights, now);
      await putDocuments(tx, 'reviews', reviews, now);
    });
  }
  console.log(`seeded ${HISTORY} calls + insights in ${Math.round(performance.now() - seedStart)} ms`);

  async function pullAll(token: string, collection: string, scope: string | null) {
    const t = performance.now();
    let seq = 0;
    let docs = 0;
    let requests = 0;
    for (;;) {
      const q = new URLSearchParams({ seq: String(seq), limit: '1000', ...(scope ? { scope } : {}) });
      const res = await server.api(`/sync/${collection}/0/pull?${q}`, { token });
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      const body = (await res.json()) as { documents: unknown[]; checkpoint: { seq: number } };
      requests++;
      docs += body.documents.length;
      seq = body.checkpoint.seq;
      if (body.documents.length < 1000) break;
    }
    return { ms: performance.now() - t, docs, requests };
  }

  const baseline = await pullAll(admin, 'calls', null);
  console.log(
    `baseline: whole history ${baseline.docs} calls in ${Math.round(baseline.ms)} ms (${Math.round(baseline.docs / (baseline.ms / 1000))} docs/s, ${baseline.requests} requests)`,
  );
  for (const [token, collection, scope] of [
    [admin, 'calls', 'recent:90'],
    [reviewerToken, 'calls', 'queue'],
    [reviewerToken, 'calls', 'queue:14'],
    [reviewerToken, 'insights', 'queue'],
    [reviewerToken, 'insights', 'queue:14'],
    [reviewerToken, 'reviews', 'mine'],
  ] as const) {
    const r = await pullAll(token, collection, scope);
    console.log(
      `${collection} scope=${scope}: ${r.docs} docs in ${Math.round(r.ms)} ms, ${r.requests} requests — ${(r.ms / baseline.ms).toFixed(3)}× the baseline time`,
    );
  }
  await server.close();
}

await main();
