"""`provwatch run`: the daemon's command (the daemon itself is crawler.daemon.scheduler)."""

from __future__ import annotations

import logging
import os
import sys

from provwatch.crawler.cli.app import app, state


@app.command()
def run() -> None:
    """Run the daemon: crawl every enabled source on its schedule and send alerts, until
    SIGTERM or Ctrl-C. Refuses to start while another daemon runs on the same database."""
    # lazy: the daemon (APScheduler, its workers) loads only for `provwatch run`
    from provwatch.crawler.daemon.scheduler import Daemon, configure_logging

    config = state.config
    configure_logging(config)
    daemon = Daemon(config)
    code = daemon.run()
    logging.shutdown()
    if daemon.unfinished:
        # a delivery or a crawl did not end within the grace period: whatever it did not
        # commit is retried at the next start; do not let its thread hold the exit
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)
