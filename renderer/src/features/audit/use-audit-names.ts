import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '../../db/hooks';
import { listUsers } from '../../../../shared/contracts/auth';
import { adminApi } from '../../api/admin';
import { referencedIds, type AuditEntry, type AuditNames, type StaffRef } from './audit-model';

/**
 * The names an audit page mentions: staff from the server's account list (accounts are not replicated),
 * calls, leads and assessors from this device's documents, looked up by the ids on the page only. Anything
 * missing (offline, erased, not synced yet) is described without a name by the model.
 */
export function useAuditNames(entries: readonly AuditEntry[]): AuditNames {
  const [staff, setStaff] = useState<ReadonlyMap<string, StaffRef>>(new Map());
  useEffect(() => {
    let live = true;
    adminApi(listUsers, {}).then(
      ({ users }) => live && setStaff(new Map(users.map((u) => [u.id, { id: u.id, email: u.email, name: u.name }]))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const ids = useMemo(() => referencedIds(entries), [entries]);
  const calls = useQuery('calls', { selector: { id: { $in: ids.calls } } });
  const callDocs = calls.docs;
  const leadIds = useMemo(
    () => [...new Set([...ids.leads, ...callDocs.flatMap((c) => (c.leadId ? [c.leadId] : []))])].sort(),
    [ids.leads, callDocs],
  );
  const assessorIds = useMemo(
    () => [...new Set([...ids.assessors, ...callDocs.flatMap((c) => (c.assessorId ? [c.assessorId] : []))])].sort(),
    [ids.assessors, callDocs],
  );
  const leads = useQuery('leads', { selector: { id: { $in: leadIds } } });
  const assessors = useQuery('assessors', { selector: { id: { $in: assessorIds } } });

  return useMemo(
    () => ({
      staff,
      calls: new Map(
        callDocs.map((c) => [
          c.id,
          {
            id: c.id,
            leadId: c.leadId,
            assessorId: c.assessorId,
            startedAt: c.startedAt,
            durationSec: c.recording.durationSec ?? c.talkSeconds,
            district: c.district,
          },
        ]),
      ),
      leads: new Map(
        leads.docs.map((l) => [
          l.id,
          { id: l.id, externalId: l.externalId, customerName: l.customerName, district: l.district },
        ]),
      ),
      assessors: new Map(assessors.docs.map((a) => [a.id, { id: a.id, name: a.name }])),
    }),
    [staff, callDocs, leads.docs, assessors.docs],
  );
}
