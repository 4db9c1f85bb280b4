import { describe, expect, it } from 'vitest';
import { preparingText } from '../../renderer/src/features/review/queue/use-preparing';

describe('the review queue says how many calls are still on their way', () => {
  it('counts calls being placed and recordings downloading, and the analysis still running', () => {
    expect(preparingText({ calls: 27, placing: 15, downloading: 12, analysing: 4 })).toEqual({
      main: '27 calls still being prepared (15 being placed, 12 recordings downloading)',
      analysing: '4 being transcribed and analysed',
    });
  });

  it('one recording downloading reads in the singular', () => {
    expect(preparingText({ calls: 1, placing: 0, downloading: 1, analysing: 0 }).main).toBe(
      '1 call still being prepared (1 recording downloading)',
    );
  });

  it('says nothing once everything is in the queue and analysed', () => {
    expect(preparingText({ calls: 0, placing: 0, downloading: 0, analysing: 0 })).toEqual({
      main: null,
      analysing: null,
    });
  });
});
