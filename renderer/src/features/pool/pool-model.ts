import { formatNational } from '../../../../shared/phone';
import type { PoolReport as SharedPoolReport } from '../../../../shared/pool';

/**
 * The Pool screen's figures (GET /api/pool/report, sync-server/src/pool/): what the number pool holds, how much
 * of it is in use, what it costs a month and what one number per assignment would cost instead. Pure, so the
 * wording and arithmetic are tested without a browser; later sections (cost curves) read the same answer.
 */
/** The shared report (shared/pool.ts) with the prices it was worked out from. */
export interface PoolReport extends SharedPoolReport {
  numberMonthlyPence: number;
  budgetPence: number;
}

export interface PoolNumber {
  number: string;
  source: 'manual' | 'purchased' | string;
  active: boolean;
  openSessions: number;
  withExtension: number;
  monthlyCostPence: number | null;
  acquiredAt: string | null;
  releasedAt: string | null;
  sandbox: boolean;
}

export interface PoolAnswer {
  report: PoolReport;
  numbers: PoolNumber[];
}

export interface Figure {
  id: string;
  label: string;
  value: string;
  hint: string;
}

export function pounds(pence: number): string {
  return `£${(pence / 100).toLocaleString('en-GB', {
    minimumFractionDigits: pence % 100 === 0 ? 0 : 2,
    maximumFractionDigits: 2,
  })}`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

const LONDON_DAY = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

export function londonDay(iso: string | null): string {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? '—' : LONDON_DAY.format(ms);
}

/** The headline figures, in the order an admin reads them. */
export function poolFigures(r: PoolReport): Figure[] {
  const count = (n: number) => n.toLocaleString('en-GB');
  return [
    { id: 'owned', label: 'Numbers owned', value: count(r.numbersOwned), hint: 'held now, released ones not counted' },
    {
      id: 'in-use',
      label: 'In use',
      value: count(r.numbersInUse),
      hint: `carrying ${count(r.openSessions)} open ${r.openSessions === 1 ? 'assignment' : 'assignments'}`,
    },
    {
      id: 'needed',
      label: 'Needed',
      value: count(r.numbersNeeded),
      hint: 'the fewest that could carry today’s assignments',
    },
    {
      id: 'prompt-exposure',
      label: 'Asked for an extension',
      value: percent(r.promptExposure),
      hint: `${count(r.recentAmbiguous)} of ${count(r.recentSessions)} recent assignments share their number with another recent one of the same assessor; calls to the others connect at once`,
    },
  ];
}

export interface CostComparison {
  poolPence: number;
  perAssignmentPence: number;
  /** `8× cheaper`, `same cost`, or `2× dearer`; null without a pool cost to compare. */
  verdict: string | null;
  savingPence: number;
  poolLine: string;
  perAssignmentLine: string;
  budgetLine: string;
}

export function costComparison(r: PoolReport): CostComparison {
  const factor = r.savingFactor;
  let verdict: string | null = null;
  if (factor !== null) {
    const shown = factor >= 10 ? Math.round(factor).toString() : factor.toFixed(1).replace(/\.0$/, '');
    if (Math.abs(factor - 1) < 0.05) verdict = 'same cost';
    else if (factor > 1) verdict = `${shown}× cheaper`;
    else verdict = `${(1 / factor).toFixed(1).replace(/\.0$/, '')}× dearer`;
  }
  return {
    poolPence: r.monthlyCostPence,
    perAssignmentPence: r.oneNumberPerAssignmentPence,
    verdict,
    savingPence: r.oneNumberPerAssignmentPence - r.monthlyCostPence,
    poolLine: `${r.numbersOwned.toLocaleString('en-GB')} ${r.numbersOwned === 1 ? 'number' : 'numbers'} held`,
    perAssignmentLine: `${r.assignmentsInMonth.toLocaleString('en-GB')} ${r.assignmentsInMonth === 1 ? 'assignment' : 'assignments'} in the last 30 days × ${pounds(r.numberMonthlyPence)}`,
    budgetLine: `Monthly budget for numbers: ${pounds(r.budgetPence)} (${r.budgetPence > 0 ? percent(r.monthlyCostPence / r.budgetPence) : '—'} used)`,
  };
}

export interface NumberRow {
  number: string;
  display: string;
  source: string;
  since: string;
  cost: string;
  use: string;
  status: 'in-use' | 'idle' | 'released';
  statusLabel: string;
  sandbox: boolean;
}

/** The per-number list: busiest first, released last. */
export function numberRows(numbers: readonly PoolNumber[]): NumberRow[] {
  const rank = (n: PoolNumber) => (n.active ? 0 : 1);
  return [...numbers]
    .sort((a, b) => rank(a) - rank(b) || b.openSessions - a.openSessions || a.number.localeCompare(b.number))
    .map((n) => ({
      number: n.number,
      display: formatNational(n.number),
      source:
        n.source === 'purchased' ? 'Bought by Ringside' : n.source === 'manual' ? 'Added by an operator' : n.source,
      since: londonDay(n.acquiredAt),
      cost: n.monthlyCostPence === null ? '—' : `${pounds(n.monthlyCostPence)} / month`,
      use:
        // Every listing carries an extension now (shared/pool P2), so only the open count tells numbers apart.
        n.openSessions === 0 ? 'none' : `${n.openSessions.toLocaleString('en-GB')} open`,
      status: !n.active ? 'released' : n.openSessions > 0 ? 'in-use' : 'idle',
      statusLabel: !n.active ? 'Released' : n.openSessions > 0 ? 'In use' : 'Idle',
      sandbox: n.sandbox,
    }));
}
