"""Target kinds with their own rules: cumulative, level, recurring, milestone, and multi-year
commitments read for the plan's own period."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from tracker import status as st
from tracker.extract import parse_text
from tracker.extract.kinds import RULES, classify


@pytest.mark.parametrize("kind, quote, rule, every", [
    ("count", "2023至2026年每年储备800人", "recurring", "year"),
    ("count", "每季度开展校园安全隐患排查不少于1次", "recurring", "quarter"),
    ("count", "每月开展2次督查", "recurring", "month"),
    ("percent", "适龄儿童免疫规划疫苗接种率保持在95%以上", "level", None),
    ("count", "辖区医疗机构稳定在20家", "level", None),
    ("percent", "全年接种率不低于90%", "level", None),
    ("percent", "婴儿死亡率控制在3‰以内", "level", None),
    ("deadline", "年底前建成投用城北学校", "milestone", None),
    ("deadline", "10月底前印发实施方案", "milestone", None),
    ("deadline", "9月底前开工建设", "milestone", None),
    ("count", "年底前建设14家社康机构", "cumulative", None),
    ("percent", "孕产妇系统管理率达到90%", "cumulative", None),
    ("percent", "能耗降至9.3%", "cumulative", None),
    ("count", "每万人拥有全科医生3.5名", "cumulative", None),
    ("deadline", "年底前完成验收", "cumulative", None),
])
def test_classify_reads_the_rule_from_the_words(kind, quote, rule, every):
    info = classify(kind, quote, quote)
    assert (info.rule, info.every) == (rule, every)


@given(hs.text(max_size=60), hs.sampled_from(["count", "percent", "amount", "deadline", "ratio"]))
def test_classify_never_fails(text, kind):
    info = classify(kind, text[: len(text) // 2], text)
    assert info.rule in RULES
    assert (info.every is not None) == (info.rule == "recurring")


def test_importer_emits_kinds_and_reads_multi_year_for_the_plan_period():
    from tests.plan_samples import HEALTH_2023H2

    doc = parse_text(HEALTH_2023H2)
    by = {i.title[:4]: i for i in doc.units[0].items}
    [reserve] = by["人才储备"].targets
    assert (reserve.rule, reserve.every, reserve.value, reserve.deadline) == ("recurring", "year", 800, date(2023, 12, 31))
    assert by["安全排查"].targets[0].to_dict()["rule"] == "recurring"
    assert by["免疫接种"].targets[0].rule == "level"
    assert by["医院建设"].targets[0].rule == "milestone"
    assert by["基层做实"].targets[0].rule == "cumulative"


def test_periods_split_the_plan_by_calendar():
    assert st.periods(date(2023, 7, 1), date(2023, 12, 31), "quarter") == [
        (date(2023, 7, 1), date(2023, 9, 30)), (date(2023, 10, 1), date(2023, 12, 31))]
    assert len(st.periods(date(2023, 7, 1), date(2023, 12, 31), "month")) == 6
    assert st.periods(date(2023, 7, 1), date(2023, 12, 31), "year") == [(date(2023, 7, 1), date(2023, 12, 31))]
    assert st.periods(date(2023, 2, 15), date(2024, 3, 1), "year") == [
        (date(2023, 2, 15), date(2023, 12, 31)), (date(2024, 1, 1), date(2024, 3, 1))]



def test_multi_year_commitment_is_due_at_the_plan_end_and_not_green_at_zero(plan):
    w, ids = plan
    t = w.json("task", "show", str(ids["人才储备"]))
    assert t["deadline"] == "2023-12-31"
    assert t["targets"][0]["value"] == 800 and t["targets"][0]["periods_total"] == 1
    assert t["status"] != "绿"  # 0 % of 800 with the half year half gone
    assert t["id"] in [x["id"] for x in w.json("--today", "2024-01-02", "task", "list", "--status", "红")]


def test_recurring_target_is_one_obligation_per_period(plan):
    w, ids = plan
    tid = str(ids["安全排查"])
    w.run("task", "update", tid, "--value", "1", "--on", "2023-08-20", "--note", "三季度排查完成")
    t = w.json("task", "show", tid)
    assert t["status"] != "完成" and t["progress"] == 50.0
    assert (t["targets"][0]["periods_met"], t["targets"][0]["periods_total"]) == (1, 2)
    assert t["targets"][0]["next_due"] == "2023-12-31"
    w.run("task", "update", tid, "--value", "1", "--on", "2023-10-09", "--note", "四季度排查完成")
    assert w.json("task", "show", tid)["status"] == "完成"


def test_a_missed_period_is_red_even_when_a_later_one_is_met(plan):
    w, ids = plan
    tid = str(ids["安全排查"])
    w.run("task", "update", tid, "--value", "1", "--on", "2023-10-08")  # only the fourth quarter
    t = w.json("task", "show", tid)
    assert t["targets"][0]["next_due"] == "2023-09-30"
    assert t["status"] == "红" and t["progress"] == 50.0


def test_level_is_judged_on_the_latest_reading_and_at_period_end_on_every_reading(plan):
    w, ids = plan
    tid = str(ids["免疫接种"])
    w.run("task", "update", tid, "--value", "96.3", "--on", "2023-08-31")
    assert w.json("task", "show", tid)["status"] == "绿"  # held, but not done before the period ends
    w.run("task", "update", tid, "--value", "94.1", "--on", "2023-09-30")
    assert w.json("task", "show", tid)["status"] == "红"  # latest reading below the level
    w.run("task", "update", tid, "--value", "95.8", "--on", "2023-10-09")
    assert w.json("task", "show", tid)["status"] == "绿"
    assert w.json("task", "show", tid)["targets"][0]["held"] == st.HOLD_NOW
    assert w.json("--today", "2024-01-05", "task", "show", tid)["status"] == "红"  # it slipped in September


def test_level_held_at_every_reading_is_done_after_the_period(plan):
    w, ids = plan
    tid = str(ids["免疫接种"])
    for day, v in (("2023-07-31", "95.2"), ("2023-09-30", "96.0")):
        w.run("task", "update", tid, "--value", v, "--on", day)
    assert w.json("task", "show", tid)["status"] == "绿"
    assert w.json("--today", "2024-01-05", "task", "show", tid)["status"] == "完成"
    [row] = w.json("--today", "2024-01-05", "board")
    assert row["counts"]["完成"] >= 1  # the board reads the same rule from the stored rollups


def test_milestone_is_done_or_not_with_its_date(plan):
    w, ids = plan
    tid = str(ids["医院建设"])
    assert w.json("task", "show", tid)["targets"][0]["rule"] == "milestone"
    r = w.run("task", "done", tid, "--target", "1", "--on", "2023-09-28", "--note", "新院区投入使用")
    assert "已完成（2023-09-28）" in r.output and "状态： 完成" in r.output.replace("状态：完成", "状态： 完成")
    t = w.json("task", "show", tid)
    assert t["targets"][0]["met_on"] == "2023-09-28" and t["status"] == "完成"
    r = w.run("task", "done", str(ids["基层做实"]), "--target", "1", ok=False)
    assert r.exit_code == 2 and "数值指标" in r.output
