import fc from 'fast-check';
import type { WithDeleted } from 'rxdb';
import { describe, expect, it } from 'vitest';
import {
  CONFLICT_HANDLERS,
  canonicalJson,
  comparable,
  masterWins,
  mergeReviews,
  sameDocument,
} from '../../shared/conflicts';
import { COLLECTION_NAMES, type ReviewDoc, type ReviewRegion } from '../../shared/schemas';

/** Conflict handlers are pure and deterministic (SPEC R5, STYLE.md). */
const base: WithDeleted<ReviewDoc> = {
  id: 'call-1:rev-1',
  updatedAt: 100,
  callId: 'call-1',
  reviewerId: 'rev-1',
  scorecardId: 'sc-1',
  answers: { q1: true, q2: 3 },
  score: 50,
  outcome: null,
  aiOutcome: 'booked',
  notes: 'base',
  regions: [{ id: 'r1', start: 1, end: 2, label: 'greeting', comment: '' }],
  status: 'draft',
  submittedAt: null,
  editedAt: 1000,
  _deleted: false,
};
const edit = (over: Partial<WithDeleted<ReviewDoc>>): WithDeleted<ReviewDoc> => ({ ...base, ...over });

describe('document equality', () => {
  it('ignores the server clock and RxDB bookkeeping, key order and a missing _deleted', () => {
    const a = { id: 'x', n: 1, nested: { a: 1, b: [1, 2] }, updatedAt: 1, _deleted: false };
    const b = {
      nested: { b: [1, 2], a: 1 },
      n: 1,
      id: 'x',
      updatedAt: 999,
      _meta: { lwt: 5 },
      _rev: '2-abc',
      _attachments: {},
    };
    expect(sameDocument(a, b)).toBe(true);
    expect(sameDocument(a, { ...b, n: 2 })).toBe(false);
    expect(sameDocument(a, { ...a, nested: { a: 1, b: [2, 1] } })).toBe(false);
    expect(sameDocument(a, { ...a, _deleted: true })).toBe(false);
    expect(sameDocument(null, undefined)).toBe(true);
    expect(sameDocument(a, null)).toBe(false);
    expect(comparable(b)).toEqual({ id: 'x', n: 1, nested: { a: 1, b: [1, 2] }, _deleted: false });
  });

  it('gives every collection a handler, and the master wins everywhere but reviews', async () => {
    expect(Object.keys(CONFLICT_HANDLERS).sort()).toEqual([...COLLECTION_NAMES].sort());
    const handler = masterWins<{ id: string; v: number }>();
    const real = { id: 'a', v: 2, _deleted: false };
    expect(
      await handler.resolve({ realMasterState: real, newDocumentState: { id: 'a', v: 3, _deleted: false } }, 'test'),
    ).toBe(real);
    expect(CONFLICT_HANDLERS.reviews).not.toBe(CONFLICT_HANDLERS.calls);
  });
});

describe('review merge', () => {
  it('keeps edits of different questions from both devices', () => {
    const master = edit({ answers: { q1: true, q2: 4 }, editedAt: 2000 });
    const local = edit({ answers: { q1: false, q2: 3, q3: 'n/a reason' }, editedAt: 1500 });
    expect(
      mergeReviews({ assumedMasterState: base, realMasterState: master, newDocumentState: local }).answers,
    ).toEqual({ q1: false, q2: 4, q3: 'n/a reason' });
  });

  it('lets the later editedAt win where both changed the same field', () => {
    const master = edit({ notes: 'from the laptop', editedAt: 2000 });
    const local = edit({ notes: 'from the tablet', editedAt: 3000 });
    const merged = mergeReviews({ assumedMasterState: base, realMasterState: master, newDocumentState: local });
    expect(merged.notes).toBe('from the tablet');
    expect(merged.editedAt).toBe(3000);
    expect(mergeReviews({ assumedMasterState: base, realMasterState: local, newDocumentState: master }).notes).toBe(
      'from the tablet',
    );
  });

  it('breaks an editedAt tie the same way whichever device resolves', () => {
    const a = edit({ notes: 'a', editedAt: 2000 });
    const b = edit({ notes: 'b', editedAt: 2000 });
    const ab = mergeReviews({ assumedMasterState: base, realMasterState: a, newDocumentState: b });
    const ba = mergeReviews({ assumedMasterState: base, realMasterState: b, newDocumentState: a });
    expect(comparable(ab)).toEqual(comparable(ba));
    // The side whose canonical form sorts higher wins.
    expect(ab.notes).toBe(canonicalJson(comparable(a)) > canonicalJson(comparable(b)) ? 'a' : 'b');
  });

  it('merges regions by id: a removal on one side stands, additions on both sides are kept in time order', () => {
    const r2: ReviewRegion = { id: 'r2', start: 5, end: 6, label: 'price objection', comment: '' };
    const r3: ReviewRegion = { id: 'r3', start: 3, end: 4, label: 'booking', comment: '' };
    const master = edit({ regions: [], editedAt: 1100 }); // r1 removed on the laptop
    const local = edit({ regions: [...base.regions, r2, r3], editedAt: 1200 });
    expect(
      mergeReviews({ assumedMasterState: base, realMasterState: master, newDocumentState: local }).regions.map(
        (r) => r.id,
      ),
    ).toEqual(['r3', 'r2']);
  });

  it('keeps a submission: a local submission over a draft master is merged and stays submitted', () => {
    const master = edit({ notes: 'master draft edit', editedAt: 5000 });
    const local = edit({ status: 'submitted', submittedAt: 6000, answers: { q1: false, q2: 3 }, editedAt: 6000 });
    const merged = mergeReviews({ assumedMasterState: base, realMasterState: master, newDocumentState: local });
    expect(merged).toMatchObject({ status: 'submitted', submittedAt: 6000, notes: 'master draft edit' });
    expect(merged.answers).toEqual({ q1: false, q2: 3 });
  });

  it('lets a submitted master win whole over late draft edits and a deletion (SPEC R7a: only an admin reopens)', () => {
    const master = edit({ status: 'submitted', submittedAt: 5000, editedAt: 5000 });
    for (const local of [
      edit({ notes: 'late draft edit', editedAt: 6000 }),
      edit({ status: 'submitted', submittedAt: 4000, editedAt: 4000, notes: 'other device' }),
      edit({ _deleted: true }),
    ]) {
      expect(mergeReviews({ assumedMasterState: base, realMasterState: master, newDocumentState: local })).toEqual(
        master,
      );
    }
  });

  it('lets a deletion win on either side', () => {
    const deleted = edit({ _deleted: true });
    expect(
      mergeReviews({
        assumedMasterState: base,
        realMasterState: deleted,
        newDocumentState: edit({ notes: 'x', editedAt: 9999 }),
      })._deleted,
    ).toBe(true);
    expect(
      mergeReviews({ assumedMasterState: base, realMasterState: edit({ notes: 'y' }), newDocumentState: deleted })
        ._deleted,
    ).toBe(true);
  });

  it('without a common base, merges per question and takes the later side elsewhere', () => {
    const master = edit({ answers: { q1: true }, notes: 'm', editedAt: 10 });
    const local = edit({ answers: { q2: 1 }, notes: 'l', editedAt: 20 });
    const merged = mergeReviews({ realMasterState: master, newDocumentState: local });
    expect(merged).toMatchObject({ answers: { q1: true, q2: 1 }, notes: 'l' });
  });

  // Arbitrary concurrent edits of one review.
  const answer = fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 5 }), fc.constantFrom('na', 'ok'));
  const region = fc.record({
    id: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
    start: fc.integer({ min: 0, max: 50 }),
    end: fc.integer({ min: 51, max: 99 }),
    label: fc.constantFrom('a', 'b'),
    comment: fc.constant(''),
  });
  const review = fc
    .record({
      answers: fc.dictionary(fc.constantFrom('q1', 'q2', 'q3', 'q4'), answer),
      notes: fc.constantFrom('base', 'x', 'y'),
      score: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      regions: fc.uniqueArray(region, { selector: (r) => r.id, maxLength: 4 }),
      status: fc.constantFrom('draft' as const, 'submitted' as const),
      editedAt: fc.integer({ min: 1000, max: 1010 }),
    })
    .map((over) => edit({ ...over, submittedAt: over.status === 'submitted' ? over.editedAt : null }));

  it('is symmetric for drafts: both devices resolving the same conflict reach the same review', () => {
    // A submitted master wins whole (tested above), so symmetry is a property of two drafts.
    const draft = review.map((r) => ({ ...r, status: 'draft' as const, submittedAt: null }));
    fc.assert(
      fc.property(draft, draft, draft, (b, m, l) => {
        const one = mergeReviews({ assumedMasterState: b, realMasterState: m, newDocumentState: l });
        const two = mergeReviews({ assumedMasterState: b, realMasterState: l, newDocumentState: m });
        expect(comparable(one)).toEqual(comparable(two));
      }),
    );
  });

  it('is idempotent and deterministic: merging a review with itself changes nothing, and again gives the same', () => {
    fc.assert(
      fc.property(review, review, (b, m) => {
        expect(sameDocument(mergeReviews({ assumedMasterState: b, realMasterState: m, newDocumentState: m }), m)).toBe(
          true,
        );
        const l = edit({ ...m, notes: 'other', editedAt: m.editedAt + 1 });
        expect(mergeReviews({ assumedMasterState: b, realMasterState: m, newDocumentState: l })).toEqual(
          mergeReviews({ assumedMasterState: b, realMasterState: m, newDocumentState: l }),
        );
      }),
    );
  });
});
