-- Several processes on one store (issue 16): a push is claimed by one delivery worker before it
-- is sent (claimed_by, claimed_until: a lease that a killed worker's rows outlive, then return
-- to the queue), and each scheduled job's occasion is run by one process (job_runs).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;

CREATE TABLE job_runs (
    job          TEXT NOT NULL,
    occasion     TEXT NOT NULL,
    owner        TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    lease_until  TEXT NOT NULL,
    finished_at  TEXT,
    result       INTEGER,
    PRIMARY KEY (job, occasion)
);
