/**
 * Which conversation (twilio-sandbox/scripts.ts) a demo call plays. A booked assessor's call is a quick
 * booking as often as the assessor's bookingWeight says, otherwise one of the others by their weights.
 */
export const CALL_SCRIPTS = {
  customerBooked: 'customer-booked',
  customerNotBooked: ['customer-shopping', 'customer-callback'],
  assessorBookedQuick: 'assessor-booked-quick',
  assessorBookedOther: [
    ['assessor-booked-price-objection', 1],
    ['assessor-card-details', 0.25],
  ] as Array<[string, number]>,
  /** What an unanswered call would have played (nobody hears it). */
  unanswered: 'assessor-callback',
};
