"""`python -m provwatch.crawler.cli`: the same as the `provwatch` command."""

from provwatch.crawler.cli.main import main

main()
