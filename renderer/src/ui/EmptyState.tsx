import type { ReactNode } from 'react';

/**
 * What a screen or panel shows when it has nothing to show yet: a title, then what to do about it. The
 * children are the explanation as markup (`<p className="muted">…</p>`, a button), shown as given.
 */
export function EmptyState({
  title,
  className,
  testId,
  children,
}: {
  title?: ReactNode;
  className?: string;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <div className={className ? `empty-state ${className}` : 'empty-state'} data-testid={testId}>
      {title ? <p className="empty-state__title">{title}</p> : null}
      {children}
    </div>
  );
}
