-- 0007: the Zalo channel's own state.
-- zalo_seen: every Zalo message_id already taken in (getUpdates has no offset and the webhook may
-- deliver twice), so a restart or a redelivery never answers the same message twice.
-- zalo_choices: the numbered text choices ("Gửi 1 để …") last offered in a chat, standing in for
-- buttons, which Zalo does not have.

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
