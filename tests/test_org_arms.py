"""Provincial arms of national groups (orgs.py rule 7, branches.py): group + province +
business word is the group's arm in that province, whose province is a mention only."""

from __future__ import annotations

import pytest

from provwatch.pipelines.tagging import orgs


@pytest.mark.parametrize(("name", "arm"), [
    pytest.param("国网江苏省电力有限公司", "state_grid.jiangsu", id="weak group name, full province"),
    pytest.param("国网河南电力", "state_grid.henan", id="short province, business word only"),
    pytest.param("国家电网湖北省电力有限公司", "state_grid.hubei", id="the group's full name"),
    pytest.param("南方电网广东电网有限责任公司", "csg.guangdong", id="the southern grid"),
    pytest.param("中国石化江苏石油分公司", "sinopec.jiangsu", id="an oil company's branch"),
    pytest.param("中国石油四川销售分公司", "cnpc.sichuan", id="a sales branch"),
    pytest.param("中国移动广东公司", "china_mobile.guangdong", id="a carrier, 公司 alone"),
    pytest.param("大唐陕西发电有限公司", "datang.shaanxi", id="a power group, weak name"),
    pytest.param("中国银行河南省分行", "boc.henan", id="a bank's provincial branch"),
    pytest.param("国网广西壮族自治区电力公司", "state_grid.guangxi", id="an autonomous region"),
])
def test_a_group_a_province_and_a_business_word_name_the_groups_arm(found_orgs, name, arm):
    assert found_orgs(f"近日，{name}召开工作会议。") == [arm]


@pytest.mark.parametrize("text", [
    pytest.param("中国石化江苏的项目开工。", id="a province and no business word"),
    pytest.param("国网在江苏的电力投资增加。", id="a word between group and province"),
    pytest.param("中国石化苏州石油分公司开业。", id="a city is not a province"),
])
def test_a_group_name_without_the_arm_shape_is_the_group_or_nothing(found_orgs, text):
    assert not any("." in oid for oid in found_orgs(text))


def test_an_arm_carries_its_groups_kind_tickers_sectors_and_names_its_parent(tagger):
    tags = tagger.tag("中国石化江苏石油分公司新建加氢站", "中国石化江苏石油分公司新建加氢站投运。")
    ref = next(r for r in tags.org_refs if r.id == "sinopec.jiangsu")
    group = orgs.load().orgs["sinopec"]
    assert (ref.kind, ref.tickers, ref.parent) == (group.kind, group.tickers, "sinopec")
    assert ref.name == "中国石油化工集团有限公司（江苏省）"
    assert "中国石化江苏石油分公司" in tags.orgs
    assert ref.as_json()["parent"] == "sinopec"


def test_the_province_in_an_arms_name_is_a_mention_never_about(tagger):
    tags = tagger.tag("国网江苏省电力有限公司召开年度工作会议",
                      "国网江苏省电力有限公司召开年度工作会议，部署电网建设重点任务。")
    assert "jiangsu" in tags.provinces_mentioned and "jiangsu" not in tags.provinces_about


def test_the_province_is_about_by_its_own_evidence_beside_an_arm(tagger):
    tags = tagger.tag("江苏省委书记调研国网江苏省电力有限公司",
                      "江苏省委书记在南京调研国网江苏省电力有限公司，察看电网调度运行情况。")
    assert tags.provinces_about == ("jiangsu",)
