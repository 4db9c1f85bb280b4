-- Replication extras (SPEC R10): what partial-sync scopes need to stay fast on a long history, and the previous
-- state of each document so that a change which moves a document OUT of a scope still reaches the clients that
-- hold it (a call reassigned away from my review queue must update on my device too).
ALTER TABLE sync_documents ADD COLUMN prev_doc jsonb;

-- recent:<days> on calls / messages / everything with createdAt. jsonb comparison never fails on odd values.
CREATE INDEX sync_calls_started ON sync_documents ((doc -> 'startedAt')) WHERE collection = 'calls';
CREATE INDEX sync_messages_sent ON sync_documents ((doc -> 'sentAt')) WHERE collection = 'messages';
CREATE INDEX sync_documents_created ON sync_documents (collection, (doc -> 'createdAt'));
-- queue: calls with a stored recording, in sequence order.
CREATE INDEX sync_calls_recorded ON sync_documents (seq) WHERE collection = 'calls' AND doc -> 'recording' ->> 'state' = 'stored';
-- call:<ids> and "has this call a submitted review": documents by the call they belong to.
CREATE INDEX sync_documents_call ON sync_documents (collection, (doc ->> 'callId'));
CREATE INDEX sync_calls_recorded_before ON sync_documents (seq) WHERE collection = 'calls' AND prev_doc -> 'recording' ->> 'state' = 'stored';
