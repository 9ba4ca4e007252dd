"""The tagger against the traps of taxonomy.md, in Chinese, traditional Chinese and English."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from provwatch.pipelines.tagging.sources import province_of_url


def _tag(tagger, title, text, **kw):
    t = tagger.tag(title, text, **kw)
    return set(t.provinces_about), set(t.provinces_mentioned)


PROVINCE_CASES = [
    # (title, text, source_province, about, mentioned, id)
    ("西安举行商业航天推进会", "会议在西安召开，宝鸡、延安等地参加。", None,
     {"shaanxi"}, {"shaanxi"}, "Xi'an and Baoji are Shaanxi, not Shanxi"),
    ("太原市召开新能源大会", "大同等市代表参会。", None, {"shanxi"}, {"shanxi"},
     "Taiyuan and Datong are Shanxi"),
    ("Shanxi city of Xi'an opens space park", "Xi'an and Baoji will host the firms.", None,
     {"shaanxi"}, {"shaanxi"}, "English Shanxi next to Xi'an reads as Shaanxi"),
    ("海南省推进自贸港建设", "海南省将加快推进封关运作。", None, {"hainan"}, {"hainan"},
     "海南 is Hainan"),
    ("河南省推进新能源汽车发展", "河南省将加快新能源汽车产业布局。", None, {"henan"}, {"henan"},
     "河南 is Henan, one character away"),
    ("吉林市召开项目推进会", "吉林市加快化工产业转型。", None, {"jilin"}, {"jilin"},
     "Jilin city is in Jilin province"),
    ("南宁市举办东盟博览会筹备会", "南宁市各部门参加会议。", None, {"guangxi"}, {"guangxi"},
     "南宁 is Guangxi and its 宁 is not Ningxia"),
    ("新能源产业加快发展", "全国新能源装机增长，青年人才和新材料企业集聚。", None, set(), set(),
     "single characters 新 青 宁 are ordinary words"),
    ("京津冀协同发展取得新进展", "京津冀三地签署合作协议，推动区域一体化。", None,
     {"beijing", "tianjin", "hebei"}, {"beijing", "tianjin", "hebei"},
     "a grouping that is the subject makes its members about"),
    ("安徽推进科技创新", "安徽积极融入长三角一体化发展。", None, {"anhui"},
     {"anhui", "shanghai", "jiangsu", "zhejiang"}, "a grouping in passing only mentions"),
    ("Airline adds routes to Southeast Asia", "Hainan Airlines will fly to Bangkok from May.",
     None, set(), {"hainan"}, "Hainan Airlines is not a Hainan subject"),
    ("Mala House expands abroad", "Demand for Sichuan cuisine keeps growing overseas.", None,
     set(), {"sichuan"}, "Sichuan cuisine is not a Sichuan subject"),
    ("四川大学发布科研成果", "四川大学团队在国际期刊发表论文。", None, set(), {"sichuan"},
     "a province inside an organisation's name is only mentioned"),
    ("全力推动高质量发展", "我省经济稳中向好，省政府部署下一步工作。", "henan", {"henan"}, {"henan"},
     "我省 and 省政府 resolve through the source's province"),
    ("马鸿声会见科大讯飞高级副总裁一行", "12月2日，市委书记马鸿声会见客人，感谢企业扎根合肥、服务合肥。",
     None, {"anhui"}, {"anhui"}, "a title with a leader's name only: the lead's city places it"),
    ("遼寧在港舉辦經貿合作推介會", "遼寧省代表團在香港舉辦推介會，36個項目簽約。", None,
     {"liaoning"}, {"liaoning", "hong_kong"}, "traditional script; Hong Kong as venue"),
    ("福建出台措施吸引台商投资", "福建省出台多项措施，欢迎台商来闽发展。", None, {"fujian"},
     {"fujian", "taiwan"}, "台商 and 来闽 compounds"),
    ("Trade fair opens with record exhibitors", "NANNING, July 8 (Xinhua) -- The China-ASEAN "
     "Expo opened in Nanning on Tuesday with record exhibitors.", None, {"guangxi"}, {"guangxi"},
     "an English dateline and the lead place the article"),
    ("China issues humanoid robot standards guideline", "BEIJING, Nov. 3 (Xinhua) -- China "
     "issued a guideline on Monday to build a standards system for humanoid robots.", None,
     set(), {"beijing"}, "a dateline alone is only a mention"),
    ("Henan governor meets BYD chairman", "Governor of Henan met the BYD chairman in Zhengzhou.",
     None, {"henan"}, {"henan"}, "leader title with the province"),
]


@pytest.mark.parametrize(("title", "text", "source", "about", "mentioned"),
                         [c[:5] for c in PROVINCE_CASES], ids=[c[5] for c in PROVINCE_CASES])
def test_provinces(tagger, title, text, source, about, mentioned):
    assert _tag(tagger, title, text, source_province=source) == (about, mentioned)


def test_about_is_always_a_subset_of_mentioned(tagger):
    for title, text, source, *_ in PROVINCE_CASES:
        t = tagger.tag(title, text, source_province=source)
        assert set(t.provinces_about) <= set(t.provinces_mentioned)


SECTOR_CASES = [
    ("广西印发人工智能产业发展行动方案", "方案提出推动大模型应用和算力建设。", {"ai"}, "AI in title"),
    ("省长会见企业代表", "双方就人形机器人、具身智能和机器人产业链合作交流，机器人项目将落地。",
     {"robotics"}, "repeated robotics cues in the body"),
    ("全省经济运行稳中向好", "前三季度经济增长，其中机器人产量也有增加，总体平稳。"
     + "各项指标稳中有进，经济运行总体平稳。" * 60, set(),
     "a sector named once in passing in a long report is not a subject"),
    ("New EV plant opens in Hefei", "Every worker at the plant is ready.", {"nev"},
     "EV is an acronym; every is not EV"),
    ("Qinghai boosts energy storage", "Qinghai plans more energy storage and battery plants, "
     "with battery output to double.", {"batteries_storage"}, "English storage cues"),
]


@pytest.mark.parametrize(("title", "text", "sectors"), [c[:3] for c in SECTOR_CASES],
                         ids=[c[3] for c in SECTOR_CASES])
def test_sectors(tagger, title, text, sectors):
    assert set(tagger.tag(title, text).sectors) >= sectors
    if not sectors:
        assert tagger.tag(title, text).sectors == ()


EVENT_CASES = [
    ("周立衡会见比亚迪股份有限公司执行副总裁一行", "leader_meeting"),
    ("我市举行绿氢产业项目集中签约仪式", "signing"),
    ("山东省人民政府办公厅关于印发海洋经济高质量发展行动方案的通知", "policy_document"),
    ("许方舟在苏州调研时强调 加快培育生物医药产业", "inspection"),
    ("杜明远主持召开省政府常务会议", "work_conference"),
    ("上半年我市锂电产业产值同比增长21.3%", "statistics"),
    ("Hubei governor meets Huawei executives", "leader_meeting"),
    ("Shanghai rolls out computing vouchers to support AI firms", "policy_document"),
    ("Luo Qingshan investigated in Changde", "inspection"),
    ("Retail sales growth steadies in September", "statistics"),
    ("Long March rocket lifts off", "other"),
]


@pytest.mark.parametrize(("title", "event"), EVENT_CASES, ids=[c[0][:30] for c in EVENT_CASES])
def test_event_from_the_title(tagger, title, event):
    assert tagger.tag(title, "").event == event


def test_people_and_organisations_are_kept_as_written(tagger):
    t = tagger.tag("省委书记唐致远会见中国商飞公司副总经理罗景川一行",
                   "唐致远在成都会见中国商飞公司副总经理罗景川一行。Chairman Wang Chuanfu (王传福) "
                   "of BYD Co. attended.")
    assert "唐致远" in t.people and "罗景川" in t.people
    assert "Wang Chuanfu (王传福)" in t.people
    assert "中国商飞公司" in t.orgs


@pytest.mark.parametrize(("url", "province"), [
    ("https://www.henan.gov.cn/2025/10-09/3214587.html", "henan"),
    ("http://www.gd.gov.cn/gdywdt/", "guangdong"),
    ("https://www.hefei.gov.cn/ssxw/1.html", "anhui"),
    ("http://ha.people.com.cn/n2/2026/0105/c351638-1.html", "henan"),
    ("https://www-hlj-gov-cn.translate.goog/hlj/c1.shtml?_x_tr_sl=zh-CN", "heilongjiang"),
    ("https://www.gov.cn/yaowen/liebiao/202601/content_1.htm", None),
    ("https://english.news.cn/20251016/abc/c.html", None),
])
def test_a_pages_own_province_from_its_address(url, province):
    assert province_of_url(url) == province


def test_tag_command_reads_and_writes_json_lines(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env["PROVWATCH_DATA_DIR"] = str(tmp_path)
    lines = [json.dumps({"id": "x1", "title": "河南省委书记会见比亚迪董事长",
                         "text": "河南省委书记在郑州会见比亚迪董事长王传福一行。"}, ensure_ascii=False),
             "{broken"]
    result = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "tag"], input="\n".join(lines),
                            capture_output=True, text=True, env=env, timeout=120)
    row = json.loads(result.stdout.splitlines()[0])
    assert result.returncode == 0
    assert row["id"] == "x1" and row["provinces_about"] == ["henan"]
    assert row["event"] == "leader_meeting" and "王传福" in row["people"]
    assert "<stdin>:2: not JSON" in result.stderr


def test_retag_rewrites_stale_tags_and_reports_what_changed(tmp_path):
    from _pages import HENAN_NEV, page
    from sqlalchemy import delete

    from provwatch.crawler.config import load_config
    from provwatch.crawler.services import articles as articles_service
    from provwatch.crawler.services import ingest as ingest_service
    from provwatch.crawler.services.tagging import retag
    from provwatch.crawler.storage.db import close_all, open_database, transaction
    from provwatch.crawler.storage.models import Tag

    config = load_config(env={}, overrides={"database_url": f"sqlite:///{tmp_path / 'r.db'}",
                                            "data_dir": str(tmp_path)})
    import io

    ingest_service.ingest(config, io.StringIO(json.dumps({"url": "https://gov.example/a/1.html",
                                               "html": page(*HENAN_NEV)}) + "\n"), "t")
    unchanged = retag(config)
    with transaction(open_database(config.database_url)) as session:
        session.execute(delete(Tag).where(Tag.kind == "province"))
    repaired = retag(config)
    rows = articles_service.list_articles(config)
    close_all()

    assert (unchanged.articles, unchanged.changed) == (1, 0)
    assert repaired.changed == 1 and repaired.tags_added == 1
    assert rows[0]["provinces_about"] == ["henan"]
