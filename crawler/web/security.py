"""The app's safety: where it may listen, who may use it, and what a page may do.

- Listening: a loopback address (127.0.0.0/8, ::1, localhost) needs nothing; any other
  address needs an access token (the ``web_token`` setting: a token or a password of
  at least 12 characters), else ``check_bind`` refuses with the reason on one line.
- Access: with a token configured, every request but /login and /static/ must carry it,
  as ``Authorization: Bearer TOKEN`` (scripts) or as the session cookie /login sets
  (an HMAC of the token, never the token itself); /api answers 401, pages go to /login.
  Bound to loopback, the Host header must be a loopback name, so a page of another site
  cannot reach the app through DNS rebinding.
- Forms: CSRF by asgi-csrf (Datasette's; a signed double-submit cookie checked on every
  POST), made to check requests that carry no cookie as well (its default lets them
  through; a loopback app without a login has nothing else to tell a forged form by).
- Pages: Jinja2 escapes every value (render.py); the Content-Security-Policy allows
  scripts from the app's own /static only, so no inline script, event handler or
  foreign script runs even if one were written into a page.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import quote

from asgi_csrf import asgi_csrf
from starlette.middleware.trustedhost import TrustedHostMiddleware

from provwatch.crawler.errors import ProvwatchError

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")
MIN_TOKEN = 12
SESSION_COOKIE = "provwatch_session"
OPEN_PATHS = ("/login", "/static/", "/healthz", "/favicon.ico")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse, with the reason, to listen on ``host`` when the rule does not allow it."""
    if is_loopback(host):
        return
    if not token:
        raise ProvwatchError(
            f"serve: refusing to listen on {host}: it is not a loopback address and no "
            "access token is set (set web_token in the config file or PROVWATCH_WEB_TOKEN, "
            "or listen on 127.0.0.1)")
    if len(token) < MIN_TOKEN:
        raise ProvwatchError(
            f"serve: refusing to listen on {host}: web_token is shorter than {MIN_TOKEN} "
            "characters (choose a longer token or password)")


def session_value(token: str) -> str:
    """What the session cookie holds: an HMAC of the token, so the cookie never carries
    the token itself and changes when the token does."""
    return hmac.new(token.encode(), b"provwatch-web-session", hashlib.sha256).hexdigest()


def token_matches(token: str, given: str | None) -> bool:
    return given is not None and given != "" and hmac.compare_digest(token.encode(),
                                                                    given.encode())


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value.decode("latin-1")
    return ""


def _cookie(scope: Scope, name: str) -> str | None:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(_header(scope, b"cookie"))
    except Exception:  # a malformed Cookie header is no session
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


async def _send_plain(send, status: int, body: str,
                      headers: Sequence[tuple[bytes, bytes]] = (),
                      media: bytes = b"text/plain; charset=utf-8") -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media), *headers]})
    await send({"type": "http.response.body", "body": body.encode("utf-8")})


class TokenGate:
    """Every request must carry the token (Bearer) or the session cookie, but those to
    OPEN_PATHS; a page without either is sent to /login, an API call gets 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token, self.session = app, token, session_value(token)

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http" or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith("/api/") or path.endswith(".csv"):
            await _send_plain(send, 401, '{"error": "this server needs its access token: '
                              'send Authorization: Bearer TOKEN"}',
                              [(b"www-authenticate", b"Bearer")], b"application/json")
            return
        query = scope.get("query_string", b"").decode("latin-1")
        back = quote(path + (f"?{query}" if query else ""), safe="")
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", f"/login?next={back}".encode())]})
        await send({"type": "http.response.body", "body": b""})

    def _allowed(self, scope: Scope) -> bool:
        path = scope["path"]
        if path == "/login" or any(path.startswith(p) for p in OPEN_PATHS if p != "/login"):
            return True
        bearer = _header(scope, b"authorization")
        if bearer.startswith("Bearer ") and token_matches(self.token, bearer[7:].strip()):
            return True
        cookie = _cookie(scope, SESSION_COOKIE)
        return cookie is not None and cookie != "" and hmac.compare_digest(
            cookie.encode(), self.session.encode())


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response."""

    HEADERS = [(b"content-security-policy", CSP.encode()),
               (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"same-origin"),
               (b"x-frame-options", b"DENY")]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(event):
            if event["type"] == "http.response.start":
                event = {**event, "headers": [*(event.get("headers") or []), *self.HEADERS]}
            await send(event)

        await self.app(scope, receive, with_headers)


class _EveryPath:
    """asgi-csrf's ``always_protect``: every path, so a POST without cookies is checked."""

    def __contains__(self, path: object) -> bool:
        return True


async def _csrf_failed(scope: Scope, send, message_id) -> None:
    await _send_plain(send, 403, "CSRF check failed: this form's token does not match your "
                                 "browser's; reload the page and send the form again")


def protect(app: ASGIApp, *, host: str, token: str | None) -> ASGIApp:
    """``app`` inside the layers above: CSRF, the token gate, headers, trusted hosts."""
    wrapped: ASGIApp = asgi_csrf(app, signing_secret=secrets.token_urlsafe(32),
                                 always_protect=_EveryPath(), cookie_samesite="Strict",
                                 send_csrf_failed=_csrf_failed)
    if token:
        wrapped = TokenGate(wrapped, token)
    wrapped = SecurityHeaders(wrapped)
    if is_loopback(host) and not token:
        wrapped = TrustedHostMiddleware(wrapped, allowed_hosts=list(LOOPBACK_NAMES))
    return wrapped
