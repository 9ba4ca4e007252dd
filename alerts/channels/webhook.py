"""The webhook channel: POSTs the signed, versioned JSON payload to one URL.

Headers: ``X-Provwatch-Event: story.matched``, ``X-Provwatch-Delivery: <delivery_id>`` and,
with a secret, ``X-Provwatch-Signature: sha256=<hex HMAC-SHA256 of the body bytes>``.
Any status >= 400 is an error; 4xx other than 408/429 is permanent. Redirects are not
followed (a POST must not silently turn into a GET) and count as permanent errors.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.request

from provwatch.alerts import digest_render, render
from provwatch.alerts.channels.base import ChannelSettings
from provwatch.alerts.errors import DeliveryError
from provwatch.alerts.message import AlertMessage, Digest
from provwatch.alerts.notice import Notice
from provwatch.crawler import __version__
from provwatch.crawler.redact import redact_url

SIGNATURE_PREFIX = "sha256="
RETRYABLE_4XX = (408, 429)


def sign(secret: str, body: bytes) -> str:
    """The ``X-Provwatch-Signature`` header value for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    """Whether ``header`` is the signature of exactly ``body``; compared in constant time."""
    expected = sign(secret, body).encode("ascii")
    return hmac.compare_digest(expected, header.strip().encode("utf-8", "replace"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def encode(msg: AlertMessage) -> bytes:
    """The exact request body for ``msg``."""
    return json.dumps(render.webhook_payload(msg), ensure_ascii=False).encode("utf-8")


class WebhookChannel:
    """POSTs each alert to one URL."""

    def __init__(self, url: str, settings: ChannelSettings) -> None:
        self.url = url
        self.settings = settings
        self.key = f"webhook:{redact_url(url)}"  # shown in errors: no token of the URL
        self._opener = urllib.request.build_opener(_NoRedirect)

    def request(self, msg: AlertMessage) -> urllib.request.Request:
        """The complete POST request for ``msg``."""
        return self._request(encode(msg), render.EVENT_TYPE, str(msg.delivery_id))

    def _request(self, body: bytes, event: str, delivery: str) -> urllib.request.Request:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"provwatch/{__version__}",
            "X-Provwatch-Event": event,
            "X-Provwatch-Delivery": delivery,
        }
        if self.settings.webhook_secret:
            headers["X-Provwatch-Signature"] = sign(self.settings.webhook_secret, body)
        return urllib.request.Request(self.url, data=body, headers=headers, method="POST")

    def send(self, msg: AlertMessage) -> None:
        self._post(self.request(msg))

    def send_digest(self, digest: Digest) -> None:
        """POST a digest or summary: ``X-Provwatch-Event: stories.digest|stories.summary``,
        ``X-Provwatch-Delivery: send-<id>`` (the same on a re-send), same signature."""
        body = json.dumps(digest_render.digest_payload(digest), ensure_ascii=False).encode("utf-8")
        event = digest_render.DIGEST_EVENTS[digest.kind]
        self._post(self._request(body, event, digest.delivery_id))

    def send_notice(self, notice: Notice) -> None:
        """POST an operator notice: same signature scheme, ``X-Provwatch-Event`` the
        notice's event (source.health, daemon.health), its key as the delivery id."""
        body = json.dumps(notice.payload(), ensure_ascii=False).encode("utf-8")
        self._post(self._request(body, notice.event, notice.key))

    def _post(self, req: urllib.request.Request) -> None:
        timeout = self.settings.webhook_timeout
        try:
            with self._opener.open(req, timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            raise self._status_error(exc) from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise DeliveryError(f"{self.key}: timed out after {timeout:g}s") from exc
            raise DeliveryError(f"{self.key}: cannot connect: {reason}") from exc
        except TimeoutError as exc:
            raise DeliveryError(f"{self.key}: timed out after {timeout:g}s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise DeliveryError(f"{self.key}: connection failed: {exc!r}") from exc

    def _status_error(self, exc: urllib.error.HTTPError) -> DeliveryError:
        code = exc.code
        try:
            text = exc.read(800).decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            text = ""
        finally:
            exc.close()
        text = " ".join(text.split())[:200]
        if code < 400:
            location = exc.headers.get("Location", "?")
            return DeliveryError(
                f"{self.key}: HTTP {code} redirect to {location} not followed", permanent=True
            )
        permanent = 400 <= code < 500 and code not in RETRYABLE_4XX
        detail = f": {text}" if text else ""
        return DeliveryError(f"{self.key}: HTTP {code}{detail}", permanent=permanent)
