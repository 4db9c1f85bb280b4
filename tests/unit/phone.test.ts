import { describe, expect, it } from 'vitest';
import {
  contactLabel,
  dialString,
  formatNational,
  isUkE164,
  isWithheld,
  maskPhone,
  parseUkPhone,
} from '../../shared/phone';

describe('parseUkPhone', () => {
  it.each([
    ['07911 123456', '+447911123456'],
    ['+44 7911 123456', '+447911123456'],
    ['(020) 7946 0000', '+442079460000'],
    ['+44 (0)20 7946 0000', '+442079460000'],
    ['0044 20 7946 0123', '+442079460123'],
    ['07700-900-456', '+447700900456'],
    ['+447700900999', '+447700900999'],
  ])('reads %s as %s', (input, e164) => {
    expect(parseUkPhone(input)).toMatchObject({ ok: true, e164 });
  });

  it('accepts the Ofcom drama ranges at both ends and refuses the numbers just outside them', () => {
    expect(parseUkPhone('07700 900000')).toMatchObject({ ok: true, drama: true });
    expect(parseUkPhone('07700 900999')).toMatchObject({ ok: true, drama: true });
    expect(parseUkPhone('020 7946 0000')).toMatchObject({ ok: true, drama: true });
    expect(parseUkPhone('020 7946 0999')).toMatchObject({ ok: true });
    expect(parseUkPhone('07700 901000').ok).toBe(false);
    expect(parseUkPhone('07700 899999')).not.toMatchObject({ drama: true });
  });

  it('refuses empty, malformed, foreign, premium and freephone numbers with a reason', () => {
    expect(parseUkPhone('')).toEqual({ ok: false, reason: 'empty' });
    expect(parseUkPhone('call me')).toEqual({ ok: false, reason: 'unparseable' });
    expect(parseUkPhone('+1 415 555 0100')).toEqual({ ok: false, reason: 'not-uk' });
    expect(parseUkPhone('0909 879 0000')).toMatchObject({ ok: false });
    expect(parseUkPhone('0800 123 4567')).toMatchObject({ ok: false, reason: 'unreachable-type' });
    expect(parseUkPhone('07911 12345')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('recognises canonical E.164 only', () => {
    expect(isUkE164('+447700900123')).toBe(true);
    expect(isUkE164('07700900123')).toBe(false);
    expect(isUkE164('+4407700900123')).toBe(false);
  });
});

describe('display forms', () => {
  it('formats national, masked, marketplace label and dial string', () => {
    expect(formatNational('+447700900456')).toBe('07700 900456');
    expect(formatNational('+442079460123')).toBe('020 7946 0123');
    expect(maskPhone('+447700900456')).toBe('07700 900***');
    expect(maskPhone('+442079460123')).toBe('020 7946 0***');
    expect(contactLabel('Dan Price', '+447700900456', null)).toBe('Dan Price - 07700 900456');
    expect(contactLabel('John Smith', '+447700900456', '123')).toBe('John Smith - 07700 900456 ext 123');
    expect(dialString('+447700900456', '123')).toBe('07700900456,,123');
  });

  it('treats Twilio withheld caller IDs as withheld and real numbers as not', () => {
    for (const v of ['anonymous', 'Anonymous', 'restricted', 'unknown', '', '+266696687', '+7378742833'])
      expect(isWithheld(v)).toBe(true);
    expect(isWithheld(undefined)).toBe(true);
    expect(isWithheld('+447700900123')).toBe(false);
  });
});
