import type { District } from './districts';

/** The demo's twelve assessors, each behaving differently (what the admin should notice is `behaviour`). */

export interface Persona {
  key: string;
  name: string;
  phone: string;
  districts: District[];
  /** What the admin should notice about them. */
  behaviour: string;
  /** Minutes from assignment to first contact attempt: [min, max]. */
  responseMinutes: [number, number];
  /** Share of assignments they ever attempt. */
  contactRate: number;
  /** How often they pick up when a customer calls. */
  answerRate: number;
  /** Weight when choosing who gets through to a customer. */
  connectWeight: number;
  /** Weight when choosing who books the job. */
  bookingWeight: number;
  /** Texts before the first call. */
  textsFirst: boolean;
  /** Chance of trying again after a missed call. */
  followUp: number;
  /** Scripts they use when a call does not end in a booking. */
  lostScripts: string[];
  voice: string;
}

/** Assessors' own phones are 07700 900001–900012 (Ofcom's drama range). */
export const PERSONAS: Persona[] = [
  {
    key: 'fast-closer',
    name: 'Priya Shah',
    phone: '+447700900001',
    districts: ['W1', 'EC1'],
    behaviour: 'fast responder and strong converter',
    responseMinutes: [2, 12],
    contactRate: 0.99,
    answerRate: 0.92,
    connectWeight: 1.6,
    bookingWeight: 2.4,
    textsFirst: false,
    followUp: 0.9,
    lostScripts: ['assessor-callback'],
    voice: 'rp-female',
  },
  {
    key: 'fast',
    name: 'Tom Hughes',
    phone: '+447700900002',
    districts: ['W1', 'N1'],
    behaviour: 'fast responder, average converter',
    responseMinutes: [4, 20],
    contactRate: 0.96,
    answerRate: 0.85,
    connectWeight: 1.4,
    bookingWeight: 1,
    textsFirst: false,
    followUp: 0.7,
    lostScripts: ['assessor-callback', 'assessor-lost-price'],
    voice: 'gb-male-1',
  },
  {
    key: 'converter',
    name: 'Grace Okafor',
    phone: '+447700900003',
    districts: ['EC1', 'N1'],
    behaviour: 'steady, converts well',
    responseMinutes: [25, 110],
    contactRate: 0.93,
    answerRate: 0.8,
    connectWeight: 1.1,
    bookingWeight: 2,
    textsFirst: false,
    followUp: 0.8,
    lostScripts: ['assessor-callback'],
    voice: 'lancaster-female',
  },
  {
    key: 'slow',
    name: 'Dan Price',
    phone: '+447700900004',
    districts: ['N1', 'E17'],
    behaviour: 'slow responder: first attempt the next day',
    responseMinutes: [360, 1560],
    contactRate: 0.88,
    answerRate: 0.6,
    connectWeight: 0.8,
    bookingWeight: 0.7,
    textsFirst: false,
    followUp: 0.5,
    lostScripts: ['assessor-lost-timing', 'assessor-lost-timing', 'assessor-callback'],
    voice: 'midlands-male',
  },
  {
    key: 'poor-contact',
    name: 'Mark Ellis',
    phone: '+447700900005',
    districts: ['E17', 'N1'],
    behaviour: 'poor contact rate: most leads never hear from him',
    responseMinutes: [90, 600],
    contactRate: 0.38,
    answerRate: 0.3,
    connectWeight: 0.45,
    bookingWeight: 0.6,
    textsFirst: false,
    followUp: 0.15,
    lostScripts: ['assessor-lost-timing', 'assessor-lost-price'],
    voice: 'scottish-male',
  },
  {
    key: 'texter',
    name: 'Sophie Turner',
    phone: '+447700900006',
    districts: ['W1', 'EC1'],
    behaviour: 'texts first, then calls',
    responseMinutes: [5, 30],
    contactRate: 0.95,
    answerRate: 0.7,
    connectWeight: 1.1,
    bookingWeight: 1.3,
    textsFirst: true,
    followUp: 0.8,
    lostScripts: ['assessor-callback'],
    voice: 'gb-female-1',
  },
  {
    key: 'average',
    name: 'Liam Murphy',
    phone: '+447700900007',
    districts: ['EC1', 'E17'],
    behaviour: 'middle of the pack',
    responseMinutes: [30, 200],
    contactRate: 0.86,
    answerRate: 0.7,
    connectWeight: 1,
    bookingWeight: 1,
    textsFirst: false,
    followUp: 0.6,
    lostScripts: ['assessor-callback', 'assessor-lost-price'],
    voice: 'gb-male-1',
  },
  {
    key: 'slow-closer',
    name: 'Aisha Khan',
    phone: '+447700900008',
    districts: ['W1', 'N1'],
    behaviour: 'slow to respond but books when she gets through',
    responseMinutes: [180, 720],
    contactRate: 0.9,
    answerRate: 0.75,
    connectWeight: 0.9,
    bookingWeight: 1.8,
    textsFirst: false,
    followUp: 0.7,
    lostScripts: ['assessor-lost-timing'],
    voice: 'rp-female',
  },
  {
    key: 'poor-converter',
    name: 'Gary Walsh',
    phone: '+447700900009',
    districts: ['E17', 'N1', 'EC1'],
    behaviour: 'reaches people quickly, rarely books: handles price objections badly',
    responseMinutes: [10, 60],
    contactRate: 0.92,
    answerRate: 0.8,
    connectWeight: 1.2,
    bookingWeight: 0.3,
    textsFirst: false,
    followUp: 0.5,
    lostScripts: ['assessor-lost-price', 'assessor-lost-price', 'assessor-callback'],
    voice: 'midlands-male',
  },
  {
    key: 'part-time',
    name: 'Emma Clarke',
    phone: '+447700900010',
    districts: ['W1', 'E17'],
    behaviour: 'average; answers customers well',
    responseMinutes: [60, 300],
    contactRate: 0.84,
    answerRate: 0.9,
    connectWeight: 1,
    bookingWeight: 1.1,
    textsFirst: true,
    followUp: 0.6,
    lostScripts: ['assessor-callback'],
    voice: 'lancaster-female',
  },
  {
    key: 'quick-e17',
    name: 'Ravi Patel',
    phone: '+447700900011',
    districts: ['E17', 'EC1'],
    behaviour: 'fast responder in the outer districts',
    responseMinutes: [8, 35],
    contactRate: 0.95,
    answerRate: 0.8,
    connectWeight: 1.3,
    bookingWeight: 1.2,
    textsFirst: false,
    followUp: 0.8,
    lostScripts: ['assessor-callback', 'assessor-lost-timing'],
    voice: 'scottish-male',
  },
  {
    key: 'absent',
    name: 'Helen Brooks',
    phone: '+447700900012',
    districts: ['W1', 'EC1', 'N1'],
    behaviour: 'slow and hard to reach',
    responseMinutes: [600, 2400],
    contactRate: 0.5,
    answerRate: 0.35,
    connectWeight: 0.5,
    bookingWeight: 0.7,
    textsFirst: false,
    followUp: 0.2,
    lostScripts: ['assessor-lost-timing'],
    voice: 'gb-female-1',
  },
];

/** The services every demo assessor registers for. */
export const ASSESSOR_SERVICES = ['energy-assessment', 'boiler', 'electrical', 'plumbing', 'solar', 'security'];
