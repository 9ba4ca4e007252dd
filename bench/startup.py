"""Start-up: how long `provwatch --help` and the read-only commands take, against a bare
`python -c pass` measured in the same run.

    python bench/startup.py [--runs N] [--commands=--help,ids,status,...]

Each command runs ``N`` times (default 15) as a fresh `python -m provwatch.crawler.cli`
process on a throw-away SQLite database (migrated once before timing); the figure is the
median wall time, and the ratio to the bare interpreter's median shows what provwatch
adds on this machine, whatever its speed. Target on a quiet machine: every command under
0.5 s. Run it when nothing else is busy: a loaded machine stretches every figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from provwatch.crawler.storage.db import close_all, open_database

COMMANDS = ("--help", "ids", "status", "articles", "watch list", "sources")


def timed(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of ``runs`` runs; the CPU
    figure moves less on a busy machine."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help="comma-separated, e.g. --commands=--help,watch list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
        env.update(PROVWATCH_DATABASE_URL=f"sqlite:///{Path(folder) / 'startup.db'}",
                   PROVWATCH_DATA_DIR=folder)
        cli = [sys.executable, "-m", "provwatch.crawler.cli"]
        open_database(env["PROVWATCH_DATABASE_URL"])  # migrated once, as after a first run
        close_all()
        bare, bare_cpu = timed([sys.executable, "-c", "pass"], env, args.runs)
        print(f"python -c pass: {bare * 1000:.0f} ms wall, {bare_cpu * 1000:.0f} ms CPU "
              f"(medians of {args.runs} runs)")
        for command in args.commands.split(","):
            took, cpu = timed([*cli, *command.split()], env, args.runs)
            print(f"provwatch {command}: {took * 1000:.0f} ms wall ({took / bare:.1f}x bare "
                  f"python), {cpu * 1000:.0f} ms CPU")


if __name__ == "__main__":
    main()
