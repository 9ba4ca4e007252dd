"""provwatch's application, in floors; each imports only the floors below it.

ground     errors, config, taxonomy, chinatime, processes (these modules, here)
storage/   models, engine, repository (every query), migrations
catalog/   the source catalog and its coverage
           ...then the domain packages beside crawler/: alerts < pipelines < spiders
services/  the operations the CLI, the daemon and the web app call
daemon/    scheduler, runner, crawl child, health, lock, backfill, metrics
web/       `provwatch serve`: the web app over the archive (views call services)
demo/      the offline demo
cli/       the `provwatch` command
"""

__version__ = "0.1.0"
