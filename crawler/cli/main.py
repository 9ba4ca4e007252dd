"""`provwatch`: the app with every command group registered, and its one error path."""

from __future__ import annotations

import sys

from provwatch.alerts.errors import AlertError
from provwatch.crawler.cli import (  # noqa: F401  (each module registers its commands)
    alerts,
    articles,
    config,
    crawl,
    daemon,
    demo,
    ids,
    leaders,
    meetings,
    pages,
    sources,
    status,
    tagging,
    watch,
)
from provwatch.crawler.cli.app import app, state  # noqa: F401  (tests drive app and state)
from provwatch.crawler.errors import ProvwatchError


def main() -> None:
    try:
        app()
    except (ProvwatchError, AlertError) as e:
        print(f"provwatch: error: {' '.join(str(e).split())}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
