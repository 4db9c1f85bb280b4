-- Area price overrides (shared/pricing/SPEC.md PR7) and the server's book of tier proposals
-- (shared/tiers/SPEC.md TR6–TR7). Times are server-clock milliseconds, like the replicated documents.

CREATE TABLE price_overrides (
  id text PRIMARY KEY,
  district text NOT NULL,
  service text NOT NULL,
  price_pence integer NOT NULL CHECK (price_pence >= 0),
  reason text NOT NULL,
  valid_from bigint NOT NULL,
  -- Exclusive end; NULL = until revoked.
  valid_to bigint,
  created_at bigint NOT NULL,
  created_by text NOT NULL,
  revoked_at bigint,
  revoked_by text,
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX price_overrides_area ON price_overrides (district, service);

-- One row per tierChanges document the system wrote. `state` mirrors the decision once the server applied it
-- (from the decision route or a document pushed through replication), so a decision is applied exactly once.
CREATE TABLE tier_proposals (
  id text PRIMARY KEY,
  assessor_id text NOT NULL,
  from_tier text,
  to_tier text NOT NULL,
  checks jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'superseded')),
  created_at bigint NOT NULL,
  superseded_by text,
  decided_by text,
  decided_at bigint,
  note text,
  applied_at bigint
);
CREATE UNIQUE INDEX tier_proposals_one_pending ON tier_proposals (assessor_id) WHERE state = 'pending';
