"""Delivery policy of the outbox: when a failed delivery is tried again, and when it stops.

A delivery is pending until sent; a failure schedules the next attempt with exponential
backoff and jitter (1 min, 2 min, 4 min ... capped at 6 h); a permanent error or the
last allowed attempt marks it failed, kept and visible.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

BASE_DELAY = 60.0
MAX_DELAY = 6 * 3600.0


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    delay = min(MAX_DELAY, BASE_DELAY * 2 ** min(30, max(0, attempts - 1)))
    jitter = (rng or random).uniform(0.8, 1.2)
    return timedelta(seconds=delay * jitter)


def after_failure(attempts: int, max_attempts: int, permanent: bool, now: datetime,
                  rng: random.Random | None = None) -> tuple[str, datetime]:
    """(new status, next attempt time) once ``attempts`` attempts have failed."""
    if permanent or attempts >= max_attempts:
        return "failed", now
    return "pending", now + backoff(attempts, rng)
