/**
 * Offline analyser throughput on 5-minute calls.
 * Run: npx tsx tests/bench/analyser.bench.ts [calls=200]
 *
 * Builds 5-minute transcripts (about 80–100 speaker turns) from the labelled fixtures, then measures in the
 * same run:
 *  - baseline: wink-nlp reading every utterance with sentiment and entities (the NLP cost alone);
 *  - the offline analyser (NLP, lexicons, objections, professionalism, outcome, card scan, schema check);
 * and prints calls per second of each and the analyser's cost as a ratio to the baseline.
 */
import fs from 'node:fs';
import path from 'node:path';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { TranscriptFile, type TranscriptSegment } from '../../shared/analysis';
import { LocalAnalyser } from '../../sync-server/src/analysis/local/analyser';

const CALLS = Number(process.argv[2] ?? 200);
const dir = path.resolve(import.meta.dirname, '../fixtures/transcripts');
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => TranscriptFile.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))).segments);

/** A 5-minute call: fixture conversations one after another (rotated per call), cut at 300 s. */
function fiveMinuteCall(seed: number): TranscriptSegment[] {
  const out: TranscriptSegment[] = [];
  let offset = 0;
  for (let k = 0; offset < 300; k++) {
    const segs = fixtures[(seed + k * 7) % fixtures.length];
    for (const s of segs) {
      if (offset + s.start >= 300) break;
      out.push({ ...s, start: offset + s.start, end: Math.min(300, offset + s.end) });
    }
    offset += segs[segs.length - 1].end + 1.5;
  }
  return out;
}

function main() {
  const calls = Array.from({ length: 20 }, (_, i) => fiveMinuteCall(i));
  const turns = calls.reduce((a, c) => a + c.length, 0) / calls.length;
  const words = calls.reduce((a, c) => a + c.reduce((n, s) => n + s.text.split(/\s+/).length, 0), 0) / calls.length;
  console.log(`${CALLS} analyses of 5-minute calls (${turns.toFixed(0)} turns, ${words.toFixed(0)} words on average)`);

  const nlp = winkNLP(model, ['sbd', 'negation', 'sentiment', 'ner']);
  const analyser = new LocalAnalyser();
  // Warm-up: the first documents compile regexes and fill wink's caches.
  for (const c of calls.slice(0, 5)) {
    analyser.analyseSync(c);
    for (const s of c) nlp.readDoc(s.text).out(nlp.its.sentiment);
  }

  let sink = 0;
  const b0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    for (const s of calls[i % calls.length]) {
      const doc = nlp.readDoc(s.text);
      sink += Number(doc.out(nlp.its.sentiment)) + doc.entities().length();
    }
  }
  const baselineMs = performance.now() - b0;

  const a0 = performance.now();
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < CALLS; i++) {
    const r = analyser.analyseSync(calls[i % calls.length]);
    outcomes[r.outcome.value] = (outcomes[r.outcome.value] ?? 0) + 1;
  }
  const analyserMs = performance.now() - a0;

  const perSec = (ms: number) => (CALLS / (ms / 1000)).toFixed(1);
  console.log(
    `baseline (wink-nlp read, sentiment, entities only): ${perSec(baselineMs)} calls/s, ${(baselineMs / CALLS).toFixed(2)} ms/call`,
  );
  console.log(
    `offline analyser ${analyser.stamp.version}:        ${perSec(analyserMs)} calls/s, ${(analyserMs / CALLS).toFixed(2)} ms/call`,
  );
  console.log(
    `analyser / baseline time: ${(analyserMs / baselineMs).toFixed(2)}× (outcomes ${JSON.stringify(outcomes)}; checksum ${sink.toFixed(0)})`,
  );
  console.log(
    `one core analyses about ${Math.round((CALLS / (analyserMs / 1000)) * 3600).toLocaleString('en-GB')} five-minute calls an hour`,
  );
}

main();
