import { describe, expect, it } from 'vitest';
import { parseUkPostcode, toDistrict } from '../../shared/postcode';

describe('parseUkPostcode', () => {
  it.each([
    ['EC1A 1BB', 'EC1A 1BB', 'EC1'],
    ['W1D 3QF', 'W1D 3QF', 'W1'],
    ['E17 4PP', 'E17 4PP', 'E17'],
    ['n1 9gu', 'N1 9GU', 'N1'],
    ['sw1a2aa', 'SW1A 2AA', 'SW1'],
    ['  M1   1AE ', 'M1 1AE', 'M1'],
  ])('reads %s as %s in district %s', (input, postcode, district) => {
    expect(parseUkPostcode(input)).toMatchObject({ ok: true, postcode, district });
  });

  it('refuses malformed postcodes and unknown areas', () => {
    expect(parseUkPostcode('')).toEqual({ ok: false, reason: 'empty' });
    expect(parseUkPostcode('EC1A')).toEqual({ ok: false, reason: 'malformed' });
    expect(parseUkPostcode('12345')).toEqual({ ok: false, reason: 'malformed' });
    expect(parseUkPostcode('XX1 1XX')).toEqual({ ok: false, reason: 'unknown-area' });
  });

  it('gives the district of outward codes as assessors list them', () => {
    expect(toDistrict('EC1A')).toBe('EC1');
    expect(toDistrict('w1')).toBe('W1');
    expect(toDistrict('E17')).toBe('E17');
    expect(toDistrict('QQ1')).toBeNull();
    expect(toDistrict('hello')).toBeNull();
  });
});
