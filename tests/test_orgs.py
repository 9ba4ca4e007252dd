"""The organisation knowledge base: its data is valid, its names are read by the rules of
pipelines/tagging/orgs.py, and the tagger uses them for sectors and provinces."""

from __future__ import annotations

import pytest

from provwatch.crawler.taxonomy import PROVINCES, SECTORS
from provwatch.pipelines.tagging import orgs

# the seed cases of issue 17
SECTOR_CASES = [
    # (title, text, sectors wanted, sectors refused, id)
    ("刘宁会见王传福一行",
     "河南省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福一行，双方就加快新能源汽车产业"
     "发展、深化务实合作进行交流。", {"nev", "batteries_storage"}, set(),
     "a company met by a leader brings its business: BYD is NEVs and batteries"),
    ("Henan Party chief meets BYD chairman",
     "ZHENGZHOU, July 3 -- Liu Ning, Party Secretary of Henan Province, met with Wang Chuanfu, "
     "chairman of BYD, in Zhengzhou on Thursday. They discussed accelerating the development "
     "of the new energy vehicle industry.", {"nev", "batteries_storage"}, set(),
     "the English wire version reads the same"),
    ("陈刚会见何猷君一行",
     "广西壮族自治区党委书记陈刚在南宁会见星竞威武集团董事长何猷君一行，双方就电竞和人工智能"
     "产业合作等进行交流。", {"esports_gaming", "ai"}, set(),
     "an esports group met by a leader makes esports a subject"),
    ("郑州航空港区调研新能源汽车企业", "市长在郑州航空港区调研新能源汽车企业，察看生产线。",
     {"nev"}, {"aerospace"}, "an airport zone is no aviation"),
    ("省长会见华为公司董事长", "省长会见华为公司董事长一行，双方就深化合作进行交流。",
     set(), {"digital_economy"}, "a company's portfolio alone makes no sector"),
]


@pytest.mark.parametrize("title,text,want,refused", [c[:4] for c in SECTOR_CASES],
                         ids=[c[4] for c in SECTOR_CASES])
def test_organisations_bring_their_sectors_where_the_text_names_them(
        tagger, title, text, want, refused):
    sectors = set(tagger.tag(title, text).sectors)
    assert want <= sectors
    assert not refused & sectors


PROVINCE_CASES = [
    # (title, text, about, mentioned, not mentioned, id)
    ("浙江省与宁德时代签署战略合作协议",
     "浙江省人民政府与宁德时代新能源科技股份有限公司在杭州签署战略合作协议。",
     {"zhejiang"}, set(), set(), "宁德时代 holds 宁德, but the article is not about Fujian"),
    ("Hunan Yuneng plans cathode plant in Spain",
     "Hunan Yuneng will build a factory in Spain to make cathode materials for batteries.",
     set(), {"hunan"}, set(), "a place in a company's name of its own province is a mention"),
    ("阿里巴巴在杭州发布大模型", "阿里巴巴在杭州发布新一代大模型。", {"zhejiang"}, set(), {"tibet"},
     "阿里巴巴 holds 阿里 (Tibet) and names no place"),
    ("长安汽车在重庆发布新车", "长安汽车在重庆两江新区发布新车型。", {"chongqing"}, set(), set(),
     "a carmaker's name is no place"),
]


@pytest.mark.parametrize("title,text,about,mentioned,absent", [c[:5] for c in PROVINCE_CASES],
                         ids=[c[5] for c in PROVINCE_CASES])
def test_an_organisations_name_never_makes_its_place_a_subject(
        tagger, title, text, about, mentioned, absent):
    tags = tagger.tag(title, text)
    assert set(tags.provinces_about) == about
    assert mentioned <= set(tags.provinces_mentioned)
    assert not absent & set(tags.provinces_mentioned)


NAME_CASES = [
    # (text, org ids found, id)
    ("早餐喝小米粥。", [], "小米 alone is millet"),
    ("小米汽车工厂在北京亦庄。", ["xiaomi"], "小米 with a company word is Xiaomi"),
    ("漫步长安街。", [], "长安 alone is a place"),
    ("长安汽车发布新车。", ["changan"], "长安汽车 is Changan"),
    ("中国长安汽车集团成立。长安将加快转型。", ["changan", "changan"],
     "a weak name counts where the full name appears"),
    ("扩大大众消费。", [], "大众 alone is the public"),
    ("大众汽车在合肥投资。", ["volkswagen"], "大众汽车 is Volkswagen"),
    ("入住三星级酒店。", [], "三星级 is a hotel class"),
    ("苹果产业带动农民增收。", [], "苹果 is fruit"),
    ("集中核查问题，其中核心是整改。", [], "集中核查 and 其中核心 hold 中核"),
    ("北京东方红小学。", [], "北京东方 holds 京东方 across a place name"),
    ("京东方在合肥建设新产线。", ["boe"], "京东方 alone is BOE"),
    ("中国银行业协会发布报告。", ["cba_banks"], "中国银行业 is not 中国银行"),
    ("宁德时代与宁德市签约。", ["catl"], "宁德时代 wins over 宁德"),
    ("比亚迪、吉利、奇瑞、长安等企业", ["byd", "geely", "chery", "changan"],
     "weak names in a list beside a company count"),
    ("长安、吉利等", [], "a list of weak names alone is no company"),
    ("钦州港东航道扩建", [], "东航道 is a channel, not China Eastern"),
    ("Tesla and BYD compete.", ["tesla", "byd"], "English names as whole words"),
    ("The apple harvest and Apple Inc.", ["apple"], "Apple needs a company word"),
]


@pytest.mark.parametrize("text,want", [c[:2] for c in NAME_CASES], ids=[c[2] for c in NAME_CASES])
def test_short_names_that_are_words_or_places_need_a_company_context(found_orgs, text, want):
    assert found_orgs(text) == want


def test_the_shipped_data_is_valid(org_base):
    assert orgs.validate(orgs._entries(), SECTORS, PROVINCES) == []
    assert len(org_base.orgs) >= 500
    assert {o.kind for o in org_base.orgs.values()} <= orgs.KINDS


BAD = [
    ({"id": "x", "kind": "startup", "zh": ["某某"]}, "kind"),
    ({"id": "x", "kind": "other", "zh": ["某某"], "sectors": ["ev"]}, "unknown sector"),
    ({"id": "x", "kind": "other", "zh": ["某某"], "hq": "canton"}, "unknown province"),
    ({"id": "x", "kind": "other", "zh": ["某某"], "weak": ["某"]}, "weak name"),
    ({"id": "x", "kind": "other"}, "no names"),
    ({"id": "byd", "kind": "other", "zh": ["某某"]}, "duplicate id"),
    ({"id": "y", "kind": "other", "zh": ["比亚迪"]}, "also belongs to byd"),
]


@pytest.mark.parametrize("entry,problem", BAD, ids=[b[1] for b in BAD])
def test_the_loader_refuses_a_bad_entry(entry, problem):
    entries = [("a.yaml", {"id": "byd", "kind": "private_company", "zh": ["比亚迪"]}),
               ("b.yaml", entry)]
    found = orgs.validate(entries, SECTORS, PROVINCES)
    assert any(problem in p for p in found), found


def test_the_knowledge_base_is_loaded_once(tagger):
    assert orgs.load() is orgs.load()
    assert tagger.orgs is orgs.load()


def test_tags_carry_known_organisations_with_ids_kinds_and_tickers(tagger):
    tags = tagger.tag("刘宁会见王传福一行", "河南省委书记刘宁在郑州会见比亚迪董事长王传福一行。"
                      "清华大学教授参加。")
    refs = {r.id: r for r in tags.org_refs}
    assert refs["byd"].kind == "private_company"
    assert "002594.SZ" in refs["byd"].tickers and refs["byd"].role == "subject"
    assert refs["tsinghua"].kind == "university"
    assert "比亚迪" in tags.orgs and "清华大学" in tags.orgs


def test_a_zone_is_no_organisation(tagger):
    tags = tagger.tag("航空港区调研", "市长在航空港区调研新能源汽车企业。")
    assert tags.org_refs == ()


def test_traditional_text_finds_the_same_organisation_and_keeps_its_own_script(tagger):
    tags = tagger.tag("長安汽車發布新車", "長安汽車在重慶發布新能源汽車。")
    assert [r.id for r in tags.org_refs] == ["changan"]
    assert "長安汽車" in tags.orgs


def test_an_organisation_opening_a_paragraph_is_its_subject(tagger):
    lead = "国务院领导同志在某省调研。他强调，要加快关键核心技术攻关，推动科技创新和产业创新深度融合。\n"
    middle = "大疆创新科技有限公司作为民用无人机企业，近年来不断推出新产品。"
    opening = tagger.tag("某领导在某省调研", lead + middle + "\n调研期间，他还了解了其他情况。")
    assert ("dji", "subject") in {(r.id, r.role) for r in opening.org_refs}
    inside = tagger.tag("某领导在某省调研", lead + "他还听取了介绍，" + middle + "\n调研期间，他还了解了其他情况。")
    assert ("dji", "passing") in {(r.id, r.role) for r in inside.org_refs}
