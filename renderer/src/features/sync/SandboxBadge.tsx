import { useSessionStore } from '../../state/session';

/** Shown on every screen while the server runs against the Twilio sandbox: none of this data is real. */
export function SandboxBadge() {
  const sandbox = useSessionStore((s) => s.serverInfo?.sandbox === true);
  if (!sandbox) return null;
  return (
    <span
      className="badge badge--sandbox"
      data-testid="sandbox-badge"
      title="This server uses the Twilio sandbox: calls, texts and people are made up for demos and tests."
    >
      Sandbox data
    </span>
  );
}
