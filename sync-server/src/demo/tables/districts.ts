/** The demo's four London districts: their call and conversion rates (the brief's, area pricing) and postcodes. */

export const DISTRICTS = ['W1', 'EC1', 'N1', 'E17'] as const;
export type District = (typeof DISTRICTS)[number];

export const DISTRICT_TARGETS: Record<District, { callRate: number; conversion: number; postcodes: string[] }> = {
  W1: { callRate: 0.9, conversion: 0.6, postcodes: ['W1D 3QF', 'W1K 2AB', 'W1J 7NT', 'W1U 6TL', 'W1G 9QX', 'W1F 0DA'] },
  EC1: { callRate: 0.85, conversion: 0.55, postcodes: ['EC1A 1BB', 'EC1V 2NX', 'EC1M 6HR', 'EC1R 0JH', 'EC1Y 8SY'] },
  N1: { callRate: 0.7, conversion: 0.4, postcodes: ['N1 9GU', 'N1 1XL', 'N1C 4AG', 'N1 7EJ', 'N1 0PS'] },
  E17: { callRate: 0.45, conversion: 0.25, postcodes: ['E17 4PP', 'E17 9NH', 'E17 7JN', 'E17 3AL', 'E17 5QD'] },
};
