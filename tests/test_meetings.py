"""The meetings extractor (pipelines.meetings): verb families, hosts and guests, dates,
places, roster posts by day, kinds from the knowledge base, and the one-line summaries.

tests/data/meetings.jsonl holds provincial stories written for these tests in the language
of provincial portals, from public facts (who held which post; the companies' names and
their chairmen); bench/meetings.py scores them too.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from provwatch.pipelines.meeting_rows import meeting_rows, story_province
from provwatch.pipelines.meetings import extract_meetings

STORIES = [json.loads(line) for line in
           (Path(__file__).parent / "data" / "meetings.jsonl").read_text(encoding="utf-8")
           .splitlines() if line.strip()]


def one(text: str, published=date(2025, 2, 26), title: str = "", province=None):
    found = extract_meetings(title, text, published, province)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("story", STORIES, ids=[s["id"] for s in STORIES])
def test_each_provincial_story_gives_its_hosts_guests_and_day(story):
    got = extract_meetings(story["title"], story["text"], date.fromisoformat(story["published"]),
                           story["province"])
    assert {h.name for m in got for h in m.hosts} == {m["host"] for m in story["meetings"]}
    want_orgs = {g["org"] for m in story["meetings"] for g in m["guests"]}
    assert {g.org for m in got for g in m.guests} == want_orgs
    kinds = {g["org"]: g["org_kind"] for m in story["meetings"] for g in m["guests"]}
    assert {g.org: g.org_kind for m in got for g in m.guests} == kinds
    days = {m["date"] for m in story["meetings"]}
    assert {m.date.isoformat() if m.date else "" for m in got} == days


@pytest.mark.parametrize("verb", ["会见", "接见", "拜会"])
def test_each_verb_of_the_receiving_family_makes_a_meeting(verb):
    m = one(f"2月25日，省委书记刘宁在郑州{verb}比亚迪股份有限公司董事长王传福一行。")
    assert (m.hosts[0].name, m.guests[0].name, m.guests[0].org_id) == ("刘宁", "王传福", "byd")


def test_talks_with_a_guest_between_tong_and_the_verb():
    m = one("10月21日，省委书记倪岳峰在保定同长城汽车股份有限公司董事长魏建军会谈。",
            published=date(2025, 10, 22))
    assert m.guests[0].org_id == "great_wall_motor" and m.place == "保定"


def test_a_symposium_with_unnamed_people_is_no_meeting():
    assert extract_meetings("", "李强来到中原科技城与科研人员座谈。", date(2025, 1, 1)) == []
    assert extract_meetings("", "2月1日，省委书记刘宁主持召开民营企业座谈会。", date(2025, 2, 2)) == []


def test_an_inspection_counts_only_when_a_company_is_visited():
    m = one("4月15日，省长许昆林到江苏时代新能源科技有限公司调研。", published=date(2025, 4, 16))
    assert m.verb == "调研" and m.guests[0].org == "江苏时代新能源科技有限公司"
    assert extract_meetings("", "4月15日，省长许昆林到南京调研专精特新企业。", date(2025, 4, 16)) == []


def test_attending_a_meeting_is_not_hosting_one():
    m = one("5月20日，省委书记信长星在南京会见中国华能集团有限公司董事长温枢刚一行。"
            "省委常委、秘书长储永宏参加会见。", published=date(2025, 5, 21))
    assert [h.name for h in m.hosts] == ["信长星"]


def test_several_hosts_in_one_clause_and_in_clauses_before_it():
    m = one("8月5日，省委书记王晓晖、省长施小琳在成都会见西门子股份公司总裁兼首席执行官博乐仁一行。",
            published=date(2025, 8, 6))
    assert [(h.name, h.post) for h in m.hosts] == [("王晓晖", "secretary"), ("施小琳", "governor")]
    m = one("4月9日，省委书记黄坤明，省委副书记、省长王伟中在广州会见华为技术有限公司轮值董事长徐直军。",
            published=date(2025, 4, 10))
    assert [h.name for h in m.hosts] == ["黄坤明", "王伟中"]
    assert m.hosts[1].title == "省委副书记、省长"


def test_several_guests_split_at_dun_he_and_ji_but_not_inside_a_name():
    m = one("11月4日，省委书记尹弘在南昌会见江西赣锋锂业集团股份有限公司董事长李良彬、"
            "孚能科技（赣州）股份有限公司董事长王瑀和宁德时代新能源科技股份有限公司董事长曾毓群。",
            published=date(2025, 11, 5))
    assert [g.name for g in m.guests] == ["李良彬", "王瑀", "曾毓群"]
    m = one("国家副主席韩正20日在北京会见丹麦诺和诺德公司董事会主席龙海歌。", date(2025, 8, 20))
    assert m.guests[0].org == "丹麦诺和诺德公司" and m.guests[0].name == "龙海歌"


def test_a_relative_clause_and_a_delegation_leader():
    m = one("国务院总理李强28日在京会见由美国商会会长兼首席执行官克拉克率领的访华团。", date(2024, 2, 28))
    g = m.guests[0]
    assert (g.name, g.title, g.org, g.org_kind) == ("克拉克", "会长兼首席执行官", "美国商会",
                                                    "industry_association")
    assert m.place == "北京"


@pytest.mark.parametrize("text,published,want", [
    ("2月25日，省委书记刘宁在郑州会见比亚迪董事长王传福。", date(2025, 2, 26), date(2025, 2, 25)),
    # the day is never after publication: December read in January is last year's
    ("12月30日，省长王忠林在武汉会见中国工商银行董事长廖林。", date(2025, 1, 3), date(2024, 12, 30)),
    # a day alone takes publication's month, or the month before
    ("国务院总理李强28日在京会见美国特斯拉公司首席执行官马斯克。", date(2024, 4, 28), date(2024, 4, 28)),
    ("国务院总理李强30日在京会见美国特斯拉公司首席执行官马斯克。", date(2024, 5, 2), date(2024, 4, 30)),
    ("2024年3月5日，省委书记刘宁在郑州会见比亚迪董事长王传福。", date(2025, 2, 26), date(2024, 3, 5)),
    # two days written together say no single day
    ("3月27日、29日，国家副主席韩正在京分别会见汇丰集团行政总裁祈耀年。", date(2023, 3, 29), None),
    ("近日，市委书记陈吉宁在上海会见特斯拉公司首席执行官马斯克。", date(2025, 12, 3), None),
])
def test_the_meeting_day(text, published, want):
    assert one(text, published).date == want


def test_a_day_leading_the_paragraph_serves_a_later_sentence():
    m = one("2月25日，河南与比亚迪签署合作协议。当天，省委书记刘宁会见了比亚迪董事长王传福。")
    assert m.date == date(2025, 2, 25)


def test_a_published_time_counts_on_its_china_day():
    late = datetime(2025, 2, 25, 17, 0, tzinfo=timezone.utc)  # 26 February 01:00 in China
    m = one("26日，省委书记刘宁在郑州会见比亚迪董事长王传福。", published=late)
    assert m.date == date(2025, 2, 26)


def test_hosts_resolve_to_the_post_they_held_that_day():
    text = "{d}，王忠林在武汉会见中国工商银行董事长廖林。"
    as_governor = one(text.format(d="12月20日"), date(2024, 12, 21)).hosts[0]
    as_secretary = one(text.format(d="3月20日"), date(2025, 3, 21)).hosts[0]
    assert (as_governor.province, as_governor.post) == ("hubei", "governor")
    assert (as_secretary.province, as_secretary.post) == ("hubei", "secretary")
    gone = one("3月20日，省长尹弘在郑州会见比亚迪董事长王传福。", date(2021, 3, 21)).hosts[0]
    assert gone.post == "governor" and gone.province == "henan"
    later = one("3月20日，尹弘在南昌会见比亚迪董事长王传福。", date(2024, 3, 21)).hosts[0]
    assert later.province == "jiangxi"


def test_national_leaders_keep_name_and_title():
    h = one("国务院总理李强28日在京会见美国特斯拉公司首席执行官马斯克。", date(2024, 4, 28)).hosts[0]
    assert (h.name, h.title, h.province) == ("李强", "国务院总理", None)


@pytest.mark.parametrize("guest,kind", [
    ("比亚迪股份有限公司董事长王传福", "private_company"),
    ("中国华能集团有限公司董事长温枢刚", "soe_central"),
    ("清华大学校长李路明", "university"),
    ("中国科学院院长侯建国", "research_institute"),
    ("中国工商银行董事长廖林", "financial_institution"),
    ("中国汽车工业协会常务副会长付炳锋", "industry_association"),
    ("美国特斯拉公司首席执行官马斯克", "foreign_company"),
    ("老挝总理宋赛", "foreign_government"),
    ("德国巴伐利亚州州长索德尔", "foreign_government"),
])
def test_kinds(guest, kind):
    assert one(f"2月25日，省委书记刘宁在郑州会见{guest}。").guests[0].org_kind == kind


def test_guests_from_abroad_make_an_unknown_company_foreign():
    m = one("国家副主席韩正在京会见来华出席中国发展高层论坛的太古集团行政总裁施铭伦。", date(2023, 3, 29))
    assert m.guests[0].org_kind == "foreign_company"


def test_english_summary_from_roster_pinyin_and_knowledge_base_names():
    m = one("2月25日，省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福一行。"
            "双方就新能源汽车、动力电池等领域合作进行交流。")
    assert m.summary_en == ("Henan Party Secretary Liu Ning met BYD Chairman Wang Chuanfu in "
                            "Zhengzhou on 25 February; topics: New energy vehicles, "
                            "Batteries and energy storage")
    assert m.summary_zh.startswith("2月25日，河南省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福")


def test_topics_fall_back_to_the_guests_sectors():
    m = one("2月25日，省委书记刘宁在郑州会见宁德时代董事长曾毓群。")
    assert m.topics == ("batteries_storage",)


def test_an_english_report():
    m = one("Henan Party Secretary Liu Ning met with BYD Chairman Wang Chuanfu in Zhengzhou.",
            date(2025, 2, 12))
    assert (m.hosts[0].province, m.guests[0].org_id, m.place) == ("henan", "byd", "Zhengzhou")


def test_a_title_repeating_the_lead_adds_nothing_and_no_verb_gives_nothing():
    text = "2月25日，省委书记刘宁在郑州会见比亚迪董事长王传福。\n刘宁会见王传福时表示欢迎。"
    assert len(extract_meetings("刘宁会见比亚迪董事长王传福", text, date(2025, 2, 26))) == 1
    assert extract_meetings("全省经济运行平稳", "1—10月全省规上工业增加值增长6%。",
                            date(2025, 11, 20)) == []


def test_rows_give_a_local_host_off_the_roster_the_story_province():
    rows = meeting_rows("", "2月25日，副省长孙守刚在郑州会见比亚迪董事长王传福。",
                        date(2025, 2, 26), "henan")
    assert rows[0]["province"] == "henan" and rows[0]["hosts"][0]["post"] is None
    national = meeting_rows("", "国务院总理李强28日在京会见美国特斯拉公司首席执行官马斯克。",
                            date(2024, 4, 28), "beijing")
    assert national[0]["province"] is None


@pytest.mark.parametrize("text,org", [
    ("2月25日，省长王凯会见了来豫考察的比亚迪股份有限公司董事长王传福一行。", "比亚迪股份有限公司"),
    ("2月25日，刘宁在郑州考察并会见比亚迪股份有限公司董事长王传福一行。", "比亚迪股份有限公司"),
    ("2月25日，省委书记刘宁在郑州与比亚迪股份有限公司董事长王传福举行会谈。", "比亚迪股份有限公司"),
    ("2月25日，刘宁会见香港特别行政区行政长官李家超率领的香港特区政府代表团。", "香港特别行政区"),
    ("2月25日，省委书记刘宁前往比亚迪郑州基地调研。", "比亚迪郑州基地"),
])
def test_one_meeting_per_clause_whatever_else_the_clause_says(text, org):
    assert [g.org for g in one(text).guests] == [org]


def test_yesterday_counts_from_publication_and_talk_of_a_meeting_is_none():
    assert one("昨天下午，省委书记刘宁在郑州会见比亚迪董事长王传福。").date == date(2025, 2, 25)
    assert extract_meetings("", "刘宁强调，要主动对接会见成果。\n会见中，刘宁表示欢迎。",
                            date(2025, 2, 26)) == []


def test_capital_and_region_posts_and_a_foreign_state_in_english():
    m = one("6月19日，南京市委书记韩立明在南京会见招商银行股份有限公司行长王良一行。", date(2025, 6, 20))
    assert (m.hosts[0].level, m.hosts[0].city, m.hosts[0].post) == ("capital", "nanjing",
                                                                    "secretary")
    assert m.summary_en.startswith("Nanjing Party Secretary Han Liming met China Merchants Bank "
                                   "President Wang Liang in Nanjing")
    m = one("7月15日上午，自治区党委书记陈刚在南宁会见广西投资集团有限公司董事长周炼一行。",
            date(2025, 7, 16))
    assert m.summary_zh.startswith("7月15日，广西壮族自治区党委书记陈刚在南宁会见")
    m = one("4月23日，省委书记赵一德在西安会见德国巴伐利亚州州长索德尔一行。", date(2025, 4, 24))
    assert m.summary_en.startswith("Shaanxi Party Secretary Zhao Yide met Germany: 巴伐利亚州 "
                                   "Governor 索德尔 in Xi'an on 23 April")


def test_he_and_that_day_refer_to_the_story_s_previous_meeting():
    text = ("2月25日，省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福一行。\n"
            "当天，他还会见了宁德时代新能源科技股份有限公司董事长曾毓群。")
    first, second = extract_meetings("", text, date(2025, 3, 1))
    assert (second.hosts, second.date, second.place) == (first.hosts, date(2025, 2, 25), "郑州")
    assert second.guests[0].org_id == "catl"
    assert extract_meetings("", "当天，他还会见了宁德时代董事长曾毓群。", date(2025, 3, 1)) == []


def test_a_guest_named_by_post_alone_keeps_organisation_and_title():
    m = one("11月17日下午，省委书记刘宁在郑州会见比亚迪股份有限公司董事长一行。", date(2025, 11, 18))
    g = m.guests[0]
    assert (g.name, g.title, g.org, g.org_id) == ("", "董事长", "比亚迪股份有限公司", "byd")
    assert m.summary_en.startswith("Henan Party Secretary Liu Ning met BYD Chairman in Zhengzhou")


def test_several_guests_read_as_a_list_in_english_with_names_in_pinyin():
    m = one("2月25日，省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福、武汉大学校长欧阳振宇"
            "和宁德时代董事长曾毓群。")
    assert m.summary_en.startswith(
        "Henan Party Secretary Liu Ning met BYD Chairman Wang Chuanfu, Wuhan University "
        "President Ouyang Zhenyu and Contemporary Amperex Technology Chairman Zeng Yuqun in "
        "Zhengzhou")


def test_a_provincial_host_off_the_roster_is_named_with_the_story_s_province():
    text = "11月20日下午，省委书记邵文澜、副省长钟若衡在武汉会见武汉大学校长欧阳振宇一行。"
    m = extract_meetings("", text, date(2026, 11, 20), "hubei")[0]
    assert m.summary_en.startswith("Hubei Party Secretary Shao Wenlan and Hubei Vice Governor "
                                   "Zhong Ruoheng met Wuhan University President Ouyang Zhenyu")
    city = one("2月25日，郑州市委书记张三在郑州会见比亚迪董事长王传福。", province="henan")
    assert city.summary_en.startswith("Party Secretary Zhang San met")


@pytest.mark.parametrize("source,about,expected", [
    ("henan", ["hubei"], "henan"),
    ("national", ["hubei"], "hubei"),
    ("national", ["hubei", "henan"], None),
    (None, [], None),
], ids=["source", "national source, one about", "national source, two about", "none"])
def test_a_story_s_province_is_its_source_s_unless_national(source, about, expected):
    assert story_province(source, about) == expected


@pytest.mark.parametrize("text,province,want", [
    pytest.param("11月18日，河南省委书记在郑州会见比亚迪董事长王传福。", None,
                 ("henan", "secretary", "刘宁"), id="title naming its province, venue after it"),
    pytest.param("11月18日，省长在郑州会见比亚迪董事长王传福。", "henan",
                 ("henan", "governor", "王凯"), id="title alone: the article's province"),
    pytest.param("11月18日，省委副书记在郑州会见比亚迪董事长王传福。", "henan",
                 (None, None, ""), id="a deputy post is not the roster's"),
])
def test_a_host_given_by_title_only_is_the_holder_of_that_post(text, province, want):
    m = extract_meetings("", text, date(2026, 11, 19), province=province)[0]
    h = m.hosts[0]
    assert (h.province, h.post, h.name) == want
    assert "Zai" not in m.summary_en and "在" not in h.name  # 在郑州 is a venue, not a name


def test_words_for_the_visitors_name_no_guest():
    assert extract_meetings("", "省委书记在郑州会见了客人一行。", date(2026, 11, 19)) == []
