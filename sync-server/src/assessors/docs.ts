import { maskPhone } from '../../../shared/phone';
import type { AssessorDoc, Service } from '../../../shared/schemas';
import type { Queryable } from '../db';
import { getDocuments, lockCollection, putDocuments } from '../replication/store';

/** The assessors table's row and the one mapper from it to the replicated document. */
export interface AssessorRow {
  id: string;
  external_id: string;
  name: string;
  phone: string;
  districts: string[];
  services: Service[];
  active: boolean;
  sandbox: boolean;
  created_at: number;
  updated_at: number;
}

/** The real number is stored for admins; the replication policy hides it from other roles. */
export function assessorDoc(r: AssessorRow, previous: AssessorDoc | null): AssessorDoc {
  return {
    id: r.id,
    updatedAt: r.updated_at,
    externalId: r.external_id,
    name: r.name,
    phone: r.phone,
    phoneMasked: maskPhone(r.phone),
    districts: r.districts,
    services: r.services,
    active: r.active,
    // Tiers and courses are decided elsewhere (tier approvals, training): kept as stored.
    tier: previous?.tier ?? null,
    coursesCompleted: previous?.coursesCompleted ?? [],
    createdAt: r.created_at,
    sandbox: r.sandbox,
  };
}

export async function writeAssessorDocs(tx: Queryable, ids: string[], now: number): Promise<AssessorDoc[]> {
  if (!ids.length) return [];
  await lockCollection(tx, 'assessors');
  const rows = await tx.query<AssessorRow>('SELECT * FROM assessors WHERE id = ANY($1::text[]) ORDER BY id', [ids]);
  const previous = new Map((await getDocuments(tx, 'assessors', ids, { forUpdate: true })).map((d) => [d.id, d.doc]));
  return putDocuments(
    tx,
    'assessors',
    rows.rows.map((r) => assessorDoc(r, previous.get(r.id) ?? null)),
    now,
  );
}
