"""Demo floor: the bundled offline demo (a fictional news site, its catalog and watchlists)
and the run that crawls it. Imports the daemon floor and below; the CLI calls it."""
