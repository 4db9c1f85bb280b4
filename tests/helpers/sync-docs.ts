import type { Role } from '../../shared/roles';
import type {
  AreaDoc,
  AssessorDoc,
  CallDoc,
  ClipDoc,
  LeadDoc,
  ReviewDoc,
  ScorecardDoc,
  TierChangeDoc,
} from '../../shared/schemas';
import { createUser } from '../../sync-server/src/auth/users';
import type { TestServer } from './server';

/** Valid documents for replication tests; override what the test is about. */
export const T0 = 1_760_000_000_000;
const DAY = 86_400_000;

export function callDoc(id: string, over: Partial<CallDoc> = {}): CallDoc {
  return {
    id,
    updatedAt: 0,
    leadId: 'lead-1',
    assessorId: 'assessor-1',
    direction: 'customer_to_assessor',
    poolNumber: '+447700900001',
    district: 'W1',
    service: 'boiler',
    startedAt: T0,
    ringingAt: T0 + 1000,
    answeredAt: T0 + 5000,
    endedAt: T0 + 65_000,
    ringSeconds: 4,
    talkSeconds: 60,
    status: 'completed',
    connected: true,
    hungUpBy: 'customer',
    recording: { state: 'stored', durationSec: 60, channels: ['customer', 'assessor'], storedAt: T0 + 70_000 },
    reviewAssignee: null,
    sandbox: false,
    ...over,
  };
}

export function leadDoc(id: string, over: Partial<LeadDoc> = {}): LeadDoc {
  return {
    id,
    updatedAt: 0,
    externalId: `ext-${id}`,
    customerName: 'Jane Customer',
    customerPhone: '+447700900123',
    customerPhoneMasked: '07700 900***',
    postcode: 'W1A 1AA',
    district: 'W1',
    service: 'boiler',
    createdAt: T0,
    status: 'open',
    assignments: [],
    quality: null,
    sandbox: false,
    ...over,
  };
}

export function assessorDoc(id: string, over: Partial<AssessorDoc> = {}): AssessorDoc {
  return {
    id,
    updatedAt: 0,
    externalId: `ext-${id}`,
    name: 'Sam Assessor',
    phone: '+447700900555',
    phoneMasked: '07700 900***',
    districts: ['W1'],
    services: ['boiler'],
    active: true,
    tier: 'gold',
    coursesCompleted: [],
    createdAt: T0,
    sandbox: false,
    ...over,
  };
}

export function reviewDoc(callId: string, reviewerId: string, over: Partial<ReviewDoc> = {}): ReviewDoc {
  return {
    id: `${callId}:${reviewerId}`,
    updatedAt: 0,
    callId,
    reviewerId,
    scorecardId: null,
    answers: {},
    score: null,
    outcome: null,
    aiOutcome: null,
    notes: '',
    regions: [],
    status: 'draft',
    submittedAt: null,
    editedAt: T0,
    ...over,
  };
}

export function clipDoc(id: string, authorId: string, over: Partial<ClipDoc> = {}): ClipDoc {
  return {
    id,
    updatedAt: 0,
    callId: 'call-1',
    authorId,
    title: 'Good opener',
    notes: '',
    start: 1,
    end: 9,
    redactions: [],
    createdAt: T0,
    ...over,
  };
}

export function areaDoc(id: string, over: Partial<AreaDoc> = {}): AreaDoc {
  return {
    id,
    updatedAt: 0,
    district: 'W1',
    service: 'boiler',
    leads: 10,
    callRate: 0.9,
    conversionRate: 0.6,
    suggestedPricePence: 2500,
    override: null,
    ...over,
  };
}

export function tierChangeDoc(id: string, over: Partial<TierChangeDoc> = {}): TierChangeDoc {
  return {
    id,
    updatedAt: 0,
    assessorId: 'assessor-1',
    fromTier: 'silver',
    toTier: 'gold',
    metrics: { contactRate: 0.9 },
    exampleCallIds: [],
    status: 'proposed',
    decidedBy: null,
    decidedAt: null,
    reason: '',
    createdAt: T0,
    ...over,
  };
}

export function scorecardDoc(id: string, over: Partial<ScorecardDoc> = {}): ScorecardDoc {
  return {
    id,
    updatedAt: 0,
    name: 'Standard',
    sections: [
      {
        id: 's1',
        title: 'Opening',
        questions: [{ id: 'q1', text: 'Greets the customer', kind: 'yesno', options: [], weight: 1, allowNA: false }],
      },
    ],
    active: true,
    createdAt: T0,
    ...over,
  };
}

export const daysAgo = (now: number, days: number) => now - days * DAY;

/** Creates a staff user directly in the database and signs them in over HTTP. */
export async function staff(
  server: TestServer,
  role: Role,
  name: string,
): Promise<{ id: string; token: string; email: string }> {
  const email = `${name}@test.local`;
  const password = `${name}-password-123`;
  const user = await createUser(server.db, { email, password, role, name });
  return { id: user.id, token: await server.login(email, password), email };
}
