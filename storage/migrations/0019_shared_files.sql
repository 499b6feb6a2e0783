-- 0019: charts and reports served to Zalo at an unguessable, expiring signed URL (issue 17):
-- Zalo's sendPhoto takes a URL, not bytes. Rows past expires_at are deleted on the next share.
CREATE TABLE shared_files (
    id          TEXT PRIMARY KEY,          -- 128-bit random, URL-safe
    filename    TEXT NOT NULL,
    mime        TEXT NOT NULL,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE INDEX shared_files_expires ON shared_files (expires_at);
