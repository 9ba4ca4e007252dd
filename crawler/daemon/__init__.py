"""Daemon floor: scheduler, runner, crawl child, health, lock, metrics; imports services, below."""
