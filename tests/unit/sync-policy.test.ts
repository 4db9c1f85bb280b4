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
  redactForRole,
} from '../../shared/sync-policy';
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
    expect(checkPush('reviews', me, { ...submitted, _deleted: true }, submitted)).toMatchObject({ code: 'FORBIDDEN' });
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
