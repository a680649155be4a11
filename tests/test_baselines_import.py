"""Baselines from a document's own 上半年总结: shown on import, applied as start values only when asked."""

from __future__ import annotations

DOC = """某区卫生健康局2023年上半年工作总结和下半年工作计划

一、上半年工作总结
（一）社区医院建设。全力推进社区卫生服务站新建和改扩建。本年度拟新建12家，目前已建成3家。
（二）项目建设。列入年度计划的续建项目共计40个，竣工项目18个，竣工率为60%。
（三）健康服务。开展送医下乡义诊活动8场。
二、下半年工作计划
（一）社康做全。建设9家社区卫生服务站。
（二）项目攻坚。确保全年新竣工投产项目30个。
（三）人才引进。引进高层次医学团队5个。
（四）健康服务。开展送医下乡义诊活动20场。
"""


def _write(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_text(DOC, encoding="utf-8")
    return p


def test_parse_shows_baselines_and_off_hides_them(world, tmp_path):
    p = _write(tmp_path)
    data = world.json("plan", "parse", str(p))
    targets = {t["quote"]: t for u in data["units"] for it in u["items"] for t in it["targets"]}
    projects = targets["确保全年新竣工投产项目30个"]["baseline"]
    assert projects["value"] == 18 and projects["source"] == "据上半年总结"
    remainder = targets["建设9家社区卫生服务站"]["baseline"]
    assert remainder["annual_target"] == 12 and remainder["verdict"] == "unclear"
    assert targets["引进高层次医学团队5个"]["baseline"] is None
    off = world.json("plan", "parse", str(p), "--baselines", "off")
    assert all("baseline" not in t for u in off["units"] for it in u["items"] for t in it["targets"])


def test_review_does_not_apply_then_apply_sets_start_values(world, tmp_path):
    p = _write(tmp_path)
    review = world.json("plan", "import", str(p))
    rows = review["units"][0]["baselines"]
    assert rows and not any(b["applied"] for b in rows)
    starts = {x["quote"]: x["start"] for t in world.json("task", "list") for x in t["targets"]}
    assert starts["确保全年新竣工投产项目30个"] is None

    applied = world.json("plan", "import", str(p), "--baselines", "apply")
    by_quote = {b["target_quote"]: b for b in applied["units"][0]["baselines"]}
    assert by_quote["确保全年新竣工投产项目30个"]["applied"] is True
    assert by_quote["建设9家社区卫生服务站"]["applied"] is False  # the remainder of 12: no "3 of 9"
    clinics = by_quote["开展送医下乡义诊活动20场"]
    assert clinics["value"] == 8 and clinics["applied"] is False  # may be 20 more in H2: shown, not applied
    assert "剩余" in by_quote["建设9家社区卫生服务站"]["message"]
    tasks = world.json("task", "list")
    target = next(x for t in tasks for x in t["targets"] if x["quote"] == "确保全年新竣工投产项目30个")
    assert target["start"] == 18 and target["start_source"] == "据上半年总结"
    task_id = next(t["id"] for t in tasks if any(x["id"] == target["id"] for x in t["targets"]))
    shown = world.run("task", "show", str(task_id)).output
    assert "起始值 18" in shown and "据上半年总结" in shown

    again = world.json("plan", "import", str(p), "--baselines", "apply")  # the same file again: nothing new
    assert again["changed"] is False

    # a start value from elsewhere (set by hand) is never overwritten by apply
    from tracker import store

    ctx = world.context()
    ctx.db.write(lambda c: store.update_target(c, target["id"], start_value=10, start_source=None, start_quote=None))
    world.json("plan", "import", str(p), "--baselines", "apply")
    target = next(x for t in world.json("task", "list") for x in t["targets"] if x["id"] == target["id"])
    assert target["start"] == 10 and target["start_source"] is None


def test_bad_baselines_mode_is_a_clear_error(world, tmp_path):
    r = world.run("plan", "import", str(_write(tmp_path)), "--baselines", "yes", ok=False)
    assert r.exit_code == 2 and "--baselines" in r.output
