import { newSid } from '../ids';
import type { RecordingRecord, SpokenLine } from '../recordings';
import type { DialVerb, RecordVerb } from '../twiml';
import { rfc2822 } from '../webhooks';
import type { CallLine } from './line';

/**
 * The recordings a call makes: a <Dial record> recording of the bridged conversation, a <Record> voicemail, and
 * their status callbacks (in-progress, completed), as Twilio reports them.
 */

export function recordingUrl(line: CallLine, r: RecordingRecord): string {
  return `${line.env.baseUrl()}/2010-04-01/Accounts/${line.env.accountSid}/Recordings/${r.sid}`;
}

export function recordingCallback(
  line: CallLine,
  r: RecordingRecord,
  event: 'in-progress' | 'completed',
  at: number,
): void {
  if (!r.callback || !r.callback.events.includes(event)) return;
  line.outbox.post(
    'recording-status',
    r.callback.method,
    r.callback.url,
    {
      AccountSid: line.env.accountSid,
      CallSid: r.callSid,
      RecordingSid: r.sid,
      RecordingUrl: recordingUrl(line, r),
      RecordingStatus: event,
      RecordingDuration: event === 'completed' ? String(r.duration ?? 0) : '-1',
      RecordingChannels: String(r.channels),
      RecordingStartTime: rfc2822(r.startTime),
      RecordingSource: r.source,
      RecordingTrack: r.source === 'DialVerb' ? 'both' : 'inbound',
      ErrorCode: '0',
    },
    at,
    line.virtual,
  );
}

/** Ends a recording `at` seconds in (or where it was stopped): final at once, with its completed callback. */
export function finishRecording(line: CallLine, r: RecordingRecord, at: number): void {
  if (r.status === 'completed' || r.status === 'deleted') return;
  if (r.stoppedAt === null && r.status !== 'stopped') r.stoppedAt = at;
  const end = r.stoppedAt ?? at;
  for (const p of r.paused) if (p[1] === null) p[1] = end;
  r.duration = Math.max(0, Math.round(end));
  r.status = 'completed';
  line.env.recordings.save(r);
  line.env.trackRecording(r.sid, null);
  recordingCallback(line, r, 'completed', r.startTime + end * 1000 + 1000);
}

export function isRecording(r: RecordingRecord | null): r is RecordingRecord {
  return r !== null && (r.status === 'in-progress' || r.status === 'paused');
}

function statusCallbackOf(
  verb: Pick<
    DialVerb | RecordVerb,
    'recordingStatusCallback' | 'recordingStatusCallbackMethod' | 'recordingStatusCallbackEvent'
  >,
  docUrl: string,
): RecordingRecord['callback'] {
  return verb.recordingStatusCallback
    ? {
        url: new URL(verb.recordingStatusCallback, docUrl).href,
        method: verb.recordingStatusCallbackMethod,
        events: [...verb.recordingStatusCallbackEvent],
      }
    : null;
}

/**
 * A <Dial record> recording, started when the parties are bridged (or from ringing, as asked), live until the
 * call ends or the REST API stops it.
 */
export function startDialRecording(
  line: CallLine,
  verb: DialVerb,
  docUrl: string,
  times: { ringStart: number; bridgeAt: number },
): RecordingRecord {
  const fromRinging = verb.record.startsWith('record-from-ringing');
  const recording: RecordingRecord = {
    sid: newSid('RE'),
    accountSid: line.env.accountSid,
    callSid: line.parent.sid,
    source: 'DialVerb',
    channels: verb.record.endsWith('-dual') ? 2 : 1,
    startTime: fromRinging ? times.ringStart : times.bridgeAt,
    status: 'in-progress',
    duration: null,
    lines: [],
    paused: [],
    stoppedAt: null,
    callback: statusCallbackOf(verb, docUrl),
    speakers: {},
    dateCreated: Date.now(),
    dateUpdated: Date.now(),
  };
  line.made.push(recording);
  line.env.recordings.add(recording);
  line.env.trackRecording(recording.sid, line.owner);
  recordingCallback(line, recording, 'in-progress', times.bridgeAt);
  return recording;
}

/** Puts the conversation on the recording's channels, shifted to the recording's own start. */
export function recordConversation(line: CallLine, recording: RecordingRecord, lines: SpokenLine[], bridgeAt: number) {
  const shift = (bridgeAt - recording.startTime) / 1000;
  recording.lines = lines.map((l) => ({ ...l, start: Math.round((l.start + shift) * 100) / 100 }));
  recording.speakers = {
    '1': lines.find((l) => l.channel === 1)?.speaker ?? line.callerLabel(),
    '2':
      lines.find((l) => l.channel === 2)?.speaker ??
      line.scenario.speakers?.callee ??
      line.scenario.roles?.callee ??
      'assessor',
  };
  line.env.recordings.save(recording);
}

/** A <Record> voicemail, complete when the caller stops speaking; trim-silence (the default) keeps the speech. */
export function voicemailRecording(
  line: CallLine,
  verb: RecordVerb,
  docUrl: string,
  message: { text: string; speech: number; speaking: number; start: number; end: number },
): RecordingRecord {
  const r: RecordingRecord = {
    sid: newSid('RE'),
    accountSid: line.env.accountSid,
    callSid: line.parent.sid,
    source: 'RecordVerb',
    channels: 1,
    startTime: message.start,
    status: 'completed',
    duration: Math.max(1, Math.round(Math.min(message.speaking, (message.end - message.start) / 1000))),
    lines: [
      {
        channel: 1,
        speaker: line.callerLabel(),
        voice: line.callerVoice,
        text: message.text,
        start: 0.3,
        duration: message.speech,
      },
    ],
    paused: [],
    stoppedAt: null,
    callback: statusCallbackOf(verb, docUrl),
    speakers: { '1': line.callerLabel() },
    dateCreated: Date.now(),
    dateUpdated: Date.now(),
  };
  line.made.push(r);
  line.env.recordings.add(r);
  recordingCallback(line, r, 'completed', message.end + 1000);
  return r;
}
