-- 0005: the outbox — every push is a row before it is sent; the idempotency key makes a job
-- that runs twice (or a restart mid-run) enqueue, and so send, each message once.
-- Datetimes are local wall-clock text 'YYYY-MM-DDTHH:MM:SS' in the settings' timezone.

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    channel          TEXT NOT NULL,              -- "telegram" | "zalo" | "console"
    chat_id          TEXT NOT NULL,
    kind             TEXT NOT NULL,              -- remind | digest | quarter | status | other
    payload          TEXT NOT NULL,              -- JSON of a Reply (storage/outbox.py)
    idem_key         TEXT NOT NULL UNIQUE,       -- remind:<officer>:<date>, status:<event>:<chat> …
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,                       -- NULL: due now; else not before (real time)
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);

-- The delivery worker's scan: pending rows in id order.
CREATE INDEX outbox_pending ON outbox (state, id) WHERE state = 'pending';
CREATE INDEX outbox_chat ON outbox (channel, chat_id, state);

-- Chats whose owner blocked the bot (HTTP 403): no push is enqueued or sent to them until the
-- person writes to the bot again (storage.outbox.unblock_chat).
CREATE TABLE blocked_chats (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    blocked_at  TEXT NOT NULL,
    reason      TEXT,
    PRIMARY KEY (channel, chat_id)
);
