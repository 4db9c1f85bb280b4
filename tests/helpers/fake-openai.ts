import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeWav, type PcmChannels } from '../../sync-server/src/audio/wav';

/**
 * A local stand-in for OpenAI's HTTP API that checks what the real API checks and answers in its format:
 * - `Authorization: Bearer <key>` (401 `invalid_api_key` otherwise);
 * - POST /v1/audio/transcriptions: multipart/form-data with `file` (an allowed extension, at most 25 MB,
 *   a decodable WAV here) and `model`; `response_format` allowed for that model (the 4o transcribe models
 *   answer only json/text; `verbose_json` and `timestamp_granularities[]` only for whisper-1; `diarized_json`
 *   only for diarize models, which need `chunking_strategy` beyond 30 s);
 * - POST /v1/chat/completions: JSON with a known model, messages, and `response_format` of type
 *   `json_schema` with `strict: true` and a schema that strict mode accepts (every object closes
 *   `additionalProperties` and lists all its properties as required).
 * Answers come from handlers the test supplies; `failNext` scripts 429s, 5xx and malformed answers.
 */
export const KNOWN_TRANSCRIBE_MODELS = [
  'whisper-1',
  'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe',
  'gpt-4o-transcribe-diarize',
];
export const KNOWN_CHAT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1'];
const UPLOAD_LIMIT = 25 * 1024 * 1024;
const AUDIO_EXTENSIONS = ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'wav', 'webm'];

export interface Upload {
  model: string;
  filename: string;
  contentType: string;
  bytes: number;
  responseFormat: string;
  granularities: string[];
  language: string | null;
  chunking: string | null;
  wav: PcmChannels;
}

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format: { type: string; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } };
  temperature?: number;
}

export type Scripted =
  { status: number; headers?: Record<string, string>; body: unknown } | { malformedContent: string };

export interface FakeOpenAI {
  url: string;
  key: string;
  uploads: Upload[];
  chats: ChatRequest[];
  /** Every request received, including refused ones. */
  requests: Array<{ path: string; status: number }>;
  onTranscribe: (u: Upload) => unknown;
  onChat: (req: ChatRequest) => unknown;
  failNext(...answers: Scripted[]): void;
  close(): Promise<void>;
}

function apiError(
  res: http.ServerResponse,
  status: number,
  message: string,
  code: string | null,
  type = 'invalid_request_error',
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

/** Checks the subset of JSON Schema that OpenAI's strict structured outputs accept. */
export function strictSchemaProblems(schema: unknown, path = '$', defs: Record<string, unknown> = {}): string[] {
  const problems: string[] = [];
  if (!schema || typeof schema !== 'object') return [`${path}: not a schema`];
  const s = schema as Record<string, unknown>;
  const localDefs = { ...defs, ...((s.$defs ?? s.definitions ?? {}) as Record<string, unknown>) };
  if (typeof s.$ref === 'string') return [];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[key])) {
      if (key !== 'anyOf') problems.push(`${path}: ${key} is not supported`);
      (s[key] as unknown[]).forEach((sub, i) =>
        problems.push(...strictSchemaProblems(sub, `${path}.${key}[${i}]`, localDefs)),
      );
    }
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('object')) {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    if (s.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
    const required = new Set((s.required ?? []) as string[]);
    for (const k of Object.keys(props))
      if (!required.has(k)) problems.push(`${path}.${k}: every property must be required`);
    for (const [k, v] of Object.entries(props)) problems.push(...strictSchemaProblems(v, `${path}.${k}`, localDefs));
  }
  if (types.includes('array') && s.items) problems.push(...strictSchemaProblems(s.items, `${path}[]`, localDefs));
  for (const [k, v] of Object.entries((s.$defs ?? s.definitions ?? {}) as Record<string, unknown>))
    problems.push(...strictSchemaProblems(v, `${path}.$defs.${k}`, localDefs));
  return problems;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeOpenAI(opts: { key?: string } = {}): Promise<FakeOpenAI> {
  const key = opts.key ?? 'sk-test-ringside-0123456789';
  const scripted: Scripted[] = [];
  const fake: FakeOpenAI = {
    url: '',
    key,
    uploads: [],
    chats: [],
    requests: [],
    onTranscribe: () => ({ text: '' }),
    onChat: () => ({}),
    failNext: (...answers) => void scripted.push(...answers),
    close: async () => undefined,
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    res.on('finish', () => fake.requests.push({ path, status: res.statusCode }));
    void handle(req, res, path).catch((err: unknown) =>
      apiError(res, 500, `fake server error: ${String(err)}`, null, 'server_error'),
    );
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    const body = await readBody(req);
    if (req.headers.authorization !== `Bearer ${key}`) {
      return apiError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
    }
    if (req.method !== 'POST') return apiError(res, 405, 'method not allowed', null);
    if (path !== '/v1/audio/transcriptions' && path !== '/v1/chat/completions')
      return apiError(res, 404, `Invalid URL (POST ${path})`, null);
    const next = scripted.shift();
    if (next && 'status' in next) {
      res.writeHead(next.status, { 'content-type': 'application/json', ...(next.headers ?? {}) });
      return res.end(JSON.stringify(next.body));
    }
    if (path === '/v1/audio/transcriptions') return transcription(req, res, body, next);
    return chat(req, res, body, next);
  }

  async function transcription(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
    next: Scripted | undefined,
  ) {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) return apiError(res, 400, 'Expected multipart/form-data', null);
    if (body.length > UPLOAD_LIMIT + 1024 * 1024)
      return apiError(res, 413, 'Maximum content size limit (26214400) exceeded.', null);
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(body),
    }).formData();
    const file = form.get('file');
    const model = form.get('model');
    if (typeof model !== 'string' || !model) return apiError(res, 400, 'you must provide a model parameter', null);
    if (!KNOWN_TRANSCRIBE_MODELS.includes(model))
      return apiError(
        res,
        404,
        `The model '${model}' does not exist or you do not have access to it.`,
        'model_not_found',
      );
    if (!(file instanceof File)) return apiError(res, 400, "Could not parse multipart form: missing 'file'", null);
    const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
    if (!AUDIO_EXTENSIONS.includes(ext))
      return apiError(res, 400, `Invalid file format. Supported formats: ${JSON.stringify(AUDIO_EXTENSIONS)}`, null);
    if (file.size > UPLOAD_LIMIT)
      return apiError(
        res,
        413,
        `Maximum content size limit (${UPLOAD_LIMIT}) exceeded (${file.size} bytes read)`,
        null,
      );
    const responseFormat = (form.get('response_format') as string | null) ?? 'json';
    const granularities = form.getAll('timestamp_granularities[]').map(String);
    const chunking = form.get('chunking_strategy') as string | null;
    const allowed =
      model === 'whisper-1'
        ? ['json', 'text', 'srt', 'verbose_json', 'vtt']
        : model.includes('diarize')
          ? ['json', 'text', 'diarized_json']
          : ['json', 'text'];
    if (!allowed.includes(responseFormat)) {
      return apiError(
        res,
        400,
        `response_format '${responseFormat}' is not compatible with model '${model}'. Use ${allowed.join(' or ')}.`,
        'unsupported_value',
      );
    }
    if (granularities.length && responseFormat !== 'verbose_json') {
      return apiError(res, 400, 'timestamp_granularities requires response_format=verbose_json', 'unsupported_value');
    }
    let wav: PcmChannels;
    try {
      wav = decodeWav(Buffer.from(await file.arrayBuffer()));
    } catch {
      return apiError(res, 400, 'Audio file might be corrupted or unsupported', 'invalid_value');
    }
    if (model.includes('diarize') && wav.durationSec > 30 && !chunking)
      return apiError(res, 400, 'chunking_strategy is required for inputs longer than 30 seconds', null);
    const upload: Upload = {
      model,
      filename: file.name,
      contentType: file.type,
      bytes: file.size,
      responseFormat,
      granularities,
      language: form.get('language') as string | null,
      chunking,
      wav,
    };
    fake.uploads.push(upload);
    if (next && 'malformedContent' in next) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(next.malformedContent);
    }
    const answer = await fake.onTranscribe(upload);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  async function chat(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, next: Scripted | undefined) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return apiError(res, 400, 'Expected application/json', null);
    let parsed: ChatRequest;
    try {
      parsed = JSON.parse(body.toString('utf8')) as ChatRequest;
    } catch {
      return apiError(res, 400, 'We could not parse the JSON body of your request.', null);
    }
    if (!KNOWN_CHAT_MODELS.includes(parsed.model))
      return apiError(
        res,
        404,
        `The model '${parsed.model}' does not exist or you do not have access to it.`,
        'model_not_found',
      );
    if (!Array.isArray(parsed.messages) || !parsed.messages.length)
      return apiError(res, 400, "'messages' must be a non-empty array", null);
    const rf = parsed.response_format;
    if (!rf || rf.type !== 'json_schema' || !rf.json_schema?.schema)
      return apiError(res, 400, "response_format must be of type 'json_schema' for this test server", null);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(rf.json_schema.name ?? ''))
      return apiError(res, 400, "Invalid 'response_format.json_schema.name'", null);
    if (rf.json_schema.strict !== true) return apiError(res, 400, 'strict must be true', null);
    const problems = strictSchemaProblems(rf.json_schema.schema);
    if (problems.length)
      return apiError(
        res,
        400,
        `Invalid schema for response_format '${rf.json_schema.name}': ${problems[0]}`,
        'invalid_json_schema',
      );
    fake.chats.push(parsed);
    const content = next && 'malformedContent' in next ? next.malformedContent : JSON.stringify(fake.onChat(parsed));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${fake.chats.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: parsed.model,
        choices: [
          { index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' },
        ],
        usage: {
          prompt_tokens: Math.ceil(JSON.stringify(parsed.messages).length / 4),
          completion_tokens: Math.ceil(content.length / 4),
          total_tokens: 0,
        },
      }),
    );
  }

  // The real API keeps idle connections open for a long while; Node's default (5 s) would race the client's reuse.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** A tone burst's frequency by zero crossings: how the fake tells the test's utterances apart. */
export function dominantFrequency(samples: Int16Array, sampleRate: number): number {
  // The test's silence is exact zeros: measure over the stretch from the first to the last sound.
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] !== 0) {
      if (first < 0) first = i;
      last = i;
    }
    if (i > 0 && ((samples[i - 1] < 0 && samples[i] >= 0) || (samples[i - 1] >= 0 && samples[i] < 0))) crossings++;
  }
  if (first < 0 || last <= first) return 0;
  return crossings / 2 / ((last - first + 1) / sampleRate);
}
