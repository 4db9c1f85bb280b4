import { useEffect, useState } from 'react';
import type { ReviewApi, StaffMember } from './types';

let cached: { api: ReviewApi; staff: Promise<StaffMember[]> } | null = null;

/**
 * Staff who can take review work (admins only can list them; for others this stays empty). Fetched once per
 * session; offline it is empty and assignment controls say so.
 */
export function useStaff(api: ReviewApi, enabled: boolean): StaffMember[] {
  const [staff, setStaff] = useState<StaffMember[]>([]);
  useEffect(() => {
    if (!enabled) return;
    if (!cached || cached.api !== api) {
      const staff = api.listReviewers();
      cached = { api, staff };
      // A failed fetch (offline) is not remembered, so the next screen asks again.
      staff.catch(() => {
        if (cached?.staff === staff) cached = null;
      });
    }
    let live = true;
    cached.staff.then(
      (list) => live && setStaff(list),
      () => live && setStaff([]),
    );
    return () => {
      live = false;
    };
  }, [api, enabled]);
  return staff;
}

export function staffName(staff: readonly StaffMember[], id: string | null, me: string): string {
  if (id === null) return 'Unassigned';
  if (id === me) return 'You';
  return staff.find((s) => s.id === id)?.name ?? 'Another reviewer';
}
