import { useMemo } from 'react';
import type { Attempt } from '../../../../shared/metrics';
import { formatNational } from '../../../../shared/phone';
import type { AssessorDoc, CallDoc, LeadDoc, MessageDoc } from '../../../../shared/schemas';
import { formatDate, formatDateTime } from '../../ui/format';
import {
  assignmentSummaries,
  behaviourOf,
  formatDuration,
  formatTalk,
  leadTimeline,
  type TimelineEntry,
} from './contacts-model';
import { PhoneReveal } from './PhoneReveal';
import { QualityPanel } from './QualityBadge';
import { WhyThisOrder } from './WhyThisOrder';
import { SERVICE_LABELS } from '../../ui/labels';

const RECORDING_WORDS: Record<CallDoc['recording']['state'], string | null> = {
  none: null,
  opted_out: 'not recorded (opted out)',
  pending: 'recording being fetched',
  stored: 'recorded',
  stopped: 'recording stopped by an admin',
  deleted: 'recording deleted',
  failed: 'recording failed',
};

const shortDateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** One lead: who it is, its quality with the evidence, how the customer behaved, and every call and text. */
export function LeadDetail({
  lead,
  calls,
  messages,
  attempts,
  assessors,
}: {
  lead: LeadDoc;
  calls: readonly CallDoc[];
  messages: readonly MessageDoc[];
  attempts: readonly Attempt[];
  assessors: ReadonlyMap<string, AssessorDoc>;
}) {
  const timeline = useMemo(() => leadTimeline(lead.id, calls, messages), [lead.id, calls, messages]);
  const summaries = useMemo(() => assignmentSummaries(lead, attempts), [lead, attempts]);
  const behaviour = useMemo(
    () =>
      behaviourOf(
        lead,
        calls.filter((c) => c.leadId === lead.id),
        messages.filter((m) => m.leadId === lead.id),
      ),
    [lead, calls, messages],
  );
  const name = (id: string) => assessors.get(id)?.name ?? 'Unknown assessor';
  const patience = behaviour.unansweredRingSeconds;

  return (
    <article className="ct-lead" data-testid="lead-detail" data-lead-id={lead.id}>
      <header className="ct-lead__head">
        <div className="ct-lead__title">
          <h2>{lead.customerName}</h2>
          {lead.sandbox ? (
            <span className="badge badge--sandbox" title="A made-up customer from the Twilio sandbox demo">
              Sandbox
            </span>
          ) : null}
          <span className="badge">
            {lead.status === 'open' ? 'Open' : lead.status === 'booked' ? 'Booked' : 'Closed'}
          </span>
        </div>
        <dl className="ct-facts">
          <div>
            <dt>Phone</dt>
            <dd>
              <PhoneReveal leadId={lead.id} masked={lead.customerPhoneMasked} />
            </dd>
          </div>
          <div>
            <dt>Area</dt>
            <dd>
              {lead.district} <span className="subtle">({lead.postcode})</span>
            </dd>
          </div>
          <div>
            <dt>Service</dt>
            <dd>{SERVICE_LABELS[lead.service]}</dd>
          </div>
          <div>
            <dt>Lead</dt>
            <dd>
              {formatDateTime(lead.createdAt)} <span className="subtle">· {lead.externalId}</span>
            </dd>
          </div>
        </dl>
      </header>

      <QualityPanel quality={lead.quality} />

      <section className="ct-section" aria-label="Customer behaviour">
        <h3 className="ct-section-label">Customer</h3>
        <dl className="ct-behaviour">
          <div>
            <dt>Approach</dt>
            <dd>
              {behaviour.proactive
                ? 'Proactive: got in touch before any assessor reached them'
                : 'Passive: waited to be contacted'}
            </dd>
          </div>
          <div>
            <dt>Assessors contacted</dt>
            <dd>
              <span className="num">{behaviour.shopping}</span>
              {behaviour.calledAssessors.length ? (
                <span className="subtle"> · called {behaviour.calledAssessors.map(name).join(', then ')}</span>
              ) : null}
            </dd>
          </div>
          <div>
            <dt>Patience</dt>
            <dd>
              {patience.length
                ? `let ${patience.length} unanswered ${patience.length === 1 ? 'call' : 'calls'} ring ${patience.map((s) => `${s}\u00a0s`).join(', ')}`
                : '—'}
            </dd>
          </div>
          <div>
            <dt>Kept trying for</dt>
            <dd>{formatDuration(behaviour.keptTryingSec)}</dd>
          </div>
        </dl>
      </section>

      <section className="ct-section" aria-label="Assignments">
        <h3 className="ct-section-label">Assignments</h3>
        <div className="ct-table-scroll">
          <table className="table ct-assignments">
            <thead>
              <tr>
                <th>Assessor</th>
                <th>Pool number</th>
                <th>Assigned</th>
                <th className="num" title="Time from the assignment to the assessor's first call or text">
                  First attempt
                </th>
                <th className="num" title="Calls and texts by the assessor">
                  Assessor
                </th>
                <th className="num" title="Calls and texts by the customer">
                  Customer
                </th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {summaries.map((s) => (
                <tr key={s.assessorId} data-testid={`assignment-${s.assessorId}`}>
                  <td className="nowrap">
                    <strong>{name(s.assessorId)}</strong>
                    {assessors.get(s.assessorId)?.tier ? (
                      <span className={`badge tier tier--${assessors.get(s.assessorId)!.tier} ct-tier`}>
                        {assessors.get(s.assessorId)!.tier}
                      </span>
                    ) : null}
                  </td>
                  <td className="nowrap ct-tabular">
                    {formatNational(s.poolNumber)}
                    {s.extension ? <span className="subtle"> ext {s.extension}</span> : null}
                    {!s.active ? <span className="subtle"> (ended)</span> : null}
                  </td>
                  <td className="nowrap" title={formatDateTime(s.assignedAt)}>
                    {shortDateTime.format(s.assignedAt)}
                  </td>
                  <td className="num nowrap">
                    {s.firstResponseSec === null ? (
                      <em className="subtle">not yet</em>
                    ) : (
                      formatDuration(s.firstResponseSec)
                    )}
                  </td>
                  <td className="num">{s.byAssessor}</td>
                  <td className="num">{s.byCustomer}</td>
                  <td className="nowrap">
                    {s.bookedAt ? (
                      <span className="badge badge--ok" title={`Booked ${formatDate(s.bookedAt)}`}>
                        Booked
                      </span>
                    ) : s.connected ? (
                      <span className="badge badge--info">Connected</span>
                    ) : s.byAssessor + s.byCustomer ? (
                      <span className="badge badge--warn">Not connected</span>
                    ) : (
                      <span className="subtle">No contact</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <WhyThisOrder lead={lead} />

      <section className="ct-section" aria-label="Calls and texts">
        <h3 className="ct-section-label">
          Calls and texts <span className="badge">{timeline.length}</span>
        </h3>
        {timeline.length === 0 ? (
          <p className="muted">No calls or texts yet.</p>
        ) : (
          <ol className="ct-timeline" data-testid="timeline">
            {timeline.map((e) => (
              <TimelineItem key={e.attempt.id} entry={e} assessorName={name(e.attempt.assessorId)} />
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}

function TimelineItem({ entry, assessorName }: { entry: TimelineEntry; assessorName: string }) {
  const { attempt, call, message, outcome } = entry;
  const fromCustomer = attempt.bySide === 'customer';
  const recording = call ? RECORDING_WORDS[call.recording.state] : null;
  return (
    <li
      className={`ct-event ct-event--${attempt.kind} ct-event--${attempt.bySide}`}
      data-testid={`attempt-${attempt.id}`}
      data-kind={attempt.kind}
      data-status={attempt.status}
      data-final={entry.final ? 'true' : 'false'}
    >
      <span className="ct-event__icon" aria-hidden="true">
        {attempt.kind === 'call' ? <CallIcon /> : <TextIcon />}
      </span>
      <div className="ct-event__body">
        <div className="ct-event__line">
          <strong>{attempt.kind === 'call' ? 'Call' : 'Text'}</strong>
          <span className="ct-event__who">
            {fromCustomer ? 'Customer' : assessorName}
            <span className="ct-arrow" aria-label="to">
              →
            </span>
            {fromCustomer ? assessorName : 'Customer'}
          </span>
          <span className={`badge ct-tone--${outcome.tone}`}>{outcome.label}</span>
          {(call?.sandbox ?? message?.sandbox) ? <span className="ct-pill ct-pill--sandbox">Sandbox</span> : null}
          <span className="spacer" />
          <time className="subtle nowrap" dateTime={new Date(attempt.at).toISOString()}>
            {formatDateTime(attempt.at)}
          </time>
        </div>
        {call ? (
          <div className="ct-event__line subtle">
            <span>
              Rang <span className="num">{call.ringSeconds} s</span>
            </span>
            <span>
              Talk <span className="num">{formatTalk(call.talkSeconds)}</span>
            </span>
            {call.hungUpBy ? <span>{call.hungUpBy === 'customer' ? 'Customer' : 'Assessor'} hung up</span> : null}
            {recording ? <span>{recording}</span> : null}
          </div>
        ) : message ? (
          <div className="ct-event__line subtle">
            {message.body ? (
              <span className="ct-event__text">“{message.body}”</span>
            ) : (
              <em>text removed (retention or erasure)</em>
            )}
            {message.mediaCount ? <span>{message.mediaCount} picture(s)</span> : null}
          </div>
        ) : null}
      </div>
    </li>
  );
}

function CallIcon() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinejoin="round"
    >
      <path d="M3.5 2h2.5l1.2 3-1.7 1.1a8 8 0 0 0 4.4 4.4l1.1-1.7 3 1.2v2.5a1.5 1.5 0 0 1-1.6 1.5A12 12 0 0 1 2 3.6 1.5 1.5 0 0 1 3.5 2z" />
    </svg>
  );
}

function TextIcon() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinejoin="round"
    >
      <path d="M2 3.5h12v7.5H6.5L3.5 13.5V11H2z" />
    </svg>
  );
}
