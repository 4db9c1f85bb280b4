import type { ReactNode } from 'react';

/**
 * The lead-in at the top of a screen: what the screen is for, and its actions on the right. The screen's
 * title itself is the top bar's heading (from the registry in screens.tsx), so it stays visible on scroll.
 */
export function PageHeader({ description, actions }: { description?: ReactNode; actions?: ReactNode }) {
  if (!description && !actions) return null;
  return (
    <header className="page__header">
      {description ? <p className="page__lede">{description}</p> : null}
      {actions ? (
        <>
          <span className="spacer" />
          <div className="row">{actions}</div>
        </>
      ) : null}
    </header>
  );
}
