-- 0013: the staff member a push is for (reminder, digest, quarterly summary), so that revoking
-- access drops that person's pending pushes (storage/outbox.py drop_staff_pushes); NULL for
-- citizens' pushes. Pending staff pushes already queued get theirs from the chat's link.

ALTER TABLE outbox ADD COLUMN staff_id INTEGER;

UPDATE outbox SET staff_id = (
    SELECT l.staff_id FROM staff_links l
    WHERE l.channel = outbox.channel AND l.chat_id = outbox.chat_id
    ORDER BY l.staff_id LIMIT 1
)
WHERE state = 'pending' AND kind IN ('remind', 'digest', 'quarter');

CREATE INDEX outbox_staff_pending ON outbox (staff_id) WHERE state = 'pending' AND staff_id IS NOT NULL;
