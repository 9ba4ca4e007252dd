"""The views of `provwatch serve`, one module per view.

To add a view: write ``views/<name>.py`` exposing ``router`` (a ``fastapi.APIRouter``)
with its page (``/<name>``), its CSV twin (``/<name>.csv``) and its JSON under
``/api/<name>``, each calling a service (never storage); add ``"<name>"`` to ``VIEWS``
below, and its link to ``NAV`` if it is reached from the navigation. The app
(web/app.py) includes every router of ``VIEWS`` in this order. Templates go in
web/templates/<name>.html and extend ``base.html``.
"""

from __future__ import annotations

VIEWS = (  # one per line: branches add theirs without touching the others'
    "home",
    "login",
    "attention",
    "province",
    "story",
    "search",
    "meetings",
    "watchlists",
    "sources",
)

NAV = (  # (path, label) of the navigation bar, in order
    ("/attention", "Attention"),
    ("/provinces", "Provinces"),
    ("/meetings", "Meetings"),
    ("/search", "Search"),
    ("/watchlists", "Watchlists"),
    ("/alerts", "Alerts"),
    ("/sources", "Sources"),
)
