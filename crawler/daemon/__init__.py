"""Daemon floor: scheduler, runner, crawl child, health, lock, metrics, and the crawl queue's
engine, enqueuer and workers; imports services, below."""
