import { useMemo } from 'react';
import { listUsers } from '../../../../shared/contracts/auth';
import { mediaUrl } from '../../../../shared/contracts/recordings';
import { callApi } from '../../api/client';
import { useSessionStore } from '../../state/session';
import { createRecordingCache } from './offline/recording-cache';
import type { MediaUrls, ReviewApi, ReviewEnv } from './types';

/** The server calls of the review workspace, made with the signed-in session (read at call time). */
export function sessionReviewApi(): ReviewApi {
  const session = () => {
    const s = useSessionStore.getState().session;
    if (!s) throw new Error('not signed in');
    return s;
  };
  return {
    async mediaUrl(callId, purpose): Promise<MediaUrls> {
      const s = session();
      const urls = await callApi(
        s.serverUrl,
        mediaUrl,
        { params: { id: callId }, body: { purpose } },
        { token: s.token },
      );
      // Asked for playback or offline use, the server answers playback URLs (a download answers a file link).
      if (!('audioUrl' in urls)) throw new Error('the server answered a download link for playback');
      return urls;
    },
    async listReviewers() {
      const s = session();
      if (s.user.role !== 'admin') return [];
      const { users } = await callApi(s.serverUrl, listUsers, {}, { token: s.token });
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
