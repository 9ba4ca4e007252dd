"""Processes on this host: what names this host to other provwatch processes, and whether
a process still lives (the daemon lock and the alert dispatcher tell a dead holder from a
busy one with them)."""

from __future__ import annotations

import os
import socket


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


def host_id() -> str:
    """This host as the lock and the dispatcher's claims record it: the hostname, with the
    PID namespace where the system has one (``name#inode``). Two containers can share a
    hostname and both run provwatch as pid 1; a pid means something only in its own
    namespace, so only a holder with this exact id is judged by ``pid_alive``."""
    name = socket.gethostname()
    try:
        return f"{name}#{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:  # not Linux: the hostname is all there is
        return name
