-- 0002: staff members (officers, leaders, admins), their one-time invites and chat links.
-- An invite creates the staff row; `/dangky <code>` links a chat account to it.

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'leader', 'admin')),
    officer_code  TEXT,                   -- matches dossiers.officer (e.g. 'CB01')
    created_at    TEXT NOT NULL,
    revoked_at    TEXT                    -- NULL while active
);

CREATE INDEX staff_unit ON staff (unit_id, role);

CREATE TABLE staff_invites (
    code_hash   TEXT PRIMARY KEY,         -- sha256 of the normalised code; the code is never stored
    staff_id    INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     TEXT                      -- 'channel:user_id'
);

CREATE TABLE staff_links (
    channel    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    staff_id   INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);

CREATE INDEX staff_links_staff ON staff_links (staff_id);
