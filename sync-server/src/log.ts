import pino, { type DestinationStream, type Logger } from 'pino';
import { fieldOf, isRecord } from '../../shared/objects';

/**
 * Logs: one pino logger per server instance, written as JSON lines (one object per line, for log collectors)
 * or, for a person at a terminal, as short readable lines. LOG_FORMAT chooses (config.ts): `json`, `pretty`,
 * or `auto` (the default): pretty when stdout is a terminal, JSON when it is a pipe or a file.
 */
export type LogFormat = 'auto' | 'pretty' | 'json';

type Output = NodeJS.WritableStream & { isTTY?: boolean };

export function createLogger(
  level: string,
  bindings: Record<string, unknown> = {},
  format: LogFormat = 'auto',
  out: Output = process.stdout,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'ringside', ...bindings },
    redact: { paths: ['password', '*.password', 'token', '*.token', 'authToken'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const pretty = format === 'pretty' || (format === 'auto' && out.isTTY === true);
  if (pretty) return pino(options, prettyStream(out));
  // pino's own destination for stdout (asynchronous writes on the file descriptor); any other stream as given.
  return out === process.stdout ? pino(options) : pino(options, out);
}

const LEVELS: Record<number, { label: string; colour: number }> = {
  10: { label: 'TRACE', colour: 90 },
  20: { label: 'DEBUG', colour: 90 },
  30: { label: 'INFO ', colour: 36 },
  40: { label: 'WARN ', colour: 33 },
  50: { label: 'ERROR', colour: 31 },
  60: { label: 'FATAL', colour: 41 },
};

/** Fields every line has, or that the line's prefix already shows. */
const SHOWN = new Set(['level', 'time', 'msg', 'service', 'component', 'pid', 'hostname']);

/** `key=value` for the fields after the message: strings bare unless they hold spaces, the rest as JSON. */
function field(key: string, value: unknown): string {
  if (typeof value === 'string')
    return `${key}=${/[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value}`;
  return `${key}=${JSON.stringify(value)}`;
}

/**
 * One JSON log line as a short line for a terminal:
 * `09:41:07 INFO  demo  filling the demo  leads=225 assessors=12`.
 * An error's message follows the line; its stack only for errors and worse (a warning's stack is noise).
 */
export function formatLogLine(json: string, colour: boolean): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  // Not a JSON log entry (a line some library printed): shown as it is.
  if (!isRecord(parsed)) return json.endsWith('\n') ? json : `${json}\n`;
  const entry = parsed;
  const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = LEVELS[Number(entry.level)] ?? { label: String(entry.level).padEnd(5), colour: 0 };
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const parts = [paint(90, time), paint(level.colour, level.label)];
  if (typeof entry.component === 'string') parts.push(paint(35, entry.component));
  if (typeof entry.msg === 'string') parts.push(entry.msg);
  const rest: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(entry)) {
    if (SHOWN.has(key) || value === undefined) continue;
    if (key === 'err' && isRecord(value)) {
      const message = fieldOf(value, 'message');
      const errStack = fieldOf(value, 'stack');
      rest.push(field('err', typeof message === 'string' ? message : JSON.stringify(value)));
      if (Number(entry.level) >= 50 && typeof errStack === 'string' && errStack) {
        stack = `\n${paint(90, errStack.replace(/^/gm, '    '))}`;
      }
      continue;
    }
    rest.push(field(key, value));
  }
  const tail = rest.length ? ` ${paint(90, rest.join(' '))}` : '';
  return `${parts.join(' ')}${tail}${stack}\n`;
}

/** A pino destination that writes each line formatted for a person (colours only on a terminal). */
export function prettyStream(out: Output): DestinationStream {
  const colour = out.isTTY === true && !process.env.NO_COLOR;
  return { write: (line: string) => void out.write(formatLogLine(line, colour)) };
}
