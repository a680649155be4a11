"""The 填报 form files' XML, read and written by tracker itself, agrees with openpyxl's own.

Import reads the form sheet's XML directly (files.quick_values) and export writes the data rows'
XML directly (forms.rows_as_xml), both for speed. These tests hold them to openpyxl: the same
values from forms saved the ways Excel, WPS, LibreOffice and openpyxl save them, the same bytes
for the rows written, and openpyxl itself for anything in another shape.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sheet_samples import county_xlsx, fill_form

HOUSING = "县住房和城乡建设局"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS = "{" + MAIN + "}"
FORM_PART = "xl/worksheets/sheet2.xml"  # 填报说明, 填报表, _tracker


@pytest.fixture
def housing(sqlite_world):
    world = sqlite_world
    county_xlsx(world.path / "分解表.xlsx")
    world.run("plan", "import", "分解表.xlsx")
    out = world.json("form", "export", "--unit", HOUSING, "--period", "2023-10", "-o", "forms")
    return world, Path(out[0]["path"])


def typed_in(ws: Any, h: dict[str, int], rows: list[int]) -> None:
    """What people type: text and numbers, a date, a percent, a merged 填报人, a formula."""
    task_row, t1, t2 = rows[:3]
    ws.cell(t1, h["本期完成值"], "１２")
    ws.cell(t2, h["本期完成值"], "=5+7")
    ws.cell(task_row, h["完成百分比"], 0.4).number_format = "0%"
    ws.cell(task_row, h["进展情况"], "  已完成方案设计\n正在招标  ")
    ws.cell(task_row, h["存在的问题"], "资金 & 用地 <待定>")
    ws.cell(task_row, h["填报人"], "王芳")
    ws.cell(task_row, h["填报日期"], datetime(2023, 10, 8))
    ws.merge_cells(start_row=t1, start_column=h["填报人"], end_row=t2, end_column=h["填报人"])


def rewrite_form_sheet(path: Path, out: Path, change: Any) -> None:
    """Copy the workbook with its form sheet's XML tree changed by ``change(root, extra_parts)``."""
    ET.register_namespace("", MAIN)
    extra: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        root = ET.fromstring(src.read(FORM_PART))
        change(root, extra)
        for info in src.infolist():
            body = src.read(info)
            if info.filename == FORM_PART:
                body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
            elif info.filename == "[Content_Types].xml" and "xl/sharedStrings.xml" in extra:
                body = body.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                                    b"</Types>")
            dst.writestr(info, body)
        for name, body in extra.items():
            dst.writestr(name, body)


def as_shared_strings(root: ET.Element, extra: dict[str, bytes]) -> None:
    """Every text cell as an index into a shared string table, as Excel and WPS save them."""
    table: list[str] = []
    for c in root.iter(NS + "c"):
        if c.get("t") != "inlineStr":
            continue
        inline = c.find(NS + "is")
        text = "" if inline is None else "".join(t.text or "" for t in inline.iter(NS + "t"))
        for child in list(c):
            c.remove(child)
        c.set("t", "s")
        ET.SubElement(c, NS + "v").text = str(len(table))
        table.append(text)
    sst = ET.Element(NS + "sst", {"count": str(len(table)), "uniqueCount": str(len(table))})
    for text in table:
        t = ET.SubElement(ET.SubElement(sst, NS + "si"), NS + "t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    extra["xl/sharedStrings.xml"] = ET.tostring(sst, encoding="utf-8", xml_declaration=True)


def with_cached_values(values: dict[str, str]):
    """Formula cells given the values a spreadsheet program computed (``<f>`` and ``<v>``)."""

    def change(root: ET.Element, extra: dict[str, bytes]) -> None:
        for c in root.iter(NS + "c"):
            if c.find(NS + "f") is not None and c.get("r") in values:
                v = c.find(NS + "v")
                if v is None:
                    v = ET.SubElement(c, NS + "v")
                v.text = values[c.get("r") or ""]

    return change


def openpyxl_read(p: Path) -> tuple[list[list[Any]], list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    from tracker.sheets import files, forms

    wb = files.load_workbook(p, read_only=True)
    try:
        ws = wb["填报表"]
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        return values, sorted(files.merged_ranges(ws)), forms._formulas_without_values(p)
    finally:
        wb.close()


def quick_read(p: Path) -> tuple[list[list[Any]], list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    from tracker.sheets import files

    wb = files.load_workbook(p, read_only=True)
    try:
        values, merged, unvalued = files.quick_values(wb["填报表"])
        return values, sorted(merged), unvalued
    finally:
        wb.close()


def parsed(p: Path) -> tuple[list[Any], list[Any]]:
    """A form's errors and rows as parse_form reads them."""
    from tracker.sheets.forms import parse_form

    form = parse_form(p, date(2023, 10, 9))
    return [(e.row, e.column, e.message) for e in form.errors], [(r.row, r.task_id, r.target_id, r.values)
                                                                  for r in form.rows]


def test_form_filled_in_openpyxl_reads_as_openpyxl_reads_it(housing):
    world, p = housing
    fill_form(p, typed_in)
    quick = quick_read(p)
    assert quick == openpyxl_read(p)
    values, merged, unvalued = quick
    assert values[3][7] == 0.4 and values[3][12] == datetime(2023, 10, 8)
    assert values[3][8] == "  已完成方案设计\n正在招标  " and values[3][9] == "资金 & 用地 <待定>"
    assert (5, 12, 6, 12) in merged and unvalued == {(6, 7)}  # the formula was never computed


def test_form_with_shared_strings_reads_the_same_as_the_exported_one(housing, tmp_path):
    """Excel and WPS keep texts in a shared string table (openpyxl writes them inline, also when
    it saves a whole workbook): the form reads the same either way, cell for cell."""
    world, p = housing
    fill_form(p, lambda ws, h, rows: typed_in(ws, h, rows) or ws.cell(rows[2], h["本期完成值"], 1500))
    shared = tmp_path / "共享字符串.xlsx"
    rewrite_form_sheet(p, shared, as_shared_strings)
    with zipfile.ZipFile(shared) as z:
        assert b'<c r="C4" t="s">' in z.read(FORM_PART) and b"inlineStr" not in z.read(FORM_PART)
    assert quick_read(shared) == openpyxl_read(shared)
    assert quick_read(shared)[0] == quick_read(p)[0]
    assert parsed(shared) == parsed(p)
    out = world.json("form", "import", str(shared))
    assert out[0]["logged"] == 3 and out[0]["errors"] == []
    task = next(t for t in world.json("task", "list") if t["title"] == "老旧小区改造")
    assert [x["current"] for x in task["targets"] if x["kind"] == "count"] == [12, 1500]


def test_formulas_are_read_as_the_values_the_spreadsheet_computed(housing, tmp_path):
    """A sheet whose formulas carry their computed values, as a spreadsheet program saves them."""
    world, p = housing
    fill_form(p, lambda ws, h, rows: (ws.cell(rows[1], h["本期完成值"], "=5+7"),
                                      ws.cell(rows[2], h["本期完成值"], f"=G{rows[1]}*100")))
    computed = tmp_path / "已计算.xlsx"
    rewrite_form_sheet(p, computed, with_cached_values({"G5": "12", "G6": "1200"}))
    with zipfile.ZipFile(computed) as z:
        assert re.search(rb"<f>5\+7</f><v>12</v>", z.read(FORM_PART))
    assert quick_read(computed) == openpyxl_read(computed)
    assert quick_read(computed)[2] == set()
    out = world.json("form", "import", str(computed))
    assert out[0]["logged"] == 2 and out[0]["errors"] == []
    task = next(t for t in world.json("task", "list") if t["title"] == "老旧小区改造")
    assert [x["current"] for x in task["targets"] if x["kind"] == "count"] == [12, 1200]

    # one formula left without a value: that cell, and only it, is refused
    half = tmp_path / "半计算.xlsx"
    rewrite_form_sheet(p, half, with_cached_values({"G6": "1200"}))
    assert quick_read(half)[2] == openpyxl_read(half)[2] == {(5, 7)}
    r = world.run("form", "import", str(half), ok=False)
    assert r.exit_code == 2 and "“填报表”表第 5 行“本期完成值”列：公式没有计算结果" in r.output.replace("\n", "")


def test_a_sheet_in_another_shape_is_read_by_openpyxl(housing, tmp_path):
    """A cell type the quick reader does not know: openpyxl reads the sheet, as before."""
    from tracker.sheets import files

    world, p = housing
    fill_form(p, lambda ws, h, rows: ws.cell(rows[1], h["本期完成值"], 7))

    def odd(root: ET.Element, extra: dict[str, bytes]) -> None:
        for c in root.iter(NS + "c"):
            if c.get("r") == "A2":  # the line under the title
                for child in list(c):
                    c.remove(child)
                c.set("t", "x-unknown")
                ET.SubElement(c, NS + "v").text = "抄送"

    odd_file = tmp_path / "怪.xlsx"
    rewrite_form_sheet(p, odd_file, odd)
    wb = files.load_workbook(odd_file, read_only=True)
    with pytest.raises(files.UnusualSheet):
        files.quick_values(wb["填报表"])
    wb.close()
    assert parsed(odd_file) == parsed(p)
    assert world.json("form", "import", str(odd_file))[0]["logged"] == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装：无法另存表格")
def test_form_saved_again_by_libreoffice_reads_the_same(housing, tmp_path):
    world, p = housing
    fill_form(p, lambda ws, h, rows: typed_in(ws, h, rows) or ws.cell(rows[2], h["本期完成值"], 1500))
    subprocess.run(["soffice", "--headless", "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", str(tmp_path / "calc"), str(p)], check=True, capture_output=True, timeout=180)
    saved = tmp_path / "calc" / p.name
    with zipfile.ZipFile(saved) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    assert quick_read(saved) == openpyxl_read(saved)
    assert parsed(saved) == parsed(p) and parsed(p)[0] == [] and len(parsed(p)[1]) == 3


def test_exported_form_is_byte_for_byte_what_openpyxl_writes(housing, monkeypatch):
    """The rows written directly are exactly the rows openpyxl's streaming writer wrote before."""
    from tracker.sheets import forms

    world, _ = housing
    def export(folder: str, token: str) -> tuple[int, dict[str, bytes]]:
        monkeypatch.setattr(forms.secrets, "token_hex", lambda n: token)
        out = world.json("form", "export", "--unit", HOUSING, "--period", "2023-10", "-o", folder)
        with zipfile.ZipFile(out[0]["path"]) as z:  # all but docProps/core.xml (the time of writing)
            return out[0]["rows"], {n: z.read(n).replace(token.encode(), b"(id)") for n in z.namelist()
                                    if n != "docProps/core.xml"}

    rows, quick = export("quick", "0123abcd")
    monkeypatch.setattr(forms, "rows_as_xml", lambda rows: None)
    assert export("openpyxl", "4567ef89") == (rows, quick)
    assert rows >= 3 and quick[FORM_PART].count(b"<row ") == 3 + rows  # title, period, header, data


CELL = st.one_of(st.none(), st.integers(min_value=-10**20, max_value=10**20),
                 st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                 st.sampled_from(["=SUM(A1:A3)", "#N/A", "  留空格 ", "", "=", "a\rb", "x\x07y"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(min_value=1, max_value=400)),
                          st.lists(CELL, max_size=6)), max_size=5))
def test_rows_written_directly_are_the_rows_openpyxl_writes(rows):
    import io

    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    from tracker.sheets.forms import rows_as_xml

    numbered = [(n, height, values) for n, (height, values) in enumerate(rows, start=4)]
    ours = rows_as_xml(numbered)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("s")
    for _ in range(3):
        ws.append([])
    try:
        for n, height, values in numbered:
            if height:
                ws.row_dimensions[n].height = height
            ws.append(values)
        buffer = io.BytesIO()
        wb.save(buffer)
    except IllegalCharacterError:
        assert ours is None
        return
    xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    start = xml.find(b'<row r="4"')
    theirs = xml[start:xml.index(b"</sheetData>")] if start >= 0 else b""
    if ours is None:  # left to openpyxl only for what it writes as a formula, an error or not at all
        cells = [v for _, _, values in numbered for v in values]
        assert any((isinstance(v, str) and (len(v) > 1 and v[0] == "=" or v.startswith("#")))
                   or (isinstance(v, float) and (v != v or abs(v) == float("inf"))) for v in cells)
        return
    assert ours == theirs


def test_damaged_form_sheet_is_a_clear_error_and_the_other_forms_are_imported(sqlite_world, tmp_path):
    world = sqlite_world
    county_xlsx(world.path / "分解表.xlsx")
    world.run("plan", "import", "分解表.xlsx")
    paths = [Path(f["path"]) for f in world.json("form", "export", "--period", "2023-10", "-o", "forms")]
    for p in paths:
        fill_form(p, lambda ws, h, rows: ws.cell(rows[1], h["本期完成值"], 4))
    broken = paths[1]
    with zipfile.ZipFile(broken) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    parts[FORM_PART] = parts[FORM_PART][: len(parts[FORM_PART]) // 2]  # cut off half way
    with zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in parts.items():
            dst.writestr(name, body)
    r = world.run("form", "import", *map(str, paths), ok=False)
    out = r.output.replace("\n", "")
    assert r.exit_code == 2 and "Traceback" not in out and "内部错误" not in out
    assert f"{broken.name} 无法作为 Excel（.xlsx）文件读取：“填报表”表已损坏" in out
    sent = {u["unit"]: u["sent"] for u in world.json("form", "status", "--period", "2023-10")["units"]}
    assert sum(sent.values()) == len(paths) - 1
