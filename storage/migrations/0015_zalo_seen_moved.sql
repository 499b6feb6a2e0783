-- 0015: Zalo's message ids join the other channels' update ids in updates_seen (channel 'zalo'),
-- one table and one pruning for every channel's replay protection.

INSERT OR IGNORE INTO updates_seen (channel, update_id, seen_at)
    SELECT 'zalo', message_id, seen_at FROM zalo_seen;

DROP TABLE zalo_seen;
