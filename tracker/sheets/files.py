"""Spreadsheet and table files into rows of cell values, with Chinese errors for bad files.

Merged cells are filled with their value in every cell they cover, so a table reads the same
however its header or its 序号 cells were merged. Formulas are read as the values Excel or WPS
last computed (``data_only``). A hidden sheet named ``_tracker`` marks the files tracker wrote
itself (the review sheet and the 填报 forms) with their kind and ids.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from tracker.errors import InputError

MAX_BYTES = 20 * 1024 * 1024
META_SHEET = "_tracker"
TABLE_SUFFIXES = {".xlsx", ".xlsm", ".csv"}


def check_file(p: Path, what: str = "表格文件", max_bytes: int = MAX_BYTES) -> None:
    if not p.exists():
        raise InputError(f"文件不存在：{p}")
    if p.is_dir():
        raise InputError(f"这是一个文件夹，不是文件：{p}")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"文件是空的：{p.name}")
    if size > max_bytes:
        raise InputError(f"文件过大（{size / 1024 / 1024:.1f} MB）：{what}一般不超过 {max_bytes // 1024 // 1024} MB，"
                         "请检查是否选错了文件（或表中粘贴了大量图片），未导入任何内容")


def check_xlsx(p: Path, what: str = "表格文件", max_bytes: int = MAX_BYTES) -> None:
    """InputError unless the file is a real .xlsx workbook of a sensible size."""
    suffix = p.suffix.lower()
    if suffix == ".xls":
        raise InputError(f"旧版 Excel（.xls）文件无法直接读取，请在 Excel 或 WPS 中另存为 .xlsx 后再导入：{p.name}")
    if suffix == ".et":
        raise InputError(f"WPS 表格（.et）文件无法直接读取，请另存为 .xlsx 后再导入：{p.name}")
    check_file(p, what, max_bytes)
    if not zipfile.is_zipfile(p):
        raise InputError(f"{p.name} 不是有效的 Excel（.xlsx）文件：文件内容不是 xlsx 格式"
                         "（可能是改了扩展名的其他文件，请在 Excel 或 WPS 中打开后另存为 .xlsx）")
    try:
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        raise InputError(f"{p.name} 不是有效的 Excel（.xlsx）文件：文件已损坏") from None
    if "xl/workbook.xml" not in names:
        hint = "（这是 Word 文件吗？）" if "word/document.xml" in names else ""
        raise InputError(f"{p.name} 不是有效的 Excel（.xlsx）文件：压缩包里没有工作簿{hint}")


def load_workbook(p: Path, what: str = "表格文件", max_bytes: int = MAX_BYTES, read_only: bool = False) -> Any:
    """The workbook with formulas read as their computed values; read_only streams (big forms)."""
    check_xlsx(p, what, max_bytes)
    import openpyxl

    try:
        return openpyxl.load_workbook(p, data_only=True, read_only=read_only)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise InputError(f"{p.name} 无法作为 Excel（.xlsx）文件读取：文件已损坏（{type(exc).__name__}）") from None


def merged_ranges(ws: Any) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each merged range, also for a streaming sheet."""
    if hasattr(ws, "merged_cells"):
        return [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    import re

    from openpyxl.utils.cell import range_boundaries

    src = ws._get_source()  # the read-only sheet's XML; openpyxl does not read its merges
    try:
        data = src.read()
    finally:
        src.close()
    out = []
    for ref in re.findall(rb'<(?:\w+:)?mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', data):
        c1, r1, c2, r2 = range_boundaries(ref.decode())
        out.append((int(r1), int(c1), int(r2), int(c2)))  # type: ignore[arg-type]
    return out


def fill_merged(rows: list[list[Any]], ranges: list[tuple[int, int, int, int]]) -> list[list[Any]]:
    """Every cell of a merged range given the value of its top-left cell."""
    for r1, c1, r2, c2 in ranges:
        if r1 > len(rows):
            continue
        top_row = rows[r1 - 1]
        top = top_row[c1 - 1] if c1 - 1 < len(top_row) else None
        for r in range(r1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            while len(row) < c2:
                row.append(None)
            for col in range(c1, c2 + 1):
                row[col - 1] = top
    return rows


def sheet_rows(ws: Any) -> list[list[Any]]:
    """Cell values row by row, merged cells filled with their value."""
    return fill_merged([list(r) for r in ws.iter_rows(values_only=True)], merged_ranges(ws))


def workbook_meta(wb: Any) -> dict[str, str]:
    """The key/value pairs tracker wrote into its hidden sheet, or {} for anyone else's workbook."""
    if META_SHEET not in wb.sheetnames:
        return {}
    out: dict[str, str] = {}
    for row in wb[META_SHEET].iter_rows(values_only=True):
        if row and row[0] is not None:
            out[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return out


def visible_sheets(wb: Any) -> list[Any]:
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible" and ws.title != META_SHEET]


def xlsx_tables(wb: Any) -> list[tuple[str, list[list[Any]]]]:
    return [(ws.title, sheet_rows(ws)) for ws in visible_sheets(wb)]


def csv_tables(p: Path) -> list[tuple[str, list[list[Any]]]]:
    import csv
    import io

    from tracker.extract.reader import decode

    check_file(p)
    text = decode(p.read_bytes(), p.name)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    return [(p.stem, [list(r) for r in csv.reader(io.StringIO(text), dialect)])]


def docx_tables(p: Path) -> tuple[list[tuple[str, list[list[Any]]]], int, str]:
    """(tables, paragraphs of text outside the tables, first paragraph) of a .docx."""
    import docx

    try:
        document = docx.Document(str(p))
        tables = [(f"表{i + 1}", [[cell.text for cell in row.cells] for row in t.rows])
                  for i, t in enumerate(document.tables)]
        paras = [par.text.strip() for par in document.paragraphs if par.text.strip()]
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a damaged file
        raise InputError(f"{p.name} 无法作为 Word（.docx）文件读取：文件已损坏或不是 Word 文档（{type(exc).__name__}）") from None
    return tables, len(paras), " ".join(paras[:2])


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class UnusualSheet(Exception):
    """The sheet's XML is not in the shape the quick reader knows: read it with openpyxl instead."""


def quick_values(ws: Any) -> tuple[list[list[Any]], list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    """A streaming sheet's cell values, merged ranges and formula cells without a computed value.

    The values are those of ``ws.iter_rows(values_only=True)`` of a workbook opened with
    ``data_only=True`` (shared and inline strings, numbers, dates by the cell's style, booleans,
    formulas as their cached values), read straight from the sheet's XML with the workbook's
    shared strings and styles as openpyxl loaded them: openpyxl builds several objects per cell,
    which makes a 1,000-row form take about 0.1 s instead of a few hundredths. Raises
    UnusualSheet for what it does not know; openpyxl then reads the sheet.
    """
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.cell import column_index_from_string, range_boundaries
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.xml.functions import iterparse  # the parser openpyxl itself uses (defusedxml if installed)

    try:
        wb = ws.parent
        shared: Any = ws._shared_strings
        date_styles, span_styles, epoch = wb._date_formats, wb._timedelta_formats, wb.epoch
        src = ws._get_source()
        max_col, max_row = ws.max_column, ws.max_row
    except AttributeError as exc:  # another openpyxl version: its own reader still works
        raise UnusualSheet(str(exc)) from None
    ns = _MAIN_NS
    c_tag, v_tag, f_tag, is_tag, t_tag, r_tag = (ns + x for x in ("c", "v", "f", "is", "t", "r"))
    row_tag, merge_tag = ns + "row", ns + "mergeCell"
    letters: dict[str, int] = {}
    rows: list[list[Any]] = []
    merged: list[tuple[int, int, int, int]] = []
    no_value: set[tuple[int, int]] = set()
    empty: list[Any] = [None] * (max_col or 0)
    row_no = 0
    cut = False
    try:
        with src:
            for _event, el in iterparse(src):
                tag = el.tag
                if tag != row_tag and tag != merge_tag:
                    continue
                if tag == merge_tag:
                    ref = el.get("ref") or ""
                    if ":" in ref:
                        c1, r1, c2, r2 = range_boundaries(ref)
                        merged.append((int(r1), int(c1), int(r2), int(c2)))  # type: ignore[arg-type]
                    continue
                r = el.get("r")
                row_no = int(r) if r is not None and r.isdecimal() else _row_number(r, row_no)
                if cut or (max_row is not None and row_no > max_row):
                    cut = True  # openpyxl stops at the sheet's stated size (the merges come after)
                    el.clear()
                    continue
                cells: list[tuple[int, Any]] = []
                unvalued: list[int] = []
                col = 0
                for c in el:
                    if c.tag != c_tag:
                        continue
                    ref = c.get("r")
                    if ref:
                        name = ref.rstrip("0123456789")
                        col = letters.get(name) or letters.setdefault(name, column_index_from_string(name))
                    else:
                        col += 1
                    kind = c.get("t", "n")
                    value: Any = None
                    if kind == "inlineStr":
                        inline = c.find(is_tag)
                        if inline is None:
                            pass
                        elif len(inline) == 1 and inline[0].tag == t_tag:  # plain text, as nearly always
                            value = inline[0].text or ""
                        else:  # rich text: its runs' texts, without phonetic guides (as openpyxl reads it)
                            value = (inline.findtext(t_tag) or "") + "".join(
                                x.findtext(t_tag) or "" for x in inline.findall(r_tag))
                    else:
                        value = c.findtext(v_tag) or None
                        if value is None:
                            formula = c.find(f_tag)
                            if formula is not None and formula.get("t") not in ("array", "dataTable"):
                                unvalued.append(col)
                        elif kind == "n":
                            value = float(value) if "." in value or "E" in value or "e" in value else int(value)
                            style = c.get("s", 0)
                            style = int(style) if style else style
                            if style in date_styles:
                                try:
                                    value = from_excel(value, epoch, timedelta=style in span_styles)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"
                        elif kind == "s":
                            value = shared[int(value)]
                        elif kind == "b":
                            value = bool(int(value))
                        elif kind == "d":
                            value = from_ISO8601(value)
                        elif kind not in ("str", "e"):
                            raise UnusualSheet(f"cell type {kind}")
                    cells.append((col, value))
                el.clear()
                if row_no <= len(rows):  # a row out of order: openpyxl skips it too
                    continue
                while len(rows) < row_no - 1:
                    rows.append(list(empty))
                width = max_col or (cells[-1][0] if cells else 0)
                values: list[Any] = [None] * width
                for j, value in cells:
                    if j <= width:
                        values[j - 1] = value
                rows.append(values)
                no_value.update((row_no, j) for j in unvalued)
    except UnusualSheet:
        raise
    except (ParseError, KeyError, IndexError, ValueError, TypeError) as exc:
        raise UnusualSheet(f"{type(exc).__name__}: {exc}") from None
    if cut and max_row is not None:
        while len(rows) < max_row:
            rows.append(list(empty))
    return rows, merged, no_value


def _row_number(text: str | None, previous: int) -> int:
    if text is None:
        return previous + 1
    value = float(text)  # openpyxl accepts 5.0 (a ValueError otherwise)
    if not value.is_integer():
        raise ValueError(f"row number {text}")
    return int(value)
