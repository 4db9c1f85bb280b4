import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/roles';
import { COLLECTIONS, COLLECTION_NAMES, type CollectionName } from '../../shared/schemas';
import {
  checkPush,
  keepHiddenFields,
  parseScope,
  pullRule,
  pullableCollections,
  pushRule,
  pushableCollections,
  REVIEW_LIFECYCLE,
  mayMoveReview,
  redactForRole,
  redacts,
  reviewMove,
} from '../../shared/sync-policy';
import type { InsightDoc, MessageDoc } from '../../shared/schemas';
import { T0, areaDoc, assessorDoc, callDoc, clipDoc, leadDoc, reviewDoc, tierChangeDoc } from '../helpers/sync-docs';

/** Role rules of replication (SPEC R6, R7, R10), as pure functions. */
const user = (role: Role, id = `${role}-1`) => ({ id, role });

describe('pull rules (R6)', () => {
  it('never gives a reviewer or an author a real phone number', () => {
    for (const role of ['reviewer', 'author'] as const) {
      const lead = leadDoc('l1');
      if (pullRule('leads', role)) expect(redactForRole('leads', role, lead).customerPhone).toBeNull();
      expect(redactForRole('assessors', role, assessorDoc('a1')).phone).toBeNull();
      expect(lead.customerPhone).toBe('+447700900123'); // the input is not modified
    }
    expect(redactForRole('leads', 'admin', leadDoc('l1')).customerPhone).toBe('+447700900123');
    // Every collection holding a phone field hides it from every role but admin.
    for (const c of COLLECTION_NAMES) {
      for (const role of ROLES.filter((r) => r !== 'admin')) {
        const rule = pullRule(c, role);
        if (!rule) continue;
        for (const phoneField of ['customerPhone', 'phone']) {
          if (phoneField in COLLECTIONS[c].properties) expect(rule.hidden ?? []).toContain(phoneField);
        }
      }
    }
  });

  it('gives each role the collections it needs', () => {
    expect(pullableCollections('admin').sort()).toEqual([...COLLECTION_NAMES].sort());
    expect(pullableCollections('reviewer')).not.toEqual(expect.arrayContaining(['areas']));
    expect(pullableCollections('reviewer')).not.toContain('tierChanges');
    expect(pullableCollections('author').sort()).toEqual(['assessors', 'calls', 'clips', 'courses', 'insights']);
    expect(pullRule('reviews', 'reviewer')?.ownedBy).toBe('reviewerId');
  });

  it('keeps fields a role cannot see from the stored document when it writes', () => {
    const stored = leadDoc('l1');
    const pushed = { ...stored, customerPhone: null, status: 'closed' as const };
    expect(keepHiddenFields('leads', 'reviewer', pushed, stored)).toMatchObject({
      customerPhone: '+447700900123',
      status: 'closed',
    });
    expect(keepHiddenFields('leads', 'admin', pushed, stored).customerPhone).toBeNull();
  });
});

const REAL = '+447700900100';

function messageDoc(body: string | null): MessageDoc {
  return {
    id: 'm1',
    updatedAt: 0,
    leadId: 'l1',
    assessorId: 'a1',
    direction: 'customer_to_assessor',
    poolNumber: '+447700900001',
    body,
    mediaCount: 0,
    status: 'delivered',
    sentAt: T0,
    sandbox: false,
  };
}

function insightDoc(): InsightDoc {
  const quote = (q: string) => ({ quote: q, time: 1, speaker: 'customer' as const });
  const criterion = { met: true, evidence: 'said ring 07700 900100', time: 1 };
  return {
    id: 'i1',
    updatedAt: 0,
    callId: 'c1',
    provider: 'local',
    model: 'm',
    version: '1',
    createdAt: T0,
    transcriber: { provider: 'p', model: 'm', version: '1', sandbox: false },
    transcript: [
      {
        speaker: 'customer',
        start: 0,
        end: 4,
        text: 'ring me on 07700 900100 at 10:30',
        words: ['ring', 'me', 'on', '07700', '900100', 'at', '10:30'].map((word, k) => ({
          word,
          start: k,
          end: k + 0.5,
        })),
      },
      { speaker: 'assessor', start: 4, end: 6, text: 'that is £1,250 all in' },
    ],
    analysis: {
      schemaVersion: 1,
      stamp: { provider: 'local', model: 'm', version: '1' },
      sentiment: { score: 0, label: 'neutral', curve: [] },
      triggers: [{ ...quote('call me on 07700900100'), label: 'callback' }],
      objections: [
        { category: 'price', quote: 'mail me at jane@example.com', time: 1, handled: true, response: quote(REAL) },
      ],
      professionalism: {
        score: 80,
        greeting: criterion,
        clarity: criterion,
        empathy: criterion,
        nextStep: criterion,
        issues: [{ ...quote(REAL), reason: 'r' }],
      },
      outcome: {
        value: 'callback',
        confidence: 0.5,
        evidence: [quote('oh seven seven double oh nine double oh one double oh')],
      },
      summary: `The customer asked for a call back on ${REAL}.`,
      cardDetails: [{ kind: 'card-mention', time: 1, speaker: 'customer', excerpt: 'card 4242 4242 4242 4242' }],
      caveats: [`number ${REAL} given twice`],
    },
    status: 'done',
    error: null,
    sandbox: false,
  };
}

/** Every string anywhere in a value. */
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];

describe('free text on pull (R6a)', () => {
  it('masks phone numbers, emails and cards in message bodies for reviewers, not for admins', () => {
    const doc = messageDoc(`ring me on ${REAL} or jane@example.com`);
    expect(redactForRole('messages', 'reviewer', doc).body).toBe('ring me on [phone] or [email]');
    expect(redactForRole('messages', 'admin', doc)).toBe(doc);
    expect(redactForRole('messages', 'reviewer', messageDoc(null)).body).toBeNull();
  });

  it('masks a transcript, its word timings and every analysis quote for reviewers and authors', () => {
    for (const role of ['reviewer', 'author'] as const) {
      const doc = insightDoc();
      const seen = redactForRole('insights', role, doc);
      const all = strings(seen).join(' | ');
      expect(all).not.toMatch(/07700|900100|jane@|4242|seven seven/);
      expect(seen.transcript?.[0].text).toBe('ring me on [phone] at 10:30');
      expect(seen.transcript?.[0].words?.map((w) => w.word)).toEqual([
        'ring',
        'me',
        'on',
        '[phone]',
        '[phone]',
        'at',
        '10:30',
      ]);
      // Word timings are untouched: same count, same times.
      expect(seen.transcript?.[0].words?.map((w) => w.start)).toEqual(doc.transcript?.[0].words?.map((w) => w.start));
      expect(seen.transcript?.[1].text).toBe('that is £1,250 all in');
      expect(seen.analysis?.summary).toBe('The customer asked for a call back on [phone].');
      expect(doc.analysis?.summary).toContain(REAL); // the input is not modified
    }
    const doc = insightDoc();
    expect(redactForRole('insights', 'admin', doc)).toBe(doc);
  });

  it('masks lead names and quality evidence, and clip and course text, for every role but admin', () => {
    const lead = leadDoc('l1', { quality: { grade: 'hot', evidence: [`texted ${REAL}`, 'replied in 2 minutes'] } });
    expect(redactForRole('leads', 'reviewer', lead).quality?.evidence).toEqual([
      'texted [phone]',
      'replied in 2 minutes',
    ]);
    const clip = clipDoc('k1', 'boss', { notes: `customer gives ${REAL}` });
    for (const role of ['reviewer', 'author'] as const)
      expect(redactForRole('clips', role, clip).notes).toBe('customer gives [phone]');
    expect(redactForRole('clips', 'admin', clip).notes).toContain(REAL);
  });

  it('sends a role its documents untouched only when it has nothing hidden or masked (the fast pull path)', () => {
    for (const c of COLLECTION_NAMES) {
      expect(redacts(pullRule(c, 'admin'))).toBe(false);
      for (const role of ['reviewer', 'author'] as const) {
        const rule = pullRule(c, role);
        if (rule && ['leads', 'messages', 'insights', 'clips', 'courses', 'assessors'].includes(c))
          expect(redacts(rule)).toBe(true);
      }
    }
  });

  it('puts the real text back where a pushed edit keeps the labels, so a masked copy never overwrites it', () => {
    const stored = clipDoc('k1', 'ann', { notes: `call back on ${REAL}`, title: 'Callback' });
    const seen = redactForRole('clips', 'author', stored);
    expect(keepHiddenFields('clips', 'author', seen, stored).notes).toBe(stored.notes);
    const edited = { ...seen, notes: `${seen.notes} — good close` };
    expect(keepHiddenFields('clips', 'author', edited, stored).notes).toBe(`call back on ${REAL} — good close`);
    // An admin sees and writes the real text: nothing to restore.
    expect(keepHiddenFields('clips', 'admin', { ...stored, notes: '[phone]' }, stored).notes).toBe('[phone]');
  });
});

describe('push rules (R7)', () => {
  it('lets no role push server-owned collections', () => {
    for (const c of ['leads', 'assessors', 'messages', 'insights'] as CollectionName[]) {
      for (const role of ROLES) expect(pushRule(c, role)).toBeNull();
    }
  });

  it('lets only admins push tier decisions, price overrides and scorecards', () => {
    for (const c of ['tierChanges', 'areas', 'scorecards'] as CollectionName[]) {
      expect(pushRule(c, 'admin')).not.toBeNull();
      expect(pushRule(c, 'reviewer')).toBeNull();
      expect(pushRule(c, 'author')).toBeNull();
    }
    expect(pushableCollections('author').sort()).toEqual(['clips', 'courses']);
    expect(pushableCollections('reviewer').sort()).toEqual(['calls', 'reviews']);
  });

  it('limits calls to reviewAssignee', () => {
    const master = callDoc('c1');
    expect(checkPush('calls', user('admin'), { ...master, reviewAssignee: 'reviewer-9' }, master)).toBeNull();
    expect(checkPush('calls', user('admin'), { ...master, status: 'failed' }, master)).toMatchObject({
      code: 'FORBIDDEN_FIELD',
      field: 'status',
    });
    expect(checkPush('calls', user('admin'), callDoc('new'), null)).toMatchObject({ code: 'FORBIDDEN' });
    expect(checkPush('calls', user('admin'), { ...master, _deleted: true }, master)).toMatchObject({
      code: 'FORBIDDEN',
    });
    // updatedAt is the server's and never counts as a change.
    expect(checkPush('calls', user('reviewer'), { ...master, updatedAt: 12345 }, master)).toBeNull();
  });

  it('lets a reviewer write only their own reviews and delete only their own drafts', () => {
    const me = user('reviewer', 'r-me');
    const mine = reviewDoc('c1', 'r-me');
    expect(checkPush('reviews', me, mine, null)).toBeNull();
    expect(checkPush('reviews', me, { ...mine, notes: 'more' }, mine)).toBeNull();
    expect(checkPush('reviews', me, reviewDoc('c1', 'r-other'), null)).toMatchObject({
      code: 'FORBIDDEN_FIELD',
      field: 'reviewerId',
    });
    expect(checkPush('reviews', me, { ...mine, reviewerId: 'r-other' }, mine)).toMatchObject({
      code: 'FORBIDDEN_FIELD',
      field: 'reviewerId',
    });
    expect(checkPush('reviews', me, { ...mine, callId: 'c2' }, mine)).toMatchObject({
      code: 'FORBIDDEN_FIELD',
      field: 'callId',
    });
    expect(checkPush('reviews', me, { ...mine, _deleted: true }, mine)).toBeNull();
    const submitted = { ...mine, status: 'submitted' as const, submittedAt: T0 };
    expect(checkPush('reviews', me, { ...submitted, _deleted: true }, submitted)).toMatchObject({
      code: 'REVIEW_SUBMITTED',
    });
    const theirs = reviewDoc('c1', 'r-other');
    expect(checkPush('reviews', me, { ...theirs, _deleted: true }, theirs)).toMatchObject({
      code: 'FORBIDDEN_FIELD',
      field: 'reviewerId',
    });
    expect(checkPush('reviews', user('admin', 'boss'), { ...theirs, _deleted: true }, theirs)).toBeNull();
    expect(checkPush('reviews', user('admin', 'boss'), { ...theirs, notes: 'edited by admin' }, theirs)).toMatchObject({
      code: 'FORBIDDEN_FIELD',
      field: 'reviewerId',
    });
  });

  it('lets authors write their own clips and nobody change a clip’s author', () => {
    const ann = user('author', 'ann');
    const clip = clipDoc('k1', 'ann');
    expect(checkPush('clips', ann, clip, null)).toBeNull();
    expect(checkPush('clips', ann, clipDoc('k2', 'bob'), null)).toMatchObject({ field: 'authorId' });
    expect(checkPush('clips', user('admin'), { ...clip, authorId: 'bob' }, clip)).toMatchObject({
      code: 'FORBIDDEN_FIELD',
      field: 'authorId',
    });
    expect(checkPush('clips', user('reviewer'), clip, null)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('makes a tier decision once, by the deciding admin, with a time', () => {
    const admin = user('admin', 'boss');
    const proposed = tierChangeDoc('t1');
    const approve = { ...proposed, status: 'approved' as const, decidedBy: 'boss', decidedAt: T0 };
    expect(checkPush('tierChanges', admin, approve, proposed)).toBeNull();
    expect(checkPush('tierChanges', admin, { ...approve, decidedAt: null }, proposed)).toMatchObject({
      field: 'decidedAt',
    });
    expect(checkPush('tierChanges', admin, { ...proposed, decidedBy: 'boss' }, proposed)).toMatchObject({
      field: 'decidedBy',
    });
    expect(checkPush('tierChanges', admin, { ...approve, status: 'rejected' }, approve)).toMatchObject({
      field: 'status',
    });
    expect(
      checkPush('tierChanges', admin, { ...approve, status: 'proposed', decidedBy: null, decidedAt: null }, approve),
    ).toMatchObject({ field: 'status' });
    expect(checkPush('tierChanges', admin, { ...approve, reason: 'rewritten' }, approve)).toMatchObject({
      field: 'reason',
    });
    expect(checkPush('tierChanges', admin, proposed, null)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('signs a price override with the admin who sets it and keeps its dates in order', () => {
    const admin = user('admin', 'boss');
    const area = areaDoc('W1:boiler');
    const override = { pricePence: 3000, reason: 'launch', validFrom: T0, validTo: null, by: 'boss' };
    expect(checkPush('areas', admin, { ...area, override }, area)).toBeNull();
    expect(checkPush('areas', admin, { ...area, override: { ...override, by: 'someone' } }, area)).toMatchObject({
      field: 'override.by',
    });
    expect(checkPush('areas', admin, { ...area, override: { ...override, validTo: T0 - 1 } }, area)).toMatchObject({
      field: 'override.validTo',
    });
    // Clearing an override, or leaving another admin's override as it is, is fine.
    const existing = { ...area, override: { ...override, by: 'other-admin' } };
    expect(checkPush('areas', admin, { ...existing, override: null }, existing)).toBeNull();
    expect(checkPush('areas', admin, existing, existing)).toBeNull();
  });
});

describe('review lifecycle (R7a)', () => {
  const draft = reviewDoc('c1', 'rita');
  const submitted = { ...draft, status: 'submitted' as const, submittedAt: T0 };
  const rita = user('reviewer', 'rita');
  const boss = user('admin', 'boss');

  it('states who may make each move from each stage as a table', () => {
    expect(REVIEW_LIFECYCLE.submitted).toEqual({ reopen: ['admin'], delete: ['admin'] });
    expect(mayMoveReview('reviewer', 'draft', 'delete')).toBe(true);
    expect(mayMoveReview('reviewer', 'submitted', 'reopen')).toBe(false);
    expect(mayMoveReview('reviewer', 'submitted', 'delete')).toBe(false);
    expect(mayMoveReview('reviewer', 'submitted', 'edit-submitted')).toBe(false);
    expect(mayMoveReview('admin', 'submitted', 'edit-submitted')).toBe(false);
    expect(mayMoveReview('admin', 'submitted', 'reopen')).toBe(true);
    expect(mayMoveReview('author', 'draft', 'save')).toBe(false);
  });

  it('names the move a push makes, and none for an unchanged re-push', () => {
    expect(reviewMove({ next: draft, master: null })).toBe('save');
    expect(reviewMove({ next: submitted, master: draft })).toBe('submit');
    expect(reviewMove({ next: { ...submitted, updatedAt: 99 }, master: submitted })).toBeNull();
    expect(reviewMove({ next: { ...submitted, notes: 'x' }, master: submitted })).toBe('edit-submitted');
    expect(reviewMove({ next: { ...submitted, status: 'draft' }, master: submitted })).toBe('reopen');
    expect(reviewMove({ next: { ...submitted, _deleted: true }, master: submitted })).toBe('delete');
  });

  it('refuses a reviewer reopening, editing or deleting their submitted review with REVIEW_SUBMITTED', () => {
    for (const next of [
      { ...submitted, status: 'draft' as const, submittedAt: null },
      { ...submitted, notes: 'changed my mind' },
      { ...submitted, _deleted: true },
    ]) {
      expect(checkPush('reviews', rita, next, submitted)).toMatchObject({ code: 'REVIEW_SUBMITTED', field: 'status' });
    }
    expect(checkPush('reviews', rita, { ...submitted, updatedAt: 5 }, submitted)).toBeNull();
  });

  it('lets a reviewer save, submit and delete their own draft', () => {
    expect(checkPush('reviews', rita, { ...draft, notes: 'x' }, draft)).toBeNull();
    expect(checkPush('reviews', rita, submitted, draft)).toBeNull();
    expect(checkPush('reviews', rita, { ...draft, _deleted: true }, draft)).toBeNull();
  });

  it('lets an admin reopen or delete anyone’s submitted review, and reopening changes only its status', () => {
    const reopened = { ...submitted, status: 'draft' as const, submittedAt: null, editedAt: T0 + 1 };
    expect(checkPush('reviews', boss, reopened, submitted)).toBeNull();
    expect(checkPush('reviews', boss, { ...submitted, _deleted: true }, submitted)).toBeNull();
    expect(checkPush('reviews', boss, { ...reopened, notes: 'admin words' }, submitted)).toMatchObject({
      code: 'FORBIDDEN_FIELD',
      field: 'notes',
    });
    expect(checkPush('reviews', boss, { ...submitted, score: 10 }, submitted)).toMatchObject({
      code: 'REVIEW_SUBMITTED',
    });
    // Another reviewer's draft stays theirs to write.
    expect(checkPush('reviews', boss, { ...draft, notes: 'x' }, draft)).toMatchObject({ field: 'reviewerId' });
  });
});

describe('scopes (R10)', () => {
  it('parses the scopes each collection has and explains the others', () => {
    expect(parseScope('calls', 'recent:30')).toEqual({ kind: 'recent', field: 'startedAt', days: 30 });
    expect(parseScope('messages', 'recent:7')).toEqual({ kind: 'recent', field: 'sentAt', days: 7 });
    expect(parseScope('calls', 'queue')).toEqual({ kind: 'queue', days: null });
    expect(parseScope('insights', 'queue:14')).toEqual({ kind: 'queue', days: 14 });
    expect(parseScope('calls', 'queue:0')).toMatch(/1 to 3660/);
    expect(parseScope('insights', 'call:a,b,a')).toEqual({ kind: 'calls', field: 'callId', ids: ['a', 'b'] });
    expect(parseScope('clips', 'mine')).toEqual({ kind: 'mine', field: 'authorId' });
    expect(parseScope('calls', 'recent:0')).toMatch(/1 to 3660/);
    expect(parseScope('areas', 'recent:5')).toMatch(/no recent: scope/);
    expect(parseScope('leads', 'queue')).toMatch(/no queue scope/);
    expect(parseScope('insights', `call:${Array.from({ length: 201 }, (_, i) => i).join(',')}`)).toMatch(
      /1 to 200 ids/,
    );
    expect(parseScope('calls', 'DROP TABLE')).toMatch(/unknown scope/);
  });
});
