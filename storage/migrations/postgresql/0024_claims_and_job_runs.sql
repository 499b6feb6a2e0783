-- Several processes on one store (issue 16): a push is claimed by one delivery worker before it
-- is sent (claimed_by, claimed_until: a lease that a killed worker's rows outlive, then return
-- to the queue), and each scheduled job's occasion is run by one process (job_runs).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT COLLATE "C";
ALTER TABLE outbox ADD COLUMN claimed_until TEXT COLLATE "C";

CREATE TABLE job_runs (
    job          TEXT COLLATE "C" NOT NULL,
    occasion     TEXT COLLATE "C" NOT NULL,
    owner        TEXT COLLATE "C" NOT NULL,
    started_at   TEXT COLLATE "C" NOT NULL,
    lease_until  TEXT COLLATE "C" NOT NULL,
    finished_at  TEXT COLLATE "C",
    result       INTEGER,
    PRIMARY KEY (job, occasion)
);
