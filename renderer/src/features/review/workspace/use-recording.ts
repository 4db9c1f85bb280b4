import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { PlayerHandle } from '../player/WaveformPlayer';
import { usePlayhead } from '../player/playhead';
import { openRecording, refreshAudioUrl, type RecordingSource } from '../player/recording-source';
import type { ReviewEnv } from '../types';

export type RecordingState =
  { status: 'loading' } | { status: 'ready'; source: RecordingSource } | { status: 'error'; message: string };

/**
 * The call's recording for the player: the offline copy if this device has one, else signed URLs from the
 * server. `onMediaError` is the player's: an expired signed URL is renewed once and playback carries on.
 */
export function useRecording(
  callId: string,
  { api, cache }: Pick<ReviewEnv, 'api' | 'cache'>,
  playerRef: RefObject<PlayerHandle | null>,
) {
  const [recording, setRecording] = useState<RecordingState>({ status: 'loading' });

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
    [recording, callId, api, playerRef],
  );

  return { recording, onMediaError };
}
