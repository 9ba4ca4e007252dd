"""Tagging rules as language families: one case per family member, Chinese and English,
the length-relative sector threshold, and the precedence between event kinds."""

from __future__ import annotations

import pytest

from provwatch.pipelines.tagging.entities import people
from provwatch.pipelines.tagging.events import tag_event


def _cases(kind: str, rows: list[tuple[str, str]]):
    return [pytest.param(title, kind, id=f"{kind}-{name}") for name, title in rows]


# policy: every release verb with a document noun, and every document noun after a verb
RELEASE_VERBS = ["印发", "出台", "发布", "公布", "颁布", "下发", "推出", "制定"]
DOCUMENT_NOUNS = ["方案", "意见", "办法", "规划", "指南", "清单", "政策", "细则", "通知", "措施",
                  "条例", "计划"]
POLICY = (
    [pytest.param(f"某省{verb}新能源产业发展实施方案", "policy_document", id=f"policy-verb-{verb}")
     for verb in RELEASE_VERBS]
    + [pytest.param(f"省政府印发促进低空经济发展{noun}", "policy_document", id=f"policy-noun-{noun}")
       for noun in DOCUMENT_NOUNS]
    + _cases("policy_document", [
        ("征求意见", "关于《分布式光伏管理办法（征求意见稿）》公开征求意见的公告"),
        ("规划征求意见", "某市国土空间规划公开征求意见"),
        ("关于的通知", "市发展改革委关于做好2026年迎峰度夏工作的通知"),
        ("批复", "国务院关于某都市圈空间协同规划的批复"),
        ("实施办法", "某区深化支持青年创新创业实施办法"),
        ("N条措施", "自贸试验区77条试点措施将复制推广"),
        ("新规", "一地新规：6类情形严禁建设分布式光伏"),
        ("补贴", "高校毕业生创业补贴，请查收"),
        ("最高可获", "光伏项目最高可获30%投资支持"),
        ("申报指南", "2026年数字孪生工厂申报指南"),
        ("价格政策", "某省出台分时电价价格政策"),
        ("en-issues-guideline", "China issues guideline on humanoid robot standards"),
        ("en-rolls-out-measures", "Shanghai rolls out measures to support esports"),
        ("en-action-plan", "Henan action plan targets hydrogen trucks"),
        ("en-public-comment", "Draft rules on rooftop solar open for public comment"),
    ]))
STATISTICS = _cases("statistics", [
    ("同比", "一季度全省工业增加值同比增长6.1%"),
    ("增长N", "前三季度地区生产总值增长5.2"),
    ("百分比", "1至7月外贸进出口额达12.3%"),
    ("GDP", "上半年GDP稳中有进"),
    ("装机规模", "全省新型储能装机规模突破1000万千瓦"),
    ("均价", "光伏0.085元/度！5月份现货出清均价"),
    ("结果出炉", "7月电力集中竞价结果出炉"),
    ("产量", "秋粮产量再创新高"),
    ("吞吐量", "前三季度集装箱吞吐量652万标箱"),
    ("en-year-on-year", "Retail sales up 4 pct year on year in September"),
    ("en-grew", "Chongqing's economy grew in the first half"),
    ("en-output", "Industrial output steadies in October"),
])
MEETING = _cases("work_conference", [
    ("常务会议", "省政府召开常务会议"),
    ("大会", "全省高质量发展大会在广州召开"),
    ("座谈会", "长三角地区主要领导座谈会在合肥召开"),
    ("推进会", "全市重大项目推进会召开"),
    ("论坛", "第六届长三角一体化发展高层论坛举行"),
    ("峰会", "两岸企业家峰会年会开幕式在南京举行"),
    ("第一会", "各地新春第一会聚焦营商环境"),
    ("工作报告", "市长作政府工作报告"),
    ("审议", "政治局召开会议 审议《关于推动东北全面振兴若干政策措施的意见》"),
    ("en-conference", "Liaoning conference pushes shipbuilding"),
    ("en-session", "Lawmakers open annual session in Lhasa"),
    ("en-forum", "Investment forum opens in Nanning"),
])
INSPECTION = _cases("inspection", [
    ("调研", "省委书记在苏州调研时强调"),
    ("考察", "习近平在安徽考察时强调"),
    ("视察", "市长视察重点企业"),
    ("检查", "副省长检查安全生产工作"),
    ("走访", "市领导走访重点企业"),
    ("en-inspects", "Anhui Party chief inspects quantum lab"),
    ("en-investigated", "Governor investigated in Changde"),
    ("en-visits", "Mayor visits chipmaker in Wuxi"),
])
LEADER_MEETING = _cases("leader_meeting", [
    ("会见", "省长会见比亚迪董事长一行"),
    ("会谈", "省委书记与老挝副总理会谈"),
    ("接见", "市委书记接见企业家代表"),
    ("拜会", "代表团拜会省政府主要领导"),
    ("座谈一行", "市长与华为公司一行座谈"),
    ("en-meets", "Hubei governor meets Huawei executives"),
    ("en-held-talks", "Guangdong governor and Macao chief executive held talks"),
])
SIGNING = _cases("signing", [
    ("签约", "绿氢产业项目集中签约"),
    ("签署", "两地签署战略合作协议"),
    ("签订", "省政府与央企签订合作协议"),
    ("合作备忘录", "与新加坡企业达成合作备忘录"),
    ("签约落户", "12个项目签约落户高新区"),
    ("en-sign", "Beijing, Tianjin, Hebei sign pact on computing"),
    ("en-inks", "Carmaker inks deal with battery supplier"),
    ("en-agreement", "Cooperation agreement on Hengqin reached"),
])
PROJECT = _cases("project", [
    ("开工", "重庆300MW复合光伏发电项目开工"),
    ("集中开工", "全省第三季度重大项目集中开工"),
    ("竣工", "长江大桥主体工程竣工"),
    ("全面建成", "400MW光储制氢项目全面建成"),
    ("投产", "百万片级光波导产线在天津投产"),
    ("并网", "海上风电项目全容量并网"),
    ("商运", "第四代核电站商运投产"),
    ("落户", "新能源整车项目落户合肥"),
    ("en-breaks-ground", "Battery plant breaks ground in Yibin"),
    ("en-starts-production", "Gigafactory starts production in Shanghai"),
    ("en-grid-connected", "Offshore wind farm grid-connected in Fujian"),
    ("en-commercial-operation", "Reactor enters commercial operation"),
])
PERSONNEL = _cases("personnel", [
    ("任命", "省人大常委会任命一批干部"),
    ("免去", "国务院免去某某的职务"),
    ("当选", "某某当选省长"),
    ("不再担任", "某某不再担任省委书记"),
    ("职务调整", "浙江省委主要负责同志职务调整"),
    ("同志任", "中共中央决定：王浩同志任浙江省委书记"),
    ("开除党籍", "原省长严重违纪违法被开除党籍和公职"),
    ("en-appointed", "Wang Hao appointed Zhejiang Party secretary"),
    ("en-elected", "Provincial congress elected new governor"),
    ("en-removed", "Former mayor removed from post"),
])
OTHER = _cases("other", [
    ("访谈", "【促进民营经济高质量发展·权威访谈】推动山东民营经济高质量发展"),
    ("反响", "总书记重要讲话引发广大干部群众热烈反响"),
    ("调研行", "活力中国调研行｜脑机接口让意念成真"),
    ("一线调研", "【一线调研】重庆：加快传统产业数智化改造"),
    ("慰问", "省领导走访慰问困难职工"),
    ("nothing", "Long March rocket lifts off"),
])


@pytest.mark.parametrize(("title", "event"), POLICY + STATISTICS + MEETING + INSPECTION
                         + LEADER_MEETING + SIGNING + PROJECT + PERSONNEL + OTHER)
def test_each_family_member_names_its_event_from_the_title(title, event):
    assert tag_event(title, "") == event


PRECEDENCE = [
    pytest.param("关于印发推进家庭医生签约服务高质量发展实施方案的通知", "", "policy_document",
                 id="a released document beats the signing word inside its name"),
    pytest.param("关于做好重大项目开工工作的通知", "", "policy_document",
                 id="a released document beats the project word inside its name"),
    pytest.param("12个项目集中签约落户", "", "signing", id="签约落户 is a signing"),
    pytest.param("市委书记出席新能源项目开工仪式", "", "project",
                 id="a project milestone beats the leader attending it"),
    pytest.param("重大项目集中开工动员大会召开", "", "project",
                 id="a project milestone beats the meeting around it"),
    pytest.param("习近平考察并主持召开座谈会", "", "work_conference",
                 id="a symposium beats the inspection around it"),
    pytest.param("政治局召开会议 审议《关于若干政策措施的意见》", "", "work_conference",
                 id="a meeting reviewing a document is the meeting"),
    pytest.param("省人大常委会会议决定任命副省长", "", "personnel",
                 id="an appointment beats the meeting that makes it"),
    pytest.param("光伏项目最高可获30%投资支持", "", "policy_document",
                 id="a subsidy's percentage is a term, not a statistic"),
    pytest.param("宁夏迈入储能大省行列", "宁夏新型储能装机规模一举突破1000万千瓦。", "statistics",
                 id="the lead decides when the title fires no family"),
    pytest.param("省长会见企业家", "双方签署合作协议。", "leader_meeting",
                 id="the title decides before the lead"),
    pytest.param("【推动高质量发展系列主题新闻发布会】推动吉林振兴",
                 "国务院新闻办公室举行发布会。2023年全省GDP增长6.3%。", "statistics",
                 id="a press conference is neither a release nor a meeting"),
]


@pytest.mark.parametrize(("title", "lead", "event"), PRECEDENCE)
def test_event_precedence(title, lead, event):
    assert tag_event(title, lead) == event


NOTE_300 = (("记者从市工信局获悉，今年以来全市加快推进重点项目建设，多家企业新增订单，"
             "园区配套设施持续完善，企业用工需求总体稳定。") * 6)[:280] + "其中一家企业研制的工业机器人已批量交付。"
PLAN_10K = ("第一章 总体要求。坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，统筹发展和安全，"
            "推动经济实现质的有效提升和量的合理增长。") * 150


def test_a_short_note_naming_a_sector_once_is_tagged(tagger):
    assert 280 <= len(NOTE_300) <= 300
    assert "robotics" in tagger.tag("企业订单增长", NOTE_300).sectors


def test_a_long_plan_naming_a_sector_once_in_passing_is_not(tagger):
    text = PLAN_10K[:5000] + "其中包括工业机器人等装备。" + PLAN_10K[5000:]
    assert len(text) >= 9000
    assert "robotics" not in tagger.tag("某省国民经济和社会发展规划", text).sectors


def test_a_report_naming_a_sector_in_one_sentence_only_once_is_not(tagger):
    text = ("全市经济运行总体平稳，各项指标稳中有进，重点项目加快推进。" * 12
            + "机器人产量有所增加。" + "市场主体活力增强，就业形势保持稳定。" * 6)
    assert 400 < len(text) < 1200
    assert "robotics" not in tagger.tag("全市经济运行稳中向好", text).sectors


def test_a_report_discussing_a_sector_in_two_sentences_is_tagged(tagger):
    text = ("全市经济运行总体平稳，各项指标稳中有进，重点项目加快推进。" * 12
            + "机器人产业加快集聚。全市新增机器人企业12家。" + "市场主体活力增强。" * 6)
    assert "robotics" in tagger.tag("全市经济运行稳中向好", text).sectors


def test_a_long_plan_that_keeps_naming_a_sector_is_tagged(tagger):
    text = PLAN_10K + "加快发展工业机器人和人形机器人，建设机器人产业园，培育机器人整机企业。"
    assert "robotics" in tagger.tag("某省国民经济和社会发展规划", text).sectors


@pytest.mark.parametrize(("text", "sector"), [
    pytest.param("深入开展主题教育，推动经济发展。" * 4, "talent_education",
                 id="主题教育 is a party campaign, not education"),
    pytest.param("坚持改革开放，推动经济发展。" * 4, "trade_opening",
                 id="改革开放 is the national slogan, not trade opening"),
    pytest.param("加强电动汽车、清洁能源、生物制药、人工智能等领域交流合作。", "biotech_health",
                 id="an item of a passing list is not a subject"),
])
def test_neutral_phrases_and_lists_name_no_sector(tagger, text, sector):
    assert sector not in tagger.tag("双方交流合作", text).sectors


VERBS_AFTER_NAME = ["出席", "前往", "到", "赴", "调研", "考察", "视察", "主持", "会见", "会谈",
                    "表示", "强调", "指出", "参加", "陪同"]


@pytest.mark.parametrize("verb", VERBS_AFTER_NAME, ids=[f"name-then-{v}" for v in VERBS_AFTER_NAME])
def test_a_leader_is_found_before_an_action_verb(verb):
    assert "李强" in people(f"会议结束后，李强{verb}有关地方和企业。")


@pytest.mark.parametrize(("text", "name"), [
    pytest.param("省委书记王晓晖在成都主持会议。", "王晓晖", id="zh-title-then-name"),
    pytest.param("国家主席习近平23日在北京会见来宾。", "习近平", id="zh-name-then-date"),
    pytest.param("中共中央决定：王浩同志任浙江省委书记。", "王浩", id="zh-name-then-同志"),
    pytest.param("李干杰、何立峰、穆虹出席座谈会。", "李干杰", id="zh-list-of-names-first"),
    pytest.param("李干杰、何立峰、穆虹出席座谈会。", "何立峰", id="zh-list-of-names-middle"),
    pytest.param("韩正、丁薛祥、夏宝龙等参加会见。", "夏宝龙", id="zh-names-then-等-verb"),
    pytest.param("安徽省委书记韩俊先后发言。", "韩俊", id="zh-title-name-then-先后发言"),
    pytest.param("首席执行官帕特·基辛格表示看好中国市场。", "帕特·基辛格", id="zh-foreign-name"),
    pytest.param("廣東省長鄧啟航主持會議。", "鄧啟航", id="zh-traditional-kept-as-written"),
    pytest.param("Zhejiang Party Secretary Wang Hao attended.", "Wang Hao",
                 id="en-place-and-title-stripped"),
    pytest.param("Governor Zhejiang Party Secretary Wang Hao said", "Wang Hao",
                 id="en-title-run-stripped"),
    pytest.param("Luo Qingshan inspected the rice fields.", "Luo Qingshan", id="en-name-then-verb"),
    pytest.param("Vincent Lau Chi-kin, chairman of the council, spoke.", "Vincent Lau Chi-kin",
                 id="en-western-given-name-and-chinese-surname"),
    pytest.param("Yang Shaoqing, Party secretary of Yunnan, met the delegation.", "Yang Shaoqing",
                 id="en-name-then-title"),
    pytest.param("Chairman Wang Chuanfu (王传福) of BYD spoke.", "Wang Chuanfu (王传福)",
                 id="en-name-with-chinese-form"),
])
def test_people_families(text, name):
    assert name in people(text)


@pytest.mark.parametrize("text", [
    "Zhejiang Party Secretary Wang Hao attended.",
    "Hong Kong said the rules apply. Mr Chan said so.",
    "会议强调，双方表示，大家表示将继续推进。",
    "习近平总书记近日在湖北考察。",
], ids=["en-title-is-not-a-person", "en-place-and-honorific-are-not-people",
        "zh-common-words-are-not-people", "zh-近日-is-not-a-name"])
def test_titles_and_common_words_are_not_people(text):
    found = people(text)
    assert not {"Zhejiang Party Secretary", "Hong Kong", "Mr Chan", "Chan", "会议", "双方", "大家",
                "近日"} & set(found)


def _provinces(tagger, title, text):
    t = tagger.tag(title, text)
    return set(t.provinces_about), set(t.provinces_mentioned)


@pytest.mark.parametrize(("title", "text", "about", "mentioned"), [
    pytest.param("李强参加云南代表团审议", "国务院总理李强5日下午参加他所在的十四届全国人大二次会议"
                 "云南代表团审议。", {"yunnan"}, {"yunnan"},
                 id="a delegation deliberating is the province at work"),
    pytest.param("赵乐际分别参加香港代表团、澳门代表团审议", "赵乐际分别参加香港代表团、澳门代表团审议。",
                 {"hong_kong", "macau"}, {"hong_kong", "macau"},
                 id="two delegations deliberating"),
    pytest.param("第六届长三角一体化发展高层论坛举行", "论坛在浙江温州举行，发布了10项实事项目清单。",
                 {"shanghai", "jiangsu", "zhejiang", "anhui"},
                 {"shanghai", "jiangsu", "zhejiang", "anhui"},
                 id="a grouping named with its integration is the subject"),
    pytest.param("某省推进科技创新", "安徽积极融入长三角，推进科技创新。安徽各地加快布局。", {"anhui"},
                 {"anhui", "shanghai", "jiangsu", "zhejiang"},
                 id="a grouping in passing is only mentioned"),
    pytest.param("丁薛祥会见博鳌亚洲论坛理事代表", "中共中央政治局常委、国务院副总理丁薛祥27日在海南博鳌"
                 "集体会见博鳌亚洲论坛理事代表。", set(), {"hainan"},
                 id="a national leader's meeting venue is only mentioned"),
    pytest.param("双方深化合作", "双方表示，欢迎各国企业来华投资兴业，共享发展机遇。", set(), set(),
                 id="a county short name inside a word (资兴 in 投资兴业) is no place"),
    pytest.param("李强在贵州调研", "李强来到黔东南州台江县，考察乡村振兴。在台江县，他走进村寨。",
                 {"guizhou"}, {"guizhou"},
                 id="在台江县 is Taijiang county, not a venue compound for Taiwan"),
    pytest.param("蔡奇在陕西宁陕县调研", "蔡奇在陕西宁陕县调研，考察生态保护。", {"shaanxi"},
                 {"shaanxi"}, id="在陕西宁陕县 holds no Xining"),
])
def test_province_families(tagger, title, text, about, mentioned):
    assert _provinces(tagger, title, text) == (about, mentioned)


@pytest.mark.parametrize("title", ["西藏定日6.8级地震灾后恢复重建工作启动", "洞庭湖一线堤防决口 抢险救援全力展开",
                                   "Earthquake hits Hualien county"])
def test_a_disaster_report_names_no_sector_from_its_damage(tagger, title):
    text = "地震造成部分道路、铁路和交通基础设施受损，电力、通信正在抢修，铁路部门加紧排查。"
    assert tagger.tag(title, text).sectors == ()


@pytest.mark.parametrize(("title", "text", "about", "mentioned"), [
    pytest.param("李强会见泰国企业家", "国务院总理李强21日在人民大会堂会见泰国企业家。", set(),
                 {"beijing"}, id="人民大会堂 names Beijing as a venue"),
    pytest.param("新疆旅游热度攀升", "新疆天山南北风光吸引游客，走进天山西部的伊犁河谷。", {"xinjiang"},
                 {"xinjiang"}, id="天山南北 and 天山西部 hold no 山南 or 山西"),
    pytest.param("天津：脑机接口让意念成真", "实验室里，患者站上舞台中央演示脑机接口。", {"tianjin"},
                 {"tianjin"}, id="舞台中央 holds no Taichung"),
    pytest.param("王沪宁在海南调研", "王沪宁来到三亚，深入港口综合客运枢纽调研。", {"hainan"},
                 {"hainan"}, id="深入港口 holds no 入港 compound"),
    pytest.param("王沪宁会见两岸企业家峰会台湾方面理事长", "王沪宁会见台湾方面理事长一行。", set(),
                 {"taiwan"}, id="台湾方面 is the Taiwan side, a counterpart"),
    pytest.param("李强在新疆调研", "李强在新疆调研，强调促进新疆长治久安。", {"xinjiang"}, {"xinjiang"},
                 id="长治久安 holds no Changzhi"),
    pytest.param("李强在西藏调研", "李强听取雅鲁藏布江下游水电工程汇报，充分肯定西藏经济社会发展成就。",
                 {"tibet"}, {"tibet"}, id="雅鲁藏布江 and 肯定西藏 hold no 鲁藏 or 定西"),
    pytest.param("广州推进城市更新", "广州市北京路步行街改造完成。", {"guangdong"}, {"guangdong"},
                 id="北京路 in Guangzhou is a street, not Beijing"),
])
def test_province_words_and_landmarks(tagger, title, text, about, mentioned):
    assert _provinces(tagger, title, text) == (about, mentioned)


@pytest.mark.parametrize(("title", "text", "about", "mentioned"), [
    pytest.param("习近平会见来京述职的李家超", "习近平在中南海会见来京述职的香港特别行政区行政长官李家超。"
                 "李家超介绍了香港当前形势。", {"hong_kong"}, {"hong_kong", "beijing"},
                 id="来京 is the capital as a venue"),
    pytest.param("中央台办发布十项措施", "中共中央台办今天发布措施。", set(), {"taiwan"},
                 id="中央台办 is a national body"),
])
def test_national_venues_and_bodies(tagger, title, text, about, mentioned):
    assert _provinces(tagger, title, text) == (about, mentioned)


@pytest.mark.parametrize(("title", "text"), [
    pytest.param("Power producer launches Shenzhen IPO", "The company will list on the Shenzhen Stock "
                 "Exchange next month.", id="en-shenzhen-ipo-is-an-exchange"),
    pytest.param("某公司在深圳证券交易所上市", "公司股票在深圳证券交易所挂牌交易。", id="zh-深圳证券交易所"),
])
def test_a_stock_exchange_is_no_provincial_subject(tagger, title, text):
    assert tagger.tag(title, text).provinces_about == ()


@pytest.mark.parametrize(("title", "sectors"), [
    pytest.param("商务部召开“新三样”座谈会", {"nev", "batteries_storage", "renewables"},
                 id="新三样 names EVs, batteries and PV at once"),
    pytest.param("江苏400MW光储制氢项目全面建成", {"renewables", "batteries_storage", "hydrogen"},
                 id="光储 names PV and storage"),
    pytest.param("CATL launches battery-swapping network for electric trucks", {"nev"},
                 id="electric trucks are NEVs"),
    pytest.param("北京太空智算研究院成立", {"aerospace"}, id="太空 is aerospace"),
    pytest.param("湖北省数字孪生工厂和无人工厂申报工作启动", {"advanced_manufacturing"},
                 id="无人工厂 is advanced manufacturing"),
])
def test_sector_cue_families_in_the_title(tagger, title, sectors):
    assert set(tagger.tag(title, "").sectors) >= sectors


@pytest.mark.parametrize("title", ["Henan ISSUES Action Plan on hydrogen", "Governor MEETS Tesla CEO",
                                   "gdp grew 5.2 PERCENT"])
def test_english_event_cues_match_in_any_case(title):
    assert tag_event(title, "") != "other"
