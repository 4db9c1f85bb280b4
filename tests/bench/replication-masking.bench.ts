/**
 * Cost of masking phone numbers, emails and card numbers in free text on pull (SPEC R6a), on PGlite.
 * Run: npx tsx tests/bench/replication-masking.bench.ts [messages=20000] [rounds=5]
 *
 * Seeds text messages (a third carry a phone number, an email or a card number), then pulls them all over real
 * HTTP, 1,000 a page, alternately as an admin (documents go out as the database's JSON text, untouched) and as
 * a reviewer (parsed, masked, re-serialised). Prints the median per 1,000-document page of each and the
 * reviewer's cost as a ratio to the admin's.
 */
import { createUser } from '../../sync-server/src/auth/users';
import { putDocuments } from '../../sync-server/src/replication/store';
import type { MessageDoc } from '../../shared/schemas';
import { makePgliteTemplate } from '../helpers/pglite-template';
import { startTestServer } from '../helpers/server';

const MESSAGES = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const PAGE = 1000;

const BODIES = [
  'Hi, are you free on Tuesday at 10:30 to look at the boiler? The quote was £1,250.',
  'ring me on +447700900100 after 5pm please',
  'Thanks, my email is jane.customer@example.com if that is easier',
  'Can I pay by card? 4242 4242 4242 4242',
  'The house is at N1 9GU, flat 2. Gate code 1234.',
  'Booked for 12/03 — see you then.',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  await makePgliteTemplate();
  const server = await startTestServer();
  const admin = await server.login();
  await createUser(server.db, { email: 'bench-mask@test.local', password: 'bench-password-123', role: 'reviewer' });
  const reviewer = await server.login('bench-mask@test.local', 'bench-password-123');
  const now = Date.now();
  for (let start = 0; start < MESSAGES; start += 5000) {
    const docs: MessageDoc[] = [];
    for (let i = start; i < Math.min(MESSAGES, start + 5000); i++) {
      docs.push({
        id: `msg-${i}`,
        updatedAt: 0,
        leadId: `lead-${i % 500}`,
        assessorId: `assessor-${i % 12}`,
        direction: i % 2 ? 'customer_to_assessor' : 'assessor_to_customer',
        poolNumber: '+447700900001',
        body: BODIES[i % BODIES.length],
        mediaCount: 0,
        status: 'delivered',
        sentAt: now - i * 1000,
        sandbox: false,
      });
    }
    await server.db.transaction((tx) => putDocuments(tx, 'messages', docs, now));
  }

  async function pullAll(token: string): Promise<number> {
    const t = performance.now();
    let seq = 0;
    let pages = 0;
    for (;;) {
      const res = await server.api(`/sync/messages/0/pull?seq=${seq}&limit=${PAGE}`, { token });
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      const body = (await res.json()) as { documents: unknown[]; checkpoint: { seq: number } };
      pages++;
      seq = body.checkpoint.seq;
      if (body.documents.length < PAGE) break;
    }
    return (performance.now() - t) / pages;
  }

  await pullAll(admin); // warm-up: planner statistics, JIT
  const adminMs: number[] = [];
  const reviewerMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which role goes first so neither always meets a warmer cache.
    if (r % 2) reviewerMs.push(await pullAll(reviewer));
    adminMs.push(await pullAll(admin));
    if (!(r % 2)) reviewerMs.push(await pullAll(reviewer));
  }
  const a = median(adminMs);
  const v = median(reviewerMs);
  console.log(`${MESSAGES} messages, ${ROUNDS} rounds, median per ${PAGE}-document page:`);
  console.log(`  admin (JSON text as stored): ${a.toFixed(2)} ms`);
  console.log(`  reviewer (masked):           ${v.toFixed(2)} ms — ${(v / a).toFixed(2)}× the admin's`);
  await server.close();
}

await main();
