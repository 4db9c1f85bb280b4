import type { CallDoc, LeadDoc, MessageDoc } from '../../shared/schemas';

/** Builders for replicated documents with sensible defaults, for tests. */
export function makeLead(over: Partial<LeadDoc> = {}): LeadDoc {
  return {
    id: 'lead-1',
    updatedAt: 0,
    externalId: 'ext-1',
    customerName: 'Dan Price',
    customerPhone: '+447700900456',
    customerPhoneMasked: '07700 900***',
    postcode: 'W1D 3QF',
    district: 'W1',
    service: 'energy-assessment',
    createdAt: 1_000_000,
    status: 'open',
    assignments: [],
    quality: null,
    sandbox: false,
    ...over,
  };
}

export function makeCall(over: Partial<CallDoc> = {}): CallDoc {
  return {
    id: 'CA' + Math.random().toString(16).slice(2).padEnd(32, '0'),
    updatedAt: 0,
    leadId: 'lead-1',
    assessorId: 'as-1',
    direction: 'assessor_to_customer',
    poolNumber: '+447700900001',
    district: 'W1',
    service: 'energy-assessment',
    startedAt: 1_000_000,
    ringingAt: null,
    answeredAt: null,
    endedAt: null,
    ringSeconds: 0,
    talkSeconds: 0,
    status: 'completed',
    connected: false,
    hungUpBy: null,
    recording: { state: 'none', durationSec: null, channels: [], storedAt: null },
    reviewAssignee: null,
    sandbox: false,
    ...over,
  };
}

export function makeMessage(over: Partial<MessageDoc> = {}): MessageDoc {
  return {
    id: 'SM' + Math.random().toString(16).slice(2).padEnd(32, '0'),
    updatedAt: 0,
    leadId: 'lead-1',
    assessorId: 'as-1',
    direction: 'assessor_to_customer',
    poolNumber: '+447700900001',
    body: 'Hello, this is about your energy assessment',
    mediaCount: 0,
    status: 'delivered',
    sentAt: 1_000_000,
    sandbox: false,
    ...over,
  };
}

export const assignment = (
  assessorId: string,
  assignedAt: number,
  over: Partial<LeadDoc['assignments'][number]> = {},
) => ({
  assessorId,
  assignedAt,
  poolNumber: '+447700900001',
  extension: null,
  bookedAt: null,
  bookingValuePence: null,
  active: true,
  ...over,
});
