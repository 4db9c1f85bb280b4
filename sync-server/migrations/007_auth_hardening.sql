-- Sign-in throttling counted BEFORE the password check (one atomic upsert per key), replacing the failure log
-- that was read and then written (parallel guesses all passed the read). Keys: `pair:<email> <address>`,
-- `address:<address>`, `account:<email>` (sync-server/src/auth/throttle.ts). A fixed window per key.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);

-- Single-use tickets that open a live stream (an EventSource cannot send an Authorization header, and a
-- session token in a URL is kept by proxies and logs). Stored hashed; bound to the user and the session
-- that asked for it, so signing out or revoking ends what the ticket opened.
CREATE TABLE stream_tickets (
  ticket_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL REFERENCES auth_tokens(token_hash) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);
CREATE INDEX stream_tickets_expiry ON stream_tickets (expires_at);
