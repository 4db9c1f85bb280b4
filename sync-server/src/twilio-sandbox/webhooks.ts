import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { twilioSignature } from './signature';
import type { HttpMethod } from './twiml';
import { seededRandom } from '../../../shared/random';

/**
 * Requests from the sandbox to the application, made the way Twilio makes them: form-encoded POST (or GET
 * with the parameters in the query string), signed with X-Twilio-Signature over the exact URL requested,
 * 15-second timeout, an I-Twilio-Idempotency-Token per event (repeated on a redelivery).
 */

export type WebhookKind =
  | 'voice'
  | 'gather-action'
  | 'dial-action'
  | 'record-action'
  | 'redirect'
  | 'whisper'
  | 'call-status'
  | 'dial-call-status'
  | 'recording-status'
  | 'sms'
  | 'message-status';

export interface WebhookLogEntry {
  kind: WebhookKind;
  method: HttpMethod;
  url: string;
  params: Record<string, string>;
  /** HTTP status, or 0 when the request failed (connection refused, timeout). */
  status: number;
  contentType: string | null;
  body: string;
  error: string | null;
  /** Event time on the call's clock (ISO 8601). */
  eventTime: string;
  /** True for a copy the sandbox delivered again on purpose. */
  duplicate: boolean;
  /** How long the application took to answer, in milliseconds. */
  ms: number;
}

export interface WebhookClientOptions {
  authToken: () => string;
  /** Maps the public URL Twilio would request to the address to connect to (a reverse proxy's job). */
  connectUrl: (publicUrl: string) => string;
  /** Add X-Sandbox-Virtual-Time to every request (see README: demo backdating). */
  virtualTimeHeader: boolean;
  timeoutMs?: number;
}

export class WebhookClient {
  constructor(private readonly opts: WebhookClientOptions) {}

  async send(
    kind: WebhookKind,
    method: HttpMethod,
    url: string,
    params: Record<string, string>,
    meta: { eventTime: number; idempotencyToken?: string; duplicate?: boolean; virtual?: boolean },
  ): Promise<WebhookLogEntry> {
    let requestUrl = url;
    let body: string | undefined;
    let signature: string;
    const form = new URLSearchParams(params).toString();
    if (method === 'GET') {
      if (form) requestUrl += (url.includes('?') ? '&' : '?') + form;
      signature = twilioSignature(this.opts.authToken(), requestUrl);
    } else {
      body = form;
      signature = twilioSignature(this.opts.authToken(), url, params);
    }
    const headers: Record<string, string> = {
      'X-Twilio-Signature': signature,
      'I-Twilio-Idempotency-Token': meta.idempotencyToken ?? crypto.randomUUID(),
      'User-Agent': 'TwilioProxy/1.1 (Ringside sandbox)',
      Accept: '*/*',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    if (this.opts.virtualTimeHeader && meta.virtual)
      headers['X-Sandbox-Virtual-Time'] = new Date(meta.eventTime).toISOString();
    const entry: WebhookLogEntry = {
      kind,
      method,
      url: requestUrl,
      params,
      status: 0,
      contentType: null,
      body: '',
      error: null,
      eventTime: new Date(meta.eventTime).toISOString(),
      duplicate: meta.duplicate ?? false,
      ms: 0,
    };
    const started = performance.now();
    try {
      const res = await fetch(this.opts.connectUrl(requestUrl), {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
      entry.status = res.status;
      entry.contentType = res.headers.get('content-type');
      entry.body = await res.text();
    } catch (err) {
      entry.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    entry.ms = Math.round((performance.now() - started) * 10) / 10;
    return entry;
  }
}

/** How callbacks that do not steer the call (status, recording, message status) are delivered. */
export interface CallbackChaos {
  /** Probability (0–1) that a callback is delivered twice; 1 duplicates every one. */
  duplicate?: number;
  /** Hold a call's callbacks until it ends, then deliver them in a shuffled order. */
  reorder?: boolean;
  /** Real milliseconds to wait before each delivery: a number or a [min, max] range. */
  delayMs?: number | [number, number];
  /** Seed for the shuffles and coin flips, so a failing run can be replayed. */
  seed?: number;
}

interface Queued {
  kind: WebhookKind;
  method: HttpMethod;
  url: string;
  params: Record<string, string>;
  eventTime: number;
  token: string;
  virtual: boolean;
}

/**
 * The callbacks of one call or message. Twilio does not wait for them before going on with the call, so the
 * call flow only queues them here; `drain()` resolves once every one (and every duplicate) was answered.
 * In order by default; duplicated, delayed or shuffled when asked.
 */
export class CallbackOutbox {
  private chain: Promise<void> = Promise.resolve();
  private held: Queued[] = [];
  private readonly random: () => number;

  constructor(
    private readonly client: WebhookClient,
    private readonly chaos: CallbackChaos,
    private readonly log: WebhookLogEntry[],
  ) {
    this.random = seededRandom(chaos.seed ?? crypto.randomInt(2 ** 31));
  }

  post(
    kind: WebhookKind,
    method: HttpMethod,
    url: string,
    params: Record<string, string>,
    eventTime: number,
    virtual: boolean,
  ): void {
    const q: Queued = { kind, method, url, params, eventTime, token: crypto.randomUUID(), virtual };
    if (this.chaos.reorder) this.held.push(q);
    else this.enqueue([q]);
  }

  private copies(q: Queued): Array<Queued & { duplicate: boolean }> {
    const out = [{ ...q, duplicate: false }];
    const p = this.chaos.duplicate ?? 0;
    if (p > 0 && this.random() < p) out.push({ ...q, duplicate: true });
    return out;
  }

  private enqueue(items: Queued[]): void {
    const expanded = items.flatMap((q) => this.copies(q));
    this.chain = this.chain.then(async () => {
      for (const q of expanded) await this.deliver(q);
    });
  }

  private async deliver(q: Queued & { duplicate: boolean }): Promise<void> {
    const d = this.chaos.delayMs;
    if (d !== undefined) {
      const ms = Array.isArray(d) ? d[0] + this.random() * (d[1] - d[0]) : d;
      if (ms > 0) await sleep(ms);
    }
    this.log.push(
      await this.client.send(q.kind, q.method, q.url, q.params, {
        eventTime: q.eventTime,
        idempotencyToken: q.token,
        duplicate: q.duplicate,
        virtual: q.virtual,
      }),
    );
  }

  /** Delivers what was held back (shuffled) and waits until every callback has been answered. */
  async drain(): Promise<void> {
    if (this.held.length) {
      const items = this.held.flatMap((q) => this.copies(q));
      this.held = [];
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      this.chain = this.chain.then(async () => {
        for (const q of items) await this.deliver(q);
      });
    }
    await this.chain;
  }
}

/** RFC 2822 date as Twilio writes it (`Tue, 25 Jun 2024 10:00:00 +0000`). */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
