import type { AppContext } from '../context';
import { mediaDeps } from '../recordings/deps';
import { MEDIA_FILES, currentRecordingOfCall } from '../recordings/repository';
import type { CallAudioSource } from './types';

/**
 * Call audio from the recordings module: the call's current stored recording, read from the media storage
 * (local directory or S3) only when a provider actually needs the audio.
 */
export function recordingsAudioSource(ctx: AppContext): CallAudioSource {
  return {
    async get(callId) {
      const rec = await currentRecordingOfCall(ctx.db, callId);
      if (!rec) return null;
      const storage = mediaDeps(ctx).storage;
      return {
        callId,
        recordingSid: rec.recordingSid,
        durationSec: rec.durationSec,
        channels: rec.channels,
        sandbox: rec.sandbox,
        loadWav: () => storage.readBuffer(rec.storagePrefix + MEDIA_FILES.original),
      };
    },
  };
}
