/** What the demo's customers and assessors text each other. */

export const CUSTOMER_REPLIES = ['After 5pm is best, thanks', 'Any time today', 'Can you call tomorrow morning?'];
export const CUSTOMER_MISSED_TEXTS = [
  'Sorry I missed your call, can you try again after 6?',
  'Missed you, I am at work until 5',
];
export const CUSTOMER_FOUND_SOMEONE = 'Thanks, but I have already found someone.';
export const ASSESSOR_MISSED_TEXT = 'Sorry I missed you. I will try again later, or call me back on this number.';

/** An assessor who texts before calling introduces themselves and asks when to ring. */
export function assessorFirstText(customerFirstName: string, assessorFirstName: string, service: string): string {
  return `Hi ${customerFirstName}, it's ${assessorFirstName} about your ${service.replace('-', ' ')} enquiry. When is a good time to call?`;
}
