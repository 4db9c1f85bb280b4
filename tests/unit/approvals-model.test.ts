import { describe, expect, it } from 'vitest';
import { thresholdChecks } from '../../renderer/src/features/approvals/approvals-model';

describe('Approvals: figures against thresholds (shared/tiers/SPEC.md TR5)', () => {
  it('TR5: a Bronze proposal shows the contact rate against the Bronze line', () => {
    const r = thresholdChecks({
      toTier: 'bronze',
      metrics: { assignments: 12, contactRate: 5 / 12, 'bronze.contactRate <': 0.6 },
    });
    expect(r).toEqual({
      against: 'target',
      rows: [
        {
          key: 'bronze.contactRate <',
          tier: 'bronze',
          metric: 'contactRate',
          op: '<',
          threshold: 0.6,
          value: 5 / 12,
          met: true,
        },
      ],
    });
  });

  it('TR3/TR5: a move to Gold (no conditions of its own) shows the other tiers’ lines it no longer meets; an unmeasured figure meets none', () => {
    const r = thresholdChecks({
      toTier: 'gold',
      metrics: {
        contactRate: 0.7,
        responseMedianSec: null,
        'bronze.contactRate <': 0.6,
        'silver.responseMedianSec >': 3600,
      },
    });
    expect(r.against).toBe('others');
    expect(r.rows.map((c) => [c.tier, c.met])).toEqual([
      ['bronze', false],
      ['silver', false],
    ]);
  });
});
