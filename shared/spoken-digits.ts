/**
 * Digits as people say them on the phone ("oh seven seven double oh …"): the words read as one digit, and the
 * words that repeat the next one. Shared by the card-details detector (analysis/cards.ts) and the free-text
 * masker (pii/free-text.ts), so both hear the same numbers.
 */
export const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  oh: '0',
  o: '0',
  nought: '0',
  nil: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

export const REPEATERS: Readonly<Record<string, number>> = { double: 2, triple: 3 };
