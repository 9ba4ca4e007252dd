"""The bundled offline demo: a fictional news site, its catalog and watchlists."""
