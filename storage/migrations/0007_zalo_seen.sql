-- 0007: the Zalo channel's own state.
-- zalo_seen: every Zalo message_id already taken in (getUpdates has no offset and the webhook may
-- deliver twice), so a restart or a redelivery never answers the same message twice.
-- zalo_choices: the numbered text choices ("Gửi 1 để …") last offered in a chat, standing in for
-- buttons, which Zalo does not have.
-- link_codes: one-time codes of /lienket, linking a staff member's account on another channel.

CREATE TABLE zalo_seen (
    message_id  TEXT PRIMARY KEY,
    chat_id     TEXT NOT NULL,
    seen_at     TEXT NOT NULL
);

CREATE INDEX zalo_seen_at ON zalo_seen (seen_at);

CREATE TABLE zalo_choices (
    chat_id     TEXT PRIMARY KEY,
    choices     TEXT NOT NULL,            -- JSON list of the buttons' data, choice 1 first
    offered_at  TEXT NOT NULL
);

CREATE TABLE link_codes (
    code         TEXT PRIMARY KEY,        -- six digits
    staff_id     INTEGER NOT NULL,
    from_channel TEXT NOT NULL,
    from_user_id TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    used_channel TEXT,
    used_user_id TEXT
);

CREATE TABLE link_attempts (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    at          TEXT NOT NULL,
    ok          INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX link_attempts_user ON link_attempts (channel, user_id, at);
