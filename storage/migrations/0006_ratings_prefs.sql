-- 0006: citizens' satisfaction ratings after a result, and staff members' push preferences.

CREATE TABLE ratings (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    score       INTEGER NOT NULL CHECK (score IN (1, 2, 3)),  -- 1 rất hài lòng, 2 hài lòng, 3 không
    rated_at    TEXT NOT NULL,
    UNIQUE (dossier_id, channel, chat_id)                       -- one rating per person; re-rating replaces
);

CREATE INDEX ratings_rated ON ratings (rated_at);

-- One row per staff member who changed a default; absent row = every push on.
CREATE TABLE push_prefs (
    staff_id    INTEGER PRIMARY KEY,        -- staff.id (0002, core helper's table)
    reminders   INTEGER NOT NULL DEFAULT 1, -- officers' morning reminder
    digest      INTEGER NOT NULL DEFAULT 1, -- leaders' daily digest
    quarterly   INTEGER NOT NULL DEFAULT 1, -- leaders' quarterly summary
    channel     TEXT,                       -- receive on this channel only; NULL: every linked chat
    updated_at  TEXT NOT NULL
);
