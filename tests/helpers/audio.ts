import { encodeWav } from '../../sync-server/src/audio/wav';

/**
 * Test recordings: dual-channel WAVs where each utterance is a tone burst with its own frequency, so a fake
 * transcription server can tell which utterance it was sent and a test can check the timestamps that come back.
 */
export interface Burst {
  channel: 0 | 1;
  start: number;
  end: number;
  freq: number;
}

export function burstsWav(bursts: Burst[], durationSec: number, sampleRate = 8000): Buffer {
  const frames = Math.round(durationSec * sampleRate);
  const channels = [new Int16Array(frames), new Int16Array(frames)];
  for (const b of bursts) {
    const from = Math.round(b.start * sampleRate);
    const to = Math.min(frames, Math.round(b.end * sampleRate));
    for (let i = from; i < to; i++)
      channels[b.channel][i] = Math.round(8000 * Math.sin((2 * Math.PI * b.freq * (i - from)) / sampleRate));
  }
  return encodeWav(channels, sampleRate);
}
