"""form status and the scheduler's weekly reminder name the units that have not sent their form."""

from __future__ import annotations

from pathlib import Path

from tests.sheet_samples import county_xlsx, fill_form
from tests.test_notify import server, write_config  # noqa: F401 - the webhook server fixture

HOUSING = "县住房和城乡建设局"


def test_weekly_reminder_names_units_without_a_form(world, server):  # noqa: F811
    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()},
                     {"name": "教育群", "url": server.json_url() + "/edu", "units": ["县教育体育局"]}])
    county_xlsx(w.path / "分解表.xlsx")
    w.run("plan", "import", "分解表.xlsx")

    # no form exported yet: the weekly summary says nothing about forms
    w.run("--today", "2023-10-13", "scheduler", "run-job", "weekly")
    assert all("填报表未报送" not in got.json["message"] for got in server.received)

    forms = {f["unit"]: Path(f["path"]) for f in w.json("form", "export", "-o", "forms")}
    fill_form(forms[HOUSING], lambda ws, h, rows: ws.cell(rows[1], h["本期完成值"], 6))
    w.run("form", "import", str(forms[HOUSING]))
    before = len(server.received)
    r = w.run("--today", "2023-10-20", "scheduler", "run-job", "weekly")
    assert "Traceback" not in r.output
    new = server.received[before:]
    main = next(g.json["message"] for g in new if not g.path.endswith("/edu"))
    assert "#### 六、2023年10月填报表未报送的单位（3 个）" in main
    for unit in ("县发展和改革局", "县教育体育局", "县人力资源和社会保障局"):
        assert f"- {unit}：请尽快报送2023年10月填报表" in main
    assert f"- {HOUSING}：请尽快报送" not in main
    edu = next(g.json["message"] for g in new if g.path.endswith("/edu"))
    assert "（1 个）" in edu and "县发展和改革局" not in edu.split("#### 六")[1]

    status = w.json("form", "status")
    assert status["period"] == "2023-10"
    assert {u["unit"]: u["sent"] for u in status["units"]} == {
        "县发展和改革局": False, HOUSING: True, "县教育体育局": False, "县人力资源和社会保障局": False}
    assert w.json("form", "status", "--period", "2023-09")["units"][0]["sent"] is False
    r = w.run("form", "status", "--period", "2023年13月", ok=False)
    assert r.exit_code == 2 and "填报期格式无效" in r.output
