-- 0012: how far the status events have been fanned out to their followers (bot/status_pushes.py).
-- Pushes are derived from the events beyond the cursor, in one transaction that also moves the
-- cursor, after every import, at bot start and periodically: an import killed after its commit
-- loses no push. A store upgraded to 0012 starts at its newest event (older events had their
-- pushes queued by the step that ran after each import).

CREATE TABLE push_cursors (
    name        TEXT PRIMARY KEY,             -- 'status_events'
    last_id     INTEGER NOT NULL,             -- the last status_events.id fanned out
    updated_at  TEXT
);

INSERT INTO push_cursors (name, last_id, updated_at)
SELECT 'status_events', COALESCE(MAX(id), 0), NULL FROM status_events;
