-- 0008: indexes for the report figures over many units (storage/stats.py).
-- dossiers_finished gains received_at after finished_at: the dossiers carried over into a period
-- (finished at or after its start, received before it) are then found in the index alone,
-- instead of reading every row finished since the start from the table. Same number of indexes on
-- dossiers as before (the importer's speed is unchanged); every query that used the old
-- (unit_id, finished_at, status) prefix still can, status stays in the index.
DROP INDEX IF EXISTS dossiers_finished;
CREATE INDEX dossiers_finished ON dossiers (unit_id, finished_at, received_at, status);
-- The catalogue level of a dossier's procedure from the index alone (the small procedures table).
CREATE INDEX procedures_level ON procedures (unit_id, code, level);
