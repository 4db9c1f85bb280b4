import { create } from 'zustand';
import { fieldOf, isRecord } from '../../../../shared/objects';
import { acceptedByServer$ } from '../../db/sync-controller';

/**
 * Which of this device's review edits the server has not accepted yet ("waiting to sync").
 *
 * Each local write records the review's `editedAt`; when replication reports that the server accepted a state
 * of that review with the same or a later `editedAt` (db/sync-controller acceptedByServer$), the entry goes.
 * Kept in localStorage, so a reviewer who closes the app offline still sees what is waiting when
 * they open it again. (The server's `updatedAt` cannot tell this: replication compares documents without
 * it, so a pulled copy never overwrites an equal local one.)
 */
type Outbox = Record<string, number>;

// One outbox per device: review ids carry their reviewer (`${callId}:${reviewerId}`), and screens only show
// the entries of reviews present in the signed-in user's database.
const STORAGE_KEY = 'ringside-review-outbox';

/** The stored outbox, keeping only entries that are review ids with an edit time (storage is anyone's to write). */
function outboxFrom(stored: unknown): Outbox {
  if (!isRecord(stored) || Array.isArray(stored)) return {};
  return Object.fromEntries(
    Object.entries(stored).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

function load(): Outbox {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
    return raw ? outboxFrom(JSON.parse(raw)) : {};
  } catch {
    return {};
  }
}

function save(pending: Outbox): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(pending));
  } catch {
    // Storage full or unavailable: the outbox still works for this session.
  }
}

export const useReviewOutbox = create<{ pending: Outbox }>(() => ({ pending: load() }));

export function noteLocalEdit(reviewId: string, editedAt: number): void {
  const { pending } = useReviewOutbox.getState();
  const next = { ...pending, [reviewId]: Math.max(editedAt, pending[reviewId] ?? 0) };
  useReviewOutbox.setState({ pending: next });
  save(next);
}

export function acknowledge(reviewId: string, editedAt: number): void {
  const { pending } = useReviewOutbox.getState();
  if (!(reviewId in pending) || editedAt < pending[reviewId]) return;
  const next = { ...pending };
  delete next[reviewId];
  useReviewOutbox.setState({ pending: next });
  save(next);
}

acceptedByServer$.subscribe(({ collection, doc }) => {
  if (collection !== 'reviews') return;
  const id = fieldOf(doc, 'id');
  const editedAt = fieldOf(doc, 'editedAt');
  if (typeof id === 'string' && typeof editedAt === 'number') acknowledge(id, editedAt);
});

export const isWaitingToSync = (pending: Outbox, reviewId: string): boolean => reviewId in pending;
