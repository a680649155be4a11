"""The review sheet (立项审核表) and the JSON of plan parse: reviewed, then imported as they say."""

from __future__ import annotations

import json
from datetime import datetime

import openpyxl
import pytest

from tests.sheet_samples import county_xlsx

PROSE = (
    "某县统计局2023年上半年工作总结和下半年工作计划\n"
    "一、上半年工作总结\n上半年完成各项调查12项。\n"
    "二、下半年工作计划\n"
    "（一）做好经济普查。确保9月底前完成普查登记，登记率达到100%。\n"
    "（二）加强统计执法。年内开展执法检查不少于20次。\n"
    "（三）提升数据质量。力争培训统计人员约300人次，其中：\n"
    "1.乡镇统计员培训达到150人次；\n"
    "2.企业统计人员培训达到150人次。\n"
)


def snapshot(world) -> list:
    """What the tasks and targets say, without ids, sources or times."""
    out = []
    for t in world.json("task", "list"):
        out.append((t["unit"], t["label"], t["title"], t["owner"], t["deadline"],
                    [(x["kind"], x["value"], x["min"], x["max"], x["comparator"], x["measure"], x["subject"],
                      x["commitment"], x["deadline"], x["quote"]) for x in t["targets"]]))
    return out


def rows_of(ws) -> dict:
    header = {c.value: c.column for c in ws[1]}
    return header, [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value is not None]


def review_sheet(world, source: str):  # type: ignore[no-untyped-def]
    """``plan parse SOURCE -f xlsx -o 审核.xlsx``, opened: (path, workbook, sheet, header, rows)."""
    world.run("plan", "parse", source, "-f", "xlsx", "-o", "审核.xlsx")
    p = world.path / "审核.xlsx"
    wb = openpyxl.load_workbook(p)
    ws = wb["立项审核"]
    h, rows = rows_of(ws)
    return p, wb, ws, h, rows


@pytest.fixture
def prose(world):
    (world.path / "统计局.txt").write_text(PROSE, encoding="utf-8")
    return world


def test_unedited_review_sheet_imports_what_the_file_would(prose, tmp_path, monkeypatch):
    w = prose
    out = w.run("plan", "parse", "统计局.txt", "--format", "xlsx", "-o", "立项审核.xlsx").output
    assert "已写入立项审核表" in out
    wb = openpyxl.load_workbook(w.path / "立项审核.xlsx")
    ws = wb["立项审核"]
    header, rows = rows_of(ws)
    for col in ("单位", "编号", "标题", "上级", "指标类型", "数值", "比较", "计量单位", "对象", "承诺", "截止日期",
                "牵头单位", "配合单位", "原文", "保留", "存疑原因"):
        assert col in header
    assert {ws.cell(r, header["保留"]).value for r in rows} == {"是"}
    assert {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"} >= {'"是,否"', '"条目,指标"'}
    doubts = [ws.cell(r, header["存疑原因"]).value for r in rows]
    assert any(d and "约数" in d for d in doubts)

    w.run("plan", "import", "立项审核.xlsx")
    via_sheet = snapshot(w)
    # the same file imported directly into another database gives the same tasks and targets
    monkeypatch.setenv("TRACKER_DB", f"sqlite:///{tmp_path / 'direct.db'}")
    w.run("plan", "import", "统计局.txt")
    assert snapshot(w) == via_sheet and len(via_sheet) == 5


def test_review_with_rows_dropped_and_values_edited(prose):
    w = prose
    p, wb, ws, h, rows = review_sheet(w, "统计局.txt")
    by_title = {ws.cell(r, h["标题"]).value: r for r in rows if ws.cell(r, h["类型"]).value == "条目"}
    law = by_title["加强统计执法"]
    ws.cell(law + 1, h["数值"], "２５")  # 20 → 25, typed as full-width text
    ws.cell(law + 1, h["截止日期"], datetime(2023, 11, 30))
    ws.cell(law, h["标题"], "强化统计执法检查")
    quality = by_title["提升数据质量"]
    ws.cell(quality, h["保留"], "否")  # drops its two sub-items and their targets too
    census = by_title["做好经济普查"]
    pct_row = next(r for r in rows if ws.cell(r, h["上级"]).value == ws.cell(census, h["行号"]).value
                   and ws.cell(r, h["指标类型"]).value == "百分比")
    ws.cell(pct_row, h["保留"], "否")
    ws.insert_rows(law + 2)  # a new target typed in by the reviewer
    for key, v in (("类型", "指标"), ("上级", ws.cell(law, h["行号"]).value), ("指标类型", "数量"), ("数值", 4),
                   ("计量单位", "次"), ("对象", "联合执法"), ("原文", "开展联合执法4次")):
        ws.cell(law + 2, h[key], v)
    wb.save(p)

    w.run("plan", "import", "审核.xlsx")
    tasks = {t["title"]: t for t in w.json("task", "list")}
    assert set(tasks) == {"做好经济普查", "强化统计执法检查"}
    law_t = tasks["强化统计执法检查"]
    assert [(x["value"], x["deadline"], x["subject"]) for x in law_t["targets"]] == [
        (25, "2023-11-30", "执法检查"), (4, None, "联合执法")]
    assert [x["kind"] for x in tasks["做好经济普查"]["targets"]] == ["deadline"]


def test_bad_review_cells_are_listed_and_nothing_imported(prose):
    w = prose
    p, wb, ws, h, rows = review_sheet(w, "统计局.txt")
    target = next(r for r in rows if ws.cell(r, h["类型"]).value == "指标")
    ws.cell(target, h["数值"], "二十几")
    ws.cell(target + 1, h["指标类型"], "多少")
    ws.cell(rows[0], h["保留"], "也许")
    wb.save(p)
    r = w.run("plan", "import", "审核.xlsx", ok=False)
    text = r.output.replace("\n", "")
    assert r.exit_code == 2 and "3 处错误，未导入" in text
    assert f"第 {target} 行“数值”列：“二十几”不是数字" in text
    assert f"第 {target + 1} 行“指标类型”列" in text and "Traceback" not in r.output
    assert w.json("plan", "list") == []


def test_table_review_keeps_units_and_edits_lead(world):
    county_xlsx(world.path / "分解表.xlsx")
    p, wb, ws, h, rows = review_sheet(world, "分解表.xlsx")
    r = next(r for r in rows if ws.cell(r, h["标题"]).value == "就业促进")
    assert ws.cell(r, h["存疑原因"]).value is None
    ws.cell(r, h["牵头单位"], "县就业服务中心")
    ws.cell(r, h["配合单位"], "县人力资源和社会保障局、县财政局")
    ws.cell(r, h["截止日期"], "2023-12-31")
    wb.save(p)
    world.run("plan", "import", "审核.xlsx")
    t = next(t for t in world.json("task", "list") if t["title"] == "就业促进")
    assert t["unit"] == "县就业服务中心" and t["deadline"] == "2023-12-31"
    assert [x["title"] for x in world.json("task", "list", "--unit", "县财政局")
            if x["role"] == "配合"] == ["推进重点项目建设", "老旧小区改造", "就业促进"]


def test_json_output_is_accepted_the_same_way(prose):
    w = prose
    doc = w.json("plan", "parse", "统计局.txt")
    doc["units"][0]["items"][1]["targets"][0]["value"] = 30
    del doc["units"][0]["items"][2]
    (w.path / "审核.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    w.run("plan", "import", "审核.json")
    tasks = {t["title"]: t for t in w.json("task", "list")}
    assert set(tasks) == {"做好经济普查", "加强统计执法"}
    assert tasks["加强统计执法"]["targets"][0]["value"] == 30
    (w.path / "坏.json").write_text('{"units": [{"name": 1}]}', encoding="utf-8")
    r = w.run("plan", "import", "坏.json", ok=False)
    assert r.exit_code == 2 and "不是 tracker plan parse --format json 的输出" in r.output.replace("\n", "")


def test_xlsx_format_needs_an_output_file(prose):
    r = prose.run("plan", "parse", "统计局.txt", "--format", "xlsx", ok=False)
    assert r.exit_code == 2 and "-o" in r.output
