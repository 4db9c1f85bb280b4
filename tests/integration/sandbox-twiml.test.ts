import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { buildDemoPlan, DISTRICT_TARGETS, PERSONAS, type District } from '../../sync-server/src/demo/plan';
import { SCRIPTS } from '../../sync-server/src/twilio-sandbox/scripts';
import { twilioSignature } from '../../sync-server/src/twilio-sandbox/signature';
import { parseMessagingTwiml, parseVoiceTwiml, TwimlParseError } from '../../sync-server/src/twilio-sandbox/twiml';
import { sandboxClock, withRequestTime } from '../../sync-server/src/twilio-sandbox/virtual-time';
import { seededRandom } from '../../shared/random';

/** The sandbox's pure parts: its signer, its TwiML reader and the demo's plan. */

describe('sandbox signatures', () => {
  it("match Twilio's published example", () => {
    // https://www.twilio.com/docs/usage/webhooks/webhooks-security
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
  });

  it('agree with the twilio package on random URLs and parameters, and differ when anything changes', () => {
    const r = seededRandom(99);
    const word = () =>
      Array.from({ length: 1 + Math.floor(r() * 12) }, () => 'aZ09 +&=é£/?'[Math.floor(r() * 12)]).join('');
    for (let i = 0; i < 200; i++) {
      const params: Record<string, string> = {};
      for (let k = Math.floor(r() * 8); k > 0; k--) params[`P${word()}`] = word();
      const url = `https://example.test:${1000 + i}/hook/${encodeURIComponent(word())}?q=${encodeURIComponent(word())}`;
      const token = word() + i;
      const ours = twilioSignature(token, url, params);
      expect(ours).toBe(twilio.getExpectedTwilioSignature(token, url, params));
      expect(twilio.validateRequest(token, ours, url, params)).toBe(true);
      expect(twilio.validateRequest(token, ours, url, { ...params, Extra: 'x' })).toBe(false);
    }
  });
});

describe('sandbox TwiML reader', () => {
  it("fills Twilio's documented defaults", () => {
    const { verbs, warnings } = parseVoiceTwiml(
      '<?xml version="1.0"?><Response><Gather><Say>Hi</Say></Gather><Dial><Number>+447700900111</Number></Dial><Record/></Response>',
    );
    expect(warnings).toEqual([]);
    expect(verbs[0]).toMatchObject({
      kind: 'Gather',
      timeout: 5,
      finishOnKey: '#',
      numDigits: null,
      method: 'POST',
      actionOnEmptyResult: false,
    });
    expect(verbs[1]).toMatchObject({
      kind: 'Dial',
      timeout: 30,
      timeLimit: 14400,
      answerOnBridge: false,
      record: 'do-not-record',
      callerId: null,
    });
    const dial = verbs[1];
    if (dial.kind !== 'Dial') throw new Error('not a Dial');
    expect([...dial.targets[0].statusCallbackEvent]).toEqual(['completed']);
    expect(dial.recordingStatusCallbackEvent).toEqual(new Set(['completed']));
    expect(verbs[2]).toMatchObject({
      kind: 'Record',
      timeout: 5,
      maxLength: 3600,
      playBeep: true,
      finishOnKey: '1234567890*#',
    });
  });

  it('reads the twilio package VoiceResponse output for a masked call', () => {
    const vr = new twilio.twiml.VoiceResponse();
    const g = vr.gather({ input: ['dtmf'], numDigits: 1, timeout: 1, action: '/opt-out' });
    g.say({ voice: 'Polly.Amy', language: 'en-GB' }, 'This call is being recorded.');
    const dial = vr.dial({
      callerId: '+447700900950',
      answerOnBridge: true,
      timeout: 20,
      record: 'record-from-answer-dual',
      recordingStatusCallback: '/rec',
      action: '/done',
    });
    dial.number(
      {
        url: '/whisper',
        statusCallback: '/leg',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      },
      '+447700900111',
    );
    const { verbs, warnings } = parseVoiceTwiml(vr.toString());
    expect(warnings).toEqual([]);
    expect(verbs[0]).toMatchObject({
      kind: 'Gather',
      numDigits: 1,
      timeout: 1,
      action: '/opt-out',
      prompts: [{ kind: 'Say', voice: 'Polly.Amy', language: 'en-GB' }],
    });
    expect(verbs[1]).toMatchObject({
      kind: 'Dial',
      answerOnBridge: true,
      record: 'record-from-answer-dual',
      callerId: '+447700900950',
      timeout: 20,
    });
    const d = verbs[1];
    if (d.kind !== 'Dial') throw new Error('not a Dial');
    expect(d.targets[0]).toMatchObject({ number: '+447700900111', url: '/whisper', statusCallback: '/leg' });
    expect([...d.targets[0].statusCallbackEvent].sort()).toEqual(['answered', 'completed', 'initiated', 'ringing']);
  });

  it('refuses documents Twilio cannot parse (12100) and reports unknown verbs and attributes (12200)', () => {
    expect(() => parseVoiceTwiml('<Response><Say>open')).toThrow(TwimlParseError);
    expect(() => parseVoiceTwiml('<Reply/>')).toThrow(/root element must be <Response>/);
    expect(() => parseVoiceTwiml('')).toThrow(TwimlParseError);
    const { verbs, warnings } = parseVoiceTwiml(
      '<Response><Dance/><Say colour="red">x</Say><Dial>0770</Dial></Response>',
    );
    expect(verbs.map((v) => v.kind)).toEqual(['Say', 'Dial']);
    expect(warnings.map((w) => w.code).sort()).toEqual([12200, 12200, 13223]);
  });

  it('reads messaging TwiML: <Message> text, <Body> and <Media>', () => {
    const { verbs } = parseMessagingTwiml(
      '<Response><Message to="+447700900111">Hi</Message><Message><Body>Pic</Body><Media>https://x/y.png</Media></Message></Response>',
    );
    expect(verbs).toEqual([
      expect.objectContaining({ kind: 'Message', to: '+447700900111', body: 'Hi', mediaUrls: [] }),
      expect.objectContaining({ kind: 'Message', to: null, body: 'Pic', mediaUrls: ['https://x/y.png'] }),
    ]);
  });
});

describe('the demo plan', () => {
  const now = Date.UTC(2026, 5, 1, 12);
  const plan = buildDemoPlan({ now, scripts: SCRIPTS });

  it('has at least 200 leads over 30 days in W1, EC1, N1 and E17 with the brief call and conversion rates', () => {
    expect(plan.leads.length).toBeGreaterThanOrEqual(200);
    expect(Math.min(...plan.leads.map((l) => l.at))).toBeLessThan(now - 29 * 86_400_000);
    for (const d of Object.keys(DISTRICT_TARGETS) as District[]) {
      const leads = plan.leads.filter((l) => l.district === d);
      expect(leads.length).toBeGreaterThan(50);
      expect(leads.filter((l) => l.connected).length).toBe(Math.round(leads.length * DISTRICT_TARGETS[d].callRate));
      expect(leads.filter((l) => l.booked).length).toBe(Math.round(leads.length * DISTRICT_TARGETS[d].conversion));
      // Every lead meant to connect has an answered call in the plan, before now.
      for (const l of leads.filter((x) => x.connected)) {
        expect(
          plan.events.some((e) => e.kind === 'call' && e.lead === l.key && e.answer === 'answer' && e.talkSec === 0),
        ).toBe(true);
      }
    }
  });

  it('is in time order, before now, and uses only known scripts', () => {
    const ids = new Set(SCRIPTS.map((s) => s.id));
    for (let i = 1; i < plan.events.length; i++)
      expect(plan.events[i].at).toBeGreaterThanOrEqual(plan.events[i - 1].at);
    expect(plan.events.every((e) => e.at < now)).toBe(true);
    expect(plan.events.every((e) => e.kind !== 'call' || ids.has(e.script))).toBe(true);
  });

  it('gives twelve assessors clearly different behaviour: fast, slow, poor contact, good and poor converters', () => {
    expect(PERSONAS).toHaveLength(12);
    // Contact either way: a proactive customer who got through first needs no call from the assessor.
    const inContact = (key: string, lead: string) =>
      plan.events.some((x) => x.lead === lead && (x.kind === 'call' || x.kind === 'sms') && x.assessor === key);
    const firstAttempt = (key: string) => {
      const delays: number[] = [];
      const mine = plan.leads.filter((x) => x.assessors.includes(key));
      for (const l of mine) {
        const e = plan.events.find(
          (x) =>
            x.lead === l.key &&
            (x.kind === 'call' || x.kind === 'sms') &&
            x.assessor === key &&
            (x.kind === 'call' ? x.caller === 'assessor' : x.from === 'assessor'),
        );
        if (e) delays.push((e.at - l.at) / 60_000);
      }
      delays.sort((a, b) => a - b);
      return {
        median: delays[Math.floor(delays.length / 2)],
        contacted: mine.filter((l) => inContact(key, l.key)).length / mine.length,
      };
    };
    expect(firstAttempt('fast-closer').median).toBeLessThan(30);
    expect(firstAttempt('slow').median).toBeGreaterThan(300);
    expect(firstAttempt('poor-contact').contacted).toBeLessThan(0.6);
    expect(firstAttempt('fast').contacted).toBeGreaterThan(0.85);
    const bookings = (key: string) =>
      plan.events.filter((e) => e.kind === 'booking' && e.assessor === key).length /
      plan.leads.filter((l) => l.assessors.includes(key)).length;
    expect(bookings('fast-closer')).toBeGreaterThan(bookings('poor-converter') * 2);
  });

  it('has calls and texts both ways, unanswered and busy calls, and opt-outs', () => {
    const calls = plan.events.filter((e) => e.kind === 'call');
    const texts = plan.events.filter((e) => e.kind === 'sms');
    expect(new Set(calls.map((c) => (c.kind === 'call' ? c.caller : '')))).toEqual(new Set(['customer', 'assessor']));
    expect(new Set(texts.map((t) => (t.kind === 'sms' ? t.from : '')))).toEqual(new Set(['customer', 'assessor']));
    expect(calls.some((c) => c.kind === 'call' && c.answer === 'no-answer')).toBe(true);
    expect(calls.some((c) => c.kind === 'call' && c.answer === 'busy')).toBe(true);
    expect(calls.some((c) => c.kind === 'call' && c.optOut)).toBe(true);
  });
});

describe('sandbox virtual time (X-Sandbox-Virtual-Time)', () => {
  it('puts a request on the named clock while it is handled, and work it leaves behind back on the real clock', async () => {
    let later: Promise<number> = Promise.resolve(0);
    const server = http.createServer((req, res) =>
      withRequestTime(req, res, () => {
        const during = sandboxClock();
        // A timer set while handling (as a job worker woken by the request would be) fires after the response.
        later = new Promise((resolve) => res.once('close', () => setTimeout(() => resolve(sandboxClock()), 5)));
        res.end(String(during));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const at = Date.UTC(2026, 0, 1, 9);
      const virtual = Number(
        await (await fetch(url, { headers: { 'x-sandbox-virtual-time': new Date(at).toISOString() } })).text(),
      );
      expect(virtual).toBeGreaterThanOrEqual(at);
      expect(virtual).toBeLessThan(at + 5000);
      expect(await later).toBeGreaterThan(Date.now() - 5000);
      const plain = Number(await (await fetch(url)).text());
      expect(plain).toBeGreaterThan(Date.now() - 5000);
    } finally {
      server.close();
    }
  });
});
