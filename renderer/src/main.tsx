import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { startApp } from './app/runtime';
import { useSessionStore } from './state/session';
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import './styles/layout.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

startApp().catch((err: unknown) => {
  console.error('start failed', err);
  useSessionStore.setState({
    phase: 'signed-out',
    notice: `Ringside could not start: ${err instanceof Error ? err.message : String(err)}`,
  });
});
