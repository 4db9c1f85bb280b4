import type { ReactNode } from 'react';
import type { Tab } from './use-workspace-tabs';

/** The side panel's tabs. The transcript has one only in a narrow workspace; reviews only for admins. */
export function ReviewTabs({
  tab,
  setTab,
  narrow,
  momentCount,
  reviewCount,
}: {
  tab: Tab;
  setTab(t: Tab): void;
  narrow: boolean;
  momentCount: number;
  /** Null when the reviews tab is not shown (not an admin). */
  reviewCount: number | null;
}) {
  const button = (id: Tab, children: ReactNode) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      className={`rv-tabs__tab${tab === id ? ' is-active' : ''}`}
      onClick={() => setTab(id)}
    >
      {children}
    </button>
  );
  return (
    <div className="rv-tabs" role="tablist">
      {narrow && button('transcript', 'Transcript')}
      {button('score', 'Scorecard')}
      {button(
        'moments',
        <>
          Moments <span className="rv-tabs__count num">{momentCount}</span>
        </>,
      )}
      {button('insight', 'AI insight')}
      {reviewCount !== null &&
        button(
          'reviews',
          <>
            Reviews <span className="rv-tabs__count num">{reviewCount}</span>
          </>,
        )}
    </div>
  );
}
