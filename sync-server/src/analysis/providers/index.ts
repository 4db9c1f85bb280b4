import OpenAI from 'openai';
import type { Config } from '../../config';
import { LocalAnalyser } from '../local/analyser';
import type { AnalysisProvider, TranscriptionProvider } from '../types';
import { RateLimiter } from './limits';
import { OpenAIAnalyser } from './openai-analysis';
import { OpenAITranscriber } from './openai-transcription';
import { SandboxTranscriber } from './sandbox-transcription';

/**
 * Chooses the providers from configuration, once per server instance:
 * - transcription: TRANSCRIPTION_PROVIDER, or else OpenAI when OPENAI_API_KEY is set, else the sandbox's
 *   scripts in sandbox mode, else none ("no transcript");
 * - analysis: ANALYSIS_PROVIDER, or else the offline analyser (no network, no cost), also when a key is set:
 *   sending calls to OpenAI is a deliberate choice.
 */
export interface Providers {
  transcriber: TranscriptionProvider | null;
  analyser: AnalysisProvider;
  describe(): { transcription: string; analysis: string };
}

export class ProviderConfigError extends Error {}

let sharedLocal: LocalAnalyser | null = null;
/** The offline analyser holds no per-call state; one instance (and one loaded language model) per process. */
export function localAnalyser(): LocalAnalyser {
  sharedLocal ??= new LocalAnalyser();
  return sharedLocal;
}

export function createProviders(config: Config, opts: { fetch?: typeof fetch } = {}): Providers {
  const transcription =
    config.TRANSCRIPTION_PROVIDER ?? (config.OPENAI_API_KEY ? 'openai' : config.sandbox ? 'sandbox' : 'none');
  const analysis = config.ANALYSIS_PROVIDER ?? 'local';
  let client: OpenAI | null = null;
  const openai = () => {
    if (!config.OPENAI_API_KEY) throw new ProviderConfigError('OPENAI_API_KEY is needed for the openai provider');
    // Retries belong to the job queue (which honours Retry-After and survives restarts), not to the SDK.
    client ??= new OpenAI({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      maxRetries: 0,
      timeout: 300_000,
      fetch: opts.fetch,
    });
    return client;
  };
  const limiter = new RateLimiter(config.AI_MAX_REQUESTS_PER_MINUTE);
  const transcriber =
    transcription === 'openai'
      ? new OpenAITranscriber(openai(), config.OPENAI_TRANSCRIBE_MODEL, limiter)
      : transcription === 'sandbox'
        ? new SandboxTranscriber(() => config.twilio, opts.fetch)
        : null;
  const analyser =
    analysis === 'openai' ? new OpenAIAnalyser(openai(), config.OPENAI_ANALYSIS_MODEL, limiter) : localAnalyser();
  return {
    transcriber,
    analyser,
    describe: () => ({
      transcription: transcriber ? `${transcriber.stamp.provider}/${transcriber.stamp.model}` : 'none',
      analysis: `${analyser.stamp.provider}/${analyser.stamp.model}@${analyser.stamp.version}`,
    }),
  };
}
