import type { CallAnalysis, Stamp, TranscriberStamp, TranscriptSegment } from '../../../shared/analysis';

/**
 * The two provider interfaces of AI analysis. Each has several implementations chosen by configuration
 * (providers.ts); every result carries the stamp of who produced it (provider, model, prompt/analyser version).
 */

/** What a call's recording gives a transcription provider. */
export interface CallAudio {
  callId: string;
  /** Twilio's RecordingSid (the sandbox's transcripts are keyed by it). */
  recordingSid: string | null;
  durationSec: number | null;
  /** Which party is on which channel of the stored media: index 0 is the first channel. */
  channels: Array<'customer' | 'assessor'>;
  /** True for the sandbox's synthetic demo calls. */
  sandbox: boolean;
  /** Reads the recording as WAV (PCM or G.711), one channel per party. Called only by providers that need audio. */
  loadWav(): Promise<Buffer>;
}

/** Where the analysis jobs get a call's recording from (the recordings module provides it). */
export interface CallAudioSource {
  get(callId: string): Promise<CallAudio | null>;
}

export interface TranscriptionUsage {
  audioSeconds: number;
  requests: number;
}

export interface TranscriptionResult {
  stamp: TranscriberStamp;
  segments: TranscriptSegment[];
  usage: TranscriptionUsage;
}

export interface TranscriptionProvider {
  readonly stamp: TranscriberStamp;
  /** Null when this provider cannot transcribe this call (e.g. the sandbox provider and a real call). */
  transcribe(audio: CallAudio): Promise<TranscriptionResult | null>;
}

export interface AnalysisUsage {
  promptTokens: number;
  completionTokens: number;
  requests: number;
}

export interface AnalysisInput {
  segments: TranscriptSegment[];
  /** Context that helps a model (service, district); never personal data. */
  service?: string | null;
}

export interface AnalysisOutput {
  analysis: CallAnalysis;
  usage: AnalysisUsage;
}

export interface AnalysisProvider {
  readonly stamp: Stamp;
  analyse(input: AnalysisInput): Promise<AnalysisOutput>;
}
