import winkNLP, { type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import {
  ANALYSIS_SCHEMA_VERSION,
  CallAnalysis,
  OBJECTION_CATEGORIES,
  fnv1a,
  professionalismScore,
  redactCardDetails,
  sentimentLabel,
  type ConversionTrigger,
  type Criterion,
  type Evidence,
  type Objection,
  type Outcome,
  type Professionalism,
  type SentimentPoint,
  type Stamp,
  type TranscriptSegment,
} from '../../../../shared/analysis';
import type { AnalysisInput, AnalysisOutput, AnalysisProvider } from '../types';
import * as L from './lexicons';

/**
 * The offline analyser: no network, no per-call cost. wink-nlp with its English model gives sentences,
 * negation and a general sentiment score; the domain lexicons (lexicons.ts) recognise what matters on a UK
 * trade call: quotes and objections, slots offered and accepted, call-backs, walk-aways, greetings.
 *
 * Its confidence is honest: a decision resting on one weak cue stays well under 0.6, and a call without any
 * outcome cue is reported as a low-confidence guess with a caveat, never as a certainty.
 */
export const LOCAL_ANALYSER_VERSION = '1.0.0';

function lexiconFingerprint(): string {
  const parts: string[] = [];
  const visit = (v: unknown) => {
    if (v instanceof RegExp) parts.push(v.source);
    else if (Array.isArray(v)) v.forEach(visit);
    // Sorted keys: a module namespace lists its exports in a different order under tsx and vitest.
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) {
        parts.push(k);
        visit(x);
      }
    } else parts.push(String(v));
  };
  visit(L);
  return fnv1a(parts.join('\u0001'));
}

interface Utterance {
  index: number;
  speaker: 'customer' | 'assessor';
  start: number;
  end: number;
  text: string;
  /** Lower-cased, apostrophes straightened, for the lexicons. */
  norm: string;
  sentiment: number;
  /** Names a day or time (wink's DATE/TIME entities, or the slot words of the lexicon). */
  when: boolean;
  /** Names an amount of money (wink's MONEY entity, or a number next to a price word). */
  amount: boolean;
  /** The utterance's sentences (wink's sentence boundaries) with their own sentiment. */
  sentences: Array<{ norm: string; sentiment: number }>;
  /** Position in the call, 0 … 1. */
  pos: number;
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

const clip = (text: string, max = 240) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function evidence(u: Utterance): Evidence {
  return { quote: clip(u.text), time: u.start, speaker: u.speaker };
}

/** True when a "not/never/n't" sits just before the match (e.g. "not booked yet"). */
function negatedBefore(norm: string, index: number): boolean {
  const before = norm.slice(Math.max(0, index - 14), index);
  return /\b(not|never|no)\s+(\w+\s+)?$|n't\s+(\w+\s+)?$/.test(before);
}

function matchCue(u: Utterance, re: RegExp, allowNegated = false): boolean {
  const m = re.exec(u.norm);
  if (!m) return false;
  return allowNegated || !negatedBefore(u.norm, m.index);
}

export class LocalAnalyser implements AnalysisProvider {
  readonly stamp: Stamp;
  private readonly nlp: WinkMethods;

  constructor() {
    this.nlp = winkNLP(model, ['sbd', 'negation', 'sentiment', 'ner']);
    this.stamp = {
      provider: 'local',
      model: 'wink-eng-lite-web-model',
      version: `${LOCAL_ANALYSER_VERSION}+lex.${lexiconFingerprint()}`,
    };
  }

  async analyse(input: AnalysisInput): Promise<AnalysisOutput> {
    return { analysis: this.analyseSync(input.segments), usage: { promptTokens: 0, completionTokens: 0, requests: 0 } };
  }

  /** Synchronous core, used by the CLI, the tests and the benchmark. */
  analyseSync(rawSegments: TranscriptSegment[]): CallAnalysis {
    const its = this.nlp.its;
    const sorted = [...rawSegments].sort((a, b) => a.start - b.start);
    const { segments, flags } = redactCardDetails(sorted);
    const callEnd = segments.length ? Math.max(...segments.map((s) => s.end)) : 0;
    const utterances: Utterance[] = segments
      .filter((s) => s.text.trim())
      .map((s, index, all) => {
        const doc = this.nlp.readDoc(s.text);
        const types = new Set(doc.entities().out(its.type) as string[]);
        const norm = normalise(s.text);
        return {
          index,
          speaker: s.speaker,
          start: s.start,
          end: s.end,
          text: s.text.trim(),
          norm,
          sentiment: Number(doc.out(its.sentiment)) || 0,
          sentences: doc
            .sentences()
            .out()
            .map((text: string, i: number) => ({
              norm: normalise(text),
              sentiment: Number(doc.sentences().itemAt(i).out(its.sentiment)) || 0,
            })),
          when: types.has('DATE') || types.has('TIME') || L.SLOT_WORDS.test(norm),
          amount: types.has('MONEY') || ((types.has('CARDINAL') || /\d/.test(norm)) && L.PRICE_WORDS.test(norm)),
          pos: all.length > 1 ? index / (all.length - 1) : 1,
        };
      });
    const caveats: string[] = [];
    const customer = utterances.filter((u) => u.speaker === 'customer');
    const assessor = utterances.filter((u) => u.speaker === 'assessor');
    if (utterances.length < 4) caveats.push('very short transcript: every judgement below rests on little evidence');
    if (!customer.length) caveats.push('the customer says nothing in the transcript');
    if (!assessor.length) caveats.push('the assessor says nothing in the transcript');

    const objections = this.objections(utterances);
    const outcome = this.outcome(utterances, caveats);
    const professionalism = this.professionalism(utterances);
    const sentiment = this.sentiment(customer, objections, callEnd);
    const triggers = outcome.value === 'booked' ? this.triggers(utterances, outcome) : [];
    const summary = this.summary(outcome, objections, professionalism, sentiment.label, triggers);

    return CallAnalysis.parse({
      schemaVersion: ANALYSIS_SCHEMA_VERSION,
      stamp: this.stamp,
      sentiment,
      triggers,
      objections,
      professionalism,
      outcome,
      summary,
      cardDetails: flags,
      caveats,
    });
  }

  // ───────────── outcome ─────────────

  private outcome(utterances: Utterance[], caveats: string[]): Outcome {
    const scores: Record<Outcome['value'], number> = { booked: 0, callback: 0, lost: 0 };
    const found: Record<Outcome['value'], Array<{ u: Utterance; w: number }>> = { booked: [], callback: [], lost: [] };
    const add = (value: Outcome['value'], u: Utterance, weight: number) => {
      // Later in the call weighs more: how a call ends decides its outcome ("thanks for calling back … you're booked").
      const w = weight * (0.5 + u.pos);
      scores[value] += w;
      if (!found[value].some((f) => f.u === u)) found[value].push({ u, w });
    };
    for (const u of utterances) {
      for (const value of ['booked', 'callback', 'lost'] as const) {
        for (const cue of L.OUTCOME_CUES[value][u.speaker]) {
          if (matchCue(u, cue.re, value === 'lost')) add(value, u, cue.weight);
        }
      }
      // A customer accepting a slot: a visit if the assessor just offered one, a call if they offered to ring.
      if (u.speaker === 'customer' && u.when && L.SLOT_ACCEPT.test(u.norm) && !/\b(no|not|can'?t)\b/.test(u.norm)) {
        const proposal = [...utterances.slice(0, u.index)].reverse().find((p) => p.speaker === 'assessor');
        if (proposal && L.CALL_PROPOSAL.test(proposal.norm) && !/\b(come|visit|install|fit)\b/.test(proposal.norm))
          add('callback', u, 1.5);
        else if (proposal && L.VISIT_PROPOSAL.test(proposal.norm)) add('booked', u, 2);
      }
    }
    // General shapes the phrase lists miss: the assessor confirming an appointment with a day or time.
    for (const u of utterances) {
      if (
        u.speaker === 'assessor' &&
        u.when &&
        L.BOOKING_WORDS.test(u.norm) &&
        !negatedBefore(u.norm, u.norm.search(L.BOOKING_WORDS))
      )
        add('booked', u, 2);
    }
    const ranked = (Object.keys(scores) as Array<Outcome['value']>).sort((a, b) => scores[b] - scores[a]);
    const best = ranked[0];
    const total = scores.booked + scores.callback + scores.lost;
    if (total === 0) {
      // No cue at all: a customer who ends the call unhappy has most likely been lost; otherwise the call is
      // left open. Either way it is a guess and says so.
      caveats.push('no outcome cue found: the outcome is a guess');
      const lastCustomer = [...utterances].reverse().find((u) => u.speaker === 'customer');
      if (
        lastCustomer &&
        (lastCustomer.sentiment < -0.05 ||
          L.CUSTOMER_NEGATIVE.test(lastCustomer.norm) ||
          (/\b(goodbye|bye)\b/.test(lastCustomer.norm) &&
            utterances.filter((u) => u.speaker === 'customer').some((u) => u.sentiment < -0.1)))
      ) {
        return { value: 'lost', confidence: 0.36, evidence: [evidence(lastCustomer)] };
      }
      return { value: 'callback', confidence: 0.34, evidence: [] };
    }
    // Share of the evidence, shrunk towards a uniform guess when there is little of it (a prior of 2 units).
    const share = scores[best] / (total + 2);
    const confidence = Math.round(Math.min(0.95, Math.max(0.34, share)) * 100) / 100;
    const ev = found[best]
      .sort((a, b) => b.w - a.w)
      .slice(0, 3)
      .sort((a, b) => a.u.start - b.u.start)
      .map((f) => evidence(f.u));
    return { value: best, confidence, evidence: ev };
  }

  // ───────────── objections ─────────────

  private objections(utterances: Utterance[]): Objection[] {
    const raised: Array<{ category: Objection['category']; u: Utterance }> = [];
    for (const u of utterances) {
      if (u.speaker !== 'customer') continue;
      const concerned = u.sentences.filter((x) => x.sentiment < -0.1 || L.CONCERN.test(x.norm));
      for (const category of OBJECTION_CATEGORIES) {
        const general = category === 'price' && u.amount && (u.sentiment < -0.05 || L.PRICE_CONCERN.test(u.norm));
        // A concern and its topic in the same sentence.
        const shaped = concerned.some((x) => L.TOPICS[category].test(x.norm));
        if (general || shaped || L.OBJECTION_CUES[category].some((re) => re.test(u.norm))) raised.push({ category, u });
      }
    }
    const out: Objection[] = [];
    for (const { category, u } of raised) {
      // One objection per category and stretch of talk: a customer repeating it is the same objection.
      const previous = out.filter((o) => o.category === category);
      const last = previous[previous.length - 1];
      if (last && u.start - last.time < 20) continue;
      const next = utterances.slice(u.index + 1);
      const answers = next.filter((x) => x.speaker === 'assessor').slice(0, 2);
      const answer = answers.find((a) => L.HANDLING_CUES[category].test(a.norm)) ?? null;
      const cameBack = raised.some((r) => r.category === category && r.u.index > u.index && r.u.start - u.start >= 20);
      const walkedAway = next.some(
        (x) => x.speaker === 'customer' && L.OUTCOME_CUES.lost.customer.some((c) => c.re.test(x.norm)),
      );
      out.push({
        category,
        quote: clip(u.text),
        time: u.start,
        handled: answer !== null && !cameBack && !walkedAway,
        response: answer ? evidence(answer) : null,
      });
    }
    return out;
  }

  // ───────────── professionalism ─────────────

  private professionalism(utterances: Utterance[]): Professionalism {
    const assessor = utterances.filter((u) => u.speaker === 'assessor');
    const none = (why: string): Criterion => ({ met: false, evidence: why, time: null });
    const opening = assessor.slice(0, 2);
    const greet = opening.find((u) => L.GREETING.test(u.norm) && L.INTRODUCTION.test(u.norm));
    const greeting: Criterion = greet
      ? { met: true, evidence: clip(greet.text), time: greet.start }
      : none(opening.length ? 'no greeting with a name and company at the start' : 'the assessor does not speak');

    const words = assessor.reduce((n, u) => n + u.norm.split(' ').length, 0);
    const fillers = assessor.reduce((n, u) => n + (u.norm.match(L.FILLERS)?.length ?? 0), 0);
    const vague = assessor.reduce((n, u) => n + (u.norm.match(L.VAGUE)?.length ?? 0), 0);
    const jargon = assessor.filter((u) => (u.norm.match(L.JARGON)?.length ?? 0) > 0 && !L.EXPLAINS.test(u.norm));
    const meanWords = assessor.length ? words / assessor.length : 0;
    const clarityProblems: string[] = [];
    if (words && fillers / words > 0.03) clarityProblems.push(`${fillers} filler words`);
    if (vague > 1) clarityProblems.push(`${vague} vague answers ("depends", "dunno", "or so")`);
    if (jargon.length) clarityProblems.push(`unexplained jargon: "${clip(jargon[0].text, 120)}"`);
    if (assessor.length && meanWords < 6)
      clarityProblems.push(`very short answers (${meanWords.toFixed(1)} words on average)`);
    const clarity: Criterion = !assessor.length
      ? none('the assessor does not speak')
      : clarityProblems.length
        ? { met: false, evidence: clarityProblems.join('; '), time: jargon[0]?.start ?? null }
        : {
            met: true,
            evidence: `clear, specific answers (${meanWords.toFixed(0)} words on average, no filler or jargon)`,
            time: null,
          };

    const emp = assessor.find((u) => matchCue(u, L.EMPATHY));
    const empathy: Criterion = emp
      ? { met: true, evidence: clip(emp.text), time: emp.start }
      : none("no acknowledgement of the customer's situation");

    // The next step must be stated near the end, where the customer will remember it.
    const closing = assessor.filter((u) => u.pos >= 0.5);
    const step = [...closing].reverse().find((u) => matchCue(u, L.NEXT_STEP));
    const nextStep: Criterion = step
      ? { met: true, evidence: clip(step.text), time: step.start }
      : none('no clear next step agreed at the end');

    const issues: Professionalism['issues'] = [];
    for (const u of assessor) {
      for (const cue of L.RUDE) {
        if (cue.re.test(u.norm) && !issues.some((i) => i.time === u.start))
          issues.push({ ...evidence(u), reason: cue.label });
      }
    }
    const p = { greeting, clarity, empathy, nextStep, issues };
    return { score: professionalismScore(p), ...p };
  }

  // ───────────── sentiment ─────────────

  private sentiment(customer: Utterance[], objections: Objection[], callEnd: number) {
    const raw = customer.map((u) => {
      let s = u.sentiment;
      if (L.CUSTOMER_POSITIVE.test(u.norm)) s += 0.3;
      if (L.CUSTOMER_NEGATIVE.test(u.norm)) s -= 0.4;
      if (objections.some((o) => o.time === u.start)) s -= 0.25;
      return { t: (u.start + u.end) / 2, s: Math.max(-1, Math.min(1, s)) };
    });
    // A smoothed curve: each point blends the moment with what came before, as a listener's impression does.
    const curve: SentimentPoint[] = [];
    let level = 0;
    raw.forEach((r, i) => {
      level = i === 0 ? r.s : 0.5 * level + 0.5 * r.s;
      curve.push({ t: Math.round(r.t * 10) / 10, score: Math.round(level * 100) / 100 });
    });
    const thinned = curve.length > 200 ? curve.filter((_, i) => i % Math.ceil(curve.length / 200) === 0) : curve;
    let score = 0;
    if (raw.length) {
      const mean = raw.reduce((a, r) => a + r.s, 0) / raw.length;
      const lastThird = raw.filter((r) => r.t >= (callEnd * 2) / 3);
      const endMean = lastThird.length ? lastThird.reduce((a, r) => a + r.s, 0) / lastThird.length : mean;
      score = Math.max(-1, Math.min(1, 0.4 * mean + 0.6 * endMean));
    }
    score = Math.round(score * 100) / 100;
    return { score, label: sentimentLabel(score), curve: thinned };
  }

  // ───────────── conversion triggers ─────────────

  private triggers(utterances: Utterance[], outcome: Outcome): ConversionTrigger[] {
    const bookedAt = outcome.evidence.length ? outcome.evidence[0].time : Number.POSITIVE_INFINITY;
    const out: ConversionTrigger[] = [];
    for (const u of utterances) {
      if (u.speaker !== 'assessor' || u.start > bookedAt) continue;
      // A trigger counts when the customer's next words are positive or accept.
      const reply = utterances.slice(u.index + 1).find((x) => x.speaker === 'customer');
      const accepted =
        reply &&
        (reply.sentiment > 0.1 ||
          L.CUSTOMER_POSITIVE.test(reply.norm) ||
          L.SLOT_ACCEPT.test(reply.norm) ||
          L.OUTCOME_CUES.booked.customer.some((c) => c.re.test(reply.norm)));
      if (!accepted) continue;
      for (const cue of L.TRIGGER_CUES) {
        if (cue.re.test(u.norm)) {
          out.push({ quote: clip(u.text), time: u.start, speaker: 'assessor', label: cue.label });
          break;
        }
      }
    }
    return out.slice(0, 10);
  }

  // ───────────── summary ─────────────

  private summary(
    outcome: Outcome,
    objections: Objection[],
    p: Professionalism,
    sentiment: string,
    triggers: ConversionTrigger[],
  ): string {
    const parts: string[] = [];
    const verdict = { booked: 'Booked', callback: 'Call-back arranged', lost: 'Lost' }[outcome.value];
    parts.push(
      `${verdict} (confidence ${Math.round(outcome.confidence * 100)}%)${outcome.evidence.length ? `: "${clip(outcome.evidence[outcome.evidence.length - 1].quote, 120)}"` : ', no clear outcome said on the call'}.`,
    );
    if (objections.length) {
      const list = objections.map((o) => `${o.category} (${o.handled ? 'handled' : 'not handled'})`);
      parts.push(`Objections: ${[...new Set(list)].join(', ')}.`);
    } else {
      parts.push('No objections raised.');
    }
    if (triggers.length)
      parts.push(`What moved the customer: ${[...new Set(triggers.map((t) => t.label))].join(', ')}.`);
    const missed = (['greeting', 'clarity', 'empathy', 'nextStep'] as const).filter((c) => !p[c].met);
    const names = { greeting: 'greeting', clarity: 'clarity', empathy: 'empathy', nextStep: 'a clear next step' };
    parts.push(
      `Professionalism ${p.score}/100${missed.length ? `, missing ${missed.map((m) => names[m]).join(', ')}` : ''}${p.issues.length ? `; ${p.issues.length} issue${p.issues.length > 1 ? 's' : ''} (${[...new Set(p.issues.map((i) => i.reason))].join(', ')})` : ''}.`,
    );
    parts.push(`Customer sentiment ${sentiment}.`);
    return parts.join(' ');
  }
}
