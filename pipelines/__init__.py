"""Item pipeline stages (extract -> normalise -> dedupe -> tag -> store) over pure modules.
May import alerts (the store stage matches watchlists), crawler.catalog, crawler.storage
and the ground modules; never spiders, crawler.services, crawler.daemon or crawler.cli."""
