import type { TwilioCredentials } from '../config';

/**
 * The few Twilio REST calls telephony makes, over fetch with HTTP basic auth (account SID : auth token), on
 * Twilio's documented paths under the configured base URL (TWILIO_API_BASE_URL: Twilio's, or the local
 * sandbox's). A small client rather than the SDK so the base URL and errors are explicit and testable.
 *   Messages:         https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 *   Available numbers https://www.twilio.com/docs/phone-numbers/api/availablephonenumber-mobile-resource
 *   Buy / configure:  https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource
 *   Recordings:       https://www.twilio.com/docs/voice/api/recording#update-a-recording-resource (stop)
 *                     https://www.twilio.com/docs/voice/api/recording#delete-a-recording-resource
 */
export class TwilioApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Twilio's numeric error code (e.g. 21610: the recipient texted STOP), when the body has one. */
    readonly twilioCode: number | null,
  ) {
    super(message);
  }
}

export interface SentMessage {
  sid: string;
  status: string;
}

export interface AvailableNumber {
  phoneNumber: string;
  capabilities: { voice: boolean; sms: boolean };
}

export interface BoughtNumber {
  sid: string;
  phoneNumber: string;
}

export class TwilioRest {
  constructor(
    private readonly creds: TwilioCredentials,
    private readonly timeoutMs = 15_000,
  ) {}

  private url(path: string): string {
    return `${this.creds.apiBaseUrl}/2010-04-01/Accounts/${this.creds.accountSid}${path}`;
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    form?: Record<string, string | string[] | undefined>,
  ): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${this.creds.accountSid}:${this.creds.authToken}`).toString('base64')}`,
      accept: 'application/json',
    };
    let body: string | undefined;
    let url = this.url(path);
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
    }
    if (method === 'GET') {
      if ([...params].length) url += `?${params.toString()}`;
    } else if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = params.toString();
    }
    const res = await this.send(method, url, { method, headers, body });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const err = (json ?? {}) as { message?: string; code?: number };
      throw new TwilioApiError(
        `Twilio ${method} ${path} answered ${res.status}: ${err.message ?? text.slice(0, 200)}`,
        res.status,
        err.code ?? null,
      );
    }
    return json as T;
  }

  /**
   * GET and DELETE are idempotent, so a dropped keep-alive connection (ECONNRESET when the server closed it
   * just as it was reused) is retried; a POST is not, since it could buy a number or send a text twice.
   */
  private async send(method: string, url: string, init: RequestInit): Promise<Response> {
    const attempts = method === 'POST' ? 1 : 3;
    for (let i = 1; ; i++) {
      try {
        return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err) {
        if (i >= attempts) throw err;
      }
    }
  }

  async sendMessage(input: { from: string; to: string; body: string; statusCallback: string }): Promise<SentMessage> {
    const r = await this.request<{ sid: string; status: string }>('POST', '/Messages.json', {
      From: input.from,
      To: input.to,
      Body: input.body,
      StatusCallback: input.statusCallback,
    });
    return { sid: r.sid, status: r.status };
  }

  /** GB mobile numbers that can take calls and texts. */
  async searchMobileNumbers(country = 'GB', limit = 5): Promise<AvailableNumber[]> {
    const r = await this.request<{
      available_phone_numbers?: Array<{ phone_number: string; capabilities?: Record<string, boolean> }>;
    }>('GET', `/AvailablePhoneNumbers/${country}/Mobile.json`, {
      VoiceEnabled: 'true',
      SmsEnabled: 'true',
      PageSize: String(limit),
    });
    return (r.available_phone_numbers ?? []).map((n) => ({
      phoneNumber: n.phone_number,
      capabilities: {
        voice: n.capabilities?.voice ?? n.capabilities?.Voice ?? false,
        sms: n.capabilities?.sms ?? n.capabilities?.SMS ?? false,
      },
    }));
  }

  /** Buys a number with its voice, SMS and status URLs pointing at this server. */
  async buyNumber(input: {
    phoneNumber: string;
    voiceUrl: string;
    smsUrl: string;
    statusCallback: string;
    addressSid?: string;
    bundleSid?: string;
  }): Promise<BoughtNumber> {
    const r = await this.request<{ sid: string; phone_number: string }>('POST', '/IncomingPhoneNumbers.json', {
      PhoneNumber: input.phoneNumber,
      ...webhookParams(input),
      AddressSid: input.addressSid,
      BundleSid: input.bundleSid,
    });
    return { sid: r.sid, phoneNumber: r.phone_number };
  }

  /** Points an owned number's webhooks at this server (for numbers added by hand). */
  async configureNumber(
    sid: string,
    input: { voiceUrl: string; smsUrl: string; statusCallback: string },
  ): Promise<void> {
    await this.request('POST', `/IncomingPhoneNumbers/${sid}.json`, webhookParams(input));
  }

  async findOwnedNumber(phoneNumber: string): Promise<BoughtNumber | null> {
    const r = await this.request<{ incoming_phone_numbers?: Array<{ sid: string; phone_number: string }> }>(
      'GET',
      '/IncomingPhoneNumbers.json',
      {
        PhoneNumber: phoneNumber,
      },
    );
    const n = r.incoming_phone_numbers?.[0];
    return n ? { sid: n.sid, phoneNumber: n.phone_number } : null;
  }

  /** Stops the recording in progress on a live call (`Twilio.CURRENT` names it without knowing its SID). */
  async stopRecording(callSid: string, recordingSid = 'Twilio.CURRENT'): Promise<void> {
    await this.request('POST', `/Calls/${callSid}/Recordings/${recordingSid}.json`, { Status: 'stopped' });
  }

  async deleteRecording(recordingSid: string): Promise<void> {
    await this.request('DELETE', `/Recordings/${recordingSid}.json`);
  }
}

/** A pool number's webhooks: voice, texts and status, all POSTed to this server. */
function webhookParams(input: { voiceUrl: string; smsUrl: string; statusCallback: string }) {
  return {
    VoiceUrl: input.voiceUrl,
    VoiceMethod: 'POST',
    SmsUrl: input.smsUrl,
    SmsMethod: 'POST',
    StatusCallback: input.statusCallback,
    StatusCallbackMethod: 'POST',
  };
}
