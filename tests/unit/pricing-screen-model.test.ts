import { describe, expect, it } from 'vitest';
import { checkDraft, dayStart, overrideStatus } from '../../renderer/src/features/pricing/pricing-model';

const NOW = new Date(2026, 5, 10, 15, 30).getTime();

describe('Pricing screen: override form and states (shared/pricing/SPEC.md PR7)', () => {
  it('PR7: an override on the document is scheduled, applies, or has ended by the clock alone', () => {
    const o = { validFrom: NOW, validTo: NOW + 1000 };
    expect(overrideStatus(o, NOW - 1)).toBe('scheduled');
    expect(overrideStatus(o, NOW)).toBe('active');
    expect(overrideStatus(o, NOW + 1000)).toBe('ended');
    expect(overrideStatus({ validFrom: NOW, validTo: null }, NOW + 1e12)).toBe('active');
  });

  it('PR7: the form needs a price and a reason; today starts now; the last day is included', () => {
    expect(checkDraft({ price: '', reason: 'launch', from: '', until: '' }, NOW)).toMatchObject({ field: 'price' });
    expect(checkDraft({ price: '12', reason: ' ', from: '', until: '' }, NOW)).toMatchObject({ field: 'reason' });
    const ok = checkDraft({ price: '£12.50', reason: 'launch offer', from: '2026-06-10', until: '2026-06-30' }, NOW);
    expect(ok).toEqual({
      ok: true,
      pricePence: 1250,
      validFrom: NOW,
      validTo: new Date(2026, 6, 1).getTime(),
    });
    const later = checkDraft({ price: '9', reason: 'winter', from: '2026-07-01', until: '' }, NOW);
    expect(later).toMatchObject({ ok: true, validFrom: dayStart('2026-07-01'), validTo: null });
    expect(checkDraft({ price: '9', reason: 'winter', from: '2026-07-01', until: '2026-06-20' }, NOW)).toMatchObject({
      ok: false,
      field: 'until',
    });
  });
});
