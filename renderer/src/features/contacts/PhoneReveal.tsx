import { useState } from 'react';
import { revealPhone } from '../../../../shared/contracts/leads';
import { callApi } from '../../api/client';
import { describeError } from '../../api/messages';
import { useSessionStore } from '../../state/session';

/**
 * The customer's number, masked (`07700 900***`) unless the admin reveals it. A reveal asks the server, which
 * records it in the audit trail (sync-server/src/leads/reveal.ts): admins need the real number rarely (a
 * suspect lead, a complaint), and then it is on the record who looked. It needs a connection for that reason.
 */
export function PhoneReveal({ leadId, masked }: { leadId: string; masked: string }) {
  const session = useSessionStore((s) => s.session);
  const [state, setState] = useState<
    { kind: 'masked' } | { kind: 'asking' } | { kind: 'shown'; phone: string } | { kind: 'error'; message: string }
  >({ kind: 'masked' });

  async function reveal() {
    if (!session) return;
    setState({ kind: 'asking' });
    try {
      const res = await callApi(session.serverUrl, revealPhone, { params: { id: leadId } }, { token: session.token });
      setState({ kind: 'shown', phone: res.customerPhone });
    } catch (err) {
      setState({ kind: 'error', message: describeError(err, session.serverUrl) });
    }
  }

  if (state.kind === 'shown') {
    return (
      <span className="ct-phone" data-testid="customer-phone" data-revealed="true">
        <span className="num">{state.phone}</span>
        <span className="subtle">revealed · in the audit trail</span>
        <button type="button" className="btn btn--sm btn--ghost" onClick={() => setState({ kind: 'masked' })}>
          Hide
        </button>
      </span>
    );
  }
  return (
    <span className="ct-phone" data-testid="customer-phone" data-revealed="false">
      <span className="num">{masked}</span>
      <button
        type="button"
        className="btn btn--sm"
        onClick={() => void reveal()}
        disabled={state.kind === 'asking'}
        title="Shows the full number. Each reveal is recorded in the audit trail."
      >
        {state.kind === 'asking' ? 'Revealing…' : 'Reveal number'}
      </button>
      {state.kind === 'error' ? (
        <span className="ct-phone__error" role="alert">
          {state.message}
        </span>
      ) : null}
    </span>
  );
}
