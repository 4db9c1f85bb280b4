import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useRef, type ReactNode } from 'react';

/**
 * A scrolling list that renders only the rows in view (@tanstack/react-virtual), for lists of thousands
 * (the review queue, leads). Rows have a fixed height and place themselves at `top` (absolute positioning
 * inside the list's full-height box). While `placeholder` is given (loading, nothing matches) it shows instead
 * of the rows, and the box is not a `list` then: an empty list role with a message in it is an ARIA error.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  rowKey,
  renderRow,
  placeholder,
  className,
  testId,
  overscan = 8,
}: {
  items: readonly T[];
  rowHeight: number;
  rowKey(item: T): string;
  renderRow(item: T, top: number): ReactNode;
  placeholder?: ReactNode;
  className?: string;
  testId?: string;
  overscan?: number;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
  });
  const showRows = !placeholder && items.length > 0;
  return (
    <div ref={scrollRef} className={className} role={showRows ? 'list' : undefined} data-testid={testId}>
      {showRows ? (
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index];
            return <Fragment key={rowKey(item)}>{renderRow(item, row.start)}</Fragment>;
          })}
        </div>
      ) : (
        placeholder
      )}
    </div>
  );
}
