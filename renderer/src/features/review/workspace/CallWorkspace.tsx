import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DeepReadonly } from 'rxdb';
import { pickCurrentInsight } from '../../../../../shared/analysis';
import type {
  CallDoc,
  InsightDoc,
  Outcome,
  ReviewAnswer,
  ReviewDoc,
  ReviewRegion,
  ScorecardDoc,
} from '../../../../../shared/schemas';
import { useDatabase, useDocument, useQuery } from '../../../db/hooks';
import { CalibrationPanel, ScorecardForm, allQuestions, answerForKey, nextQuestionId } from '../../scorecards';
import { aiOutcomeOf } from '../ai-outcome';
import { useReviewEnv } from '../env';
import { HelpOverlay } from '../player/HelpOverlay';
import { PlayerToolbar } from '../player/PlayerToolbar';
import { WaveformPlayer, type PlayerHandle } from '../player/WaveformPlayer';
import { usePlayhead } from '../player/playhead';
import { openRecording, refreshAudioUrl, type RecordingSource } from '../player/recording-source';
import { isTypingTarget, shortcutFor, stepSpeed, stepZoom, type ShortcutAction } from '../player/shortcuts';
import {
  chooseScorecard,
  editReview,
  newReview,
  putRegion,
  removeRegion,
  reopen,
  reviewIdFor,
  setAiOutcome,
  setAnswer,
  setNotes,
  setOutcome,
  submit,
  submitProblems,
  type SubmitProblem,
} from '../review-doc';
import { saveReview } from '../review-store';
import { isWaitingToSync, useReviewOutbox } from '../outbox';
import { TranscriptPane } from '../transcript/TranscriptPane';
import { useReviewUi } from '../ui-store';
import { MomentList } from './MomentList';
import { OutcomePicker } from './OutcomePicker';
import { AssignmentControl } from './AssignmentControl';
import { CallReviews } from './CallReviews';
import { staffName, useStaff } from '../staff';
import {
  CardDetailsAlert,
  InsightHeaderBadge,
  InsightPanel,
  InsightWaveOverlay,
  useInsightState,
  type WaveSurface,
} from '../../insights';
import { formatClock } from '../../../ui/format';
import { SERVICE_LABELS } from '../../../ui/labels';

// Documents from queries are fresh JSON copies; the pure review functions take the plain types.
const plain = <T,>(doc: DeepReadonly<T>): T => doc as unknown as T;

type Tab = 'transcript' | 'score' | 'moments' | 'insight' | 'reviews';

/**
 * Below this width the transcript is a tab of the side panel instead of a column beside it: two columns in
 * less room leave neither readable (a 1024 px window with the queue open has about 530 px for the call).
 */
const SIDE_BY_SIDE_MIN_WIDTH = 680;

/** The width of an element, kept current as it is resized (null until it is in the page). */
function useWidth(el: HTMLElement | null): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry.contentRect.width));
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return width;
}

const PROBLEM_TEXT: Record<SubmitProblem, string> = {
  no_scorecard: 'There is no scorecard to answer yet.',
  unanswered: 'Answer every question (N/A where allowed).',
  invalid_answers: 'Some answers do not fit their question.',
  no_outcome: 'Choose the outcome of the call.',
};

/** One call under review: player, transcript, moments, scorecard and outcome. */
export function CallWorkspace({ callId }: { callId: string }) {
  const db = useDatabase();
  const { user, api, cache } = useReviewEnv();
  const { doc: callDoc } = useDocument('calls', callId);
  const call = callDoc ? plain<CallDoc>(callDoc) : null;
  const { docs: insightDocs } = useQuery('insights', { selector: { callId } });
  const insight = useMemo(() => pickCurrentInsight(insightDocs.map((d) => plain<InsightDoc>(d))), [insightDocs]);
  const ai = aiOutcomeOf(insight);
  const insightView = useInsightState(insight, call);
  const [waveSurface, setWaveSurface] = useState<WaveSurface | null>(null);
  const reviewId = reviewIdFor(callId, user.id);
  const { doc: reviewDoc, loading: reviewLoading } = useDocument('reviews', reviewId);
  const review = reviewDoc ? plain<ReviewDoc>(reviewDoc) : null;
  // Everyone's reviews of this call that this device holds: only an admin's device holds other people's.
  const { docs: callReviewDocs } = useQuery('reviews', { selector: { callId } });
  const othersReviews = useMemo(
    () => callReviewDocs.map((d) => plain<ReviewDoc>(d)).filter((r) => r.reviewerId !== user.id),
    [callReviewDocs, user.id],
  );
  const staff = useStaff(api, user.role === 'admin');
  const { docs: activeCards } = useQuery('scorecards', { selector: { active: true }, sort: [{ createdAt: 'desc' }] });
  const { doc: reviewCardDoc } = useDocument('scorecards', review?.scorecardId ?? null);
  const [chosenCardId, setChosenCardId] = useState<string | null>(null);
  const scorecard: ScorecardDoc | null = reviewCardDoc
    ? plain<ScorecardDoc>(reviewCardDoc)
    : (((activeCards.find((c) => c.id === chosenCardId) ?? activeCards[0]) as ScorecardDoc | undefined) ?? null);
  const { doc: assessorDoc } = useDocument('assessors', call?.assessorId ?? null);

  const speed = useReviewUi((s) => s.speed);
  const zoom = useReviewUi((s) => s.zoom);
  const helpOpen = useReviewUi((s) => s.helpOpen);
  const { setSpeed, setZoom, setHelpOpen } = useReviewUi.getState();

  const playerRef = useRef<PlayerHandle>(null);
  const [recording, setRecording] = useState<
    { status: 'loading' } | { status: 'ready'; source: RecordingSource } | { status: 'error'; message: string }
  >({ status: 'loading' });
  const [selectedRegionId, setSelectedRegionId] = useState<string | null>(null);
  const [focusRegionId, setFocusRegionId] = useState<string | null>(null);
  const [tab, setTabState] = useState<Tab>('score');
  const tabChosen = useRef(false);
  const setTab = useCallback((t: Tab) => {
    tabChosen.current = true;
    setTabState(t);
  }, []);
  const [activeQuestionId, setActiveQuestionId] = useState<string | null>(null);
  const [showProblems, setShowProblems] = useState(false);
  const markIn = usePlayhead((s) => s.markIn);
  const outbox = useReviewOutbox((s) => s.pending);
  const [workspaceEl, setWorkspaceEl] = useState<HTMLDivElement | null>(null);
  const width = useWidth(workspaceEl);
  const narrow = width !== null && width < SIDE_BY_SIDE_MIN_WIDTH;
  // Widening the window puts the transcript back beside the panel: its tab goes away.
  useEffect(() => {
    if (!narrow && tab === 'transcript') setTabState('score');
  }, [narrow, tab]);

  // Open the recording: the offline copy if there is one, else signed URLs from the server.
  useEffect(() => {
    const abort = new AbortController();
    let opened: RecordingSource | null = null;
    setRecording({ status: 'loading' });
    // The playhead is one store for the whole screen: the last call's length must not show for this one,
    // which may never load (offline without a copy on this device).
    usePlayhead.setState({ time: 0, duration: 0, markIn: null, playing: false });
    openRecording(callId, { api, cache }, abort.signal).then(
      (source) => {
        if (abort.signal.aborted) return source.release();
        opened = source;
        setRecording({ status: 'ready', source });
      },
      (err: Error) => {
        if (!abort.signal.aborted) setRecording({ status: 'error', message: err.message });
      },
    );
    return () => {
      abort.abort();
      opened?.release();
    };
  }, [callId, api, cache]);

  // An admin opening a call someone else reviewed wants to read that review, not their own blank scorecard.
  const othersFirst = !reviewLoading && !review && othersReviews.length > 0;
  useEffect(() => {
    if (othersFirst && !tabChosen.current) setTabState('reviews');
  }, [othersFirst]);

  useEffect(() => {
    if (scorecard && !activeQuestionId) setActiveQuestionId(allQuestions(scorecard)[0]?.id ?? null);
  }, [scorecard, activeQuestionId]);

  const readOnly = review?.status === 'submitted';

  const edit = useCallback(
    (...edits: Array<(d: ReviewDoc) => ReviewDoc>) =>
      saveReview(
        db.reviews,
        reviewId,
        () => newReview(callId, user.id, scorecard?.id ?? null, ai?.outcome ?? null, Date.now()),
        (d) => editReview(d, Date.now(), scorecard, ...edits),
      ),
    [db, reviewId, callId, user.id, scorecard, ai?.outcome],
  );

  // Keep the AI's outcome recorded on a draft current (analysis may finish after the review started).
  useEffect(() => {
    if (review && review.status === 'draft' && ai && review.aiOutcome !== ai.outcome)
      void edit(setAiOutcome(ai.outcome));
  }, [review, ai, edit]);

  const answers = review?.answers ?? {};
  const regions = review?.regions ?? [];

  const answer = (questionId: string, value: ReviewAnswer | undefined) => {
    if (readOnly || !scorecard) return;
    const edits = [setAnswer(questionId, value)];
    if (!review?.scorecardId) edits.unshift(chooseScorecard(scorecard.id));
    void edit(...edits);
  };

  // Checked against the review as saved after every edit still queued (an outcome clicked a moment ago),
  // not against what this render shows.
  const submitReview = async () => {
    let blocked: SubmitProblem[] = [];
    await saveReview(
      db.reviews,
      reviewId,
      () => newReview(callId, user.id, scorecard?.id ?? null, ai?.outcome ?? null, Date.now()),
      (d) => {
        blocked = submitProblems(d, scorecard);
        return blocked.length > 0 ? d : editReview(d, Date.now(), scorecard, submit(Date.now()));
      },
    );
    setShowProblems(blocked.length > 0);
  };

  const createRegion = (start: number, end: number) => {
    if (readOnly) return;
    const id = crypto.randomUUID();
    void edit(putRegion({ id, start, end, label: '', comment: '' }));
    setSelectedRegionId(id);
    setFocusRegionId(id);
    setTab('moments');
  };

  const handleAction = (action: ShortcutAction) => {
    const player = playerRef.current;
    switch (action.type) {
      case 'toggle_play':
        return player?.togglePlay();
      case 'pause':
        return player?.pause();
      case 'skip':
        return player?.skip(action.seconds);
      case 'seek_start':
        return player?.seek(0);
      case 'seek_end':
        return player?.seek(usePlayhead.getState().duration);
      case 'speed':
        return setSpeed(stepSpeed(speed, action.direction));
      case 'speed_reset':
        return setSpeed(1);
      case 'zoom':
        return setZoom(stepZoom(zoom, action.direction));
      case 'mark_in':
        if (!readOnly && player) usePlayhead.setState({ markIn: player.currentTime() });
        return;
      case 'mark_out': {
        if (readOnly || !player) return;
        const t = player.currentTime();
        // Without an in point, `]` marks the last five seconds: the moment that was just heard.
        const from = usePlayhead.getState().markIn ?? Math.max(0, t - 5);
        usePlayhead.setState({ markIn: null });
        if (Math.abs(t - from) >= 0.3) createRegion(Math.min(from, t), Math.max(from, t));
        return;
      }
      case 'score': {
        if (!scorecard || readOnly) return;
        const q = allQuestions(scorecard).find((x) => x.id === activeQuestionId);
        if (!q) return;
        const value = answerForKey(q, action.value);
        if (value === null) return;
        answer(q.id, value);
        setTab('score');
        setActiveQuestionId(nextQuestionId(scorecard, q.id, { ...answers, [q.id]: value }));
        return;
      }
      case 'help':
        return setHelpOpen(!useReviewUi.getState().helpOpen);
      case 'escape':
        if (useReviewUi.getState().helpOpen) return setHelpOpen(false);
        if (usePlayhead.getState().markIn !== null) return usePlayhead.setState({ markIn: null });
        return setSelectedRegionId(null);
    }
  };
  const actionRef = useRef(handleAction);
  actionRef.current = handleAction;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target)) return;
      const action = shortcutFor(e);
      if (!action) return;
      // Space would also click a focused button and arrows would scroll: the workspace owns these keys.
      e.preventDefault();
      actionRef.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const lastUrlRefresh = useRef(0);
  const onMediaError = useCallback(
    (err: Error) => {
      if (recording.status !== 'ready') return;
      // A play() interrupted by a pause, or refused before any user gesture: nothing is wrong with the media.
      if (err.name === 'AbortError' || err.name === 'NotAllowedError') return;
      const stopped = () =>
        setRecording({
          status: 'error',
          message: `Playback stopped: ${err.message || 'the recording could not be loaded'}.`,
        });
      // Most likely the signed URL expired while the call was open: ask for a fresh one once and carry on. A
      // second failure soon after is a real one.
      if (recording.source.origin !== 'server' || Date.now() - lastUrlRefresh.current < 15_000) return stopped();
      lastUrlRefresh.current = Date.now();
      const resume = usePlayhead.getState().playing;
      refreshAudioUrl(callId, api).then(({ url }) => playerRef.current?.replaceUrl(url, resume), stopped);
    },
    [recording, callId, api],
  );

  if (!call) {
    return (
      <div className="rv-workspace empty-state">
        {callDoc === null ? 'This call is not on this device.' : 'Loading…'}
      </div>
    );
  }

  const problems = review
    ? submitProblems(review, scorecard)
    : submitProblems(newReview(callId, user.id, scorecard?.id ?? null, null, 0), scorecard);
  const waiting = review ? isWaitingToSync(outbox, review.id) : false;

  return (
    <div className="rv-workspace" data-call={callId} data-narrow={narrow ? 'true' : 'false'} ref={setWorkspaceEl}>
      <header className="rv-call-head">
        <div>
          <h2 className="rv-call-head__title">
            {call.district ?? '—'} · {call.service ? SERVICE_LABELS[call.service] : 'Unknown service'}
            {call.sandbox && <span className="badge badge--sandbox">Sandbox</span>}
          </h2>
          <p className="muted rv-call-head__meta">
            {assessorDoc?.name ?? 'Unknown assessor'} ·{' '}
            {new Date(call.startedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })} ·{' '}
            <span className="num">{formatClock(call.recording.durationSec ?? call.talkSeconds)}</span>
            {call.direction && (
              <> · {call.direction === 'customer_to_assessor' ? 'Customer called' : 'Assessor called'}</>
            )}
          </p>
        </div>
        <span className="spacer" />
        {recording.status === 'ready' && recording.source.origin === 'offline' && (
          <span className="badge badge--ok" title="Playing from the copy on this device">
            Available offline
          </span>
        )}
        <InsightHeaderBadge insight={insight} state={insightView} onOpen={() => setTab('insight')} />
        {othersReviews.length > 0 && (
          <button
            type="button"
            className="badge rv-others-badge"
            data-testid="others-reviews"
            onClick={() => setTab('reviews')}
            title="Read the reviews of this call"
          >
            {othersReviews.length === 1
              ? `Reviewed by ${staffName(staff, othersReviews[0].reviewerId, user.id)}`
              : `${othersReviews.length} reviews by others`}
          </button>
        )}
        <ReviewStatus review={review} waiting={waiting} loading={reviewLoading} others={othersReviews.length > 0} />
        <AssignmentControl call={call} />
      </header>

      <CardDetailsAlert state={insightView} onSeek={(t) => playerRef.current?.seek(t)} />
      <section className="rv-player" aria-label="Recording">
        <PlayerToolbar
          speed={speed}
          zoom={zoom}
          disabled={recording.status !== 'ready'}
          onTogglePlay={() => handleAction({ type: 'toggle_play' })}
          onSkip={(s) => handleAction({ type: 'skip', seconds: s })}
          onSpeed={setSpeed}
          onZoom={setZoom}
          onHelp={() => setHelpOpen(true)}
        />
        {recording.status === 'loading' && <div className="rv-player__state">Loading the waveform…</div>}
        {recording.status === 'error' && (
          <div className="rv-player__state rv-player__state--error" role="alert">
            <strong>The recording cannot be played.</strong> {recording.message}
          </div>
        )}
        {recording.status === 'ready' && (
          <WaveformPlayer
            ref={playerRef}
            url={recording.source.url}
            peaks={recording.source.peaks}
            detailPeaksUrl={recording.source.detailPeaksUrl}
            speed={speed}
            zoom={zoom}
            regions={regions}
            selectedRegionId={selectedRegionId}
            markIn={markIn}
            onRegionCreate={createRegion}
            onRegionChange={(id, start, end) => {
              const r = regions.find((x) => x.id === id);
              if (r && !readOnly) void edit(putRegion({ ...r, start, end }));
            }}
            onRegionSelect={(id) => {
              setSelectedRegionId(id);
              if (id) setTab('moments');
            }}
            onMediaError={onMediaError}
            onWaveSurfer={setWaveSurface}
          />
        )}
        {recording.status === 'ready' && (
          <InsightWaveOverlay
            surface={waveSurface}
            analysis={insightView.kind === 'done' ? insightView.analysis : null}
            onSeek={(t) => playerRef.current?.seek(t)}
          />
        )}
        {markIn !== null && (
          <p className="rv-player__hint" role="status">
            Marking a moment from <span className="num">{formatClock(markIn)}</span>: press <kbd>]</kbd> at its end,{' '}
            <kbd>Esc</kbd> to cancel.
          </p>
        )}
      </section>

      <div className="rv-panes">
        {!narrow && <TranscriptPane insight={insight} onSeek={(t) => playerRef.current?.seek(t)} />}
        <section className="rv-side rv-panel" aria-label="Review">
          <div className="rv-tabs" role="tablist">
            {narrow && (
              <TabButton id="transcript" tab={tab} setTab={setTab}>
                Transcript
              </TabButton>
            )}
            <TabButton id="score" tab={tab} setTab={setTab}>
              Scorecard
            </TabButton>
            <TabButton id="moments" tab={tab} setTab={setTab}>
              Moments <span className="rv-tabs__count num">{regions.length}</span>
            </TabButton>
            <TabButton id="insight" tab={tab} setTab={setTab}>
              AI insight
            </TabButton>
            {user.role === 'admin' && (
              <TabButton id="reviews" tab={tab} setTab={setTab}>
                Reviews <span className="rv-tabs__count num">{othersReviews.length + (review ? 1 : 0)}</span>
              </TabButton>
            )}
          </div>
          {/* Focusable, so the panel scrolls from the keyboard even when what it shows has no control in it. */}
          <div className={`rv-side__body rv-side__body--${tab}`} role="tabpanel" tabIndex={0}>
            {tab === 'transcript' && narrow && (
              <TranscriptPane insight={insight} onSeek={(t) => playerRef.current?.seek(t)} embedded />
            )}
            {tab === 'moments' && (
              <MomentList
                regions={regions}
                selectedId={selectedRegionId}
                focusId={focusRegionId}
                readOnly={readOnly}
                onSelect={setSelectedRegionId}
                onPlay={(r: ReviewRegion) => playerRef.current?.playRange(r.start, r.end)}
                onChange={(r) => void edit(putRegion(r))}
                onDelete={(id) => {
                  void edit(removeRegion(id));
                  if (selectedRegionId === id) setSelectedRegionId(null);
                }}
              />
            )}
            {tab === 'reviews' && user.role === 'admin' && (
              // Where two or more reviews differ first (calibration), then each review to read in full.
              <div className="rv-reviews-tab">
                <CalibrationPanel callId={callId} onlyComparisons />
                <CallReviews
                  reviews={review ? [review, ...othersReviews] : othersReviews}
                  staff={staff}
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
                insights={insightDocs.map((d) => plain<InsightDoc>(d))}
                state={insightView}
                isAdmin={user.role === 'admin'}
                onSeek={(t) => playerRef.current?.seek(t)}
              />
            )}
            {tab === 'score' && (
              <div className="rv-review-form">
                {!scorecard ? (
                  <div className="empty-state">
                    <p className="empty-state__title">No scorecard yet</p>
                    <p className="muted">
                      An admin defines scorecards under Scorecards. You can still mark moments, set the outcome and
                      write notes.
                    </p>
                  </div>
                ) : (
                  <>
                    {!review?.scorecardId && activeCards.length > 1 && (
                      <label className="field">
                        <span className="field__label">Scorecard</span>
                        <select
                          className="select"
                          value={scorecard.id}
                          onChange={(e) => setChosenCardId(e.target.value)}
                        >
                          {activeCards.map((c) => (
                            <option key={c.id} value={c.id}>
                              {c.name}
                            </option>
                          ))}
                        </select>
                      </label>
                    )}
                    <ScorecardForm
                      scorecard={scorecard}
                      answers={answers}
                      activeQuestionId={activeQuestionId}
                      readOnly={readOnly}
                      onAnswer={answer}
                      onActivate={setActiveQuestionId}
                    />
                  </>
                )}
                <OutcomePicker
                  value={review?.outcome ?? null}
                  ai={ai}
                  readOnly={readOnly}
                  onChange={(o: Outcome | null) => void edit(setOutcome(o))}
                />
                <NotesField
                  value={review?.notes ?? ''}
                  readOnly={readOnly}
                  onSave={(notes) => void edit(setNotes(notes))}
                />
                <div className="rv-submit">
                  {readOnly ? (
                    <>
                      <p className="rv-submit__done" data-testid="submitted">
                        Submitted{' '}
                        {review?.submittedAt
                          ? new Date(review.submittedAt).toLocaleString('en-GB', {
                              dateStyle: 'medium',
                              timeStyle: 'short',
                            })
                          : ''}
                        {review?.score !== null && review?.score !== undefined && <> · score {review.score}%</>}
                      </p>
                      <div className="row">
                        <NextCallButton callId={callId} />
                        {/* A submitted review is final for its reviewer; only an admin reopens (sync policy REVIEW_LIFECYCLE). */}
                        {user.role === 'admin' && (
                          <button type="button" className="btn btn--sm" onClick={() => void edit(reopen)}>
                            Edit review
                          </button>
                        )}
                      </div>
                    </>
                  ) : (
                    <>
                      {showProblems && problems.length > 0 && (
                        <ul className="rv-submit__problems" role="alert">
                          {problems.map((p) => (
                            <li key={p}>{PROBLEM_TEXT[p]}</li>
                          ))}
                        </ul>
                      )}
                      <button type="button" className="btn btn--primary" onClick={() => void submitReview()}>
                        Submit review
                      </button>
                    </>
                  )}
                </div>
              </div>
            )}
          </div>
        </section>
      </div>
      {helpOpen && <HelpOverlay onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

/** After submitting, straight on to the next call of the list as filtered (reviewers work through queues). */
function NextCallButton({ callId }: { callId: string }) {
  const listIds = useReviewUi((s) => s.listIds);
  const openIndex = useReviewUi((s) => s.openIndex);
  const at = listIds.indexOf(callId);
  const next = at >= 0 ? listIds[at + 1] : (listIds[openIndex ?? 0] ?? listIds[listIds.length - 1]);
  if (!next) return null;
  return (
    <button type="button" className="btn btn--sm btn--primary" onClick={() => useReviewUi.getState().openCall(next)}>
      Next call →
    </button>
  );
}

function TabButton({
  id,
  tab,
  setTab,
  children,
}: {
  id: Tab;
  tab: Tab;
  setTab(t: Tab): void;
  children: React.ReactNode;
}) {
  return (
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
}

function ReviewStatus({
  review,
  waiting,
  loading,
  others,
}: {
  review: ReviewDoc | null;
  waiting: boolean;
  loading: boolean;
  /** Beside other people's reviews, this badge says whose it is. */
  others: boolean;
}) {
  if (loading) return null;
  const label = (state: string) => (others ? `Yours: ${state}` : state[0].toUpperCase() + state.slice(1));
  if (!review) return <span className="badge rv-review-status">{label('not started')}</span>;
  const what = label(review.status === 'submitted' ? 'submitted' : 'draft');
  return (
    <span
      className={`badge rv-review-status ${waiting ? 'badge--warn' : 'badge--ok'}`}
      data-testid="review-sync"
      data-waiting={waiting ? 'true' : 'false'}
      title={
        waiting
          ? 'Saved on this device; it is sent to the server as soon as it can be reached.'
          : 'The server has this version.'
      }
    >
      {what} · {waiting ? 'waiting to sync' : 'synced'}
    </span>
  );
}

function NotesField({ value, readOnly, onSave }: { value: string; readOnly: boolean; onSave(v: string): void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <label className="field rv-notes">
      <span className="field__label">Notes</span>
      <textarea
        className="textarea"
        rows={3}
        maxLength={20000}
        value={text}
        readOnly={readOnly}
        placeholder="What went well, what to coach"
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text !== value && onSave(text)}
      />
    </label>
  );
}
