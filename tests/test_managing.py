"""Managing what was imported: cancel with a reason, rename and merge units, unit names by
unique prefix or alias, removing a plan import, and the change log."""

from __future__ import annotations

from pathlib import Path

from tests.plan_samples import HEALTH_2023H2, flat, write_plan


def test_cancel_keeps_the_task_apart_and_undo_restores_it(plan):
    w, ids = plan
    [before] = w.json("board")
    tid = str(ids["医院做强"])
    r = w.run("task", "cancel", tid, "--reason", "调整", "--note", "县政府常务会议决定并入新院区项目", ok=True)
    assert "已调整" in flat(r)
    [after] = w.json("board")
    assert after["total"] == before["total"] - 1 and (before["cancelled"], after["cancelled"]) == (0, 1)
    assert "另有 1 项已撤销或调整的任务" in flat(w.run("board"))
    listed = [t["id"] for t in w.json("task", "list")]
    assert int(tid) not in listed and ids["新建院区"] not in listed  # its sub-items go with it
    shown = w.json("task", "show", tid)
    assert (shown["cancelled_on"], shown["cancel_reason"]) == ("2023-10-09", "调整")
    assert shown["log"][-1]["action"] == "cancel"  # logged, never deleted
    r = w.run("task", "cancel", tid, "--reason", "不想做了", "--note", "x", ok=False)
    assert r.exit_code == 2 and "撤销或调整" in flat(r)
    w.run("undo")
    assert w.json("board")[0]["total"] == before["total"]
    assert ids["新建院区"] in [t["id"] for t in w.json("task", "list")]


def test_unit_names_by_unique_prefix_or_alias(plan):
    w, ids = plan
    w.run("unit", "add", "某县水利局")
    assert len(w.json("task", "list", "--unit", "某县卫")) == len(w.json("task", "list", "--unit", "某县卫生健康局"))
    r = w.run("task", "list", "--unit", "某县", ok=False)
    assert r.exit_code == 2 and "不唯一" in flat(r) and "某县水利局" in flat(r)
    w.run("unit", "alias", "某县卫生健康局", "卫健局")
    assert w.json("task", "list", "--unit", "卫健局")
    w.run("task", "add", "开展义诊", "--unit", "卫健局")
    assert any(t["title"] == "开展义诊" and t["unit"] == "某县卫生健康局" for t in w.json("task", "list"))


def test_rename_and_merge_units_and_reimport_finds_them(plan):
    w, ids = plan
    w.run("unit", "add", "水利局")
    w.run("task", "add", "山塘整治", "--unit", "水利局", "--count", "10", "--measure", "处")
    w.run("unit", "add", "县水利局")
    r = w.run("unit", "merge", "水利局", "--into", "县水利局")
    assert "1 项任务" in flat(r)
    units = {u["name"]: u for u in w.json("unit", "list")}
    assert "水利局" not in units and units["县水利局"]["aliases"] == ["水利局"]
    assert [t["title"] for t in w.json("task", "list", "--unit", "水利局")] == ["山塘整治"]
    w.run("unit", "rename", "某县卫生健康局", "县卫生健康局")
    again = w.json("plan", "import", str(write_plan(w.path)))  # the document still says 某县卫生健康局
    assert [u["unit"] for u in again["units"]] == ["某县卫生健康局"] and again["changed"] is False
    assert {u["name"] for u in w.json("unit", "list")} == {"县水利局", "县卫生健康局"}


def test_remove_plan_without_progress_and_with_progress_only_forced_after_backup(plan):
    w, ids = plan
    [p] = w.json("plan", "list")
    w.run("task", "update", str(ids["基层做实"]), "--value", "5")
    r = w.run("plan", "remove", str(p["id"]), ok=False)
    assert r.exit_code == 2 and "条进展记录" in flat(r) and "--force" in flat(r)
    assert len(w.json("task", "list")) == 9
    if w.is_sqlite:
        r = w.run("plan", "remove", str(p["id"]), "--force")
        backup = flat(r).split("删除前的备份：")[1].strip()
        assert Path(backup).exists()
        from tracker.db import Database

        saved = Database(f"sqlite:///{backup}")
        assert saved.conn.scalar("SELECT count(*) FROM progress_update") == 1
        saved.close()
    else:
        r = w.run("plan", "remove", str(p["id"]), "--force", ok=False)
        assert r.exit_code == 2 and "pg_dump" in flat(r)
        w.run("plan", "remove", str(p["id"]), "--force", "--backed-up")
    assert w.json("plan", "list") == [] and w.json("task", "list") == []
    # A plan without progress goes without --force.
    w.run("plan", "import", str(write_plan(w.path)))
    [p2] = w.json("plan", "list")
    assert "已删除计划" in flat(w.run("plan", "remove", str(p2["id"])))


def test_change_log_shows_every_kind_of_change_with_revisions_field_by_field(plan):
    w, ids = plan
    tid = str(ids["基层做实"])
    w.run("task", "update", tid, "--value", "9", "--by", "李明")
    w.run("task", "update", tid, "--value", "7", "--correct", "--by", "李明")
    w.run("task", "edit", tid, "--owner", "王五")
    w.run("undo")  # 测试员's edit
    w.run("task", "cancel", str(ids["智慧医疗"]), "--reason", "撤销", "--note", "省里统一建设")
    revised = HEALTH_2023H2.replace("年底前建设14家社康机构", "年底前建设16家社康机构")
    dry = w.json("plan", "import", str(write_plan(w.path, revised, "修订稿.txt")), "--dry-run")
    [details] = [d for u in dry["units"] for d in u["details"].values()]
    assert any("14家" in x and "16家" in x and "→" in x for x in details)
    w.run("plan", "import", str(write_plan(w.path, revised, "修订稿.txt")))
    rows = w.json("log")
    actions = [r["action"] for r in rows]
    assert actions[0] == "plan"
    assert ["update", "update", "edit", "retract", "cancel", "import"] == [a for a in actions if a != "plan"]
    assert [r["correction"] for r in rows if r["action"] == "update"] == [None, 1]
    imported = next(r for r in rows if r["action"] == "import")
    assert "14家 → 16家" in imported["note"].replace("≥", "")
    assert [r["action"] for r in w.json("log", "--by", "李明")] == ["update", "update"]
    assert w.json("log", "--since", "2099-01-01") == []
    assert w.json("log", "--unit", "某县卫") == rows
    table = w.run("log").output
    assert "更正" in table and "导入" in table
