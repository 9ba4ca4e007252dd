"""Signing in with the access token (security.py): a form, and the session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from provwatch.crawler.web.render import page
from provwatch.crawler.web.security import SESSION_COOKIE, session_value, token_matches

router = APIRouter()


def _local(path: str | None) -> str:
    """Only a path of this app: never another site (``//host``, ``https://...``)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002
    return page(request, "login.html", needed=bool(request.app.state.token),
                next=_local(next), failed=False)


@router.post("/login", include_in_schema=False)
def login(request: Request, token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/") -> Response:  # noqa: A002
    expected = request.app.state.token
    if not expected:
        return RedirectResponse("/", status_code=303)
    if not token_matches(expected, token):
        return page(request, "login.html", status_code=403, needed=True, next=_local(next),
                    failed=True)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, session_value(expected), httponly=True,
                        samesite="strict", path="/")
    return response
