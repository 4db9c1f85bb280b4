import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CallAnalysis, OBJECTION_CATEGORIES, TranscriptFile, type ObjectionCategory } from '../../shared/analysis';
import { LocalAnalyser } from '../../sync-server/src/analysis/local/analyser';

/**
 * The offline analyser against hand-written UK call transcripts (tests/fixtures/transcripts), each labelled
 * with the outcome, the objections raised and whether the assessor was professional. Prints the figures and
 * fails below the floors stated here.
 *
 * Floors (development set, which the lexicons were tuned on): outcome accuracy ≥ 0.80, objection recall
 * ≥ 0.75, objection precision ≥ 0.60, professionalism good/poor separation ≥ 0.85. Held-out set: see below.
 * A lexicon change that drops any of them below its floor fails the build.
 */
const FLOORS = { outcomeAccuracy: 0.8, objectionRecall: 0.75, objectionPrecision: 0.6, professionalismAccuracy: 0.85 };
/**
 * The held-out transcripts (tests/fixtures/transcripts/holdout) were written after the lexicons were last
 * tuned and are never used to tune them: they measure how the lexicons generalise to new wording, which is
 * what a QA lead should expect on real calls. History of these measurements (each set then joined the
 * development set and a new blind set was written):
 *   set 1 (before any tuning on it):           outcome 66.7 %, objection recall 11.1 %
 *   set 2 (blind, after round 2):              outcome 50.0 %, objection recall 33.3 %
 *   set 3 (blind, after round 3):              outcome 66.7 %, objection recall 33.3 %, precision 75 %
 *   set 4 (blind, after round 4, "a concern and its topic in one sentence"):
 *                                              outcome 83.3 %, objection recall 75.0 %, precision 66.7 %,
 *                                              professionalism 100 %  ← the set in holdout/ now
 * The floors were stated before set 4 was measured (set 3 missed its 0.5 recall floor; that is why round 4
 * exists). Twelve calls is a small sample: ±1 call moves outcome accuracy by 8 points.
 */
const HOLDOUT_FLOORS = {
  outcomeAccuracy: 0.6,
  objectionRecall: 0.5,
  objectionPrecision: 0.5,
  professionalismAccuracy: 0.7,
};

interface Fixture {
  id: string;
  service: string;
  expected: {
    outcome: 'booked' | 'callback' | 'lost';
    objections: ObjectionCategory[];
    professionalism: 'good' | 'poor';
  };
  segments: unknown[];
}

const dir = path.resolve(import.meta.dirname, '../fixtures/transcripts');
const fixtures: Fixture[] = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Fixture);

const analyser = new LocalAnalyser();
const results = fixtures.map((f) => ({ fixture: f, analysis: analyser.analyseSync(TranscriptFile.parse(f).segments) }));
const holdoutDir = path.join(dir, 'holdout');
const holdout = fs
  .readdirSync(holdoutDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(holdoutDir, f), 'utf8')) as Fixture)
  .map((f) => ({ fixture: f, analysis: analyser.analyseSync(TranscriptFile.parse(f).segments) }));

interface Metrics {
  outcomeAccuracy: number;
  objectionRecall: number;
  objectionPrecision: number;
  professionalismAccuracy: number;
  expectedObjections: number;
  predictedObjections: number;
  perCategory: Record<string, { expected: number; found: number }>;
  confusion: Record<string, Record<string, number>>;
  misses: string[];
}

function evaluate(set: Array<{ fixture: Fixture; analysis: CallAnalysis }>): Metrics {
  let correct = 0;
  let expectedObjections = 0;
  let foundObjections = 0;
  let predictedObjections = 0;
  let truePredicted = 0;
  let profCorrect = 0;
  const confusion: Record<string, Record<string, number>> = {};
  const perCategory: Record<string, { expected: number; found: number }> = {};
  const misses: string[] = [];
  for (const { fixture, analysis } of set) {
    const exp = fixture.expected;
    const got = analysis.outcome.value;
    confusion[exp.outcome] ??= { booked: 0, callback: 0, lost: 0 };
    confusion[exp.outcome][got]++;
    if (got === exp.outcome) correct++;
    else misses.push(`${fixture.id}: outcome ${got} (${analysis.outcome.confidence}) expected ${exp.outcome}`);
    const predicted = new Set(analysis.objections.map((o) => o.category));
    for (const c of exp.objections) {
      perCategory[c] ??= { expected: 0, found: 0 };
      perCategory[c].expected++;
      expectedObjections++;
      if (predicted.has(c)) {
        foundObjections++;
        perCategory[c].found++;
      } else misses.push(`${fixture.id}: missed ${c} objection`);
    }
    for (const c of predicted) {
      predictedObjections++;
      if (exp.objections.includes(c)) truePredicted++;
      else misses.push(`${fixture.id}: extra ${c} objection`);
    }
    const profGood = analysis.professionalism.score >= 60;
    if (profGood === (exp.professionalism === 'good')) profCorrect++;
    else
      misses.push(`${fixture.id}: professionalism ${analysis.professionalism.score} expected ${exp.professionalism}`);
  }
  return {
    outcomeAccuracy: correct / set.length,
    objectionRecall: expectedObjections ? foundObjections / expectedObjections : 1,
    objectionPrecision: predictedObjections ? truePredicted / predictedObjections : 1,
    professionalismAccuracy: profCorrect / set.length,
    expectedObjections,
    predictedObjections,
    perCategory,
    confusion,
    misses,
  };
}

function report(title: string, m: Metrics, floors: typeof FLOORS): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    title,
    `  outcome accuracy      ${pct(m.outcomeAccuracy)} (floor ${pct(floors.outcomeAccuracy)})`,
    `  objection recall      ${pct(m.objectionRecall)} of ${m.expectedObjections} (floor ${pct(floors.objectionRecall)})`,
    `  objection precision   ${pct(m.objectionPrecision)} of ${m.predictedObjections} (floor ${pct(floors.objectionPrecision)})`,
    `  professionalism       ${pct(m.professionalismAccuracy)} good/poor correct (floor ${pct(floors.professionalismAccuracy)})`,
    `  recall by category    ${OBJECTION_CATEGORIES.filter((c) => m.perCategory[c])
      .map((c) => `${c} ${m.perCategory[c].found}/${m.perCategory[c].expected}`)
      .join(', ')}`,
    `  confusion (expected → got) ${JSON.stringify(m.confusion)}`,
    ...m.misses.map((x) => `  - ${x}`),
  ].join('\n');
}

describe('offline analyser on labelled transcripts', () => {
  it('has at least 30 varied fixtures covering every outcome and the main objections', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    for (const o of ['booked', 'callback', 'lost'] as const)
      expect(fixtures.filter((f) => f.expected.outcome === o).length).toBeGreaterThanOrEqual(8);
    for (const c of ['price', 'timing', 'trust'] as const)
      expect(fixtures.filter((f) => f.expected.objections.includes(c)).length).toBeGreaterThanOrEqual(4);
    for (const p of ['good', 'poor'] as const)
      expect(fixtures.filter((f) => f.expected.professionalism === p).length).toBeGreaterThanOrEqual(6);
  });

  it('produces output that validates against the shared CallAnalysis schema', () => {
    for (const { analysis } of results) expect(CallAnalysis.safeParse(analysis).success).toBe(true);
  });

  it('meets the outcome accuracy, objection recall and professionalism floors', () => {
    const dev = evaluate(results);
    console.log(
      report(
        `offline analyser ${analyser.stamp.version} on ${results.length} labelled transcripts (development set)`,
        dev,
        FLOORS,
      ),
    );
    expect(dev.outcomeAccuracy).toBeGreaterThanOrEqual(FLOORS.outcomeAccuracy);
    expect(dev.objectionRecall).toBeGreaterThanOrEqual(FLOORS.objectionRecall);
    expect(dev.objectionPrecision).toBeGreaterThanOrEqual(FLOORS.objectionPrecision);
    expect(dev.professionalismAccuracy).toBeGreaterThanOrEqual(FLOORS.professionalismAccuracy);
  });

  it('generalises to held-out transcripts written after the lexicons were tuned', () => {
    const held = evaluate(holdout);
    console.log(
      report(
        `offline analyser ${analyser.stamp.version} on ${holdout.length} held-out transcripts`,
        held,
        HOLDOUT_FLOORS,
      ),
    );
    expect(holdout.length).toBeGreaterThanOrEqual(10);
    expect(held.outcomeAccuracy).toBeGreaterThanOrEqual(HOLDOUT_FLOORS.outcomeAccuracy);
    expect(held.objectionRecall).toBeGreaterThanOrEqual(HOLDOUT_FLOORS.objectionRecall);
    expect(held.objectionPrecision).toBeGreaterThanOrEqual(HOLDOUT_FLOORS.objectionPrecision);
    expect(held.professionalismAccuracy).toBeGreaterThanOrEqual(HOLDOUT_FLOORS.professionalismAccuracy);
  });

  it('flags a card number read aloud and a security code, keeping neither in the result', () => {
    const card = results.find((r) => r.fixture.id.includes('card-details'))!;
    expect(card.analysis.cardDetails.map((f) => f.kind)).toContain('card-number');
    const json = JSON.stringify(card.analysis);
    expect(json).not.toMatch(/4929\s?1234/);
    expect(json).not.toMatch(/four nine two nine, one two three four/);
    const code = results.find((r) => r.fixture.id.includes('card-security-code'))!;
    expect(code.analysis.cardDetails.map((f) => f.kind)).toContain('security-code');
    expect(JSON.stringify(code.analysis)).not.toMatch(/is 123\b/);
    const clean = results.filter((r) => !r.fixture.id.includes('card'));
    expect(clean.every((r) => r.analysis.cardDetails.every((f) => f.kind === 'card-mention'))).toBe(true);
  });

  it('confidence is honest: wrong outcomes are on average less confident than right ones, and nothing exceeds 0.95', () => {
    const right = results
      .filter((r) => r.analysis.outcome.value === r.fixture.expected.outcome)
      .map((r) => r.analysis.outcome.confidence);
    const wrong = results
      .filter((r) => r.analysis.outcome.value !== r.fixture.expected.outcome)
      .map((r) => r.analysis.outcome.confidence);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.max(...results.map((r) => r.analysis.outcome.confidence))).toBeLessThanOrEqual(0.95);
    if (wrong.length) expect(mean(wrong)).toBeLessThan(mean(right));
  });

  it('gives every outcome evidence quotes that appear in the transcript at the stated time', () => {
    for (const { fixture, analysis } of results) {
      const segments = TranscriptFile.parse(fixture).segments;
      for (const e of analysis.outcome.evidence) {
        const seg = segments.find((s) => s.start === e.time && s.speaker === e.speaker);
        expect(seg, `${fixture.id}: evidence at ${e.time}`).toBeDefined();
        expect(seg!.text.startsWith(e.quote.replace(/…$/, '')) || e.quote.includes('removed')).toBe(true);
      }
    }
  });

  it('an empty transcript yields a low-confidence guess with caveats, not a claim', () => {
    const a = analyser.analyseSync([]);
    expect(a.outcome.confidence).toBeLessThanOrEqual(0.34);
    expect(a.caveats.length).toBeGreaterThan(0);
    expect(a.objections).toEqual([]);
  });
});
