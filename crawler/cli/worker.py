"""`provwatch worker`: run queued crawls (the worker itself is crawler.daemon.worker)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from provwatch.crawler.cli.app import app, state
from provwatch.crawler.errors import ProvwatchError


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(
        "--concurrency", "-c", min=1, max=256,
        help="Crawls this worker runs at the same time (each in its own process).")] = 1,
    metrics_port: Annotated[int | None, typer.Option(
        "--metrics-port", min=0, max=65535,
        help="Serve this worker's Prometheus metrics on this port (default: the "
             "metrics_port setting; 0: off). Each worker on one machine needs its own.")
    ] = None,
) -> None:
    """Run crawls from the queue (queue_url), on any number of machines, until SIGTERM or
    Ctrl-C; `provwatch run` on one of them enqueues the due sources."""
    config = state.config
    if not config.queue_url:
        raise ProvwatchError("provwatch worker needs a crawl queue: set queue_url (e.g. "
                             "PROVWATCH_QUEUE_URL) to the PostgreSQL database the scheduler "
                             "(`provwatch run`) uses; without one, `provwatch run` crawls "
                             "by itself")
    # lazy: the engine (Procrastinate) and the daemon load only for `provwatch worker`
    from provwatch.crawler.daemon.logs import configure_logging
    from provwatch.crawler.daemon.worker import Worker

    configure_logging(config)
    code = Worker(config, concurrency, metrics_port=metrics_port).run()
    logging.shutdown()
    raise typer.Exit(code)
