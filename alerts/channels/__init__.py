"""Delivery channels: target specs -> channels, and operator notices through them.

A target spec is ``<kind>:<target>``: ``email:ops@example.com`` or
``webhook:https://hooks.example.com/provwatch``; a chat tool is named by its apprise URL
(``slack://…``, ``discord://…``, ``feishu://…``, ``lark://…``, ``dingtalk://…``,
``wecombot://…``, ``workflows://…`` for Microsoft Teams), see ``alerts.channels.chat``.
What every channel shares (protocol, settings, spec parsing) is ``alerts.channels.base``.
"""

from __future__ import annotations

from typing import Any

from provwatch.alerts.channels.base import (
    CHAT_SCHEMES,
    KINDS,
    SMTP_SECURITY,
    Channel,
    ChannelSettings,
    parse_target,
    settings_from_config,
)
from provwatch.alerts.errors import DeliveryError
from provwatch.alerts.notice import Notice
from provwatch.crawler.redact import redact

__all__ = ["CHAT_SCHEMES", "KINDS", "SMTP_SECURITY", "Channel", "ChannelSettings",
           "make_channel", "parse_target", "send_notice", "settings_from_config"]


def make_channel(spec: str, settings: ChannelSettings) -> Channel:
    """The channel a target spec names, configured with ``settings``."""
    # lazy, each kind when a channel of it is made: apprise takes a tenth of a second to
    # import, smtplib, ssl and email a few hundredths, and reading or checking a watchlist
    # (`watch list`, `watch import`) needs none of them
    kind, target = parse_target(spec)
    if kind == "chat":
        # lazy: apprise
        from provwatch.alerts.channels.chat import ChatChannel

        return ChatChannel(target, settings)
    if kind == "email":
        # lazy: smtplib, ssl, email
        from provwatch.alerts.channels.email import EmailChannel

        return EmailChannel(target, settings)
    # lazy: urllib.request, http.client
    from provwatch.alerts.channels.webhook import WebhookChannel

    return WebhookChannel(target, settings)


def send_notice(targets: list[str], notice: Notice, settings: Any) -> list[str]:
    """Send ``notice`` to every target spec; return one error message per failed target
    (secrets redacted). A notice counts as told when at least one target took it."""
    errors = []
    for target in targets:
        try:
            make_channel(target, settings).send_notice(notice)
        except (DeliveryError, ValueError) as e:
            errors.append(redact(f"operator notice to {target}: {e}"))
    return errors
