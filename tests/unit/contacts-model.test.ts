import { describe, expect, it } from 'vitest';
import {
  assignmentSummaries,
  buildContactsView,
  callOutcome,
  formatDuration,
  leadTimeline,
  sortAssessors,
  type ContactFilters,
} from '../../renderer/src/features/contacts/contacts-model';
import type { AssessorPerformance } from '../../shared/metrics';
import { assignment, makeCall, makeLead, makeMessage } from '../helpers/docs';

/** The Contact attempts screen's model (renderer/src/features/contacts/contacts-model.ts), without a browser. */
const MIN = 60_000;
const T0 = 1_700_000_000_000;

const all = (over: Partial<ContactFilters> = {}): ContactFilters => ({
  from: T0 - 1000 * MIN,
  to: T0 + 1000 * MIN,
  district: null,
  service: null,
  assessorId: null,
  grade: null,
  search: '',
  ...over,
});

// Three leads: one W1 boiler lead with two assessors and a busy history, one quiet N1 lead, one outside the period.
const busy = makeLead({
  id: 'lead-busy',
  customerName: 'Jane Doe',
  district: 'W1',
  service: 'boiler',
  createdAt: T0,
  assignments: [assignment('as-1', T0), assignment('as-2', T0)],
  quality: { grade: 'hot', evidence: ['customer called 2 assessors'] },
});
const quiet = makeLead({
  id: 'lead-quiet',
  customerName: 'Sam Roe',
  district: 'N1',
  service: 'plumbing',
  createdAt: T0 + 10 * MIN,
  assignments: [assignment('as-2', T0 + 10 * MIN)],
  quality: { grade: 'cold', evidence: ['no contact attempted by anyone'] },
});
const old = makeLead({
  id: 'lead-old',
  createdAt: T0 - 5000 * MIN,
  assignments: [assignment('as-1', T0 - 5000 * MIN)],
});
const calls = [
  makeCall({
    id: 'CA1',
    leadId: 'lead-busy',
    assessorId: 'as-1',
    direction: 'assessor_to_customer',
    startedAt: T0 + 5 * MIN,
    status: 'no-answer',
    ringSeconds: 30,
  }),
  makeCall({
    id: 'CA2',
    leadId: 'lead-busy',
    assessorId: 'as-1',
    direction: 'customer_to_assessor',
    startedAt: T0 + 20 * MIN,
    status: 'completed',
    answeredAt: T0 + 20 * MIN + 4000,
    ringSeconds: 4,
    talkSeconds: 95,
    connected: true,
  }),
  makeCall({
    id: 'CA3',
    leadId: 'lead-busy',
    assessorId: 'as-2',
    direction: 'customer_to_assessor',
    startedAt: T0 + 30 * MIN,
    status: 'in-progress',
    answeredAt: T0 + 30 * MIN + 2000,
  }),
  makeCall({ id: 'CA9', leadId: 'lead-old', assessorId: 'as-1', startedAt: T0 - 4000 * MIN }),
];
const messages = [
  makeMessage({
    id: 'SM1',
    leadId: 'lead-busy',
    assessorId: 'as-2',
    direction: 'assessor_to_customer',
    sentAt: T0 + 45 * MIN,
    status: 'undelivered',
  }),
];
const input = { leads: [busy, quiet, old], calls, messages };

describe('contacts model', () => {
  it('shows the leads created in the period with their attempts, and totals over them only', () => {
    const view = buildContactsView(input, all(), 'newest');
    expect(view.leads.map((r) => r.lead.id)).toEqual(['lead-quiet', 'lead-busy']);
    const row = view.leads.find((r) => r.lead.id === 'lead-busy')!;
    expect(row).toMatchObject({ attempts: 4, connected: 1, lastActivityAt: T0 + 45 * MIN, firstResponseSec: 5 * 60 });
    expect(view.leads.find((r) => r.lead.id === 'lead-quiet')).toMatchObject({ attempts: 0, firstResponseSec: null });
    expect(view.totals).toMatchObject({ leads: 2, attempts: 4, calls: 3, texts: 1, connectedCalls: 1 });
    expect(view.totals.byGrade).toMatchObject({ hot: 1, cold: 1, warm: 0, suspect: 0 });
    expect(view.attemptsByLead.get('lead-busy')!.map((a) => a.id)).toEqual(['CA1', 'CA2', 'CA3', 'SM1']);
  });

  it('filters by district, service, assessor, quality and customer name', () => {
    const ids = (f: Partial<ContactFilters>) => buildContactsView(input, all(f), 'newest').leads.map((r) => r.lead.id);
    expect(ids({ district: 'N1' })).toEqual(['lead-quiet']);
    expect(ids({ service: 'boiler' })).toEqual(['lead-busy']);
    expect(ids({ assessorId: 'as-1' })).toEqual(['lead-busy']);
    expect(ids({ grade: 'cold' })).toEqual(['lead-quiet']);
    expect(ids({ search: 'jane' })).toEqual(['lead-busy']);
    expect(ids({ from: T0 + MIN })).toEqual(['lead-quiet']);
  });

  it('per assessor: assignments, attempts, connected and median time to first attempt for the period', () => {
    const view = buildContactsView(input, all(), 'newest');
    const byId = new Map(view.assessors.map((p) => [p.assessorId, p]));
    // as-1: one assignment in the period (the old lead is outside it), one own attempt after 5 minutes.
    expect(byId.get('as-1')).toMatchObject({
      assignments: 1,
      attempts: 1,
      contacted: 1,
      connected: 1,
      responseMedianSec: 300,
    });
    // as-2: two assignments, one text 45 minutes after the busy lead came in, nothing on the quiet lead.
    expect(byId.get('as-2')).toMatchObject({
      assignments: 2,
      attempts: 1,
      contacted: 1,
      connected: 0,
      responseMedianSec: 45 * 60,
    });
    const onlyOne = buildContactsView(input, all({ assessorId: 'as-2' }), 'newest');
    expect(onlyOne.assessors.map((p) => p.assessorId)).toEqual(['as-2']);
  });

  it('sorts leads by attempts, slowest first response (never tried first) and quality', () => {
    const order = (sort: Parameters<typeof buildContactsView>[2]) =>
      buildContactsView(input, all(), sort).leads.map((r) => r.lead.id);
    expect(order('most_attempts')).toEqual(['lead-busy', 'lead-quiet']);
    expect(order('slowest_response')).toEqual(['lead-quiet', 'lead-busy']);
    expect(order('quality')).toEqual(['lead-busy', 'lead-quiet']);
    expect(order('oldest')).toEqual(['lead-busy', 'lead-quiet']);
  });

  it('a lead timeline lists calls and texts in time order with outcome, direction and whether it is final', () => {
    const timeline = leadTimeline('lead-busy', calls, messages);
    expect(timeline.map((e) => [e.attempt.id, e.attempt.bySide, e.outcome.label, e.final])).toEqual([
      ['CA1', 'assessor', 'No answer', true],
      ['CA2', 'customer', 'Connected', true],
      ['CA3', 'customer', 'In progress', false],
      ['SM1', 'assessor', 'Undelivered', true],
    ]);
    expect(callOutcome(makeCall({ status: 'completed', answeredAt: 5, connected: false })).label).toBe(
      'Answered, under the connect threshold',
    );
    expect(callOutcome(makeCall({ status: 'failed' })).tone).toBe('danger');
  });

  it('summarises each assignment: first attempt after assignment, attempts by each side, connected', () => {
    const attempts = buildContactsView(input, all(), 'newest').attemptsByLead.get('lead-busy')!;
    expect(assignmentSummaries(busy, attempts)).toEqual([
      expect.objectContaining({
        assessorId: 'as-1',
        byAssessor: 1,
        byCustomer: 1,
        connected: true,
        firstResponseSec: 300,
      }),
      expect.objectContaining({
        assessorId: 'as-2',
        byAssessor: 1,
        byCustomer: 1,
        connected: false,
        firstResponseSec: 2700,
      }),
    ]);
  });

  it('sorts assessors by a column either way, with missing figures always last', () => {
    const p = (assessorId: string, responseMedianSec: number | null, attempts: number) =>
      ({ assessorId, responseMedianSec, attempts }) as AssessorPerformance;
    const rows = [p('a', 600, 3), p('b', null, 0), p('c', 60, 9)];
    const names = new Map([
      ['a', 'Amy'],
      ['b', 'Ben'],
      ['c', 'Cat'],
    ]);
    const ids = (column: 'responseMedianSec' | 'attempts' | 'name', descending: boolean) =>
      sortAssessors(rows, { column, descending }, names).map((r) => r.assessorId);
    expect(ids('responseMedianSec', false)).toEqual(['c', 'a', 'b']);
    expect(ids('responseMedianSec', true)).toEqual(['a', 'c', 'b']);
    expect(ids('attempts', true)).toEqual(['c', 'a', 'b']);
    expect(ids('name', true)).toEqual(['c', 'b', 'a']);
  });

  it('formats durations the way staff read them', () => {
    const nb = (s: string) => s.replace(/ /g, '\u00a0').replace(/\u00a0(?=\d)/g, ' ');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42)).toBe(nb('42 s'));
    expect(formatDuration(95)).toBe(nb('1 min 35 s'));
    expect(formatDuration(95, { compact: true })).toBe(nb('1 min'));
    expect(formatDuration(7200)).toBe(nb('2 h'));
    expect(formatDuration(90000)).toBe(nb('1 d 1 h'));
  });
});
