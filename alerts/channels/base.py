"""What every channel shares: the Channel protocol, the transport settings, target specs.

A target spec is ``<kind>:<target>``: ``email:ops@example.com`` or
``webhook:https://hooks.example.com/provwatch``; a chat tool is named by its apprise URL
(``slack://…``, ``discord://…``, ``feishu://…``, ``lark://…``, ``dingtalk://…``,
``wecombot://…``, ``workflows://…`` for Microsoft Teams), see ``alerts.channels.chat``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from provwatch.alerts.message import AlertMessage, Digest
from provwatch.alerts.notice import Notice
from provwatch.crawler.redact import redact
from provwatch.crawler.taxonomy import CHAT_SCHEMES

KINDS = ("email", "webhook")
SMTP_SECURITY = ("none", "starttls", "ssl")

_ADDRESS = re.compile(r"[^@\s,;:<>()\[\]\"]+@[^@\s,;:<>()\[\]\".][^@\s,;:<>()\[\]\"]*")


class Channel(Protocol):
    """Delivers one alert; raises ``DeliveryError`` (``permanent`` if retrying can't help)."""

    key: str

    def send(self, msg: AlertMessage) -> None: ...

    def send_digest(self, digest: Digest) -> None: ...

    def send_notice(self, notice: Notice) -> None: ...


@dataclass(frozen=True)
class ChannelSettings:
    """Transport settings shared by every channel of a run; read once from config."""

    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_security: str = "none"  # none | starttls | ssl
    smtp_from: str = "provwatch@localhost"
    smtp_timeout: float = 30.0
    smtp_ca_file: str | None = None  # PEM CA bundle for a private relay's certificate
    smtp_pickup_dir: str | None = None  # write .eml files here instead of sending
    webhook_secret: str | None = None
    webhook_timeout: float = 10.0
    chat_timeout: float = 10.0
    catalog: str | None = None  # the source catalog whose names alerts show (None: bundled)

    def __post_init__(self) -> None:
        if self.smtp_security not in SMTP_SECURITY:
            raise ValueError(
                f"smtp_security must be one of {', '.join(SMTP_SECURITY)}, "
                f"not {self.smtp_security!r}"
            )


def settings_from_config(config) -> ChannelSettings:
    """The channel settings in a crawler.config.Config."""
    return ChannelSettings(
        smtp_host=config.smtp_host, smtp_port=config.smtp_port,
        smtp_username=config.smtp_username, smtp_password=config.smtp_password,
        smtp_security=config.smtp_security, smtp_from=config.smtp_from,
        smtp_pickup_dir=config.smtp_pickup_dir, smtp_ca_file=config.smtp_ca_file,
        webhook_secret=config.webhook_secret,
        webhook_timeout=config.webhook_timeout, chat_timeout=config.webhook_timeout,
        catalog=getattr(config, "catalog", None),
    )


def parse_target(spec: str) -> tuple[str, str]:
    """Split and validate ``kind:target``; raise ValueError naming the spec if it is bad.
    A chat URL gives ``("chat", url)``; the message never shows a secret of the spec."""
    try:
        return _parse_target(spec)
    except ValueError as e:  # the spec is quoted in the message: hide its tokens
        raise ValueError(redact(str(e))) from None


def _parse_target(spec: str) -> tuple[str, str]:
    scheme, sep, _ = spec.strip().partition("://")
    if sep and scheme.lower() in CHAT_SCHEMES:
        # lazy: apprise takes a tenth of a second to import; only chat URLs need it
        from provwatch.alerts.channels.chat import validate_chat_url

        return "chat", validate_chat_url(spec.strip())
    kind, sep, target = spec.strip().partition(":")
    kind, target = kind.strip().lower(), target.strip()
    if not sep or not kind:
        raise ValueError(f"channel spec {spec!r} must look like email:ADDRESS or webhook:URL")
    if kind not in KINDS:
        raise ValueError(
            f"channel spec {spec!r}: unknown kind {kind!r} (expected email:ADDRESS, "
            f"webhook:URL, or a chat URL: {', '.join(s + '://' for s in CHAT_SCHEMES[:-1])})"
        )
    if kind == "email":
        if not _ADDRESS.fullmatch(target) or not target.isprintable():
            raise ValueError(f"channel spec {spec!r}: {target!r} is not an email address")
        return kind, target
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"channel spec {spec!r}: bad URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"channel spec {spec!r}: a webhook needs an http(s) URL with a host")
    if any(ch.isspace() for ch in target):
        raise ValueError(f"channel spec {spec!r}: the webhook URL contains whitespace")
    return kind, target
