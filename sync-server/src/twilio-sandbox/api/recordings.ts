import express from 'express';
import { TwilioApiError } from '../messages';
import { recordingJson, type RecordingRecord } from '../recordings';
import { listPage, notFound, param, twilioError, type SandboxState } from './http';

/**
 * Recordings: a call's recordings (list, fetch, pause, resume and stop the live one, Twilio.CURRENT included),
 * and the account's (list by call, fetch the metadata or the media as WAV or MP3, delete).
 */
export function recordingsRouter(state: SandboxState): express.Router {
  const { recordings, legs, liveRecordings } = state;
  const router = express.Router({ mergeParams: true });

  router.get('/Calls/:callSid/Recordings.json', (req, res) => {
    const list = recordings.forCall(req.params.callSid).map((r) => recordingJson(r, state.baseUrl()));
    res.json(listPage(req, 'recordings', list));
  });
  const callRecording = (callSid: string, file: string): RecordingRecord | undefined => {
    if (!file.endsWith('.json')) return undefined;
    const sid = file.replace(/\.json$/, '');
    if (sid === 'Twilio.CURRENT') return legs.get(callSid)?.live?.activeRecording() ?? undefined;
    const r = recordings.get(sid);
    return r && r.callSid === callSid && r.status !== 'deleted' ? r : undefined;
  };
  router.get('/Calls/:callSid/Recordings/:file', (req, res) => {
    const r = callRecording(req.params.callSid, req.params.file);
    if (!r) return twilioError(res, notFound(req));
    res.json(recordingJson(r, state.baseUrl()));
  });
  router.post('/Calls/:callSid/Recordings/:file', (req, res) => {
    const r = callRecording(req.params.callSid, req.params.file);
    if (!r) return twilioError(res, notFound(req));
    const status = param(req.body, 'Status');
    if (status !== 'stopped' && status !== 'paused' && status !== 'in-progress') {
      return twilioError(res, new TwilioApiError(400, 21218, 'Status must be one of stopped, paused or in-progress.'));
    }
    const call = liveRecordings.get(r.sid);
    if (!call || (r.status !== 'in-progress' && r.status !== 'paused')) {
      return twilioError(res, new TwilioApiError(400, 21220, `Recording ${r.sid} is not in progress.`));
    }
    const at = call.recordingOffset(r);
    if (status === 'paused' && r.status === 'in-progress') {
      r.paused.push([at, null]);
      r.status = 'paused';
    } else if (status === 'in-progress' && r.status === 'paused') {
      const open = r.paused.find((p) => p[1] === null);
      if (open) open[1] = at;
      r.status = 'in-progress';
    } else if (status === 'stopped') {
      r.status = 'stopped';
      r.stoppedAt = at;
    }
    recordings.save(r);
    res.json(recordingJson(r, state.baseUrl()));
    if (status === 'stopped') call.finishRecording(r, at);
  });

  router.get('/Recordings.json', (req, res) => {
    const callSid = param(req.query, 'CallSid');
    const list = callSid ? recordings.forCall(callSid).map((r) => recordingJson(r, state.baseUrl())) : [];
    res.json(listPage(req, 'recordings', list));
  });
  router.get('/Recordings/:file', async (req, res, next) => {
    const m = /^(RE[0-9a-f]{32})(\.json|\.wav|\.mp3)?$/.exec(req.params.file);
    const r = m ? recordings.get(m[1]) : undefined;
    if (!m || !r || r.status === 'deleted') return twilioError(res, notFound(req));
    if (m[2] === '.json') return res.json(recordingJson(r, state.baseUrl()));
    if (r.status !== 'completed') return twilioError(res, notFound(req));
    const format = m[2] === '.mp3' ? 'mp3' : 'wav';
    const channels = req.query.RequestedChannels === '1' ? 1 : 2;
    try {
      const file = await recordings.media(r, format, channels);
      res.setHeader('Content-Type', format === 'mp3' ? 'audio/mpeg' : 'audio/x-wav');
      // dotfiles: the data directory may sit under a dot-directory (e.g. .tmp in tests).
      res.sendFile(file, { acceptRanges: true, cacheControl: false, dotfiles: 'allow' });
    } catch (err) {
      next(err);
    }
  });
  router.delete('/Recordings/:file', (req, res) => {
    const m = /^(RE[0-9a-f]{32})\.json$/.exec(req.params.file);
    const r = m ? recordings.get(m[1]) : undefined;
    if (!m || !r || r.status === 'deleted') return twilioError(res, notFound(req));
    if (r.status === 'in-progress' || r.status === 'paused') {
      return twilioError(
        res,
        new TwilioApiError(400, 21220, `Recording ${r.sid} is still in progress; stop it first.`),
      );
    }
    recordings.delete(r.sid);
    res.status(204).end();
  });
  return router;
}
