import { useEffect, useRef } from 'react';
import { SHORTCUTS, type Shortcut } from './shortcuts';

/** The keyboard shortcuts, generated from the same table that handles the keys. */
export function HelpOverlay({ onClose }: { onClose(): void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  const groups = new Map<Shortcut['group'], Shortcut[]>();
  for (const s of SHORTCUTS) {
    // The five score keys share one line.
    if (s.action.type === 'score' && s.action.value !== 1) continue;
    const list = groups.get(s.group) ?? [];
    list.push(s.action.type === 'score' ? { ...s, keys: ['1', '–', '5'] } : s);
    groups.set(s.group, list);
  }
  return (
    <div className="rv-overlay" role="presentation" onClick={onClose}>
      <div
        className="rv-help card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="rv-help-title"
        onClick={(e) => e.stopPropagation()}
      >
        <header className="rv-help__header">
          <h2 id="rv-help-title">Keyboard shortcuts</h2>
          <button
            ref={closeRef}
            type="button"
            className="btn btn--ghost btn--sm"
            onClick={onClose}
            aria-label="Close shortcuts"
          >
            Close
          </button>
        </header>
        <div className="rv-help__groups">
          {[...groups].map(([group, items]) => (
            <section key={group}>
              <h3>{group}</h3>
              <dl>
                {items.map((s) => (
                  <div key={s.keys.join('+') + s.description} className="rv-help__row">
                    <dt>{s.keys.map((k, i) => (k === '–' ? <span key={i}> – </span> : <kbd key={i}>{k}</kbd>))}</dt>
                    <dd>{s.description}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <p className="muted rv-help__foot">
          Shortcuts work anywhere in the workspace except while typing in a field. Press ? to open this list.
        </p>
      </div>
    </div>
  );
}
