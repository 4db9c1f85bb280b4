import type WaveSurfer from 'wavesurfer.js';
import type { SentimentPoint, Speaker } from '../../../../shared/analysis';
import { sentimentGeometry, sentimentWords, type Marker } from './insight-model';
import { formatClock } from '../../ui/format';

/**
 * Draws the AI's analysis into wavesurfer's own wrapper element: objection and trigger markers over the
 * speaker lanes, and the customer's sentiment curve as a strip under them. The wrapper is what wavesurfer
 * widens when zooming and scrolls with the waveform, so anything positioned in it by percentage of the call's
 * duration stays on the same time axis as the bars, the cursor and the timeline without any bookkeeping.
 *
 * It lives in wavesurfer's shadow root, where the app's stylesheets do not reach: the styles it needs are
 * added there once. Marker clicks are kept from wavesurfer (which would seek to the click's pixel and start
 * a drag-to-mark) and handed to `onMarkerClick`, which seeks to the marker's exact time.
 */
export interface OverlayContent {
  markers: readonly Marker[];
  curve: readonly SentimentPoint[];
  /** Lanes top to bottom, as drawn (`PeaksFile.channels`). */
  lanes: readonly Speaker[];
  laneHeight: number;
  selectedId: string | null;
  onMarkerClick(marker: Marker): void;
}

export interface OverlayHandle {
  update(content: OverlayContent): void;
  destroy(): void;
}

export const SENTIMENT_STRIP_HEIGHT = 42;
const FLAG_ROW_HEIGHT = 19;
const VIEW_WIDTH = 1000;
const STYLE_ID = 'ringside-insight-overlay-style';

const CSS = `
/* Above wavesurfer's cursor and hover line, so a flag's text stays readable under the mouse. */
.ins-markers { position: absolute; left: 0; right: 0; top: 0; pointer-events: none; z-index: 20; }
.ins-marker { position: absolute; width: 0; }
.ins-marker__line { position: absolute; left: -1px; top: 0; bottom: 0; width: 2px; opacity: 0.85; }
.ins-marker__flag {
  position: absolute; left: -1px; pointer-events: auto; cursor: pointer;
  display: inline-flex; align-items: center; gap: 3px; max-width: 150px; height: 17px; padding: 0 6px;
  border: 0; border-radius: 0 4px 4px 0; font: 600 10.5px/17px system-ui, sans-serif; color: #161b22;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; box-shadow: 0 1px 2px rgba(0,0,0,.35);
}
.ins-marker--end .ins-marker__flag { left: auto; right: -1px; border-radius: 4px 0 0 4px; }
.ins-marker__flag:hover { filter: brightness(1.12); }
.ins-marker__flag:focus-visible { outline: 2px solid #fff; outline-offset: 1px; }
.ins-marker.is-selected .ins-marker__flag { outline: 2px solid #fff; outline-offset: 0; }
.ins-marker.is-selected .ins-marker__line { opacity: 1; width: 3px; left: -1.5px; }
.ins-marker--objection .ins-marker__line, .ins-marker--objection .ins-marker__flag { background: #f5ab35; }
.ins-marker--unhandled .ins-marker__line, .ins-marker--unhandled .ins-marker__flag { background: #ff8a80; }
.ins-marker--trigger .ins-marker__line, .ins-marker--trigger .ins-marker__flag { background: #8fe3b0; }
.ins-marker__glyph { font-size: 9px; opacity: 0.75; }
.ins-sentiment { position: relative; height: ${SENTIMENT_STRIP_HEIGHT}px; border-top: 1px solid #262d37; background: rgba(255,255,255,0.025); }
.ins-sentiment svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; }
.ins-sentiment__label {
  position: sticky; left: 0; z-index: 1; display: inline-block; margin: 2px 0 0 2px; padding: 0 5px;
  font: 600 9.5px/14px system-ui, sans-serif; letter-spacing: .06em; text-transform: uppercase;
  color: #9aa4b1; background: rgba(22,27,34,.8); border-radius: 3px; pointer-events: none;
}
`;

function ensureStyles(root: Node): void {
  if (!(root instanceof ShadowRoot) || root.getElementById(STYLE_ID)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  root.appendChild(style);
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

let clipIds = 0;

export function attachInsightOverlay(ws: WaveSurfer, initial: OverlayContent): OverlayHandle {
  const wrapper = ws.getWrapper();
  ensureStyles(wrapper.getRootNode());
  let content = initial;

  const markersLayer = document.createElement('div');
  markersLayer.className = 'ins-markers';
  markersLayer.setAttribute('data-testid', 'insight-markers');
  wrapper.appendChild(markersLayer);

  const strip = document.createElement('div');
  strip.className = 'ins-sentiment';
  strip.setAttribute('data-testid', 'sentiment-strip');
  // Directly under the lanes, above the timeline (which the timeline plugin also puts in the wrapper).
  const canvases = wrapper.querySelector('.canvases');
  if (canvases) canvases.after(strip);
  else wrapper.appendChild(strip);
  // The strip's name goes in the player's lane-label gutter beside it, like "Customer" and "Assessor", when
  // that gutter is there (the review workspace's WaveformPlayer); otherwise it sits inside the strip.
  const root = wrapper.getRootNode();
  const host = root instanceof ShadowRoot ? root.host : null;
  const gutter = host?.closest('.rv-wave')?.querySelector<HTMLElement>('.rv-wave__lanes') ?? null;
  const gutterLabel = gutter ? document.createElement('div') : null;
  if (gutter && gutterLabel) {
    gutterLabel.className = 'rv-lane-label ins-lane-label';
    gutterLabel.textContent = 'Sentiment';
    gutter.appendChild(gutterLabel);
  }

  // Keep wavesurfer from treating a press on a flag as a click-to-seek or the start of a drag-to-mark.
  const stop = (e: Event) => e.stopPropagation();
  for (const type of ['pointerdown', 'mousedown', 'touchstart', 'click', 'dblclick'] as const)
    markersLayer.addEventListener(type, stop);

  const duration = () => ws.getDuration() || 0;

  function drawMarkers(): void {
    const d = duration();
    markersLayer.replaceChildren();
    markersLayer.style.height = `${content.lanes.length * content.laneHeight}px`;
    if (d <= 0) return;
    for (const m of content.markers) {
      const lane = Math.max(0, content.lanes.indexOf(m.speaker));
      const at = Math.max(0, Math.min(1, m.time / d));
      const el = document.createElement('div');
      const unhandled = m.kind === 'objection' && m.handled === false;
      el.className = [
        'ins-marker',
        `ins-marker--${m.kind}`,
        unhandled ? 'ins-marker--unhandled' : '',
        // Flags near the end open leftwards, so they never widen the scrollable area.
        at > 0.85 ? 'ins-marker--end' : '',
        m.id === content.selectedId ? 'is-selected' : '',
      ]
        .filter(Boolean)
        .join(' ');
      el.style.left = `${at * 100}%`;
      el.style.top = `${lane * content.laneHeight}px`;
      el.style.height = `${content.laneHeight}px`;
      el.dataset.markerId = m.id;
      el.dataset.kind = m.kind;
      el.dataset.time = String(m.time);
      const line = document.createElement('div');
      line.className = 'ins-marker__line';
      const flag = document.createElement('button');
      flag.type = 'button';
      flag.className = 'ins-marker__flag';
      flag.style.top = `${3 + m.row * FLAG_ROW_HEIGHT}px`;
      const kindWord = m.kind === 'objection' ? 'Objection' : 'Trigger';
      flag.setAttribute(
        'aria-label',
        `${kindWord} at ${formatClock(m.time)}: ${m.label}${unhandled ? ' (not handled)' : ''}. “${m.quote}”`,
      );
      flag.title = `${kindWord} · ${m.label} · ${formatClock(m.time)}\n“${m.quote}”`;
      const glyph = document.createElement('span');
      glyph.className = 'ins-marker__glyph';
      glyph.setAttribute('aria-hidden', 'true');
      glyph.textContent = m.kind === 'objection' ? '!' : '★';
      flag.append(glyph, document.createTextNode(m.label));
      flag.addEventListener('click', () => content.onMarkerClick(m));
      el.append(line, flag);
      markersLayer.appendChild(el);
    }
  }

  function drawCurve(): void {
    const d = duration();
    strip.replaceChildren();
    if (gutterLabel) {
      gutterLabel.style.top = `${content.lanes.length * content.laneHeight}px`;
      gutterLabel.style.height = `${SENTIMENT_STRIP_HEIGHT}px`;
    } else {
      const label = document.createElement('span');
      label.className = 'ins-sentiment__label';
      label.textContent = 'Customer sentiment';
      strip.appendChild(label);
    }
    const h = SENTIMENT_STRIP_HEIGHT - 1;
    const g = sentimentGeometry(content.curve, d, VIEW_WIDTH, h);
    // Stretched to the wrapper's width (preserveAspectRatio none), so x is simply the share of the call.
    const svg = svgEl('svg', {
      viewBox: `0 0 ${VIEW_WIDTH} ${h}`,
      preserveAspectRatio: 'none',
      'aria-hidden': 'true',
    });
    svg.appendChild(
      svgEl('line', {
        x1: '0',
        x2: String(VIEW_WIDTH),
        y1: String(g.zeroY),
        y2: String(g.zeroY),
        stroke: '#525c69',
        'stroke-dasharray': '3 3',
        'vector-effect': 'non-scaling-stroke',
      }),
    );
    if (g.points.length) {
      const id = `ins-clip-${++clipIds}`;
      const defs = svgEl('defs', {});
      const above = svgEl('clipPath', { id: `${id}-above` });
      above.appendChild(svgEl('rect', { x: '0', y: '0', width: String(VIEW_WIDTH), height: String(g.zeroY) }));
      const below = svgEl('clipPath', { id: `${id}-below` });
      below.appendChild(svgEl('rect', { x: '0', y: String(g.zeroY), width: String(VIEW_WIDTH), height: String(h) }));
      defs.append(above, below);
      svg.appendChild(defs);
      svg.appendChild(svgEl('path', { d: g.area, fill: 'rgba(108,199,154,0.38)', 'clip-path': `url(#${id}-above)` }));
      svg.appendChild(svgEl('path', { d: g.area, fill: 'rgba(255,138,128,0.4)', 'clip-path': `url(#${id}-below)` }));
      svg.appendChild(
        svgEl('path', {
          d: g.line,
          fill: 'none',
          stroke: '#e6e9ee',
          'stroke-width': '2',
          'stroke-linejoin': 'round',
          'vector-effect': 'non-scaling-stroke',
        }),
      );
      for (const p of g.points) {
        // A zero-length stroke with round caps is a dot that stays round however the SVG is stretched.
        const dot = svgEl('path', {
          d: `M${p.x.toFixed(2)},${p.y.toFixed(2)} h0`,
          stroke: p.score >= 0.15 ? '#8fe3b0' : p.score <= -0.15 ? '#ff8a80' : '#e6e9ee',
          'stroke-width': '6',
          'stroke-linecap': 'round',
          'vector-effect': 'non-scaling-stroke',
        });
        const title = svgEl('title', {});
        title.textContent = `${formatClock(p.t)} · sentiment ${sentimentWords(p.score)}`;
        dot.appendChild(title);
        svg.appendChild(dot);
      }
    }
    strip.appendChild(svg);
    strip.dataset.points = String(g.points.length);
  }

  const draw = () => {
    drawMarkers();
    drawCurve();
  };
  draw();
  // The media's own duration replaces the peaks' once it is known; positions follow it like the cursor does.
  const unsubs = [ws.on('ready', draw), ws.on('decode', draw)];

  return {
    update(next) {
      content = next;
      draw();
    },
    destroy() {
      unsubs.forEach((u) => u());
      markersLayer.remove();
      strip.remove();
      gutterLabel?.remove();
    },
  };
}
