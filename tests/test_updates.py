"""Updates that say what happened: refused --percent, date checks, back-dated records,
falling or far-off values needing --correct, and the resulting state in every confirmation."""

from __future__ import annotations

import pytest

from tests.plan_samples import flat


def test_percent_on_a_task_with_numeric_targets_is_refused_and_says_what_to_use(plan):
    w, ids = plan
    r = w.run("task", "update", str(ids["基层做实"]), "--percent", "60", ok=False)
    assert r.exit_code == 2
    assert "有数值指标" in flat(r) and "--value" in flat(r) and "--add" in flat(r)
    assert w.json("task", "log", str(ids["基层做实"])) == []
    ok = w.run("task", "update", str(ids["智慧医疗"]), "--percent", "60", "--note", "远程会诊平台上线")
    assert "完成 60%" in flat(ok)
    assert w.json("task", "show", str(ids["智慧医疗"]))["progress"] == 60


@pytest.mark.parametrize("day, message", [("2022-10-10", "早于计划开始日期（2023-07-01）"),
                                          ("2023-06-30", "早于计划开始日期"),
                                          ("2023-10-10", "不能晚于今天")])
def test_dates_before_the_plan_or_after_today_are_refused(plan, day, message):
    w, ids = plan
    r = w.run("task", "update", str(ids["基层做实"]), "--value", "9", "--on", day, ok=False)
    assert r.exit_code == 2 and message in flat(r)
    r = w.run("task", "done", str(ids["医院建设"]), "--on", day, ok=False)
    assert r.exit_code == 2 and message in flat(r)
    assert w.json("task", "log", str(ids["基层做实"])) == []


def test_back_dated_record_is_kept_and_says_the_current_value(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    w.run("task", "update", tid, "--value", "9", "--on", "2023-10-08")
    r = w.run("task", "update", tid, "--value", "7", "--on", "2023-09-01", "--note", "补录九月数据")
    out = flat(r)
    assert "早于 2023-10-08 的记录" in out and "当前值仍为 9家" in out
    assert "当前 9家 / 目标 ≥14家" in out or "当前 9家 / 目标 14家" in out
    shown = w.json("task", "show", tid)
    assert shown["targets"][0]["current"] == 9
    assert [r["value"] for r in shown["log"]] == [9, 7]


def test_falling_cumulative_value_needs_correct_and_is_recorded_as_a_correction(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    w.run("task", "update", tid, "--value", "11", "--on", "2023-10-01")
    r = w.run("task", "update", tid, "--value", "3", ok=False)
    assert r.exit_code == 2
    assert "从 11家" in flat(r) and "降到 3家" in flat(r) and "--correct" in flat(r)
    assert len(w.json("task", "log", tid)) == 1
    ok = w.run("task", "update", tid, "--value", "3", "--correct", "--note", "核实后更正：只有3家通过验收")
    assert "更正" in flat(ok)
    log = w.json("task", "log", tid)
    assert [(e["value"], e["correction"]) for e in log] == [(11, None), (3, 1)]
    assert w.json("task", "show", tid)["targets"][0]["current"] == 3
    # A value that only rises needs nothing.
    w.run("task", "update", tid, "--add", "2")
    assert w.json("task", "show", tid)["targets"][0]["current"] == 5


def test_value_over_three_times_the_target_needs_yes(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    r = w.run("task", "update", tid, "--value", "50", ok=False)
    assert r.exit_code == 2 and "3 倍" in flat(r) and "--yes" in flat(r)
    assert w.json("task", "log", tid) == []
    w.run("task", "update", tid, "--value", "42", "--yes")  # 42 = 3 × 14 is still plausible
    assert w.json("task", "log", tid)[0]["correction"] == 1


def test_confirmation_prints_the_resulting_state(plan):
    w, ids = plan
    r = w.run("task", "update", str(ids["基层做实"]), "--value", "7", "--note", "已建成7家")
    out = flat(r)
    assert "记为 7家" in out
    assert "当前 7家 / 目标" in out and "（50%）" in out
    assert f"任务 #{ids['基层做实']} 进度 50.0%，状态：" in out
    assert "黄" in out or "绿" in out or "红" in out
    child = ids["新建院区"]
    r = w.run("task", "update", str(child), "--value", "2")
    assert f"任务 #{child} 进度 50.0%" in flat(r)


def test_parent_marked_done_while_children_are_red_asks_for_yes(plan):
    w, ids = plan
    parent = str(ids["医院做强"])
    r = w.run("task", "done", parent, ok=False)
    assert r.exit_code == 2 and "红灯子任务" in flat(r) and "--yes" in flat(r)
    assert w.json("task", "show", parent)["status"] != "完成"
    w.run("task", "done", parent, "--yes", "--note", "新院区整体验收")
    assert w.json("task", "show", parent)["status"] == "完成"
