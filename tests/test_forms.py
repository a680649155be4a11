"""填报 forms: export, fill in as a person would (openpyxl), import back; bad forms refused."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.sheet_samples import county_xlsx, fill_form

HOUSING = "县住房和城乡建设局"


@pytest.fixture
def forms(world):
    county_xlsx(world.path / "分解表.xlsx")
    world.run("plan", "import", "分解表.xlsx")
    out = world.json("form", "export", "--period", "2023-10", "-o", "forms")
    return world, {f["unit"]: Path(f["path"]) for f in out}


def flat(result) -> str:
    """The command's output with the terminal's line wrapping undone."""
    return result.output.replace("\n", "")


def progress_count(world) -> int:
    return sum(len(world.json("task", "log", str(t["id"]))) for t in world.json("task", "list"))


def housing_task(world) -> dict:
    return next(t for t in world.json("task", "list") if t["title"] == "老旧小区改造")


def test_export_writes_one_locked_form_per_unit(forms):
    import openpyxl

    world, paths = forms
    assert set(paths) == {"县发展和改革局", HOUSING, "县教育体育局", "县人力资源和社会保障局"}
    wb = openpyxl.load_workbook(paths[HOUSING])
    assert wb.sheetnames[:2] == ["填报说明", "填报表"]
    assert wb["_tracker"].sheet_state == "veryHidden"
    ws = wb["填报表"]
    assert ws.protection.sheet is True
    header = [c.value for c in ws[3]]
    for col in ("本期完成值", "完成百分比", "进展情况", "存在的问题", "下一步措施", "填报人", "填报日期"):
        assert col in header
    names = [ws.cell(r, 3).value for r in range(4, ws.max_row + 1)]
    assert names[0] == "2.老旧小区改造" and names[1].strip().startswith("指标1")
    value_col = header.index("本期完成值") + 1
    from openpyxl.utils import get_column_letter

    def column(name):
        return ws.column_dimensions[get_column_letter(header.index(name) + 1)]

    # the columns to fill are unlocked (a column's style governs its empty cells), the rest locked
    for name in ("本期完成值", "完成百分比", "进展情况", "存在的问题", "下一步措施", "填报人", "填报日期"):
        assert column(name).protection.locked is False, name
    for name in ("任务编号", "工作任务 / 指标", "目标", "当前值"):
        assert column(name).protection.locked is True, name
    assert column("行标识").hidden is True
    # yellow where a row is to be filled, grey where not: 本期完成值 only on target rows
    rules = {str(cf.sqref): [(r.formula, r.dxf.fill.fgColor.rgb) for r in cf.rules] for cf in ws.conditional_formatting}
    value_range = next(k for k in rules if k.startswith(get_column_letter(value_col)))
    assert sorted(rules[value_range]) == [(['$B4<>""'], "00FFF2CC"), (['$B4=""'], "00F2F2F2")]
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"decimal", "date"} <= kinds


def test_filled_form_round_trip_as_a_person_types(forms):
    world, paths = forms
    p = paths[HOUSING]

    def edit(ws, h, rows):
        task_row, t1, t2 = rows
        ws.cell(t1, h["本期完成值"], "１２")  # full-width digits, typed as text
        ws.cell(t2, h["本期完成值"], " 1,500 ")  # thousands separator, spaces
        ws.cell(task_row, h["完成百分比"], "40%")
        ws.cell(task_row, h["进展情况"], "已完成12个小区的方案设计")
        ws.cell(task_row, h["存在的问题"], "部分居民意见不统一")
        ws.cell(task_row, h["下一步措施"], "逐户上门做工作")
        ws.cell(task_row, h["填报人"], "王芳")
        ws.cell(task_row, h["填报日期"], "10月8日")
        ws.insert_rows(t2 + 1)  # an empty row inserted at the end
        ws.merge_cells(start_row=t1, start_column=h["填报人"], end_row=t2, end_column=h["填报人"])

    fill_form(p, edit)
    dry = world.json("form", "import", str(p), "--dry-run")
    assert dry[0]["logged"] == 3 and dry[0]["written"] is False and dry[0]["errors"] == []
    assert progress_count(world) == 0
    out = world.json("form", "import", str(p))
    assert out[0]["logged"] == 3 and out[0]["written"] is True
    t = housing_task(world)
    assert [x["current"] for x in t["targets"] if x["kind"] == "count"] == [12, 1500]
    log = world.json("task", "log", str(t["id"]))
    notes = [r for r in log if r["note"]]
    assert notes[0]["author"] == "王芳" and notes[0]["happened_on"] == "2023-10-08"
    assert notes[0]["percent"] == 40
    assert "存在的问题：部分居民意见不统一" in notes[0]["note"]
    assert {r["author"] for r in log} == {"王芳"}  # target rows take their task row's 填报人
    assert {r["happened_on"] for r in log} == {"2023-10-08"}

    # the same form again logs nothing new
    again = world.json("form", "import", str(p))
    assert again[0]["logged"] == 0 and again[0]["unchanged"] == 3 and again[0]["duplicate_of"]
    assert len(world.json("task", "log", str(t["id"]))) == 3

    # the weekly report's three columns come from the form
    from tracker.reports.notes import split_note

    parts = split_note(notes[0]["note"])
    assert (parts.progress, parts.problems, parts.next_steps) == (
        "已完成12个小区的方案设计", "部分居民意见不统一", "逐户上门做工作")
    world.run("report", "weekly", "--format", "md", "-o", "周报.md")
    report = (world.path / "周报.md").read_text(encoding="utf-8")
    for line in ("**进展情况**：已完成12个小区的方案设计", "**存在的问题**：部分居民意见不统一",
                 "**下一步措施**：逐户上门做工作"):
        assert line in report

    status = world.json("form", "status", "--period", "2023-10")
    sent = {u["unit"]: u["sent"] for u in status["units"]}
    assert sent[HOUSING] is True and sent["县教育体育局"] is False
    text = world.run("form", "status", "--period", "2023-10").output
    assert "催办" in text and "县教育体育局" in text.split("催办")[1]


def test_bad_cells_are_reported_and_nothing_is_written(forms):
    world, paths = forms
    p = paths[HOUSING]

    def edit(ws, h, rows):
        task_row, t1, t2 = rows
        ws.cell(t1, h["本期完成值"], "约三十")
        ws.cell(t2, h["本期完成值"], 20)
        ws.cell(task_row, h["完成百分比"], 140)
        ws.cell(task_row, h["填报日期"], "13月40日")

    fill_form(p, edit)
    r = world.run("form", "import", str(p), ok=False)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "“填报表”表第 5 行“本期完成值”列：“约三十”不是数字" in flat(r)
    assert "第 4 行“完成百分比”列" in flat(r) and "第 4 行“填报日期”列" in flat(r)
    assert "整表未导入" in flat(r)
    assert progress_count(world) == 0

    partial = world.json("form", "import", str(p), "--partial")
    assert partial[0]["written"] is True and partial[0]["logged"] == 1 and partial[0]["skipped_rows"] == 2
    assert [x["current"] for x in housing_task(world)["targets"] if x["kind"] == "count"] == [None, 20]


def test_wrong_unit_and_copied_rows_are_refused(forms):
    world, paths = forms
    p = paths[HOUSING]
    fill_form(p, lambda ws, h, rows: ws.cell(rows[1], h["本期完成值"], 3))
    r = world.run("form", "import", str(p), "--unit", "县教育体育局", ok=False)
    assert r.exit_code == 2 and f"这是“{HOUSING}”的填报表，不是“县教育体育局”的" in flat(r)

    # a row copied from the education bureau's form into the housing form
    import openpyxl

    edu = openpyxl.load_workbook(paths["县教育体育局"])["填报表"]
    edu_row = [c.value for c in edu[5]]

    def paste(ws, h, rows):
        for j, v in enumerate(edu_row, start=1):
            ws.cell(rows[-1] + 1, j, v)
        ws.cell(rows[-1] + 1, h["本期完成值"], 2)

    fill_form(p, paste)
    r = world.run("form", "import", str(p), ok=False)
    assert r.exit_code == 2 and f"不是“{HOUSING}”牵头的任务（属于“县教育体育局”）" in flat(r)
    assert progress_count(world) == 0


def test_old_period_and_unknown_form_are_refused(world):
    county_xlsx(world.path / "分解表.xlsx")
    world.run("plan", "import", "分解表.xlsx")
    old = world.json("form", "export", "--unit", HOUSING, "--period", "2023-09", "-o", "old")[0]["path"]
    fill_form(Path(old), lambda ws, h, rows: ws.cell(rows[1], h["本期完成值"], 3))
    r = world.run("form", "import", old, ok=False)
    assert r.exit_code == 2 and "2023年9月（2023-09）的填报表，已过期" in flat(r) and "2023-10" in flat(r)
    assert progress_count(world) == 0

    import openpyxl

    wb = openpyxl.load_workbook(old)
    meta = wb["_tracker"]
    for row in meta.iter_rows():
        if row[0].value == "form_id":
            row[1].value = "F202310-1-deadbeef"
    wb.save(old)
    r = world.run("form", "import", old, ok=False)
    assert r.exit_code == 2 and "不是本系统导出的填报表" in flat(r)


def test_deleted_column_renamed_file_and_huge_file(forms, tmp_path):
    world, paths = forms
    p = paths[HOUSING]

    def delete(ws, h, rows):
        ws.delete_cols(h["存在的问题"])

    fill_form(p, delete)
    r = world.run("form", "import", str(p), ok=False)
    assert r.exit_code == 2 and "缺少“存在的问题”列" in flat(r)

    fake = world.path / "填报表.xlsx"
    fake.write_text("序号,任务\n1,修路\n", encoding="utf-8")
    r = world.run("form", "import", str(fake), ok=False)
    assert r.exit_code == 2 and "不是有效的 Excel（.xlsx）文件" in flat(r)

    big = world.path / "大文件.xlsx"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    r = world.run("form", "import", str(big), ok=False)
    assert r.exit_code == 2 and "文件过大（50.0 MB）" in flat(r)

    word = world.path / "其实是Word.xlsx"
    import docx

    docx.Document().save(str(word))
    r = world.run("form", "import", str(word), ok=False)
    assert r.exit_code == 2 and "压缩包里没有工作簿" in flat(r)
    r = world.run("form", "import", str(world.path / "分解表.xlsx"), ok=False)
    assert r.exit_code == 2 and "不是 tracker 导出的填报表" in flat(r)
    assert progress_count(world) == 0


def test_formula_without_a_computed_value_is_an_error(forms):
    world, paths = forms
    p = paths[HOUSING]
    fill_form(p, lambda ws, h, rows: ws.cell(rows[1], h["本期完成值"], "=5+7"))
    r = world.run("form", "import", str(p), ok=False)
    assert r.exit_code == 2 and "公式没有计算结果" in flat(r)
    assert progress_count(world) == 0


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装：无法让表格计算公式")
def test_formulas_are_read_as_their_values(forms, tmp_path):
    world, paths = forms
    p = paths[HOUSING]
    fill_form(p, lambda ws, h, rows: (ws.cell(rows[1], h["本期完成值"], "=5+7"),
                                      ws.cell(rows[2], h["本期完成值"], f"=G{rows[1]}*100")))
    # LibreOffice opens, computes and saves the workbook, as Excel or WPS would
    outdir = tmp_path / "calc"
    subprocess.run(["soffice", "--headless", "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", str(outdir), str(p)], check=True, capture_output=True, timeout=180)
    saved = outdir / p.name
    out = world.json("form", "import", str(saved))
    assert out[0]["logged"] == 2, out
    assert [x["current"] for x in housing_task(world)["targets"] if x["kind"] == "count"] == [12, 1200]


def test_commands_stay_light(sqlite_world):
    """openpyxl is not imported by the hot commands."""
    import json
    import sys

    code = ("import sys; from tracker.cli import app\n"
            "from typer.testing import CliRunner\n"
            "CliRunner().invoke(app, ['task', 'list'])\n"
            "print(__import__('json').dumps(['openpyxl' in sys.modules, 'docx' in sys.modules]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(r.stdout.strip().splitlines()[-1]) == [False, False]


def test_refused_form_leaves_no_submission(forms):
    world, paths = forms
    p = paths[HOUSING]
    fill_form(p, lambda ws, h, rows: (ws.cell(rows[0], h["进展情况"], "已开工"), ws.cell(rows[1], h["本期完成值"], "x")))
    world.run("form", "import", str(p), ok=False)
    assert progress_count(world) == 0
    status = {u["unit"]: u for u in world.json("form", "status", "--period", "2023-10")["units"]}
    assert status[HOUSING]["sent"] is False and status[HOUSING]["logged"] == 0


def test_form_dated_before_a_later_entry_does_not_overwrite_it(forms):
    """Progress is ordered by the day it happened: a form dated earlier than an entry already
    logged is recorded, but the later entry stays the current value."""
    world, paths = forms
    t = housing_task(world)
    world.run("task", "update", str(t["id"]), "--target", "1", "--value", "9", "--on", "2023-10-09")
    p = paths[HOUSING]

    def edit(ws, h, rows):
        ws.cell(rows[0], h["填报日期"], "2023/10/5")
        ws.cell(rows[1], h["本期完成值"], 12)
        ws.cell(rows[2], h["本期完成值"], 700)

    fill_form(p, edit)
    out = world.json("form", "import", str(p))
    assert out[0]["logged"] == 2
    t = housing_task(world)
    assert [x["current"] for x in t["targets"] if x["kind"] == "count"] == [9, 700]
    log = world.json("task", "log", str(t["id"]))
    assert sorted((r["happened_on"], r["value"]) for r in log) == [
        ("2023-10-05", 12), ("2023-10-05", 700), ("2023-10-09", 9)]


def test_several_forms_at_once_are_read_in_parallel_and_written_each_alone(forms, monkeypatch):
    """Four files: read by worker processes; a bad one is refused, the others are recorded."""
    from tracker.sheets import forms as form_module

    monkeypatch.setattr(form_module, "PARALLEL_BYTES", 0)  # small files, but through the workers
    monkeypatch.setattr(form_module, "PARALLEL_ROWS", 0)
    world, paths = forms
    again = world.json("form", "export", "--period", "2023-10", "-o", "forms")  # written by workers too
    assert sorted(f["unit"] for f in again) == sorted(paths)
    paths = {f["unit"]: Path(f["path"]) for f in again}
    for unit, p in paths.items():
        bad = unit == "县教育体育局"
        fill_form(p, lambda ws, h, rows, bad=bad: ws.cell(rows[1], h["本期完成值"], "很多" if bad else 5))
    r = world.run("form", "import", *map(str, paths.values()), ok=False)
    assert r.exit_code == 2
    out = r.output.replace("\n", "")
    assert "县教育体育局_2023-10_填报表.xlsx（县教育体育局，2023-10） 有 1 处错误，整表未导入" in out
    status = {u["unit"]: u["sent"] for u in world.json("form", "status", "--period", "2023-10")["units"]}
    assert status == {"县发展和改革局": True, HOUSING: True, "县教育体育局": False, "县人力资源和社会保障局": True}
    currents = {t["unit"]: t["targets"][0]["current"] for t in world.json("task", "list")}
    assert currents == {"县发展和改革局": 5, HOUSING: 5, "县教育体育局": None, "县人力资源和社会保障局": 5}
