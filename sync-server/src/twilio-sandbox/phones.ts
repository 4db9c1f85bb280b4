/**
 * The simulated handsets on the other side of the sandbox: customers' and assessors' own phones. A profile
 * says how a phone behaves when the sandbox dials it (answers or not, after how long, busy, unreachable) and
 * which voice speaks on it; a scenario can override any of it for one call. Texts delivered to a phone land
 * in its inbox, so tests can see what a relayed SMS looked like on arrival.
 */

export interface PhoneProfile {
  number: string;
  /** Who holds it, for logs and transcripts (e.g. "assessor Dan Price"). */
  label?: string;
  /** A voice id from speech.ts VOICES. */
  voice?: string;
  answers?: boolean;
  ringSec?: number;
  busy?: boolean;
  /** Switched off or out of coverage: calls fail, texts are undelivered. */
  unreachable?: boolean;
}

export interface ReceivedMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  receivedAt: string;
}

export interface ReceivedCall {
  callSid: string;
  from: string;
  to: string;
  answered: boolean;
  at: string;
}

export class PhoneRegistry {
  private readonly profiles = new Map<string, PhoneProfile>();
  private readonly inboxes = new Map<string, ReceivedMessage[]>();
  private readonly calls = new Map<string, ReceivedCall[]>();

  set(profile: PhoneProfile): PhoneProfile {
    const merged = { ...this.profiles.get(profile.number), ...profile };
    this.profiles.set(profile.number, merged);
    return merged;
  }

  get(number: string): PhoneProfile | undefined {
    return this.profiles.get(number);
  }

  has(number: string): boolean {
    return this.profiles.has(number);
  }

  list(): PhoneProfile[] {
    return [...this.profiles.values()];
  }

  deliver(message: ReceivedMessage): void {
    const box = this.inboxes.get(message.to) ?? [];
    box.push(message);
    this.inboxes.set(message.to, box);
  }

  inbox(number: string): ReceivedMessage[] {
    return [...(this.inboxes.get(number) ?? [])];
  }

  ring(call: ReceivedCall): void {
    const list = this.calls.get(call.to) ?? [];
    list.push(call);
    this.calls.set(call.to, list);
  }

  /** Calls that rang this phone (dialled by the application's <Dial>). */
  callsTo(number: string): ReceivedCall[] {
    return [...(this.calls.get(number) ?? [])];
  }
}
