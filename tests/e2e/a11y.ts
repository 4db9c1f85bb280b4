import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';

/**
 * Checks a browser test runs on every screen it visits: a screenshot at each supported window size (kept in
 * test-results/screenshots/ to be looked at), that nothing overflows the window or is cut off inside the work
 * area, and axe-core's accessibility rules (WCAG 2.x A and AA).
 */

/** The smallest window the app supports, a common laptop, and a larger desktop. */
export const VIEWPORTS = [
  { width: 1024, height: 700 },
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

export interface Clipped {
  /** A short CSS-like path to the element, for the failure message. */
  where: string;
  scrollWidth: number;
  clientWidth: number;
  overflowX: string;
}

export interface LayoutReport {
  viewport: { width: number; height: number };
  /** document.scrollWidth beyond the window's width (0 when the page fits). */
  pageOverflow: number;
  /** Elements of the app shell whose content is wider than the box that shows it. */
  clipped: Clipped[];
}

/**
 * Horizontal overflow, measured in the page. An element clips horizontally when its content is wider than its
 * box (scrollWidth > clientWidth) and it does not show the overflow (overflow-x not `visible`): hidden, clip,
 * and also auto/scroll, because a pane that needs a sideways scrollbar at a supported size is a layout that
 * did not fit. With overflow visible, an element whose children in the flow reach past its edges spills over
 * its neighbours. Deliberate truncation is exempt: one line cut with an ellipsis (text-overflow: ellipsis),
 * and the waveform, which scrolls sideways by design when zoomed (it lives in wavesurfer's shadow root and is
 * not visited).
 */
export async function measureLayout(page: Page): Promise<Omit<LayoutReport, 'viewport'>> {
  return page.evaluate(() => {
    const describe = (el: Element): string => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        const testId = e.getAttribute('data-testid');
        const cls = typeof e.className === 'string' ? e.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
        parts.unshift(`${e.tagName.toLowerCase()}${testId ? `[data-testid=${testId}]` : cls ? `.${cls}` : ''}`);
      }
      return parts.join(' > ');
    };
    const clipped: Clipped[] = [];
    const root = document.querySelector('[data-testid="app-shell"]') ?? document.body;
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (!(el instanceof HTMLElement) || el.offsetParent === null) continue;
      // A rounding pixel is not clipped content.
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      const style = getComputedStyle(el);
      if (style.overflowX === 'visible') {
        // Shown, but outside its box: a child in the flow reaching past the box's edges lies over whatever is
        // beside it (or is cut off by an ancestor). Badges placed over a corner on purpose are positioned.
        const box = el.getBoundingClientRect();
        const spills = [...el.children].some((child) => {
          const cs = getComputedStyle(child);
          if (cs.position === 'absolute' || cs.position === 'fixed' || cs.display === 'none') return false;
          const r = child.getBoundingClientRect();
          return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
        });
        if (!spills) continue;
      }
      if (style.textOverflow === 'ellipsis') continue;
      // Native form controls scroll their own text (a long value in an input or select): not layout.
      if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) continue;
      clipped.push({
        where: describe(el),
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
        overflowX: style.overflowX,
      });
    }
    return { pageOverflow: Math.max(0, document.documentElement.scrollWidth - window.innerWidth), clipped };
  });
}

/** Two animation frames: the layout after a resize has been computed and painted. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Screenshots `name` at one window size and measures its layout there. */
export async function checkLayoutAt(
  page: Page,
  name: string,
  viewport: { width: number; height: number },
): Promise<LayoutReport> {
  await page.setViewportSize(viewport);
  await settle(page);
  await screenshot(page, `${name}-${viewport.width}x${viewport.height}`);
  return { viewport, ...(await measureLayout(page)) };
}

/**
 * Screenshots `name` at every supported size and measures its layout at each; returns what overflowed.
 * Leaves the page at the largest size.
 */
export async function checkLayouts(page: Page, name: string): Promise<LayoutReport[]> {
  const reports: LayoutReport[] = [];
  for (const viewport of VIEWPORTS) reports.push(await checkLayoutAt(page, name, viewport));
  return reports;
}

/** Layout problems as lines for a failure message (empty when every size fits). */
export function layoutProblems(name: string, reports: readonly LayoutReport[]): string[] {
  const out: string[] = [];
  for (const r of reports) {
    const size = `${r.viewport.width}×${r.viewport.height}`;
    if (r.pageOverflow > 0) out.push(`${name} @ ${size}: the page is ${r.pageOverflow}px wider than the window`);
    for (const c of r.clipped)
      out.push(
        `${name} @ ${size}: ${c.where} ${c.overflowX === 'visible' ? 'spills' : 'clips'} its content (${c.scrollWidth}px in ${c.clientWidth}px, overflow-x ${c.overflowX})`,
      );
  }
  return out;
}

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (its source is evaluated through the DevTools protocol, which the app's Content
 * Security Policy does not apply to) against WCAG 2.x A and AA, and returns the serious and critical
 * violations.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axe.source);
  const results = await page.evaluate(async () => {
    const w = window as unknown as { axe: typeof axe };
    const res = await w.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`.slice(0, 300)),
    }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function a11yProblems(name: string, findings: readonly AxeFinding[]): string[] {
  return findings.map((f) => `${name}: axe ${f.impact} ${f.id} (${f.help})\n    ${f.nodes.join('\n    ')}`);
}
