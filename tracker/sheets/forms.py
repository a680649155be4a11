"""填报 forms: one workbook per unit and period out, filled workbooks back in as progress.

A form lists the unit's open tasks (one row per task, one per numeric target under it) with
what it must not change locked, and empty columns to fill: 本期完成值 (the cumulative value
reached), 完成百分比, 进展情况, 存在的问题, 下一步措施, 填报人, 填报日期. A hidden sheet holds
the form id, which ties the file to the unit and period (recorded in ``form_export``).

Import validates every cell and reports each problem with its sheet, row and column. A file
with any bad row writes nothing unless ``partial``; a form of another unit, of an older
period, or not exported from this database is refused. Values equal to what is already
recorded log nothing, so importing the same form twice adds nothing.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tracker import store
from tracker.context import Context
from tracker.db import Connection
from tracker.errors import InputError, NotFoundError

FORM_SHEET = "填报表"
HELP_SHEET = "填报说明"
FORM_VERSION = "1"
MAX_FORM_BYTES = 20 * 1024 * 1024
HEADER_ROW = 3
# Below these sizes starting worker processes (about a second) costs more than it saves.
PARALLEL_ROWS = 20_000  # form rows to write (about 20 forms of 1,000 rows)
PARALLEL_BYTES = 1024 * 1024  # bytes of form files to read (about 25 forms of 1,000 rows)

# (header, key, width, editable)
COLUMNS: list[tuple[str, str, int, bool]] = [
    ("任务编号", "task", 6, False),
    ("指标序号", "target", 6, False),
    ("工作任务 / 指标", "name", 34, False),
    ("目标", "goal", 12, False),
    ("截止时间", "due", 11, False),
    ("当前值", "current", 8, False),
    ("本期完成值", "value", 10, True),
    ("完成百分比", "percent", 9, True),
    ("进展情况", "progress", 26, True),
    ("存在的问题", "problems", 16, True),
    ("下一步措施", "next", 16, True),
    ("填报人", "author", 8, True),
    ("填报日期", "date", 11, True),
    ("行标识", "key", 10, False),
]
COL = {key: i + 1 for i, (_, key, _, _) in enumerate(COLUMNS)}
HEAD = {key: head for head, key, _, _ in COLUMNS}
INPUT_KEYS = ("value", "percent", "progress", "problems", "next", "author", "date")
REQUIRED_KEYS = ("value", "percent", "progress", "problems", "next")
_ALIASES = {"本期完成值（累计）": "value", "累计完成值": "value", "完成值": "value", "完成比例": "percent",
            "完成进度": "percent", "进展": "progress", "工作进展": "progress", "问题": "problems",
            "存在问题": "problems", "下步措施": "next", "下一步": "next", "填表人": "author", "日期": "date"}


# -- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str  # 2023-10 or 2023-W42
    start: date
    end: date

    @property
    def label(self) -> str:
        if "W" in self.key:
            y, w = self.key.split("-W")
            return f"{y}年第{int(w)}周"
        y, m = self.key.split("-")
        return f"{y}年{int(m)}月"


def month_period(day: date) -> Period:
    return Period(f"{day.year}-{day.month:02d}", date(day.year, day.month, 1),
                  date(day.year, day.month, calendar.monthrange(day.year, day.month)[1]))


def parse_period(text: str | None, today: date) -> Period:
    """A 填报 period: 2023-10 (a month), 2023-W42 (an ISO week); default the month of today."""
    if text is None or not str(text).strip():
        return month_period(today)
    s = str(text).strip().upper().replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"((?:19|20)\d{2})-?W(\d{1,2})", s) or re.fullmatch(r"((?:19|20)\d{2})-第(\d{1,2})周", s)
    if m:
        y, w = int(m.group(1)), int(m.group(2))
        try:
            start = date.fromisocalendar(y, w, 1)
        except ValueError:
            raise InputError(f"填报期无效：{text!r}（{y} 年没有第 {w} 周）") from None
        return Period(f"{y}-W{w:02d}", start, start + timedelta(days=6))
    m = re.fullmatch(r"((?:19|20)\d{2})-(\d{1,2})", s)
    if m and 1 <= int(m.group(2)) <= 12:
        return month_period(date(int(m.group(1)), int(m.group(2)), 1))
    raise InputError(f"填报期格式无效：{text!r}（按月如 2023-10，按周如 2023-W42）")


def current_period_like(p: Period, today: date) -> Period:
    """The period of the same kind (month or week) that contains today."""
    if "W" in p.key:
        y, w, _ = today.isocalendar()
        return parse_period(f"{y}-W{w}", today)
    return month_period(today)


# -- export --------------------------------------------------------------------------------------


@dataclass
class ExportedForm:
    unit: str
    path: str
    form_id: str
    tasks: int
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "path": self.path, "form_id": self.form_id, "tasks": self.tasks, "rows": self.rows}


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "单位"


def export_forms(ctx: Context, unit: str | None = None, period: str | None = None,
                 out_dir: str | Path = ".") -> list[ExportedForm]:
    """Write one 填报 form per unit with open tasks (or for ``unit``); record each form id."""
    from tracker import tasks as tk

    per = parse_period(period, ctx.today)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"输出位置不是文件夹：{out}")

    def load(c: Connection) -> list[tuple[dict[str, Any], list[Any]]]:
        if unit:
            units = [tk.require_unit(c, unit)]
        else:
            units = store.units_leading_open_tasks(c)
            if not units:
                raise NotFoundError("没有未完成的任务，无需导出填报表（可先用 tracker plan import 导入计划）")
        result = []
        for u in units:
            views = tk.load_views(c, ctx, unit_id=int(u["id"]))
            ordered = [v for v in tk.ordered_views(views) if not v.done]
            result.append((u, ordered))
        return result

    loaded = ctx.db.read(load)
    out.mkdir(parents=True, exist_ok=True)
    written: list[ExportedForm] = []
    records: list[dict[str, Any]] = []
    now = ctx.now()
    jobs = []
    for u, views in loaded:
        form_id = f"F{per.key.replace('-', '')}-{int(u['id'])}-{secrets.token_hex(4)}"
        path = out / f"{_safe_name(str(u['name']))}_{per.key}_填报表.xlsx"
        unit_info = {"id": int(u["id"]), "name": str(u["name"])}
        jobs.append((str(path), unit_info, per, form_id, [_plain(v) for v in views], now.strftime("%Y-%m-%d %H:%M")))
        written.append(ExportedForm(str(u["name"]), str(path), form_id, len(views), 0))
    for form, job, rows in zip(written, jobs, _write_all(jobs), strict=True):
        form.rows = rows
        records.append({"form_id": form.form_id, "unit_id": job[1]["id"], "period": per.key, "rows": rows,
                        "exported_at": now})

    def record(c: Connection) -> None:
        for r in records:
            store.insert_form_export(c, **r)

    ctx.db.write(record)
    return written


_TARGET_KEYS = ("id", "kind", "subject", "quote", "deadline", "current_value", "value", "min_value", "max_value",
                "comparator", "measure")


def _plain(v: Any) -> dict[str, Any]:
    """What a form shows of a task, as plain data (sent to a worker process as it is)."""
    return {"id": v.id, "label": v.row["label"], "title": v.row["title"],
            "deadline": v.deadline.isoformat() if v.deadline else "", "completion": v.completion,
            "targets": [{k: t.get(k) for k in _TARGET_KEYS} for t in v.targets]}


def _write_all(jobs: list[tuple[Any, ...]]) -> list[int]:
    """Write the forms, in worker processes when there are several (openpyxl is CPU-bound)."""
    import os

    workers = min(os.cpu_count() or 1, 4, len(jobs))
    rows = sum(len(t["targets"]) + 1 for job in jobs for t in job[4])
    if workers < 2 or len(jobs) < 4 or rows < PARALLEL_ROWS:
        return [_write_job(j) for j in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_write_job, jobs, chunksize=max(1, len(jobs) // (4 * workers))))


def _write_job(job: tuple[Any, ...]) -> int:
    path, unit, per, form_id, tasks, now = job
    return _write_form(Path(path), unit, per, form_id, tasks, now)


def _write_form(path: Path, unit: dict[str, Any], per: Period, form_id: str, views: list[dict[str, Any]],
                now: str) -> int:
    """Write one form: openpyxl's streaming writer for the workbook, rows_as_xml for the data rows
    (a 1,000-row form in about 0.04 s)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from tracker.tasks import fmt_num, target_goal_text

    wb = openpyxl.Workbook(write_only=True)
    name = str(unit["name"])
    info = wb.create_sheet(HELP_SHEET)
    info.column_dimensions["A"].width = 62
    info.sheet_properties.pageSetUpPr.fitToPage = True  # streaming: before the first row
    info.page_setup.fitToWidth = 1
    info.page_setup.fitToHeight = 0
    lines = [
        (f"{name} {per.label} 重点工作任务进展填报表", 14),
        (f"填报期：{per.label}（{per.start.isoformat()} 至 {per.end.isoformat()}）；导出时间："
         f"{now}；表格标识：{form_id}", 0),
        ("", 0),
        ("填报说明", 12),
        ("1. 请在“填报表”工作表中填写黄色单元格，灰色单元格已锁定，请勿修改；请勿增删行、列，请勿修改工作表名称。", 0),
        ("2. 指标行（有指标序号的行）填写“本期完成值”：截至本期末的累计完成数，只填数字（如 12 或 3.5），不要带单位。", 0),
        ("3. 任务行（没有指标序号的行）填写“完成百分比”（0 到 100 的数字，可不填）、“进展情况”“存在的问题”“下一步措施”。", 0),
        ("4. “填报人”填写经办人姓名；“填报日期”按 2023-10-20 或 10月20日 填写，不填则按导入当天计。", 0),
        ("5. 没有进展的任务可以留空；填好后保存为 .xlsx（Excel 或 WPS 均可），按原文件发回。", 0),
        ("6. 本表只能用于本单位、本期填报；导入时会逐格检查，有错误的表会整表退回并列出错误位置。", 0),
    ]
    for n, (text, size) in enumerate(lines, start=1):
        wraps = -(-len(text) // 27)  # about 27 Chinese characters to a line at this width
        if wraps > 1:
            info.row_dimensions[n].height = 16 * wraps
        line = WriteOnlyCell(info, text)
        line.alignment = Alignment(wrap_text=True, vertical="top")
        if size:
            line.font = Font(bold=True, size=size)
        info.append([line])
    info.page_setup.paperSize = "9"  # A4

    ws = wb.create_sheet(FORM_SHEET)
    ncol = len(COLUMNS)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    locked_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)
    for j, (_head, _key, width, _edit) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.column_dimensions[get_column_letter(COL["key"])].hidden = True
    # written with the first row in streaming mode: set before any row is appended
    ws.freeze_panes = f"{get_column_letter(COL['goal'])}{HEADER_ROW + 1}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    # Rows are written as plain values: which cells are to be filled (yellow) or not (grey) is
    # set once per column (unlocked) and by conditional formatting over the data rows, so a
    # 1,000-row form writes no style per cell (openpyxl writes styled cells ten times slower).
    for key in INPUT_KEYS:
        dim = ws.column_dimensions[get_column_letter(COL[key])]
        dim.protection = unlocked
        if key in ("progress", "problems", "next"):
            dim.alignment = wrap
        if key == "date":
            dim.number_format = "yyyy-mm-dd"
    ws.column_dimensions[get_column_letter(COL["name"])].alignment = wrap

    def cell(value: Any, look: str) -> Any:
        c = WriteOnlyCell(ws, value)
        if look == "head":
            c.font, c.fill = Font(bold=True), head_fill
            c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        else:
            c.font = Font(bold=True, size=14)
        return c

    ws.append([cell(f"{name} {per.label} 重点工作任务进展填报表", "title")])
    ws.append([f"填报单位：{name}    填报期：{per.start.isoformat()} 至 {per.end.isoformat()}    表格标识：{form_id}"])
    ws.merged_cells.add(f"A1:{get_column_letter(ncol - 1)}1")
    ws.merged_cells.add(f"A2:{get_column_letter(ncol - 1)}2")
    ws.row_dimensions[HEADER_ROW].height = 30  # streaming: before the row is written
    ws.append([cell(head, "head") for head, _, _, _ in COLUMNS])
    width = len(COLUMNS)
    r = HEADER_ROW
    data: list[tuple[int, int | None, list[Any]]] = []  # (row number, height, values)
    for v in views:
        r += 1
        row: list[Any] = [None] * width
        row[COL["task"] - 1] = v["id"]
        row[COL["name"] - 1] = _safe(f"{v['label'] or ''}{v['title']}")
        long = len(row[COL["name"] - 1]) // max(1, int(COLUMNS[COL["name"] - 1][2] / 2.1))
        due = v["deadline"]
        row[COL["due"] - 1] = due
        row[COL["current"] - 1] = f"{v['completion']:.0f}%"
        data.append((r, 15 * (long + 1) if long else None, row))
        for i, t in enumerate(v["targets"], start=1):
            if t["kind"] not in ("count", "percent", "amount", "ratio"):
                continue
            r += 1
            row = [None] * width
            row[COL["task"] - 1] = v["id"]
            row[COL["target"] - 1] = i
            row[COL["name"] - 1] = _safe(f"    指标{i}：{t.get('subject') or t.get('quote') or ''}")
            row[COL["goal"] - 1] = target_goal_text(t)
            row[COL["due"] - 1] = t["deadline"] or due
            row[COL["current"] - 1] = None if t["current_value"] is None else float(fmt_num(t["current_value"]))
            row[COL["key"] - 1] = int(t["id"])  # a number, not text: no shared string to parse back
            data.append((r, None, row))
    rows_xml = rows_as_xml(data)
    if rows_xml is None:  # a value the quick writer leaves to openpyxl (a text like "=…", a date …)
        for n, height, row in data:
            if height:
                ws.row_dimensions[n].height = height  # streaming: before the row is written
            ws.append(row)
    last = max(r, HEADER_ROW + 1)

    def letter(key: str) -> str:
        return get_column_letter(COL[key])

    dv_num = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="请填写数字",
                            error="本期完成值只能填写不小于 0 的数字（不要带单位）")
    dv_pct = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                            showErrorMessage=True, errorTitle="请填写 0 到 100 的数字",
                            error="完成百分比只能填写 0 到 100 之间的数字")
    dv_date = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                             showErrorMessage=True, errorTitle="请填写日期", error="填报日期请按 2023-10-20 的格式填写")
    for dv, key in ((dv_num, "value"), (dv_pct, "percent"), (dv_date, "date")):
        dv.add(f"{letter(key)}{HEADER_ROW + 1}:{letter(key)}{last}")
        ws.data_validations.append(dv)
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.formatting.rule import FormulaRule

    first = HEADER_ROW + 1
    target_cell = f"${letter('target')}{first}"
    ws.conditional_formatting = ConditionalFormattingList()  # the streaming sheet has none of its own
    task_only = " ".join(f"{letter(k)}{first}:{letter(k)}{last}" for k in ("percent", "progress", "problems", "next"))
    target_only = f"{letter('value')}{first}:{letter('value')}{last}"
    both = " ".join(f"{letter(k)}{first}:{letter(k)}{last}" for k in ("author", "date"))
    ws.conditional_formatting.add(task_only, FormulaRule(formula=[f'{target_cell}=""'], fill=input_fill))
    ws.conditional_formatting.add(task_only, FormulaRule(formula=[f'{target_cell}<>""'], fill=locked_fill))
    ws.conditional_formatting.add(target_only, FormulaRule(formula=[f'{target_cell}<>""'], fill=input_fill))
    ws.conditional_formatting.add(target_only, FormulaRule(formula=[f'{target_cell}=""'], fill=locked_fill))
    ws.conditional_formatting.add(both, FormulaRule(formula=["TRUE"], fill=input_fill))
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may be changed
    ws.protection.formatRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.gridLines = True

    meta = wb.create_sheet("_tracker")
    for k, val in (("kind", "form"), ("version", FORM_VERSION), ("form_id", form_id), ("unit_id", int(unit["id"])),
                   ("unit", name), ("period", per.key), ("period_start", per.start.isoformat()),
                   ("period_end", per.end.isoformat()), ("rows", r - HEADER_ROW)):
        meta.append([k, val])
    meta.sheet_state = "veryHidden"
    wb.active = 1
    tmp = path.with_name(path.name + ".tmp")
    if rows_xml:
        import io

        buffer = io.BytesIO()
        wb.save(buffer)
        _add_rows(buffer, tmp, ws.path.lstrip("/"), rows_xml)
    else:
        wb.save(tmp)
    tmp.replace(path)
    return r - HEADER_ROW


_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ERROR_CODES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def rows_as_xml(rows: list[tuple[int, int | None, list[Any]]]) -> bytes | None:
    """The ``<row>`` elements of ``rows`` (number, height, values) as openpyxl's streaming writer
    writes them, byte for byte, in a tenth of the time (it builds a cell object and several XML
    elements per value: most of the export of 40 forms). Numbers, texts and empty cells only;
    None for any other value (openpyxl then writes the rows itself)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(j) for j in range(1, max((len(v) for _, _, v in rows), default=0) + 1)]
    out: list[str] = []
    add = out.append
    for n, height, values in rows:
        add(f'<row r="{n}" ht="{height}" customHeight="1">' if height else f'<row r="{n}">')
        for j, value in enumerate(values):
            if value is None:
                continue
            ref = f"{letters[j]}{n}"
            if isinstance(value, str):
                if (len(value) > 1 and value[0] == "=") or value in _ERROR_CODES or len(value) > 32767 \
                        or ILLEGAL_CHARACTERS_RE.search(value):
                    return None  # openpyxl makes these formulas or errors, or refuses them
                if not value:
                    add(f'<c r="{ref}" t="inlineStr"></c>')
                    continue
                space = ' xml:space="preserve"' if value != value.strip() else ""
                add(f'<c r="{ref}" t="inlineStr"><is><t{space}>{value.translate(_XML_TEXT)}</t></is></c>')
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                if value != value or value in (float("inf"), float("-inf")):
                    return None
                add(f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>')
            else:
                return None
        add("</row>")
    return "".join(out).encode("ascii", "xmlcharrefreplace")


def _add_rows(workbook: Any, path: Path, part: str, rows_xml: bytes) -> None:
    """Write the saved workbook (a zip in memory) to ``path`` with ``rows_xml`` at the end of the
    sheet ``part``'s rows."""
    import zipfile

    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == part:
                at = body.rindex(b"</sheetData>")
                body = body[:at] + rows_xml + body[at:]
            out.writestr(info, body)


# -- import --------------------------------------------------------------------------------------


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def text(self) -> str:
        where = f"“{self.sheet}”表第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class FormResult:
    file: str
    unit: str = ""
    period: str = ""
    form_id: str = ""
    rows: int = 0  # filled rows read
    logged: int = 0  # progress rows written (or that would be)
    unchanged: int = 0  # filled rows equal to what is already recorded
    errors: list[CellError] = field(default_factory=list)
    refused: str | None = None  # the whole file is refused (wrong unit, old period, not a form)
    written: bool = False
    duplicate_of: str | None = None
    skipped_rows: int = 0
    error: str | None = None  # the file could not be read as a form (the message names the file)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "unit": self.unit, "period": self.period, "form_id": self.form_id,
                "rows": self.rows, "logged": self.logged, "unchanged": self.unchanged, "written": self.written,
                "refused": self.refused, "error": self.error, "duplicate_of": self.duplicate_of,
                "skipped_rows": self.skipped_rows,
                "errors": [e.text() for e in self.errors]}


_FULL = str.maketrans("０１２３４５６７８９．－＋，％／：", "0123456789.-+,%/:")
_NUM = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def read_number(value: Any, *, percent_cell: bool = False, measure: str | None = None) -> float:
    """A number from a cell as people type it (text, full-width digits, 1,200, 85%); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("不是数字")
    if isinstance(value, (int, float)):
        x = float(value) * (100 if percent_cell else 1)
    else:
        s = str(value).strip().translate(_FULL).replace(",", "").replace(" ", "").replace("\u3000", "")
        if measure and s.endswith(measure) and len(s) > len(measure):
            s = s[: -len(measure)]
        if s.endswith("%"):
            s = s[:-1]
        if not _NUM.fullmatch(s):
            raise ValueError(f"“{value}”不是数字，请只填写数字（如 12 或 3.5）")
        x = float(s)
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("不是有限的数字")
    return x


_DATE_FULL = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_MD = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def read_date(value: Any, per: Period) -> date:
    """A date from a cell: a real date, an Excel serial number, 2023-10-20, 2023年10月20日, 10月20日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:
            return date(1899, 12, 30) + timedelta(days=int(value))
        raise ValueError(f"“{value}”不是日期")
    s = str(value).strip().translate(_FULL)
    m = _DATE_FULL.fullmatch(s)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DATE_MD.fullmatch(s)
        if m:
            month, day = int(m.group(1)), int(m.group(2))
            year = per.end.year if month >= per.start.month or per.start.year == per.end.year else per.end.year
            return date(year, month, day)
    except ValueError:
        raise ValueError(f"“{value}”不是有效的日期") from None
    raise ValueError(f"“{value}”不是日期，请按 2023-10-20 或 10月20日 填写")


def _safe(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        t = value.strip()
        if "\n" not in t and "\r" not in t and "\u3000" not in t and "\xa0" not in t and "  " not in t:
            return t  # the common case, without the full tidy-up
    from tracker.sheets.tables import cell_text

    return cell_text(value)


def _header_key(text: str) -> str | None:
    from tracker.extract.numerals import fold

    h = re.sub(r"\s+", "", fold(str(text or "")))
    for head, key, _, _ in COLUMNS:
        if h == head.replace(" ", ""):
            return key
    if h in _ALIASES:
        return _ALIASES[h]
    h2 = re.sub(r"[（(][^）)]*[)）]", "", h)
    for head, key, _, _ in COLUMNS:
        if h2 == head.replace(" ", ""):
            return key
    return _ALIASES.get(h2)


def import_forms(ctx: Context, paths: list[str], *, dry_run: bool = False, partial: bool = False,
                 unit: str | None = None) -> list[FormResult]:
    """Read filled forms back as progress updates; one transaction per file.

    With many files, worker processes read the files (parsing every cell) while this process
    checks the ones already read against the database and writes them, one after another.
    """
    from tracker.errors import TrackerError

    if not paths:
        raise InputError("请给出要导入的填报表文件")
    parsed = _parse_all([str(p) for p in paths], ctx.today)
    out = []
    batched = False
    with contextlib.ExitStack() as batch:
        for path, got in zip(paths, parsed, strict=True):
            if isinstance(got, str):
                out.append(FormResult(file=Path(path).name, error=got))
                continue
            try:
                if not batched:  # the database is opened for the first form: its errors are that form's
                    batch.enter_context(ctx.db.many_writes())
                    batched = True
                out.append(apply_form(ctx, got, dry_run=dry_run, partial=partial, unit=unit))
            except TrackerError as exc:
                out.append(FormResult(file=Path(path).name, error=exc.message))
    return out


def _parse_all(paths: list[str], today: date) -> Iterator[ParsedForm | str]:
    """The files read, in order, as they are ready: with many files, worker processes read the
    next ones while this process checks and writes those already read."""
    import os

    cpus = os.cpu_count() or 1
    size = sum(Path(p).stat().st_size for p in paths if Path(p).is_file())
    if cpus < 2 or len(paths) < 4 or size < PARALLEL_BYTES:
        for p in paths:
            yield _parse_or_message(p, today)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked child would share the parent's open database connection
    pool = ProcessPoolExecutor(max_workers=min(cpus - 1, 3, len(paths)), mp_context=multiprocessing.get_context("spawn"))
    try:
        yield from pool.map(_parse_or_message, paths, [today] * len(paths))
    finally:
        pool.shutdown(cancel_futures=True)


def _parse_or_message(path: str, today: date) -> ParsedForm | str:
    from tracker.errors import TrackerError

    try:
        return parse_form(Path(path), today)
    except TrackerError as exc:
        return exc.message


@dataclass
class _Row:
    row: int
    task_id: int
    target_id: int | None
    values: dict[str, Any]


@dataclass
class ParsedForm:
    """What a form file says, read without the database."""

    path: str
    meta: dict[str, str]
    period: Period
    errors: list[CellError]
    rows: list[_Row]


def parse_form(p: Path, today: date) -> ParsedForm:
    """Read and check one filled form file; InputError when it is not a usable form."""
    from tracker.sheets import files

    files.check_xlsx(p, "填报表", MAX_FORM_BYTES)
    wb = files.load_workbook(p, "填报表", MAX_FORM_BYTES, read_only=True)
    try:
        meta = files.workbook_meta(wb)
        if meta.get("kind") != "form":
            what = "立项审核表（请用 tracker plan import 导入）" if meta.get("kind") == "review" else \
                "不是 tracker 导出的填报表（缺少表格标识）"
            raise InputError(f"{p.name} {what}：请用 tracker form export 导出的表格填报后再导入")
        per = parse_period(meta.get("period", ""), today)
        if FORM_SHEET not in wb.sheetnames:
            raise InputError(f"{p.name} 中没有“{FORM_SHEET}”工作表（可能被删除或改名），请使用导出的原表填报")
        ws = wb[FORM_SHEET]
        try:
            values, ranges, formula_cells = files.quick_values(ws)
        except files.UnusualSheet:  # not in the shape tracker and Excel write: openpyxl reads it
            try:
                values = [list(r) for r in ws.iter_rows(values_only=True)]
                ranges = files.merged_ranges(ws)
            except Exception as exc:  # noqa: BLE001 - a damaged sheet (broken XML, bad zip member …)
                raise InputError(f"{p.name} 无法作为 Excel（.xlsx）文件读取：“{FORM_SHEET}”表已损坏"
                                 f"（{type(exc).__name__}），请在 Excel 或 WPS 中打开并另存后再导入") from None
            formula_cells = _formulas_without_values(p)
        errors, rows = _read_rows(ws, values, ranges, per, formula_cells, today)
    finally:
        wb.close()
    return ParsedForm(str(p), meta, per, errors, rows)


def apply_form(ctx: Context, parsed: ParsedForm, *, dry_run: bool = False, partial: bool = False,
               unit: str | None = None) -> FormResult:
    """Check a read form against the database and log what it says (one transaction)."""
    p = Path(parsed.path)
    meta, per = parsed.meta, parsed.period
    res = FormResult(file=p.name)
    res.form_id, res.period, res.unit = meta.get("form_id", ""), meta.get("period", ""), meta.get("unit", "")

    def check(c: Connection) -> dict[str, Any]:
        exp = store.form_export(c, res.form_id)
        if exp is None:
            raise InputError(f"{p.name}：表格标识 {res.form_id or '（空）'} 不是本系统导出的填报表，"
                             "请用 tracker form export 重新导出后填报")
        if str(exp["unit_id"]) != meta.get("unit_id") or exp["period"] != res.period:
            raise InputError(f"{p.name}：表格标识与表内单位或填报期不一致（表格可能被改动），请重新导出后填报")
        return exp

    exp = ctx.db.read(check)
    res.unit = str(exp["unit"])
    if unit and unit.strip() != res.unit:
        res.refused = f"这是“{res.unit}”的填报表，不是“{unit.strip()}”的，未导入"
        return res
    now_per = current_period_like(per, ctx.today)
    if per.end < now_per.start:
        res.refused = (f"这是 {per.label}（{per.key}）的填报表，已过期：本期为 {now_per.label}（{now_per.key}），"
                       f"请使用本期的填报表（tracker form export --unit {res.unit} --period {now_per.key}），未导入")
        return res

    errors, rows = parsed.errors, parsed.rows
    res.errors.extend(errors)
    unit_id = int(exp["unit_id"])

    def run(c: Connection) -> FormResult:
        from tracker import tasks as tk

        ids = sorted({r.task_id for r in rows})
        trows = {int(t["id"]): t for t in store.tasks_by_ids(c, ids)}
        targets: dict[int, dict[str, Any]] = {}
        for t in store.targets_by_task_ids(c, ids):
            targets[int(t["id"])] = t
        notes = store.latest_notes_of(c, ids)
        by_task: dict[int, list[dict[str, Any]]] = {}
        for t in sorted(targets.values(), key=lambda t: (t["position"], t["id"])):
            by_task.setdefault(int(t["task_id"]), []).append(t)
        for r in rows:
            if r.target_id is not None and r.target_id < 0:
                own = by_task.get(r.task_id, [])
                r.target_id = int(own[-r.target_id - 1]["id"]) if -r.target_id <= len(own) else 0
        good: list[_Row] = []
        for r in rows:
            err = _check_row(r, trows, targets, unit_id, res.unit)
            if err:
                res.errors.append(CellError(FORM_SHEET, r.row, err[0], err[1]))
            else:
                good.append(r)
        bad_rows = {e.row for e in res.errors}
        res.rows = len(rows)
        if res.errors and not partial:
            return res
        res.skipped_rows = len(bad_rows)
        good = [r for r in good if r.row not in bad_rows]
        digest = hashlib.sha256(json.dumps([[r.task_id, r.target_id, {k: str(v) for k, v in sorted(r.values.items())}]
                                            for r in good], ensure_ascii=False).encode()).hexdigest()
        dup = store.form_submission_with_content(c, unit_id, res.period, digest)
        if dup is not None:
            res.duplicate_of = str(dup["imported_at"])[:16]
        now = ctx.now()
        fallback_author = next((str(r.values["author"]) for r in good if r.values.get("author")), None) or res.unit
        default_day = min(ctx.today, per.end)
        progress: list[dict[str, Any]] = []
        touched: set[int] = set()
        task_day: dict[int, date] = {r.task_id: r.values["date"] for r in good
                                     if r.target_id is None and r.values.get("date")}
        task_who: dict[int, str] = {r.task_id: str(r.values["author"]) for r in good
                                    if r.target_id is None and r.values.get("author")}
        for r in good:  # a target row without its own 填报人 / 日期 takes its task row's
            who = str(r.values.get("author") or task_who.get(r.task_id) or fallback_author)
            day = r.values.get("date") or task_day.get(r.task_id) or default_day
            if r.target_id is not None:
                value = r.values.get("value")
                if value is None:
                    continue
                t = targets[r.target_id]
                if t["current_value"] is not None and float(t["current_value"]) == value:
                    res.unchanged += 1
                    continue
                progress.append(_progress(r.task_id, r.target_id, value, None, None, who, day, now))
                touched.add(r.task_id)
                t["current_value"] = value
                continue
            pct = r.values.get("percent")
            note = _note(r.values)
            task = trows[r.task_id]
            new_pct = pct if pct is not None and (task["percent"] is None or float(task["percent"]) != pct) else None
            last_note = notes.get(r.task_id, {}).get("note")
            new_note = note if note and note != last_note else None
            if new_pct is None and new_note is None:
                if pct is not None or note:
                    res.unchanged += 1
                continue
            progress.append(_progress(r.task_id, None, None, new_pct, new_note, who, day, now))
            touched.add(r.task_id)
        res.logged = len(progress)
        if dry_run:
            return res
        latest = store.latest_progress_days(c, sorted(touched))  # before this form's rows are added
        store.insert_progress_rows(c, progress)
        _apply(c, progress, latest, trows, now)
        if touched:
            tk.refresh_rollups(c, sorted(touched))
        if dup is None:
            store.insert_form_submission(
                c, form_id=res.form_id, unit_id=unit_id, period=res.period, file_name=p.name,
                file_sha256=_file_sha(p), content_sha256=digest, author=fallback_author, rows=len(good),
                logged=len(progress), imported_at=now)
        res.written = True
        return res

    return ctx.db.write(run)


def _apply(c: Connection, progress: list[dict[str, Any]], latest: dict[int, str], trows: dict[int, dict[str, Any]],
           now: datetime) -> None:
    """Bring targets' current values and tasks' percent in step with the rows just logged.

    A task whose log already has a row on a later day than the form's is recomputed from its
    whole log; for the others (nearly always all) the form's values are the newest, set in bulk.
    """
    from tracker import tasks as tk

    slow = {r["task_id"] for r in progress if latest.get(r["task_id"], "") > r["happened_on"].isoformat()}
    for tid in sorted(slow):
        tk.recompute(c, tid)
    fast = [r for r in progress if r["task_id"] not in slow]
    values = [{"v": r["value"], "id": r["target_id"]} for r in fast if r["target_id"] is not None]
    if values:
        c.execute_many("UPDATE target SET current_value = :v WHERE id = :id", values)
    percents = [{"p": r["percent"], "id": r["task_id"]} for r in fast if r["percent"] is not None]
    if percents:
        c.execute_many("UPDATE task SET percent = :p WHERE id = :id", percents)
    last: dict[int, date] = {}
    for r in progress:
        last[r["task_id"]] = max(last.get(r["task_id"], r["happened_on"]), r["happened_on"])
    rows = []
    for tid, day in last.items():
        before = latest.get(tid)
        rows.append({"id": tid, "now": now, "d": max(day.isoformat(), before) if before else day.isoformat()})
    c.execute_many("UPDATE task SET last_update_on = :d, updated_at = :now WHERE id = :id", rows)


def _file_sha(p: Path) -> str:
    from tracker.plans import file_sha256

    return file_sha256(p)


def _progress(task_id: int, target_id: int | None, value: float | None, percent: float | None, note: str | None,
              author: str, day: date, now: datetime) -> dict[str, Any]:
    return {"task_id": task_id, "target_id": target_id, "action": "update", "value": value, "percent": percent,
            "note": note, "author": author, "happened_on": day, "recorded_at": now, "retracts_id": None}


def _note(values: dict[str, Any]) -> str:
    parts = [(HEAD[k], str(values.get(k) or "").strip()) for k in ("progress", "problems", "next")]
    if not any(t for _, t in parts):
        return ""
    return "\n".join(f"{h}：{t}" for h, t in parts if t)


def _check_row(r: _Row, trows: dict[int, dict[str, Any]], targets: dict[int, dict[str, Any]], unit_id: int,
               unit: str) -> tuple[str, str] | None:
    task = trows.get(r.task_id)
    if task is None:
        return HEAD["task"], f"任务 #{r.task_id} 不存在（可能已被删除），请重新导出填报表"
    if int(task["unit_id"]) != unit_id:
        return HEAD["task"], (f"任务 #{r.task_id} 不是“{unit}”牵头的任务（属于“{task['unit']}”），"
                              "可能是从其他单位的填报表复制的")
    if task["vanished_at"] is not None:
        return HEAD["task"], f"任务 #{r.task_id} 已不在计划中，请重新导出填报表"
    if r.target_id is not None:
        t = targets.get(r.target_id)
        if t is None or int(t["task_id"]) != r.task_id:
            return HEAD["target"], f"任务 #{r.task_id} 的这个指标已不存在，请重新导出填报表"
        v = r.values.get("value")
        if v is not None and t["kind"] == "percent" and v > 100:
            return HEAD["value"], f"百分比指标的完成值不能超过 100：{v:g}"
        if any(r.values.get(k) for k in ("percent", "progress", "problems", "next")):
            return HEAD["progress"], "指标行只填写“本期完成值”，完成百分比和进展情况请写在上面的任务行"
    elif r.values.get("value") is not None:
        return HEAD["value"], "任务行不填“本期完成值”，请填在下面的指标行；没有指标的任务请填“完成百分比”"
    return None


def _formulas_without_values(p: Path) -> set[tuple[int, int]]:
    """Cells of the form sheet holding a formula whose value was never computed (saved by a script)."""
    import zipfile

    with zipfile.ZipFile(p) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")]
        if not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets):
            return set()
    import openpyxl

    out: set[tuple[int, int]] = set()
    try:
        plain = openpyxl.load_workbook(p, data_only=False)
        valued = openpyxl.load_workbook(p, data_only=True)
    except Exception:  # noqa: BLE001 - the main load already reported a damaged file
        return set()
    if FORM_SHEET not in plain.sheetnames:
        return set()
    for row in plain[FORM_SHEET].iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("=") \
                    and valued[FORM_SHEET].cell(cell.row, cell.column).value is None:
                out.add((cell.row, cell.column))
    return out


def _read_rows(ws: Any, values: list[list[Any]], ranges: list[tuple[int, int, int, int]], per: Period,
               formula_cells: set[tuple[int, int]], today: date) -> tuple[list[CellError], list[_Row]]:
    """Check the form sheet's rows (its values, merged ranges and formula cells without a value)."""
    from tracker.sheets.files import fill_merged

    sheet = ws.title
    errors: list[CellError] = []
    pct_format: set[tuple[int, int]] = set()
    fill_merged(values, ranges)
    cols: dict[str, int] = {}
    header_at = -1
    for i, row in enumerate(values[:12]):
        found = {k: j for j, v in enumerate(row) if v is not None and (k := _header_key(str(v)))}
        if "task" in found and len(found) >= 3:
            cols = found
            header_at = i
            break
    if header_at < 0:
        raise InputError(f"“{sheet}”表中找不到表头（任务编号、本期完成值、完成百分比 …），表格可能被改动，请使用导出的原表填报")
    missing = [HEAD[k] for k in REQUIRED_KEYS if k not in cols]
    if missing:
        raise InputError(f"“{sheet}”表缺少“{'”“'.join(missing)}”列（可能被删除或改名），未导入；"
                         "请使用导出的原表填报，或重新导出")
    pc = cols["percent"]
    if any(isinstance(v, float) and 0 < v <= 1 for row in values[header_at + 1:] if pc < len(row)
           for v in (row[pc],)):
        # 40% typed in Excel is stored as 0.4 formatted as percent: look at the formats (a second pass,
        # only when such a value is there)
        for cells in ws.iter_rows(min_row=header_at + 2, min_col=pc + 1, max_col=pc + 1):
            for c in cells:
                if "%" in (getattr(c, "number_format", None) or ""):
                    pct_format.add((c.row, pc + 1))
    out: list[_Row] = []
    merged_from: dict[tuple[int, int], int] = {}
    for r1, c1, r2, c2 in ranges:
        for rr in range(r1, r2 + 1):
            for cc in range(c1, c2 + 1):
                if (rr, cc) != (r1, c1):
                    merged_from[(rr, cc)] = r1
    input_cols = [(k, cols.get(k)) for k in INPUT_KEYS]
    special = {r for r, _ in formula_cells} | {r for r, _ in merged_from}  # rows with such cells
    for i in range(header_at + 1, len(values)):
        rownum = i + 1
        row = values[i]
        width = len(row)

        def get(key: str, _row: list[Any] = row) -> Any:
            j = cols.get(key)
            return _row[j] if j is not None and j < len(_row) else None

        inputs = {k: row[j] if j is not None and j < width else None for k, j in input_cols}
        if rownum not in special and not any(v is not None for v in inputs.values()):
            continue  # nothing filled in (most rows of most forms)
        for k, j in input_cols if rownum in special else ():
            if j is not None and (rownum, j + 1) in formula_cells:
                errors.append(CellError(sheet, rownum, HEAD[k], "公式没有计算结果：请在 Excel 或 WPS 中打开并保存后再导入"))
                inputs[k] = None
            # a cell merged over several rows counts once (a value), or for each row it covers (a text)
            if j is not None and (rownum, j + 1) in merged_from and k in ("value", "percent", "date"):
                inputs[k] = None
        filled = {k: v for k, v in inputs.items() if v is not None and _text(v) != ""}
        key = get("key")
        task_cell, target_cell = get("task"), get("target")
        if not filled:
            continue
        task_id, target_id = _row_key(key, task_cell, target_cell)
        if task_id is None:
            errors.append(CellError(sheet, rownum, HEAD["task"], "无法识别是哪项任务（任务编号为空，可能是新插入的行），"
                                                                 "请勿增加行；新增任务请联系督办人员"))
            continue
        vals: dict[str, Any] = {}
        bad = False
        for k, v in filled.items():
            try:
                if k == "value":
                    vals[k] = read_number(v)
                    if vals[k] < 0:
                        raise ValueError("不能为负数")
                elif k == "percent":
                    x = read_number(v, percent_cell=isinstance(v, (int, float)) and (rownum, cols["percent"] + 1) in pct_format)
                    if not 0 <= x <= 100:
                        raise ValueError(f"应在 0 到 100 之间：{x:g}")
                    vals[k] = x
                elif k == "date":
                    d = read_date(v, per)
                    if d < per.start - timedelta(days=366):
                        raise ValueError(f"{d.isoformat()} 早于填报期太多，请检查年份")
                    if d > today:
                        raise ValueError(f"{d.isoformat()} 晚于今天（{today.isoformat()}），进展不能记在将来")
                    vals[k] = d
                else:
                    vals[k] = _text(v)
            except ValueError as exc:
                errors.append(CellError(sheet, rownum, HEAD[k], str(exc)))
                bad = True
        if bad:
            out.append(_Row(rownum, task_id, target_id, {}))
            continue
        out.append(_Row(rownum, task_id, target_id, vals))
    return errors, out


def _row_key(key: Any, task_cell: Any, target_cell: Any) -> tuple[int | None, int | None]:
    """(task id, target id) of a row: 任务编号, and the hidden 行标识 (the target's id) on target rows.

    Without 行标识 (the hidden column deleted) a target is known by its 指标序号, resolved
    against the database and returned negative."""
    t, g = _text(task_cell).lstrip("#"), _text(target_cell)
    if not t.isdecimal():
        return None, None
    if not g:
        return int(t), None
    k = _text(key)
    if k.isdecimal():
        return int(t), int(k)
    if g.isdecimal():
        return int(t), -int(g)
    return None, None


@dataclass
class UnitFormStatus:
    unit: str
    sent: bool
    submitted_at: str | None
    author: str | None
    logged: int
    exported: bool

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "sent": self.sent, "submitted_at": self.submitted_at, "author": self.author,
                "logged": self.logged, "exported": self.exported}


def status_rows(c: Connection, per: Period) -> list[UnitFormStatus]:
    """Each unit expected to send a form for the period (a form was exported for it, or it leads
    open tasks), with whether and when it did."""
    exports = {int(r["unit_id"]): r for r in store.form_exports(c, per.key)}
    subs: dict[int, list[dict[str, Any]]] = {}
    for s in store.form_submissions(c, per.key):
        subs.setdefault(int(s["unit_id"]), []).append(s)
    expected: dict[int, str] = {uid: str(r["unit"]) for uid, r in exports.items()}
    if not expected:
        expected = {int(u["id"]): str(u["name"]) for u in store.units_leading_open_tasks(c)}
    for uid, rows in subs.items():
        expected.setdefault(uid, str(rows[0]["unit"]))
    out = []
    for uid, name in expected.items():
        rows = subs.get(uid, [])
        last = rows[-1] if rows else None
        out.append(UnitFormStatus(name, bool(rows), str(last["imported_at"])[:16] if last else None,
                                  last["author"] if last else None, sum(int(r["logged"]) for r in rows),
                                  uid in exports))
    return out


def form_status(ctx: Context, period: str | None = None) -> tuple[Period, list[UnitFormStatus]]:
    per = parse_period(period, ctx.today)
    return per, ctx.db.read(lambda c: status_rows(c, per))


def missing_units(c: Connection, today: date) -> tuple[Period, list[str]] | None:
    """For the weekly reminder: the units that have not sent this month's form, if forms are in use."""
    per = month_period(today)
    if not store.form_exports(c, per.key):
        return None
    return per, [s.unit for s in status_rows(c, per) if not s.sent]
