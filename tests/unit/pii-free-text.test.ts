import { describe, expect, it } from 'vitest';
import { findPii, maskFreeText, maskWords, restoreMasked } from '../../shared/pii/free-text';

/** Phone numbers, emails and card numbers in free text, masked for staff who may not see them (SPEC R6a). */
describe('maskFreeText: phone numbers in every written form', () => {
  it.each([
    ['ring me on +447700900100', 'ring me on [phone]'],
    ['ring me on 07700 900100 after five', 'ring me on [phone] after five'],
    ['ring me on 07700900100.', 'ring me on [phone].'],
    ['my number is +44 (0)7700-900-100 ok', 'my number is [phone] ok'],
    ['0044 7700 900100 is the landline', '[phone] is the landline'],
    ['+44 7700 900 100', '[phone]'],
    ['(020) 7946 0000 is the office', '[phone] is the office'],
    ['020-7946-0000', '[phone]'],
    ['07700.900.100', '[phone]'],
    ['abroad: +1 415 555 0100', 'abroad: [phone]'],
    ['7700 900100 without the zero', '[phone] without the zero'],
  ])('%s', (text, masked) => {
    expect(maskFreeText(text)).toBe(masked);
  });
});

describe('maskFreeText: phone numbers read out', () => {
  it.each([
    ['it is oh seven seven double oh nine double oh one double oh thanks', 'it is [phone] thanks'],
    ['seven seven zero zero nine zero zero one zero zero', '[phone]'],
    ['zero seven seven zero zero, nine zero zero, one zero zero', '[phone]'],
    ['plus four four seven seven zero zero nine zero zero one zero zero', '[phone]'],
    ['nought seven seven double oh 900100', '[phone]'],
    ['oh seven seven double oh 900 100', '[phone]'],
    ['oh two oh, seven nine four six, triple oh one', '[phone]'],
    // Seven words for ten digits: the quick first look must count what a repeater stands for.
    ['triple seven triple oh triple nine two', '[phone]'],
  ])('%s', (text, masked) => {
    expect(maskFreeText(text)).toBe(masked);
  });
});

describe('maskFreeText: emails and card numbers', () => {
  it('masks an email address, digits in it included', () => {
    expect(maskFreeText('mail jane.smith1984@example.co.uk please')).toBe('mail [email] please');
  });
  it.each([
    ['card 4242 4242 4242 4242 exp soon', 'card [card] exp soon'],
    ['4242-4242-4242-4242', '[card]'],
    ['4242424242424242', '[card]'],
    ['amex 3782 822463 10005', 'amex [card]'],
    ['four two four two four two four two four two four two four two four two', '[card]'],
  ])('%s', (text, masked) => {
    expect(maskFreeText(text)).toBe(masked);
  });
});

describe('maskFreeText leaves ordinary numbers alone', () => {
  it.each([
    ['the quote was £1,250 all in'],
    ['£1,250.00 or £12,500'],
    ['see you at 10:30 on Tuesday'],
    ['at 10.30 then'],
    ['booked for 12/03/2026'],
    ['booked for 2026-03-12'],
    ['3 December 2026'],
    ['the house is at N1 9GU, flat 2'],
    ['E17 4AB and W1A 1AA'],
    ['extension 1234'],
    ['gate code 123456'],
    ['the boiler is 15 years old, 2 bedrooms, 1 bathroom'],
    ['one or two, maybe three'],
    ['I have 999 problems'],
    ['oh I see, one moment'],
    ['ref 123456789'],
  ])('%s', (text) => {
    expect(findPii(text)).toEqual([]);
    expect(maskFreeText(text)).toBe(text);
  });

  it('keeps an extension after a phone number', () => {
    expect(maskFreeText('07700 900100 ext 1234')).toBe('[phone] ext 1234');
  });

  it('masks the number and keeps a small number said right after it', () => {
    expect(maskFreeText('it is 07700 900100. 12 is a good time')).toBe('it is [phone]. 12 is a good time');
  });

  it('keeps a price next to a phone number', () => {
    expect(maskFreeText('£1,250, call 07700900100')).toBe('£1,250, call [phone]');
  });

  it('is stable: masking masked text changes nothing', () => {
    const once = maskFreeText('ring +447700900100 or a@b.com, card 4242 4242 4242 4242');
    expect(maskFreeText(once)).toBe(once);
  });
});

describe('maskWords (transcript word timings)', () => {
  it('replaces within words and keeps every word, so timings stay where they were', () => {
    const words = ['call', 'me', 'on', '07700', '900100.', 'Thanks'];
    expect(maskWords(words)).toEqual(['call', 'me', 'on', '[phone]', '[phone].', 'Thanks']);
  });

  it('masks a read-out number word by word', () => {
    const words = 'oh seven seven double oh nine double oh one double oh'.split(' ');
    const masked = maskWords(words);
    expect(masked).toHaveLength(words.length);
    expect(masked.every((w) => w === '[phone]')).toBe(true);
  });

  it('returns the words unchanged when there is nothing to mask', () => {
    expect(maskWords(['at', '10:30', 'on', 'Tuesday'])).toEqual(['at', '10:30', 'on', 'Tuesday']);
  });
});

describe('restoreMasked (a pushed edit of masked text)', () => {
  const stored = 'ring 07700 900100 or mail jane@example.com';

  it('gives the labels their real values back, in order per kind', () => {
    expect(restoreMasked('please ring [phone] or mail [email] today', stored)).toBe(
      'please ring 07700 900100 or mail jane@example.com today',
    );
  });

  it('puts back exactly the stored text when the masked form comes back unchanged', () => {
    expect(restoreMasked(maskFreeText(stored), stored)).toBe(stored);
  });

  it('leaves a label with no stored value of its kind as typed', () => {
    expect(restoreMasked('[phone] [phone] [card]', stored)).toBe('07700 900100 [phone] [card]');
  });

  it('keeps text the person typed themselves', () => {
    expect(restoreMasked('new note', stored)).toBe('new note');
  });
});
