import { useMemo } from 'react';
import type { AssessorDoc, CallDoc, LeadDoc, MessageDoc } from '../../../../shared/schemas';
import { useQuery } from '../../db/hooks';

/**
 * The documents the Contact attempts screen reads, live (RxDB reactive queries: a call that ends on the
 * server reaches this device by replication and re-renders the screen; nothing polls). Leads by the indexed
 * `createdAt`; calls and texts from the start of the period on (every attempt of those leads comes after
 * the lead), over their own time indexes.
 */
export interface ContactsData {
  leads: readonly LeadDoc[];
  calls: readonly CallDoc[];
  messages: readonly MessageDoc[];
  assessors: readonly AssessorDoc[];
  loading: boolean;
  error: Error | null;
}

export function useContactsData(from: number, to: number): ContactsData {
  const leads = useQuery('leads', { selector: { createdAt: { $gte: from, $lt: to } } });
  const calls = useQuery('calls', { selector: { startedAt: { $gte: from } } });
  const messages = useQuery('messages', { selector: { sentAt: { $gte: from } } });
  const assessors = useQuery('assessors', {});
  // DeepReadonly documents are handed to pure functions that never write them.
  return useMemo(
    () => ({
      leads: leads.docs as unknown as readonly LeadDoc[],
      calls: calls.docs as unknown as readonly CallDoc[],
      messages: messages.docs,
      assessors: assessors.docs as unknown as readonly AssessorDoc[],
      loading: leads.loading || calls.loading || messages.loading || assessors.loading,
      error: leads.error ?? calls.error ?? messages.error ?? assessors.error,
    }),
    [leads, calls, messages, assessors],
  );
}
