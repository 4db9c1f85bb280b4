import {
  CallAnalysis,
  OBJECTION_CATEGORIES,
  type ObjectionCategory,
  type SentimentPoint,
  type Speaker,
} from '../../../../shared/analysis';
import type { CallDoc, InsightDoc } from '../../../../shared/schemas';

/**
 * What the review workspace can say about a call's AI analysis, derived from its current insight document
 * (`pickCurrentInsight`). Pure: the components only draw what these functions decide, so the states and the
 * marker layout are unit-testable without a browser.
 */
export type InsightState =
  /** The call has no stored recording, so it never reaches a provider (opted out, do-not-record, deleted). */
  | { kind: 'not-analysable'; reason: string }
  /** Recording stored, no insight yet: the jobs have not started (or are queued behind others). */
  | { kind: 'not-started' }
  /** Transcription or analysis running; `error` is a failed attempt that will be retried. */
  | { kind: 'pending'; error: string | null }
  | { kind: 'failed'; error: string }
  /** Finished without a transcript (no transcription provider configured): nothing for the AI to judge. */
  | { kind: 'no-transcript' }
  /** Finished, but the stored analysis does not have the shape this app knows (a newer server). */
  | { kind: 'unreadable'; detail: string }
  /** `rerunError`: a later re-run of the same provider failed; the earlier result is still shown. */
  | { kind: 'done'; analysis: CallAnalysis; rerunError: string | null };

const RECORDING_REASONS: Partial<Record<CallDoc['recording']['state'], string>> = {
  none: 'This call was not recorded, so it is not analysed.',
  opted_out: 'The customer opted out of recording, so the call is never sent to an AI provider.',
  pending: 'The recording is still being downloaded; analysis starts once it is stored.',
  stopped: 'Recording was stopped for this call, so it is not analysed.',
  deleted: 'The recording was deleted, so the call is not analysed.',
  failed: 'The recording could not be stored, so the call is not analysed.',
};

export function insightState(
  insight: Pick<InsightDoc, 'status' | 'error' | 'analysis' | 'transcript'> | null,
  recordingState: CallDoc['recording']['state'] | null,
): InsightState {
  if (!insight) {
    if (recordingState && recordingState !== 'stored')
      return { kind: 'not-analysable', reason: RECORDING_REASONS[recordingState] ?? 'The call is not analysed.' };
    return { kind: 'not-started' };
  }
  if (insight.status === 'pending') return { kind: 'pending', error: insight.error };
  if (insight.status === 'failed')
    return { kind: 'failed', error: insight.error ?? 'The provider returned an error without a message.' };
  if (!insight.analysis) return { kind: 'no-transcript' };
  const parsed = CallAnalysis.safeParse(insight.analysis);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'unreadable', detail: `${issue.path.join('.') || 'analysis'}: ${issue.message}` };
  }
  return { kind: 'done', analysis: parsed.data, rerunError: insight.error };
}

export const OBJECTION_LABELS: Record<ObjectionCategory, string> = {
  price: 'Price',
  timing: 'Timing',
  trust: 'Trust',
  need: 'Need',
  competitor: 'Competitor',
  other: 'Other',
};

export const CRITERION_LABELS = {
  greeting: 'Greeting',
  clarity: 'Clarity',
  empathy: 'Empathy',
  nextStep: 'Clear next step',
} as const;

export const CARD_FLAG_LABELS = {
  'card-number': 'Card number',
  'security-code': 'Security code',
  'expiry-date': 'Expiry date',
  'card-mention': 'Card details mentioned',
} as const;

/** A point on the waveform the AI drew attention to: an objection or a conversion trigger. */
export interface Marker {
  id: string;
  kind: 'objection' | 'trigger';
  time: number;
  /** The lane the marker sits on: whose words the quote is. */
  speaker: Speaker;
  /** Short text on the flag, e.g. "Price" or "Availability". */
  label: string;
  /** The quote(s) from the transcript. Objections the analyser filed under several categories share one. */
  quote: string;
  /** Objections: whether the assessor answered it and the customer did not come back to it. */
  handled: boolean | null;
  /** Objections: the assessor's answer, when there was one. */
  response: { quote: string; time: number } | null;
  /** Vertical slot on its lane, so flags close together in time do not cover each other. */
  row: number;
}

const capitalise = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/**
 * Markers for the waveform, in time order. An objection quote filed under two categories (price and
 * competitor, say) becomes one marker labelled with both. Flags whose times are closer than `crowdSeconds`
 * are put on successive rows (up to `maxRows`, then round again).
 */
export function markersOf(analysis: CallAnalysis, opts: { crowdSeconds?: number; maxRows?: number } = {}): Marker[] {
  const out: Marker[] = [];
  const objections = new Map<string, Marker & { categories: ObjectionCategory[] }>();
  for (const o of analysis.objections) {
    const key = `${o.time.toFixed(2)}|${o.quote}`;
    const seen = objections.get(key);
    if (seen) {
      if (!seen.categories.includes(o.category)) seen.categories.push(o.category);
      seen.handled = Boolean(seen.handled && o.handled);
      continue;
    }
    objections.set(key, {
      id: `objection-${objections.size}`,
      kind: 'objection',
      time: o.time,
      speaker: 'customer',
      label: '',
      quote: o.quote,
      handled: o.handled,
      response: o.response ? { quote: o.response.quote, time: o.response.time } : null,
      row: 0,
      categories: [o.category],
    });
  }
  for (const { categories, ...m } of objections.values()) {
    const ordered = OBJECTION_CATEGORIES.filter((c) => categories.includes(c));
    out.push({ ...m, label: ordered.map((c) => OBJECTION_LABELS[c]).join(' · ') });
  }
  analysis.triggers.forEach((t, i) => {
    out.push({
      id: `trigger-${i}`,
      kind: 'trigger',
      time: t.time,
      speaker: t.speaker,
      label: capitalise(t.label) || 'Trigger',
      quote: t.quote,
      handled: null,
      response: null,
      row: 0,
    });
  });
  out.sort((a, b) => a.time - b.time || a.kind.localeCompare(b.kind));
  const crowd = opts.crowdSeconds ?? 0;
  const maxRows = Math.max(1, opts.maxRows ?? 3);
  const lastOnLane = new Map<Speaker, Marker[]>();
  for (const m of out) {
    const lane = lastOnLane.get(m.speaker) ?? [];
    const near = lane.filter((x) => m.time - x.time < crowd);
    const taken = new Set(near.map((x) => x.row));
    let row = 0;
    while (taken.has(row) && row < maxRows - 1) row++;
    m.row = taken.has(row) ? near.length % maxRows : row;
    lane.push(m);
    lastOnLane.set(m.speaker, lane);
  }
  return out;
}

/**
 * The SVG geometry of the sentiment curve in a `width` × `height` box spanning `duration` seconds: the line
 * through the points, the area between it and the neutral line (filled green above, red below), and the
 * points themselves. The line is held flat before the first and after the last point, so the strip covers
 * the whole call without inventing a trend.
 */
export function sentimentGeometry(
  curve: readonly SentimentPoint[],
  duration: number,
  width: number,
  height: number,
): { line: string; area: string; points: Array<{ x: number; y: number; score: number; t: number }>; zeroY: number } {
  const zeroY = height / 2;
  if (!curve.length || duration <= 0) return { line: '', area: '', points: [], zeroY };
  const pad = 3;
  const x = (t: number) => (Math.max(0, Math.min(duration, t)) / duration) * width;
  const y = (s: number) => zeroY - Math.max(-1, Math.min(1, s)) * (zeroY - pad);
  const sorted = [...curve].sort((a, b) => a.t - b.t);
  const points = sorted.map((p) => ({ x: x(p.t), y: y(p.score), score: p.score, t: p.t }));
  const path = [{ x: 0, y: points[0].y }, ...points, { x: width, y: points[points.length - 1].y }];
  const fmt = (n: number) => Number(n.toFixed(2));
  const line = path.map((p, i) => `${i ? 'L' : 'M'}${fmt(p.x)},${fmt(p.y)}`).join(' ');
  const area = `${line} L${fmt(width)},${fmt(zeroY)} L0,${fmt(zeroY)} Z`;
  return { line, area, points, zeroY };
}

/** How far to trust a confidence, in words, for the badge's tooltip. */
export function confidenceWords(confidence: number): string {
  if (confidence >= 0.8) return 'high confidence';
  if (confidence >= 0.55) return 'medium confidence';
  return 'low confidence: check the call';
}

export function sentimentWords(score: number): string {
  const s = Math.round(score * 100) / 100;
  const sign = s > 0 ? '+' : '';
  return `${sign}${s.toFixed(2)}`;
}
