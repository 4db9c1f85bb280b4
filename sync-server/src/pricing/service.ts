import crypto from 'node:crypto';
import { z } from 'zod';
import {
  EMPTY_COUNTS,
  areaKey,
  areaPrice,
  countAreas,
  type AreaCounts,
  type AreaPrice,
  type LeadOutcome,
  type PricingRule,
} from '../../../shared/pricing/area-price';
import { assessorPrice, type AssessorPrice, type TierPriceRule } from '../../../shared/pricing/assessor-price';
import {
  activeOverride,
  overrideState,
  type OverrideState,
  type PriceOverrideRecord,
} from '../../../shared/pricing/overrides';
import { toDistrict } from '../../../shared/postcode';
import { SERVICES, type AreaDoc, type AssessorDoc, type Service } from '../../../shared/schemas';
import { audit } from '../audit/log';
import type { Database, Queryable } from '../db';
import { ApiError, parseInput } from '../http/errors';
import type { RequestAuth } from '../http/routes';
import { NewOverride, OverrideFilter, RevokeOverride } from '../../../shared/contracts/pricing';
import { getDocument, getDocuments, lockCollection, putDocuments } from '../replication/store';
import type { Rules } from './rules-file';

/**
 * Area pricing on the server (rules: shared/pricing/SPEC.md): counts leads from the replicated lead and call
 * documents, applies the pure rule, and keeps the admins' overrides. Every quote is evaluated against the
 * server clock at the time asked, so an expired override stops applying by itself.
 */
export interface PricingDeps {
  db: Database;
  now(): number;
  config: { rules: Rules };
}

export const pricingRule = (deps: PricingDeps): PricingRule => deps.config.rules.pricing;
export const tierPriceRule = (deps: PricingDeps): TierPriceRule => deps.config.rules.tierPrices;

const serviceField = z.enum(SERVICES);

// ───────────────────────────── counting (PR1–PR2) ─────────────────────────────

/**
 * Per lead of the window: connected (a connected call on any of its assignments) and booked (a booking from
 * the marketplace, or a reviewer-submitted outcome of booked on one of its calls: PRODUCT.md conversion).
 */
export async function leadOutcomes(q: Queryable, from: number, to: number): Promise<LeadOutcome[]> {
  const { rows } = await q.query<{
    district: string;
    service: Service;
    created_at: string | number;
    connected: boolean;
    booked: boolean;
  }>(
    `WITH l AS (
       SELECT id, doc FROM sync_documents
        WHERE collection = 'leads' AND NOT deleted
          AND (doc->>'createdAt')::bigint >= $1 AND (doc->>'createdAt')::bigint < $2),
     c AS (
       SELECT id, doc->>'leadId' AS lead_id, (doc->>'connected')::boolean AS connected FROM sync_documents
        WHERE collection = 'calls' AND NOT deleted AND (doc->>'startedAt')::bigint >= $1),
     r AS (
       SELECT DISTINCT doc->>'callId' AS call_id FROM sync_documents
        WHERE collection = 'reviews' AND NOT deleted AND doc->>'status' = 'submitted' AND doc->>'outcome' = 'booked')
     SELECT l.doc->>'district' AS district, l.doc->>'service' AS service, (l.doc->>'createdAt')::bigint AS created_at,
            EXISTS (SELECT 1 FROM c WHERE c.lead_id = l.id AND c.connected) AS connected,
            (l.doc->>'status' = 'booked'
              OR EXISTS (SELECT 1 FROM jsonb_array_elements(l.doc->'assignments') a WHERE a->>'bookedAt' IS NOT NULL)
              OR EXISTS (SELECT 1 FROM c JOIN r ON r.call_id = c.id WHERE c.lead_id = l.id)) AS booked
       FROM l`,
    [from, to],
  );
  return rows.map((r) => ({
    district: r.district,
    service: r.service,
    createdAt: Number(r.created_at),
    connected: r.connected,
    booked: r.booked,
  }));
}

export interface PriceBook {
  now: number;
  rule: PricingRule;
  byArea: Map<string, AreaCounts>;
  byService: Map<Service, AreaCounts>;
  overrides: PriceOverrideRecord[];
}

export async function loadPriceBook(deps: PricingDeps, q: Queryable = deps.db): Promise<PriceBook> {
  const now = deps.now();
  const rule = pricingRule(deps);
  const outcomes = await leadOutcomes(q, now - rule.windowDays * 86_400_000, now);
  const { byArea, byService } = countAreas(rule, outcomes, now);
  return { now, rule, byArea, byService, overrides: await listOverrideRecords(q) };
}

// ───────────────────────────── quotes ─────────────────────────────

export interface Quote {
  district: string;
  service: Service;
  pricePence: number;
  source: 'rule' | 'override';
  /** The rule's price, also when an override applies. */
  rulePricePence: number;
  basis: AreaPrice['basis'] & { method: AreaPrice['method'] };
  explanation: string;
  overrideId?: string;
  override?: OverrideView;
  assessor?: { id: string; name: string } & AssessorPrice;
}

export function quoteFrom(book: PriceBook, district: string, service: Service): Quote {
  const price = areaPrice(
    book.rule,
    district,
    service,
    book.byArea.get(areaKey(district, service)) ?? EMPTY_COUNTS,
    book.byService.get(service) ?? EMPTY_COUNTS,
  );
  const base = {
    district,
    service,
    rulePricePence: price.pricePence,
    basis: { ...price.basis, method: price.method },
  };
  const o = activeOverride(book.overrides, district, service, book.now);
  if (o) {
    return {
      ...base,
      pricePence: o.pricePence,
      source: 'override',
      explanation: `override ${o.id} (${o.reason}) replaces the rule price; the rule says: ${price.explanation}`,
      overrideId: o.id,
      override: overrideView(o, book.now),
    };
  }
  return { ...base, pricePence: price.pricePence, source: 'rule', explanation: price.explanation };
}

/** A district from a full postcode or an outward code; anything else is a 400 INVALID_POSTCODE. */
export function districtOf(raw: unknown, field = 'postcode'): string {
  if (typeof raw !== 'string' || !raw.trim()) throw new ApiError('INVALID_POSTCODE', `${field} is required`, field);
  const district = toDistrict(raw.slice(0, 20));
  if (!district)
    throw new ApiError('INVALID_POSTCODE', `${field}: not a UK postcode or district: ${raw.slice(0, 20)}`, field);
  return district;
}

export function serviceOf(raw: unknown): Service {
  return parseInput(z.object({ service: serviceField }), { service: raw }).service;
}

export async function quote(
  deps: PricingDeps,
  input: { postcode: unknown; service: unknown; assessorId?: unknown },
): Promise<Quote> {
  const district = districtOf(input.postcode);
  const service = serviceOf(input.service);
  const assessorId =
    input.assessorId === undefined
      ? undefined
      : parseInput(z.object({ assessorId: z.string().min(1).max(100) }), { assessorId: input.assessorId }).assessorId;
  const book = await loadPriceBook(deps);
  const q = quoteFrom(book, district, service);
  if (assessorId === undefined) return q;
  const assessor = await findAssessorDoc(deps.db, assessorId);
  if (!assessor) throw new ApiError('UNKNOWN_ASSESSOR', `no assessor ${assessorId}`, 'assessorId');
  return {
    ...q,
    assessor: {
      id: assessor.id,
      name: assessor.name,
      ...assessorPrice(tierPriceRule(deps), q.pricePence, assessor.tier),
    },
  };
}

/** An assessor document by our id or the marketplace's externalId. */
export async function findAssessorDoc(q: Queryable, ref: string): Promise<AssessorDoc | null> {
  const byId = await getDocument(q, 'assessors', ref);
  if (byId) return byId;
  const { rows } = await q.query<{ doc: AssessorDoc }>(
    `SELECT doc FROM sync_documents WHERE collection = 'assessors' AND NOT deleted AND doc->>'externalId' = $1 LIMIT 1`,
    [ref],
  );
  return rows[0]?.doc ?? null;
}

/**
 * Every district × service: the districts with leads in the window, served by an assessor or with an
 * override, each with every service.
 */
export async function listPrices(deps: PricingDeps): Promise<{ windowDays: number; prices: Quote[] }> {
  const book = await loadPriceBook(deps);
  const districts = new Set<string>();
  for (const key of book.byArea.keys()) districts.add(key.split('|')[0]);
  for (const o of book.overrides) districts.add(o.district);
  const { rows } = await deps.db.query<{ district: string }>(
    `SELECT DISTINCT jsonb_array_elements_text(doc->'districts') AS district FROM sync_documents
      WHERE collection = 'assessors' AND NOT deleted`,
  );
  for (const r of rows) districts.add(r.district);
  const prices: Quote[] = [];
  for (const d of [...districts].sort()) for (const s of SERVICES) prices.push(quoteFrom(book, d, s));
  return { windowDays: book.rule.windowDays, prices };
}

// ───────────────────────────── overrides (PR7) ─────────────────────────────

interface OverrideRow {
  id: string;
  district: string;
  service: Service;
  price_pence: number;
  reason: string;
  valid_from: string | number;
  valid_to: string | number | null;
  created_at: string | number;
  created_by: string;
  revoked_at: string | number | null;
  revoked_by: string | null;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

function toRecord(r: OverrideRow): PriceOverrideRecord {
  return {
    id: r.id,
    district: r.district,
    service: r.service,
    pricePence: Number(r.price_pence),
    reason: r.reason,
    validFrom: Number(r.valid_from),
    validTo: num(r.valid_to),
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    revokedAt: num(r.revoked_at),
    revokedBy: r.revoked_by,
  };
}

export interface OverrideView extends PriceOverrideRecord {
  state: OverrideState;
}

export const overrideView = (o: PriceOverrideRecord, now: number): OverrideView => ({
  ...o,
  state: overrideState(o, now),
});

async function listOverrideRecords(q: Queryable): Promise<PriceOverrideRecord[]> {
  const { rows } = await q.query<OverrideRow>('SELECT * FROM price_overrides ORDER BY created_at, id');
  return rows.map(toRecord);
}

/** Who acts: a signed-in admin (the decision is signed by their id). */
function adminOf(auth: RequestAuth | null): { id: string; auth: RequestAuth } {
  if (!auth?.user) throw new ApiError('FORBIDDEN', 'overrides are set by a signed-in admin');
  return { id: auth.user.id, auth };
}

export async function createOverride(
  deps: PricingDeps,
  auth: RequestAuth | null,
  input: unknown,
): Promise<OverrideView> {
  const admin = adminOf(auth);
  return setOverride(deps, { id: admin.id, actor: admin.auth }, input);
}

/**
 * An override set by someone the caller has established: an admin through the route, or the sandbox demo
 * (`demo`, audited as such) showing what overrides look like. Same checks either way (PR7).
 */
export async function setOverride(
  deps: PricingDeps,
  admin: { id: string; actor: Parameters<typeof audit>[1] },
  input: unknown,
): Promise<OverrideView> {
  const body = parseInput(NewOverride, input);
  const district = districtOf(body.district, 'district');
  const now = deps.now();
  const validFrom = body.validFrom ?? now;
  const validTo = body.validTo ?? null;
  if (validTo !== null && validTo <= validFrom)
    throw new ApiError('VALIDATION_FAILED', 'validTo must be after validFrom', 'validTo');
  if (validTo !== null && validTo <= now)
    throw new ApiError('VALIDATION_FAILED', 'validTo is in the past: this override would never apply', 'validTo');
  const id = crypto.randomUUID();
  return deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<OverrideRow>(
      `INSERT INTO price_overrides (id, district, service, price_pence, reason, valid_from, valid_to, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [id, district, body.service, body.pricePence, body.reason, validFrom, validTo, now, admin.id],
    );
    await audit(tx, admin.actor, {
      action: 'pricing.override.create',
      subjectType: 'area',
      subjectId: `${district}:${body.service}`,
      detail: { overrideId: id, pricePence: body.pricePence, reason: body.reason, validFrom, validTo },
    });
    await writeAreaDoc(deps, tx, district, body.service);
    return overrideView(toRecord(rows[0]), now);
  });
}

export async function listOverrides(
  deps: PricingDeps,
  query: Record<string, unknown>,
): Promise<{ overrides: OverrideView[] }> {
  const f = parseInput(OverrideFilter, query);
  const district = f.district === undefined ? undefined : districtOf(f.district, 'district');
  const now = deps.now();
  const all = (await listOverrideRecords(deps.db)).map((o) => overrideView(o, now));
  return {
    overrides: all
      .filter((o) => (!district || o.district === district) && (!f.service || o.service === f.service))
      .filter((o) => !f.state || o.state === f.state)
      .reverse(),
  };
}

export async function revokeOverride(
  deps: PricingDeps,
  auth: RequestAuth | null,
  id: string,
  input: unknown,
): Promise<OverrideView> {
  const admin = adminOf(auth);
  const body = parseInput(RevokeOverride, input ?? {});
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<OverrideRow>('SELECT * FROM price_overrides WHERE id = $1 FOR UPDATE', [id]);
    if (!rows[0]) throw new ApiError('NOT_FOUND', `no price override ${id}`, 'id');
    if (rows[0].revoked_at !== null) throw new ApiError('CONFLICT', `override ${id} is already revoked`, 'id');
    const updated = await tx.query<OverrideRow>(
      'UPDATE price_overrides SET revoked_at = $2, revoked_by = $3 WHERE id = $1 RETURNING *',
      [id, now, admin.id],
    );
    const o = toRecord(updated.rows[0]);
    await audit(tx, admin.auth, {
      action: 'pricing.override.revoke',
      subjectType: 'area',
      subjectId: `${o.district}:${o.service}`,
      detail: { overrideId: id, reason: body.reason ?? null },
    });
    await writeAreaDoc(deps, tx, o.district, o.service);
    return overrideView(o, now);
  });
}

/**
 * The replicated area document admins see (collection `areas`): the rates and rule price now, and the override
 * that applies now or next (validity dates included, so the app can tell when it lapses).
 */
export async function writeAreaDoc(
  deps: PricingDeps,
  tx: Queryable,
  district: string,
  service: Service,
  /** Loaded once by a caller writing many areas. */
  given?: PriceBook,
): Promise<AreaDoc> {
  const book = given ?? (await loadPriceBook(deps, tx));
  const q = quoteFrom(book, district, service);
  const now = book.now;
  const scheduled = book.overrides
    .filter((o) => o.district === district && o.service === service && overrideState(o, now) === 'scheduled')
    .sort((a, b) => a.validFrom - b.validFrom)[0];
  const current = activeOverride(book.overrides, district, service, now) ?? scheduled ?? null;
  // With none applying or coming, the last one that ended stays on the document as it ended (PR7): its end and
  // who ended it (the person who revoked it, or its author when it ran out).
  const shown = current ? documentOverride(current) : lastEnded(book.overrides, district, service, now);
  const id = `${district}:${service}`;
  await lockCollection(tx, 'areas');
  await getDocuments(tx, 'areas', [id], { forUpdate: true });
  const [doc] = await putDocuments(
    tx,
    'areas',
    [
      {
        id,
        updatedAt: now,
        district,
        service,
        leads: q.basis.leads,
        callRate: q.basis.callRate ?? 0,
        conversionRate: q.basis.conversionRate ?? 0,
        suggestedPricePence: q.rulePricePence,
        override: shown,
      },
    ],
    now,
  );
  return doc;
}

type DocOverride = NonNullable<AreaDoc['override']>;

/**
 * How a record reads on the area document: as it was set, or, once someone has ended it (PR7), with its end and
 * the person who ended it. A revocation names its person only when one is known, and only one inside the validity
 * reads as an end (a scheduled override cancelled before it began never applied).
 */
function documentOverride(o: PriceOverrideRecord): DocOverride {
  const set = {
    pricePence: o.pricePence,
    reason: o.reason,
    validFrom: o.validFrom,
    validTo: o.validTo,
    by: o.createdBy,
  };
  if (o.revokedAt !== null && o.revokedBy && o.revokedAt > o.validFrom)
    return { ...set, validTo: o.revokedAt, by: o.revokedBy };
  return set;
}

/** An override that has ended, as the document shows it; null for one that never applied or has no one to name. */
function endedOverride(o: PriceOverrideRecord, now: number): DocOverride | null {
  const state = overrideState(o, now);
  if (state === 'expired') return documentOverride(o);
  if (state === 'revoked' && o.revokedBy && o.revokedAt !== null && o.revokedAt > o.validFrom)
    return documentOverride(o);
  return null;
}

function lastEnded(
  overrides: readonly PriceOverrideRecord[],
  district: string,
  service: Service,
  now: number,
): DocOverride | null {
  let best: DocOverride | null = null;
  for (const o of overrides) {
    if (o.district !== district || o.service !== service) continue;
    const ended = endedOverride(o, now);
    if (ended && (!best || (ended.validTo ?? 0) > (best.validTo ?? 0))) best = ended;
  }
  return best;
}

// ───────────────────────────── overrides made in the app (PR7) ─────────────────────────────

const sameTerms = (a: DocOverride, o: PriceOverrideRecord) =>
  a.pricePence === o.pricePence && a.reason === o.reason && a.validFrom === o.validFrom;

/** The document shows this record: as it was set, or as it ended (PR7). */
const sameOverride = (a: DocOverride, o: PriceOverrideRecord) =>
  sameTerms(a, o) &&
  ((a.validTo === o.validTo && a.by === o.createdBy) || (o.revokedAt === a.validTo && o.revokedBy === a.by));

/** The document ends this record early: same terms, an earlier end, signed by the admin who ends it. */
const endsOverride = (a: DocOverride, o: PriceOverrideRecord) =>
  sameTerms(a, o) && a.validTo !== null && (o.validTo === null || a.validTo < o.validTo) && o.revokedAt === null;

/**
 * Overrides an admin set or cleared in the app (also offline, pushed later) arrive as `areas` documents: the
 * replication policy has checked that the admin signed it and that its dates are in order. Here each becomes an
 * override record like one made by the route (audited, `via: replication`): a document override that matches
 * no record is a new override; a cleared override revokes the one that applied. Idempotent: the server's own
 * area documents always match a record.
 */
export async function applyAreaDocOverrides(deps: PricingDeps): Promise<number> {
  let applied = 0;
  const { rows } = await deps.db.query<{ doc: AreaDoc }>(
    `SELECT doc FROM sync_documents WHERE collection = 'areas' AND NOT deleted ORDER BY id`,
  );
  for (const { doc } of rows) {
    const changed = await deps.db.transaction(async (tx) => {
      await lockCollection(tx, 'areas');
      const [stored] = await getDocuments(tx, 'areas', [doc.id], { forUpdate: true });
      if (!stored) return false;
      const area = stored.doc;
      const now = deps.now();
      const records = (await listOverrideRecords(tx)).filter(
        (o) => o.district === area.district && o.service === area.service,
      );
      const wanted = area.override;
      const ending = wanted ? records.find((o) => endsOverride(wanted, o)) : undefined;
      if (wanted && ending) {
        // Ended early in the app: revoked from the end the admin chose, under their name (PR7). One that has not
        // begun is withdrawn at once (the app sends an end just after its start; it never applies).
        const endsAt = ending.validFrom > now ? now : wanted.validTo;
        await tx.query('UPDATE price_overrides SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [
          ending.id,
          endsAt,
          wanted.by,
        ]);
        await audit(tx, await actorOf(tx, wanted.by), {
          action: 'pricing.override.revoke',
          subjectType: 'area',
          subjectId: area.id,
          detail: { overrideId: ending.id, endsAt, revokedBy: wanted.by, via: 'replication' },
        });
      } else if (wanted) {
        if (records.some((o) => sameOverride(wanted, o))) return false;
        const id = crypto.randomUUID();
        await tx.query(
          `INSERT INTO price_overrides (id, district, service, price_pence, reason, valid_from, valid_to, created_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            id,
            area.district,
            area.service,
            Math.round(wanted.pricePence),
            wanted.reason,
            wanted.validFrom,
            wanted.validTo,
            now,
            wanted.by,
          ],
        );
        await audit(tx, await actorOf(tx, wanted.by), {
          action: 'pricing.override.create',
          subjectType: 'area',
          subjectId: area.id,
          detail: {
            overrideId: id,
            pricePence: wanted.pricePence,
            reason: wanted.reason,
            validFrom: wanted.validFrom,
            validTo: wanted.validTo,
            via: 'replication',
          },
        });
      } else {
        const current = records.filter(
          (o) => o.revokedAt === null && ['active', 'scheduled'].includes(overrideState(o, now)),
        );
        if (!current.length) return false;
        for (const o of current) {
          await tx.query('UPDATE price_overrides SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [
            o.id,
            now,
            null,
          ]);
          await audit(
            tx,
            { label: 'replication' },
            {
              action: 'pricing.override.revoke',
              subjectType: 'area',
              subjectId: area.id,
              detail: { overrideId: o.id, reason: 'cleared in the app', via: 'replication' },
            },
          );
        }
      }
      await writeAreaDoc(deps, tx, area.district, area.service);
      return true;
    });
    if (changed) applied++;
  }
  return applied;
}

async function actorOf(q: Queryable, userId: string): Promise<{ label: string }> {
  const { rows } = await q.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [userId]);
  return { label: rows[0]?.email ?? `user:${userId}` };
}

/** Writes the area document of every district × service (rates and rule price now), so admins see them all. */
export async function refreshAreaDocs(deps: PricingDeps): Promise<number> {
  const { prices } = await listPrices(deps);
  await deps.db.transaction(async (tx) => {
    const book = await loadPriceBook(deps, tx);
    for (const p of prices) await writeAreaDoc(deps, tx, p.district, p.service, book);
  });
  return prices.length;
}
