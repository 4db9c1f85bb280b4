import { useMemo } from 'react';
import { requestJson } from '../../api/client';
import { useSessionStore } from '../../state/session';
import { createRecordingCache } from './offline/recording-cache';
import type { MediaUrls, ReviewApi, ReviewEnv, StaffMember } from './types';

/** The server calls of the review workspace, made with the signed-in session (read at call time). */
export function sessionReviewApi(): ReviewApi {
  const session = () => {
    const s = useSessionStore.getState().session;
    if (!s) throw new Error('not signed in');
    return s;
  };
  return {
    mediaUrl(callId, purpose) {
      const s = session();
      return requestJson<MediaUrls>(s.serverUrl, `/api/calls/${encodeURIComponent(callId)}/media-url`, {
        token: s.token,
        json: { purpose },
      });
    },
    async listReviewers() {
      const s = session();
      if (s.user.role !== 'admin') return [];
      const { users } = await requestJson<{ users: Array<StaffMember & { revoked: boolean }> }>(
        s.serverUrl,
        '/api/users',
        { token: s.token },
      );
      return users.filter((u) => !u.revoked).map(({ id, name, email, role }) => ({ id, name, email, role }));
    },
  };
}

let cache: ReturnType<typeof createRecordingCache> | null = null;

/** The review environment for the signed-in user; stable while the session's user is the same. */
export function useSessionReviewEnv(): ReviewEnv | null {
  const user = useSessionStore((s) => s.session?.user ?? null);
  return useMemo(() => {
    if (!user) return null;
    cache ??= createRecordingCache();
    return { user: { id: user.id, name: user.name, role: user.role }, api: sessionReviewApi(), cache };
  }, [user]);
}
