import { newSid } from './ids';
import type { NumberRegistry } from './numbers';
import type { PhoneRegistry } from './phones';
import { parseMessagingTwiml, TwimlParseError, type HttpMethod, type TwimlWarning } from './twiml';
import { CallbackOutbox, rfc2822, type CallbackChaos, type WebhookClient, type WebhookLogEntry } from './webhooks';
import { errorMessage } from '../../../shared/objects';

/**
 * Texts: the Messages REST resource (the application sends an SMS/MMS from one of its numbers; the sandbox
 * delivers it to the phone and reports queued → sent → delivered to StatusCallback) and incoming texts (a
 * phone texts one of the account's numbers; the sandbox posts Twilio's incoming-message webhook and carries
 * out any <Message> in the TwiML answer).
 */

export type MessageStatus =
  'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';

export interface MessageRecord {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  direction: 'inbound' | 'outbound-api' | 'outbound-reply';
  status: MessageStatus;
  errorCode: number | null;
  numSegments: number;
  messagingServiceSid: string | null;
  dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
}

export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  toJson(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

const E164 = /^\+[1-9]\d{6,14}$/;
// The GSM 03.38 basic character set: a text wholly in it goes 160 characters a segment, otherwise UCS-2 at 70.
const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

export function segmentsOf(body: string): number {
  if (!body) return 1;
  const gsm = GSM7.test(body);
  const single = gsm ? 160 : 70;
  const multi = gsm ? 153 : 67;
  const length = [...body].length;
  return length <= single ? 1 : Math.ceil(length / multi);
}

export interface SendSmsInput {
  from: string;
  to: string;
  body: string;
  mediaUrls?: string[];
  /** Virtual time of the text (sent as X-Sandbox-Virtual-Time), for backdated demo data. */
  at?: number | string;
  callbacks?: CallbackChaos;
}

export interface InboundSmsResult {
  messageSid: string;
  /** Texts the application's TwiML answer sent back (<Message>). */
  replies: MessageRecord[];
  requests: WebhookLogEntry[];
  warnings: TwimlWarning[];
}

export interface MessagingEnvironment {
  accountSid: string;
  baseUrl(): string;
  numbers: NumberRegistry;
  phones: PhoneRegistry;
  webhooks: WebhookClient;
  defaultChaos: CallbackChaos;
  defaultTiming: 'real' | 'virtual';
}

export class MessageService {
  private readonly messages = new Map<string, MessageRecord>();
  /** Delivery work in flight (status callbacks), so callers and tests can wait for it. */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly env: MessagingEnvironment) {}

  get(sid: string): MessageRecord | undefined {
    return this.messages.get(sid);
  }

  list(filter: { to?: string; from?: string } = {}): MessageRecord[] {
    return [...this.messages.values()].filter(
      (m) => (!filter.to || m.to === filter.to) && (!filter.from || m.from === filter.from),
    );
  }

  /** Resolves when every queued delivery and its status callbacks are done. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** POST /Messages.json: validates like Twilio, answers the resource at status queued, delivers in the background. */
  create(params: Record<string, string | string[] | undefined>): MessageRecord {
    const one = (k: string): string | undefined => {
      const v = params[k];
      return Array.isArray(v) ? v[0] : v;
    };
    const to = one('To');
    const from = one('From');
    const service = one('MessagingServiceSid');
    const body = one('Body') ?? '';
    const mediaUrl = params.MediaUrl ?? [];
    const media = (Array.isArray(mediaUrl) ? mediaUrl : [mediaUrl]).filter(Boolean);
    const statusCallback = one('StatusCallback');
    if (!to) throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
    if (!from && !service) throw new TwilioApiError(400, 21603, "A 'From' phone number is required.");
    if (!body && media.length === 0) throw new TwilioApiError(400, 21602, 'Message body is required.');
    if (!E164.test(to)) throw new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if ([...body].length > 1600)
      throw new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (media.length > 10) throw new TwilioApiError(400, 21623, 'Number of media files exceeds allowed limit of 10.');
    const sender = from ?? this.env.numbers.list()[0]?.phoneNumber;
    if (!sender || !this.env.numbers.lookup(sender)) {
      throw new TwilioApiError(
        400,
        21606,
        `The From phone number ${sender ?? ''} is not a valid, SMS-capable inbound phone number or short code for your account.`,
      );
    }
    const now = Date.now();
    const m: MessageRecord = {
      sid: newSid(media.length ? 'MM' : 'SM'),
      accountSid: this.env.accountSid,
      from: sender,
      to,
      body,
      mediaUrls: media,
      direction: 'outbound-api',
      status: 'queued',
      errorCode: null,
      numSegments: segmentsOf(body),
      messagingServiceSid: service ?? null,
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
    };
    this.messages.set(m.sid, m);
    this.track(this.deliver(m, statusCallback ?? null, 'POST', [], this.env.defaultChaos));
    return m;
  }

  private track(p: Promise<void>): void {
    const wrapped = p.finally(() => this.pending.delete(wrapped));
    this.pending.add(wrapped);
  }

  /** queued → sent → delivered (or undelivered, error 30003, to an unreachable phone), each reported to the StatusCallback. */
  private async deliver(
    m: MessageRecord,
    statusCallback: string | null,
    method: HttpMethod,
    log: WebhookLogEntry[],
    chaos: CallbackChaos,
    at?: number,
  ): Promise<void> {
    const outbox = new CallbackOutbox(this.env.webhooks, chaos, log);
    const t0 = at ?? Date.now();
    const virtual = at !== undefined;
    const report = (status: MessageStatus, offsetMs: number, extra: Record<string, string> = {}) => {
      m.status = status;
      m.dateUpdated = t0 + offsetMs;
      if (!statusCallback) return;
      const params: Record<string, string> = {
        AccountSid: this.env.accountSid,
        ApiVersion: '2010-04-01',
        From: m.from,
        To: m.to,
        MessageSid: m.sid,
        SmsSid: m.sid,
        MessageStatus: status,
        SmsStatus: status,
        ...extra,
      };
      if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
      outbox.post('message-status', method, statusCallback, params, t0 + offsetMs, virtual);
    };
    report('queued', 0);
    await new Promise((r) => setImmediate(r));
    m.dateSent = t0 + 400;
    report('sent', 400);
    const phone = this.env.phones.get(m.to);
    if (phone?.unreachable) {
      m.errorCode = 30003;
      report('undelivered', 3000, { ErrorCode: '30003' });
    } else {
      report('delivered', 2000, { RawDlrDoneDate: dlrDate(t0 + 2000) });
      this.env.phones.deliver({
        sid: m.sid,
        from: m.from,
        to: m.to,
        body: m.body,
        mediaUrls: m.mediaUrls,
        receivedAt: new Date(t0 + 2000).toISOString(),
      });
    }
    await outbox.drain();
  }

  /** A phone texts one of the account's numbers: Twilio's incoming-message webhook, then any <Message> reply. */
  async receive(input: SendSmsInput): Promise<InboundSmsResult> {
    const requests: WebhookLogEntry[] = [];
    const warnings: TwimlWarning[] = [];
    const number = this.env.numbers.lookup(input.to);
    const media = input.mediaUrls ?? [];
    const at = input.at !== undefined ? new Date(input.at).getTime() : undefined;
    const now = at ?? Date.now();
    const m: MessageRecord = {
      sid: newSid(media.length ? 'MM' : 'SM'),
      accountSid: this.env.accountSid,
      from: input.from,
      to: input.to,
      body: input.body,
      mediaUrls: media,
      direction: 'inbound',
      status: 'received',
      errorCode: null,
      numSegments: segmentsOf(input.body),
      messagingServiceSid: null,
      dateCreated: now,
      dateUpdated: now,
      dateSent: now,
    };
    this.messages.set(m.sid, m);
    const replies: MessageRecord[] = [];
    if (!number || !number.smsUrl) {
      warnings.push({ code: 11750, message: `${input.to} is not an SMS-enabled number of this account` });
      return { messageSid: m.sid, replies, requests, warnings };
    }
    const params: Record<string, string> = {
      AccountSid: this.env.accountSid,
      ApiVersion: '2010-04-01',
      Body: input.body,
      From: input.from,
      FromCity: '',
      FromCountry: input.from.startsWith('+44') ? 'GB' : '',
      FromState: '',
      FromZip: '',
      MessageSid: m.sid,
      NumMedia: String(media.length),
      NumSegments: String(m.numSegments),
      SmsMessageSid: m.sid,
      SmsSid: m.sid,
      SmsStatus: 'received',
      To: input.to,
      ToCity: '',
      ToCountry: input.to.startsWith('+44') ? 'GB' : '',
      ToState: '',
      ToZip: '',
    };
    media.forEach((url, i) => {
      params[`MediaUrl${i}`] = url;
      params[`MediaContentType${i}`] = contentTypeOf(url);
    });
    const meta = { eventTime: now, virtual: at !== undefined };
    let entry = await this.env.webhooks.send('sms', number.smsMethod, number.smsUrl, params, meta);
    requests.push(entry);
    if ((entry.error || entry.status >= 400) && number.smsFallbackUrl) {
      entry = await this.env.webhooks.send('sms', number.smsFallbackMethod, number.smsFallbackUrl, params, meta);
      requests.push(entry);
    }
    if (entry.error || entry.status < 200 || entry.status >= 300) {
      warnings.push({
        code: 11200,
        message: `HTTP retrieval failure: ${entry.url} ${entry.error ?? `answered ${entry.status}`}`,
      });
      return { messageSid: m.sid, replies, requests, warnings };
    }
    if (!entry.body.trim()) return { messageSid: m.sid, replies, requests, warnings };
    let verbs;
    try {
      const parsed = parseMessagingTwiml(entry.body);
      verbs = parsed.verbs;
      warnings.push(...parsed.warnings);
    } catch (err) {
      warnings.push({ code: err instanceof TwimlParseError ? err.code : 12100, message: errorMessage(err) });
      return { messageSid: m.sid, replies, requests, warnings };
    }
    const deliveries: Promise<void>[] = [];
    for (const verb of verbs) {
      if (verb.kind !== 'Message') {
        warnings.push({ code: 12200, message: 'sandbox: <Redirect> in a messaging response is not followed' });
        continue;
      }
      const reply: MessageRecord = {
        sid: newSid(verb.mediaUrls.length ? 'MM' : 'SM'),
        accountSid: this.env.accountSid,
        from: verb.from ?? input.to,
        to: verb.to ?? input.from,
        body: verb.body,
        mediaUrls: verb.mediaUrls,
        direction: 'outbound-reply',
        status: 'queued',
        errorCode: null,
        numSegments: segmentsOf(verb.body),
        messagingServiceSid: null,
        dateCreated: now,
        dateUpdated: now,
        dateSent: null,
      };
      this.messages.set(reply.sid, reply);
      replies.push(reply);
      const cb = verb.statusCallback ?? verb.action;
      deliveries.push(
        this.deliver(
          reply,
          cb ? new URL(cb, entry.url).href : null,
          verb.method,
          requests,
          { ...this.env.defaultChaos, ...input.callbacks },
          at,
        ),
      );
    }
    await Promise.all(deliveries);
    return { messageSid: m.sid, replies, requests, warnings };
  }
}

function contentTypeOf(url: string): string {
  const ext = url.split('?')[0].split('.').pop()?.toLowerCase();
  return ext === 'png'
    ? 'image/png'
    : ext === 'gif'
      ? 'image/gif'
      : ext === 'mp4'
        ? 'video/mp4'
        : ext === 'pdf'
          ? 'application/pdf'
          : 'image/jpeg';
}

/** RawDlrDoneDate as carriers report it: YYMMDDhhmm. */
function dlrDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

/** The Message resource as Twilio's REST API returns it. */
export function messageJson(m: MessageRecord): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`;
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent === null ? null : rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorCode === 30003 ? 'Unreachable destination handset' : null,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.mediaUrls.length),
    num_segments: String(m.numSegments),
    price: null,
    price_unit: 'GBP',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri,
  };
}
