import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import HoverPlugin from 'wavesurfer.js/plugins/hover';
import RegionsPlugin, { type Region } from 'wavesurfer.js/plugins/regions';
import TimelinePlugin from 'wavesurfer.js/plugins/timeline';
import {
  levelToFloatPeaks,
  pickPeaksLevel,
  withChannelOrder,
  type PeakChannel,
  type PeaksFile,
} from '../../../../../shared/peaks';
import type { ReviewRegion } from '../../../../../shared/schemas';
import { usePlayhead } from './playhead';
import { fetchPeaks, mergePeakLevels } from './recording-source';
import { formatClock } from '../../../ui/format';
import { CHANNEL_LABELS } from '../../../ui/labels';

/**
 * The dual-lane waveform: wavesurfer.js 8 drawn from the server's peaks (never from decoded audio), one lane
 * per channel (`splitChannels`), playing through a plain <audio> element (wavesurfer's MediaElement backend)
 * so an hour-long recording starts at once and seeks with HTTP Range requests.
 */
export interface PlayerHandle {
  togglePlay(): void;
  pause(): void;
  skip(seconds: number): void;
  seek(seconds: number): void;
  /** Plays one moment from its start to its end. */
  playRange(start: number, end: number): void;
  currentTime(): number;
  /** Swaps in a fresh signed URL for the same audio at the same position, playing on when `resume`. */
  replaceUrl(url: string, resume: boolean): void;
}

export interface WaveformPlayerProps {
  url: string;
  peaks: PeaksFile;
  /** Finer peaks fetched when zooming in beyond the overview's finest level. */
  detailPeaksUrl?: string | null;
  speed: number;
  /** Pixels per second; 0 fits the whole call in view. */
  zoom: number;
  regions: readonly ReviewRegion[];
  selectedRegionId: string | null;
  markIn: number | null;
  onRegionCreate(start: number, end: number): void;
  onRegionChange(id: string, start: number, end: number): void;
  onRegionSelect(id: string | null): void;
  onMediaError(error: Error): void;
  /**
   * The wavesurfer instance once made (null before it is destroyed) with its lanes top to bottom, for
   * decorations drawn on the same time axis (the AI's markers and sentiment curve, features/insights).
   */
  onWaveSurfer?(surface: { ws: WaveSurfer; lanes: readonly PeakChannel[]; laneHeight: number } | null): void;
}

export const LANE_HEIGHT = 76;
const TIMELINE_HEIGHT = 20;

const CHANNEL_COLORS: Record<PeakChannel, { wave: string; progress: string }> = {
  customer: { wave: '#7aa7f0', progress: '#2f6fde' },
  assessor: { wave: '#6cc79a', progress: '#1d8a52' },
};
const REGION_COLOR = 'rgba(245, 171, 53, 0.18)';
const REGION_SELECTED_COLOR = 'rgba(245, 171, 53, 0.36)';
const MARK_IN_ID = '__mark-in';
/** Drags shorter than this are treated as clicks that wandered, not as moments. */
const MIN_MOMENT_SECONDS = 0.3;

function regionLabelElement(label: string): HTMLElement {
  const el = document.createElement('div');
  el.textContent = label || 'Untitled moment';
  el.style.cssText =
    'font: 600 11px/1.3 system-ui, sans-serif; color: #fff; background: rgba(138, 83, 0, 0.85); padding: 1px 6px; ' +
    'border-radius: 0 0 4px 0; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; pointer-events: none;';
  return el;
}

/**
 * The playback position now. While the media element is still seeking (or not ready, when wavesurfer holds
 * the seek back) it may report the old position, so the last requested position counts until the seek
 * completes: several key presses in a row must add up.
 */
const pendingSeek = new WeakMap<WaveSurfer, number>();
function positionOf(ws: WaveSurfer): number {
  const media = ws.getMediaElement();
  const pending = pendingSeek.get(ws);
  // HAVE_FUTURE_DATA (3): below it wavesurfer defers the seek until the media can play.
  if (pending !== undefined && media && (media.seeking || media.readyState < 3)) return pending;
  return ws.getCurrentTime();
}
function seekTo(ws: WaveSurfer, seconds: number): number {
  const t = Math.max(0, Math.min(ws.getDuration(), seconds));
  pendingSeek.set(ws, t);
  ws.setTime(t);
  // wavesurfer holds a seek back until the media can play, and drops it when an earlier seek's 'seeking'
  // event arrives in between; with metadata known the element itself takes the position at once.
  const media = ws.getMediaElement();
  if (media && media.readyState >= HTMLMediaElement.HAVE_METADATA && Math.abs(media.currentTime - t) > 0.001)
    media.currentTime = t;
  usePlayhead.setState({ time: t });
  return t;
}

export const WaveformPlayer = forwardRef<PlayerHandle, WaveformPlayerProps>(function WaveformPlayer(props, ref) {
  const { url, speed, zoom, regions, selectedRegionId, markIn } = props;
  // Lanes in a fixed order (Customer, Assessor); only the drawing changes, the audio plays as recorded.
  const peaks = useMemo(() => withChannelOrder(props.peaks), [props.peaks]);
  const containerRef = useRef<HTMLDivElement>(null);
  const wsRef = useRef<WaveSurfer | null>(null);
  const regionsRef = useRef<InstanceType<typeof RegionsPlugin> | null>(null);
  const levelRef = useRef<number>(0);
  // The peaks in use: the overview, plus the detail levels once fetched.
  const peaksRef = useRef<PeaksFile>(peaks);
  const detailRef = useRef<'none' | 'loading' | 'loaded'>('none');
  const addingRef = useRef(false);
  // Callbacks change identity on every render of the parent; wavesurfer listeners read the latest ones here.
  const callbacks = useRef(props);
  callbacks.current = props;
  const [ready, setReady] = useState(false);
  const [painted, setPainted] = useState(false);

  // One wavesurfer per recording (peaks identify it; a refreshed URL for the same audio does not rebuild).
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    peaksRef.current = peaks;
    detailRef.current = 'none';
    const fitPxPerSec = (container.clientWidth || 800) / Math.max(1, peaks.durationSec);
    const level = pickPeaksLevel(peaks, zoom > 0 ? zoom : fitPxPerSec);
    levelRef.current = level.peaksPerSecond;
    const regionsPlugin = RegionsPlugin.create();
    const ws = WaveSurfer.create({
      container,
      url,
      peaks: levelToFloatPeaks(peaks, level),
      duration: peaks.durationSec,
      backend: 'MediaElement',
      height: LANE_HEIGHT,
      splitChannels: peaks.channels.map((c) => ({
        waveColor: CHANNEL_COLORS[c].wave,
        progressColor: CHANNEL_COLORS[c].progress,
      })),
      normalize: true,
      barWidth: 2,
      barGap: 1,
      barRadius: 1,
      cursorColor: '#f5ab35',
      cursorWidth: 2,
      minPxPerSec: zoom,
      fillParent: true,
      autoScroll: true,
      autoCenter: true,
      // Dragging on the waveform marks a moment (regions); a click seeks.
      dragToSeek: false,
      audioRate: speed,
      plugins: [
        regionsPlugin,
        TimelinePlugin.create({
          height: TIMELINE_HEIGHT,
          formatTimeCallback: formatClock,
          style: { color: '#9aa4b1', fontSize: '10px' },
          secondaryLabelOpacity: 0.6,
        }),
        HoverPlugin.create({
          lineColor: 'rgba(255,255,255,0.5)',
          lineWidth: 1,
          labelBackground: '#262d37',
          labelColor: '#fff',
          labelSize: 11,
          formatTimeCallback: formatClock,
        }),
      ],
    });
    wsRef.current = ws;
    callbacks.current.onWaveSurfer?.({ ws, lanes: peaks.channels, laneHeight: LANE_HEIGHT });
    regionsRef.current = regionsPlugin;
    const media = ws.getMediaElement();
    if (media) media.preload = 'metadata';
    usePlayhead.setState({ time: 0, duration: peaks.durationSec, playing: false });

    const unsubs = [
      ws.on('ready', () => setReady(true)),
      ws.on('redrawcomplete', () => {
        setPainted(true);
        // Read by the waveform benchmark and handy in the Performance panel.
        performance.mark('ringside:waveform-painted');
      }),
      ws.on('timeupdate', (time) => usePlayhead.setState({ time })),
      ws.on('play', () => usePlayhead.setState({ playing: true })),
      ws.on('pause', () => usePlayhead.setState({ playing: false })),
      ws.on('finish', () => usePlayhead.setState({ playing: false })),
      ws.on('error', (err) => callbacks.current.onMediaError(err)),
      ws.on('zoom', (pxPerSec) => applyLevel(pxPerSec)),
      regionsPlugin.on('region-created', (region: Region) => {
        if (addingRef.current) return;
        // A region drawn by dragging: hand it to the review document, which draws it back with its own id.
        const { start, end } = region;
        region.remove();
        if (end - start >= MIN_MOMENT_SECONDS) callbacks.current.onRegionCreate(start, end);
      }),
      regionsPlugin.on('region-updated', (region: Region) => {
        if (region.id !== MARK_IN_ID) callbacks.current.onRegionChange(region.id, region.start, region.end);
      }),
      regionsPlugin.on('region-clicked', (region: Region) => {
        if (region.id !== MARK_IN_ID) callbacks.current.onRegionSelect(region.id);
      }),
    ];
    // Finer peaks only when zoomed in far enough to show them; the overview file carries several levels and
    // the detail file is fetched the first time a reviewer zooms past them.
    function applyLevel(pxPerSec: number) {
      const wanted = pxPerSec > 0 ? pxPerSec : (container!.clientWidth || 800) / Math.max(1, peaks.durationSec);
      const next = pickPeaksLevel(peaksRef.current, wanted);
      if (next.peaksPerSecond !== levelRef.current) {
        levelRef.current = next.peaksPerSecond;
        ws.setOptions({ peaks: levelToFloatPeaks(peaksRef.current, next), duration: peaks.durationSec });
      }
      const detailUrl = callbacks.current.detailPeaksUrl;
      if (wanted > next.peaksPerSecond && detailUrl && detailRef.current === 'none') {
        detailRef.current = 'loading';
        fetchPeaks(detailUrl).then(
          (detail) => {
            if (wsRef.current !== ws) return;
            peaksRef.current = mergePeakLevels(peaksRef.current, withChannelOrder(detail));
            detailRef.current = 'loaded';
            applyLevel(ws.options.minPxPerSec);
          },
          // Without the detail file the overview's finest level is drawn stretched: still usable.
          () => undefined,
        );
      }
    }
    const disableDrag = regionsPlugin.enableDragSelection({ color: REGION_COLOR });
    return () => {
      disableDrag();
      unsubs.forEach((u) => u());
      callbacks.current.onWaveSurfer?.(null);
      ws.destroy();
      wsRef.current = null;
      regionsRef.current = null;
      setReady(false);
      setPainted(false);
      usePlayhead.setState({ playing: false });
    };
    // Rebuilt only for a different recording (new peaks); speed, zoom and a refreshed URL are applied without
    // a rebuild, so they are deliberately not dependencies here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [peaks]);

  useEffect(() => {
    wsRef.current?.setPlaybackRate(speed, true);
  }, [speed]);

  useEffect(() => {
    const ws = wsRef.current;
    if (ws && painted) ws.zoom(zoom);
  }, [zoom, painted]);

  // Keep wavesurfer's regions equal to the review's moments (the review document is the source of truth).
  useEffect(() => {
    const plugin = regionsRef.current;
    if (!plugin || !ready) return;
    const existing = new Map(plugin.getRegions().map((r) => [r.id, r]));
    const wanted = new Set<string>();
    addingRef.current = true;
    try {
      for (const r of regions) {
        wanted.add(r.id);
        const color = r.id === selectedRegionId ? REGION_SELECTED_COLOR : REGION_COLOR;
        const current = existing.get(r.id);
        if (!current) {
          plugin.addRegion({
            id: r.id,
            start: r.start,
            end: r.end,
            color,
            content: regionLabelElement(r.label),
            drag: true,
            resize: true,
            minLength: MIN_MOMENT_SECONDS,
          });
        } else {
          if (Math.abs(current.start - r.start) > 0.005 || Math.abs(current.end - r.end) > 0.005)
            current.setOptions({ start: r.start, end: r.end });
          if (current.color !== color) current.setOptions({ color });
          const text = r.label || 'Untitled moment';
          if (current.content?.textContent !== text) current.setContent(regionLabelElement(r.label));
        }
      }
      if (markIn !== null) {
        wanted.add(MARK_IN_ID);
        const m = existing.get(MARK_IN_ID);
        if (!m)
          plugin.addRegion({
            id: MARK_IN_ID,
            start: markIn,
            color: '#f5ab35',
            content: 'in',
            drag: false,
            resize: false,
          });
        else if (m.start !== markIn) m.setOptions({ start: markIn });
      }
    } finally {
      addingRef.current = false;
    }
    for (const [id, region] of existing) if (!wanted.has(id)) region.remove();
  }, [regions, selectedRegionId, markIn, ready]);

  useImperativeHandle(
    ref,
    (): PlayerHandle => ({
      togglePlay: () => void wsRef.current?.playPause().catch((err: Error) => callbacks.current.onMediaError(err)),
      pause: () => wsRef.current?.pause(),
      skip: (seconds) => {
        const ws = wsRef.current;
        if (ws) seekTo(ws, positionOf(ws) + seconds);
      },
      seek: (seconds) => {
        const ws = wsRef.current;
        if (ws) seekTo(ws, seconds);
      },
      playRange: (start, end) =>
        void wsRef.current?.play(start, end).catch((err: Error) => callbacks.current.onMediaError(err)),
      currentTime: () => (wsRef.current ? positionOf(wsRef.current) : 0),
      replaceUrl: (next, resume) => {
        const ws = wsRef.current;
        const media = ws?.getMediaElement();
        if (!ws || !media) return;
        const at = usePlayhead.getState().time;
        media.src = next;
        // Before the new source's metadata arrives this sets where playback will start.
        media.currentTime = at;
        if (resume) void media.play().catch(() => undefined);
      },
    }),
    [],
  );

  const lanes = peaks.channels;
  return (
    <div className="rv-wave" data-painted={painted ? 'true' : 'false'} data-ready={ready ? 'true' : 'false'}>
      <div className="rv-wave__lanes" aria-hidden="true">
        {lanes.map((c, i) => (
          <div
            key={c}
            className={`rv-lane-label rv-lane-label--${c}`}
            style={{ top: i * LANE_HEIGHT, height: LANE_HEIGHT }}
            data-channel={c}
          >
            {CHANNEL_LABELS[c]}
          </div>
        ))}
      </div>
      <div
        ref={containerRef}
        className="rv-wave__canvas"
        role="group"
        aria-label={`Waveform, ${lanes.map((c) => CHANNEL_LABELS[c]).join(' and ')} lanes. Drag to mark a moment.`}
        style={{ minHeight: lanes.length * LANE_HEIGHT + TIMELINE_HEIGHT }}
      />
    </div>
  );
});
