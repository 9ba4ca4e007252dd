"""Sector cue families learnt from real text, one case per family member, and the rule that
a site an official visits is a subject of the report (sectors.py rule 4)."""

from __future__ import annotations

import pytest

FILLER = "会议强调，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，推动高质量发展。"


def _family(sector: str, family: str, words: list[str]):
    return [pytest.param(f"某市推进{w}工作", sector, id=f"{family}-{w}") for w in words]


STRONG = (
    _family("finance", "bank and enterprise", ["政银企", "银企"])
    + _family("advanced_manufacturing", "production and machinery", ["量产", "工程机械"])
    + _family("consumption", "online selling", ["电商", "直播带货", "带货"])
    + _family("trade_opening", "cross-border online trade", ["跨境电商"])
    + _family("talent_education", "vocational education",
              ["职业教育", "职业学校", "职业院校", "技能人才", "产教融合"])
    + _family("marine_economy", "ports", ["港区", "海港", "码头", "港航"])
    + _family("aerospace", "space technology", ["空间技术"])
)


@pytest.mark.parametrize(("title", "sector"), STRONG)
def test_a_strong_cue_of_each_family_in_the_title_names_its_sector(tagger, title, sector):
    assert sector in tagger.tag(title, "").sectors


WEAK = [
    ("infrastructure", "spatial planning", w) for w in ("规划建设", "都市圈", "城市群", "国土空间", "城市规划")
] + [
    ("trade_opening", "cooperation across a border", w)
    for w in ("两岸融合", "两岸交流", "两岸经贸", "双边合作", "务实合作")
] + [("consumption", "livestream selling", w) for w in ("直播间", "主播")]


@pytest.mark.parametrize(("sector", "word"), [pytest.param(s, w, id=f"{f}-{w}") for s, f, w in WEAK])
def test_a_weak_cue_counts_when_a_note_keeps_returning_to_it(tagger, sector, word):
    lead = FILLER + "\n"
    once = lead + FILLER * 4 + f"各方围绕{word}深入交流。" + FILLER * 4
    assert sector not in tagger.tag("某市召开会议", once).sectors
    often = lead + f"{FILLER}各方围绕{word}深入交流。会上，{word}成为焦点。{FILLER}"
    assert sector in tagger.tag("某市召开会议", often).sectors


@pytest.mark.parametrize("name", ["工业和软件信息化局", "经济和信息化局", "工业和信息化厅"])
def test_a_department_name_hides_the_cue_inside_it(tagger, name):
    text = f"{FILLER}市{name}牵头组织实施。{FILLER}市{name}负责解释。"
    assert "advanced_manufacturing" not in tagger.tag(f"市{name}发布通知", text).sectors


INSPECTION = ("央视网消息：国务院领导同志在某省调研。他强调，要加快构建国家水网主骨架，"
              "统筹规划建设各级水网工程。在某市，他来到水利枢纽和应急抢险工程，听取水网"
              "规划建设情况汇报。水网建设是提高防洪减灾能力的战略举措，要推进水利基础设施"
              "更新改造，实施好各级水网工程，加快建设重大引调水工程，完善水利工程调度。"
              "交通运输、水利、铁路、公路等基础设施要统筹推进。")


@pytest.mark.parametrize("verb", ["来到", "走进", "前往", "察看", "参观", "走访"])
def test_a_visited_site_is_a_subject_under_a_dominant_sector(tagger, verb):
    text = (INSPECTION + f"他{verb}某港自动化集装箱码头，观看智慧港口作业。"
            "他强调，要完善港口设施建设。" + FILLER * 3)
    assert set(tagger.tag("某领导在某省调研", text).sectors) >= {"infrastructure", "marine_economy"}


def test_the_same_site_named_outside_a_visit_stays_under_the_bar(tagger):
    text = (INSPECTION + "当地集装箱码头年内投用，智慧港口建设稳步推进。"
            "要完善港口设施建设。" + FILLER * 3)
    assert "marine_economy" not in tagger.tag("某领导在某省调研", text).sectors


def test_a_weak_cue_in_a_visited_site_names_no_sector(tagger):
    text = INSPECTION + "他来到某工程实验室，了解情况。" + FILLER * 3
    assert "talent_education" not in tagger.tag("某领导在某省调研", text).sectors


def test_bare_opening_is_a_generic_word_and_opening_to_the_world_a_subject(tagger):
    def report(sentence: str) -> str:  # a 1,500-character report naming it in six sentences
        return FILLER + "\n" + (FILLER * 5 + sentence) * 6

    generic = report("坚持开放合作。")
    assert len(generic) > 1200
    assert "trade_opening" not in tagger.tag("某市召开会议", generic).sectors
    for word in ("对外开放", "扩大开放", "高水平开放"):
        assert "trade_opening" in tagger.tag("某市召开会议", report(f"推进{word}。")).sectors, word


def test_countryside_people_and_places_are_generic_and_farming_is_the_sector(tagger):
    lead = FILLER + "\n"
    social = lead + FILLER * 3 + "减轻农民负担，关心农村低收入人口和农民工就业。" + FILLER * 3
    assert "agriculture" not in tagger.tag("省领导走访慰问困难群众", social).sectors
    farming = lead + FILLER * 3 + "推进高标准农田建设，稳定粮食生产，带动农民增收。" + FILLER * 3
    assert "agriculture" in tagger.tag("某省部署农业生产", farming).sectors


def test_each_cue_is_listed_once():
    # a cue given twice (strong and weak, or two sectors) would silently keep the last
    import yaml

    from provwatch.pipelines.tagging.sectors import DATA

    seen: dict[tuple[str, str], str] = {}
    for sector, fields in yaml.safe_load((DATA / "sectors.yaml").read_text("utf-8")).items():
        for field, cues in fields.items():
            for cue in cues:
                key = (field[:2], cue if field.startswith("zh") or cue.isupper() else cue.lower())
                assert key not in seen, f"{cue!r} in {sector}.{field} and {seen[key]}"
                seen[key] = f"{sector}.{field}"
