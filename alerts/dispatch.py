"""The dispatcher: send what the outbox owes, one delivery at a time, and record the outcome.

At-least-once: a delivery is marked sent only after its channel accepted it; a process
killed between the two re-sends that one message once on the next run, never more.
One failing channel does not stop the others: each delivery is its own transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.orm import Session, sessionmaker

from alerts.channels import ChannelSettings, make_channel
from alerts.errors import DeliveryError
from alerts.message import AlertMessage
from alerts.outbox import after_failure
from crawler.storage import repository
from crawler.storage.models import Article, Delivery, Story, Watchlist

log = logging.getLogger(__name__)
SNIPPET = 300


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    messages: list[str] = field(default_factory=list)


def build_message(session: Session, delivery: Delivery) -> AlertMessage:
    article = session.get(Article, delivery.article_id)
    story = session.get(Story, delivery.story_id)
    watchlist = session.get(Watchlist, delivery.watchlist_id)
    tags = article.tags
    return AlertMessage(
        delivery_id=delivery.id, watchlist=watchlist.name if watchlist else "?",
        story_id=delivery.story_id, article_id=article.id, title=article.title,
        url=article.url, source_id=article.source_id, published_at=article.published_at,
        snippet=article.text[:SNIPPET],
        provinces_about=tuple(t.value for t in tags if t.kind == "province" and t.role == "about"),
        provinces_mentioned=tuple(t.value for t in tags if t.kind == "province"),
        sectors=tuple(t.value for t in tags if t.kind == "sector"),
        event=next((t.value for t in tags if t.kind == "event"), None),
        copies=story.copy_count if story else 1,
        outlets=tuple(repository.story_outlets(session, delivery.story_id)),
    )


def dispatch(sessions: sessionmaker[Session], settings: ChannelSettings, *,
             max_attempts: int = 5, now: datetime | None = None, limit: int = 100,
             should_stop: Callable[[], bool] | None = None) -> DispatchReport:
    now = now or datetime.now(timezone.utc)
    report = DispatchReport()
    with sessions() as session:
        due_ids = [d.id for d in repository.due_deliveries(session, now, limit)]
    for delivery_id in due_ids:
        if should_stop is not None and should_stop():
            break  # the daemon is stopping: the rest stay pending for the next start
        with sessions() as session, session.begin():
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.status != "pending":
                continue
            try:
                make_channel(delivery.channel, settings).send(build_message(session, delivery))
            except (DeliveryError, ValueError) as e:
                delivery.attempts += 1
                permanent = getattr(e, "permanent", True)  # a bad channel spec never heals
                delivery.status, delivery.next_attempt_at = after_failure(
                    delivery.attempts, max_attempts, permanent, now)
                delivery.last_error = str(e)[:2000]
                if delivery.status == "failed":
                    report.failed += 1
                else:
                    report.retrying += 1
                report.messages.append(f"delivery {delivery.id} ({delivery.channel}): {e}")
                log.warning("delivery %s to %s failed (attempt %d, now %s): %s", delivery.id,
                            delivery.channel, delivery.attempts, delivery.status, e)
            except Exception as e:  # boundary: one broken delivery must not stop the rest
                log.exception("delivery %s to %s crashed", delivery.id, delivery.channel)
                delivery.attempts += 1
                delivery.status, delivery.next_attempt_at = after_failure(
                    delivery.attempts, max_attempts, False, now)
                delivery.last_error = f"{e.__class__.__name__}: {e}"[:2000]
                report.retrying += delivery.status == "pending"
                report.failed += delivery.status == "failed"
            else:
                delivery.attempts += 1
                delivery.status = "sent"
                delivery.sent_at = datetime.now(timezone.utc)
                delivery.last_error = None
                report.sent += 1
    return report
