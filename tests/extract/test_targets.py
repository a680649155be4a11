"""Targets read from realistic plan sentences: what is a target, and what is not."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.extract import parse_target_phrase

H2 = (date(2023, 7, 1), date(2023, 12, 31))


def targets(text: str) -> list[tuple]:
    return [(t.kind, t.value, t.min, t.max, t.comparator, t.unit) for t in parse_target_phrase(text, *H2)]


def one(text: str):
    [t] = parse_target_phrase(text, *H2)
    return t


@pytest.mark.parametrize("text, want", [
    ("建设14家社康机构", ("count", 14, None, None, "=", "家")),
    ("建设十四家社康机构", ("count", 14, None, None, "=", "家")),
    ("新建两所幼儿园", ("count", 2, None, None, "=", "所")),
    ("培训二百五十六名乡村医生", ("count", 256, None, None, "=", "名")),
    ("增加全科医生256名以上", ("count", 256, None, None, ">=", "名")),
    ("新建学校１２所", ("count", 12, None, None, "=", "所")),
    ("新开工项目64个", ("count", 64, None, None, "=", "个")),
    ("力争新增2-3个省级重点学科", ("count", None, 2, 3, "range", "个")),
    ("引进10—15个高层次医学团队", ("count", None, 10, 15, "range", "个")),
    ("培养10至15名学科带头人", ("count", None, 10, 15, "range", "名")),
    ("新增绿化面积不少于200亩", ("count", 200, None, None, ">=", "亩")),
    ("年内开展执法检查不少于20次", ("count", 20, None, None, ">=", "次")),
    ("新增就业1.2万人", ("count", 1.2, None, None, "=", "万人")),
    ("慢性病管理率达到90%以上", ("percent", 90, None, None, ">=", "%")),
    ("孕产妇死亡率降至9.3%", ("percent", 9.3, None, None, "<=", "%")),
    ("城镇登记失业率控制在4.5％以内", ("percent", 4.5, None, None, "<=", "%")),
    ("研发投入强度提高2个百分点", ("percent", 2, None, None, "=", "个百分点")),
    ("完成固定资产投资300亿元以上", ("amount", 300, None, None, ">=", "亿元")),
    ("争取上级补助资金1300万元", ("amount", 1300, None, None, "=", "万元")),
])
def test_numbers_measures_comparators(text, want):
    got = targets(text)
    assert got == [want]


def test_two_rates_at_one_level():
    got = parse_target_phrase("实现慢性病管理率、0-6岁儿童健康管理率“两个100%”", *H2)
    assert [(t.kind, t.value) for t in got] == [("percent", 100), ("percent", 100)]
    assert [t.subject for t in got] == ["慢性病管理率", "0-6岁儿童健康管理率"]


def test_two_limits_in_one_phrase():
    got = targets("孕产妇死亡率和婴儿死亡率分别控制在3%和1%以内")
    assert got == [("percent", 3, None, None, "<=", "%"), ("percent", 1, None, None, "<=", "%")]


@pytest.mark.parametrize("text, day", [
    ("年底前完成全部改造", "2023-12-31"),
    ("年内建成区域医疗中心", "2023-12-31"),
    ("9月底前完成普查登记", "2023-09-30"),
    ("10月份前完成验收", "2023-10-31"),
    ("11月前出台实施细则", "2023-11-30"),
    ("力争下半年开工建设", "2023-12-31"),
    ("三季度完成主体工程", "2023-09-30"),
    ("到2025年底建成全覆盖网络", "2025-12-31"),
    ("12月15日前报送年度总结", "2023-12-15"),
    ("明年3月底前完成竣工验收", "2024-03-31"),
])
def test_deadlines_resolved_against_the_period(text, day):
    t = one(text)
    assert t.kind == "deadline" and t.date is not None and t.date.isoformat() == day


def test_deadline_carries_to_the_counts_it_governs():
    got = parse_target_phrase("年底前新建改扩建学校4所，新增学位2000个以上。", *H2)
    assert [(t.kind, t.value, t.deadline.isoformat() if t.deadline else None) for t in got] == [
        ("count", 4, "2023-12-31"), ("count", 2000, "2023-12-31")]


def test_deadline_of_a_later_clause_is_its_own_target():
    got = parse_target_phrase("加快10家街道分中心设备购置，力争年底全部实现实体化运作。", *H2)
    assert [(t.kind, t.commitment) for t in got] == [("count", None), ("deadline", "力争")]


@pytest.mark.parametrize("text, word", [
    ("确保全县全年新开工亿元以上项目64个", "确保"),
    ("力争5家社康机构通过考核", "力争"),
    ("争取4个项目封顶", "争取"),
    ("预计6家医院主体结构封顶", "预计"),
    ("计划新建村级服务站12个", "计划"),
])
def test_commitment_words(text, word):
    assert one(text).commitment == word


def test_commitment_carries_across_the_sentence_but_not_beyond():
    got = parse_target_phrase("确保新开工项目64个，新竣工投产项目96个。新增就业500人。", *H2)
    assert [t.commitment for t in got] == ["确保", "确保", None]


def test_a_noun_called_plan_is_not_a_commitment():
    assert one("实施“名医高徒”计划，培养10-15名重点学科带头人").commitment is None


@pytest.mark.parametrize("text", [
    "为0-6岁儿童提供免费健康体检",
    "为符合条件的14周岁以下女生免费接种HPV疫苗",
    "稳步推进“12366”场景式智能化改造",
    "出台“1+4”行动方案",
    "编制“十四五”能耗分析报告",
    "严格执行工程“六制”管理",
    "引进市级“三名”工程",
    "新开工亿元以上项目",
    "重点服务5000万元以上项目",
    "在5家三甲医院的基础上继续推进三甲创建",
    "保证24小时防洪抗旱信息畅通",
    "推动10年以上老旧社康改造",
    "上半年已完成校舍改造12处",
    "目前已建成2家",
    "累计培训300人次",
    "打造一支高素质干部队伍",
    "一个项目一张链条图",
    "打好2023年“项目大会战”",
    "（“1”，即一个综合窗口；“2”，即两个中心；“3”，即三个功能区）",
    "抓住第三季度施工黄金期",
    "推进5G基站建设",
])
def test_not_targets(text):
    assert parse_target_phrase(text, *H2) == []


@pytest.mark.parametrize("text", ["完成投资XX亿元", "新建xx所学校", "培训**名基层干部", "切实养护好全县x公里养护里程"])
def test_placeholders_of_templates_are_not_targets(text):
    """Template documents (范文) leave blanks where the figure goes: nothing there to track."""
    assert parse_target_phrase(text, *H2) == []


def test_placeholder_years_never_crash():
    for text in ("201*年完成改造", "20xx年底前完成", "20XX年度计划新建X所学校"):
        parse_target_phrase(text, *H2)


def test_ratio_per_population():
    t = one("实现每万人拥有全科医生5名以上")
    assert (t.kind, t.value, t.comparator) == ("ratio", 5, ">=")


def test_quote_is_the_clause_it_came_from():
    t = one("继续推进医联体建设，建设14家社康机构；推动老旧社康改造")
    assert t.quote == "建设14家社康机构" and t.subject == "社康机构"
