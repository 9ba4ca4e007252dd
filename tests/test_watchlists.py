"""Precise watchlists: validation, matching, the store stage's rules (min_copies, digests,
first seen, backfill), watchlists as YAML, and the `watch` commands."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from _pages import ENGLISH_HAINAN, GUANGXI_AI, HENAN_NEV, page
from conftest import make_config
from sqlalchemy import func, select, update
from typer.testing import CliRunner

import provwatch.alerts.watchfile as watchfile
from provwatch.alerts.errors import WatchlistError
from provwatch.alerts.matcher import MatchView, held_back, matches
from provwatch.alerts.schedule import QuietHours, Schedule, next_slot
from provwatch.alerts.watchfile import WatchfileError
from provwatch.alerts.watchlist import WatchlistSpec, check_sources, from_row, validate
from provwatch.crawler.cli import main as cli
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Delivery, Story, Watchlist

CHINA = timezone(timedelta(hours=8))
EMAIL = "email:a@example.test"
HAS_CHAT = importlib.util.find_spec("provwatch.alerts.channels.chat") is not None


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- validate: every refusal names the watchlist and the field -------------------------


def test_names_in_chinese_or_english_are_taken_for_their_ids():
    spec = validate("names", provinces=["河南", "Inner Mongolia", "广东省", "henan"],
                    sectors=["新能源汽车"], events=["leader_meeting"],
                    channels=["webhook:http://127.0.0.1:9/x"])
    assert spec.provinces == ("henan", "inner_mongolia", "guangdong")
    assert spec.sectors == ("nev",) and spec.events == ("leader_meeting",)


@pytest.mark.parametrize(
    ("kwargs", "field", "why"),
    [
        pytest.param({"provinces": ["henna"]}, "provinces",
                     "unknown province id 'henna' (did you mean henan?)", id="province typo"),
        pytest.param({"provinces": ["河北南"]}, "provinces",
                     "unknown province id '河北南'", id="no province's name"),
        pytest.param({"provinces": ["atlantis"]}, "provinces", "unknown province id 'atlantis'",
                     id="unknown province"),
        pytest.param({"provinces": [""]}, "provinces", "given but empty",
                     id="provinces empty after cleaning"),
        pytest.param({"provinces": [3]}, "provinces", "3 is not a string", id="province number"),
        pytest.param({"province_scope": "nearby"}, "scope", "'nearby' is not a scope",
                     id="unknown scope"),
        pytest.param({"sectors": ["nevv"]}, "sectors", "unknown sector id 'nevv' (did you mean nev?)",
                     id="sector typo"),
        pytest.param({"sectors": ["  "]}, "sectors", "given but empty", id="sectors blank"),
        pytest.param({"events": ["policy_doc"]}, "events",
                     "unknown event id 'policy_doc' (did you mean policy_document?)",
                     id="event typo"),
        pytest.param({"events": [""]}, "events", "given but empty", id="events blank"),
        pytest.param({"keywords_all": ["补贴"], "keywords_none": ["补贴"]}, "keywords.none",
                     "would match nothing", id="keyword both all-of and none-of"),
        pytest.param({"keywords_all": ["AI"], "keywords_none": ["ai"]}, "keywords.none",
                     "would match nothing", id="all-of and none-of differ only in case"),
        pytest.param({"keywords_all": ["新能源汽车"], "keywords_none": ["汽车"]}, "keywords.none",
                     "'汽车' excludes every article with the all-of keyword '新能源汽车'",
                     id="none-of inside an all-of keyword"),
        pytest.param({"keywords_all": ["AI chips"], "keywords_none": ["ai"]}, "keywords.none",
                     "would match nothing", id="none-of a whole word of an all-of phrase"),
        pytest.param({"keywords": ["氢能", "新能源汽车"], "keywords_none": ["汽车"]},
                     "keywords.none", "could never match", id="an any-of keyword always excluded"),
        pytest.param({"keywords_all": [" "]}, "keywords.all", "given but empty",
                     id="all-of blank"),
        pytest.param({"keywords_none": [""]}, "keywords.none", "given but empty",
                     id="none-of blank"),
        pytest.param({"keywords": [""]}, "keywords.any", "given but empty", id="any-of blank"),
        pytest.param({"sources": ["henan_gov_yaown"]}, "sources",
                     "unknown source id 'henan_gov_yaown' (did you mean henan_gov_yaowen?)",
                     id="source typo"),
        pytest.param({"sources": [""]}, "sources", "given but empty", id="sources blank"),
        pytest.param({"min_copies": 0}, "min_copies", "must be at least 1", id="min_copies 0"),
        pytest.param({"min_copies": "two"}, "min_copies", "not a whole number",
                     id="min_copies not a number"),
        pytest.param({"min_copies": True}, "min_copies", "not a whole number",
                     id="min_copies boolean"),
        pytest.param({"backfill_days": -1}, "backfill_days", "0 or more", id="backfill negative"),
        pytest.param({"schedule": "daily 25:00"}, "schedule", "'25:00' is not a time of day",
                     id="schedule bad time"),
        pytest.param({"schedule": "fortnightly 08:00"}, "schedule",
                     "unknown frequency 'fortnightly'", id="schedule bad frequency"),
        pytest.param({"schedule": "daily"}, "schedule", "needs a time", id="digest without time"),
        pytest.param({"schedule": "daily 08:00 Mars/Olympus"}, "schedule",
                     "unknown time zone 'Mars/Olympus'", id="schedule bad zone"),
        pytest.param({"schedule": {"every": "daily", "hour": 8}}, "schedule", "unknown key(s) hour",
                     id="schedule mapping bad key"),
        pytest.param({"quiet_hours": "22:00-22:00"}, "quiet_hours", "start and end at the same time",
                     id="quiet always"),
        pytest.param({"quiet_hours": "22:00"}, "quiet_hours", "is not a time range",
                     id="quiet not a range"),
        pytest.param({"channels": []}, "channels", "at least one", id="no channel"),
        pytest.param({"channels": ["  "]}, "channels", "at least one", id="blank channel"),
        pytest.param({"channels": ["sms:+8613800000000"]}, "channels", "unknown kind 'sms'",
                     id="unknown channel kind"),
    ],
)
def test_validate_refuses_naming_the_watchlist_and_the_field(kwargs, field, why):
    args = {"channels": [EMAIL], **kwargs}
    with pytest.raises(WatchlistError) as err:
        validate("nev-henan", known_sources={"henan_gov_yaowen", "gov"}, **args)
    message = str(err.value)
    assert message.startswith(f"watchlist 'nev-henan': field '{field}': "), message
    assert why in message


def test_the_briefs_example_message_word_for_word():
    with pytest.raises(WatchlistError) as err:
        validate("nev-henan", provinces=["henna"], channels=[EMAIL])
    assert str(err.value) == ("watchlist 'nev-henan': field 'provinces': unknown province id "
                              "'henna' (did you mean henan?)")


def test_validate_cleans_every_field():
    spec = validate(
        "all-fields", provinces=[" Henan", "hainan", "henan"], sectors=["NEV"],
        keywords=["EV", " EV ", ""], province_scope=" Mentioned ",
        events=["Policy_Document"], keywords_all=["补贴"], keywords_none=["二手车"],
        sources=["gov"], min_copies="2", schedule="daily 8:05", quiet_hours="22:00-07:00",
        channels=[EMAIL, EMAIL, "webhook:https://hooks.example.test/x"], backfill_days=3,
        known_sources={"gov"})
    assert spec == WatchlistSpec(
        "all-fields", provinces=("henan", "hainan"), province_scope="mentioned",
        sectors=("nev",), events=("policy_document",), keywords_any=("EV",),
        keywords_all=("补贴",), keywords_none=("二手车",), sources=("gov",), min_copies=2,
        schedule=Schedule("daily", "08:05"), quiet_hours=QuietHours("22:00", "07:00"),
        channels=(EMAIL, "webhook:https://hooks.example.test/x"), backfill_days=3)


def test_keywords_that_only_look_alike_are_not_a_contradiction():
    # "AI" is not a whole word of "AIGC", and 推动AI does not imply a whole-word AI
    spec = validate("w", keywords_all=["AIGC", "推动AI"], keywords_none=["AI"], channels=[EMAIL])
    assert spec.keywords_none == ("AI",)
    # keywords_any and keywords (the same any-of list) merge
    assert validate("w", keywords=["a"], keywords_any=["b"], channels=[EMAIL]).keywords_any == (
        "a", "b")


def test_sources_are_checked_only_against_known_ids():
    spec = validate("w", sources=["anything"], channels=[EMAIL])  # no catalog given
    assert spec.sources == ("anything",)
    with pytest.raises(WatchlistError, match="field 'sources': unknown source id 'anything'"):
        check_sources(spec, {"gov", "paper"})


@pytest.mark.skipif(not HAS_CHAT, reason="alerts.channels.chat not there yet")
def test_a_chat_url_is_a_channel():
    spec = validate("w", channels=["slack://TokenA/TokenB/TokenC/#policy"])
    assert spec.channels == ("slack://TokenA/TokenB/TokenC/#policy",)


def test_a_spec_survives_its_row():
    spec = validate("w", provinces=["henan"], province_scope="mentioned", events=["inspection"],
                    keywords=["EV"], keywords_all=["补贴"], keywords_none=["二手车"],
                    sources=["gov"], min_copies=3, schedule="weekly mon 08:00 Europe/London",
                    quiet_hours="23:00-06:30", channels=[EMAIL], backfill_days=2)
    row = Watchlist(id=7, **spec.to_row())
    assert from_row(row) == dataclasses.replace(spec, id=7)
    assert set(spec.to_row()) <= set(Watchlist.__table__.columns.keys())


# --- matching: one rule per field ------------------------------------------------------


_VIEW = MatchView(
    title="河南省召开新能源汽车产业推进会",
    text="会议要求学习借鉴海南的经验。The meeting backs EV subsidies.",
    provinces_about=("henan",), sectors=("nev",),
    provinces_mentioned=("hainan", "henan"), event="work_conference", source_id="gov",
    copies=2,
)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({}, True, id="empty matches anything"),
        pytest.param({"provinces": ("hainan",)}, False, id="about: a mentioned province is not enough"),
        pytest.param({"provinces": ("hainan",), "province_scope": "mentioned"}, True,
                     id="mentioned: a mentioned province matches"),
        pytest.param({"provinces": ("henan",), "province_scope": "mentioned"}, True,
                     id="mentioned: an about province matches too"),
        pytest.param({"provinces": ("guangxi",), "province_scope": "mentioned"}, False,
                     id="mentioned: an absent province does not"),
        pytest.param({"events": ("work_conference",)}, True, id="the article's event"),
        pytest.param({"events": ("policy_document",)}, False, id="another event"),
        pytest.param({"events": ("policy_document", "work_conference")}, True,
                     id="any listed event"),
        pytest.param({"keywords_any": ("氢能", "新能源汽车")}, True, id="any-of: one occurs"),
        pytest.param({"keywords_all": ("新能源汽车", "海南")}, True, id="all-of: each occurs"),
        pytest.param({"keywords_all": ("新能源汽车", "氢能")}, False, id="all-of: one missing"),
        pytest.param({"keywords_none": ("二手车",)}, True, id="none-of: absent"),
        pytest.param({"keywords_none": ("海南",)}, False, id="none-of: Chinese substring excludes"),
        pytest.param({"keywords_any": ("ev",)}, True, id="English ignores case"),
        pytest.param({"keywords_all": ("SUBSIDIES", "meeting")}, True, id="English all-of, any case"),
        pytest.param({"keywords_any": ("subsid",)}, False, id="English is whole-word"),
        pytest.param({"keywords_none": ("ev",)}, False, id="English none-of excludes, any case"),
        pytest.param({"keywords_none": ("EVs",)}, True, id="English none-of whole-word only"),
        pytest.param({"keywords_any": ("EV",), "keywords_all": ("推进会",),
                      "keywords_none": ("二手车",)}, True, id="any, all and none together"),
        pytest.param({"sources": ("gov", "paper")}, True, id="a listed source"),
        pytest.param({"sources": ("paper",)}, False, id="an unlisted source"),
        pytest.param({"min_copies": 2}, True, id="story big enough"),
        pytest.param({"min_copies": 3}, False, id="story too small"),
        pytest.param({"provinces": ("hainan",), "province_scope": "mentioned",
                      "events": ("work_conference",), "sources": ("gov",), "min_copies": 2,
                      "keywords_all": ("EV",)}, True, id="every criterion at once"),
        pytest.param({"provinces": ("hainan",), "province_scope": "mentioned",
                      "events": ("work_conference",), "sources": ("paper",)}, False,
                     id="one failing criterion fails the AND"),
    ],
)
def test_matches(fields, expected):
    assert matches(WatchlistSpec("w", **fields), _VIEW) is expected


def test_the_cutoff_moves_back_by_backfill_days():
    created = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # 10:00 in China
    spec = WatchlistSpec("w", created_at=created)
    three_days = created - timedelta(days=3)
    assert held_back(spec, three_days, "minute", "meta", None)
    assert not held_back(dataclasses.replace(spec, backfill_days=5), three_days, "minute",
                         "meta", None)
    # first seen before the cutoff: held, whatever the published date
    assert held_back(spec, None, None, None, created - timedelta(seconds=1))
    assert not held_back(spec, None, None, None, created)
    assert not held_back(dataclasses.replace(spec, backfill_days=1), None, None, None,
                         created - timedelta(hours=2))
    # a day-precision date is the whole China day of the cutoff
    assert not held_back(spec, datetime(2026, 11, 19, 16, 0, tzinfo=timezone.utc), "day",
                         "meta", None)
    assert held_back(spec, datetime(2026, 11, 19, 15, 0, tzinfo=timezone.utc), "day", "meta", None)


# --- through the store stage, on a real database ---------------------------------------


def _when(days_ago: float) -> str:
    """A page date (China time) this long ago: the rules are relative to now."""
    return (datetime.now(CHINA) - timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M")


def _original(days_ago: float = 1) -> str:
    return page(*HENAN_NEV, date=_when(days_ago))


def _copy(days_ago: float = 0.9) -> str:
    """The same story as another outlet prints it."""
    return page(*HENAN_NEV, date=_when(days_ago)).replace("示范省人民政府门户网站", "示范日报网")


def _edited(days_ago: float = 0.8) -> str:
    """A third copy, edited: a byline added, the last paragraph (储能) cut."""
    title, paras = HENAN_NEV
    return page("【要闻】" + title + "_示范日报", ["（记者 王某）" + paras[0], paras[1]],
                date=_when(days_ago))


def _ingest(config, *pages, alert_old=False):
    lines = "".join(json.dumps({"url": u, "html": h, "source_id": s}) + "\n" for u, h, s in pages)
    return ingest_service.ingest(config, io.StringIO(lines), "t", alert_old=alert_old)


GOV = ("https://gov.example/a/1.html", _original(), "gov")
PAPER = ("https://paper.example/c/9.htm", _copy(), "paper")
WIRE = ("https://wire.example/2.htm", _edited(), "wire")

CATALOG = """\
sources:
  - {id: gov, name: Gov, kind: feed, urls: ["http://gov.example/feed.xml"], province: henan,
     language: zh, interval: 30m}
  - {id: paper, name: Paper, kind: feed, urls: ["http://paper.example/feed.xml"],
     province: henan, language: zh, interval: 30m}
  - {id: wire, name: Wire, kind: feed, urls: ["http://wire.example/feed.xml"],
     province: national, language: zh, interval: 30m}
"""


@pytest.fixture
def config(tmp_path, database_url):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    return make_config(tmp_path, database_url, catalog=str(catalog))


def _watch(config, name, created_days_ago=30, **fields):
    """A watchlist created ``created_days_ago`` days ago (before the test's stories)."""
    spec = validate(name, channels=fields.pop("channels", [EMAIL]), **fields)
    created = _now() - timedelta(days=created_days_ago) if created_days_ago is not None else None
    return watchlists_service.add_watchlist(config, dataclasses.replace(spec, created_at=created))


def _deliveries(config):
    with open_database(config.database_url)() as session:
        names = {w.id: w.name for w in repository.watchlists(session)}
        return [(names[d.watchlist_id], d.story_id, d.article_id, d.channel, d.next_attempt_at)
                for d in session.scalars(select(Delivery).order_by(Delivery.id))]


def _article_ids(config):
    return {r["source_id"]: r["id"] for r in articles_service.list_articles(config)}


def test_min_copies_fires_once_when_a_later_copy_reaches_it(config):
    _watch(config, "two", provinces=["henan"], min_copies=2)
    _watch(config, "three", provinces=["henan"], min_copies=3)
    _watch(config, "four", provinces=["henan"], min_copies=4)

    _ingest(config, GOV)
    assert _deliveries(config) == []
    _ingest(config, PAPER)
    assert [d[0] for d in _deliveries(config)] == ["two"]
    _ingest(config, WIRE)

    ids = _article_ids(config)
    owed = _deliveries(config)
    with open_database(config.database_url)() as session:
        story = session.scalars(select(Story)).one()
    assert story.copy_count == 3
    assert [(n, a) for n, _, a, _, _ in owed] == [("two", ids["paper"]), ("three", ids["wire"])]


def test_min_copies_fires_on_an_earlier_copy_that_matches(config):
    # 储能 is only in the original; the edited copy that makes the story big enough lacks it
    _watch(config, "storage", keywords_all=["储能"], min_copies=2)
    _ingest(config, GOV, WIRE)
    ids = _article_ids(config)
    assert [(n, a) for n, _, a, _, _ in _deliveries(config)] == [("storage", ids["gov"])]


def test_sources_mean_a_matching_copy_from_a_listed_source(config):
    _watch(config, "paper-only", sources=["paper"])
    _watch(config, "gov-big", sources=["gov"], min_copies=2)
    _watch(config, "wire-only", sources=["wire"])

    _ingest(config, GOV)
    assert _deliveries(config) == []  # gov-big waits for a second copy; paper has none yet
    _ingest(config, PAPER)

    ids = _article_ids(config)
    assert sorted((n, a) for n, _, a, _, _ in _deliveries(config)) == [
        ("gov-big", ids["gov"]), ("paper-only", ids["paper"])]


def test_a_watchlist_naming_an_unknown_source_is_refused_but_stored_ones_are_known(config):
    with pytest.raises(WatchlistError, match=r"field 'sources': unknown source id 'gvo' "
                                             r"\(did you mean gov\?\)"):
        _watch(config, "typo", sources=["gvo"])
    _ingest(config, ("https://x.example/1.html", page(*GUANGXI_AI), "ingest"))
    _watch(config, "ingested", sources=["ingest"])  # known from a stored article
    assert [w.name for w in watchlists_service.list_watchlists(config)] == ["ingested"]


def test_scope_events_and_keywords_through_the_store(config):
    conference = page("河南省召开新能源汽车产业推进会",
                      ["河南省人民政府召开新能源汽车产业推进会议，部署加快动力电池项目建设。"
                       "会议指出，要学习借鉴海南、广东的经验做法。",
                       "会议强调，各地要加快推动产业项目落地见效，确保全年目标任务完成。"],
                      date=_when(1))
    _watch(config, "hainan-about", provinces=["hainan"])
    _watch(config, "hainan-mentioned", provinces=["hainan"], province_scope="mentioned")
    _watch(config, "conferences", events=["work_conference"])
    _watch(config, "ev-not-conference", keywords=["new energy vehicles"],
           keywords_none=["推进会"])

    _ingest(config, ("https://gov.example/c.html", conference, "gov"),
            ("https://wire.example/h.html", page(*ENGLISH_HAINAN, date=_when(1)), "wire"))

    urls = {r["id"]: r["url"] for r in articles_service.list_articles(config)}
    got = sorted((n, urls[a]) for n, _, a, _, _ in _deliveries(config))
    assert got == [
        ("conferences", "https://gov.example/c.html"),
        ("ev-not-conference", "https://wire.example/h.html"),
        ("hainan-about", "https://wire.example/h.html"),
        ("hainan-mentioned", "https://gov.example/c.html"),
        ("hainan-mentioned", "https://wire.example/h.html"),
    ]


def test_a_digest_watchlist_is_due_at_its_next_slot_an_immediate_one_now(config):
    _watch(config, "digest", provinces=["henan"], schedule="daily 08:00",
           channels=[EMAIL, "webhook:http://127.0.0.1:9/h"])
    _watch(config, "now", provinces=["henan"])
    before = _now()
    _ingest(config, GOV)
    after = _now()

    owed = {(n, c): due for n, _, _, c, due in _deliveries(config)}
    slots = {next_slot(Schedule("daily", "08:00"), before),
             next_slot(Schedule("daily", "08:00"), after)}
    assert owed[("digest", EMAIL)] in slots
    assert owed[("digest", "webhook:http://127.0.0.1:9/h")] in slots
    assert owed[("digest", EMAIL)].astimezone(CHINA).strftime("%H:%M") == "08:00"
    assert before - timedelta(seconds=1) <= owed[("now", EMAIL)] <= after + timedelta(seconds=1)


def test_a_copy_of_a_story_first_seen_before_the_watchlist_is_held(config):
    _ingest(config, GOV)  # the story is first seen now, then the watchlist is created
    _watch(config, "later", created_days_ago=None, provinces=["henan"])

    report = _ingest(config, PAPER)
    assert report.stored == 1 and _deliveries(config) == []

    _ingest(config, WIRE, alert_old=True)  # --alerts overrides the rules
    assert [n for n, *_ in _deliveries(config)] == ["later"]


def test_the_first_seen_rule_holds_back_a_new_copy_of_an_old_story(config):
    _ingest(config, GOV)
    with transaction(open_database(config.database_url)) as session:
        session.execute(update(Story).values(first_seen_at=_now() - timedelta(days=10)))
    _watch(config, "recent", created_days_ago=2, provinces=["henan"])  # after first seen
    _watch(config, "older", created_days_ago=20, provinces=["henan"])  # before first seen

    chain_report = _ingest(config, ("https://paper.example/new.htm", _copy(0.5), "paper"))

    assert chain_report.stored == 1
    assert [n for n, *_ in _deliveries(config)] == ["older"]


def test_backfill_days_moves_the_published_date_cutoff(config):
    _watch(config, "strict", created_days_ago=0, provinces=["henan"])
    _watch(config, "week", created_days_ago=0, provinces=["henan"], backfill_days=7)

    _ingest(config, ("https://gov.example/old.html", _original(days_ago=3), "gov"))

    assert [n for n, *_ in _deliveries(config)] == ["week"]


def test_a_new_watchlist_with_backfill_days_is_owed_recent_stories_at_once(config):
    _ingest(config, GOV, PAPER,  # one story of two copies, first seen now
            ("https://gx.example/1.html", page(*GUANGXI_AI, date=_when(1)), "gov"),
            ("https://hn.example/old.html",
             page("河南省印发氢能产业发展规划",
                  ["近日，河南省人民政府印发氢能产业发展中长期规划，提出建设郑汴洛濮氢走廊，"
                   "推动燃料电池汽车示范应用城市群建设。",
                   "规划提出，到2030年河南省氢能产业总产值力争突破一千亿元，培育一批龙头企业。"],
                  date=_when(12)), "gov"))
    with transaction(open_database(config.database_url)) as session:
        old = session.scalars(select(Story).where(Story.title.like("%氢能%"))).one()
        old.first_seen_at = _now() - timedelta(days=12)  # seen long ago: outside the backfill

    none = watchlists_service.add_watchlist(config, validate("no-backfill", provinces=["henan"],
                                              channels=[EMAIL]))
    owed = watchlists_service.add_watchlist(config, validate("week", provinces=["henan"], backfill_days=7,
                                              schedule="daily 08:00",
                                              channels=[EMAIL, "webhook:http://127.0.0.1:9/h"]))
    wide = watchlists_service.add_watchlist(config, validate("month", provinces=["henan"], backfill_days=30,
                                              channels=[EMAIL]))

    got = _deliveries(config)
    assert none == 0 and owed == 2 and wide == 2
    week = [d for d in got if d[0] == "week"]
    assert len({d[1] for d in week}) == 1  # one story (of two copies), once per channel
    assert all(d[4].astimezone(CHINA).strftime("%H:%M") == "08:00" for d in week)
    month = [d for d in got if d[0] == "month"]
    assert len(month) == 2  # the old story too: first seen and published within 30 days


# --- watchlists as YAML ----------------------------------------------------------------


def _example() -> str:
    """The module docstring's example, which must stay a valid file."""
    text = textwrap.dedent(watchfile.__doc__.split("::\n\n", 1)[1].split("\n\nEvery key")[0])
    if not HAS_CHAT:
        text = text.replace("slack://TokenA/TokenB/TokenC/#policy", "webhook:https://c.test/x")
    return text


def test_the_documented_example_loads():
    nev, ai = watchfile.loads(_example(), "example.yaml")
    assert nev.name == "nev-henan" and nev.province_scope == "mentioned"
    assert nev.keywords_any == ("新能源汽车", "EV") and nev.keywords_all == ("补贴",)
    assert nev.keywords_none == ("二手车",) and nev.min_copies == 2 and nev.backfill_days == 7
    assert nev.schedule == Schedule("daily", "08:00") and nev.quiet_hours.start == "22:00"
    assert ai.keywords_any == ("大模型", "LLM") and ai.schedule.immediate


def test_dump_and_load_round_trip_exactly():
    specs = watchfile.loads(_example(), "example.yaml")
    specs.append(validate("odd", keywords=["2025", "yes"], schedule="weekly fri 17:30 UTC",
                          quiet_hours={"start": "12:00", "end": "13:00", "tz": "Europe/Paris"},
                          channels=[EMAIL]))
    specs.append(validate("hourly", keywords_none=["x: y"], schedule="hourly :15",
                          channels=[EMAIL]))
    text = watchfile.dumps(specs)
    assert watchfile.loads(text) == specs
    assert watchfile.dumps(watchfile.loads(text)) == text


def test_yaml_conveniences():
    text = """\
watchlists:
  - name: w
    provinces: henan              # one value for a one-item list
    keywords: [5G, 2025]          # numbers are keywords too
    quiet_hours: {start: 22:00, end: 07:00}   # 22:00 unquoted is base-60 1320 in YAML 1.1
    schedule: {every: daily, at: "08:00"}
    channels: email:a@example.test
"""
    (spec,) = watchfile.loads(text)
    assert spec.provinces == ("henan",) and spec.keywords_any == ("5G", "2025")
    assert spec.quiet_hours == QuietHours("22:00", "07:00")
    assert spec.schedule == Schedule("daily", "08:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("watchlists:\n  - name: w\n    provinse: [henan]\n    channels: [x]\n",
                     "f.yaml:2: watchlist 'w': unknown key 'provinse' (did you mean provinces?)",
                     id="unknown key, entry by name"),
        pytest.param("watchlists:\n  - {name: a, channels: ['email:a@x.test']}\n"
                     "  - provinces: [henan]\n    colour: red\n",
                     "f.yaml:3: watchlists[1]: unknown key 'colour'",
                     id="unknown key, entry by index"),
        pytest.param("watchlists:\n  - provinces: [henan]\n    channels: ['email:a@x.test']\n",
                     "f.yaml:2: watchlists[0]: missing key 'name'", id="no name"),
        pytest.param("watchlists:\n  - name: w\n    keywords: {any: [a], nor: [b]}\n",
                     "f.yaml:2: watchlist 'w': field 'keywords': unknown key 'nor'",
                     id="unknown keywords key"),
        pytest.param("watchlists:\n  - name: w\n    provinces: [henna]\n"
                     "    channels: ['email:a@x.test']\n",
                     "f.yaml:2: watchlist 'w': field 'provinces': unknown province id 'henna' "
                     "(did you mean henan?)", id="validation error with file and line"),
        pytest.param("watchlists:\n  - name: w\n    keywords: [yes]\n",
                     "f.yaml:2: watchlist 'w': field 'keywords': True is not a string",
                     id="a YAML boolean as keyword"),
        pytest.param("watchlists:\n  - name: w\n    sectors: {ai: 1}\n",
                     "field 'sectors': expected a list, not dict", id="a mapping for a list"),
        pytest.param("watchlists:\n  - {name: w, channels: ['email:a@x.test']}\n"
                     "  - {name: w, channels: ['email:b@x.test']}\n",
                     "f.yaml:3: watchlist 'w': the name is used twice", id="duplicate names"),
        pytest.param("watchlists:\n  - just a string\n", "f.yaml:2: watchlists[0]: an entry is "
                     "a mapping", id="entry not a mapping"),
        pytest.param("watchlist:\n  - name: w\n", "f.yaml:1: expected a mapping with a "
                     "'watchlists' list", id="wrong top-level key"),
        pytest.param("", "f.yaml: empty", id="empty file"),
        pytest.param("watchlists: {name: w}\n", "'watchlists' must be a list", id="not a list"),
        pytest.param("watchlists:\n  - name: w\n    channels: [email:a@x.test\n",
                     "f.yaml:4: not valid YAML:", id="syntax error names file and line"),
        pytest.param("watchlists:\n  - name: w\n   provinces: [henan]\n",
                     "f.yaml:3: not valid YAML:", id="bad indentation"),
    ],
)
def test_a_bad_file_names_file_line_entry_and_key(text, expected):
    with pytest.raises(WatchfileError) as err:
        watchfile.loads(text, "f.yaml")
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_every_bad_entry_is_reported_at_once():
    text = ("watchlists:\n  - {name: a, sectors: [nevv], channels: ['email:a@x.test']}\n"
            "  - {name: b, channels: ['email:a@x.test']}\n"
            "  - {name: c, min_copies: 0, channels: ['email:a@x.test']}\n")
    with pytest.raises(WatchfileError) as err:
        watchfile.loads(text, "f.yaml")
    assert [p.split(":")[1] for p in err.value.problems] == ["2", "4"]


def _file(tmp_path, text, name="w.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
watchlists:
  - name: henan-nev
    provinces: [henan]
    sectors: [nev]
    sources: [gov]
    channels: ['email:a@example.test']
  - name: digest
    keywords: {all: [补贴], none: [二手车]}
    schedule: daily 08:00
    channels: ['email:b@example.test']
"""


def test_import_then_export_round_trips_through_the_database(config, tmp_path):
    report = watchlists_service.import_watchlists(config, GOOD, "good.yaml")
    assert (report.added, report.updated, report.unchanged) == (["henan-nev", "digest"], [], [])
    exported = watchlists_service.export_watchlists(config)
    assert watchfile.loads(exported) == [dataclasses.replace(s, id=None, created_at=None)
                                         for s in watchlists_service.list_watchlists(config)]
    other = make_config(tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}", catalog=config.catalog)
    watchlists_service.import_watchlists(other, exported, "exported.yaml")
    assert watchlists_service.export_watchlists(other) == exported
    assert watchlists_service.export_watchlists(config, ["digest"]).count("- name:") == 1


def test_import_dry_run_stores_nothing(config):
    report = watchlists_service.import_watchlists(config, GOOD, "good.yaml", dry_run=True)
    assert report.added == ["henan-nev", "digest"] and report.dry_run
    assert watchlists_service.list_watchlists(config) == []


def test_import_is_all_or_nothing(config):
    bad = GOOD + "  - {name: broken, provinces: [henna], channels: ['email:c@example.test']}\n"
    with pytest.raises(WatchfileError, match="henna"):
        watchlists_service.import_watchlists(config, bad, "bad.yaml")
    unknown_source = GOOD.replace("sources: [gov]", "sources: [gvo]")
    with pytest.raises(WatchfileError, match=r"bad.yaml: watchlist 'henan-nev': field 'sources'"):
        watchlists_service.import_watchlists(config, unknown_source, "bad.yaml")
    assert watchlists_service.list_watchlists(config) == []

    watchlists_service.import_watchlists(config, GOOD.split("  - name: digest")[0], "one.yaml")
    again = GOOD.replace("name: digest", "name: fresh")
    with pytest.raises(WatchfileError) as err:  # 'fresh' is new but 'henan-nev' exists
        watchlists_service.import_watchlists(config, again, "x.yaml")
    assert "watchlist 'henan-nev' exists (use --replace to update it)" in str(err.value)
    assert [w.name for w in watchlists_service.list_watchlists(config)] == ["henan-nev"]


def test_import_replace_updates_in_place_keeping_created_at_and_deliveries(config):
    watchlists_service.import_watchlists(config, GOOD, "good.yaml")
    _ingest(config, GOV, alert_old=True)  # published before the watchlist: asked for
    before = {w.name: w for w in watchlists_service.list_watchlists(config)}
    assert len(_deliveries(config)) == 1

    edited = GOOD.replace("sectors: [nev]", "sectors: [nev, batteries_storage]")
    report = watchlists_service.import_watchlists(config, edited, "edited.yaml", replace=True)

    after = {w.name: w for w in watchlists_service.list_watchlists(config)}
    assert (report.updated, report.unchanged) == (["henan-nev"], ["digest"])
    assert after["henan-nev"].sectors == ("nev", "batteries_storage")
    assert after["henan-nev"].id == before["henan-nev"].id
    assert after["henan-nev"].created_at == before["henan-nev"].created_at
    assert len(_deliveries(config)) == 1


def test_import_of_a_new_watchlist_runs_its_backfill(config):
    _ingest(config, GOV)
    report = watchlists_service.import_watchlists(config, GOOD.replace("    sources: [gov]\n",
                                                        "    backfill_days: 3\n"), "b.yaml")
    assert report.backfilled == 1 and len(_deliveries(config)) == 1


# --- the commands ----------------------------------------------------------------------


@pytest.fixture
def run(config, monkeypatch):
    """`provwatch ARGS` in this process, on the test's database and catalog."""
    monkeypatch.setattr(cli.state, "_config", config)
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli.app, list(args), input=input)

    return invoke


def test_watch_add_takes_every_new_option(run, config):
    result = run("watch", "add", "full", "--province", "henan", "--scope", "mentioned",
                 "--sector", "nev", "--event", "policy_document", "--event", "work_conference",
                 "--keyword", "EV", "--all-of", "补贴", "--none-of", "二手车",
                 "--source", "gov", "--min-copies", "2", "--digest", "weekly mon 08:00",
                 "--quiet", "22:00-07:00", "--backfill-days", "3", "--email", "a@example.test",
                 "--webhook", "https://hooks.example.test/x")
    assert result.exit_code == 0, result.output
    assert "watchlist 'full' added; 0 alerts owed" in result.output
    (spec,) = watchlists_service.list_watchlists(config)
    assert spec == dataclasses.replace(validate(
        "full", provinces=["henan"], province_scope="mentioned", sectors=["nev"],
        events=["policy_document", "work_conference"], keywords=["EV"], keywords_all=["补贴"],
        keywords_none=["二手车"], sources=["gov"], min_copies=2, schedule="weekly mon 08:00",
        quiet_hours="22:00-07:00", backfill_days=3,
        channels=["email:a@example.test", "webhook:https://hooks.example.test/x"]),
        id=spec.id, created_at=spec.created_at)


@pytest.mark.skipif(not HAS_CHAT, reason="alerts.channels.chat not there yet")
def test_watch_add_takes_a_chat_url(run, config):
    result = run("watch", "add", "chat", "--chat", "slack://TokenA/TokenB/TokenC/#policy")
    assert result.exit_code == 0, result.output
    assert watchlists_service.list_watchlists(config)[0].channels == ("slack://TokenA/TokenB/TokenC/#policy",)


def test_watch_add_refuses_with_the_field(run):
    result = run("watch", "add", "w", "--event", "policy_doc", "--email", "a@example.test")
    assert isinstance(result.exception, WatchlistError)
    assert "field 'events': unknown event id 'policy_doc' (did you mean policy_document?)" in str(
        result.exception)


def test_watch_list_and_show(run):
    run("watch", "add", "w", "--province", "hainan", "--scope", "mentioned", "--none-of", "二手车",
        "--min-copies", "3", "--digest", "daily 08:00", "--email", "a@example.test")
    listed = run("watch", "list").output
    for text in ("provinces hainan (or", "mentioned)", "none of 二手车", "copies >= 3",
                 "daily at 08:00", "email:a@example.test"):
        assert text in listed, listed
    shown = run("watch", "show", "w")
    assert shown.exit_code == 0
    assert shown.output == watchlists_service.export_watchlists(cli.state.config, ["w"])
    assert "scope: mentioned" in shown.output and "min_copies: 3" in shown.output
    assert run("watch", "show", "nope").exit_code == 1


def test_watch_import_and_export_commands(run, config, tmp_path):
    path = _file(tmp_path, GOOD)
    dry = run("watch", "import", str(path), "--dry-run")
    assert dry.exit_code == 0 and "henan-nev: would be added" in dry.output
    assert "dry run: nothing stored" in dry.output and watchlists_service.list_watchlists(config) == []

    assert run("watch", "import", str(path)).exit_code == 0
    again = run("watch", "import", str(path))
    assert again.exit_code == 1
    assert "watchlist 'henan-nev' exists (use --replace to update it)" in again.stderr
    assert "nothing imported (2 problems)" in again.stderr
    assert "henan-nev: unchanged" in run("watch", "import", str(path), "--replace").output

    out = tmp_path / "out.yaml"
    assert run("watch", "export", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == run("watch", "export").output
    assert watchfile.loads(out.read_text(encoding="utf-8"))[0].name == "digest"


def test_watch_import_reports_a_syntax_error_with_file_and_line(run, config, tmp_path):
    path = _file(tmp_path, "watchlists:\n  - name: w\n    channels: [email:a@x.test\n")
    result = run("watch", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:4: not valid YAML" in result.stderr
    missing = run("watch", "import", str(tmp_path / "none.yaml"))
    assert missing.exit_code == 1 and "cannot read" in str(missing.exception)


def test_watch_import_reads_stdin(run, config):
    result = run("watch", "import", "-", input=GOOD)
    assert result.exit_code == 0, result.output
    assert len(watchlists_service.list_watchlists(config)) == 2


def test_the_console_script_prints_one_line_errors(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(PROVWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
               PROVWATCH_DATA_DIR=str(tmp_path))
    bad = _file(tmp_path, "watchlists:\n  - {name: a, provinces: [henna], channels: [x]}\n"
                          "  - {name: b, colour: red}\n")
    result = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "watch", "import", str(bad)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"provwatch: error: {bad}:2: watchlist 'a': field 'provinces': unknown province id "
        "'henna' (did you mean henan?)",
        f"provwatch: error: {bad}:3: watchlist 'b': unknown key 'colour' (expected name, "
        "provinces, scope, sectors, events, keywords, sources, min_copies, schedule, "
        "quiet_hours, channels, backfill_days, language, meeting_hosts, "
        "meeting_guest_kinds, meeting_orgs)",
        "provwatch: nothing imported (2 problems)"]


def test_counts_stay_consistent(config):
    """Removing a watchlist removes its deliveries (the name can be imported again)."""
    watchlists_service.import_watchlists(config, GOOD, "good.yaml")
    _ingest(config, GOV, alert_old=True)
    assert len(_deliveries(config)) == 1
    watchlists_service.remove_watchlist(config, "henan-nev")
    with open_database(config.database_url)() as session:
        assert session.scalar(select(func.count(Delivery.id))) == 0
    watchlists_service.import_watchlists(config, GOOD, "good.yaml", replace=True)
    assert [w.name for w in watchlists_service.list_watchlists(config)] == ["digest", "henan-nev"]
