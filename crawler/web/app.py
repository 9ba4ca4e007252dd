"""The ASGI app of `provwatch serve`, built by ``create_app`` from a Config.

FastAPI (on Starlette) routes the views and describes every /api route in an OpenAPI
document at /api/openapi.json for free; pages are Jinja2 templates (render.py); static
files are the app's own (web/static) and plotly.js, served from the installed ``plotly``
wheel's own copy (nothing copied into the repository, nothing from a CDN: the app works
offline). Swagger's /docs page is off: it loads its scripts from a CDN.

Views are the modules named in views.VIEWS, each exposing ``router``; a view reads the
Config through ``context.config_of`` and calls services only.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from provwatch.crawler import __version__
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.web.errors import NotFound, WebInputError
from provwatch.crawler.web.render import page
from provwatch.crawler.web.security import ASGIApp, protect
from provwatch.crawler.web.views import VIEWS

STATIC = Path(__file__).parent / "static"


def plotly_js() -> Path:
    """plotly.min.js as the installed plotly wheel ships it (found without importing
    plotly, which the server never needs)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ProvwatchError("serve: the plotly package is not installed (pip install -e .)")
    path = Path(list(spec.submodule_search_locations)[0]) / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ProvwatchError(f"serve: {path} is missing from the plotly package")
    return path


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def error_response(request: Request, status: int, message: str) -> Response:
    """One line, in the form the path asks for: JSON under /api, text for a CSV, a page."""
    line = _one_line(message)
    path = request.url.path
    if path.startswith("/api/"):
        return JSONResponse({"error": line}, status_code=status)
    if path.endswith(".csv"):
        return PlainTextResponse(line + "\n", status_code=status)
    return page(request, "error.html", status_code=status, message=line)


def _validation_line(exc: RequestValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
    return f"{where}: {first.get('msg', 'invalid value')}"


def build_app(config: Config, *, token: str | None = None) -> FastAPI:
    """The FastAPI app with every view's router, unprotected (``create_app`` wraps it)."""
    app = FastAPI(title="provwatch", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="The archive of provincial policy news: each page's data as "
                              "JSON, with the page's filters as query parameters.")
    app.state.config = config
    app.state.token = token
    plotly = plotly_js()

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def _plotly() -> FileResponse:
        return FileResponse(plotly, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(WebInputError)
    def _bad_input(request: Request, exc: WebInputError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(NotFound)
    def _not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(ProvwatchError)
    def _known(request: Request, exc: ProvwatchError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 400, _validation_line(exc))

    for name in VIEWS:
        module = importlib.import_module(f"provwatch.crawler.web.views.{name}")
        app.include_router(module.router)
    return app


def create_app(config: Config, *, host: str = "127.0.0.1") -> ASGIApp:
    """The app as served: every view, inside the safety layers of security.py."""
    token = config.web_token
    return protect(build_app(config, token=token), host=host, token=token)
