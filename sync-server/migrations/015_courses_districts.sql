-- courses, schema version 0 → 1 (the client's step is `coursesV1AddDistricts`, renderer/src/db/migrations.ts):
-- every course gains `districts`, the areas an "Area-Specific Strategies" course is about. Courses written
-- before were for every area, which the empty list means. Stored documents keep their seq: each client runs
-- the same step over its own copies (and over the master states its unpushed edits were based on), so nothing
-- needs to be sent again, and an edit made before the update still matches the stored master (SPEC R3a).
UPDATE sync_documents SET doc = doc || '{"districts": []}'::jsonb
  WHERE collection = 'courses' AND NOT doc ? 'districts';
UPDATE sync_documents SET prev_doc = prev_doc || '{"districts": []}'::jsonb
  WHERE collection = 'courses' AND prev_doc IS NOT NULL AND NOT prev_doc ? 'districts';
