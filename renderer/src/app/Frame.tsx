import type { ComponentType } from 'react';

/**
 * An empty screen that says what it will hold. Used for screens that later work fills in, so the navigation
 * of every role is complete from the start and nobody mistakes an empty frame for a broken screen.
 */
export function frame(title: string, sentence: string, comingIn: string): ComponentType {
  // The top bar shows the navigation label; the frame names the screen it stands for.
  function FrameScreen() {
    return (
      <div className="page">
        <div className="empty-state" data-testid="screen-frame">
          <span className="empty-state__title">{title}: not built yet</span>
          <p>{sentence}</p>
          <p className="subtle">{comingIn}</p>
        </div>
      </div>
    );
  }
  FrameScreen.displayName = `Frame(${title})`;
  return FrameScreen;
}
