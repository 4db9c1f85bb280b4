import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout; one logger per server instance. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'ringside', ...bindings },
    redact: { paths: ['password', '*.password', 'token', '*.token', 'authToken'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
