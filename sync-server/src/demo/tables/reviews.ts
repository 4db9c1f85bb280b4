import type { ScorecardDoc } from '../../../../shared/schemas';

/** Review: the starter scorecard, the demo's reviewers and what they answer for each script. */

export const STARTER_SCORECARD_ID = 'starter-first-call';

/**
 * A starter scorecard for an assessor's first call with a homeowner: what a QA lead at a home-services
 * marketplace checks first. Admins edit it or replace it in the app (Scorecards).
 */
export const STARTER_SCORECARD: Pick<ScorecardDoc, 'id' | 'name' | 'sections' | 'active'> = {
  id: STARTER_SCORECARD_ID,
  name: 'First call (home services)',
  active: true,
  sections: [
    {
      id: 'opening',
      title: 'Opening',
      questions: [
        {
          id: 'introduced',
          text: 'Introduced themselves and their company, and said why they were calling',
          kind: 'yesno',
          options: [],
          weight: 10,
          allowNA: false,
        },
        {
          id: 'confirmed-job',
          text: 'Confirmed the job from the enquiry (service, property, postcode)',
          kind: 'yesno',
          options: [],
          weight: 10,
          allowNA: false,
        },
      ],
    },
    {
      id: 'understanding',
      title: 'Understanding the job',
      questions: [
        {
          id: 'questions',
          text: 'Asked useful questions about the property and the problem',
          kind: 'scale',
          options: [],
          weight: 15,
          allowNA: false,
        },
        {
          id: 'listened',
          text: 'Listened and let the customer finish',
          kind: 'scale',
          options: [],
          weight: 10,
          allowNA: false,
        },
      ],
    },
    {
      id: 'price-next-step',
      title: 'Price and next step',
      questions: [
        {
          id: 'price-clear',
          text: 'Explained the price, or how it is worked out',
          kind: 'yesno',
          options: [],
          weight: 10,
          allowNA: true,
        },
        {
          id: 'objections',
          text: 'Handled objections (price, timing, trust)',
          kind: 'choice',
          options: ['Handled well', 'Partly handled', 'Not handled'],
          weight: 15,
          allowNA: true,
        },
        {
          id: 'next-step',
          text: 'Agreed a clear next step: a booking, or a callback at a set time',
          kind: 'yesno',
          options: [],
          weight: 15,
          allowNA: false,
        },
      ],
    },
    {
      id: 'compliance',
      title: 'Compliance and manner',
      questions: [
        {
          id: 'no-card',
          text: 'Did not take card details over the phone',
          kind: 'yesno',
          options: [],
          weight: 10,
          allowNA: false,
        },
        {
          id: 'professional',
          text: 'Professional and courteous throughout',
          kind: 'scale',
          options: [],
          weight: 5,
          allowNA: false,
        },
      ],
    },
  ],
};

/**
 * The demo's reviewers. The first signs in (its password is printed at first start); the second is a
 * colleague whose reviews of some of the same calls give the calibration screen two opinions to compare.
 * `leniency` shifts their scale answers; `strict` reads "partly handled" where the first reads "handled well".
 */
export const DEMO_REVIEWERS = [
  { email: 'reviewer@ringside.local', name: 'Rita Shaw (demo reviewer)', leniency: 0, strict: false, printed: true },
  {
    email: 'qa-colleague@ringside.local',
    name: 'Sam Reid (demo reviewer)',
    leniency: -1,
    strict: true,
    printed: false,
  },
] as const;

/** Calls the first reviewer reviews, and how many of them the colleague reviews too. */
export const DEMO_REVIEWS = { first: 14, both: 6 };

/**
 * What the first demo reviewer answers for a call, by the call's script (twilio-sandbox/scripts.ts): the
 * outcome and the scorecard answers a careful reviewer gives that conversation. A script not listed is not
 * reviewed. `outcome` sometimes differs from what the AI will read (a callback heard as lost, a quick booking
 * with a card taken): the agreement screen has disagreements to show.
 */
export const SCRIPT_REVIEWS: Record<
  string,
  { outcome: 'booked' | 'callback' | 'lost'; answers: Record<string, number | boolean | string> }
> = {
  'assessor-booked-quick': {
    outcome: 'booked',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 4,
      listened: 5,
      'price-clear': true,
      objections: 'na',
      'next-step': true,
      'no-card': true,
      professional: 5,
    },
  },
  'assessor-booked-price-objection': {
    outcome: 'booked',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 4,
      listened: 4,
      'price-clear': true,
      objections: 'Handled well',
      'next-step': true,
      'no-card': true,
      professional: 4,
    },
  },
  'assessor-card-details': {
    outcome: 'booked',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 3,
      listened: 4,
      'price-clear': true,
      objections: 'na',
      'next-step': true,
      'no-card': false,
      professional: 3,
    },
  },
  'assessor-callback': {
    outcome: 'callback',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 3,
      listened: 4,
      'price-clear': 'na',
      objections: 'na',
      'next-step': true,
      'no-card': true,
      professional: 4,
    },
  },
  'assessor-lost-timing': {
    outcome: 'lost',
    answers: {
      introduced: true,
      'confirmed-job': false,
      questions: 2,
      listened: 3,
      'price-clear': 'na',
      objections: 'Partly handled',
      'next-step': false,
      'no-card': true,
      professional: 4,
    },
  },
  'assessor-lost-price': {
    outcome: 'lost',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 2,
      listened: 2,
      'price-clear': false,
      objections: 'Not handled',
      'next-step': false,
      'no-card': true,
      professional: 3,
    },
  },
  'customer-booked': {
    outcome: 'booked',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 4,
      listened: 4,
      'price-clear': true,
      objections: 'na',
      'next-step': true,
      'no-card': true,
      professional: 5,
    },
  },
  'customer-callback': {
    outcome: 'callback',
    answers: {
      introduced: true,
      'confirmed-job': false,
      questions: 3,
      listened: 4,
      'price-clear': 'na',
      objections: 'na',
      'next-step': true,
      'no-card': true,
      professional: 4,
    },
  },
  'customer-shopping': {
    outcome: 'callback',
    answers: {
      introduced: true,
      'confirmed-job': true,
      questions: 3,
      listened: 3,
      'price-clear': true,
      objections: 'Partly handled',
      'next-step': false,
      'no-card': true,
      professional: 4,
    },
  },
};
