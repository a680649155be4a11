"""Edits (checked, real old values, target deadlines moving along, undoable) and undo (the
current user's latest entry or a named one; an undo is logged and can itself be undone)."""

from __future__ import annotations

from tests.plan_samples import flat


def test_deadline_before_the_start_is_refused(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    r = w.run("task", "edit", tid, "--due", "2023-06-30", ok=False)
    assert r.exit_code == 2 and "早于任务开始日期 2023-07-01" in flat(r)
    r = w.run("task", "edit", tid, "--start", "2024-01-10", ok=False)
    assert r.exit_code == 2 and "晚于截止日期" in flat(r)
    assert w.json("task", "log", tid) == []


def test_edit_shows_the_real_old_deadline_and_moves_target_deadlines(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    assert w.json("task", "show", tid)["targets"][0]["deadline"] == "2023-12-31"
    r = w.run("task", "edit", tid, "--due", "2023-11-30", "--owner", "王五")
    assert "截止日期：2023-12-31 → 2023-11-30" in flat(r)
    assert "（空）" not in flat(r).split("责任人")[0]
    t = w.json("task", "show", tid)
    assert t["deadline"] == "2023-11-30" and t["owner"] == "王五"
    assert t["targets"][0]["deadline"] == "2023-11-30"
    assert t["log"][-1]["action"] == "edit"


def test_edit_is_undone_and_the_undo_can_be_undone(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    w.run("task", "edit", tid, "--due", "2023-11-30")
    r = w.run("undo")
    assert "已撤销记录" in flat(r)
    t = w.json("task", "show", tid)
    assert t["deadline"] == "2023-12-31" and t["targets"][0]["deadline"] == "2023-12-31"
    undo_row = t["log"][-1]
    assert undo_row["action"] == "retract" and undo_row["undoes_id"] == t["log"][0]["id"]
    w.run("undo", str(undo_row["id"]))  # undo the undo: the edit applies again
    t = w.json("task", "show", tid)
    assert t["deadline"] == "2023-11-30" and t["targets"][0]["deadline"] == "2023-11-30"
    assert [e["action"] for e in t["log"]] == ["edit", "retract", "edit"]


def test_undo_takes_the_current_users_latest_entry_not_someone_elses(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    w.run("task", "update", tid, "--value", "5")  # by 测试员 (TRACKER_USER)
    w.run("task", "update", tid, "--value", "7", "--by", "李明")
    r = w.run("undo")
    assert "测试员" in flat(r)
    log = w.json("task", "log", tid)
    assert log[0]["undone_by"] is not None and log[1]["undone_by"] is None
    assert w.json("task", "show", tid)["targets"][0]["current"] == 7
    w.run("undo", "--by", "李明")
    assert w.json("task", "show", tid)["targets"][0]["current"] is None
    assert "没有可撤销的记录" in w.run("undo").output


def test_current_user_comes_from_config_when_no_env(plan, monkeypatch):
    w, ids = plan
    monkeypatch.delenv("TRACKER_USER")
    (w.path / "config.toml").write_text(f'[database]\nurl = "{w.db_url}"\n[user]\nname = "王芳"\n', encoding="utf-8")
    tid = str(ids["基层做实"])
    w.run("task", "update", tid, "--value", "4")
    w.run("task", "update", tid, "--value", "6", "--by", "赵强")
    assert [e["author"] for e in w.json("task", "log", tid)] == ["王芳", "赵强"]
    assert "王芳" in flat(w.run("undo"))
    assert w.json("task", "show", tid)["targets"][0]["current"] == 6


def test_named_entry_undo_and_redo(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    w.run("task", "update", tid, "--value", "5", "--on", "2023-09-01")
    w.run("task", "update", tid, "--value", "9", "--on", "2023-10-01")
    first, second = w.json("task", "log", tid)
    w.run("undo", str(first["id"]))
    assert w.json("task", "show", tid)["targets"][0]["current"] == 9
    r = w.run("undo", str(first["id"]), ok=False)
    assert r.exit_code == 2 and "已于记录" in flat(r)
    w.run("undo", str(second["id"]))
    assert w.json("task", "show", tid)["targets"][0]["current"] is None
    undo_of_second = w.json("task", "log", tid)[-1]
    r = w.run("undo", str(undo_of_second["id"]))
    assert "恢复记录" in flat(r)
    t = w.json("task", "show", tid)
    assert t["targets"][0]["current"] == 9
    assert t["log"][-1]["happened_on"] == "2023-10-01"  # restored as it was dated
    r = w.run("undo", "9999", ok=False)
    assert r.exit_code == 2 and "记录不存在" in flat(r)


def test_undo_of_done_reopens(plan):
    w, ids = plan
    tid = str(ids["智慧医疗"])
    w.run("task", "done", tid, "--note", "平台验收")
    assert w.json("task", "show", tid)["status"] == "完成"
    w.run("undo")
    assert w.json("task", "show", tid)["status"] != "完成"
