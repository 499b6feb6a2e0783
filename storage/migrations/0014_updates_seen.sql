-- 0014: update ids already taken in through a webhook, per channel (Telegram's update_id), so a
-- replayed or redelivered update is answered once. Pruned after a few days (Telegram keeps an
-- undelivered update for 24 hours at most).

CREATE TABLE updates_seen (
    channel    TEXT NOT NULL,
    update_id  TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (channel, update_id)
) WITHOUT ROWID;

CREATE INDEX updates_seen_at ON updates_seen (seen_at);
