import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { CallSimulation, type CallEnvironment, type CallResult, type CallScenario, type LegRecord } from './calls';
import { newAuthToken, newSid } from './ids';
import { MessageService, messageJson, TwilioApiError, type InboundSmsResult, type SendSmsInput } from './messages';
import {
  availableNumberJson,
  incomingNumberJson,
  NumberRegistry,
  SALEABLE_LOCAL,
  SALEABLE_MOBILE,
  type NumberDefaults,
  type NumberType,
  type NumberUpdate,
  type OwnedNumber,
} from './numbers';
import { PhoneRegistry } from './phones';
import { recordingJson, RecordingStore, type RecordingRecord, type TranscriptSegment } from './recordings';
import { SpeechSynthesizer } from './speech';
import { rfc2822, WebhookClient, type CallbackChaos } from './webhooks';

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

const API_PREFIX = '/2010-04-01/Accounts';

function twilioError(res: Response, err: TwilioApiError): void {
  res.status(err.status).json(err.toJson());
}

function notFound(req: Request): TwilioApiError {
  return new TwilioApiError(404, 20404, `The requested resource ${req.originalUrl.split('?')[0]} was not found`);
}

function param(body: unknown, name: string): string | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Reads `user:password` from a Basic Authorization header. */
function basicCredentials(req: Request): { user: string; password: string } | null {
  const m = /^Basic\s+(\S+)$/i.exec(req.header('authorization') ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function loadAccount(dataDir: string | null, opts: SandboxOptions): AccountFile {
  const file = dataDir ? path.join(dataDir, 'account.json') : null;
  if (file && fs.existsSync(file) && !opts.accountSid) {
    try {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as AccountFile;
      if (/^AC[0-9a-f]{32}$/.test(saved.accountSid) && saved.authToken) return saved;
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
      if (legs.size > 20000) legs.delete(legs.keys().next().value as string);
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

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const form = express.urlencoded({ extended: false, limit: '1mb' });
  const json = express.json({ limit: '1mb' });

  const requireAccount = (req: Request, res: Response, next: NextFunction) => {
    const creds = basicCredentials(req);
    if (!creds || !safeEqual(creds.user, accountSid) || !safeEqual(creds.password, authToken)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      twilioError(res, new TwilioApiError(401, 20003, 'Authenticate'));
      return;
    }
    next();
  };

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
  app.get('/sandbox/media/:name', (req, res) => {
    res.setHeader('Content-Type', 'image/png');
    res.send(
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      ),
    );
  });

  // ---- The REST API (https://www.twilio.com/docs/usage/api), form-encoded in, JSON out.
  app.get(`${API_PREFIX}/:file`, requireAccount, (req, res, next) => {
    if (req.params.file !== `${accountSid}.json`) return next();
    res.json({
      sid: accountSid,
      friendly_name: 'Ringside sandbox',
      status: 'active',
      type: 'Full',
      date_created: rfc2822(Date.now()),
      uri: `${API_PREFIX}/${accountSid}.json`,
    });
  });
  const api = express.Router({ mergeParams: true });
  api.use(requireAccount, (req: Request, res: Response, next: NextFunction) => {
    if (req.params.AccountSid !== accountSid) {
      twilioError(res, notFound(req));
      return;
    }
    next();
  });
  api.use(form);

  api.post('/Messages.json', (req, res) => {
    try {
      const m = messages.create(req.body as Record<string, string | string[]>);
      res.status(201).json(messageJson(m));
    } catch (err) {
      if (err instanceof TwilioApiError) twilioError(res, err);
      else throw err;
    }
  });
  api.get('/Messages.json', (req, res) => {
    const list = messages
      .list({ to: req.query.To as string | undefined, from: req.query.From as string | undefined })
      .map(messageJson);
    res.json({
      messages: list,
      page: 0,
      page_size: list.length,
      uri: req.originalUrl,
      first_page_uri: req.originalUrl,
      next_page_uri: null,
      previous_page_uri: null,
      start: 0,
      end: Math.max(0, list.length - 1),
    });
  });
  api.get('/Messages/:file', (req, res) => {
    const sid = (req.params.file as string).replace(/\.json$/, '');
    const m = messages.get(sid);
    if (!m || !(req.params.file as string).endsWith('.json')) return twilioError(res, notFound(req));
    res.json(messageJson(m));
  });

  api.get('/AvailablePhoneNumbers/:country/:file', (req, res) => {
    const type = (req.params.file as string).replace(/\.json$/, '') as NumberType;
    if (!(req.params.file as string).endsWith('.json') || (type !== 'Mobile' && type !== 'Local'))
      return twilioError(res, notFound(req));
    const size = Math.min(1000, Math.max(1, Number(req.query.PageSize ?? 50) || 50));
    const found =
      req.params.country === 'GB'
        ? numbers.available(type, { contains: req.query.Contains as string | undefined, limit: size })
        : [];
    res.json({
      available_phone_numbers: found.map(availableNumberJson),
      uri: req.originalUrl,
      end: Math.max(0, found.length - 1),
      first_page_uri: req.originalUrl,
      next_page_uri: null,
      page: 0,
      page_size: size,
      previous_page_uri: null,
      start: 0,
    });
  });

  api.post('/IncomingPhoneNumbers.json', (req, res) => {
    const phoneNumber = param(req.body, 'PhoneNumber');
    if (!phoneNumber) return twilioError(res, new TwilioApiError(400, 21421, 'PhoneNumber or AreaCode is required.'));
    if (!numbers.isForSale(phoneNumber))
      return twilioError(res, new TwilioApiError(400, 21422, `PhoneNumber ${phoneNumber} requested is not available.`));
    const n = numbers.buy(phoneNumber, req.body as NumberUpdate);
    saveNumbers();
    opts.log?.info({ phoneNumber, sid: n.sid }, 'sandbox sold a number');
    res.status(201).json(incomingNumberJson(accountSid, n));
  });
  api.get('/IncomingPhoneNumbers.json', (req, res) => {
    const want = req.query.PhoneNumber as string | undefined;
    // A number the account holds without having bought it here (ownsAllNumbers) is listed like any other.
    if (want && numbers.adopt(want)) saveNumbers();
    const list = numbers
      .list()
      .filter((n) => !want || n.phoneNumber === want)
      .map((n) => incomingNumberJson(accountSid, n));
    res.json(listPage(req, 'incoming_phone_numbers', list));
  });
  const numberBySid = (req: Request): OwnedNumber | undefined => {
    const file = req.params.file as string;
    return file.endsWith('.json') ? numbers.bySid(file.replace(/\.json$/, '')) : undefined;
  };
  api.get('/IncomingPhoneNumbers/:file', (req, res) => {
    const n = numberBySid(req);
    if (!n) return twilioError(res, notFound(req));
    res.json(incomingNumberJson(accountSid, n));
  });
  api.post('/IncomingPhoneNumbers/:file', (req, res) => {
    const n = numberBySid(req);
    if (!n) return twilioError(res, notFound(req));
    numbers.update(n.sid, req.body as NumberUpdate);
    saveNumbers();
    res.json(incomingNumberJson(accountSid, n));
  });
  api.delete('/IncomingPhoneNumbers/:file', (req, res) => {
    const n = numberBySid(req);
    if (!n) return twilioError(res, notFound(req));
    numbers.release(n.sid);
    saveNumbers();
    res.status(204).end();
  });

  const callJson = (leg: LegRecord): Record<string, unknown> => ({
    sid: leg.sid,
    account_sid: accountSid,
    annotation: null,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: rfc2822(leg.startTime),
    date_updated: rfc2822(leg.endTime ?? leg.startTime),
    direction: leg.direction,
    duration:
      leg.endTime !== null && leg.answerTime !== null
        ? String(Math.round((leg.endTime - leg.answerTime) / 1000))
        : leg.endTime !== null
          ? '0'
          : null,
    end_time: leg.endTime === null ? null : rfc2822(leg.endTime),
    forwarded_from: null,
    from: leg.from,
    from_formatted: leg.from,
    group_sid: null,
    parent_call_sid: leg.parentSid,
    phone_number_sid: leg.direction === 'inbound' ? (numbers.lookup(leg.to)?.sid ?? null) : null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    start_time: rfc2822(leg.startTime),
    status: leg.status,
    subresource_uris: {
      recordings: `${API_PREFIX}/${accountSid}/Calls/${leg.sid}/Recordings.json`,
      notifications: `${API_PREFIX}/${accountSid}/Calls/${leg.sid}/Notifications.json`,
    },
    to: leg.to,
    to_formatted: leg.to,
    trunk_sid: null,
    uri: `${API_PREFIX}/${accountSid}/Calls/${leg.sid}.json`,
  });
  const legOf = (req: Request, name = 'file'): LegRecord | undefined => {
    const file = req.params[name] as string;
    return legs.get(file.replace(/\.json$/, ''));
  };
  api.get('/Calls/:file', (req, res) => {
    const leg = legOf(req);
    if (!leg || !(req.params.file as string).endsWith('.json')) return twilioError(res, notFound(req));
    res.json(callJson(leg));
  });
  api.post('/Calls/:file', (req, res) => {
    const leg = legOf(req);
    if (!leg) return twilioError(res, notFound(req));
    const status = param(req.body, 'Status');
    if (param(req.body, 'Url') || param(req.body, 'Twiml')) {
      return twilioError(
        res,
        new TwilioApiError(
          400,
          20001,
          'The sandbox does not redirect live calls (Url/Twiml); end them with Status=completed',
        ),
      );
    }
    if (status === 'completed' || status === 'canceled') {
      if (!leg.live)
        return twilioError(res, new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.'));
      leg.live.hangupLeg(leg.sid);
    }
    res.json(callJson(leg));
  });
  api.get('/Calls/:callSid/Recordings.json', (req, res) => {
    const list = recordings.forCall(req.params.callSid as string).map((r) => recordingJson(r, baseUrl));
    res.json(listPage(req, 'recordings', list));
  });
  const callRecording = (req: Request): RecordingRecord | undefined => {
    const callSid = req.params.callSid as string;
    const file = req.params.file as string;
    if (!file.endsWith('.json')) return undefined;
    const sid = file.replace(/\.json$/, '');
    if (sid === 'Twilio.CURRENT') return legs.get(callSid)?.live?.activeRecording() ?? undefined;
    const r = recordings.get(sid);
    return r && r.callSid === callSid && r.status !== 'deleted' ? r : undefined;
  };
  api.get('/Calls/:callSid/Recordings/:file', (req, res) => {
    const r = callRecording(req);
    if (!r) return twilioError(res, notFound(req));
    res.json(recordingJson(r, baseUrl));
  });
  api.post('/Calls/:callSid/Recordings/:file', (req, res) => {
    const r = callRecording(req);
    if (!r) return twilioError(res, notFound(req));
    const status = param(req.body, 'Status');
    if (status !== 'stopped' && status !== 'paused' && status !== 'in-progress') {
      return twilioError(res, new TwilioApiError(400, 21218, 'Status must be one of stopped, paused or in-progress.'));
    }
    const call = liveRecordings.get(r.sid);
    if (!call || (r.status !== 'in-progress' && r.status !== 'paused')) {
      return twilioError(res, new TwilioApiError(400, 21220, `Recording ${r.sid} is not in progress.`));
    }
    const at = call.recordingOffset(r);
    if (status === 'paused' && r.status === 'in-progress') {
      r.paused.push([at, null]);
      r.status = 'paused';
    } else if (status === 'in-progress' && r.status === 'paused') {
      const open = r.paused.find((p) => p[1] === null);
      if (open) open[1] = at;
      r.status = 'in-progress';
    } else if (status === 'stopped') {
      r.status = 'stopped';
      r.stoppedAt = at;
    }
    recordings.save(r);
    res.json(recordingJson(r, baseUrl));
    if (status === 'stopped') call.finishRecording(r, at);
  });

  api.get('/Recordings.json', (req, res) => {
    const callSid = req.query.CallSid as string | undefined;
    const list = callSid ? recordings.forCall(callSid).map((r) => recordingJson(r, baseUrl)) : [];
    res.json(listPage(req, 'recordings', list));
  });
  api.get('/Recordings/:file', async (req, res, next) => {
    const m = /^(RE[0-9a-f]{32})(\.json|\.wav|\.mp3)?$/.exec(req.params.file as string);
    const r = m ? recordings.get(m[1]) : undefined;
    if (!m || !r || r.status === 'deleted') return twilioError(res, notFound(req));
    if (m[2] === '.json') return res.json(recordingJson(r, baseUrl));
    if (r.status !== 'completed') return twilioError(res, notFound(req));
    const format = m[2] === '.mp3' ? 'mp3' : 'wav';
    const channels = req.query.RequestedChannels === '1' ? 1 : 2;
    try {
      const file = await recordings.media(r, format, channels);
      res.setHeader('Content-Type', format === 'mp3' ? 'audio/mpeg' : 'audio/x-wav');
      // dotfiles: the data directory may sit under a dot-directory (e.g. .tmp in tests).
      res.sendFile(file, { acceptRanges: true, cacheControl: false, dotfiles: 'allow' });
    } catch (err) {
      next(err);
    }
  });
  api.delete('/Recordings/:file', (req, res) => {
    const m = /^(RE[0-9a-f]{32})\.json$/.exec(req.params.file as string);
    const r = m ? recordings.get(m[1]) : undefined;
    if (!m || !r || r.status === 'deleted') return twilioError(res, notFound(req));
    if (r.status === 'in-progress' || r.status === 'paused') {
      return twilioError(
        res,
        new TwilioApiError(400, 21220, `Recording ${r.sid} is still in progress; stop it first.`),
      );
    }
    recordings.delete(r.sid);
    res.status(204).end();
  });
  api.use((req: Request, res: Response) => twilioError(res, notFound(req)));
  app.use(`${API_PREFIX}/:AccountSid`, api);

  // ---- Sandbox control (not Twilio's API): how the CLI, tests and the demo drive the phones.
  const control = express.Router();
  control.use(requireAccount, json);
  control.get('/', (_req, res) => {
    res.json({
      sandbox: true,
      accountSid,
      webhookBaseUrl: publicBase,
      numbers: numbers.list().map((n) => n.phoneNumber),
      phones: phones.list(),
    });
  });
  control.post('/calls', async (req, res, next) => {
    try {
      res.json(await startCall(req.body as CallScenario).result);
    } catch (err) {
      next(err);
    }
  });
  control.post('/messages', async (req, res, next) => {
    try {
      res.json(await track(messages.receive(req.body as SendSmsInput)));
    } catch (err) {
      next(err);
    }
  });
  control.put('/phones/:number', (req, res) => {
    res.json(phones.set({ ...(req.body as object), number: req.params.number as string }));
  });
  control.get('/phones/:number/inbox', (req, res) => {
    res.json(phones.inbox(req.params.number as string));
  });
  control.get('/transcripts/:file', async (req, res, next) => {
    try {
      const t = await transcript((req.params.file as string).replace(/\.json$/, ''));
      if (!t) return twilioError(res, notFound(req));
      res.json(t);
    } catch (err) {
      next(err);
    }
  });
  app.use('/sandbox', control);

  app.use((req: Request, res: Response) => twilioError(res, notFound(req)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    opts.log?.warn({ err, url: req.originalUrl }, 'sandbox request failed');
    if (res.headersSent) return res.end();
    const status = (err as { status?: number }).status;
    if (status === 404) return twilioError(res, notFound(req));
    if (status && status < 500) return twilioError(res, new TwilioApiError(status, 20001, (err as Error).message));
    twilioError(res, new TwilioApiError(500, 20500, 'An internal server error has occurred'));
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
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

/** Twilio's envelope for a list resource: everything on one page. */
function listPage<T>(req: Request, key: string, items: T[]): Record<string, unknown> {
  return {
    [key]: items,
    page: 0,
    page_size: 50,
    uri: req.originalUrl,
    first_page_uri: req.originalUrl,
    next_page_uri: null,
    previous_page_uri: null,
    start: 0,
    end: Math.max(0, items.length - 1),
  };
}
