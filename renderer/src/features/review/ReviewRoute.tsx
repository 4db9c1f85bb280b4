import { useEffect, useRef } from 'react';
import { navigate, useSubPath } from '../../app/router';
import { ReviewEnvContext } from './env';
import { ReviewScreen } from './ReviewScreen';
import { useSessionReviewEnv } from './session-env';
import { useReviewUi } from './ui-store';

/**
 * The review screen in the app shell. The open call lives in the address (`#/review/call/<id>`), so the
 * back button, a reload and a link from elsewhere (the agreement report, a calibration row) open it.
 */
export default function ReviewRoute() {
  const env = useSessionReviewEnv();
  const sub = useSubPath('/review');
  const fromPath = sub[0] === 'call' && sub[1] ? sub[1] : null;
  const openCallId = useReviewUi((s) => s.openCallId);

  useEffect(() => {
    if (fromPath !== useReviewUi.getState().openCallId) useReviewUi.getState().openCall(fromPath);
  }, [fromPath]);
  // The store's value this effect last saw: on a deep link the store starts empty and is filled from the path
  // above, which must not navigate back to `/review` (that ping-pong never settles).
  const seenCallId = useRef(openCallId);
  useEffect(() => {
    if (seenCallId.current === openCallId) return;
    seenCallId.current = openCallId;
    if (openCallId !== fromPath) navigate(openCallId ? `/review/call/${encodeURIComponent(openCallId)}` : '/review');
    // Only the store's changes drive navigation here (the path's changes are handled above); depending on
    // the path too would navigate back to the old call while the address is changing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [openCallId]);

  if (!env) return null;
  return (
    <ReviewEnvContext.Provider value={env}>
      <ReviewScreen />
    </ReviewEnvContext.Provider>
  );
}
