-- 0003: citizens following a dossier's status changes (/theodoi); the push issue delivers them.

CREATE TABLE subscriptions (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (dossier_id, channel, user_id)
);

CREATE INDEX subscriptions_user ON subscriptions (channel, user_id);
