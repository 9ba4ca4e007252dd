"""Processes on this host: whether one still lives (the daemon lock and the alert
dispatcher tell a dead holder from a busy one with it)."""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this pid exists on this host (the lock and the alert
    dispatcher's claims use it to tell a dead holder from a busy one)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True
