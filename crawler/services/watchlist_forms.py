"""Watchlists from a web form: read, create, edit (rename), test them, and their recent
deliveries.

A form is read as one entry of a watch file (``alerts.watchfile.parse_entry``), so it is
checked exactly as `provwatch watch import` checks a file, and a problem is the same one
line, naming the watchlist and the field (``form: watchlist 'x': field 'provinces':
unknown province id 'henn' (did you mean henan?)``). List fields take commas, 、 or new
lines between values; a name given for an id (河南, Henan) is read as its id, as
`watch add` does.

Channels hold webhook URLs and tokens: they are never shown in full. Editing keeps the
stored channels a form ticks (by position) and adds the new ones it gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace as replace_fields
from typing import Any

from provwatch.alerts.errors import WatchlistError
from provwatch.alerts.watchfile import entry, parse_entry, quiet_text, schedule_text
from provwatch.alerts.watchlist import WatchlistSpec, describe, from_row
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.redact import redact
from provwatch.crawler.services import alerts as alerts_service
from provwatch.crawler.services.watchlists import (
    add_watchlist,
    list_watchlists,
    resolve_orgs,
    source_problems,
)
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction, write_lock
from provwatch.crawler.taxonomy import resolve

LIST_FIELDS = ("provinces", "sectors", "events", "keywords", "keywords_all", "keywords_none",
               "sources", "meeting_hosts", "meeting_guest_kinds", "meeting_orgs")
TEXT_FIELDS = ("name", "scope", "min_copies", "schedule", "quiet_hours", "backfill_days",
               "language")
_SPLIT = re.compile(r"[,，、\n\r]+")
_RESOLVE = {"provinces": "province", "sectors": "sector", "events": "event"}
DELIVERY_STATES = ("pending", "sending", "sent", "failed")


def _values(text: str | None) -> list[str]:
    return [v.strip() for v in _SPLIT.split(text or "") if v.strip()]


def form_entry(form: Mapping[str, str], channels: Sequence[str]) -> dict[str, Any]:
    """The form's fields as a watch-file entry; empty fields are left out (defaults)."""
    raw: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = (form.get(key) or "").strip()
        if value:
            raw[key] = value
    for key in LIST_FIELDS:
        values = _values(form.get(key))
        if key in _RESOLVE:
            values = [resolve(_RESOLVE[key], v) or v for v in values]
        if values:
            raw[key] = values
    keywords = {k: raw.pop(f"keywords_{k}") for k in ("all", "none") if f"keywords_{k}" in raw}
    if keywords:
        raw["keywords"] = {"any": raw.pop("keywords", []), **keywords}
    raw["channels"] = list(channels)
    return raw


def parse_form(form: Mapping[str, str], channels: Sequence[str]) -> WatchlistSpec:
    """The form as a validated spec, or ProvwatchError: one line, secrets hidden."""
    try:
        return parse_entry(form_entry(form, channels), 0)
    except WatchlistError as e:
        raise ProvwatchError(redact(f"form: {e}")) from None


def new_channels(form: Mapping[str, str]) -> list[str]:
    """The channels a form adds: one per line (or separated by spaces)."""
    return (form.get("channels") or "").split()


def create(config: Config, form: Mapping[str, str]) -> tuple[WatchlistSpec, int, list[str]]:
    """Store the form's watchlist: (the spec, deliveries its backfill owes, warnings)."""
    spec, warnings = resolve_orgs(parse_form(form, new_channels(form)))
    try:
        owed = add_watchlist(config, spec)
    except WatchlistError as e:
        raise ProvwatchError(redact(f"form: {e}")) from None
    return spec, owed, warnings


def find(config: Config, name: str) -> WatchlistSpec:
    with open_database(config.database_url)() as session:
        row = repository.get_watchlist(session, name)
        if row is None:
            raise ProvwatchError(f"no watchlist named {name!r} (see `provwatch watch list`)")
        return from_row(row)


def edit(config: Config, name: str, form: Mapping[str, str],
         keep: Sequence[str]) -> tuple[WatchlistSpec, list[str]]:
    """Update watchlist ``name`` from the form: it keeps its id, creation time and
    deliveries, as `watch import --replace` does; ``keep``: positions of the stored
    channels to keep. The form's ``name``, when given and different, renames it (checked
    as a new one's is; a name another watchlist has is refused): deliveries refer to the
    id, so they stay with it."""
    with transaction(open_database(config.database_url)) as session:
        write_lock(session)  # SQLite: names are decided one writer at a time
        row = repository.get_watchlist(session, name)
        if row is None:
            raise ProvwatchError(f"no watchlist named {name!r} (see `provwatch watch list`)")
        stored = list(row.channels or [])
        kept = []
        for k in keep:
            if not k.isdigit() or int(k) >= len(stored):
                raise ProvwatchError(f"form: keep_channel: {k!r} is not a channel of "
                                     f"watchlist {name!r}")
            kept.append(stored[int(k)])
        new_name = (form.get("name") or "").strip() or name
        spec, warnings = resolve_orgs(parse_form({**form, "name": new_name},
                                                 kept + new_channels(form)))
        if spec.name != name and repository.get_watchlist(session, spec.name) is not None:
            raise ProvwatchError(f"form: watchlist {name!r}: field 'name': another "
                                 f"watchlist is named {spec.name!r}")
        problems = source_problems(config, session, [spec])
        if problems:
            raise ProvwatchError(redact(f"form: {problems[0]}"))
        values = spec.to_row()
        values.pop("created_at", None)
        if repository.update_watchlist(session, row, **values) is None:  # named meanwhile
            raise ProvwatchError(f"form: watchlist {name!r}: field 'name': another "
                                 f"watchlist is named {spec.name!r}")
        return replace_fields(spec, id=row.id, created_at=row.created_at), warnings


def form_values(spec: WatchlistSpec) -> dict[str, Any]:
    """What an edit form shows: each field as text, the channels only redacted."""
    out: dict[str, Any] = {"name": spec.name, "scope": spec.province_scope,
                           "min_copies": str(spec.min_copies),
                           "backfill_days": str(spec.backfill_days),
                           "language": spec.language,
                           "schedule": "" if spec.schedule.immediate
                           else schedule_text(spec.schedule),
                           "quiet_hours": quiet_text(spec.quiet_hours)
                           if spec.quiet_hours else ""}
    for key, values in (("provinces", spec.provinces), ("sectors", spec.sectors),
                        ("events", spec.events), ("keywords", spec.keywords_any),
                        ("keywords_all", spec.keywords_all),
                        ("keywords_none", spec.keywords_none), ("sources", spec.sources),
                        ("meeting_hosts", spec.meeting_hosts),
                        ("meeting_guest_kinds", spec.meeting_guest_kinds),
                        ("meeting_orgs", spec.meeting_orgs)):
        out[key] = ", ".join(values)
    out["stored_channels"] = [redact(c) for c in spec.channels]
    return out


def summaries(config: Config) -> list[dict[str, Any]]:
    """Every watchlist as a row: what it matches, when and where it sends (redacted)."""
    rows = []
    for spec in list_watchlists(config):
        d = describe(spec)
        rows.append({"name": spec.name, "matches": d["matches"], "when": d["when"],
                     "channels": [redact(c) for c in spec.channels],
                     "created_at": spec.created_at.isoformat() if spec.created_at else None,
                     "entry": {k: v for k, v in entry(spec).items() if k != "channels"}})
    return rows


def test(config: Config, name: str) -> list[dict[str, Any]]:
    """The sample alert sent to each channel: channel (redacted), ok, error (redacted)."""
    return [{"channel": redact(r.channel), "ok": r.ok,
             "error": redact(r.error) if r.error else None}
            for r in alerts_service.test_channels(config, name)]


def deliveries(config: Config, status: str | None = None, watchlist: str | None = None,
               limit: int = 100) -> list[dict[str, Any]]:
    """Recent deliveries, newest first, channels and errors redacted."""
    if status and status not in DELIVERY_STATES:
        raise ProvwatchError(f"status: {status!r} is not one of {', '.join(DELIVERY_STATES)}")
    if limit < 1:
        raise ProvwatchError(f"limit: {limit} is not a positive number")
    with open_database(config.database_url)() as session:
        rows = repository.recent_deliveries(session, status=status, watchlist=watchlist,
                                            limit=limit)
        return [{"id": d.id, "watchlist": name, "channel": redact(d.channel),
                 "story_id": d.story_id, "title": title, "status": d.status,
                 "attempts": d.attempts,
                 "last_error": redact(d.last_error) if d.last_error else None,
                 "created_at": d.created_at.isoformat(),
                 "sent_at": d.sent_at.isoformat() if d.sent_at else None}
                for d, name, title in rows]


def retry(config: Config, delivery_id: int) -> dict[str, Any]:
    """Re-send one failed delivery now (`provwatch alerts retry ID`): what came of it."""
    count, report = alerts_service.retry(config, [delivery_id])
    return {"queued": count, "sent": report.sent, "retrying": report.retrying,
            "failed": report.failed, "messages": [redact(m) for m in report.messages]}
