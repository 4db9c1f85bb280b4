import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACTION_LABELS,
  describeAction,
  describeActor,
  describeCounts,
  describeEntry,
  describeValue,
  formatDuration,
  hasSentence,
  londonDateTime,
  NO_NAMES,
  referencedIds,
  type AuditEntry,
  type AuditNames,
} from '../../renderer/src/features/audit/audit-model';

/** The Audit screen's wording (renderer/src/features/audit/audit-model.ts), without a browser. */

// 14:05 UTC on 3 Dec 2026 (GMT: London is UTC) and 13:05 UTC on 1 Jul 2026 (BST: London is UTC+1).
const WINTER = Date.UTC(2026, 11, 3, 14, 5);
const SUMMER = Date.UTC(2026, 6, 1, 13, 5);

const names: AuditNames = {
  staff: new Map([
    ['u-rita', { id: 'u-rita', email: 'rita@example.com', name: 'Rita Moss' }],
    ['u-bare', { id: 'u-bare', email: 'bare@example.com', name: 'bare@example.com' }],
  ]),
  leads: new Map([['lead-1', { id: 'lead-1', externalId: 'mk-881', customerName: 'Zara Quill', district: 'W1' }]]),
  calls: new Map([
    [
      'CA0123456789abcdef',
      {
        id: 'CA0123456789abcdef',
        leadId: 'lead-1',
        assessorId: 'as-1',
        startedAt: WINTER,
        durationSec: 134,
        district: 'W1',
      },
    ],
    [
      'CA-nolead',
      { id: 'CA-nolead', leadId: null, assessorId: null, startedAt: SUMMER, durationSec: null, district: 'N1' },
    ],
  ]),
  assessors: new Map([['as-1', { id: 'as-1', name: 'Priya Natt' }]]),
};

function entry(over: Partial<AuditEntry>): AuditEntry {
  return {
    id: 1,
    at: new Date(WINTER).toISOString(),
    actor: 'rita@example.com',
    action: 'auth.login',
    subjectType: 'user',
    subjectId: 'u-rita',
    detail: {},
    ...over,
  };
}

describe('audit wording', () => {
  it('shows times in London time in winter (GMT) and summer (BST), whatever the machine zone', () => {
    expect(londonDateTime(WINTER)).toBe('3 Dec 2026, 14:05');
    expect(londonDateTime(SUMMER)).toBe('1 Jul 2026, 14:05');
  });

  it('writes durations as staff say them', () => {
    expect(formatDuration(134)).toBe('2m 14s');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(3780)).toBe('1h 3m');
  });

  it('names the people and processes behind entries', () => {
    expect(describeActor('rita@example.com', names)).toBe('Rita Moss (rita@example.com)');
    expect(describeActor('bare@example.com', names)).toBe('bare@example.com');
    expect(describeActor('apikey:marketplace', names)).toBe('Marketplace API (key “marketplace”)');
    expect(describeActor('system:retention', names)).toBe('Ringside (automatic retention)');
    expect(describeActor('cli:ops', names)).toBe('Command line (ops)');
    expect(describeActor('gone@example.com', names)).toBe('gone@example.com');
  });

  it('a listen names the call by its people and London time, with its length', () => {
    const e = entry({
      action: 'recording.listen',
      subjectType: 'call',
      subjectId: 'CA0123456789abcdef',
      detail: { recordingSid: 'RE1', purpose: 'playback', expiresAt: '2026-12-03T14:20:00.000Z' },
    });
    expect(describeEntry(e, names)).toEqual({
      when: '3 Dec 2026, 14:05',
      who: 'Rita Moss (rita@example.com)',
      what: 'listened to the recording of the call between Zara Quill and Priya Natt on 3 Dec 2026 at 14:05 (2m 14s)',
    });
  });

  it('a call not on this device is still a readable reference', () => {
    const e = entry({ action: 'recording.listen', subjectType: 'call', subjectId: 'CAffffffffffffffffffff' });
    expect(describeAction(e, NO_NAMES)).toBe('listened to the recording of a call not on this device (CAffffffff…)');
    const bare = entry({ action: 'recording.stop', subjectType: 'call', subjectId: 'CA-nolead' });
    expect(describeAction(bare, names)).toBe(
      'stopped the recording of the call in N1 on 1 Jul 2026 at 14:05 while it was in progress',
    );
  });

  it('a phone reveal names the lead as staff know it', () => {
    const e = entry({ action: 'lead.phone_reveal', subjectType: 'lead', subjectId: 'lead-1', detail: { masked: 'x' } });
    expect(describeAction(e, names)).toBe('revealed the phone number of lead “Zara Quill” (W1, ref mk-881)');
  });

  it('an erasure says what went, in words, leaving out what was not there', () => {
    const e = entry({
      action: 'erasure.phone',
      subjectType: 'person',
      subjectId: 'a'.repeat(64),
      detail: {
        leads: 1,
        sessions: 1,
        calls: 2,
        recordings: 2,
        insights: 2,
        messages: 1,
        reviews: 0,
        clips: 0,
        jobs: 0,
      },
    });
    expect(describeAction(e, names)).toBe(
      "erased one person's data by phone number: 2 recordings, 2 transcripts and analyses, 1 message body, 2 calls made anonymous, 1 lead made anonymous, 1 number session closed",
    );
    expect(describeCounts({ leads: 0 })).toBe('nothing');
    expect(describeAction({ ...e, detail: { leads: 0, calls: 0, found: false } }, names)).toBe(
      'asked to erase a phone number: no one with that number, nothing changed',
    );
    expect(describeAction({ ...e, action: 'erasure.preview', detail: { recordings: 1, found: true } }, names)).toBe(
      'previewed an erasure by phone number (would remove 1 recording)',
    );
    expect(describeAction({ ...e, action: 'erasure.preview', detail: { found: false } }, names)).toBe(
      'checked a phone number for erasure: no one with that number',
    );
  });

  it('a booking shows its date in London time and its value in pounds', () => {
    const e = entry({
      action: 'lead.booking',
      actor: 'apikey:marketplace',
      subjectType: 'lead',
      subjectId: 'lead-1',
      detail: { assessorId: 'as-1', bookedAt: SUMMER, valuePence: 12550 },
    });
    expect(describeAction(e, names)).toBe(
      'recorded a booking on lead “Zara Quill” (W1, ref mk-881) with Priya Natt for 1 Jul 2026 at 14:05 worth £125.50',
    );
  });

  it('a tier decision says whose tier changed, from what to what', () => {
    const e = entry({
      action: 'tier.approve',
      subjectType: 'assessor',
      subjectId: 'as-1',
      detail: {
        proposalId: 'p1',
        fromTier: 'silver',
        toTier: 'gold',
        decidedBy: 'u-rita',
        decidedAt: WINTER,
        note: '',
      },
    });
    expect(describeAction(e, names)).toBe('changed the tier of Priya Natt from Silver to Gold (approved a proposal)');
    const rejected = entry({
      ...e,
      action: 'tier.reject',
      detail: { fromTier: 'silver', toTier: null, note: 'too soon' },
    });
    expect(describeAction(rejected, names)).toBe(
      'rejected the proposed tier change of Priya Natt from Silver to no tier — “too soon”',
    );
  });

  it('a price override names the area and service, the price in pounds and London dates', () => {
    const e = entry({
      action: 'pricing.override.create',
      subjectType: 'area',
      subjectId: 'W1:boiler',
      detail: { overrideId: 'o1', pricePence: 2500, reason: 'launch', validFrom: WINTER, validTo: null },
    });
    expect(describeAction(e, names)).toBe(
      'set the price of Boiler in W1 to £25 from 3 Dec 2026 at 14:05 (reason: launch)',
    );
  });

  it('a retried job of any family reads as a retry', () => {
    const e = entry({
      action: 'telephony.job.retry',
      subjectType: 'job',
      subjectId: '42',
      detail: { kind: 'telephony.pending-callbacks' },
    });
    expect(describeAction(e, names)).toBe('retried failed telephony pending callbacks job 42');
  });

  it('account changes name the account', () => {
    expect(describeAction(entry({ action: 'user.create', detail: { role: 'reviewer' } }), names)).toBe(
      'created the account of Rita Moss (rita@example.com) with the reviewer role',
    );
    expect(describeAction(entry({ action: 'user.revoke', subjectId: 'u-gone' }), names)).toBe(
      'revoked a staff account (u-gone) and signed it out everywhere',
    );
  });

  it('an unknown kind reads as its name and a key: value list, never JSON or epoch ms', () => {
    const e = entry({
      action: 'tier.ponder',
      subjectType: 'assessor',
      subjectId: 'as-1',
      detail: { from: 'silver', to: 'gold', decidedAt: WINTER, leadId: 'lead-1', nested: { approved: true }, ids: [] },
    });
    const text = describeAction(e, names);
    expect(text).toBe(
      'tier ponder on Priya Natt — from: silver; to: gold; decided at: 3 Dec 2026, 14:05; lead id: lead “Zara Quill” (W1, ref mk-881); nested: approved yes; ids: none',
    );
    expect(text).not.toMatch(/[{}"]|\d{12,}/);
  });

  it('reads ISO times, pence, lists and empty values', () => {
    expect(describeValue('expiresAt', '2026-07-01T13:05:00.000Z', names)).toBe('1 Jul 2026, 14:05');
    expect(describeValue('valuePence', 9900, names)).toBe('£99');
    expect(describeValue('assessors', ['as-1', 'as-2'], names)).toBe('Priya Natt, assessor as-2');
    expect(describeValue('reason', null, names)).toBe('—');
    expect(describeValue('count', 12345, names)).toBe('12,345');
  });

  it('collects the ids entries mention, so only those documents are looked up', () => {
    expect(
      referencedIds([
        entry({ action: 'recording.listen', subjectType: 'call', subjectId: 'CA1' }),
        entry({ action: 'lead.assign', subjectType: 'lead', subjectId: 'L1', detail: { assessors: ['A1', 'A2'] } }),
        entry({ action: 'lead.booking', subjectType: 'lead', subjectId: 'L2', detail: { assessorId: 'A3' } }),
      ]),
    ).toEqual({ calls: ['CA1'], leads: ['L1', 'L2'], assessors: ['A1', 'A2', 'A3'] });
  });

  it('every action kind the server writes has its own sentence and a filter label', () => {
    const root = path.resolve(import.meta.dirname, '../../sync-server/src');
    const kinds = new Set<string>();
    for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const m of text.matchAll(/action:\s*([^,\n]+)/g))
        for (const lit of m[1].matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) kinds.add(lit[1]);
    }
    // background-jobs.ts writes `${family}.job.retry` for its two families.
    kinds.add('analysis.job.retry');
    kinds.add('recording.job.retry');
    // erasure/erase.ts writes `erasure.${subject.kind}` for each way of naming the person.
    kinds.add('erasure.assessor');
    kinds.add('erasure.lead');
    expect(kinds.size).toBeGreaterThan(15);
    for (const kind of kinds) {
      expect(hasSentence(kind), kind).toBe(true);
      expect(ACTION_LABELS[kind], kind).toBeTruthy();
    }
  });
});
