"""Services floor: the operations the CLI, the daemon and the web app call, one module per
subject (articles, ingest, watchlists, alerts, extraction, tagging, warc, status, checks).
Imports storage, catalog, the ground, and the domain packages (alerts, pipelines, spiders);
never the daemon, the CLI or the demo."""
