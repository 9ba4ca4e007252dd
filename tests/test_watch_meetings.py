"""Watchlists on meetings (issue 18): the fields are validated with a did-you-mean and
survive YAML; the matcher wants one meeting meeting every criterion (any within a field,
all across); a stored story reporting such a meeting is owed an alert whose email,
webhook and chat begin with the meeting line, and a story without one is owed nothing
(SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from _pages import page
from _servers import smtp_server, webhook_receiver  # noqa: F401
from conftest import make_config
from sqlalchemy import select

from provwatch.alerts import chat_render, digest_render, render
from provwatch.alerts.channels import ChannelSettings
from provwatch.alerts.dispatch import dispatch
from provwatch.alerts.errors import WatchlistError
from provwatch.alerts.matcher import MatchView, matches, reasons
from provwatch.alerts.meeting_match import GuestView, HostView, MeetingView
from provwatch.alerts.message import AlertMessage, Digest, MeetingNote
from provwatch.alerts.watchfile import dumps, loads
from provwatch.alerts.watchlist import validate
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import watchlists as service
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Delivery

TO = ["email:desk@example.com"]
LONG_AGO = datetime(2025, 1, 1, tzinfo=timezone.utc)
BYD = ("刘宁会见比亚迪股份有限公司董事长王传福一行",
       ["2月25日，省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福一行。"
        "双方就新能源汽车、动力电池等领域深化合作进行交流。",
        "刘宁对王传福一行的到来表示欢迎。他说，比亚迪郑州基地建设跑出了加速度，希望企业继续扩大"
        "在豫投资，共同打造新能源汽车产业集群。王传福表示，将持续加大在河南的投资力度。"])
NO_MEETING = ("河南出台新能源汽车产业发展若干措施",
              ["近日，河南省政府办公厅印发《关于加快新能源汽车产业发展的若干措施》，提出到2027年"
               "全省新能源汽车产量突破200万辆。", "措施明确，支持比亚迪郑州基地扩大产能。"])


def spec(**kw):
    return validate("pm", channels=TO, **kw)


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "field", "hint"), [
    ({"meeting_hosts": ["secretery"]}, "meeting_hosts", "did you mean secretary?"),
    ({"meeting_hosts": ["省长"]}, "meeting_hosts", "did you mean governor?"),
    ({"meeting_hosts": ["premier"]}, "meeting_hosts", "one of secretary, governor, mayor"),
    ({"meeting_guest_kinds": ["private_compnay"]}, "meeting_guest_kinds",
     "did you mean private_company?"),
    ({"meeting_guest_kinds": ["soe"]}, "meeting_guest_kinds", "did you mean soe_central?"),
    ({"meeting_orgs": [" "]}, "meeting_orgs", "given but empty"),
    ({"meeting_orgs": [7]}, "meeting_orgs", "is not a string"),
])
def test_bad_meeting_values_are_refused_naming_the_field_and_the_closest_value(
        kwargs, field, hint):
    with pytest.raises(WatchlistError) as e:
        spec(**kwargs)
    assert f"field {field!r}" in str(e.value) and hint in str(e.value)


def test_good_meeting_values_are_cleaned():
    s = spec(meeting_hosts=["Secretary", "governor", "secretary"],
             meeting_guest_kinds=["foreign_government"], meeting_orgs=[" BYD ", "比亚迪"])
    assert s.meeting_hosts == ("secretary", "governor")
    assert s.meeting_guest_kinds == ("foreign_government",)
    assert s.meeting_orgs == ("BYD", "比亚迪") and s.wants_meeting


def test_org_names_and_tickers_resolve_and_an_unknown_name_is_kept_with_a_warning():
    resolved, warnings = service.resolve_orgs(
        spec(meeting_orgs=["比亚迪", "BYD", "002594.SZ", "Acme Widgets"]))
    assert dict(resolved.meeting_org_ids) == {"比亚迪": "byd", "BYD": "byd",
                                              "002594.SZ": "byd"}
    assert resolved.meeting_orgs[-1] == "Acme Widgets"
    assert len(warnings) == 1 and "'Acme Widgets' is not in the organisation knowledge " \
        "base" in warnings[0] and "kept as a name matched as written" in warnings[0]


def test_meeting_fields_round_trip_through_yaml():
    text = """watchlists:
  - name: pm
    meeting_hosts: [secretary, governor]
    meeting_guest_kinds: private_company
    meeting_orgs: [比亚迪, 002594.SZ, 600519]
    provinces: [henan]
    channels: [email:desk@example.com]
"""
    [s] = loads(text)
    assert s.meeting_orgs == ("比亚迪", "002594.SZ", "600519")
    assert s.meeting_guest_kinds == ("private_company",)
    assert loads(dumps([s])) == [s]
    assert "meeting_hosts: [secretary, governor]" in dumps([s])


def test_a_misspelt_meeting_key_in_yaml_gets_a_did_you_mean():
    with pytest.raises(WatchlistError, match="did you mean meeting_orgs"):
        loads("watchlists:\n  - name: pm\n    meeting_org: [BYD]\n    channels: [email:a@b.cn]\n")


# --- matching (pure) -----------------------------------------------------------------

SECRETARY = HostView("刘宁", "省委书记", "secretary", "henan", "Liu Ning")
GOVERNOR = HostView("王凯", "省长", "governor", "henan", "Wang Kai")
BYD_GUEST = GuestView("王传福", "比亚迪股份有限公司", "private_company", "byd", "BYD")
CATL_GUEST = GuestView("曾毓群", "宁德时代", "private_company", "catl", "CATL")
CHINA_MOBILE = GuestView("杨杰", "中国移动", "soe_central", "china_mobile", "China Mobile")
MEETING = MeetingView((SECRETARY,), (BYD_GUEST,), ("nev",), "henan",
                      "Henan Party Secretary Liu Ning met BYD Chairman Wang Chuanfu",
                      "河南省委书记刘宁会见比亚迪董事长王传福")


def view(*meetings: MeetingView) -> MatchView:
    return MatchView("t", "x", ("henan",), ("nev",), meetings=meetings)


@pytest.mark.parametrize(("kwargs", "meetings", "expected"), [
    ({"meeting_hosts": ["secretary", "mayor"]}, (MEETING,), True),  # any within a field
    ({"meeting_hosts": ["governor"]}, (MEETING,), False),
    ({"meeting_hosts": ["secretary"], "meeting_guest_kinds": ["soe_central"]},
     (MEETING,), False),  # all across fields
    ({"meeting_hosts": ["secretary"], "meeting_guest_kinds": ["private_company"]},
     (MEETING,), True),
    ({"meeting_orgs": ["BYD"]}, (MEETING,), True),  # the English name
    ({"meeting_orgs": ["比亚迪"]}, (MEETING,), True),  # a part of the name as written
    ({"meeting_orgs": ["byd"]}, (MEETING,), True),  # the knowledge base's id
    ({"meeting_orgs": ["宁德时代", "CATL"]}, (MEETING,), False),
    ({"meeting_orgs": ["BYD"], "provinces": ["henan"], "sectors": ["nev"]}, (MEETING,), True),
    ({"meeting_orgs": ["BYD"], "provinces": ["jiangsu"]}, (MEETING,), False),
    ({"meeting_orgs": ["BYD"], "sectors": ["ai"]}, (MEETING,), False),
    ({"meeting_hosts": ["secretary"]}, (), False),  # no meeting, no match
    # one meeting must meet every criterion: a governor's with CATL and a secretary's with
    # China Mobile do not add up to a secretary meeting a private company
    ({"meeting_hosts": ["secretary"], "meeting_guest_kinds": ["private_company"]},
     (MeetingView((GOVERNOR,), (CATL_GUEST,)), MeetingView((SECRETARY,), (CHINA_MOBILE,))),
     False),
])
def test_meeting_rules(kwargs, meetings, expected):
    assert matches(spec(**kwargs), view(*meetings)) is expected


def test_a_ticker_matches_once_resolved_to_the_knowledge_bases_id():
    raw = spec(meeting_orgs=["002594.SZ"])
    assert not matches(raw, view(MEETING))
    resolved, _ = service.resolve_orgs(raw)
    assert matches(resolved, view(MEETING))


def test_a_watchlist_without_meeting_criteria_ignores_meetings():
    assert matches(spec(provinces=["henan"]), view())


def test_reasons_name_the_host_and_the_guest_with_its_ticker():
    s, _ = service.resolve_orgs(spec(meeting_hosts=["secretary"], meeting_orgs=["002594.SZ"],
                                     sectors=["nev"]))
    got = reasons(s, view(MEETING))
    assert [(r.criterion, r.values, r.note) for r in got] == [
        ("meeting_host", ("Henan Party Secretary Liu Ning",), ""),
        ("meeting_guest", ("BYD (002594.SZ)",), ""),
        ("sector", ("nev",), "meeting")]
    msg = AlertMessage(1, "pm", 1, 1, "t", "https://a.example/1", "src", None, "",
                       matched=got)
    assert render.match_text(msg) == ("meeting host Henan Party Secretary Liu Ning, "
                                      "guest BYD (002594.SZ), sector New energy vehicles "
                                      "(meeting)")


# --- rendering -----------------------------------------------------------------------

NOTE = MeetingNote("Henan Party Secretary Liu Ning met BYD Chairman Wang Chuanfu",
                   "河南省委书记刘宁会见比亚迪董事长王传福", ("省委书记刘宁",), ("BYD",), ("nev",))


@pytest.mark.parametrize(("language", "line"), [("en", NOTE.summary_en),
                                                 ("zh", NOTE.summary_zh)])
def test_the_meeting_line_leads_every_channel_in_the_watchlists_language(language, line):
    msg = AlertMessage(7, "pm", 3, 4, "标题", "https://a.example/1", "src", None, "正文。",
                       language=language, meetings=(NOTE,))
    assert render.subject(msg).startswith(f"[provwatch] {line} — 标题")
    assert render.text_body(msg).splitlines()[0] == line
    assert f"<p><strong>{line}</strong></p>\n<h2>" in render.html_body(msg)
    payload = render.webhook_payload(msg)
    assert payload["meeting_line"] == line
    assert payload["meetings"] == [{"summary_en": NOTE.summary_en,
                                    "summary_zh": NOTE.summary_zh, "hosts": ["省委书记刘宁"],
                                    "guests": ["BYD"], "topics": ["nev"]}]
    chat = chat_render.alert(msg, chat_render.style_for("slack"))
    assert chat.body.splitlines()[0] == line


def test_a_digest_lists_the_meeting_line_under_each_story_that_has_one():
    with_meeting = AlertMessage(7, "pm", 3, 4, "标题", "https://a.example/1", "src", None,
                                "", meetings=(NOTE,))
    without = AlertMessage(8, "pm", 5, 6, "别的", "https://a.example/2", "src", None, "")
    digest = Digest("digest", 9, "daily digest", (with_meeting, without), "pm")
    lines = digest_render.digest_text(digest).splitlines()
    at = lines.index("- 标题 (src, unknown)")
    assert lines[at + 1] == f"  {NOTE.summary_en}"
    assert lines.count(f"  {NOTE.summary_en}") == 1
    assert NOTE.summary_en in digest_render.digest_html(digest)
    assert NOTE.summary_en in chat_render.digest(digest, chat_render.style_for("slack")).body


def test_a_story_without_a_meeting_renders_as_before():
    msg = AlertMessage(7, "pm", 3, 4, "标题", "https://a.example/1", "src", None, "")
    assert render.subject(msg) == "[provwatch] 标题"
    assert render.webhook_payload(msg)["meetings"] == []


# --- end to end: stored, owed, sent ---------------------------------------------------


def _ingest(config, url, title, paras):
    line = json.dumps({"url": url, "html": page(title, paras, date="2025-02-26 09:30"),
                       "source_id": "gov"}) + "\n"
    return ingest_service.ingest(config, io.StringIO(line), "t")


def test_a_stored_meeting_is_owed_and_sent_with_its_line_on_top_and_a_story_without_one_is_not(
        tmp_path, database_url, smtp_server, webhook_receiver):  # noqa: F811
    config = make_config(tmp_path, database_url)
    channels = ["email:pm@example.com", f"webhook:{webhook_receiver.url}"]
    watch, warnings = service.resolve_orgs(validate(
        "portfolio", channels=channels, meeting_hosts=["secretary"],
        meeting_orgs=["002594.SZ", "Acme Widgets"], created_at=LONG_AGO))
    assert len(warnings) == 1
    service.add_watchlist(config, watch)
    _ingest(config, "https://gov.example/a/2.html", *NO_MEETING)
    _ingest(config, "https://gov.example/a/1.html", *BYD)
    sessions = open_database(config.database_url)
    with sessions() as session:
        owed = session.scalars(select(Delivery)).all()
        assert len(owed) == 2 and len({d.story_id for d in owed}) == 1
    report = dispatch(sessions, ChannelSettings(smtp_host=smtp_server.host,
                                                smtp_port=smtp_server.port))
    assert report.sent == 2
    [mail] = smtp_server.messages
    first = mail.message.get_body(("plain",)).get_content().splitlines()[0]
    assert first.startswith("Henan Party Secretary Liu Ning met BYD")
    assert mail.message["Subject"].startswith(f"[provwatch] {first[:40]}")
    [hook] = webhook_receiver.requests
    body = hook.json
    assert body["meeting_line"] == first
    assert body["meetings"][0]["guests"] == ["BYD"] and "nev" in body["meetings"][0]["topics"]
    assert body["matched_text"].startswith(
        "meeting host Henan Party Secretary Liu Ning, guest BYD (002594.SZ)")


# --- the commands --------------------------------------------------------------------


def test_watch_add_takes_the_meeting_options_and_list_and_export_show_them(
        tmp_path, sqlite_url, monkeypatch):
    from typer.testing import CliRunner

    from provwatch.crawler.cli import main as cli

    monkeypatch.setattr(cli.state, "_config", make_config(tmp_path, sqlite_url))
    runner = CliRunner()
    added = runner.invoke(cli.app, ["watch", "add", "pm", "--meeting-host", "secretary",
                                    "--meeting-guest-kind", "private_company",
                                    "--meeting-org", "002594.SZ", "--meeting-org",
                                    "Acme Widgets", "--email", "a@example.test"])
    assert added.exit_code == 0, added.output
    [stored] = service.list_watchlists(cli.state._config)
    assert stored.meeting_org_ids == (("002594.SZ", "byd"),)
    listed = runner.invoke(cli.app, ["watch", "list"])
    assert "meeting host secretary" in listed.output
    exported = runner.invoke(cli.app, ["watch", "export"]).output
    assert "meeting_orgs: [002594.SZ, Acme Widgets]" in exported
    assert loads(exported)[0].meeting_hosts == ("secretary",)
    refused = runner.invoke(cli.app, ["watch", "add", "x", "--meeting-host", "govenor",
                                      "--email", "a@example.test"])
    assert "did you mean governor?" in str(refused.exception)
