"""A report as an Excel workbook: a summary sheet first, one sheet per unit, then the lists.

Each table of the report that names a sheet becomes that sheet, also when it is empty (the same
sheets every week): its title in row 1, the header in row 2 (frozen, with a filter), numbers
stored as numbers, percentages as fractions rounded as every other format shows them (0.1 %),
dates as dates, status cells filled 红/黄/绿/完成, thin borders, named fonts (宋体), column widths
from the content and row heights for wrapped text (LibreOffice and WPS do not grow rows
themselves). Every sheet prints on A4 landscape, fitted to the page width, with the title rows
repeated and page numbers in the footer. The charts of the HTML report are drawn on a sheet
图表 (openpyxl charts over their figures); a last sheet 说明 holds the title, period, summary
paragraph and issuing line.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import date
from pathlib import Path
from typing import Any

from tracker.reports.layout import RIGHT, Chart, Doc, Para, Table, cn_date

STATUS_FILL = {"绿": "C8E6C9", "黄": "FFF59D", "红": "FFCDD2", "完成": "BBDEFB"}
RESULT_FILL = {"超额完成": "BBDEFB", "完成": "BBDEFB", "逾期完成": "D1C4E9", "基本完成": "C8E6C9", "未完成": "FFCDD2",
               "无进展": "E0E0E0"}
FONT = "宋体"
LINE_HEIGHT = 15.0  # points per line of 11 pt text
HEADER_FILL = "D9E1F2"
FORMATS = {"int": "0", "num": "General", "pct": "0.0%", "bar": "0.0%", "pts": "+0.0;-0.0;0.0", "pt1": "0.0",
           "rank": '"↑"0;"↓"0;"—"', "date": "yyyy-mm-dd"}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_INDENT = re.compile(r"^(　+)")


@functools.lru_cache(maxsize=65536)
def _width(s: str) -> int:
    """Display width in characters (CJK count two); remembered: names and figures repeat."""
    if s.isascii():
        return len(s)
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
        return round(round(float(v), 1) / 100, 6)  # as shown: 28.75 % is 28.8 % here too
    if kind in ("pts", "pt1"):
        return round(float(v), 1)
    if kind in ("int", "rank"):
        return int(v)
    if kind == "num":
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
        self.arrays: dict[str, Any] = {}
        self.keys: dict[tuple[Any, ...], str] = {}

    def apply(self, cell: Any, name: str) -> None:
        """Give a cell a named style: looked up by name once, then the style array is shared
        (a write-only cell is written out as soon as its row is appended, never changed)."""
        arr = self.arrays.get(name)
        if arr is None:
            cell.style = name
            self.arrays[name] = cell._style
        else:
            cell._style = arr

    def get(self, kind: str = "", fill: str | None = None, bold: bool = False, indent: int = 0,
            wrap: bool = False, head: bool = False) -> str:
        key = (kind, fill, bold, indent, wrap, head)
        known = self.keys.get(key)
        if known is not None:
            return known
        name = f"tracker-{kind}-{fill or ''}-{int(bold)}-{indent}-{int(wrap)}-{int(head)}"
        self.keys[key] = name
        if name in self.names:
            return name
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        st = NamedStyle(name=name)
        thin = Side(style="thin", color="000000")
        st.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        if head:
            st.font = Font(name=FONT, size=11, bold=True)
            st.fill = PatternFill("solid", fgColor=HEADER_FILL)
            st.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        else:
            st.font = Font(name=FONT, size=11, bold=bold)
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


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide."""
    room = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(_width(part) / room)) for part in text.split("\n"))


def _print_setup(ws: Any, title: str, columns: int) -> None:
    """A4 landscape, fitted to the page width, title rows repeated, page numbers in the footer."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.print_title_rows = "1:2"
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.center.font = FONT
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT


def _charts_sheet(wb: Any, charts: list[Chart], taken: set[str]) -> None:
    """The HTML report's charts as Excel charts, each over a small table of its figures."""
    from openpyxl.chart import BarChart, LineChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.styles import Font

    ws = wb.create_sheet(sheet_name("图表", taken))
    _print_setup(ws, "图表", 14)  # before the first row: a write-only sheet writes its properties first
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 12
    row = 1
    bold = Font(name=FONT, size=11, bold=True)
    plain = Font(name=FONT, size=11)
    from openpyxl.cell import WriteOnlyCell

    def cell(value: Any, font: Any = plain, fmt: str | None = None) -> Any:
        c = WriteOnlyCell(ws, value=value)
        c.font = font
        if fmt:
            c.number_format = fmt
        return c

    placed = []
    if not charts:
        ws.append([cell("暂无可绘制的数据。")])
    for ch in charts:
        first = row
        if ch.kind == "shares":
            ws.append([cell(ch.title, bold), cell("项数", bold)])
            for label, n, _key in ch.items:
                ws.append([cell(str(label)), cell(int(n))])
        else:
            heads = [cell(ch.title, bold), cell("完成度", bold)] + ([cell(ch.ref_label, bold)] if ch.ref is not None else [])
            ws.append(heads)
            for label, value, *_ in ch.items:
                extra = [cell(round(round(ch.ref, 1) / 100, 6), fmt="0.0%")] if ch.ref is not None else []
                ws.append([cell(str(label)), cell(round(round(float(value), 1) / 100, 6), fmt="0.0%"), *extra])
        last = row + len(ch.items)
        n = max(1, len(ch.items))
        chart: Any
        if ch.kind == "shares":
            chart = PieChart()
            chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
            chart.dataLabels = DataLabelList(showPercent=True, showVal=False, showCatName=False, showSerName=False,
                                             showLegendKey=False)
        elif ch.kind == "bars":
            chart = BarChart()
            chart.type = "bar"
            chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = 1
            chart.dataLabels = DataLabelList(showVal=True, showPercent=False, showCatName=False, showSerName=False,
                                             showLegendKey=False)
            if ch.ref is not None:  # 序时进度 as a second series beside each bar
                chart.add_data(Reference(ws, min_col=3, min_row=first, max_row=last), titles_from_data=True)
            chart.height = min(18.0, max(9.0, 0.9 * n + 3))
        else:
            chart = LineChart()
            chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.min = 0
        chart.title = ch.title
        chart.legend.position = "b"
        chart.width = 18
        if ch.kind != "bars":
            chart.height = 9.0
        placed.append((chart, first))
        row = last + 2
        ws.append([])
    at = 1
    for chart, _first in placed:  # one under the other, each about 2 rows a centimetre
        ws.add_chart(chart, f"E{at}")
        at += int(chart.height * 2) + 2


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
        col_widths = []
        for j, w in enumerate(widths):
            if kinds[j] in RIGHT:
                width = max(8, min(14, w + 2))
            else:
                width = max(6, min(50, w + 2))
                if j == 0 and kinds[j] == "text":
                    width = max(width, 20)
            col_widths.append(width)
            ws.column_dimensions[get_column_letter(j + 1)].width = width
        heading = f"{doc.title}　{t.title or name}"
        _print_setup(ws, heading, len(kinds))
        ws.freeze_panes = "A3"
        if t.rows:
            ws.auto_filter.ref = f"A2:{get_column_letter(len(kinds))}{len(t.rows) + 2}"
        title = WriteOnlyCell(ws, value=heading)
        title.font = Font(name=FONT, size=14, bold=True)
        ws.row_dimensions[1].height = 24
        ws.append([title])
        head = styles.get(head=True)
        cells = []
        for c in t.cols:
            cell = WriteOnlyCell(ws, value=c.name)
            styles.apply(cell, head)
            cells.append(cell)
        ws.row_dimensions[2].height = LINE_HEIGHT * max(_lines(c.name, w) for c, w in zip(t.cols, col_widths, strict=True))
        ws.append(cells)
        if not t.rows:
            cell = WriteOnlyCell(ws, value=t.empty or "（无）")
            styles.apply(cell, styles.get("text"))
            ws.append([cell])
        fill_cols = {j for j, c in enumerate(t.cols) if c.kind in ("status", "result")}
        last = len(values) - 1
        for i, (row, depth) in enumerate(zip(values, indents, strict=True)):
            bold = t.total_row and i == last
            out: list[Any] = []
            lines = 1
            for j, (k, x) in enumerate(zip(kinds, row, strict=True)):
                fill = (STATUS_FILL if k == "status" else RESULT_FILL).get(x.split("（")[0]) \
                    if j in fill_cols and isinstance(x, str) else None
                wrap = (k == "text" and isinstance(x, str) and len(x) * 2 + 2 * depth.get(j, 0) > col_widths[j] - 1.5
                        and _width(x) + 2 * depth.get(j, 0) > col_widths[j] - 1.5)
                if wrap:
                    lines = max(lines, _lines(x, col_widths[j] - 2 * depth.get(j, 0)))
                cell = WriteOnlyCell(ws, value=x)
                styles.apply(cell, styles.get(k, fill, bold, min(depth.get(j, 0), 15), wrap))
                out.append(cell)
            if lines > 1:
                ws.row_dimensions[i + 3].height = LINE_HEIGHT * lines + 2
            ws.append(out)

    charts = [b for b in doc.blocks if isinstance(b, Chart)]
    if charts:  # the sheet is there also when there is nothing to draw (the same sheets every time)
        _charts_sheet(wb, [c for c in charts if c.items], taken)

    notes = wb.create_sheet(sheet_name("说明", taken))
    notes.column_dimensions["A"].width = 120
    _print_setup(notes, doc.title, 1)
    title = WriteOnlyCell(notes, value=doc.title)
    title.font = Font(name=FONT, bold=True, size=14)
    notes.append([title])
    texts = [doc.subtitle] + [b.text for b in doc.blocks if isinstance(b, Para) and not b.lead][:1]
    if doc.issued is not None:
        texts += [t for t in (doc.issuer, cn_date(doc.issued)) if t]
    for i, text in enumerate(texts, 2):
        cell = WriteOnlyCell(notes, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(name=FONT, size=11)
        notes.row_dimensions[i].height = LINE_HEIGHT * _lines(text, 120) + 2
        notes.append([cell])
    wb.properties.title = doc.title
    wb.save(str(path))
