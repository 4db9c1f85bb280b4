import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAnalysis, TranscriptFile, professionalismScore, type TranscriptSegment } from '../../shared/analysis';
import { LocalAnalyser } from '../../sync-server/src/analysis/local/analyser';
import { RateLimiter } from '../../sync-server/src/analysis/providers/limits';
import { OpenAIAnalyser, type ModelAnswer } from '../../sync-server/src/analysis/providers/openai-analysis';
import type { AnalysisProvider } from '../../sync-server/src/analysis/types';
import { startFakeOpenAI, type ChatRequest, type FakeOpenAI } from '../helpers/fake-openai';

/**
 * One contract for every analysis provider (STYLE.md: "one contract suite per interface, run against every
 * implementation"): on every labelled transcript the result validates, carries its provider's stamp, quotes
 * only what was said at the time and by the speaker it names, scores professionalism by the shared formula,
 * and never contains card digits.
 *
 * The OpenAI provider runs against the local API stand-in answering as an "echo model": it reads the
 * transcript from the request (as a model would) and answers with the offline analyser's judgement in the
 * model's answer format, so the OpenAI path's request, parsing and grounding run on realistic content.
 */
const dir = path.resolve(import.meta.dirname, '../fixtures/transcripts');
const files = [
  ...fs.readdirSync(dir).map((f) => path.join(dir, f)),
  ...fs.readdirSync(path.join(dir, 'holdout')).map((f) => path.join(dir, 'holdout', f)),
]
  .filter((f) => f.endsWith('.json'))
  .sort();
const fixtures = files.map((f) => ({
  id: path.basename(f, '.json'),
  segments: TranscriptFile.parse(JSON.parse(fs.readFileSync(f, 'utf8'))).segments,
}));

const local = new LocalAnalyser();

/** The echo model: transcript lines back to segments, judged by the offline analyser, written as a model answer. */
function echoAnswer(req: ChatRequest): ModelAnswer {
  const user = req.messages.find((m) => m.role === 'user')!.content;
  const segments: TranscriptSegment[] = [];
  for (const line of user.split('\n')) {
    const m = /^\[(\d+(?:\.\d+)?)\] (customer|assessor): (.*)$/.exec(line);
    if (m)
      segments.push({
        speaker: m[2] as 'customer' | 'assessor',
        start: Number(m[1]),
        end: Number(m[1]) + 1,
        text: m[3],
      });
  }
  const a = local.analyseSync(segments);
  const criterion = (c: CallAnalysis['professionalism']['greeting']) => ({
    met: c.met,
    quote: c.time !== null ? c.evidence : null,
    reason: c.evidence ?? '',
  });
  return {
    sentiment: { score: a.sentiment.score, curve: a.sentiment.curve.map((p) => ({ time: p.t, score: p.score })) },
    triggers: a.triggers.map((t) => ({ quote: t.quote, time: t.time, speaker: t.speaker, label: t.label })),
    objections: a.objections.map((o) => ({
      category: o.category,
      quote: o.quote,
      time: o.time,
      handled: o.handled,
      responseQuote: o.response?.quote ?? null,
    })),
    professionalism: {
      greeting: criterion(a.professionalism.greeting),
      clarity: criterion(a.professionalism.clarity),
      empathy: criterion(a.professionalism.empathy),
      nextStep: criterion(a.professionalism.nextStep),
      issues: a.professionalism.issues.map((i) => ({
        quote: i.quote,
        time: i.time,
        speaker: i.speaker,
        reason: i.reason,
      })),
    },
    outcome: {
      value: a.outcome.value,
      confidence: a.outcome.confidence,
      evidence: a.outcome.evidence.map((e) => ({ quote: e.quote, time: e.time, speaker: e.speaker })),
    },
    summary: a.summary,
    cardDetails: [],
  };
}

let fake: FakeOpenAI;
let providers: Array<{ name: string; provider: AnalysisProvider }>;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.onChat = echoAnswer;
  const client = new OpenAI({ apiKey: fake.key, baseURL: fake.url, maxRetries: 0 });
  providers = [
    { name: 'local', provider: local },
    { name: 'openai', provider: new OpenAIAnalyser(client, 'gpt-4o-mini', new RateLimiter(100_000)) },
  ];
});
afterAll(async () => {
  await fake?.close();
});

const norm = (t: string) => t.toLowerCase().replace(/…$/, '');

describe('analysis provider contract', () => {
  for (const name of ['local', 'openai']) {
    it(`${name}: valid, stamped, grounded in the transcript, one professionalism formula, no card digits`, async () => {
      const { provider } = providers.find((p) => p.name === name)!;
      for (const f of fixtures) {
        const { analysis } = await provider.analyse({ segments: f.segments });
        const where = `${name} on ${f.id}`;
        expect(CallAnalysis.safeParse(analysis).success, where).toBe(true);
        expect(analysis.stamp, where).toEqual(provider.stamp);
        const quoted = [
          ...analysis.outcome.evidence,
          ...analysis.triggers,
          ...analysis.professionalism.issues,
          ...analysis.objections.map((o) => ({ quote: o.quote, time: o.time, speaker: 'customer' as const })),
          ...analysis.objections.flatMap((o) => (o.response ? [o.response] : [])),
        ];
        for (const q of quoted) {
          const seg = f.segments.find((s) => s.start === q.time && s.speaker === q.speaker);
          expect(seg, `${where}: nothing said by the ${q.speaker} at ${q.time}`).toBeDefined();
          if (!q.quote.includes('removed'))
            expect(norm(seg!.text).includes(norm(q.quote).slice(0, 40)), `${where}: "${q.quote}"`).toBe(true);
        }
        expect(analysis.professionalism.score, where).toBe(professionalismScore(analysis.professionalism));
        expect(analysis.outcome.confidence).toBeGreaterThanOrEqual(0);
        expect(analysis.outcome.confidence).toBeLessThanOrEqual(1);
        const times = analysis.sentiment.curve.map((p) => p.t);
        expect(times, where).toEqual([...times].sort((a, b) => a - b));
        const json = JSON.stringify(analysis);
        expect(json, where).not.toMatch(/\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}/);
        if (f.id.includes('card-details'))
          expect(
            analysis.cardDetails.map((c) => c.kind),
            where,
          ).toContain('card-number');
      }
    }, 120_000);
  }

  it('the OpenAI path keeps what the model said: with the echo model its outcomes equal the offline analyser', async () => {
    const openai = providers.find((p) => p.name === 'openai')!.provider;
    let same = 0;
    for (const f of fixtures) {
      const a = (await local.analyse({ segments: f.segments })).analysis;
      const b = (await openai.analyse({ segments: f.segments })).analysis;
      if (a.outcome.value === b.outcome.value && a.objections.length === b.objections.length) same++;
    }
    expect(same).toBe(fixtures.length);
    // Every request carried the strict schema and no card digits.
    for (const req of fake.chats) expect(JSON.stringify(req.messages)).not.toMatch(/4929|9013/);
  }, 120_000);
});
