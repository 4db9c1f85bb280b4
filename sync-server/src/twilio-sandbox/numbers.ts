import crypto from 'node:crypto';
import { newSid } from './ids';
import type { HttpMethod } from './twiml';
import { rfc2822 } from './webhooks';

/**
 * The account's phone numbers (IncomingPhoneNumbers) and the numbers it can buy (AvailablePhoneNumbers).
 * Numbers for sale come from Ofcom's drama ranges (07700 900xxx mobile, 020 7946 0xxx London), which is what
 * the product, the demo and the tests use; the top of each range is for sale, the rest is left to phones.
 */

export interface OwnedNumber {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  voiceUrl: string;
  voiceMethod: HttpMethod;
  voiceFallbackUrl: string;
  voiceFallbackMethod: HttpMethod;
  statusCallback: string;
  statusCallbackMethod: HttpMethod;
  smsUrl: string;
  smsMethod: HttpMethod;
  smsFallbackUrl: string;
  smsFallbackMethod: HttpMethod;
  dateCreated: number;
  dateUpdated: number;
  /** Not bought through the API: a number the sandbox treats as the account's because ownsAllNumbers is on. */
  implicit: boolean;
}

export type NumberType = 'Mobile' | 'Local';

export interface NumberDefaults {
  voiceUrl: string;
  smsUrl: string;
  statusCallback: string;
}

function range(prefix: string, from: number, to: number, width: number): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(prefix + String(i).padStart(width, '0'));
  return out;
}

/** GB mobile numbers the sandbox sells by default: 07700 900900–900999. */
export const SALEABLE_MOBILE = range('+447700900', 900, 999, 3);
/** GB London numbers the sandbox sells by default: 020 7946 0900–0999. */
export const SALEABLE_LOCAL = range('+442079460', 900, 999, 3);

export interface NumberUpdate {
  FriendlyName?: string;
  VoiceUrl?: string;
  VoiceMethod?: string;
  VoiceFallbackUrl?: string;
  VoiceFallbackMethod?: string;
  StatusCallback?: string;
  StatusCallbackMethod?: string;
  SmsUrl?: string;
  SmsMethod?: string;
  SmsFallbackUrl?: string;
  SmsFallbackMethod?: string;
}

const method = (v: string | undefined, fallback: HttpMethod): HttpMethod =>
  v?.toUpperCase() === 'GET' ? 'GET' : v ? 'POST' : fallback;

export class NumberRegistry {
  private readonly owned = new Map<string, OwnedNumber>();

  constructor(
    private readonly opts: {
      ownsAllNumbers: boolean;
      defaults: () => NumberDefaults;
      saleable: Record<NumberType, string[]>;
      /** Numbers never offered for sale (phones in use). */
      isTaken: (number: string) => boolean;
    },
  ) {}

  /** The account's configuration for a number, or null when the account does not own it. */
  lookup(phoneNumber: string): OwnedNumber | null {
    const bought = this.owned.get(phoneNumber);
    if (bought) return bought;
    if (!this.opts.ownsAllNumbers) return null;
    const d = this.opts.defaults();
    const now = Date.now();
    return {
      // Stable across restarts, so the application can address it like a bought number.
      sid: 'PN' + crypto.createHash('sha1').update(phoneNumber).digest('hex').slice(0, 32),
      phoneNumber,
      friendlyName: phoneNumber,
      voiceUrl: d.voiceUrl,
      voiceMethod: 'POST',
      voiceFallbackUrl: '',
      voiceFallbackMethod: 'POST',
      statusCallback: d.statusCallback,
      statusCallbackMethod: 'POST',
      smsUrl: d.smsUrl,
      smsMethod: 'POST',
      smsFallbackUrl: '',
      smsFallbackMethod: 'POST',
      dateCreated: now,
      dateUpdated: now,
      implicit: true,
    };
  }

  available(type: NumberType, opts: { contains?: string; limit: number }): string[] {
    const pattern = opts.contains
      ? new RegExp(
          opts.contains
            .replace(/[^0-9*+]/g, '')
            .replace(/\*/g, '\\d')
            .replace(/\+/g, '\\+'),
        )
      : null;
    return this.opts.saleable[type]
      .filter((n) => !this.owned.has(n) && !this.opts.isTaken(n) && (!pattern || pattern.test(n)))
      .slice(0, opts.limit);
  }

  isForSale(phoneNumber: string): boolean {
    return (
      (this.opts.saleable.Mobile.includes(phoneNumber) || this.opts.saleable.Local.includes(phoneNumber)) &&
      !this.owned.has(phoneNumber) &&
      !this.opts.isTaken(phoneNumber)
    );
  }

  buy(phoneNumber: string, params: NumberUpdate, now = Date.now()): OwnedNumber {
    const n: OwnedNumber = {
      sid: newSid('PN'),
      phoneNumber,
      friendlyName: params.FriendlyName ?? phoneNumber,
      voiceUrl: params.VoiceUrl ?? '',
      voiceMethod: method(params.VoiceMethod, 'POST'),
      voiceFallbackUrl: params.VoiceFallbackUrl ?? '',
      voiceFallbackMethod: method(params.VoiceFallbackMethod, 'POST'),
      statusCallback: params.StatusCallback ?? '',
      statusCallbackMethod: method(params.StatusCallbackMethod, 'POST'),
      smsUrl: params.SmsUrl ?? '',
      smsMethod: method(params.SmsMethod, 'POST'),
      smsFallbackUrl: params.SmsFallbackUrl ?? '',
      smsFallbackMethod: method(params.SmsFallbackMethod, 'POST'),
      dateCreated: now,
      dateUpdated: now,
      implicit: false,
    };
    this.owned.set(phoneNumber, n);
    return n;
  }

  /**
   * Makes a number the account holds implicitly (ownsAllNumbers) an explicit one, so it can be listed and
   * configured through IncomingPhoneNumbers like a number bought through the API.
   */
  adopt(phoneNumber: string): OwnedNumber | null {
    const existing = this.owned.get(phoneNumber);
    if (existing) return existing;
    if (!/^\+[1-9]\d{6,14}$/.test(phoneNumber) || this.opts.isTaken(phoneNumber)) return null;
    const n = this.lookup(phoneNumber);
    if (!n) return null;
    this.owned.set(phoneNumber, n);
    return n;
  }

  /** Restores numbers bought before a restart. */
  restore(numbers: OwnedNumber[]): void {
    for (const n of numbers) this.owned.set(n.phoneNumber, n);
  }

  bySid(sid: string): OwnedNumber | undefined {
    return [...this.owned.values()].find((n) => n.sid === sid);
  }

  update(sid: string, params: NumberUpdate): OwnedNumber | undefined {
    const n = this.bySid(sid);
    if (!n) return undefined;
    if (params.FriendlyName !== undefined) n.friendlyName = params.FriendlyName;
    if (params.VoiceUrl !== undefined) n.voiceUrl = params.VoiceUrl;
    if (params.VoiceMethod !== undefined) n.voiceMethod = method(params.VoiceMethod, n.voiceMethod);
    if (params.VoiceFallbackUrl !== undefined) n.voiceFallbackUrl = params.VoiceFallbackUrl;
    if (params.VoiceFallbackMethod !== undefined)
      n.voiceFallbackMethod = method(params.VoiceFallbackMethod, n.voiceFallbackMethod);
    if (params.StatusCallback !== undefined) n.statusCallback = params.StatusCallback;
    if (params.StatusCallbackMethod !== undefined)
      n.statusCallbackMethod = method(params.StatusCallbackMethod, n.statusCallbackMethod);
    if (params.SmsUrl !== undefined) n.smsUrl = params.SmsUrl;
    if (params.SmsMethod !== undefined) n.smsMethod = method(params.SmsMethod, n.smsMethod);
    if (params.SmsFallbackUrl !== undefined) n.smsFallbackUrl = params.SmsFallbackUrl;
    if (params.SmsFallbackMethod !== undefined)
      n.smsFallbackMethod = method(params.SmsFallbackMethod, n.smsFallbackMethod);
    n.dateUpdated = Date.now();
    return n;
  }

  release(sid: string): boolean {
    const n = this.bySid(sid);
    if (!n) return false;
    this.owned.delete(n.phoneNumber);
    return true;
  }

  list(): OwnedNumber[] {
    return [...this.owned.values()];
  }
}

/** The IncomingPhoneNumber resource as Twilio's REST API returns it. */
export function incomingNumberJson(accountSid: string, n: OwnedNumber): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}.json`;
  return {
    account_sid: accountSid,
    address_requirements: 'none',
    address_sid: null,
    api_version: '2010-04-01',
    beta: false,
    bundle_sid: null,
    capabilities: { voice: true, sms: true, mms: false, fax: false },
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateUpdated),
    emergency_status: 'Inactive',
    friendly_name: n.friendlyName,
    identity_sid: null,
    origin: 'twilio',
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: null,
    sms_fallback_method: n.smsFallbackMethod,
    sms_fallback_url: n.smsFallbackUrl,
    sms_method: n.smsMethod,
    sms_url: n.smsUrl,
    status: 'in-use',
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    trunk_sid: null,
    uri,
    voice_application_sid: null,
    voice_caller_id_lookup: false,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_method: n.voiceMethod,
    voice_receive_mode: 'voice',
    voice_url: n.voiceUrl,
  };
}

export function availableNumberJson(phoneNumber: string): Record<string, unknown> {
  const local = phoneNumber.startsWith('+4420');
  const national = local
    ? `020 ${phoneNumber.slice(5, 9)} ${phoneNumber.slice(9)}`
    : `0${phoneNumber.slice(3, 7)} ${phoneNumber.slice(7)}`;
  return {
    friendly_name: national,
    phone_number: phoneNumber,
    lata: null,
    locality: local ? 'London' : null,
    rate_center: null,
    latitude: null,
    longitude: null,
    region: null,
    postal_code: null,
    iso_country: 'GB',
    address_requirements: 'none',
    beta: false,
    capabilities: { voice: true, SMS: true, MMS: false, fax: false },
  };
}
