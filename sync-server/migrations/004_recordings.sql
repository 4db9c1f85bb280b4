-- Recordings: media downloaded once from Twilio, stored (local directory or S3), with peaks and a playback MP3.
-- Times are server-clock milliseconds like the replicated documents (the server owns the clock), so retention
-- compares them with the same clock that stamped them.
CREATE TABLE recordings (
  recording_sid text PRIMARY KEY,
  call_id text NOT NULL,
  call_sid text NOT NULL,
  state text NOT NULL CHECK (state IN ('stored', 'deleted')),
  storage_kind text NOT NULL CHECK (storage_kind IN ('local', 's3')),
  -- Every object of the recording is under this prefix (original.wav, playback.mp3, peaks*.json.gz).
  storage_prefix text NOT NULL,
  sample_rate integer NOT NULL,
  -- Speaker of each channel in media order (channel 1 first): the caller leg is channel 1.
  channels text[] NOT NULL,
  duration_sec double precision NOT NULL,
  twilio_duration_sec integer,
  original_bytes bigint NOT NULL,
  original_sha256 text NOT NULL,
  playback_bytes bigint NOT NULL,
  peaks_levels integer[] NOT NULL,
  detail_levels integer[] NOT NULL,
  stored_at bigint NOT NULL,
  deleted_at bigint,
  delete_reason text CHECK (delete_reason IN ('retention', 'erasure')),
  -- Set once every stored object is gone; a deleted row without it is retried by the daily sweep.
  media_purged_at bigint,
  twilio_deleted_at bigint,
  sandbox boolean NOT NULL DEFAULT false
);
CREATE INDEX recordings_call ON recordings (call_id);
CREATE INDEX recordings_expiry ON recordings (stored_at) WHERE state = 'stored';
CREATE INDEX recordings_unpurged ON recordings (deleted_at) WHERE state = 'deleted' AND media_purged_at IS NULL;

-- Server-side secrets shared by every instance (signing media URLs, hashing erased numbers). Generated on
-- first use; never leave the server.
CREATE TABLE server_secrets (
  name text PRIMARY KEY,
  secret bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Lookups on replicated documents used by erasure (006 adds the by-call and by-date ones retention uses).
CREATE INDEX sync_documents_leads_phone ON sync_documents ((doc ->> 'customerPhone')) WHERE collection = 'leads';
CREATE INDEX sync_documents_by_lead ON sync_documents (collection, (doc ->> 'leadId')) WHERE collection IN ('calls', 'messages');
