"""The task commands through typer's CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest


@pytest.fixture
def unit(world):
    world.run("unit", "add", "区卫生健康局")
    return world


def test_add_update_show_list(unit):
    w = unit
    w.run("task", "add", "社康做全", "--unit", "区卫生健康局", "--count", "14", "--measure", "家",
          "--due", "2023-12-31", "--owner", "李明")
    w.run("task", "update", "1", "--value", "7", "--note", "已建成7家", "--by", "张三", "--on", "2023-10-01")
    [task] = w.json("task", "list")
    assert task["unit"] == "区卫生健康局"
    assert task["title"] == "社康做全"
    assert task["deadline"] == "2023-12-31"
    assert task["progress"] == 50.0
    [t] = task["targets"]
    assert (t["kind"], t["value"], t["comparator"], t["measure"], t["current"]) == ("count", 14, ">=", "家", 7)
    shown = w.json("task", "show", "1")
    assert [r["note"] for r in shown["log"]] == ["已建成7家"]
    assert shown["log"][0]["author"] == "张三"
    assert shown["log"][0]["happened_on"] == "2023-10-01"


def test_add_accumulates_and_history_is_kept(unit):
    w = unit
    w.run("task", "add", "招聘医生", "--unit", "区卫生健康局", "--count", "256", "--measure", "名")
    w.run("task", "update", "1", "--add", "100")
    w.run("task", "update", "1", "--add", "28", "--note", "第二批")
    log = w.json("task", "log", "1")
    assert [r["value"] for r in log] == [100, 128]
    assert w.json("task", "list")[0]["targets"][0]["current"] == 128


def test_undo_retracts_as_a_new_row(unit):
    w = unit
    w.run("task", "add", "招聘医生", "--unit", "区卫生健康局", "--count", "256", "--measure", "名")
    w.run("task", "update", "1", "--value", "100")
    w.run("task", "update", "1", "--value", "150")
    w.run("undo")
    log = w.json("task", "log", "1")
    assert [r["action"] for r in log] == ["update", "update", "retract"]
    assert log[2]["retracts_id"] == log[1]["id"]
    assert log[1]["retracted_by"] == log[2]["id"]
    assert w.json("task", "list")[0]["targets"][0]["current"] == 100
    w.run("undo")
    assert w.json("task", "list")[0]["targets"][0]["current"] is None
    assert "没有可撤销" in w.run("undo").output


def test_done_then_status_done_and_undo_reopens(unit):
    w = unit
    w.run("task", "add", "出台行动方案", "--unit", "区卫生健康局", "--due", "2023-09-30")
    assert w.json("task", "list")[0]["status"] == "红"  # past its deadline on 2023-10-09
    w.run("task", "done", "1", "--note", "已印发")
    assert w.json("task", "list")[0]["status"] == "完成"
    assert "已是完成状态" in w.run("task", "done", "1").output
    w.run("undo")
    assert w.json("task", "list")[0]["status"] == "红"


def test_percent_for_tasks_without_numeric_targets(unit):
    w = unit
    w.run("task", "add", "推进智慧校园建设", "--unit", "区卫生健康局", "--due", "2023-12-31")
    w.run("task", "update", "1", "--percent", "60", "--note", "平台上线测试")
    assert w.json("task", "list")[0]["progress"] == 60


def test_children_roll_up_and_show_lists_them(unit):
    w = unit
    w.run("task", "add", "医院做强", "--unit", "区卫生健康局", "--due", "2023-12-31")
    w.run("task", "add", "项目封顶", "--parent", "1", "--count", "4", "--measure", "个")
    w.run("task", "add", "医院开工", "--parent", "1", "--count", "2", "--measure", "家")
    w.run("task", "update", "2", "--value", "4")
    tasks = {t["id"]: t for t in w.json("task", "list")}
    assert tasks[2]["parent_id"] == 1 and tasks[2]["unit"] == "区卫生健康局"
    assert tasks[1]["progress"] == 50.0
    assert tasks[1]["children"] == [2, 3]


def test_list_filters(unit):
    w = unit
    w.run("unit", "add", "县水利局")
    w.run("task", "add", "水库除险加固", "--unit", "县水利局", "--due", "2023-09-30")
    w.run("task", "add", "河长制巡河", "--unit", "区卫生健康局", "--due", "2023-12-31")
    assert [t["title"] for t in w.json("task", "list", "--unit", "县水利局")] == ["水库除险加固"]
    assert [t["title"] for t in w.json("task", "list", "--status", "red")] == ["水库除险加固"]
    assert [t["title"] for t in w.json("task", "list", "--status", "红")] == ["水库除险加固"]
    assert [t["title"] for t in w.json("task", "list", "--due-before", "2023-10-01")] == ["水库除险加固"]
    assert [t["title"] for t in w.json("task", "list", "--search", "巡河")] == ["河长制巡河"]
    csv_out = w.run("task", "list", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,unit,label,title")
    assert len(csv_out) == 3


def test_board_counts_per_unit(unit):
    w = unit
    w.run("task", "add", "甲", "--unit", "区卫生健康局", "--due", "2023-09-30")
    w.run("task", "add", "乙", "--unit", "区卫生健康局", "--due", "2023-12-31")
    w.run("task", "done", "2")
    [row] = w.json("board")
    assert row["unit"] == "区卫生健康局"
    assert row["counts"] == {"绿": 0, "黄": 0, "红": 1, "完成": 1}
    assert row["completion"] == 50.0
    table = w.run("board").stdout
    assert "区卫生健康局" in table and "合计" in table


def test_edit_is_logged(unit):
    w = unit
    w.run("task", "add", "甲", "--unit", "区卫生健康局", "--due", "2023-12-31")
    w.run("task", "edit", "1", "--due", "2023-11-30", "--owner", "王五")
    t = w.json("task", "show", "1")
    assert t["deadline"] == "2023-11-30" and t["owner"] == "王五"
    assert t["log"][-1]["action"] == "edit"
    assert "2023-12-31 → 2023-11-30" in t["log"][-1]["note"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["task", "show", "99"], "任务不存在"),
        (["task", "show", "abc"], "任务编号应为正整数"),
        (["task", "update", "1", "--value", "abc"], "应为数字"),
        (["task", "update", "1", "--value", "-3"], "不能为负数"),
        (["task", "update", "1", "--percent", "120"], "0 到 100"),
        (["task", "update", "1", "--value", "3", "--on", "2023-13-45"], "日期格式无效"),
        (["task", "update", "1", "--value", "3", "--on", "2024-01-01"], "不能晚于今天"),
        (["task", "update", "1", "--value", "3", "--add", "1"], "只能选一个"),
        (["task", "update", "1"], "请给出"),
        (["task", "add", "x", "--unit", "不存在的局"], "未知单位"),
        (["task", "add", "x", "--unit", "区卫生健康局", "--count", "-5"], "不能为负数"),
        (["task", "add", "x", "--unit", "区卫生健康局", "--percent", "101"], "不能超过 100"),
        (["task", "add", "x", "--unit", "区卫生健康局", "--due", "明年"], "日期格式无效"),
        (["task", "list", "--status", "purple"], "未知状态"),
        (["task", "list", "--format", "xml"], "不支持的输出格式"),
        (["task", "list", "--nope"], "未知选项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(unit, args, message):
    w = unit
    w.run("task", "add", "社康做全", "--unit", "区卫生健康局", "--count", "14", "--measure", "家")
    before = w.json("task", "show", "1")
    result = w.run(*args, ok=False)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert w.json("task", "show", "1") == before
    assert len(w.json("task", "list")) == 1


def test_percent_target_over_100_is_refused(unit):
    w = unit
    w.run("task", "add", "管理率", "--unit", "区卫生健康局", "--percent", "100")
    r = w.run("task", "update", "1", "--value", "120", ok=False)
    assert r.exit_code == 2 and "不能超过 100" in r.output
    assert w.json("task", "log", "1") == []


def test_today_option_changes_status(unit):
    w = unit
    w.run("task", "add", "甲", "--unit", "区卫生健康局", "--due", "2023-12-31")
    assert w.json("--today", "2023-07-02", "task", "list")[0]["status"] == "绿"
    assert w.json("--today", "2024-01-05", "task", "list")[0]["status"] == "红"
