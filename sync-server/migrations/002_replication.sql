-- Replicated documents (the client collections). See sync-server/src/replication/SPEC.md.
-- Each collection has a counter row; a writer increments it inside its transaction, which locks the row until
-- commit, so sequence numbers become visible in order and a pull by `seq > checkpoint` never skips a change.
CREATE TABLE sync_counters (
  collection text PRIMARY KEY,
  seq bigint NOT NULL DEFAULT 0
);

CREATE TABLE sync_documents (
  collection text NOT NULL,
  id text NOT NULL,
  seq bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  doc jsonb NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE UNIQUE INDEX sync_documents_seq ON sync_documents (collection, seq);
