"""Pushes, from what goes to whom to the chat: job → messages → outbox → delivery → Sender.

- Jobs: `scheduler` runs the timed ones (reminders and digests, quarterly and index pushes, the
  nightly housekeeping); `status` fans out status changes recorded by imports; `services`
  starts the scheduler, the delivery worker and the status catch-up in the bot process.
- Messages: `messages`, `index` and `status` build each push as a Reply; `payload` turns it
  into the outbox's plain JSON payload (`push_item`) and back. `storage.outbox` stores one row
  per idempotency key, so a job run twice stores nothing new.
- Delivery: `delivery` drains the outbox through each channel's Sender (`bot.channels.base`)
  under the caps of `pacing`, retries with `backoff`, and marks each row sent, retried or dead.
"""
