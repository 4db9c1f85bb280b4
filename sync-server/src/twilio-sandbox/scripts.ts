/**
 * Short conversation scripts the sandbox's synthetic calls follow, so recordings hold real speech with a
 * known transcript. Lines say who speaks in the product's words (customer, assessor); a call maps them to its
 * caller and callee. Lines contain no personal names, so each line is synthesised once per voice and reused.
 */

export type Role = 'customer' | 'assessor';
export type Outcome = 'booked' | 'callback' | 'lost';

export interface ScriptLine {
  who: Role;
  text: string;
}

export interface ConversationScript {
  id: string;
  /** Who places the call in this script. */
  opener: Role;
  outcome: Outcome;
  /** What a reviewer or an analyser should find in it. */
  notes: string;
  lines: ScriptLine[];
}

const c = (text: string): ScriptLine => ({ who: 'customer', text });
const a = (text: string): ScriptLine => ({ who: 'assessor', text });

export const SCRIPTS: readonly ConversationScript[] = [
  {
    id: 'assessor-booked-quick',
    opener: 'assessor',
    outcome: 'booked',
    notes: 'prompt first contact, clear offer, booking confirmed',
    lines: [
      a('Hello, I am calling about the {service} you asked for on the website. Is now a good time?'),
      c('Yes, hi. Thanks for getting back to me so quickly.'),
      a('No problem at all. I could come round on Thursday morning. Would that suit you?'),
      c('Thursday morning is perfect. How much will it cost?'),
      a('The visit itself is free, and I will give you a fixed price before any work starts.'),
      c('Lovely. Let us book it in then.'),
      a('Great, you are booked for Thursday at ten. I will send you a text to confirm.'),
      c('Thank you. See you then.'),
    ],
  },
  {
    id: 'assessor-booked-price-objection',
    opener: 'assessor',
    outcome: 'booked',
    notes: 'price objection handled with value, then booked',
    lines: [
      a('Good afternoon, it is about your {service} enquiry. Have you got a minute?'),
      c('Go on then.'),
      a('For a property like yours the full job is usually around three hundred and fifty pounds.'),
      c('To be honest, I had a cheaper quote from someone else.'),
      a('I understand. Our price includes the certificate and a two year guarantee, so there are no surprises later.'),
      c('Right. That does sound fairer than it first seemed.'),
      a('I have a slot on Monday at two. Shall I put you down for it?'),
      c('Yes, Monday at two is fine. Book it.'),
      a('Done. You will get a confirmation by text in a moment.'),
    ],
  },
  {
    id: 'assessor-callback',
    opener: 'assessor',
    outcome: 'callback',
    notes: 'customer busy, agrees a call back time',
    lines: [
      a('Hello, I am calling about the {service} request you sent us.'),
      c('Oh, hello. I am at work at the moment, I cannot really talk.'),
      a('Of course. When would be a better time to call you back?'),
      c('Any time after five today would be fine.'),
      a('No problem, I will ring you after five. Speak to you later.'),
      c('Thanks, bye.'),
    ],
  },
  {
    id: 'assessor-lost-timing',
    opener: 'assessor',
    outcome: 'lost',
    notes: 'too slow: the customer has already booked someone else',
    lines: [
      a('Hi there, this is about your {service} enquiry from last week.'),
      c('Oh, I am sorry, we have already had someone out to do it.'),
      a('Ah, okay. Was everything all right with them?'),
      c('Yes, they came the next morning. Thanks anyway.'),
      a('No worries. Keep our number in case you need anything else.'),
    ],
  },
  {
    id: 'assessor-lost-price',
    opener: 'assessor',
    outcome: 'lost',
    notes: 'price objection not handled; the customer goes quiet',
    lines: [
      a('Yeah, hello, you wanted someone for the {service}?'),
      c('Yes, that is right. Could you tell me roughly what it would cost?'),
      a('It depends. Could be five hundred, could be more. I would have to see it.'),
      c('That is a lot more than I expected.'),
      a('Well, that is the price. Let me know if you want to go ahead.'),
      c('I will think about it. Bye.'),
    ],
  },
  {
    id: 'assessor-card-details',
    opener: 'assessor',
    outcome: 'booked',
    notes: 'the customer starts to read out card details; the assessor stops them',
    lines: [
      a('Hello, it is about the {service}. I can do Wednesday afternoon if that works.'),
      c('Wednesday is good. Do you need a deposit? My card number is four five three nine.'),
      a('Please do not read your card details over the phone. I will text you a secure payment link instead.'),
      c('Oh, right, sorry. A link is fine.'),
      a('No problem. You are booked for Wednesday at three.'),
    ],
  },
  {
    id: 'customer-booked',
    opener: 'customer',
    outcome: 'booked',
    notes: 'proactive customer calls first and books',
    lines: [
      c('Hello, I got your number from the website. I need someone to look at my {service}.'),
      a('Hello, thanks for calling. I can help with that. Whereabouts are you?'),
      c('I am just off the high street. How soon could you come?'),
      a('I could do tomorrow at nine, or Friday afternoon.'),
      c('Tomorrow at nine would be great.'),
      a('Perfect, I have booked you in for tomorrow at nine.'),
      c('Brilliant, thank you very much.'),
    ],
  },
  {
    id: 'customer-shopping',
    opener: 'customer',
    outcome: 'lost',
    notes: 'customer is comparing several assessors on price',
    lines: [
      c('Hi, I am ringing round for quotes for the {service}. What do you charge?'),
      a('Hello. It is usually between two and four hundred pounds, depending on the house.'),
      c('Okay. I have had a couple of other prices, I will compare and get back to you.'),
      a('Sure. Just so you know, we can usually come out within two days.'),
      c('Thanks, I will let you know.'),
    ],
  },
  {
    id: 'customer-callback',
    opener: 'customer',
    outcome: 'callback',
    notes: 'customer returns a missed call; the assessor is driving and promises a call back',
    lines: [
      c('Hello, I had a missed call from this number about the {service}.'),
      a('Hello, yes, thanks for calling back. I am driving at the moment. Can I call you in an hour?'),
      c('Yes, that is fine.'),
      a('Great, speak to you soon.'),
    ],
  },
];

export const VOICEMAIL_LINES: readonly string[] = [
  'Hi, it is about the {service}. Please call me back when you get this. Thanks.',
  'Hello, I was hoping to arrange a visit. Could you ring me back please?',
];

export const SERVICE_WORDS: Record<string, string> = {
  'energy-assessment': 'energy assessment',
  boiler: 'boiler repair',
  electrical: 'electrical work',
  plumbing: 'plumbing job',
  solar: 'solar panels',
  security: 'home security system',
};

export function scriptById(id: string): ConversationScript | undefined {
  return SCRIPTS.find((s) => s.id === id);
}

/** Fills the {service} placeholder with a spoken form of the service. */
export function fillService(text: string, service: string | undefined): string {
  const word = (service && (SERVICE_WORDS[service] ?? service.replace(/[-_]/g, ' '))) || 'job';
  return text.replace(/\{service\}/g, word);
}
