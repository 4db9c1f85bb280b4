/**
 * The browser side of tests/bench/waveform.bench.ts. Two ways to put a 60-minute dual-channel call on screen:
 *  - peaks: the review workspace's own WaveformPlayer, given the server's peaks file (what the app does);
 *  - decode: wavesurfer.js fetching the same MP3 and decoding it with Web Audio to draw (what the app avoids).
 * Each run starts from the signed URLs and ends at the first paint of both lanes (wavesurfer 'redrawcomplete'
 * followed by an animation frame, so the canvases are on screen).
 */
import { createRoot } from 'react-dom/client';
import WaveSurfer from 'wavesurfer.js';
import { fetchPeaks } from '../../../renderer/src/features/review/player/recording-source';
import { WaveformPlayer, LANE_HEIGHT } from '../../../renderer/src/features/review/player/WaveformPlayer';
import '../../../renderer/src/styles/tokens.css';
import '../../../renderer/src/styles/base.css';
import '../../../renderer/src/styles/components.css';
import '../../../renderer/src/features/review/review.css';

const stage = document.getElementById('stage')!;
const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

async function peaksRun(peaksUrl: string, audioUrl: string): Promise<{ ms: number; canvases: number }> {
  const host = document.createElement('div');
  stage.replaceChildren(host);
  performance.clearMarks('ringside:waveform-painted');
  const t0 = performance.now();
  const peaks = await fetchPeaks(peaksUrl);
  const root = createRoot(host);
  const painted = new Promise<void>((resolve) => {
    const obs = new PerformanceObserver((list) => {
      if (list.getEntriesByName('ringside:waveform-painted').length) {
        obs.disconnect();
        resolve();
      }
    });
    obs.observe({ entryTypes: ['mark'] });
  });
  root.render(
    <WaveformPlayer
      url={audioUrl}
      peaks={peaks}
      speed={1}
      zoom={0}
      regions={[]}
      selectedRegionId={null}
      markIn={null}
      onRegionCreate={() => undefined}
      onRegionChange={() => undefined}
      onRegionSelect={() => undefined}
      onMediaError={(e) => console.error(e)}
    />,
  );
  await painted;
  await nextFrame();
  const ms = performance.now() - t0;
  const canvases = countLanes(host);
  root.unmount();
  return { ms, canvases };
}

async function decodeRun(audioUrl: string): Promise<{ ms: number; canvases: number; duration: number }> {
  const host = document.createElement('div');
  stage.replaceChildren(host);
  const t0 = performance.now();
  const ws = WaveSurfer.create({
    container: host,
    url: audioUrl,
    height: LANE_HEIGHT,
    splitChannels: [{ waveColor: '#7aa7f0' }, { waveColor: '#6cc79a' }],
    normalize: true,
    barWidth: 2,
    barGap: 1,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('redrawcomplete', () => resolve());
    ws.once('error', reject);
  });
  await nextFrame();
  const ms = performance.now() - t0;
  const canvases = countLanes(host);
  const duration = ws.getDuration();
  ws.destroy();
  return { ms, canvases, duration };
}

/** Lanes drawn: wavesurfer puts one container per channel under `.canvases` in its shadow root. */
function countLanes(host: HTMLElement): number {
  const wsHost = host.querySelector('.rv-wave__canvas')?.firstElementChild ?? host.firstElementChild;
  return (wsHost as HTMLElement | null)?.shadowRoot?.querySelectorAll('.canvases > div').length ?? 0;
}

(window as unknown as { bench: unknown }).bench = { peaksRun, decodeRun };
document.title = 'ready';
