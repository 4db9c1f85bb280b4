import { useCallback, useEffect, useRef, useState } from 'react';

export type Tab = 'transcript' | 'score' | 'moments' | 'insight' | 'reviews';

/**
 * The side panel's tab. The transcript is a tab only in a narrow workspace; an admin opening a call someone
 * else reviewed starts on the reviews (they want to read that review, not their own blank scorecard) unless
 * they already chose a tab.
 */
export function useWorkspaceTabs(narrow: boolean, othersFirst: boolean) {
  const [tab, setTabState] = useState<Tab>('score');
  const tabChosen = useRef(false);
  const setTab = useCallback((t: Tab) => {
    tabChosen.current = true;
    setTabState(t);
  }, []);
  // Widening the window puts the transcript back beside the panel: its tab goes away.
  useEffect(() => {
    if (!narrow && tab === 'transcript') setTabState('score');
  }, [narrow, tab]);
  useEffect(() => {
    if (othersFirst && !tabChosen.current) setTabState('reviews');
  }, [othersFirst]);
  return { tab, setTab };
}
