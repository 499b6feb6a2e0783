"""Pushes: what goes to whom, the outbox delivery worker, the scheduler, the services."""
