"""Watchlists, matching, the delivery outbox and the channels that deliver alerts."""
