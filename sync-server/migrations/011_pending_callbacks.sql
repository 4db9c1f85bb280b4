-- Twilio callbacks that arrive before their call's voice webhook (Twilio retries and network reordering do
-- that): leg status, Dial action, parent status and recording callbacks for a CallSid with no `calls` row yet.
-- They are kept here, keyed like call_events (shared/call-state eventKey, so a repeat is kept once), and moved
-- into call_events in the transaction that logs the call (twilio/inbound-batch.ts), where the order-proof fold
-- makes them count as if they had come in order. Those whose call never arrives are removed by the job
-- `telephony.pending-callbacks` (twilio/pending.ts) 24 hours after the first of them, which then shows as failed
-- in the admin's job list.
CREATE TABLE pending_call_events (
  call_sid text NOT NULL,
  key text NOT NULL,
  event jsonb NOT NULL,
  -- What the callback asks for once the call is known: a completed recording's download parameters.
  detail jsonb,
  received_at bigint NOT NULL,
  PRIMARY KEY (call_sid, key)
);
CREATE INDEX pending_call_events_received ON pending_call_events (received_at);
