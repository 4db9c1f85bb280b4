import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { z } from 'zod';
import { API_PREFIX, errorHandler, notFound, twilioError, type SandboxState } from './api/http';
import { controlRouter } from './api/control';
import { restApi } from './api/account';
import { CallSimulation, type CallEnvironment, type CallResult, type CallScenario, type LegRecord } from './calls';
import { newAuthToken, newSid } from './ids';
import { MessageService, type InboundSmsResult, type SendSmsInput } from './messages';
import {
  NumberRegistry,
  SALEABLE_LOCAL,
  SALEABLE_MOBILE,
  type NumberDefaults,
  type NumberType,
  type OwnedNumber,
} from './numbers';
import { PhoneRegistry } from './phones';
import { RecordingStore, type RecordingRecord, type TranscriptSegment } from './recordings';
import { SpeechSynthesizer } from './speech';
import { WebhookClient, type CallbackChaos } from './webhooks';

export type { CallResult, CallScenario, DialOutcome, GatherAnswer, DialledPartyBehaviour, HeardPrompt } from './calls';
export type { InboundSmsResult, SendSmsInput, MessageRecord } from './messages';
export type { PhoneProfile, ReceivedMessage } from './phones';
export type { TranscriptSegment } from './recordings';
export type { CallbackChaos, WebhookLogEntry } from './webhooks';
export { WITHHELD_FROM } from './calls';
export { twilioSignature } from './signature';

/**
 * The Twilio sandbox: a local stand-in for Twilio's network that the server cannot tell from the real thing.
 * It has its own account SID and auth token, signs every webhook as Twilio does, executes the TwiML the
 * application returns, simulates both phones from a scenario, posts Twilio's callbacks (optionally duplicated,
 * delayed or shuffled), answers the REST API the application uses (messages, numbers, calls, recordings) with
 * HTTP basic auth, and serves dual-channel recordings of synthesised speech. See README.md beside this file.
 *
 * This file composes it: the account, the registries and stores, one router per REST resource (api/), the
 * sandbox's own control routes (api/control.ts), and the HTTP server's life.
 */

export interface SandboxOptions {
  /** The application's public base URL: default voice/SMS URLs hang off it, and webhooks are signed for it. */
  webhookBaseUrl: string;
  /**
   * Where to connect for a webhook under webhookBaseUrl, when that is not reachable as such (a reverse proxy's
   * job in production). The signature is still computed over the public URL.
   */
  connectBaseUrl?: string;
  accountSid?: string;
  authToken?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Keeps the account, bought numbers, recordings and audio across restarts. Default: a temporary directory. */
  dataDir?: string;
  /** Cache of synthesised utterances (default `dataDir/clips`, or a shared temporary directory). */
  clipsDir?: string;
  /** Call clock: 'real' seconds, or 'virtual' seconds that pass instantly (default real; scenarios may override). */
  timing?: 'real' | 'virtual';
  /** How status, recording and message-status callbacks are delivered (scenarios may override). */
  callbacks?: CallbackChaos;
  /** Treat any number as the account's (with the default URLs) rather than only bought ones. Default true. */
  ownsAllNumbers?: boolean;
  /** Configuration of numbers the account did not buy through the API (paths are under webhookBaseUrl). */
  numberDefaults?: Partial<NumberDefaults>;
  /** Numbers for sale through AvailablePhoneNumbers (default: the top hundred of each drama range). */
  saleableNumbers?: Partial<Record<NumberType, string[]>>;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface LiveCall {
  callSid: string;
  /** Resolves when the parties are connected (never, for a call that does not connect: race it with `result`). */
  whenBridged: Promise<void>;
  result: Promise<CallResult>;
  /** Puts a phone down: the caller ends the call, the callee ends only the connected leg. */
  hangup(by: 'caller' | 'callee'): void;
}

export interface SandboxTranscript {
  sandbox: true;
  note: string;
  recordingSid: string;
  callSid: string;
  duration: number;
  channels: 1 | 2;
  speakers: Record<string, string>;
  segments: TranscriptSegment[];
}

export interface RunningSandbox {
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  phones: PhoneRegistry;
  numbers: NumberRegistry;
  messages: MessageService;
  /** Places a call and resolves when it has ended and every callback has been answered. */
  placeCall(scenario: CallScenario): Promise<CallResult>;
  /** Places a call and hands back control while it runs (live hang-up, recording updates). */
  startCall(scenario: CallScenario): LiveCall;
  /** A phone texts one of the account's numbers. */
  sendSms(input: SendSmsInput): Promise<InboundSmsResult>;
  recording(sid: string): RecordingRecord | undefined;
  transcript(sid: string): Promise<SandboxTranscript | null>;
  /** Points the sandbox at the application (e.g. once its port is known). */
  setWebhookBaseUrl(publicUrl: string, connectUrl?: string): void;
  /** Resolves when no call or message delivery is in flight. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface AccountFile {
  accountSid: string;
  authToken: string;
  url?: string;
  pid?: number;
}

/** The account file as read back: a saved account is reused only with a well-formed SID and a token. */
const SavedAccount: z.ZodType<AccountFile> = z.object({
  accountSid: z.string().regex(/^AC[0-9a-f]{32}$/),
  authToken: z.string().min(1),
  url: z.string().optional().catch(undefined),
  pid: z.number().optional().catch(undefined),
});

function loadAccount(dataDir: string | null, opts: SandboxOptions): AccountFile {
  const file = dataDir ? path.join(dataDir, 'account.json') : null;
  if (file && fs.existsSync(file) && !opts.accountSid) {
    try {
      const saved = SavedAccount.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (saved.success) return saved.data;
    } catch {
      // Unreadable: start a new account.
    }
  }
  return { accountSid: opts.accountSid ?? newSid('AC'), authToken: opts.authToken ?? newAuthToken() };
}

export async function startSandbox(opts: SandboxOptions): Promise<RunningSandbox> {
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : null;
  const workDir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-sandbox-'));
  fs.mkdirSync(workDir, { recursive: true });
  const account = loadAccount(dataDir, opts);
  const { accountSid, authToken } = account;
  let publicBase = opts.webhookBaseUrl.replace(/\/+$/, '');
  let connectBase = opts.connectBaseUrl?.replace(/\/+$/, '') ?? null;
  let baseUrl = '';

  const synth = new SpeechSynthesizer(
    opts.clipsDir ?? (dataDir ? path.join(dataDir, 'clips') : path.join(os.tmpdir(), 'ringside-sandbox-clips')),
  );
  const phones = new PhoneRegistry();
  const numbersFile = dataDir ? path.join(dataDir, 'numbers.json') : null;
  const numbers = new NumberRegistry({
    ownsAllNumbers: opts.ownsAllNumbers ?? true,
    defaults: () => {
      // Paths are relative to the application's base URL, which may change once its port is known.
      const at = (u: string) => (u.startsWith('/') ? publicBase + u : u);
      return {
        voiceUrl: at(opts.numberDefaults?.voiceUrl ?? '/twilio/voice'),
        smsUrl: at(opts.numberDefaults?.smsUrl ?? '/twilio/sms'),
        statusCallback: at(opts.numberDefaults?.statusCallback ?? ''),
      };
    },
    saleable: {
      Mobile: opts.saleableNumbers?.Mobile ?? SALEABLE_MOBILE,
      Local: opts.saleableNumbers?.Local ?? SALEABLE_LOCAL,
    },
    isTaken: (n) => phones.has(n),
  });
  if (numbersFile && fs.existsSync(numbersFile)) {
    try {
      numbers.restore(JSON.parse(fs.readFileSync(numbersFile, 'utf8')) as OwnedNumber[]);
    } catch {
      // Unreadable: the account starts without bought numbers.
    }
  }
  const saveNumbers = () => {
    if (numbersFile) fs.writeFileSync(numbersFile, JSON.stringify(numbers.list(), null, 2));
  };
  const recordings = new RecordingStore(path.join(workDir, 'recordings'), synth, !!dataDir);
  const webhooks = new WebhookClient({
    authToken: () => authToken,
    connectUrl: (url) => (connectBase && url.startsWith(publicBase) ? connectBase + url.slice(publicBase.length) : url),
    virtualTimeHeader: true,
  });
  const legs = new Map<string, LegRecord>();
  const liveRecordings = new Map<string, CallSimulation>();
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    const wrapped = p.finally(() => inFlight.delete(wrapped));
    inFlight.add(wrapped);
    return p;
  };

  const callEnv: CallEnvironment = {
    accountSid,
    baseUrl: () => baseUrl,
    numbers,
    phones,
    recordings,
    synth,
    webhooks,
    defaultTiming: opts.timing ?? 'real',
    defaultChaos: opts.callbacks ?? {},
    registerLeg(leg) {
      legs.set(leg.sid, leg);
      const oldest = legs.keys().next();
      if (legs.size > 20000 && !oldest.done) legs.delete(oldest.value);
    },
    trackRecording(sid, call) {
      if (call) liveRecordings.set(sid, call);
      else liveRecordings.delete(sid);
    },
  };
  const messages = new MessageService({
    accountSid,
    baseUrl: () => baseUrl,
    numbers,
    phones,
    webhooks,
    defaultChaos: opts.callbacks ?? {},
    defaultTiming: opts.timing ?? 'real',
  });

  const startCall = (scenario: CallScenario): LiveCall => {
    const sim = new CallSimulation(callEnv, scenario);
    const result = track(sim.run());
    result.catch((err: unknown) => opts.log?.warn({ err, callSid: sim.callSid }, 'sandbox call failed'));
    return { callSid: sim.callSid, whenBridged: sim.whenBridged, result, hangup: (by) => sim.hangup(by) };
  };

  const transcript = async (sid: string): Promise<SandboxTranscript | null> => {
    const r = recordings.get(sid);
    if (!r || (r.status !== 'completed' && r.status !== 'deleted')) return null;
    return {
      sandbox: true,
      note: 'Transcript of a synthetic sandbox call, from the script its audio was synthesised from; not a speech-recognition result.',
      recordingSid: r.sid,
      callSid: r.callSid,
      duration: r.duration ?? 0,
      channels: r.channels,
      speakers: r.speakers,
      segments: await recordings.transcript(r),
    };
  };

  const state: SandboxState = {
    accountSid,
    authToken,
    baseUrl: () => baseUrl,
    publicBase: () => publicBase,
    numbers,
    saveNumbers,
    phones,
    recordings,
    messages,
    legs,
    liveRecordings,
    startCall,
    track,
    transcript,
    log: opts.log,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/', (_req, res) => {
    res.json({
      sandbox: true,
      name: 'Ringside Twilio sandbox',
      accountSid,
      api: `${baseUrl}${API_PREFIX}/${accountSid}`,
      webhookBaseUrl: publicBase,
    });
  });
  // A picture phones can attach to an MMS (Twilio's inbound media URLs are public unless media auth is on).
  app.get('/sandbox/media/:name', (_req, res) => {
    res.setHeader('Content-Type', 'image/png');
    res.send(
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      ),
    );
  });
  app.use(restApi(state));
  app.use('/sandbox', controlRouter(state));
  app.use((req, res) => twilioError(res, notFound(req)));
  app.use(errorHandler(state));

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  // Listening on a TCP port (never a pipe) gives an AddressInfo.
  if (address === null || typeof address === 'string') throw new Error('the Twilio sandbox is not listening on a port');
  const { port } = address;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (dataDir) {
    fs.writeFileSync(
      path.join(dataDir, 'account.json'),
      JSON.stringify({ accountSid, authToken, url: baseUrl, pid: process.pid } satisfies AccountFile, null, 2),
      { mode: 0o600 },
    );
  }
  opts.log?.info({ url: baseUrl, accountSid, webhookBaseUrl: publicBase }, 'Twilio sandbox listening');

  return {
    url: baseUrl,
    port,
    accountSid,
    authToken,
    phones,
    numbers,
    messages,
    placeCall: (scenario) => startCall(scenario).result,
    startCall,
    sendSms: (input) => track(messages.receive(input)),
    recording: (sid) => recordings.get(sid),
    transcript,
    setWebhookBaseUrl(publicUrl, connectUrl) {
      publicBase = publicUrl.replace(/\/+$/, '');
      connectBase = connectUrl?.replace(/\/+$/, '') ?? null;
    },
    async settled() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await messages.settled();
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await synth.close();
      if (dataDir) {
        const file = path.join(dataDir, 'account.json');
        // Keep the credentials (recording URLs stored by the application use them) but mark the sandbox stopped.
        fs.writeFileSync(file, JSON.stringify({ accountSid, authToken } satisfies AccountFile, null, 2), {
          mode: 0o600,
        });
      } else {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}
