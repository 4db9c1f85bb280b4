import type { RxCollection } from 'rxdb';
import type { ReviewDoc } from '../../../../shared/schemas';
import { noteLocalEdit } from './outbox';

/**
 * Writes to a reviewer's ReviewDoc go through one queue per document: a burst of edits (a key per question,
 * a drag then a label) applies in order, each to the result of the one before, and the first edit's insert
 * never races the second edit.
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
      // An edit may decline (return its input unchanged), e.g. a submit that finds a question unanswered.
      let changed = true;
      const apply = (doc: ReviewDoc) => {
        const next = edit(doc);
        if (next === doc) changed = false;
        return next;
      };
      if (existing) {
        const written = await existing.incrementalModify((data) => apply(data));
        if (changed) noteLocalEdit(id, written.editedAt);
      } else {
        const next = apply(create());
        if (changed) noteLocalEdit(id, (await reviews.insert(next)).editedAt);
      }
    });
  queues.set(id, next);
  void next.finally(() => {
    if (queues.get(id) === next) queues.delete(id);
  });
  return next;
}
