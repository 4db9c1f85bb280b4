import type { CallDoc } from '../../../../../shared/schemas';
import { patchDoc, useDatabase } from '../../../db/hooks';
import { useReviewEnv } from '../env';
import { staffName, useStaff } from '../staff';

/**
 * Who reviews this call. Admins assign anyone (the replication policy lets admins push `reviewAssignee`);
 * a reviewer takes an unassigned call or gives back their own (shared/sync-policy.ts).
 */
export function AssignmentControl({ call }: { call: CallDoc }) {
  const db = useDatabase();
  const { user, api } = useReviewEnv();
  const isAdmin = user.role === 'admin';
  const staff = useStaff(api, isAdmin);
  const assign = (assignee: string | null) => void patchDoc(db, 'calls', call.id, { reviewAssignee: assignee });

  if (isAdmin) {
    const reviewers = staff.filter((s) => s.role === 'reviewer' || s.role === 'admin');
    const known = call.reviewAssignee === null || reviewers.some((s) => s.id === call.reviewAssignee);
    return (
      <label className="rv-assign">
        <span className="subtle">Reviewer</span>
        <select
          className="select"
          value={call.reviewAssignee ?? ''}
          onChange={(e) => assign(e.target.value || null)}
          aria-label="Assign reviewer"
        >
          <option value="">Unassigned</option>
          {!known && (
            <option value={call.reviewAssignee ?? ''}>{staffName(staff, call.reviewAssignee, user.id)}</option>
          )}
          {reviewers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id === user.id ? `${s.name} (you)` : s.name}
            </option>
          ))}
        </select>
      </label>
    );
  }
  if (call.reviewAssignee === null) {
    return (
      <button type="button" className="btn btn--sm" onClick={() => assign(user.id)}>
        Take this call
      </button>
    );
  }
  if (call.reviewAssignee === user.id) {
    return (
      <span className="rv-assign">
        <span className="badge badge--info">Assigned to you</span>
        <button type="button" className="btn btn--sm btn--ghost" onClick={() => assign(null)}>
          Release
        </button>
      </span>
    );
  }
  return <span className="badge">Assigned to another reviewer</span>;
}
