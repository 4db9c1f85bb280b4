import { useEffect, useState } from 'react';

/**
 * The width of an element, kept current as it is resized (null until it is in the page). Pass the element
 * from a callback ref (`ref={setEl}` with `useState`), so the observer follows it when it is replaced.
 */
export function useElementWidth(el: HTMLElement | null): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry.contentRect.width));
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return width;
}
