import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import type { CliEnv } from '../cli/env';
import type { CallResult, CallScenario, GatherAnswer } from './calls';
import type { InboundSmsResult } from './messages';
import type { ReceivedMessage } from './phones';
import { errorMessage } from '../../../shared/objects';

/**
 * Operator commands for the running sandbox (the server in sandbox mode, `npm start` without Twilio
 * credentials). They talk to the sandbox's control API with its account credentials, found in
 * DATA_DIR/sandbox/account.json:
 *   npm run cli -- sandbox status
 *   npm run cli -- sandbox call --from <phone> --to <pool number> [--no-answer|--busy|--unreachable] [--ring s] [--talk s]
 *                               [--hangup caller|callee] [--extension code] [--opt-out] [--press digits…] [--withheld]
 *                               [--as customer|assessor] [--script id] [--service s] [--real-time] [--json]
 *   npm run cli -- sandbox sms --from <phone> --to <pool number> --body <text> [--media url…] [--json]
 *   npm run cli -- sandbox inbox <phone>
 */

interface Running {
  url: string;
  accountSid: string;
  authToken: string;
}

/** What a running sandbox writes to its account file (index.ts), as far as the CLI needs it. */
const RunningFile: z.ZodType<Running> = z.object({
  url: z.string().min(1),
  accountSid: z.string().min(1),
  authToken: z.string().min(1),
});

function running(env: CliEnv): Running {
  const file = path.join(env.config.dataDir, 'sandbox', 'account.json');
  let saved: unknown;
  try {
    saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // Handled below.
  }
  const parsed = RunningFile.safeParse(saved);
  if (!parsed.success) {
    throw new Error(
      `the Twilio sandbox is not running (no ${file} with its address): start the server without Twilio credentials (npm start)`,
    );
  }
  return parsed.data;
}

async function control<T>(sb: Running, method: string, route: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${sb.url}/sandbox${route}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${sb.accountSid}:${sb.authToken}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new Error(`cannot reach the Twilio sandbox at ${sb.url} (${errorMessage(err)}): is the server running?`);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`the sandbox answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const seconds = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number of seconds: ${v}`);
  return n;
};

const E164 = /^\+[1-9]\d{6,14}$/;
function phone(v: string, what: string): string {
  const compact = v.replace(/[\s()-]/g, '');
  const e164 = compact.startsWith('0') ? `+44${compact.slice(1)}` : compact;
  if (!E164.test(e164)) throw new Error(`${what}: not a phone number (${v})`);
  return e164;
}

export function describeCall(r: CallResult): string {
  const lines = [`${r.callSid}  ${r.from} → ${r.to}: ${r.status}${r.hungUpBy ? ` (hung up by ${r.hungUpBy})` : ''}`];
  for (const h of r.heard.caller)
    lines.push(`  caller heard: ${h.text}${h.interrupted ? ' [interrupted by a key press]' : ''}`);
  for (const d of r.dials) {
    lines.push(
      `  dialled ${d.to} from ${d.callerId}: ${d.dialCallStatus}, rang ${d.ringSec} s${d.bridged ? `, talked ${d.talkSec} s` : ''}`,
    );
  }
  for (const h of r.heard.callee) lines.push(`  callee heard: ${h.text}`);
  for (const rec of r.recordings)
    lines.push(`  recording ${rec.sid}: ${rec.duration ?? '?'} s, ${rec.channels} channel(s) — ${rec.url}.wav`);
  const failed = r.requests.filter((q) => q.error || q.status >= 400);
  for (const q of failed) lines.push(`  ! ${q.kind} ${q.url} → ${q.error ?? q.status}`);
  for (const w of r.warnings) lines.push(`  ! Twilio ${w.code}: ${w.message}`);
  lines.push(`  ${r.requests.length} webhook request(s) to the server`);
  return lines.join('\n');
}

export function registerSandboxCommands(program: Command, env: () => CliEnv): void {
  const sandbox = program
    .command('sandbox')
    .description('The local Twilio sandbox (sandbox mode): calls and texts on demand');

  sandbox
    .command('status')
    .description('Where the sandbox is, its account and the numbers it knows')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const e = env();
      const sb = running(e);
      const state = await control<{ accountSid: string; webhookBaseUrl: string; numbers: string[]; phones: unknown[] }>(
        sb,
        'GET',
        '/',
      );
      e.print(
        {
          url: sb.url,
          accountSid: state.accountSid,
          webhooksTo: state.webhookBaseUrl,
          boughtNumbers: state.numbers,
          phones: state.phones.length,
        },
        !!opts.json,
      );
    });

  sandbox
    .command('call')
    .description('A phone calls a pool number; the sandbox plays both phones and prints what happened')
    .requiredOption('--from <phone>', "the caller's own phone (07700 900123 or +447700900123)")
    .requiredOption('--to <number>', 'the pool number dialled')
    .option('--no-answer', 'the called phone rings out')
    .option('--busy', 'the called phone is busy')
    .option('--unreachable', 'the called phone is off: the dialled call fails')
    .option('--ring <seconds>', 'seconds the called phone rings before it is answered', seconds, 5)
    .option('--talk <seconds>', 'seconds of conversation once connected (default: the script)', seconds)
    .addOption(
      new Option('--hangup <side>', 'who ends the connected call').choices(['caller', 'callee']).default('caller'),
    )
    .option('--patience <seconds>', 'the caller hangs up if not connected after this many seconds', seconds)
    .option('--extension <code>', 'keyed (then #) when the call asks for an extension')
    .option('--opt-out', 'press 9 during the recording notice')
    .option('--press <digits...>', 'keys pressed at each prompt in turn')
    .option('--withheld', 'caller ID withheld')
    .addOption(
      new Option('--as <role>', 'who the caller is, for the recording and transcript')
        .choices(['customer', 'assessor'])
        .default('customer'),
    )
    .option('--script <id>', 'conversation script (see twilio-sandbox/scripts.ts)')
    .option('--service <service>', 'the service talked about', 'energy-assessment')
    .option('--real-time', 'let the call take real seconds instead of ending at once on the virtual clock')
    .option('--json', 'print the full result as JSON')
    .action(
      async (opts: {
        from: string;
        to: string;
        answer: boolean;
        busy?: boolean;
        unreachable?: boolean;
        ring: number;
        talk?: number;
        hangup: 'caller' | 'callee';
        patience?: number;
        extension?: string;
        optOut?: boolean;
        press?: string[];
        withheld?: boolean;
        as: 'customer' | 'assessor';
        script?: string;
        service: string;
        realTime?: boolean;
        json?: boolean;
      }) => {
        const e = env();
        const sb = running(e);
        const input: GatherAnswer[] = [...(opts.press ?? [])];
        if (opts.extension) input.unshift({ when: 'extension', digits: `${opts.extension}#` });
        if (opts.optOut) input.unshift({ when: 'opt out', digits: '9', afterSec: 2 });
        const scenario: CallScenario = {
          from: phone(opts.from, '--from'),
          to: phone(opts.to, '--to'),
          withheld: opts.withheld,
          timing: opts.realTime ? 'real' : 'virtual',
          // On the virtual clock the call is placed in the recent past, so it ends about now rather than in the future.
          at: opts.realTime ? undefined : Date.now() - (opts.ring + (opts.talk ?? 45) + 20) * 1000,
          callerInput: input,
          callee: { answer: opts.answer, busy: opts.busy, unreachable: opts.unreachable, ringSec: opts.ring },
          callerPatienceSec: opts.patience,
          talkSec: opts.talk,
          hangup: opts.hangup,
          conversation: opts.script,
          roles:
            opts.as === 'assessor'
              ? { caller: 'assessor', callee: 'customer' }
              : { caller: 'customer', callee: 'assessor' },
          service: opts.service,
        };
        const result = await control<CallResult>(sb, 'POST', '/calls', scenario);
        e.console.log(opts.json ? JSON.stringify(result, null, 2) : describeCall(result));
      },
    );

  sandbox
    .command('sms')
    .description('A phone texts a pool number; prints what the server did with it')
    .requiredOption('--from <phone>', "the sender's own phone")
    .requiredOption('--to <number>', 'the pool number texted')
    .requiredOption('--body <text>', 'the text')
    .option('--media <urls...>', 'pictures attached (MMS)')
    .option('--json', 'print JSON')
    .action(async (opts: { from: string; to: string; body: string; media?: string[]; json?: boolean }) => {
      const e = env();
      const sb = running(e);
      const result = await control<InboundSmsResult>(sb, 'POST', '/messages', {
        from: phone(opts.from, '--from'),
        to: phone(opts.to, '--to'),
        body: opts.body,
        mediaUrls: opts.media,
      });
      if (opts.json) {
        e.console.log(JSON.stringify(result, null, 2));
        return;
      }
      const lines = [`${result.messageSid}  ${opts.from} → ${opts.to}`];
      for (const q of result.requests) lines.push(`  ${q.kind} ${q.url} → ${q.error ?? q.status}`);
      for (const r of result.replies) lines.push(`  reply to ${r.to}: ${r.body}`);
      for (const w of result.warnings) lines.push(`  ! Twilio ${w.code}: ${w.message}`);
      e.console.log(lines.join('\n'));
    });

  sandbox
    .command('inbox <phone>')
    .description('Texts a simulated phone has received (relayed by the server)')
    .option('--json', 'print JSON')
    .action(async (number: string, opts: { json?: boolean }) => {
      const e = env();
      const sb = running(e);
      const list = await control<ReceivedMessage[]>(
        sb,
        'GET',
        `/phones/${encodeURIComponent(phone(number, 'phone'))}/inbox`,
      );
      e.print(
        list.map((m) => ({ at: m.receivedAt, from: m.from, body: m.body, media: m.mediaUrls.length })),
        !!opts.json,
      );
    });
}
