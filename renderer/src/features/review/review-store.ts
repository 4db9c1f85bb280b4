import type { RxCollection } from 'rxdb';
import type { ReviewDoc } from '../../../../shared/schemas';
import { noteLocalEdit } from './outbox';

/**
 * Writes to a reviewer's ReviewDoc go through one queue per document: a burst of edits (a key per question,
 * a drag then a label) applies in order, and the first edit's insert never races the second edit.
 */
const queues = new Map<string, Promise<unknown>>();

export function saveReview(
  reviews: RxCollection<ReviewDoc>,
  id: string,
  create: () => ReviewDoc,
  edit: (doc: ReviewDoc) => ReviewDoc,
): Promise<void> {
  const previous = queues.get(id) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const existing = await reviews.findOne(id).exec();
      const written = existing ? await existing.incrementalModify((data) => edit(data as ReviewDoc)) : await reviews.insert(edit(create()));
      noteLocalEdit(id, written.get('editedAt') as number);
    });
  queues.set(id, next);
  void next.finally(() => {
    if (queues.get(id) === next) queues.delete(id);
  });
  return next;
}
