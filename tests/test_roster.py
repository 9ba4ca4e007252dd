"""The leaders' roster: the bundled file validates and covers every province, names resolve
to the post held on the article's day, a bad entry is one line naming it, and
`provwatch leaders` prints it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from typer.testing import CliRunner

import provwatch.crawler.cli.leaders  # noqa: F401  (registers `leaders` before main.py does)
from provwatch.crawler import roster
from provwatch.crawler.cli.app import app
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.roster import RosterError, load_roster, parse
from provwatch.crawler.taxonomy import PROVINCES

MAINLAND = [p for p in PROVINCES if p not in ("hong_kong", "macau", "taiwan")]
runner = CliRunner()


def test_the_bundled_roster_validates_and_covers_the_31_provinces():
    book = load_roster()
    assert len(book.entries) > 150
    assert {e.province for e in book.entries} == set(MAINLAND)
    assert all(e.source for e in book.entries)
    assert book.checked


# posts whose current holder the roster does not know yet (its header says why); the
# test fails once the holder is added, so that this list is emptied with it
UNKNOWN_TODAY: set[tuple[str, str]] = set()


@pytest.mark.parametrize("day", [date(2020, 1, 1), date(2023, 6, 1), roster.today()],
                         ids=["2020-01-01", "2023-06-01", "today"])
@pytest.mark.parametrize("province", MAINLAND)
def test_every_province_has_a_secretary_and_a_governor(province, day):
    posts = {e.post for e in roster.holders(province, day) if e.level == "province"}
    expected = {"governor", "secretary"}
    if day == roster.today():
        expected -= {post for p, post in UNKNOWN_TODAY if p == province}
    assert posts == expected


# capital posts whose holder today the searches of 2026-12-06 did not find (the roster's
# header names them); each fails the test below once its holder is added
UNKNOWN_CAPITALS_TODAY = {
    ("hefei", "secretary"), ("taiyuan", "secretary"),
    ("kunming", "mayor"), ("nanchang", "mayor"),
}


def test_the_roster_names_all_27_capitals_and_no_municipality():
    capitals = roster.load().capitals
    assert len(capitals) == 27
    assert not {p for p, _ in capitals.values()} & {"beijing", "tianjin", "shanghai",
                                                     "chongqing"}


@pytest.mark.parametrize("city", sorted(roster.load().capitals))
def test_every_capital_has_a_secretary_and_a_mayor_today_unless_listed_unknown(city):
    posts = {e.post for e in roster.holders(on=roster.today())
             if e.level == "capital" and e.city == city}
    expected = {"secretary", "mayor"} - {p for c, p in UNKNOWN_CAPITALS_TODAY if c == city}
    assert posts == expected


def test_most_capital_posts_have_a_known_holder_today():
    # 54 posts; the unknown list may only shrink
    assert len(UNKNOWN_CAPITALS_TODAY) <= 4
    assert all(city in roster.load().capitals for city, _ in UNKNOWN_CAPITALS_TODAY)


def test_no_two_terms_of_one_post_overlap():
    by_post: dict[tuple, list] = {}
    for e in roster.load().entries:
        by_post.setdefault(e.key, []).append(e)
    for terms in by_post.values():
        terms.sort(key=lambda e: e.start)
        for before, after in zip(terms, terms[1:], strict=False):
            assert before.end is not None and before.end <= after.start, after.label()


def test_the_roster_is_parsed_once():
    assert roster.load() is roster.load()


@pytest.mark.parametrize("name,day,expected", [
    ("刘宁", date(2020, 1, 1), [("qinghai", "governor")]),
    ("Liu Ning", date(2021, 1, 1), [("liaoning", "governor")]),
    ("liu ning", date(2023, 6, 1), [("guangxi", "secretary")]),
    ("LiuNing", date(2025, 6, 1), [("henan", "secretary")]),
    ("尹弘", date(2020, 6, 1), [("henan", "governor")]),
    ("Yin Hong", date(2022, 6, 1), [("gansu", "secretary")]),
    ("Yin Hong", date(2023, 6, 1), [("jiangxi", "secretary")]),
], ids=lambda v: str(v))
def test_a_person_who_moved_resolves_to_the_post_of_that_day(name, day, expected):
    assert [(e.province, e.post) for e in roster.resolve(name, on=day)] == expected


def test_a_name_that_left_resolves_to_nothing_after_its_end():
    assert [(e.province, e.post) for e in roster.resolve("楼阳生", date(2024, 12, 30))] == \
        [("henan", "secretary")]
    assert roster.resolve("楼阳生", date(2024, 12, 31)) == []
    assert roster.resolve("Lou Yangsheng", date(2026, 1, 1)) == []


def test_a_time_counts_on_its_china_day():
    from datetime import datetime, timezone

    # 2024-12-30 17:00 UTC is already 2024-12-31 in China: Liu Ning's first day in Henan
    when = datetime(2024, 12, 30, 17, 0, tzinfo=timezone.utc)
    assert [(e.province, e.post) for e in roster.resolve("刘宁", when)] == \
        [("henan", "secretary")]


def test_resolve_can_be_limited_to_a_province_and_knows_aliases():
    assert roster.resolve("刘宁", date(2025, 6, 1), province="guangxi") == []
    assert [e.province for e in roster.resolve("Erkin Tuniyaz", date(2024, 1, 1))] == \
        ["xinjiang"]


def test_history_lists_every_term_of_a_province_post_by_post():
    terms = [(e.post, e.name_zh) for e in roster.history("henan") if e.level == "province"]
    assert terms[:3] == [("secretary", "王国生"), ("secretary", "楼阳生"), ("secretary", "刘宁")]
    assert ("governor", "王凯") in terms


def test_a_month_means_its_first_day_and_the_end_day_is_out_of_office():
    text = ("entries:\n"
            "  - {province: henan, level: province, post: secretary, name_zh: 甲, pinyin: Jia,"
            " start: '2020-03', end: 2021-06-01, source: s}\n")
    book = parse(text)
    assert book.holders("henan", date(2020, 2, 29)) == []
    assert [e.name_zh for e in book.holders("henan", date(2020, 3, 1))] == ["甲"]
    assert book.holders("henan", date(2021, 6, 1)) == []


GOOD = ("province: henan, level: province, post: secretary, name_zh: 甲, pinyin: Jia, "
        "start: '2020-01', end: null, source: s")
CAPITALS = "capitals:\n  zhengzhou: {province: henan, zh: 郑州}\n"


@pytest.mark.parametrize("entry,message", [
    ("province: henna, level: province, post: secretary, name_zh: 乙, pinyin: Yi,"
     " start: '2020-01', source: s", "unknown province 'henna'"),
    ("province: henan, level: province, post: mayor, name_zh: 乙, pinyin: Yi,"
     " start: '2020-01', source: s", "post 'mayor' is not one of secretary, governor"),
    ("province: henan, level: capital, city: wuhan, post: mayor, name_zh: 乙, pinyin: Yi,"
     " start: '2020-01', source: s", "city 'wuhan' is not henan's capital"),
    ("province: henan, level: province, post: governor, name_zh: 乙, pinyin: Yi,"
     " start: '2020-13', source: s", "start: '2020-13' is not a date"),
    ("province: henan, level: province, post: governor, name_zh: 乙, pinyin: Yi,"
     " start: '2021-01', end: '2020-01', source: s", "is not before end"),
    ("province: henan, level: province, post: governor, name_zh: 乙, pinyin: Yi,"
     " start: '2021-01'", "source is missing"),
    ("province: henan, level: province, post: governor, name_zh: 乙, pinyin: Yi,"
     " start: '2021-01', source: s, tenure: 3", "unknown field 'tenure'"),
    ("province: henan, level: province, post: secretary, name_zh: 乙, pinyin: Yi,"
     " start: '2022-01', source: s", "henan secretary 乙 (2022-01-01) overlaps henan"
     " secretary 甲 (2020-01-01)"),
], ids=["province", "post", "capital", "date", "order", "source", "field", "overlap"])
def test_a_malformed_entry_is_one_line_naming_it(tmp_path, entry, message):
    path = tmp_path / "roster.yaml"
    path.write_text(f"{CAPITALS}entries:\n  - {{{GOOD}}}\n  - {{{entry}}}\n", encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        load_roster(path)
    text = str(caught.value)
    assert "\n" not in text
    assert message in text
    assert "乙" in text and str(path) in text


def test_a_file_that_is_not_yaml_is_one_line(tmp_path):
    path = tmp_path / "roster.yaml"
    path.write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(RosterError, match="not valid YAML") as caught:
        load_roster(path)
    assert "\n" not in str(caught.value)


def test_leaders_json_gives_each_holder_with_iso_dates():
    result = runner.invoke(app, ["leaders", "--province", "河南", "--on", "2021-01-01", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["level"], r["post"], r["name_zh"]) for r in rows] == [
        ("province", "secretary", "王国生"), ("province", "governor", "尹弘"),
        ("capital", "secretary", "徐立毅")]
    assert rows[2]["title_zh"] == "郑州市委书记"
    first = rows[0]
    assert {"on", "province", "level", "city", "post", "name_zh", "pinyin", "start", "end",
            "source", "approx", "title_zh"} <= set(first)
    assert first["on"] == "2021-01-01" and first["province"] == "henan"
    assert date.fromisoformat(first["start"]) and date.fromisoformat(first["end"])
    assert first["title_zh"] == "省委书记"


def test_leaders_prints_a_table_in_china_terms():
    result = runner.invoke(app, ["leaders", "--province", "xinjiang", "--on", "2024-01-01"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "自治区党委书记" in result.output and "马兴瑞" in result.output
    assert "自治区主席" in result.output and "roster checked" in result.output


@pytest.mark.parametrize("args,message", [
    (["--on", "2021-13-01"], "--on: '2021-13-01' is not a date (use YYYY-MM-DD)"),
    (["--province", "henna"], "--province: no province 'henna' (did you mean henan?)"),
])
def test_leaders_refuses_a_bad_option_in_one_line(args, message):
    result = runner.invoke(app, ["leaders", *args])
    assert isinstance(result.exception, ProvwatchError)
    assert message in str(result.exception) and "\n" not in str(result.exception)


def test_leaders_has_help_text():
    result = runner.invoke(app, ["leaders", "--help"])
    assert result.exit_code == 0 and "--province" in result.output and "--on" in result.output


def test_provwatch_leaders_runs_end_to_end():
    import provwatch.crawler.cli.main as main

    if not hasattr(main, "leaders"):
        pytest.skip("crawler/cli/main.py does not import the leaders module yet "
                    "(add `leaders` to its `from provwatch.crawler.cli import (...)` list)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    result = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "leaders",
                             "--province", "henan", "--on", "2025-06-01", "--json"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["name_zh"] for line in result.stdout.splitlines()] == \
        ["刘宁", "王凯", "安伟", "何雄"]  # the province's posts, then Zhengzhou's
    bad = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "leaders",
                          "--on", "tomorrow"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert bad.returncode == 1 and bad.stderr.strip().count("\n") == 0
