"""`tracker outcome import`: a year-end summary read against an imported plan, logged once with --apply."""

from __future__ import annotations

PLAN = """某县农业农村局2023年工作要点

一、发展现代农业
（一）稳定粮食生产。新建高标准农田5万亩，新发展设施农业3000亩以上。
（二）壮大农业经营主体。新培育市级以上龙头企业8家。
（三）改善人居环境。改造农村卫生厕所2000户。
"""

SUMMARY = """某县农业农村局2023年工作总结

——2024年1月8日

一、主要工作成效
全年建成高标准农田5.6万亩，新发展设施农业2800亩，新培育市级以上龙头企业9家，粮食总产稳定在30万吨以上。
二、2024年工作打算
新建高标准农田6万亩。
"""


def _imported(world, tmp_path):  # type: ignore[no-untyped-def]
    """The sample plan imported for 某县农业农村局, and its year-end summary written beside it."""
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    summary = tmp_path / "summary.txt"
    summary.write_text(SUMMARY, encoding="utf-8")
    world.run("plan", "import", str(plan), "--unit", "某县农业农村局")
    return summary, world.json("plan", "list")[0]["id"]


def test_review_then_apply_logs_once(world, tmp_path):
    summary, pid = _imported(world, tmp_path)

    review = world.json("outcome", "import", str(summary), "--plan", str(pid))
    by_quote = {t["quote"]: t for t in review["targets"]}
    farmland = next(t for q, t in by_quote.items() if "高标准农田" in q)
    assert farmland["outcome"]["value"] == 5.6 and farmland["verdict"] == "met"
    facility = next(t for q, t in by_quote.items() if "设施农业" in q)
    assert facility["outcome"]["value"] == 2800 and facility["verdict"] == "not_met"
    toilets = next(t for q, t in by_quote.items() if "卫生厕所" in q)
    assert toilets["outcome"] is None and toilets["verdict"] == "not_mentioned"
    assert review["applied"] == []

    first = world.json("--today", "2024-02-01", "outcome", "import", str(summary), "--plan", str(pid), "--apply")
    assert len(first["applied"]) == 3
    assert {a["on"] for a in first["applied"]} == {"2024-01-08"}  # dated as the summary is
    second = world.json("--today", "2024-02-01", "outcome", "import", str(summary), "--plan", str(pid), "--apply")
    assert second["applied"] == []

    tasks = world.json("task", "list")
    task_id = next(t["id"] for t in tasks if "粮食" in t["title"])
    log = world.json("task", "log", str(task_id))
    mine = [e for e in log if e.get("author") == "年终总结导入"]
    assert len(mine) == 2 and any("5.6万亩" in (e.get("note") or "") for e in mine)


def test_unknown_plan_is_a_clear_error(world, tmp_path):
    summary = tmp_path / "summary.txt"
    summary.write_text(SUMMARY, encoding="utf-8")
    r = world.run("outcome", "import", str(summary), "--plan", "99", ok=False)
    assert r.exit_code == 2 and "计划不存在" in r.output


def test_yearend_report_sets_the_summary_beside_the_log(world, tmp_path):
    summary, pid = _imported(world, tmp_path)
    tasks = world.json("task", "list")
    grain = next(t for t in tasks if "粮食" in t["title"])
    farmland_index = next(i for i, x in enumerate(grain["targets"], 1) if "高标准农田" in x["quote"])
    # the unit logged 4.8万亩 in December; the summary will say 5.6万亩
    world.run("--today", "2023-12-20", "task", "update", str(grain["id"]), "--target", str(farmland_index),
              "--value", "4.8", "--note", "12月填报")
    before = world.run("--today", "2024-02-01", "report", "yearend", "--year", "2023", "--format", "md",
                       "-o", str(tmp_path / "before.md")).output
    assert "年终总结对照" not in (tmp_path / "before.md").read_text(encoding="utf-8"), before
    world.run("--today", "2024-02-01", "outcome", "import", str(summary), "--plan", str(pid), "--apply")
    world.run("--today", "2024-02-01", "report", "yearend", "--year", "2023", "--format", "md",
              "-o", str(tmp_path / "after.md"))
    md = (tmp_path / "after.md").read_text(encoding="utf-8")
    assert "五、年终总结对照" in md and "总结所称" in md
    silent = md.split("总结未提及的指标")[1].split("总结与填报不一致")[0]
    assert "卫生厕所" in silent and "高标准农田" not in silent
    contra = md.split("总结与填报不一致")[1]
    assert "高标准农田" in contra and "4.8" in contra and "5.6" in contra


def test_outcome_parse_bad_input_is_a_chinese_message(world, tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    r = world.run("outcome", "parse", str(tmp_path / "none.txt"), "--plan", str(plan), ok=False)
    assert r.exit_code == 2 and "文件不存在" in r.output
    broken = tmp_path / "plan.json"
    broken.write_text("{not json", encoding="utf-8")
    summary = tmp_path / "summary.txt"
    summary.write_text(SUMMARY, encoding="utf-8")
    r = world.run("outcome", "parse", str(summary), "--plan", str(broken), ok=False)
    assert r.exit_code == 2 and "计划 JSON" in r.output
    r = world.run("outcome", "parse", str(summary), "--plan", str(plan), "--year", "1800", ok=False)
    assert r.exit_code == 2 and "--year" in r.output
    for body in ('{"units": [1, 2]}', '{"units": [{"items": [{"targets": [{"kind": "count", "unit": 5}]}]}]}',
                 '{"targets": [{"kind": "件数", "value": 3}]}', '{"plan_year": "明年", "targets": []}', "[1, 2]",
                 '{"targets": [{"kind": "count", "value": "十"}]}', '{"nothing": true}'):
        broken.write_text(body, encoding="utf-8")
        r = world.run("outcome", "parse", str(summary), "--plan", str(broken), ok=False)
        assert r.exit_code == 2 and "计划 JSON" in r.output, (body, r.output)


def test_outcome_parse_table_lists_silent_drops(world, tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    summary = tmp_path / "summary.txt"
    summary.write_text(SUMMARY, encoding="utf-8")
    out = world.run("outcome", "parse", str(summary), "--plan", str(plan)).output
    assert "总结未提及的指标（1 项）" in out and "改造农村卫生厕所2000户" in out.split("总结未提及的指标")[1]
    assert "未完成" in out and "2800亩" in out


def test_values_a_target_cannot_hold_are_skipped_not_half_applied(world, tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("某县商务局2023年工作要点\n一、扩大开放\n（一）外贸。外贸进出口总额增长20%以上。\n"
                    "（二）招商。新签约项目30个。\n", encoding="utf-8")
    summary = tmp_path / "summary.txt"
    summary.write_text("某县商务局2023年工作总结\n一、工作成效\n全年进出口总额增长126%，新签约项目34个。\n", encoding="utf-8")
    world.run("plan", "import", str(plan), "--unit", "某县商务局")
    pid = world.json("plan", "list")[0]["id"]
    out = world.json("--today", "2024-01-20", "outcome", "import", str(summary), "--plan", str(pid), "--apply")
    assert [a["value"] for a in out["applied"]] == [34]
    assert [s["value"] for s in out["skipped"]] == [126]
    trade = next(t for t in out["targets"] if "进出口" in t["quote"])
    assert trade["verdict"] == "met"
