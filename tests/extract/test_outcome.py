"""Matching rules and verdicts of the outcome reader, on sentences written like real summaries."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extract import parse_text
from tracker.extract.baselines import unit_baselines
from tracker.extract.claims import find_claims, review_text
from tracker.extract.model import TargetSpec
from tracker.extract.outcome import PlanTarget, compare, match


def _t(quote, kind, value, unit, comparator="=", subject=None, context="", **kw):
    return PlanTarget(TargetSpec(kind=kind, value=value, unit=unit, comparator=comparator, subject=subject,
                                 quote=quote, **kw), context=context or quote)


def _one(target, text, year=2023):
    return match([target], find_claims(text), year, text=text)[0]


# -- matching rules ------------------------------------------------------------------------------

def test_subject_word_order_and_qualifiers():
    o = _one(_t("全社会固定资产投资增长12%以上", "percent", 12, "%", ">="),
             "全年固定资产投资增长8.3%，工业投资增长15%。")
    assert o.claim and o.claim.value == 8.3 and o.verdict == "not_met"


def test_percent_is_not_matched_to_a_count():
    o = _one(_t("新建农村供水工程12处", "count", 12, "处"), "农村供水工程覆盖率达到95%。")
    assert o.claim is None and o.verdict == "not_mentioned"


def test_growth_rate_only_answers_growth():
    o = _one(_t("森林覆盖率达到30%", "percent", 30, "%"), "林业产值增长30%。")
    assert o.claim is None


def test_wan_scaling_and_alike_units():
    o = _one(_t("开展职业技能培训8000人次", "count", 8000, "人次"), "完成职业技能培训1.2万人。")
    assert o.claim and o.claim.value == 1.2 and o.verdict == "met"


def test_cumulative_figures_are_unclear():
    o = _one(_t("新增城镇就业3000人", "count", 3000, "人"), "五年来累计城镇新增就业1.6万人。")
    assert o.claim is not None and o.verdict == "unclear"


def test_other_year_is_unclear():
    o = _one(_t("新建污水管网20公里", "count", 20, "公里"), "2021年新建污水管网26公里。")
    assert o.claim is not None and o.verdict == "unclear"


def test_respective_lists_pair_by_position():
    plan = "城乡居民人均可支配收入分别增长7%和9%"
    t1 = _t(plan, "percent", 7, "%", subject="城镇居民人均可支配收入增长")
    t2 = _t(plan, "percent", 9, "%", subject="农村居民人均可支配收入增长")
    text = "城乡居民人均可支配收入分别增长6.1%和9.4%。"
    a, b = match([t1, t2], find_claims(text), 2023, text=text)
    assert (a.claim.value, a.verdict) == (6.1, "not_met")
    assert (b.claim.value, b.verdict) == (9.4, "met")


def test_generic_subject_needs_its_qualifier():
    ctx = "纺织产业要招大引强，产值增长30%。食品产业要延链补链，产值增长25%。"
    textile = _t("产值增长30%", "percent", 30, "%", context=ctx)
    food = _t("产值增长25%", "percent", 25, "%", context=ctx)
    text = "一批纺织企业集聚发展，产值增长36%。"
    a, b = match([textile, food], find_claims(text), 2023, text=text)
    assert a.claim and a.claim.value == 36 and a.verdict == "met"
    assert b.claim is None


def test_prefer_no_match_to_a_near_one():
    o = _one(_t("打造移民示范村12个", "count", 12, "个"), "建成美丽乡村示范点30个、人居环境整治提升示范村40个。")
    assert o.claim is None


def test_contrasting_qualifiers_are_different_measures():
    o = _one(_t("户籍人口城镇化率达到52%左右", "percent", 52, "%", "about"), "常住人口城镇化率提高至61.3%。")
    assert o.claim is None


def test_same_measure_word_compares_what_it_measures():
    o = _one(_t("开发区亩均工业增加值增长9%", "percent", 9, "%"), "规模以上工业增加值增长7.2%。")
    assert o.claim is None
    o = _one(_t("规上工业增加值增长8%", "percent", 8, "%"), "规模以上工业增加值增长7.2%。")
    assert o.claim and o.claim.value == 7.2 and o.verdict == "not_met"


def test_about_figures_and_class_descriptors():
    o = _one(_t("推动8000家企业实施数字化改造", "count", 8000, "家"), "全年1.1万余家企业实施数字化改造，30个项目入选示范名单。")
    assert o.claim and o.claim.value == 1.1 and o.claim.comparator == ">=" and o.verdict == "met"
    claims = find_claims("年销售收入超5亿元的龙头企业达60家。")
    assert [(c.value, c.unit) for c in claims if c.kind != "stage"] == [(60, "家")]


def test_increment_target_against_a_stock_is_unclear():
    o = _one(_t("力争新增省级重点实验室3家", "count", 3, "家"), "省级重点实验室达21家。")
    assert o.claim is not None and o.verdict == "unclear"


def test_share_of_the_annual_plan_answers_any_target():
    text = "城镇新增就业、新增发放创业担保贷款分别完成年计划的118.2%、96.5%。"
    jobs = _t("城镇新增就业41万人", "count", 41, "万人")
    loans = _t("新增发放创业担保贷款160亿元", "amount", 160, "亿元")
    a, b = match([jobs, loans], find_claims(text), 2025, text=text)
    assert (a.claim.value, a.verdict) == (118.2, "met")
    assert (b.claim.value, b.verdict) == (96.5, "not_met")


def test_plan_part_of_the_later_document_is_not_read():
    text = ("一、2023年工作回顾\n全年新增市场主体8000户。\n二、2024年重点工作\n新增市场主体1万户以上。")
    assert "1万户" not in review_text(text)
    o = compare([_t("新增市场主体7500户", "count", 7500, "户")], text, 2023)[0]
    assert o.claim and o.claim.value == 8000 and o.verdict == "met"


# -- verdicts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("target, text, verdict", [
    (("地区生产总值增长6.5%左右", "percent", 6.5, "%", "about"), "全年地区生产总值增长6.4%。", "unclear"),
    (("地区生产总值增长6.5%左右", "percent", 6.5, "%", "about"), "全年地区生产总值增长5.9%。", "not_met"),
    (("地区生产总值增长6.5%左右", "percent", 6.5, "%", "about"), "全年地区生产总值增长6.8%。", "met"),
    (("城镇调查失业率控制在5.5%以内", "percent", 5.5, "%", "<="), "城镇调查失业率为5.1%。", "met"),
    (("城镇调查失业率控制在5.5%以内", "percent", 5.5, "%", "<="), "城镇调查失业率为5.8%。", "not_met"),
    (("空气质量优良天数比例达到90%以上", "percent", 90, "%", ">="), "空气质量优良天数比例稳定在88%以上。", "unclear"),
    (("贷款余额突破500亿元", "amount", 500, "亿元", ">="), "各项贷款余额突破500亿元。", "met"),
    (("新增认证绿色食品20个", "count", 20, "个"), "绿色食品累计增加到95个。", "unclear"),
    (("引进高层次人才2-3名", "count", None, "名", "range"), "引进高层次人才2名。", "met"),
])
def test_verdict_rules(target, text, verdict):
    quote, kind, value, unit, comparator = (*target, "=")[:5]
    spec_kw = {"min": 2, "max": 3} if comparator == "range" else {}
    o = _one(_t(quote, kind, value, unit, comparator, **spec_kw), text)
    assert o.claim is not None and o.verdict == verdict, (o.claim, o.reason)


def test_qualitative_completion_is_met_without_a_number():
    o = _one(_t("年内完成城区老旧管网改造任务", "deadline", None, None, date=date(2023, 12, 31)),
             "城区老旧管网改造任务全部完成。")
    assert o.claim is not None and o.claim.value is None and o.verdict == "met"


def test_named_projects_at_a_stage_are_not_met():
    plan = "力争开工建设城东水厂、滨河医院二期等2个项目"
    o = _one(_t(plan, "count", 2, "个"), "城东水厂已完成初步设计，正在开展施工招标；滨河医院二期正进行土地整备。")
    assert o.claim is not None and o.claim.value is None and o.verdict == "not_met"
    assert o.more  # both projects quoted


def test_baseline_remainder_is_flagged_not_read_as_progress():
    doc = parse_text("某区卫生健康局2023年上半年工作总结和下半年工作计划\n一、上半年工作总结\n"
                     "推进社区卫生服务站建设。本年度拟新建12家，目前已建成3家。\n二、下半年工作计划\n"
                     "（一）社康做全。建设9家社区卫生服务站。\n")
    (t, b), = unit_baselines(doc.units[0])
    assert b is not None and b.value == 3 and b.annual == 12 and b.verdict == "unclear"
    assert "剩余" in b.message()


# -- the claim parser never breaks -----------------------------------------------------------------

_PIECES = st.sampled_from(["增长", "下降", "达到", "新增", "万", "亿元", "%", "个百分点", "分别", "和", "、", "，", "。",
                           "累计", "五年来", "以上", "以内", "突破", "家", "万亩", "翻番", "全部完成", "正在", "（", "）",
                           "“", "”", "2023年", "地区生产总值", "企业"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.integers(0, 100000).map(str), st.floats(0, 1000).map(lambda f: f"{f:.2f}"),
                          st.text(max_size=4)), max_size=30))
def test_claim_parser_on_any_text(parts):
    text = "".join(parts)
    claims = find_claims(text)
    for c in claims:
        assert c.clause in text or c.clause.strip() == ""
        assert c.kind in ("count", "percent", "amount", "multiple", "plan_share", "qualitative", "stage")
        assert (c.value is None) == (c.kind in ("qualitative", "stage"))
    outcome = match([_t("新增企业10家", "count", 10, "家")], claims, 2023, text=text)[0]
    assert outcome.verdict in ("met", "not_met", "unclear", "not_mentioned")


def test_last_years_summary_gives_no_baselines():
    doc = parse_text("某县林业局2023年工作总结及2024年工作计划\n一、2023年工作总结\n全年完成人工造林17015亩，其中油茶5118亩。\n"
                     "二、2024年工作计划\n1、抓好基地建设。计划新造林15000亩，其中油茶5755亩。\n")
    assert doc.units[0].summary_text  # the summary is kept, but it reports on another year
    assert all(b is None for _, b in unit_baselines(doc.units[0]))


@settings(max_examples=60, deadline=None)
@given(summary=st.lists(_PIECES | st.text(max_size=6), max_size=25).map("".join),
       value=st.one_of(st.none(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                       st.text(max_size=4), st.lists(st.integers(), max_size=2)),
       kind=st.sampled_from(["count", "percent", "amount", "deadline", "ratio", "其他", ""]),
       unit=st.one_of(st.none(), st.sampled_from(["万亩", "%", "亿元", "家", "倍", "个百分点", ""]), st.integers()))
def test_outcome_parse_command_never_crashes(tmp_path_factory, summary, value, kind, unit):
    import json

    from typer.testing import CliRunner

    from tracker.cli import app

    d = tmp_path_factory.mktemp("fuzz")
    (d / "summary.txt").write_text(summary or "无", encoding="utf-8")
    plan = {"plan_year": 2023, "targets": [{"quote": "新增企业10家", "kind": kind, "value": value, "unit": unit},
                                           {"quote": "地区生产总值增长7%左右", "kind": "percent", "value": 7,
                                            "comparator": "about", "unit": "%"}]}
    (d / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(app, ["outcome", "parse", str(d / "summary.txt"), "--plan", str(d / "plan.json"),
                                 "--format", "json"])
    assert r.exit_code in (0, 2), r.output
    if r.exit_code == 0:
        out = json.loads(r.stdout)
        assert len(out["targets"]) == 2
        assert all(t["verdict"] in ("met", "not_met", "unclear", "not_mentioned") for t in out["targets"])
