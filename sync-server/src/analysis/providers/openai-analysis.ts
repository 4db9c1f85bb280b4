import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import {
  ANALYSIS_SCHEMA_VERSION,
  CARD_FLAG_KINDS,
  CallAnalysis,
  OBJECTION_CATEGORIES,
  OUTCOME_VALUES,
  SPEAKERS,
  fnv1a,
  professionalismScore,
  redactCardDetails,
  sentimentLabel,
  type CardFlag,
  type Criterion,
  type Evidence,
  type Stamp,
  type TranscriptSegment,
} from '../../../../shared/analysis';
import type { AnalysisInput, AnalysisOutput, AnalysisProvider } from '../types';
import { toJobError, type RateLimiter } from './limits';

/**
 * Call analysis by an OpenAI chat model with structured outputs: the model must answer JSON matching
 * `ModelAnswer` (sent as a strict JSON schema built from zod by the SDK's zodResponseFormat), which is then
 * checked against the transcript and turned into the shared `CallAnalysis`:
 * - every quote must be found in the transcript; its time and speaker are taken from the transcript, not from
 *   the model, and claims whose quotes cannot be found are dropped with a caveat (no evidence, no claim);
 * - scores are clamped and the professionalism score is computed from the four criteria, the same formula
 *   as the offline analyser, so the two are comparable;
 * - card numbers are removed from the transcript before it leaves the server (PCI DSS), and card flags come
 *   from the same deterministic scanner as the offline analyser, plus any the model adds.
 */
const Speaker = z.enum(SPEAKERS);
const Quote = z.object({ quote: z.string(), time: z.number(), speaker: Speaker });
const ModelCriterion = z.object({ met: z.boolean(), quote: z.string().nullable(), reason: z.string() });

export const ModelAnswer = z.object({
  sentiment: z.object({
    score: z
      .number()
      .describe('customer satisfaction, -1 very unhappy … +1 very happy, weighted to how the call ended'),
    curve: z
      .array(z.object({ time: z.number(), score: z.number() }))
      .describe('customer sentiment at 5–20 moments in time order'),
  }),
  triggers: z.array(Quote.extend({ label: z.string() })).describe('phrases that moved the customer towards booking'),
  objections: z.array(
    z.object({
      category: z.enum(OBJECTION_CATEGORIES),
      quote: z.string().describe("the customer's words, verbatim"),
      time: z.number(),
      handled: z.boolean(),
      responseQuote: z.string().nullable().describe("the assessor's answer, verbatim, or null"),
    }),
  ),
  professionalism: z.object({
    greeting: ModelCriterion,
    clarity: ModelCriterion,
    empathy: ModelCriterion,
    nextStep: ModelCriterion,
    issues: z.array(Quote.extend({ reason: z.string() })),
  }),
  outcome: z.object({
    value: z.enum(OUTCOME_VALUES),
    confidence: z.number().describe('0 … 1; below 0.5 when the call does not say clearly'),
    evidence: z.array(Quote).describe('verbatim quotes that justify the outcome'),
  }),
  summary: z.string().describe('two or three sentences for a QA reviewer'),
  cardDetails: z.array(z.object({ kind: z.enum(CARD_FLAG_KINDS), time: z.number(), speaker: Speaker })),
});
export type ModelAnswer = z.infer<typeof ModelAnswer>;

export const SYSTEM_PROMPT = `You analyse phone calls between a UK homeowner (the customer) and a tradesperson or assessor who received the customer's job as a lead (boiler, electrical, plumbing, solar, security, energy assessment).
Read the transcript (each line: [seconds] speaker: words) and answer in the given JSON schema.
Rules:
- Quote the transcript verbatim for every quote field; use the time in seconds of the line you quote. Never invent quotes.
- outcome: "booked" when a visit, survey or job is agreed with a time; "callback" when they agree to talk again or the customer will get back; "lost" when the customer declines, chose someone else, no longer needs it, or it was a wrong number.
- confidence: how clearly the call itself shows the outcome. Use below 0.5 when it is unclear.
- objections: customer concerns about price, timing, trust (credentials, past bad experience, scams), need (does not need it), competitor (other quotes or companies), other (e.g. must ask a partner or landlord). handled = the assessor answered it and the customer did not come back to it.
- professionalism: greeting = assessor greets and says who they are and where from; clarity = clear, specific, no unexplained jargon or filler; empathy = acknowledges the customer's situation; nextStep = a clear next step agreed at the end. issues = rude, dismissive, pushy or misleading remarks by the assessor.
- cardDetails: flag anything that looks like payment card details being given. Card numbers already removed from the transcript appear as [card number removed].
- Keep the summary factual and short; do not include phone numbers, addresses or card details.`;

export const OPENAI_ANALYSIS_VERSION = `prompt-1.${fnv1a(SYSTEM_PROMPT + JSON.stringify(z.toJSONSchema(ModelAnswer)))}`;

const norm = (t: string) =>
  t
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^a-z0-9' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Finds the segment a quote comes from (exact words, or its first eight words for long quotes). */
export function groundQuote(
  quote: string,
  segments: TranscriptSegment[],
  speaker?: 'customer' | 'assessor',
): TranscriptSegment | null {
  const q = norm(quote);
  if (q.length < 2) return null;
  const head = q.split(' ').slice(0, 8).join(' ');
  const candidates = speaker
    ? [...segments.filter((s) => s.speaker === speaker), ...segments.filter((s) => s.speaker !== speaker)]
    : segments;
  return (
    candidates.find((s) => norm(s.text).includes(q)) ??
    candidates.find((s) => head.length >= 12 && norm(s.text).includes(head)) ??
    null
  );
}

const clamp = (x: number, lo: number, hi: number) => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : 0);
const clip = (t: string, n = 500) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

export function toCallAnalysis(
  answer: ModelAnswer,
  segments: TranscriptSegment[],
  stamp: Stamp,
  cardFlags: CardFlag[],
): CallAnalysis {
  const caveats: string[] = [];
  let dropped = 0;
  const ground = (q: { quote: string; speaker?: 'customer' | 'assessor' }): Evidence | null => {
    const seg = groundQuote(q.quote, segments, q.speaker);
    if (!seg) {
      dropped++;
      return null;
    }
    return { quote: clip(q.quote.trim() || seg.text), time: seg.start, speaker: seg.speaker };
  };
  const criterion = (c: ModelAnswer['professionalism']['greeting']): Criterion => {
    const ev = c.quote ? groundQuote(c.quote, segments, 'assessor') : null;
    return {
      met: c.met,
      evidence: clip(ev ? c.quote!.trim() : c.reason || (c.met ? 'met' : 'not met')),
      time: ev?.start ?? null,
    };
  };
  const evidence = answer.outcome.evidence
    .map(ground)
    .filter((e): e is Evidence => e !== null)
    .slice(0, 20);
  let confidence = clamp(answer.outcome.confidence, 0, 1);
  if (!evidence.length) {
    // An outcome without a quote that can be found in the transcript is a guess, whatever the model says.
    confidence = Math.min(confidence, 0.4);
    caveats.push('the model gave no quote for the outcome that could be found in the transcript');
  }
  const objections = answer.objections.flatMap((o) => {
    const ev = ground({ quote: o.quote, speaker: 'customer' });
    if (!ev) return [];
    const response = o.responseQuote ? ground({ quote: o.responseQuote, speaker: 'assessor' }) : null;
    return [
      { category: o.category, quote: ev.quote, time: ev.time, handled: o.handled && response !== null, response },
    ];
  });
  const triggers = answer.triggers.flatMap((t) => {
    const ev = ground(t);
    return ev ? [{ ...ev, label: clip(t.label, 60) }] : [];
  });
  const issues = answer.professionalism.issues.flatMap((i) => {
    const ev = ground(i);
    return ev ? [{ ...ev, reason: clip(i.reason, 200) }] : [];
  });
  const prof = {
    greeting: criterion(answer.professionalism.greeting),
    clarity: criterion(answer.professionalism.clarity),
    empathy: criterion(answer.professionalism.empathy),
    nextStep: criterion(answer.professionalism.nextStep),
    issues,
  };
  const flags = [...cardFlags];
  for (const f of answer.cardDetails) {
    const seg = segments.find((s) => Math.abs(s.start - f.time) < 0.5) ?? null;
    if (seg && !flags.some((x) => x.time === seg.start)) {
      flags.push({
        kind: f.kind,
        time: seg.start,
        speaker: seg.speaker,
        excerpt: clip(seg.text.replace(/\d/g, '•'), 300),
      });
    }
  }
  if (dropped)
    caveats.push(
      `${dropped} quote${dropped > 1 ? 's' : ''} from the model could not be found in the transcript and were dropped`,
    );
  const score = Math.round(clamp(answer.sentiment.score, -1, 1) * 100) / 100;
  const end = segments.length ? Math.max(...segments.map((s) => s.end)) : 0;
  return CallAnalysis.parse({
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    stamp,
    sentiment: {
      score,
      label: sentimentLabel(score),
      curve: answer.sentiment.curve
        .map((p) => ({ t: clamp(p.time, 0, Math.max(end, 0)), score: Math.round(clamp(p.score, -1, 1) * 100) / 100 }))
        .sort((a, b) => a.t - b.t)
        .slice(0, 200),
    },
    triggers: triggers.slice(0, 50),
    objections: objections.slice(0, 50),
    professionalism: { score: professionalismScore(prof), ...prof },
    outcome: { value: answer.outcome.value, confidence: Math.round(confidence * 100) / 100, evidence },
    summary: clip(answer.summary.trim() || 'No summary given.', 2000),
    cardDetails: flags.slice(0, 50),
    caveats,
  });
}

export function transcriptForModel(segments: TranscriptSegment[]): string {
  return segments.map((s) => `[${s.start.toFixed(1)}] ${s.speaker}: ${s.text}`).join('\n');
}

export class OpenAIAnalyser implements AnalysisProvider {
  readonly stamp: Stamp;

  constructor(
    private readonly client: OpenAI,
    private readonly model: string,
    private readonly limiter: RateLimiter,
  ) {
    this.stamp = { provider: 'openai', model, version: OPENAI_ANALYSIS_VERSION };
  }

  async analyse(input: AnalysisInput): Promise<AnalysisOutput> {
    // Card numbers never leave the server.
    const { segments, flags } = redactCardDetails(input.segments);
    await this.limiter.take();
    let completion;
    try {
      completion = await this.client.chat.completions.parse({
        model: this.model,
        temperature: 0,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          {
            role: 'user',
            content: `${input.service ? `Service: ${input.service}\n` : ''}Transcript:\n${transcriptForModel(segments)}`,
          },
        ],
        response_format: zodResponseFormat(ModelAnswer, 'call_analysis'),
      });
    } catch (err) {
      // Includes answers that are not valid JSON or do not match the schema: retried with backoff.
      throw toJobError(err, 'analysing the transcript');
    }
    const usage = {
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
      requests: 1,
    };
    const message = completion.choices[0]?.message;
    if (!message) throw Object.assign(new Error('malformed answer: no choices'), { usage });
    if (message.refusal)
      throw Object.assign(new Error(`the model refused: ${message.refusal.slice(0, 300)}`), { usage });
    if (!message.parsed) throw Object.assign(new Error('malformed answer: no parsed content'), { usage });
    return { analysis: toCallAnalysis(message.parsed, segments, this.stamp, flags), usage };
  }
}
