-- AI analysis. Call transcripts and analyses live in the replicated insight documents (so retention and
-- erasure of insights cover them); this table holds the text-message analysis of each assignment
-- (lead × assessor), which only the server's reports read.
CREATE TABLE sms_analyses (
  lead_id text NOT NULL,
  assessor_id text NOT NULL,
  service text NOT NULL,
  district text NOT NULL,
  booked boolean NOT NULL,
  version text NOT NULL,
  result jsonb NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (lead_id, assessor_id)
);
CREATE INDEX sms_analyses_area ON sms_analyses (service, district);
