import { describe, expect, it } from 'vitest';
import {
  costComparison,
  numberRows,
  poolFigures,
  pounds,
  type PoolNumber,
  type PoolReport,
} from '../../renderer/src/features/pool/pool-model';
import {
  erasureProblem,
  erasureRows,
  retentionPeriods,
  retentionRows,
  retentionSummary,
  samePhone,
  type ErasureReport,
  type RetentionReport,
} from '../../renderer/src/features/privacy/privacy-model';

/** The Pool and Privacy screens' figures and wording (renderer/src/features/{pool,privacy}), without a browser. */

const report: PoolReport = {
  numbersOwned: 3,
  numbersInUse: 3,
  numbersNeeded: 2,
  openSessions: 7,
  sessionsWithExtension: 2,
  extensionRate: 2 / 7,
  recentSessions: 5,
  recentAmbiguous: 1,
  promptExposure: 1 / 5,
  monthlyCostPence: 300,
  assignmentsInMonth: 24,
  oneNumberPerAssignmentPence: 2400,
  savingFactor: 8,
  numberMonthlyPence: 100,
  budgetPence: 5000,
};

function number(over: Partial<PoolNumber>): PoolNumber {
  return {
    number: '+447700900821',
    source: 'manual',
    active: true,
    openSessions: 0,
    withExtension: 0,
    monthlyCostPence: 100,
    acquiredAt: '2026-07-01T23:30:00.000Z',
    releasedAt: null,
    sandbox: false,
    ...over,
  };
}

describe('pool figures', () => {
  it('reads owned, in use, needed and how often a call back now is asked for an extension', () => {
    expect(poolFigures(report).map((f) => [f.label, f.value, f.hint])).toEqual([
      ['Numbers owned', '3', 'held now, released ones not counted'],
      ['In use', '3', 'carrying 7 open assignments'],
      ['Needed', '2', 'the fewest that could carry today’s assignments'],
      [
        'Asked for an extension',
        '20 %',
        '1 of 5 recent assignments share their number with another recent one of the same assessor; calls to the others connect at once',
      ],
    ]);
  });

  it('compares the monthly cost with one number per assignment', () => {
    expect(costComparison(report)).toEqual({
      poolPence: 300,
      perAssignmentPence: 2400,
      verdict: '8× cheaper',
      savingPence: 2100,
      poolLine: '3 numbers held',
      perAssignmentLine: '24 assignments in the last 30 days × £1',
      budgetLine: 'Monthly budget for numbers: £50 (6 % used)',
    });
    expect(costComparison({ ...report, savingFactor: 0.5 }).verdict).toBe('2× dearer');
    expect(costComparison({ ...report, savingFactor: 1 }).verdict).toBe('same cost');
    expect(costComparison({ ...report, savingFactor: null, monthlyCostPence: 0 }).verdict).toBeNull();
    expect(pounds(12345)).toBe('£123.45');
    expect(pounds(150000)).toBe('£1,500');
  });

  it('lists numbers busiest first and released last, in national form with London dates', () => {
    const rows = numberRows([
      number({ number: '+447700900830', active: false, releasedAt: '2026-08-01T00:00:00Z' }),
      number({ number: '+447700900821', openSessions: 1 }),
      number({ number: '+447700900822', openSessions: 5, withExtension: 4, source: 'purchased' }),
      number({ number: '+447700900823' }),
    ]);
    expect(rows.map((r) => [r.display, r.use, r.statusLabel, r.source])).toEqual([
      ['07700 900822', '5 open', 'In use', 'Bought by Ringside'],
      ['07700 900821', '1 open', 'In use', 'Added by an operator'],
      ['07700 900823', 'none', 'Idle', 'Added by an operator'],
      ['07700 900830', 'none', 'Released', 'Added by an operator'],
    ]);
    // 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
    expect(rows[0].since).toBe('2 Jul 2026');
    expect(rows[0].cost).toBe('£1 / month');
  });
});

const erasure: ErasureReport = {
  dryRun: true,
  subjectHash: 'h',
  leads: 1,
  sessions: 1,
  calls: 2,
  recordings: 2,
  mediaObjectsRemoved: 0,
  insights: 2,
  messages: 1,
  reviews: 0,
  clips: 0,
  courses: 0,
  jobs: 0,
};

describe('privacy wording', () => {
  it('an erasure preview lists personal data first, then what is made anonymous, zeros included', () => {
    const rows = erasureRows(erasure);
    expect(rows.slice(0, 3).map((r) => [r.label, r.count])).toEqual([
      ['Call recordings deleted (here and at Twilio)', 2],
      ['Transcripts and analyses deleted', 2],
      ['Text message bodies emptied', 1],
    ]);
    expect(rows.find((r) => r.id === 'leads')).toMatchObject({ count: 1 });
    expect(rows.find((r) => r.id === 'clips')).toMatchObject({ count: 0 });
    expect(rows).toHaveLength(10);
  });

  it('the confirmation accepts the same number however it is written, and nothing else', () => {
    expect(samePhone('07700 900123', '+447700900123')).toBe(true);
    expect(samePhone('+44 (0)7700 900123', '+447700900123')).toBe(true);
    expect(samePhone('07700 900124', '+447700900123')).toBe(false);
    expect(samePhone('', '+447700900123')).toBe(false);
    expect(samePhone('0033 1 23 45 67 89', '+33123456789')).toBe(true);
  });

  it('says what an unknown or malformed number means', () => {
    expect(erasureProblem('UNKNOWN_PHONE', 'x')).toMatch(/^No one with that number.*Nothing was changed\.$/);
    expect(erasureProblem('INVALID_PHONE', 'x')).toMatch(/not a phone number/);
    expect(erasureProblem('NETWORK', 'Cannot reach the server.')).toBe('Cannot reach the server.');
  });

  it('shows the retention periods in force with the London date before which things go', () => {
    const periods = retentionPeriods({
      periods: { recordingDays: 365, transcriptDays: 30, clipDays: 1825 },
      cutoffs: {
        recordings: '2025-12-03T09:00:00.000Z',
        transcripts: '2026-11-03T00:30:00.000Z',
        clips: '2021-12-04T09:00:00.000Z',
      },
      nextSweepAt: '2026-12-04T03:00:00.000Z',
    });
    expect(periods.map((p) => [p.kept, p.before])).toEqual([
      ['1 year (365 days)', '3 Dec 2025'],
      ['30 days', '3 Nov 2026'],
      ['5 years (1,825 days)', '4 Dec 2021'],
    ]);
  });

  it('a retention preview and run say whether anything is or was removed', () => {
    const empty: RetentionReport = {
      dryRun: true,
      cutoffs: {
        recordings: '2024-12-04T00:00:00.000Z',
        transcripts: '2024-12-04T00:00:00.000Z',
        clips: '2021-12-04T00:00:00.000Z',
      },
      recordingsDeleted: 0,
      mediaObjectsRemoved: 0,
      mediaPurgeFailures: 0,
      clipsExpired: 0,
      clipsWithRecording: 0,
      insightsScrubbed: 0,
      messageBodiesScrubbed: 0,
      messageRowsScrubbed: 0,
    };
    expect(retentionSummary(empty)).toBe('Nothing is past its retention period.');
    expect(retentionSummary({ ...empty, recordingsDeleted: 2 })).toBe('A sweep now would remove:');
    expect(retentionSummary({ ...empty, dryRun: false, mediaPurgeFailures: 1 })).toBe(
      'The sweep found nothing to remove. 1 stored file could not be removed yet and will be retried.',
    );
    expect(retentionRows({ ...empty, recordingsDeleted: 2 })[0]).toEqual({
      id: 'recordings',
      label: 'Recordings',
      count: 2,
    });
  });
});
