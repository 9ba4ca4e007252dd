"""Demo floor: the offline demo site, catalog, watchlists and run; imports the daemon and below."""
