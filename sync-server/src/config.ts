import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_RULES, loadRulesFile, type Rules } from './pricing/rules-file';

/**
 * The server's one configuration module: read once from the environment at start, validated, typed.
 * A missing or malformed value stops the process with a message naming the variable.
 * Every variable is documented in .env.example and the README.
 */
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  PUBLIC_BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // auto: readable lines on a terminal, JSON lines when stdout is a pipe or a file (log collectors).
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/i, 'like 1mb or 512kb')
    .default('1mb'),
  TOKEN_TTL_HOURS: int(1, 24 * 365).default(12),
  LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  LOGIN_WINDOW_MINUTES: int(1, 24 * 60).default(15),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
  CORS_ORIGINS: z.string().default('null'),
  RENDERER_DIR: z.string().optional(),
  CONNECT_THRESHOLD_SEC: int(0, 3600).default(10),
  // Twilio (absent: the local sandbox stands in)
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'an account SID like AC + 32 hex')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_API_BASE_URL: z.string().url().default('https://api.twilio.com'),
  TWILIO_DELETE_AFTER_DOWNLOAD: bool.default(true),
  FALLBACK_NUMBER: z.string().optional(),
  // UK numbers need a regulatory address and bundle when bought (https://www.twilio.com/docs/phone-numbers/regulatory)
  TWILIO_ADDRESS_SID: z
    .string()
    .regex(/^AD[0-9a-fA-F]{32}$/, 'an address SID like AD + 32 hex')
    .optional(),
  TWILIO_BUNDLE_SID: z
    .string()
    .regex(/^BU[0-9a-fA-F]{32}$/, 'a bundle SID like BU + 32 hex')
    .optional(),
  SANDBOX: bool.optional(),
  DEMO: bool.default(true),
  // Number pool
  POOL_SESSION_TTL_DAYS: int(1, 3650).default(30),
  POOL_COOLDOWN_DAYS: int(0, 365).default(7),
  // shared/pool P10: an assessor's bare call connects to their one session on the number this recent
  POOL_RECENT_HOURS: int(1, 24 * 30).default(48),
  POOL_MONTHLY_BUDGET_PENCE: int(0, 1e9).default(5000),
  POOL_NUMBER_MONTHLY_PENCE: int(0, 100000).default(100),
  // Recordings
  RECORDINGS_DIR: z.string().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default('eu-west-2'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  MEDIA_URL_TTL_SECONDS: int(10, 86400).default(300),
  RETENTION_RECORDING_DAYS: int(1, 3650).default(365),
  RETENTION_TRANSCRIPT_DAYS: int(1, 3650).default(730),
  RETENTION_CLIP_DAYS: int(1, 3650).default(1825),
  // Voicemails left outside a session are heard at Twilio by the support team, then deleted there (docs/privacy.md).
  RETENTION_VOICEMAIL_DAYS: int(1, 90).default(14),
  // AI
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_TRANSCRIBE_MODEL: z.string().default('gpt-4o-transcribe'),
  OPENAI_ANALYSIS_MODEL: z.string().default('gpt-4o-mini'),
  TRANSCRIPTION_PROVIDER: z.enum(['openai', 'sandbox', 'none']).optional(),
  ANALYSIS_PROVIDER: z.enum(['openai', 'local']).optional(),
  /** Requests per minute this instance sends to the AI provider (shared by all analysis jobs). */
  AI_MAX_REQUESTS_PER_MINUTE: int(1, 100000).default(60),
  JOBS: bool.default(true),
  /**
   * Check every JSON answer against its route contract (shared/contracts) and answer INTERNAL when it breaks
   * it. On in the test servers, off in production: it costs a parse per answer on hot paths, and a drifted
   * field should not turn a usable answer into a failure for people at work.
   */
  VALIDATE_RESPONSES: bool.default(false),
  // Pricing and tier rules (defaults: shared/pricing/SPEC.md, shared/tiers/SPEC.md)
  RULES_FILE: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  dataDir: string;
  publicBaseUrl: string;
  recordingsDir: string;
  corsOrigins: string[];
  /** True when no Twilio credentials are configured: the local sandbox stands in for Twilio. */
  sandbox: boolean;
  database: { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string };
  /**
   * Credentials for Twilio's REST API and webhook signatures: from the environment, or (sandbox mode) the
   * local sandbox's own account, filled in when the sandbox starts.
   */
  twilio: TwilioCredentials | null;
  /** Area pricing, tier prices and tier thresholds: the SPECs' defaults, or RULES_FILE's overrides. */
  rules: Rules;
}

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** Base URL of the REST API: Twilio's, or the sandbox's. */
  apiBaseUrl: string;
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const issues: string[] = [];
  if (Boolean(e.TWILIO_ACCOUNT_SID) !== Boolean(e.TWILIO_AUTH_TOKEN)) {
    issues.push('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: set both or neither');
  }
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    issues.push('ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither');
  }
  if (e.S3_BUCKET && !(e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY)) {
    issues.push('S3_BUCKET needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
  }
  const rules = e.RULES_FILE ? loadRulesFile(path.resolve(e.RULES_FILE)) : DEFAULT_RULES;
  if (Array.isArray(rules)) issues.push(...rules);
  if (issues.length || Array.isArray(rules)) throw new ConfigError(issues);
  const dataDir = path.resolve(e.DATA_DIR);
  const sandbox = e.SANDBOX ?? !e.TWILIO_ACCOUNT_SID;
  return {
    ...e,
    dataDir,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    recordingsDir: path.resolve(e.RECORDINGS_DIR ?? path.join(dataDir, 'recordings')),
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    sandbox,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            apiBaseUrl: e.TWILIO_API_BASE_URL.replace(/\/+$/, ''),
          }
        : null,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dir: path.join(dataDir, 'db') },
    rules,
  };
}
