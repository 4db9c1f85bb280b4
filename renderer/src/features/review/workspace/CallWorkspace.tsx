import { useRef, useState } from 'react';
import { useElementWidth } from '../../../ui/use-element-width';
import { CardDetailsAlert, InsightPanel } from '../../insights';
import { CalibrationPanel } from '../../scorecards';
import { useReviewEnv } from '../env';
import { HelpOverlay } from '../player/HelpOverlay';
import type { PlayerHandle } from '../player/WaveformPlayer';
import { TranscriptPane } from '../transcript/TranscriptPane';
import { useReviewUi } from '../ui-store';
import { CallHeader } from './CallHeader';
import { CallReviews } from './CallReviews';
import { MomentList } from './MomentList';
import { RecordingPanel } from './RecordingPanel';
import { ReviewTabs } from './ReviewTabs';
import { ScoreTab } from './ScoreTab';
import { useCallData } from './use-call-data';
import { useMoments } from './use-moments';
import { useRecording } from './use-recording';
import { useActiveQuestion, useReviewEditing } from './use-review-editing';
import { useWorkspaceShortcuts } from './use-workspace-shortcuts';
import { useWorkspaceTabs } from './use-workspace-tabs';

/**
 * Below this width the transcript is a tab of the side panel instead of a column beside it: two columns in
 * less room leave neither readable (a 1024 px window with the queue open has about 530 px for the call).
 */
const SIDE_BY_SIDE_MIN_WIDTH = 680;

/**
 * One call under review: header, player, then the transcript beside a tabbed panel (scorecard, moments, AI
 * insight, and for admins everyone's reviews). Reading the call's documents, the recording, editing the
 * review and the keyboard are hooks beside this file; this component only lays them out.
 */
export function CallWorkspace({ callId }: { callId: string }) {
  const env = useReviewEnv();
  const { user } = env;
  const isAdmin = user.role === 'admin';
  const data = useCallData(callId, env);
  const { call, review, scorecard, othersReviews, insight, insightView } = data;

  const playerRef = useRef<PlayerHandle>(null);
  const { recording, onMediaError } = useRecording(callId, env, playerRef);
  const seek = (t: number) => playerRef.current?.seek(t);

  const [workspaceEl, setWorkspaceEl] = useState<HTMLDivElement | null>(null);
  const width = useElementWidth(workspaceEl);
  const narrow = width !== null && width < SIDE_BY_SIDE_MIN_WIDTH;
  const othersFirst = !data.reviewLoading && !review && othersReviews.length > 0;
  const { tab, setTab } = useWorkspaceTabs(narrow, othersFirst);

  const editing = useReviewEditing(callId, user.id, data);
  const moments = useMoments(editing, () => setTab('moments'));
  const [activeQuestionId, setActiveQuestionId] = useActiveQuestion(scorecard);
  const onAction = useWorkspaceShortcuts({
    playerRef,
    readOnly: editing.readOnly,
    scorecard,
    answers: editing.answers,
    activeQuestionId,
    answer: editing.answer,
    onScored: (next) => {
      setTab('score');
      setActiveQuestionId(next);
    },
    createMoment: moments.create,
    selectMoment: moments.select,
  });
  const helpOpen = useReviewUi((s) => s.helpOpen);

  if (!call) {
    return (
      <div className="rv-workspace empty-state">
        {data.callDoc === null ? 'This call is not on this device.' : 'Loading…'}
      </div>
    );
  }

  return (
    <div className="rv-workspace" data-call={callId} data-narrow={narrow ? 'true' : 'false'} ref={setWorkspaceEl}>
      <CallHeader
        call={call}
        data={data}
        meId={user.id}
        playsOffline={recording.status === 'ready' && recording.source.origin === 'offline'}
        waiting={editing.waiting}
        onOpenInsight={() => setTab('insight')}
        onOpenReviews={() => setTab('reviews')}
      />

      <CardDetailsAlert state={insightView} onSeek={seek} />
      <RecordingPanel
        recording={recording}
        playerRef={playerRef}
        moments={moments}
        analysis={insightView.kind === 'done' ? insightView.analysis : null}
        onAction={onAction}
        onMediaError={onMediaError}
        onMomentSelected={(id) => {
          moments.select(id);
          if (id) setTab('moments');
        }}
      />

      <div className="rv-panes">
        {!narrow && <TranscriptPane insight={insight} onSeek={seek} />}
        <section className="rv-side rv-panel" aria-label="Review">
          <ReviewTabs
            tab={tab}
            setTab={setTab}
            narrow={narrow}
            momentCount={moments.regions.length}
            reviewCount={isAdmin ? othersReviews.length + (review ? 1 : 0) : null}
          />
          {/* Focusable, so the panel scrolls from the keyboard even when what it shows has no control in it. */}
          <div className={`rv-side__body rv-side__body--${tab}`} role="tabpanel" tabIndex={0}>
            {tab === 'transcript' && narrow && <TranscriptPane insight={insight} onSeek={seek} embedded />}
            {tab === 'moments' && (
              <MomentList
                regions={moments.regions}
                selectedId={moments.selectedId}
                focusId={moments.focusId}
                readOnly={editing.readOnly}
                onSelect={moments.select}
                onPlay={(r) => playerRef.current?.playRange(r.start, r.end)}
                onChange={moments.change}
                onDelete={moments.remove}
              />
            )}
            {tab === 'reviews' && isAdmin && (
              // Where two or more reviews differ first (calibration), then each review to read in full.
              <div className="rv-reviews-tab">
                <CalibrationPanel callId={callId} onlyComparisons />
                <CallReviews
                  reviews={review ? [review, ...othersReviews] : othersReviews}
                  staff={data.staff}
                  meId={user.id}
                  onPlay={(r) => playerRef.current?.playRange(r.start, r.end)}
                  onEditOwn={() => setTab('score')}
                />
              </div>
            )}
            {tab === 'insight' && (
              <InsightPanel
                callId={callId}
                insight={insight}
                insights={data.insights}
                state={insightView}
                isAdmin={isAdmin}
                onSeek={seek}
              />
            )}
            {tab === 'score' && (
              <ScoreTab
                callId={callId}
                review={review}
                scorecard={scorecard}
                activeCards={data.activeCards}
                onChooseScorecard={data.chooseScorecard}
                ai={data.ai}
                editing={editing}
                activeQuestionId={activeQuestionId}
                onActivateQuestion={setActiveQuestionId}
                isAdmin={isAdmin}
              />
            )}
          </div>
        </section>
      </div>
      {helpOpen && <HelpOverlay onClose={() => useReviewUi.getState().setHelpOpen(false)} />}
    </div>
  );
}
