"""Daemon floor: the scheduler (APScheduler), the crawl runner and its child process,
source health, the daemon lock, backfill words and metrics. Imports services and
everything below them; never the CLI or the demo."""
