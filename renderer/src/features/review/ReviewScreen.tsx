import { useReviewUi } from './ui-store';
import { OfflinePanel } from './offline/OfflinePanel';
import { ReviewQueue } from './queue/ReviewQueue';
import { CallWorkspace } from './workspace/CallWorkspace';
import '../../ui/panel.css';
import './review.css';
import { EmptyState } from '../../ui/EmptyState';

/** The QA review workspace: the queue on the left, the open call on the right. */
export function ReviewScreen() {
  const openCallId = useReviewUi((s) => s.openCallId);
  return (
    <div className="rv-screen">
      <aside className="rv-screen__queue">
        <ReviewQueue />
        <OfflinePanel />
      </aside>
      <main className="rv-screen__main">
        {openCallId ? (
          <CallWorkspace key={openCallId} callId={openCallId} />
        ) : (
          <EmptyState className="rv-screen__empty" title="Choose a call to review">
            <p className="muted">
              Pick a call from the queue. Press <kbd>?</kbd> in the player for keyboard shortcuts.
            </p>
          </EmptyState>
        )}
      </main>
    </div>
  );
}
