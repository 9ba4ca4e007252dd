"""Real processes meeting at a barrier: how the concurrency tests make writers collide.

Spawned, not forked, so each process opens its own database connections and imports as
a fresh `provwatch` would; the barrier orders them (never a sleep), so the contested step
of every writer starts at once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable

SPAWN = multiprocessing.get_context("spawn")


def at_barrier(target: Callable, args_of: Callable[[int], tuple], processes: int = 4,
               timeout: float = 300) -> None:
    """Run ``target(*args_of(i), barrier)`` in ``processes`` spawned processes (each waits
    at the shared barrier before its contested step), wait for them, and fail unless every
    one exited 0 (an assertion inside a writer exits 1)."""
    barrier = SPAWN.Barrier(processes)
    procs = [SPAWN.Process(target=target, args=(*args_of(i), barrier))
             for i in range(processes)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout)
    assert [p.exitcode for p in procs] == [0] * processes
