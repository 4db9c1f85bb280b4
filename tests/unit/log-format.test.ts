import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine } from '../../sync-server/src/log';

function capture(): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('log lines for a person at a terminal', () => {
  it('a JSON line becomes time, level, component, message and the other fields as key=value', () => {
    const line = JSON.stringify({
      level: 30,
      time: '2026-12-03T09:41:07.123Z',
      service: 'ringside',
      component: 'demo',
      msg: 'filling the demo',
      leads: 225,
      note: 'two words',
      byDistrict: { W1: 3 },
    });
    expect(formatLogLine(line, false)).toBe(
      '09:41:07 INFO  demo filling the demo leads=225 note="two words" byDistrict={"W1":3}\n',
    );
  });

  it("an error's message follows the line, and its stack only from level error up", () => {
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at here' };
    const warn = formatLogLine(
      JSON.stringify({ level: 40, time: '2026-12-03T09:00:00Z', msg: 'retrying', err }),
      false,
    );
    expect(warn).toBe('09:00:00 WARN  retrying err=boom\n');
    const error = formatLogLine(JSON.stringify({ level: 50, time: '2026-12-03T09:00:00Z', msg: 'failed', err }), false);
    expect(error).toContain('09:00:00 ERROR failed err=boom\n    Error: boom\n        at here');
  });

  it('a line that is not JSON passes through unchanged', () => {
    expect(formatLogLine('plain text', false)).toBe('plain text\n');
  });

  it('LOG_FORMAT=json writes one JSON object per line, pretty the short form, auto chooses by the terminal', () => {
    const json = capture();
    createLogger('info', {}, 'json', json.stream).child({ component: 'http' }).info({ port: 8787 }, 'listening');
    expect(JSON.parse(json.text())).toMatchObject({ level: 30, component: 'http', port: 8787, msg: 'listening' });

    const pretty = capture();
    createLogger('info', {}, 'pretty', pretty.stream).child({ component: 'http' }).info({ port: 8787 }, 'listening');
    expect(pretty.text()).toMatch(/^\d\d:\d\d:\d\d INFO {2}http listening port=8787\n$/);

    const pipe = capture();
    createLogger('info', {}, 'auto', pipe.stream).info('to a pipe');
    expect(JSON.parse(pipe.text())).toMatchObject({ msg: 'to a pipe' });
    const terminal = capture();
    terminal.stream.isTTY = true;
    createLogger('info', {}, 'auto', terminal.stream).info('to a terminal');
    expect(terminal.text()).toMatch(/INFO .*to a terminal/);
  });
});
