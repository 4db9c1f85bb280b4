import crypto from 'node:crypto';
import { AssessorPatch, NewAssessor } from '../../../shared/contracts/leads';
import { parseUkPhone } from '../../../shared/phone';
import { findRoutingConflicts } from '../../../shared/pool';
import { toDistrict } from '../../../shared/postcode';
import { audit } from '../audit/log';
import type { Config } from '../config';
import type { Database, Queryable } from '../db';
import { ApiError, parseInput } from '../http/errors';
import { lockPool, poolPolicy, SESSION_COLUMNS, toPoolSession, type SessionRow } from '../pool/store';
import { assessorDoc, writeAssessorDocs, type AssessorRow } from './docs';

/**
 * The marketplace's assessors: created and changed by the marketplace (API key) or an admin, each operation one
 * transaction, validated first (nothing is written on a refusal). Leads look assessors up here.
 */
export interface AssessorDeps {
  db: Database;
  config: Config;
  now(): number;
}

/** Who acts, for the audit trail: a request's auth, or a named system actor (CLI, sandbox demo). */
export type Actor = Parameters<typeof audit>[1];

/** A UK number we can connect, in E.164; INVALID_PHONE naming the field otherwise. */
export function ukPhone(raw: string, field: string): string {
  const r = parseUkPhone(raw);
  if (!r.ok) throw new ApiError('INVALID_PHONE', `${field}: not a UK phone number we can connect (${r.reason})`, field);
  return r.e164;
}

export function postcodeDistricts(list: string[], field: string): string[] {
  return [
    ...new Set(
      list.map((d, i) => {
        const district = toDistrict(d);
        if (!district)
          throw new ApiError('INVALID_POSTCODE', `${field}.${i}: not a postcode district: ${d}`, `${field}.${i}`);
        return district;
      }),
    ),
  ];
}

function assessorOut(r: AssessorRow) {
  return assessorDoc(r, null);
}

export async function createAssessor(
  deps: AssessorDeps,
  actor: Actor,
  input: unknown,
  opts: { sandbox?: boolean } = {},
): Promise<{ created: boolean; assessor: ReturnType<typeof assessorOut> }> {
  const body = parseInput(NewAssessor, input);
  const phone = ukPhone(body.phone, 'phone');
  const districts = postcodeDistricts(body.districts, 'districts');
  const services = [...new Set(body.services)];
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const existing = await tx.query<AssessorRow>('SELECT * FROM assessors WHERE external_id = $1', [body.externalId]);
    if (existing.rows[0]) {
      const e = existing.rows[0];
      const same =
        e.name === body.name && e.phone === phone && sameSet(e.districts, districts) && sameSet(e.services, services);
      if (!same)
        throw new ApiError(
          'CONFLICT',
          `assessor ${body.externalId} exists with other details (id ${e.id}); change it with PATCH /api/assessors/${e.id}`,
          'externalId',
        );
      return { created: false, assessor: assessorOut(e) };
    }
    const id = crypto.randomUUID();
    const { rows } = await tx.query<AssessorRow>(
      `INSERT INTO assessors (id, external_id, name, phone, districts, services, active, sandbox, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8, $8) RETURNING *`,
      [id, body.externalId, body.name, phone, districts, services, opts.sandbox ?? deps.config.sandbox, now],
    );
    await writeAssessorDocs(tx, [id], now);
    await audit(tx, actor, {
      action: 'assessor.create',
      subjectType: 'assessor',
      subjectId: id,
      detail: { externalId: body.externalId },
    });
    return { created: true, assessor: assessorOut(rows[0]) };
  });
}

export async function updateAssessor(deps: AssessorDeps, actor: Actor, idOrExternal: string, input: unknown) {
  const patch = parseInput(AssessorPatch, input);
  const phone = patch.phone !== undefined ? ukPhone(patch.phone, 'phone') : undefined;
  const districts = patch.districts !== undefined ? postcodeDistricts(patch.districts, 'districts') : undefined;
  const now = deps.now();
  const policy = poolPolicy(deps.config);
  return deps.db.transaction(async (tx) => {
    await lockPool(tx);
    const found = await findAssessors(tx, [idOrExternal]);
    const current = found.get(idOrExternal);
    if (!current) throw new ApiError('UNKNOWN_ASSESSOR', `no assessor ${idOrExternal}`, 'id');
    await tx.query(
      `UPDATE assessors SET name = coalesce($2, name), active = coalesce($3, active), phone = coalesce($4, phone),
              districts = coalesce($5, districts), services = coalesce($6, services), updated_at = $7
        WHERE id = $1`,
      [
        current.id,
        patch.name ?? null,
        patch.active ?? null,
        phone ?? null,
        districts ?? null,
        patch.services ? [...new Set(patch.services)] : null,
        now,
      ],
    );
    if (phone !== undefined && phone !== current.phone) {
      // Open sessions follow the assessor to the new phone, unless that would make a routing key ambiguous.
      await tx.query(
        'UPDATE pool_sessions SET assessor_phone = $2 WHERE assessor_id = $1 AND closed_at IS NULL AND expires_at > $3',
        [current.id, phone, now],
      );
      const involved = await tx.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM pool_sessions WHERE (customer_phone = $1 OR assessor_phone = $1) AND LEAST(coalesce(closed_at, expires_at), expires_at) > $2`,
        [phone, now - policy.cooldownMs],
      );
      const conflicts = findRoutingConflicts(involved.rows.map(toPoolSession), now, policy);
      if (conflicts.length) {
        throw new ApiError(
          'CONFLICT',
          `the new phone already takes part in sessions on the same pool numbers (${conflicts.map((c) => c.rule).join(', ')}); close those leads first`,
          'phone',
        );
      }
    }
    const [doc] = await writeAssessorDocs(tx, [current.id], now);
    await audit(tx, actor, {
      action: 'assessor.update',
      subjectType: 'assessor',
      subjectId: current.id,
      detail: { fields: Object.keys(patch) },
    });
    return { assessor: doc };
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('|') === [...b].sort().join('|');
}

/** Assessors by our id or the marketplace's externalId. */
export async function findAssessors(q: Queryable, refs: string[]): Promise<Map<string, AssessorRow>> {
  const { rows } = await q.query<AssessorRow>(
    'SELECT * FROM assessors WHERE id = ANY($1::text[]) OR external_id = ANY($1::text[])',
    [refs],
  );
  const out = new Map<string, AssessorRow>();
  for (const ref of refs) {
    const hit = rows.find((r) => r.id === ref) ?? rows.find((r) => r.external_id === ref);
    if (hit) out.set(ref, hit);
  }
  return out;
}
