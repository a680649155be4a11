"""A report as an Excel workbook: a summary sheet first, one sheet per unit, then the lists.

Each table of the report that names a sheet becomes that sheet: header in row 1 (frozen, with a
filter), numbers stored as numbers, percentages as fractions formatted 0.0%, dates as dates,
status cells filled 红/黄/绿/完成, column widths from the content. A last sheet 说明 holds the
title, period and summary paragraph.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from tracker.reports.layout import RIGHT, Doc, Para, Table

STATUS_FILL = {"绿": "C8E6C9", "黄": "FFF59D", "红": "FFCDD2", "完成": "BBDEFB"}
RESULT_FILL = {"超额完成": "BBDEFB", "完成": "BBDEFB", "基本完成": "C8E6C9", "未完成": "FFCDD2", "无进展": "E0E0E0"}
HEADER_FILL = "D9E1F2"
FORMATS = {"int": "0", "num": "General", "pct": "0.0%", "bar": "0.0%", "pts": "+0.0;-0.0;0.0",
           "rank": '"↑"0;"↓"0;"—"', "date": "yyyy-mm-dd"}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_INDENT = re.compile(r"^(　+)")


def _width(s: str) -> int:
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in s)


def sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET.sub("_", name).strip("'") or "表"
    base = base[:31]
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"({n})"
        candidate = base[:31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _value(kind: str, v: Any) -> Any:
    if v is None or v == "":
        return None
    if kind in ("pct", "bar"):
        return float(v) / 100
    if kind in ("int", "rank"):
        return int(v)
    if kind in ("num", "pts"):
        x = float(v)
        return int(x) if x.is_integer() else x
    if kind == "date":
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(str(v)[:10])
        except ValueError:
            return str(v)
    return str(v)


def _tables_by_sheet(doc: Doc) -> list[tuple[str, Table]]:
    tables = [(b.sheet, b) for b in doc.blocks if isinstance(b, Table) and b.sheet]
    first = [x for x in tables if x[0] == "汇总"]
    return first + [x for x in tables if x[0] != "汇总"]


class _Styles:
    """Named cell styles, created on first use (a named style costs one lookup a cell, where a
    font or fill set on each cell would be hashed each time)."""

    def __init__(self, wb: Any):
        self.wb = wb
        self.names: set[str] = set()

    def get(self, kind: str = "", fill: str | None = None, bold: bool = False, indent: int = 0,
            wrap: bool = False, head: bool = False) -> str:
        name = f"tracker-{kind}-{fill or ''}-{int(bold)}-{indent}-{int(wrap)}-{int(head)}"
        if name in self.names:
            return name
        from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

        st = NamedStyle(name=name)
        if head:
            st.font = Font(bold=True)
            st.fill = PatternFill("solid", fgColor=HEADER_FILL)
            st.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        else:
            st.font = Font(bold=bold)
            if fill:
                st.fill = PatternFill("solid", fgColor=fill)
            st.alignment = Alignment(vertical="top", wrap_text=wrap, indent=indent,
                                     horizontal="center" if kind in ("status", "result") else None)
            fmt = FORMATS.get(kind)
            if fmt:
                st.number_format = fmt
        self.wb.add_named_style(st)
        self.names.add(name)
        return name


def _sheet_rows(t: Table) -> tuple[list[list[Any]], list[dict[int, int]], list[int]]:
    """Cell values, the indentation found in text cells, and column widths (in characters)."""
    kinds = [c.kind for c in t.cols]
    widths = [_width(c.name) for c in t.cols]
    out, indents = [], []
    for row in t.rows:
        values = []
        depth: dict[int, int] = {}
        for j, (k, v) in enumerate(zip(kinds, row, strict=True)):
            x = _value(k, v)
            if isinstance(x, str):
                if x.startswith("　"):
                    m = _INDENT.match(x)
                    assert m is not None
                    depth[j] = len(m.group(1))
                    x = x[len(m.group(1)):]
                w = _width(x) + 2 * depth.get(j, 0)
                if w > widths[j]:
                    widths[j] = w
            elif x is not None and widths[j] < 10:
                widths[j] = 12 if k == "date" else 8
            values.append(x)
        out.append(values)
        indents.append(depth)
    return out, indents, widths


def write(doc: Doc, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    styles = _Styles(wb)
    taken: set[str] = set()

    for name, t in _tables_by_sheet(doc):
        ws = wb.create_sheet(sheet_name(name, taken))
        kinds = [c.kind for c in t.cols]
        values, indents, widths = _sheet_rows(t)
        for j, w in enumerate(widths):
            if kinds[j] in RIGHT:
                width = max(8, min(14, w + 2))
            else:
                width = max(6, min(50, w + 2))
                if j == 0 and kinds[j] == "text":
                    width = max(width, 20)
            ws.column_dimensions[get_column_letter(j + 1)].width = width
        ws.freeze_panes = "A2"
        if t.rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(kinds))}{len(t.rows) + 1}"
        head = styles.get(head=True)
        cells = []
        for c in t.cols:
            cell = WriteOnlyCell(ws, value=c.name)
            cell.style = head
            cells.append(cell)
        ws.append(cells)
        fill_cols = {j for j, c in enumerate(t.cols) if c.kind in ("status", "result")}
        plain = {"text", "int", "num", "date"}  # General (or openpyxl's date format) is right for these
        last = len(values) - 1
        for i, (row, depth) in enumerate(zip(values, indents, strict=True)):
            bold = t.total_row and i == last
            out: list[Any] = []
            for j, (k, x) in enumerate(zip(kinds, row, strict=True)):
                fill = (STATUS_FILL if k == "status" else RESULT_FILL).get(x) if j in fill_cols and isinstance(x, str) \
                    else None
                wrap = k == "text" and isinstance(x, str) and len(x) > 20
                if not (bold or fill or wrap or j in depth) and (k in plain or x is None):
                    out.append(x)
                    continue
                cell = WriteOnlyCell(ws, value=x)
                cell.style = styles.get(k, fill, bold, min(depth.get(j, 0), 15), wrap)
                out.append(cell)
            ws.append(out)

    notes = wb.create_sheet(sheet_name("说明", taken))
    notes.column_dimensions["A"].width = 120
    title = WriteOnlyCell(notes, value=doc.title)
    title.font = Font(bold=True, size=14)
    notes.append([title])
    texts = [doc.subtitle] + [b.text for b in doc.blocks if isinstance(b, Para) and not b.lead][:1]
    for text in texts:
        cell = WriteOnlyCell(notes, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        notes.append([cell])
    wb.properties.title = doc.title
    wb.save(str(path))
