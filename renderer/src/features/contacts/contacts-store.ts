import { create } from 'zustand';
import type { AssessorSort, ContactFilters, LeadSort } from './contacts-model';

/**
 * What the admin chose on the Contact attempts screen (period, filters, sorting). UI state only: it lives as
 * long as the window, so leaving the screen and coming back keeps the choices. Which lead is open and which
 * tab is shown are in the address (`#/contacts/lead/<id>`, `#/contacts/assessors`) so they can be linked to.
 */
const DAY = 24 * 3600_000;

export function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The last `days` days, today included: [midnight days−1 ago, next midnight). */
export function lastDays(days: number, now = Date.now()): { from: number; to: number } {
  const tomorrow = startOfDay(now) + DAY;
  return { from: startOfDay(tomorrow - days * DAY), to: tomorrow };
}

export const PERIODS = { 7: 'Last 7 days', 30: 'Last 30 days', 90: 'Last 90 days' } as const;

/** Whether a number of days is one of the offered periods (the Period select's values come back as text). */
export function isPeriod(days: number): days is keyof typeof PERIODS {
  return Object.prototype.hasOwnProperty.call(PERIODS, days);
}

interface ContactsUi {
  filters: ContactFilters;
  /** The preset the period came from, or null once dates were picked by hand. */
  periodDays: keyof typeof PERIODS | null;
  leadSort: LeadSort;
  assessorSort: AssessorSort;
  setFilters(patch: Partial<ContactFilters>): void;
  setPeriod(days: keyof typeof PERIODS): void;
  resetFilters(): void;
}

const initialFilters = (): ContactFilters => ({
  ...lastDays(30),
  district: null,
  service: null,
  assessorId: null,
  grade: null,
  search: '',
});

export const useContactsUi = create<ContactsUi>((set) => ({
  filters: initialFilters(),
  periodDays: 30,
  leadSort: 'recent_activity',
  assessorSort: { column: 'responseMedianSec', descending: false },
  setFilters: (patch) =>
    set((s) => ({
      filters: { ...s.filters, ...patch },
      periodDays: 'from' in patch || 'to' in patch ? null : s.periodDays,
    })),
  setPeriod: (days) => set((s) => ({ filters: { ...s.filters, ...lastDays(days) }, periodDays: days })),
  // The period stays: clearing is about what is shown within it.
  resetFilters: () => set((s) => ({ filters: { ...initialFilters(), from: s.filters.from, to: s.filters.to } })),
}));
