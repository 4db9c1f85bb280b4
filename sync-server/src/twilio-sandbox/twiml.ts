import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * TwiML as the sandbox executes it: the documents a webhook answers with, parsed into typed verbs with
 * Twilio's documented defaults filled in (https://www.twilio.com/docs/voice/twiml). Attributes Twilio does
 * not define on a verb are reported as warnings, the way Twilio's debugger does, and otherwise ignored.
 */

export type HttpMethod = 'GET' | 'POST';

export interface SayVerb {
  kind: 'Say';
  text: string;
  voice: string | null;
  language: string | null;
  loop: number;
}
export interface PlayVerb {
  kind: 'Play';
  url: string;
  loop: number;
  digits: string | null;
}
export interface PauseVerb {
  kind: 'Pause';
  length: number;
}
export type PromptVerb = SayVerb | PlayVerb | PauseVerb;

export interface GatherVerb {
  kind: 'Gather';
  action: string | null;
  method: HttpMethod;
  /** Seconds to wait for the first (or next) digit after the prompts finish. */
  timeout: number;
  numDigits: number | null;
  finishOnKey: string;
  actionOnEmptyResult: boolean;
  input: string;
  prompts: PromptVerb[];
}

export interface NumberTarget {
  number: string;
  /** The whisper: TwiML run on the answered leg before it is bridged. */
  url: string | null;
  method: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvent: Set<CallProgressEvent>;
  sendDigits: string | null;
}

export type CallProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';
export type DialRecord =
  | 'do-not-record'
  | 'record-from-answer'
  | 'record-from-ringing'
  | 'record-from-answer-dual'
  | 'record-from-ringing-dual';
export type RecordingEvent = 'in-progress' | 'completed' | 'absent';

export interface DialVerb {
  kind: 'Dial';
  action: string | null;
  method: HttpMethod;
  timeout: number;
  timeLimit: number;
  callerId: string | null;
  answerOnBridge: boolean;
  record: DialRecord;
  recordingStatusCallback: string | null;
  recordingStatusCallbackMethod: HttpMethod;
  recordingStatusCallbackEvent: Set<RecordingEvent>;
  targets: NumberTarget[];
  /** Nouns the sandbox cannot dial (Client, Sip, Conference, Queue …). */
  unsupported: string[];
}

export interface RecordVerb {
  kind: 'Record';
  action: string | null;
  method: HttpMethod;
  timeout: number;
  maxLength: number;
  finishOnKey: string;
  playBeep: boolean;
  recordingStatusCallback: string | null;
  recordingStatusCallbackMethod: HttpMethod;
  recordingStatusCallbackEvent: Set<RecordingEvent>;
}

export interface HangupVerb {
  kind: 'Hangup';
}
export interface RejectVerb {
  kind: 'Reject';
  reason: 'rejected' | 'busy';
}
export interface RedirectVerb {
  kind: 'Redirect';
  url: string;
  method: HttpMethod;
}

export type VoiceVerb = PromptVerb | GatherVerb | DialVerb | RecordVerb | HangupVerb | RejectVerb | RedirectVerb;

export interface MessageVerb {
  kind: 'Message';
  to: string | null;
  from: string | null;
  body: string;
  mediaUrls: string[];
  action: string | null;
  method: HttpMethod;
  statusCallback: string | null;
}

export type MessagingVerb = MessageVerb | RedirectVerb;

/** A notice in the style of Twilio's debugger: an error code and what went wrong. */
export interface TwimlWarning {
  code: number;
  message: string;
}

export class TwimlParseError extends Error {
  readonly code = 12100;
}

const ATTRIBUTES: Record<string, readonly string[]> = {
  Say: ['voice', 'language', 'loop'],
  Play: ['loop', 'digits'],
  Pause: ['length'],
  Gather: [
    'action',
    'method',
    'timeout',
    'numDigits',
    'finishOnKey',
    'actionOnEmptyResult',
    'input',
    'language',
    'hints',
    'speechTimeout',
    'speechModel',
    'profanityFilter',
    'partialResultCallback',
    'partialResultCallbackMethod',
    'enhanced',
    'bargeIn',
    'debug',
    'maxSpeechTime',
  ],
  Dial: [
    'action',
    'method',
    'timeout',
    'timeLimit',
    'callerId',
    'answerOnBridge',
    'record',
    'recordingStatusCallback',
    'recordingStatusCallbackMethod',
    'recordingStatusCallbackEvent',
    'recordingTrack',
    'hangupOnStar',
    'ringTone',
    'trim',
    'callReason',
    'referUrl',
    'referMethod',
    'sequential',
    'events',
  ],
  Number: [
    'url',
    'method',
    'statusCallback',
    'statusCallbackMethod',
    'statusCallbackEvent',
    'sendDigits',
    'byoc',
    'machineDetection',
    'amdStatusCallback',
  ],
  Record: [
    'action',
    'method',
    'timeout',
    'maxLength',
    'finishOnKey',
    'playBeep',
    'trim',
    'recordingStatusCallback',
    'recordingStatusCallbackMethod',
    'recordingStatusCallbackEvent',
    'transcribe',
    'transcribeCallback',
    'recordingChannels',
  ],
  Hangup: [],
  Reject: ['reason'],
  Redirect: ['method'],
  Message: ['to', 'from', 'action', 'method', 'statusCallback'],
};

function elements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) out.push(n as Element);
  }
  return out;
}

function text(el: Element): string {
  return (el.textContent ?? '').trim();
}

class Reader {
  constructor(readonly warnings: TwimlWarning[]) {}

  checkAttributes(el: Element): void {
    const allowed = ATTRIBUTES[el.tagName] ?? [];
    for (let i = 0; i < el.attributes.length; i++) {
      const name = el.attributes[i].name;
      if (!allowed.includes(name)) {
        this.warnings.push({ code: 12200, message: `<${el.tagName}> has no attribute "${name}"; Twilio ignores it` });
      }
    }
  }

  str(el: Element, name: string): string | null {
    return el.hasAttribute(name) ? el.getAttribute(name) : null;
  }

  num(el: Element, name: string, fallback: number, min = 0): number {
    const raw = this.str(el, name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) {
      this.warnings.push({
        code: 12200,
        message: `<${el.tagName} ${name}="${raw}"> is not a valid number; using ${fallback}`,
      });
      return fallback;
    }
    return n;
  }

  bool(el: Element, name: string, fallback: boolean): boolean {
    const raw = this.str(el, name);
    if (raw === null) return fallback;
    return raw.toLowerCase() === 'true';
  }

  method(el: Element, name = 'method'): HttpMethod {
    const raw = (this.str(el, name) ?? 'POST').toUpperCase();
    if (raw !== 'GET' && raw !== 'POST') {
      this.warnings.push({ code: 12200, message: `<${el.tagName} ${name}="${raw}"> must be GET or POST; using POST` });
      return 'POST';
    }
    return raw;
  }

  events<T extends string>(el: Element, name: string, allowed: readonly T[], fallback: readonly T[]): Set<T> {
    const raw = this.str(el, name);
    if (raw === null) return new Set(fallback);
    const out = new Set<T>();
    for (const part of raw.split(/[\s,]+/).filter(Boolean)) {
      if ((allowed as readonly string[]).includes(part)) out.add(part as T);
      else this.warnings.push({ code: 12200, message: `<${el.tagName} ${name}> has an unknown event "${part}"` });
    }
    return out;
  }

  prompt(el: Element): PromptVerb | null {
    this.checkAttributes(el);
    switch (el.tagName) {
      case 'Say':
        return {
          kind: 'Say',
          text: text(el),
          voice: this.str(el, 'voice'),
          language: this.str(el, 'language'),
          loop: this.num(el, 'loop', 1),
        };
      case 'Play':
        return { kind: 'Play', url: text(el), loop: this.num(el, 'loop', 1), digits: this.str(el, 'digits') };
      case 'Pause':
        return { kind: 'Pause', length: this.num(el, 'length', 1) };
      default:
        return null;
    }
  }

  voiceVerb(el: Element): VoiceVerb | null {
    const prompt = this.prompt(el);
    if (prompt) return prompt;
    if (!(el.tagName in ATTRIBUTES)) {
      this.warnings.push({ code: 12200, message: `<${el.tagName}> is not a verb the sandbox executes; skipped` });
      return null;
    }
    switch (el.tagName) {
      case 'Gather': {
        const prompts: PromptVerb[] = [];
        for (const child of elements(el)) {
          const p = this.prompt(child);
          if (p) prompts.push(p);
          else
            this.warnings.push({
              code: 12200,
              message: `<Gather> may only nest <Say>, <Play> and <Pause>, not <${child.tagName}>`,
            });
        }
        const numDigits = this.str(el, 'numDigits');
        return {
          kind: 'Gather',
          action: this.str(el, 'action'),
          method: this.method(el),
          timeout: this.num(el, 'timeout', 5),
          numDigits: numDigits === null ? null : this.num(el, 'numDigits', 1, 1),
          finishOnKey: this.str(el, 'finishOnKey') ?? '#',
          actionOnEmptyResult: this.bool(el, 'actionOnEmptyResult', false),
          input: this.str(el, 'input') ?? 'dtmf',
          prompts,
        };
      }
      case 'Dial': {
        const targets: NumberTarget[] = [];
        const unsupported: string[] = [];
        const children = elements(el);
        if (children.length === 0 && text(el)) targets.push(this.bareNumber(text(el)));
        for (const child of children) {
          if (child.tagName === 'Number') {
            this.checkAttributes(child);
            targets.push({
              number: text(child),
              url: this.str(child, 'url'),
              method: this.method(child),
              statusCallback: this.str(child, 'statusCallback'),
              statusCallbackMethod: this.method(child, 'statusCallbackMethod'),
              statusCallbackEvent: this.events(
                child,
                'statusCallbackEvent',
                ['initiated', 'ringing', 'answered', 'completed'] as const,
                ['completed'],
              ),
              sendDigits: this.str(child, 'sendDigits'),
            });
          } else {
            unsupported.push(child.tagName);
          }
        }
        const record = (this.str(el, 'record') ?? 'do-not-record').toLowerCase();
        const recordValue: DialRecord =
          record === 'true'
            ? 'record-from-answer'
            : record === 'false'
              ? 'do-not-record'
              : ((
                  [
                    'do-not-record',
                    'record-from-answer',
                    'record-from-ringing',
                    'record-from-answer-dual',
                    'record-from-ringing-dual',
                  ] as const
                ).find((r) => r === record) ?? 'do-not-record');
        if (recordValue === 'do-not-record' && !['do-not-record', 'false'].includes(record)) {
          this.warnings.push({
            code: 12200,
            message: `<Dial record="${record}"> is not a recording mode; not recording`,
          });
        }
        return {
          kind: 'Dial',
          action: this.str(el, 'action'),
          method: this.method(el),
          timeout: this.num(el, 'timeout', 30, 5),
          timeLimit: this.num(el, 'timeLimit', 14400, 1),
          callerId: this.str(el, 'callerId'),
          answerOnBridge: this.bool(el, 'answerOnBridge', false),
          record: recordValue,
          recordingStatusCallback: this.str(el, 'recordingStatusCallback'),
          recordingStatusCallbackMethod: this.method(el, 'recordingStatusCallbackMethod'),
          recordingStatusCallbackEvent: this.events(
            el,
            'recordingStatusCallbackEvent',
            ['in-progress', 'completed', 'absent'] as const,
            ['completed'],
          ),
          targets,
          unsupported,
        };
      }
      case 'Record':
        return {
          kind: 'Record',
          action: this.str(el, 'action'),
          method: this.method(el),
          timeout: this.num(el, 'timeout', 5),
          maxLength: this.num(el, 'maxLength', 3600, 1),
          finishOnKey: this.str(el, 'finishOnKey') ?? '1234567890*#',
          playBeep: this.bool(el, 'playBeep', true),
          recordingStatusCallback: this.str(el, 'recordingStatusCallback'),
          recordingStatusCallbackMethod: this.method(el, 'recordingStatusCallbackMethod'),
          recordingStatusCallbackEvent: this.events(
            el,
            'recordingStatusCallbackEvent',
            ['in-progress', 'completed', 'absent'] as const,
            ['completed'],
          ),
        };
      case 'Hangup':
        this.checkAttributes(el);
        return { kind: 'Hangup' };
      case 'Reject':
        this.checkAttributes(el);
        return { kind: 'Reject', reason: this.str(el, 'reason') === 'busy' ? 'busy' : 'rejected' };
      case 'Redirect':
        this.checkAttributes(el);
        return { kind: 'Redirect', url: text(el), method: this.method(el) };
      default:
        this.warnings.push({ code: 12200, message: `<${el.tagName}> is not valid in a voice response` });
        return null;
    }
  }

  bareNumber(number: string): NumberTarget {
    return {
      number,
      url: null,
      method: 'POST',
      statusCallback: null,
      statusCallbackMethod: 'POST',
      statusCallbackEvent: new Set(['completed']),
      sendDigits: null,
    };
  }
}

function parseResponse(xml: string): Element {
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    throw new TwimlParseError(`Document parse failure: ${err instanceof Error ? err.message : String(err)}`);
  }
  const root = doc.documentElement;
  if (!root || root.tagName !== 'Response') {
    throw new TwimlParseError(
      `Document parse failure: the root element must be <Response>, not <${root?.tagName ?? 'nothing'}>`,
    );
  }
  return root;
}

export function parseVoiceTwiml(xml: string): { verbs: VoiceVerb[]; warnings: TwimlWarning[] } {
  const root = parseResponse(xml);
  const reader = new Reader([]);
  const verbs: VoiceVerb[] = [];
  for (const el of elements(root)) {
    const verb = reader.voiceVerb(el);
    if (verb) verbs.push(verb);
  }
  for (const v of verbs) {
    if (v.kind === 'Dial') {
      for (const t of v.targets) {
        if (!/^\+[1-9]\d{6,14}$/.test(t.number))
          reader.warnings.push({ code: 13223, message: `Dial: "${t.number}" is not an E.164 phone number` });
      }
    }
  }
  return { verbs, warnings: reader.warnings };
}

export function parseMessagingTwiml(xml: string): { verbs: MessagingVerb[]; warnings: TwimlWarning[] } {
  const root = parseResponse(xml);
  const reader = new Reader([]);
  const verbs: MessagingVerb[] = [];
  for (const el of elements(root)) {
    reader.checkAttributes(el);
    if (el.tagName === 'Message') {
      const bodyEls = elements(el).filter((c) => c.tagName === 'Body');
      const mediaEls = elements(el).filter((c) => c.tagName === 'Media');
      verbs.push({
        kind: 'Message',
        to: reader.str(el, 'to'),
        from: reader.str(el, 'from'),
        body: bodyEls.length ? bodyEls.map(text).join('') : elements(el).length ? '' : text(el),
        mediaUrls: mediaEls.map(text),
        action: reader.str(el, 'action'),
        method: reader.method(el),
        statusCallback: reader.str(el, 'statusCallback'),
      });
    } else if (el.tagName === 'Redirect') {
      verbs.push({ kind: 'Redirect', url: text(el), method: reader.method(el) });
    } else {
      reader.warnings.push({ code: 12200, message: `<${el.tagName}> is not valid in a messaging response` });
    }
  }
  return { verbs, warnings: reader.warnings };
}
