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

openpyxl writes the workbook (styles, sheets, print setup, charts); the data rows of the tables
are written as worksheet XML, the cells openpyxl would write with the same named styles, and put
into the saved package: openpyxl's cell objects take seconds for a year-end report's half a
million cells. The rows are compressed where they are made (``tracker.reports.package``), the
later sheets' by a forked child.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tracker.reports import package
from tracker.reports.layout import RIGHT, Chart, Doc, Para, Table, cn_date
from tracker.width import text_width

STATUS_FILL = {"绿": "C8E6C9", "黄": "FFF59D", "红": "FFCDD2", "完成": "BBDEFB"}
RESULT_FILL = {"超额完成": "BBDEFB", "完成": "BBDEFB", "逾期完成": "D1C4E9", "基本完成": "C8E6C9", "未完成": "FFCDD2",
               "无进展": "E0E0E0"}
FONT = "宋体"
LINE_HEIGHT = 15.0  # points per line of 11 pt text
HEADER_FILL = "D9E1F2"
FORMATS = {"int": "0", "num": "General", "pct": "0.0%", "bar": "0.0%", "pts": "+0.0;-0.0;0.0", "pt1": "0.0",
           "rank": '"↑"0;"↓"0;"—"', "date": "yyyy-mm-dd"}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
# The forked child's part of the sheets' rows, by cells: a little under half, since the parent's
# own part is done before it waits, and the child's first touch of each page of the parent's
# memory copies it (bench/PROFILE.md, ninth pass).
CHILD_SHARE = 0.45


@functools.lru_cache(maxsize=65536)
def _width(s: str) -> int:
    """Display width in characters (CJK count two); remembered: names and figures repeat."""
    return text_width(s)


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
        self.ids: dict[tuple[Any, ...], int] = {}  # a cell style's id by its key (``_style_ids``)

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


def _column_values(kind: str, raw: list[Any]) -> list[Any]:
    """``_value`` over a column (the common kinds without a call a cell)."""
    if kind in ("text", "status", "result"):
        return [None if v is None or v == "" else str(v) for v in raw]
    if kind in ("pct", "bar"):
        return [None if v is None or v == "" else round(round(float(v), 1) / 100, 6) for v in raw]
    if kind in ("int", "rank"):
        return [None if v is None or v == "" else int(v) for v in raw]
    return [_value(kind, v) for v in raw]


@functools.lru_cache(maxsize=4096)
def to_excel(day: date) -> float:
    """A date as Excel's serial number, as openpyxl writes it (remembered: deadlines repeat)."""
    from openpyxl.utils.datetime import to_excel as serial

    return float(serial(day))


def _sheet_columns(t: Table) -> tuple[list[list[Any]], list[list[int]], list[int]]:
    """Cell values by column, the indentation found in text cells, and column widths (in
    characters)."""
    columns: list[list[Any]] = []
    depths: list[list[int]] = []
    widths: list[int] = []
    raw_columns = list(zip(*t.rows, strict=True)) if t.rows else [() for _ in t.cols]
    for c, raw in zip(t.cols, raw_columns, strict=True):
        k = c.kind
        values = _column_values(k, list(raw))
        depth = [0] * len(values)
        width = _width(c.name)
        wide = 12 if k == "date" else 8
        for i, x in enumerate(values):
            if isinstance(x, str):
                w = 0
                if x.startswith("　"):
                    rest = x.lstrip("　")
                    w = depth[i] = len(x) - len(rest)
                    x = values[i] = rest
                w = _width(x) + 2 * w
                if w > width:
                    width = w
            elif x is not None and width < 10:
                width = wide
        columns.append(values)
        depths.append(depth)
        widths.append(width)
    return columns, depths, widths


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


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses in a cell
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(s: str) -> str:
    """A cell's text as openpyxl writes it (escaped; at most 32,767 characters)."""
    if len(s) > 32767:
        s = s[:32767]
    if not _SPECIAL.search(s):
        return s
    s = _ILLEGAL.sub("", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\r", "&#13;") if "\r" in s else s


def _column_xml(letter: str, kind: str, values: list[Any], depths: list[int], width: float, first: int,
                bold: bool, style_id: Any) -> tuple[list[str], list[int] | None]:
    """One column's cells (rows ``first`` on) as worksheet XML, and the lines each wrapped text
    takes (None: nothing wraps)."""

    out: list[str] = []
    lines: list[int] | None = None
    fills = STATUS_FILL if kind == "status" else RESULT_FILL if kind == "result" else None
    plain = style_id((kind, None, bold, 0, False))
    if (kind in RIGHT or kind == "date") and not any(isinstance(x, str) for x in values):
        # Figures and dates: one style for the column, no text to look at.
        pre, mid, empty = f'<c r="{letter}', f'" s="{plain}" t="n"><v>', f'" s="{plain}" t="n"></c>'
        if kind == "date":
            values = [None if x is None else to_excel(x) for x in values]
        if not all(map(math.isfinite, (x for x in values if x is not None))):
            values = [_number(x) for x in values]
        return [f"{pre}{n}{mid}{x:.16g}</v></c>" if x is not None else f"{pre}{n}{empty}"
                for n, x in enumerate(values, first)], None
    room = width - 1.5
    pre, text_plain, none_cell = f'<c r="{letter}', f'" s="{plain}" t="inlineStr"><is><t', f'" s="{plain}" t="n"></c>'
    special = _SPECIAL.search
    is_text = kind == "text"
    texts = [x for x in values if isinstance(x, str)]
    # One look over the whole column says whether any of its texts needs escaping or cutting.
    escape = special("".join(texts)) is not None or max(map(len, texts), default=0) > 32767
    heads: dict[tuple[Any, ...], str] = {}  # a styled cell's opening by (fill, depth, wrap)
    for i, x in enumerate(values):
        if isinstance(x, str):
            d = depths[i]
            fill = fills.get(x.split("（")[0]) if fills is not None else None
            wrap = is_text and len(x) * 2 + 2 * d > room and _width(x) + 2 * d > room
            if wrap:
                if lines is None:
                    lines = [1] * len(values)
                lines[i] = _lines(x, width - 2 * d)
            if d or fill or wrap:
                head = heads.get((fill, d, wrap))
                if head is None:
                    head = heads[fill, d, wrap] = \
                        f'" s="{style_id((kind, fill, bold, min(d, 15), wrap))}" t="inlineStr"><is><t'
            else:
                head = text_plain
            space = ' xml:space="preserve"' if x != x.strip() else ""
            body = _xml_text(x) if escape and (special(x) or len(x) > 32767) else x
            out.append(f"{pre}{first + i}{head}{space}>{body}</t></is></c>")
        elif x is None:
            out.append(f"{pre}{first + i}{none_cell}")
        else:
            v = to_excel(x) if isinstance(x, date) else _number(x)
            out.append(f'{pre}{first + i}" s="{plain}" t="n"><v>{v:.16g}</v></c>')
    return out, lines


def _rows_xml(t: Table, columns: list[list[Any]], depths: list[list[int]], col_widths: Sequence[float],
              style_id: Callable[[tuple[Any, ...]], Any]) -> bytes:
    """The data rows of a table sheet (from row 3) as worksheet XML: the cells openpyxl's
    write-only sheet would write for them, with the same named styles (``style_id`` of a style's
    key), without its per-cell objects (hundreds of thousands of cells in a year-end report).
    Built a column at a time."""
    from openpyxl.utils import get_column_letter

    n = len(t.rows)
    if not n:
        return b""
    cells: list[list[str]] = []
    lines: list[list[int]] = []
    plain_rows = n - 1 if t.total_row else n  # the 合计 row is bold
    for j, c in enumerate(t.cols):
        args = (get_column_letter(j + 1), c.kind)
        xml, wrapped = _column_xml(*args, columns[j][:plain_rows], depths[j][:plain_rows], col_widths[j], 3, False,
                                   style_id)
        if plain_rows < n:
            tail, tail_lines = _column_xml(*args, columns[j][plain_rows:], depths[j][plain_rows:], col_widths[j],
                                           3 + plain_rows, True, style_id)
            xml += tail
            if wrapped is not None or tail_lines is not None:
                wrapped = (wrapped or [1] * plain_rows) + (tail_lines or [1])
        cells.append(xml)
        if wrapped is not None:
            lines.append(wrapped)
    heights = [max(row) for row in zip(*lines, strict=True)] if lines else [1] * n
    out = [f'<row r="{i}"{_height(h)}>{"".join(row)}</row>'
           for i, h, row in zip(range(3, n + 3), heights, zip(*cells, strict=True), strict=True)]
    return "".join(out).encode("utf-8")  # the parts are UTF-8 (openpyxl's own text is ASCII with references)


class _Blank(float):
    """A number openpyxl writes as an empty value (NaN, infinity)."""

    def __format__(self, spec: str) -> str:
        return ""


def _number(x: Any) -> Any:
    return x if x is None or math.isfinite(x) else _Blank(0)


def _height(lines: int) -> str:
    return f' ht="{LINE_HEIGHT * lines + 2:.16g}" customHeight="1"' if lines > 1 else ""


def _style_ids(styles: _Styles, ws: Any) -> Callable[[tuple[Any, ...]], int]:
    """The workbook's id of a named style by its key, the style made on first use (its cells on
    ``ws``); the ids are kept in ``styles.ids``."""
    ids = styles.ids

    def style_id(key: tuple[Any, ...]) -> int:
        sid = ids.get(key)
        if sid is None:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(ws)
            styles.apply(cell, styles.get(*key))
            sid = ids[key] = cell.style_id
        return sid

    return style_id


def _col_widths(t: Table, widths: list[int]) -> list[float]:
    """Column widths (in characters) from the widest content: figures 8–14, text 6–50, a first
    text column at least 20."""
    out: list[float] = []
    for j, (c, w) in enumerate(zip(t.cols, widths, strict=True)):
        if c.kind in RIGHT:
            out.append(max(8, min(14, w + 2)))
        else:
            width = max(6, min(50, w + 2))
            out.append(max(width, 20) if j == 0 and c.kind == "text" else width)
    return out


_TOKEN = re.compile(rb"\x01(\d+)\x02")


def _sheets_xml(tables: list[Table], known: dict[tuple[Any, ...], int], deflate: bool = False) -> list[
        tuple[list[int], bytes | package.Piece, list[tuple[Any, ...]]]]:
    """For each table: its content widths, and its data rows as worksheet XML, for a process
    without the workbook (``tracker.parallel``). A style the workbook had made (``known``, by its
    key) is written with its id; another one's id is a token (``\x01n\x02``: the n-th such key
    first used in the table, listed third). A cell's text never holds ``\x01`` (``_xml_text``).
    With ``deflate``, rows without tokens come compressed (``package.deflated``)."""
    out: list[tuple[list[int], bytes | package.Piece, list[tuple[Any, ...]]]] = []
    for t in tables:
        keys: dict[tuple[Any, ...], str] = {}
        widths, rows = _table_rows(t, functools.partial(_token, known, keys))
        out.append((widths, package.deflated([rows]) if deflate and not keys else rows, list(keys)))
    return out


def _token(known: dict[tuple[Any, ...], int], keys: dict[tuple[Any, ...], str], key: tuple[Any, ...]) -> Any:
    """A style key's id when ``known``, else its token in ``keys`` (its place among the unknown
    keys first used before it)."""
    sid = known.get(key)
    if sid is not None:
        return sid
    found = keys.get(key)
    if found is None:
        found = keys[key] = f"\x01{len(keys)}\x02"
    return found


def _untokened(xml: bytes, keys: list[tuple[Any, ...]], style_id: Callable[[tuple[Any, ...]], int]) -> bytes:
    """``_sheets_xml``'s rows with the workbook's style ids, the styles made in the order the
    rows first use them (the order one process makes them in)."""
    ids = [str(style_id(key)).encode() for key in keys]
    return _TOKEN.sub(lambda m: ids[int(m[1])], xml)


def _splice(saved: bytes, rows_xml: dict[str, package.Piece], path: Path) -> None:
    """The saved workbook with each table sheet's data rows put at the end of its sheetData."""

    def pieces(name: str, data: bytes) -> list[package.Piece] | None:
        rows = rows_xml.get(name)
        if rows is None or not rows.size:
            return None
        at = data.rindex(b"</sheetData>")
        return [package.deflated([data[:at]]), rows, package.deflated([data[at:]])]

    package.rewrite(saved, path, pieces)


def _twin(tables: list[Table], split: int | None) -> int | None:
    """The first table before ``split`` that has rows and the columns of the table at ``split``
    (the first one the child makes); None when there is none, or no child."""
    if split is None:
        return None
    shape = [c.kind for c in tables[split].cols]
    return next((i for i in range(split) if tables[i].rows and [c.kind for c in tables[i].cols] == shape), None)


def _table_rows(t: Table, style_id: Callable[[tuple[Any, ...]], Any]) -> tuple[list[int], bytes]:
    """A table's content widths and its data rows as worksheet XML."""
    columns, depths, widths = _sheet_columns(t)
    return widths, _rows_xml(t, columns, depths, _col_widths(t, widths), style_id)


def write(doc: Doc, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from tracker import parallel

    wb = Workbook(write_only=True)
    styles = _Styles(wb)
    taken: set[str] = set()
    rows_xml: list[tuple[Any, package.Piece]] = []

    sheets = _tables_by_sheet(doc)
    # Above parallel.MIN_CELLS, the later sheets' rows (CHILD_SHARE of the cells) are made by a forked child meanwhile.
    weights = [len(t.rows) * len(t.cols) for _, t in sheets]
    split = parallel.halfway(weights, share=CHILD_SHARE)
    twin = _twin([t for _, t in sheets], split)
    later: parallel.Pending | None = None
    made: list[tuple[list[int], bytes | package.Piece, list[tuple[Any, ...]]]] | None = None
    early: dict[int, tuple[list[int], bytes | package.Piece, list[tuple[Any, ...]]]] = {}
    try:
        for i, (name, t) in enumerate(sheets):
            if later is not None and i == split:
                made = later.get()
            ws = wb.create_sheet(sheet_name(name, taken))
            if i == 0 and split is not None:
                # The rows of the first table shaped like the child's first are made before any
                # other, in one process as in two: the child then knows the ids of the styles such
                # tables use, and writes and compresses its rows itself.
                if twin is not None:
                    widths, rows = _table_rows(sheets[twin][1], _style_ids(styles, ws))
                    early[twin] = (widths, package.deflated([rows]), [])
                later = parallel.start(_sheets_xml, [t for _, t in sheets[split:]], dict(styles.ids), True)
            ready = made[i - split] if made is not None and split is not None else early.get(i)
            if ready is not None:
                widths = ready[0]
            else:
                columns, depths, widths = _sheet_columns(t)
            col_widths = _col_widths(t, widths)
            for j, width in enumerate(col_widths):
                ws.column_dimensions[get_column_letter(j + 1)].width = width
            heading = f"{doc.title}　{t.title or name}"
            _print_setup(ws, heading, len(t.cols))
            ws.freeze_panes = "A3"
            if t.rows:
                ws.auto_filter.ref = f"A2:{get_column_letter(len(t.cols))}{len(t.rows) + 2}"
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
            ws.row_dimensions[2].height = LINE_HEIGHT * max(_lines(c.name, w)
                                                            for c, w in zip(t.cols, col_widths, strict=True))
            ws.append(cells)
            if not t.rows:
                cell = WriteOnlyCell(ws, value=t.empty or "（无）")
                styles.apply(cell, styles.get("text"))
                ws.append([cell])
            # The rows are written as worksheet XML and put into the saved package (see _splice).
            style_id = _style_ids(styles, ws)
            if ready is None:
                rows_xml.append((ws, package.deflated([_rows_xml(t, columns, depths, col_widths, style_id)])))
            elif isinstance(ready[1], package.Piece):
                rows_xml.append((ws, ready[1]))
            else:
                rows_xml.append((ws, package.deflated([_untokened(ready[1], ready[2], style_id)])))
    finally:
        if later is not None:
            later.close()

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
    buf = io.BytesIO()
    wb.save(buf)  # numbers the sheets: their part names are known from here on
    _splice(buf.getvalue(), {ws.path.lstrip("/"): rows for ws, rows in rows_xml}, path)
