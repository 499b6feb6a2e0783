-- 0004: per-user lookup counters in fixed windows (a minute, a day), kept across restarts.
-- window is 'm:YYYY-MM-DDTHH:MM' or 'd:YYYY-MM-DD' in local time.

CREATE TABLE rate_limits (
    channel  TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    bucket   TEXT NOT NULL,
    window   TEXT NOT NULL,
    used     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, user_id, bucket, window)
) WITHOUT ROWID;
