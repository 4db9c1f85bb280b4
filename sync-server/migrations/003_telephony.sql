-- Telephony: assessors, leads, the number pool and its sessions (one per assignment), calls with the Twilio
-- callbacks they are folded from, messages, and the do-not-record and SMS suppression lists.
-- Times are server-clock milliseconds, like the replicated documents. Phones are E.164.
-- The client-facing documents (leads, assessors, calls, messages) live in sync_documents; these tables are the
-- server's working state and the indexes routing needs.

CREATE TABLE assessors (
  id text PRIMARY KEY,
  external_id text NOT NULL UNIQUE,
  name text NOT NULL,
  phone text NOT NULL,
  districts text[] NOT NULL DEFAULT '{}',
  services text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  sandbox boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX assessors_phone ON assessors (phone);

CREATE TABLE leads (
  id text PRIMARY KEY,
  external_id text NOT NULL UNIQUE,
  -- Hash of the normalised intake request: a repeat with the same externalId and body is the same lead.
  request_hash text NOT NULL,
  customer_name text NOT NULL,
  customer_phone text NOT NULL,
  postcode text NOT NULL,
  district text NOT NULL,
  service text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'booked', 'closed')),
  created_at bigint NOT NULL,
  closed_at bigint,
  sandbox boolean NOT NULL DEFAULT false
);
CREATE INDEX leads_customer_phone ON leads (customer_phone);
CREATE INDEX leads_created ON leads (created_at);

CREATE TABLE pool_numbers (
  number text PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('manual', 'purchased')),
  -- Twilio's IncomingPhoneNumber SID (PN…), when known.
  twilio_sid text,
  monthly_cost_pence integer NOT NULL,
  acquired_at bigint NOT NULL,
  released_at bigint,
  sandbox boolean NOT NULL DEFAULT false
);

-- A session is one assignment (lead × assessor) and its routing keys. See shared/pool.ts for the rules.
CREATE TABLE pool_sessions (
  id text PRIMARY KEY,
  lead_id text NOT NULL REFERENCES leads(id),
  assessor_id text NOT NULL REFERENCES assessors(id),
  customer_phone text NOT NULL,
  assessor_phone text NOT NULL,
  pool_number text NOT NULL REFERENCES pool_numbers(number),
  extension text,
  created_at bigint NOT NULL,
  last_activity_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  closed_at bigint,
  booked_at bigint,
  booking_value_pence integer,
  UNIQUE (lead_id, assessor_id)
);
CREATE INDEX pool_sessions_customer ON pool_sessions (customer_phone, pool_number);
CREATE INDEX pool_sessions_assessor ON pool_sessions (assessor_phone, pool_number);
CREATE INDEX pool_sessions_ends ON pool_sessions (expires_at);
CREATE INDEX pool_sessions_assessor_id ON pool_sessions (assessor_id);

-- One row per parent call (the call into a pool number); its CallDoc is folded from call_events.
CREATE TABLE calls (
  call_sid text PRIMARY KEY,
  session_id text REFERENCES pool_sessions(id),
  from_phone text NOT NULL,
  to_number text NOT NULL,
  created_at bigint NOT NULL,
  sandbox boolean NOT NULL DEFAULT false
);
CREATE INDEX calls_session ON calls (session_id);

-- Every callback once (key = shared/call-state eventKey): Twilio's retries and duplicates are ignored.
CREATE TABLE call_events (
  call_sid text NOT NULL REFERENCES calls(call_sid),
  key text NOT NULL,
  event jsonb NOT NULL,
  received_at bigint NOT NULL,
  PRIMARY KEY (call_sid, key)
);

-- One row per text: an inbound message from a party and the relay sent on to the other party.
CREATE TABLE messages (
  id text PRIMARY KEY,
  session_id text REFERENCES pool_sessions(id),
  from_phone text NOT NULL,
  to_number text NOT NULL,
  direction text CHECK (direction IN ('customer_to_assessor', 'assessor_to_customer')),
  body text,
  media_count integer NOT NULL DEFAULT 0,
  relay_sid text UNIQUE,
  status text NOT NULL,
  received_at bigint NOT NULL,
  sandbox boolean NOT NULL DEFAULT false
);
CREATE INDEX messages_session ON messages (session_id);

-- Phones that opted out of recording: never recorded again, on any pool number.
CREATE TABLE do_not_record (
  phone text PRIMARY KEY,
  created_at bigint NOT NULL,
  call_sid text,
  source text NOT NULL CHECK (source IN ('keypad', 'admin'))
);

-- Phones that texted STOP: no relayed texts reach them from any pool number until they text START.
CREATE TABLE sms_suppressions (
  phone text PRIMARY KEY,
  created_at bigint NOT NULL,
  keyword text NOT NULL
);
