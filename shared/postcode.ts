import { parse } from 'postcode';

/**
 * UK postcodes: validation, normal form and the pricing district.
 *
 * The `postcode` package checks the shape (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA) and splits
 * the parts; on top of that the area letters must be one of the real postcode areas, so `XX1 1XX` is refused.
 * The district used for pricing is the outward code with a sub-district letter dropped
 * (`EC1A 1BB` → `EC1`, `W1D 3QF` → `W1`, `E17 4PP` → `E17`).
 */

/** The 121 UK postcode areas plus the Crown Dependencies that use the same system (GY, JE, IM). */
export const POSTCODE_AREAS: ReadonlySet<string> = new Set(
  (
    'AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX ' +
    'FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP ' +
    'NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW ' +
    'UB W WA WC WD WF WN WR WS WV YO ZE GY JE IM'
  ).split(' '),
);

export type PostcodeParseResult =
  | { ok: true; postcode: string; outcode: string; district: string; area: string }
  | { ok: false; reason: 'empty' | 'malformed' | 'unknown-area' };

export function parseUkPostcode(input: string): PostcodeParseResult {
  const text = input.trim();
  if (!text) return { ok: false, reason: 'empty' };
  const p = parse(text);
  if (!p.valid) return { ok: false, reason: 'malformed' };
  if (!POSTCODE_AREAS.has(p.area)) return { ok: false, reason: 'unknown-area' };
  return { ok: true, postcode: p.postcode, outcode: p.outcode, district: p.district, area: p.area };
}

/** The pricing district of a postcode or an outward code (`EC1A` → `EC1`), or null when it is not one. */
export function toDistrict(postcodeOrOutcode: string): string | null {
  const text = postcodeOrOutcode.trim().toUpperCase().replace(/\s+/g, '');
  const full = parseUkPostcode(text);
  if (full.ok) return full.district;
  // An outward code alone, as assessors list their districts: area letters, district digits, optional letter.
  const m = /^([A-Z]{1,2})(\d{1,2})[A-Z]?$/.exec(text);
  if (!m || !POSTCODE_AREAS.has(m[1])) return null;
  return m[1] + m[2];
}
