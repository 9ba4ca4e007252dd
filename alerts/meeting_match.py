"""Does a story's meeting meet a watchlist's meeting criteria? Pure functions over views.

Rules (a watchlist with any meeting criterion, ``WatchlistSpec.wants_meeting``): one of
the story's meetings must meet every criterion given (all across fields, any within one):
- meeting_hosts: a host holds one of the posts (roster: secretary, governor, mayor);
- meeting_guest_kinds: a guest's organisation is of one of the kinds;
- meeting_orgs: a guest's organisation is one listed: an entry the knowledge base knows
  (resolved when the watchlist is stored: ``meeting_org_ids``, so 比亚迪, BYD and
  002594.SZ all mean ``byd``) matches a guest of that organisation; any entry also
  matches, ignoring case, the guest's knowledge-base id, its names or tickers when the
  view carries them, its English name, or a part of its name as written;
- provinces: the meeting's province or a host's is listed (the article's tags are not
  asked: the watchlist asks about the meeting);
- sectors: one of the meeting's topics is listed, or a guest's organisation's sector.
A story without a meeting never matches such a watchlist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from provwatch.alerts.message import Reason
from provwatch.crawler.taxonomy import PROVINCES

_TICKER = re.compile(r"\d{4,6}\.[A-Za-z]{1,2}|[A-Z]{1,5}\.[A-Z]{1,2}")  # 002594.SZ, BRK.B
POST_NAMES = {"secretary": ("Party Secretary", "书记"), "governor": ("Governor", "省长"),
              "mayor": ("Mayor", "市长")}


@dataclass(frozen=True)
class HostView:
    name: str
    title: str
    post: str | None = None
    province: str | None = None
    pinyin: str = ""

    def label(self, language: str = "en") -> str:
        """``Henan Party Secretary Lou Yangsheng``; in Chinese the title as written and the
        name (河南省委书记楼阳生)."""
        if language == "zh":
            return f"{self.title}{self.name}"
        place = PROVINCES.get(self.province or "", ("",))[0]
        post = POST_NAMES.get(self.post or "", (self.title,))[0]
        return " ".join(x for x in (place, post, self.pinyin or self.name) if x)


@dataclass(frozen=True)
class GuestView:
    name: str
    org: str  # as written
    kind: str
    org_id: str | None = None
    org_en: str = ""
    names: tuple[str, ...] = ()  # the knowledge base's names of the organisation
    tickers: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``BYD (002594.SZ)``, ``比亚迪``: how a reason names the guest's organisation."""
        shown = self.org_en or self.org or self.name
        return f"{shown} ({self.tickers[0]})" if self.tickers else shown


@dataclass(frozen=True)
class MeetingView:
    hosts: tuple[HostView, ...]
    guests: tuple[GuestView, ...]
    topics: tuple[str, ...] = ()
    province: str | None = None
    summary_en: str = ""
    summary_zh: str = ""


def meeting_view(row: Any, org: Any = None) -> MeetingView:
    """The view of a meeting: a stored ``Meeting`` or a row dict of pipelines.meeting_rows;
    ``org`` (knowledge-base id -> an object with names, tickers, sectors, or None) fills in
    what the row does not keep."""
    def get(obj: Any, key: str, default: Any = None) -> Any:
        return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)

    topics = get(row, "topics") or ()
    if isinstance(topics, str):
        topics = topics.split()
    guests = []
    for g in get(row, "guests") or ():
        oid = get(g, "org_id")
        known = org(oid) if org and oid else None
        guests.append(GuestView(
            get(g, "name") or "", get(g, "org") or "", get(g, "org_kind") or "", oid,
            get(g, "org_en") or "", tuple(getattr(known, "names", ()) or ()),
            tuple(getattr(known, "tickers", ()) or ()),
            tuple(getattr(known, "sectors", ()) or get(g, "sectors") or ())))
    return MeetingView(
        tuple(HostView(get(h, "name") or "", get(h, "title") or "", get(h, "post"),
                       get(h, "province"), get(h, "pinyin") or "")
              for h in get(row, "hosts") or ()),
        tuple(guests), tuple(topics), get(row, "province"),
        get(row, "summary_en") or "", get(row, "summary_zh") or "")


def org_hit(entry: str, guest: GuestView, ids: dict[str, str] | None = None) -> bool:
    if ids and guest.org_id and ids.get(entry) == guest.org_id:
        return True
    key = entry.casefold()
    exact = {v.casefold() for v in (guest.org_id or "", guest.org, guest.org_en,
                                     *guest.names, *guest.tickers) if v}
    return key in exact or (bool(guest.org) and key in guest.org.casefold())


def _hosts(spec: Any, m: MeetingView) -> tuple[HostView, ...]:
    return tuple(h for h in m.hosts if h.post in spec.meeting_hosts)


def _orgs_met(spec: Any, g: GuestView) -> tuple[str, ...]:
    ids = dict(getattr(spec, "meeting_org_ids", ()) or ())
    return tuple(e for e in spec.meeting_orgs if org_hit(e, g, ids))


def _guests(spec: Any, m: MeetingView) -> tuple[GuestView, ...]:
    """The guests that meet the guest criteria (every guest when none is given)."""
    return tuple(g for g in m.guests
                 if (not spec.meeting_guest_kinds or g.kind in spec.meeting_guest_kinds)
                 and (not spec.meeting_orgs or _orgs_met(spec, g)))


def _guest_label(spec: Any, g: GuestView) -> str:
    """``BYD (002594.SZ)``: the organisation's name, and the ticker the watchlist named it
    by (else the knowledge base's first ticker, when the view carries it)."""
    shown = g.org_en or g.org or g.name
    ticker = next((e for e in _orgs_met(spec, g) if _TICKER.fullmatch(e)),
                  g.tickers[0] if g.tickers else None)
    return f"{shown} ({ticker})" if ticker and ticker != shown else shown


def _provinces(m: MeetingView) -> set[str]:
    return {p for p in (m.province, *(h.province for h in m.hosts)) if p}


def _sectors(m: MeetingView) -> set[str]:
    return set(m.topics) | {s for g in m.guests for s in g.sectors}


def meeting_matches(spec: Any, m: MeetingView) -> bool:
    if spec.meeting_hosts and not _hosts(spec, m):
        return False
    if (spec.meeting_guest_kinds or spec.meeting_orgs) and not _guests(spec, m):
        return False
    if spec.provinces and not set(spec.provinces) & _provinces(m):
        return False
    return not spec.sectors or bool(set(spec.sectors) & _sectors(m))


def matching_meetings(spec: Any, meetings: Sequence[MeetingView]) -> tuple[MeetingView, ...]:
    return tuple(m for m in meetings if meeting_matches(spec, m))


def meeting_reasons(spec: Any, meetings: Sequence[MeetingView]) -> tuple[Reason, ...]:
    """What the first matching meeting met: ``meeting host`` (``Henan Party Secretary Lou
    Yangsheng``, in ``spec.language``) and ``meeting guest`` (``BYD (002594.SZ)``), then
    the province and sector it met."""
    hit = matching_meetings(spec, meetings)
    if not hit:
        return ()
    m = hit[0]
    out: list[Reason] = []
    if spec.meeting_hosts:
        out.append(Reason("meeting_host", tuple(
            h.label(getattr(spec, "language", "en")) for h in _hosts(spec, m))))
    if spec.meeting_guest_kinds or spec.meeting_orgs:
        out.append(Reason("meeting_guest", tuple(dict.fromkeys(
            _guest_label(spec, g) for g in _guests(spec, m)))))
    if spec.provinces:
        out.append(Reason("province", tuple(p for p in spec.provinces
                                            if p in _provinces(m)), "meeting"))
    if spec.sectors:
        out.append(Reason("sector", tuple(s for s in spec.sectors if s in _sectors(m)),
                          "meeting"))
    return tuple(out)
