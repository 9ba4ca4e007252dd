"""Alerts read well: names not ids, China time, whole sentences, and why the story matched."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from provwatch.alerts import chat_render, digest_render, render, wording
from provwatch.alerts.channels import ChannelSettings
from provwatch.alerts.dispatch import dispatch
from provwatch.alerts.errors import WatchlistError
from provwatch.alerts.matcher import MatchView, reasons
from provwatch.alerts.message import AlertMessage, Digest, Reason
from provwatch.alerts.watchfile import WatchfileError, dumps, loads
from provwatch.alerts.watchlist import validate
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Article, Delivery, Story, Tag, Watchlist

UTC = timezone.utc
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
TITLE = "河南省委书记会见比亚迪董事长"
MSG = AlertMessage(
    delivery_id=555, watchlist="nev-henan", story_id=42, article_id=1007, title=TITLE,
    url="https://example.cn/a/1007.html", source_id="prov_henan_news",
    published_at=datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
    snippet="省委书记会见比亚迪董事长。双方就新能源汽车合作交换意见。",
    provinces_about=("henan",), provinces_mentioned=("henan", "guangdong"),
    sectors=("nev",), event="leader_meeting", copies=2,
    outlets=("prov_henan_news", "dahe"), source_name="河南省人民政府·河南要闻",
    outlet="河南日报", outlet_names=("河南省人民政府·河南要闻", "dahe"),
    matched=(Reason("province", ("henan",), "about"), Reason("sector", ("nev",)),
             Reason("keywords", ("比亚迪",))),
    language="zh")
EN = replace(MSG, language="en", source_name="Henan Provincial Government - Henan News",
             outlet_names=("Henan Provincial Government - Henan News", "dahe"))


# --- snippets ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "limit", "expected"), [
    pytest.param("短句。", 60, "短句。", id="short text is kept whole"),
    pytest.param("第一句。第二句很长很长很长。第三句。", 10, "第一句。…",
                 id="cut after the last sentence that fits, with an ellipsis"),
    pytest.param("你好吗？我很好！再见。", 8, "你好吗？我很好！…", id="？ and ！ end sentences"),
    pytest.param("GDP grew 3.5 percent. Exports rose. More text follows here.", 40,
                 "GDP grew 3.5 percent. Exports rose. …", id="a decimal point ends nothing"),
    pytest.param("他说：“很好。”然后离开了会场继续工作。", 9, "他说：“很好。”…",
                 id="a closing quote stays with its sentence"),
    pytest.param("一二三四五六七八九十十一十二。后面。", 10, "一二三四五六七八九十十一十二。…",
                 id="a first sentence over the limit is kept whole up to twice it"),
    pytest.param("长" * 30 + "，" + "长" * 60 + "。", 40, "长" * 30 + "，…",
                 id="a longer one is cut at a clause mark"),
    pytest.param("  多余\n\n空白。 ", 60, "多余 空白。", id="whitespace collapses"),
    pytest.param("", 60, "", id="no text"),
])
def test_a_snippet_is_cut_at_a_sentence_end(text, limit, expected):
    assert wording.cut_snippet(text, limit) == expected


def test_a_snippet_never_ends_mid_sentence_in_a_long_article():
    text = "".join(f"第{i}句话说了一些事情。" for i in range(200))
    cut = wording.cut_snippet(text, 300)
    assert cut.endswith("。…") and len(cut) <= 301


# --- names and times --------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "tag", "language", "expected"), [
    ("province", "henan", "zh", "河南"),
    ("province", "henan", "en", "Henan"),
    ("province", "inner_mongolia", "zh", "内蒙古"),
    ("province", "guangxi", "zh", "广西"),
    ("province", "hong_kong", "zh", "香港"),
    ("province", "taiwan", "zh", "台湾"),
    ("sector", "nev", "zh", "新能源汽车"),
    ("sector", "nev", "en", "New energy vehicles"),
    ("event", "leader_meeting", "en", "Leader meeting"),
    ("sector", "not_a_sector", "zh", "not_a_sector"),
])
def test_tags_are_named_in_the_readers_language(kind, tag, language, expected):
    assert wording.tag_name(kind, tag, language) == expected


def test_times_are_china_time_with_the_offset():
    assert wording.china_time(MSG.published_at) == "2024-05-01 16:30 +08:00"
    assert wording.china_time(MSG.published_at, short=True) == "05-01 16:30 +08:00"
    assert wording.china_iso(MSG.published_at) == "2024-05-01T16:30:00+08:00"
    assert wording.china_time(None) == "" and wording.china_iso(None) is None


@pytest.mark.parametrize(("name", "source_id", "outlet", "expected"), [
    ("河南省人民政府·河南要闻", "prov_henan_news", "河南日报", "河南日报 · 河南省人民政府·河南要闻"),
    ("河南省人民政府·河南要闻", "prov_henan_news", None, "河南省人民政府·河南要闻"),
    (None, "demo_gov_portal", "河南日报", "河南日报 · demo_gov_portal"),
    (None, "demo_gov_portal", None, "demo_gov_portal"),
    ("河南日报", "x", "河南日报", "河南日报"),
])
def test_the_outlet_is_named_not_the_source_id(name, source_id, outlet, expected):
    assert wording.source_text(name, source_id, outlet) == expected


# --- why it matched ---------------------------------------------------------------------


VIEW = MatchView(title="比亚迪在郑州", text="新能源汽车 EV 项目", provinces_about=("henan",),
                 sectors=("nev", "ai"), provinces_mentioned=("henan", "hubei"),
                 event="signing", source_id="gov", copies=3)


@pytest.mark.parametrize(("fields", "expected"), [
    ({"provinces": ["henan"]}, (Reason("province", ("henan",), "about"),)),
    ({"provinces": ["henan", "hubei"], "province_scope": "mentioned"},
     (Reason("province", ("henan",), "about"), Reason("province", ("hubei",), "mentioned"))),
    ({"sectors": ["nev", "hydrogen"]}, (Reason("sector", ("nev",)),)),
    ({"events": ["signing"]}, (Reason("event", ("signing",)),)),
    ({"keywords": ["比亚迪", "ev", "氢能"], "keywords_all": ["项目"]},
     (Reason("keywords", ("比亚迪", "ev", "项目")),)),
    ({"sources": ["gov"], "min_copies": 2},
     (Reason("source", ("gov",)), Reason("copies", ("3",), "≥ 2"))),
    ({}, ()),
])
def test_the_reasons_name_each_criterion_that_held_and_with_what(fields, expected):
    spec = validate("w", channels=["email:a@example.test"], **fields)
    assert reasons(spec, VIEW) == expected


def test_the_match_line_reads_in_either_language():
    assert render.match_text(MSG) == "省份 河南（涉及）；行业 新能源汽车；关键词 比亚迪"
    assert render.match_text(EN) == ("province Henan (about), sector New energy vehicles, "
                                     "keyword 比亚迪")


# --- the messages ---------------------------------------------------------------------


def test_an_email_in_chinese_names_tags_outlet_time_and_the_match():
    text = render.text_body(MSG)
    assert "命中：" in text and "省份 河南（涉及）" in text
    assert "\n发布时间：2024-05-01 16:30 +08:00\n" in text
    assert "河南日报 · 河南省人民政府·河南要闻" in text
    assert "新能源汽车" in text and "会见会谈" in text and "广东" in text
    assert "\n涉及省份：河南\n" in text and "\n行业：新能源汽车\n" in text
    assert not {"henan", "nev", "leader_meeting"} & set(text.replace("nev-henan", "").split())
    assert "Z" not in text.split("\n\n")[1]  # no UTC stamps in the fields
    html = render.html_body(MSG)
    assert "省份 河南（涉及）" in html and "2024-05-01 16:30 +08:00" in html
    assert render.subject(MSG) == f"[provwatch] {TITLE} — 河南 · 新能源汽车"


def test_an_email_in_english_labels_and_names_in_english():
    text = render.text_body(EN)
    assert "Matched:   province Henan (about), sector New energy vehicles, keyword 比亚迪" in text
    assert "Published: 2024-05-01 16:30 +08:00" in text
    assert "Source:    河南日报 · Henan Provincial Government - Henan News" in text
    assert "Mentions:  Guangdong" in text and "Event:     Leader meeting" in text


def test_the_webhook_payload_keeps_its_fields_and_adds_names_and_reasons():
    payload = render.webhook_payload(MSG)
    assert payload["version"] == 1
    assert payload["article"]["published_at"] == "2024-05-01T08:30:00Z"
    assert payload["article"]["source_id"] == "prov_henan_news"
    assert payload["tags"] == {"provinces_about": ["henan"],
                               "provinces_mentioned": ["henan", "guangdong"],
                               "sectors": ["nev"], "event": "leader_meeting"}
    assert payload["article"]["published_at_china"] == "2024-05-01T16:30:00+08:00"
    assert payload["article"]["source_name"] == "河南省人民政府·河南要闻"
    assert payload["article"]["outlet"] == "河南日报"
    assert payload["story"]["outlet_names"] == ["河南省人民政府·河南要闻", "dahe"]
    assert payload["tag_names"] == {"provinces_about": ["河南"],
                                    "provinces_mentioned": ["河南", "广东"],
                                    "sectors": ["新能源汽车"], "event": "会见会谈"}
    assert payload["matched"][0] == {"criterion": "province", "values": ["henan"],
                                     "names": ["河南"], "note": "about"}
    assert payload["matched_text"] == render.match_text(MSG)
    assert payload["language"] == "zh"


def test_a_chat_alert_says_the_same_in_its_language():
    msg = chat_render.alert(MSG, chat_render.style_for("feishu"))
    assert "河南 · 新能源汽车 · 会见会谈" in msg.body
    assert "来源 河南日报 · 河南省人民政府·河南要闻 · 2024-05-01 16:30 +08:00" in msg.body
    assert "命中：省份 河南（涉及）；行业 新能源汽车；关键词 比亚迪" in msg.body
    assert "UTC" not in msg.body
    slack = chat_render.alert(EN, chat_render.style_for("slack"))
    assert "matched: province Henan \\(about\\)" in slack.body
    assert "2 copies (Henan Provincial Government - Henan News, dahe)" in slack.body


def test_a_chat_snippet_is_cut_at_a_sentence_end():
    long = replace(MSG, snippet="第一句话。" + "很长的第二句话" * 40 + "。")
    body = chat_render.alert(long, chat_render.style_for("feishu")).body
    assert body.splitlines()[-1] == "第一句话。…"


def test_digests_name_their_sections_and_say_why_each_story_matched():
    items = (MSG, replace(MSG, delivery_id=556, provinces_about=("hubei",), matched=()))
    digest = Digest("digest", 7, "daily digest", items, "nev-henan")
    text = digest_render.digest_text(digest)
    assert "== 河南 · 新能源汽车 (1)" in text and "== 湖北 · 新能源汽车 (1)" in text
    assert "  命中：省份 河南（涉及）；行业 新能源汽车；关键词 比亚迪" in text
    assert "(河南日报 · 河南省人民政府·河南要闻, 2024-05-01 16:30 +08:00，转载 2)" in text
    html = digest_render.digest_html(digest)
    assert "河南 · 新能源汽车 (1)" in html and "命中：省份 河南" in html
    sections = digest_render.digest_payload(digest)["sections"]
    assert [(s["group"], s["group_name"]) for s in sections] == [
        ("henan · nev", "河南 · 新能源汽车"), ("hubei · nev", "湖北 · 新能源汽车")]
    chat = chat_render.digest(digest, chat_render.style_for("slack"))
    assert "*河南 · 新能源汽车 (1)*" in chat.body and "命中：省份 河南" in chat.body


# --- the language setting -------------------------------------------------------------


@pytest.mark.parametrize(("given", "hint"), [
    ("cn", "(did you mean zh?)"), ("中文", "(did you mean zh?)"),
    ("english", "(did you mean en?)"), ("chinese", "(did you mean zh?)"), ("fr", ""),
])
def test_an_unknown_language_is_refused_with_a_suggestion(given, hint):
    with pytest.raises(WatchlistError) as info:
        validate("w", channels=["email:a@example.test"], language=given)
    assert f"watchlist 'w': field 'language': {given!r} is not a language" in str(info.value)
    assert str(info.value).endswith(hint or "(en or zh)")


def test_the_language_goes_through_a_watch_file_and_back():
    text = ("watchlists:\n  - name: w\n    language: zh\n    channels: [email:a@example.test]\n"
            "  - name: v\n    channels: [email:a@example.test]\n")
    specs = loads(text)
    assert [s.language for s in specs] == ["zh", "en"]
    assert "language: zh" in dumps(specs) and dumps(specs).count("language") == 1
    assert loads(dumps(specs)) == specs
    with pytest.raises(WatchfileError) as info:
        loads(text.replace("language: zh", "langauge: zh"))
    assert "unknown key 'langauge' (did you mean language?)" in info.value.problems[0]


# --- built from stored rows -------------------------------------------------------------


def _stored(sessions, language: str, channel: str) -> None:
    with sessions() as session, session.begin():
        w = Watchlist(name="nev-henan", channels=[channel], provinces=["henan"],
                      sectors=["nev"], keywords=["比亚迪"], language=language,
                      created_at=NOW - timedelta(days=30))
        story = Story(title=TITLE, copy_count=1, first_seen_at=NOW)
        session.add_all([w, story])
        session.flush()
        article = Article(
            canonical_url="https://news.example/1.html", url="https://news.example/1.html",
            source_id="prov_henan_news", title=TITLE, content_hash="h1", story_id=story.id,
            text="省委书记会见比亚迪董事长。" + "双方就新能源汽车合作交换意见，" * 40 + "达成共识。",
            meta={"content_source": "河南日报"}, published_at=NOW, fetched_at=NOW)
        article.tags = [Tag(kind="province", value="henan", role="about"),
                        Tag(kind="sector", value="nev")]
        session.add(article)
        session.flush()
        session.add(Delivery(watchlist_id=w.id, story_id=story.id, article_id=article.id,
                             channel=channel, status="pending", attempts=0,
                             next_attempt_at=NOW))


def test_a_stored_story_is_sent_with_names_china_time_and_the_match(database_url,
                                                                      webhook_receiver):
    sessions = open_database(database_url)
    _stored(sessions, "zh", f"webhook:{webhook_receiver.url}")
    report = dispatch(sessions, ChannelSettings(), now=NOW)
    assert report.sent == 1, report.messages
    (req,) = webhook_receiver.requests
    body = req.json
    assert body["article"]["source_name"] == "河南省人民政府·河南要闻"
    assert body["article"]["outlet"] == "河南日报"
    assert body["article"]["published_at_china"] == "2026-11-22T10:00:00+08:00"
    assert body["article"]["snippet"] == "省委书记会见比亚迪董事长。…"
    assert body["matched_text"] == "省份 河南（涉及）；行业 新能源汽车；关键词 比亚迪"
    assert body["tag_names"]["sectors"] == ["新能源汽车"]


def test_a_stored_english_watchlist_is_sent_in_english(database_url, smtp_server):
    sessions = open_database(database_url)
    _stored(sessions, "en", "email:desk@example.com")
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=smtp_server.port)
    assert dispatch(sessions, settings, now=NOW).sent == 1
    (mail,) = smtp_server.messages
    text = mail.message.get_body(("plain",)).get_content()
    assert "Source:    河南日报 · Henan Provincial Government - Henan News" in text
    assert "Published: 2026-11-22 10:00 +08:00" in text
    assert "Matched:   province Henan (about), sector New energy vehicles, keyword 比亚迪" in text


def test_watch_add_takes_a_language_and_refuses_a_misspelt_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
                "PROVWATCH_DATA_DIR": str(tmp_path), "COLUMNS": "200"})

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    added = cli("watch", "add", "zh-desk", "--sector", "nev", "--language", "zh",
                "--email", "desk@example.com")
    assert added.returncode == 0, added.stderr
    refused = cli("watch", "add", "x", "--language", "chinese", "--email", "desk@example.com")
    assert refused.returncode == 1
    assert "field 'language': 'chinese' is not a language alerts are written in (en or zh) " \
           "(did you mean zh?)" in refused.stderr
    assert "in zh" in cli("watch", "list").stdout
    assert "    language: zh\n" in cli("watch", "show", "zh-desk").stdout
