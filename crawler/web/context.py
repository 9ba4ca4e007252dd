"""What a view reads from the running app: the Config it was made with."""

from __future__ import annotations

from fastapi import Request

from provwatch.crawler.config import Config


def config_of(request: Request) -> Config:
    """The Config the app was made with (app.py puts it in ``app.state``)."""
    return request.app.state.config
