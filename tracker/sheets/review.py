"""The review sheet (立项审核表): every item and target of a parse, one row each, to check before import.

``write_review`` lays out a parsed Document with the coded columns under data validation and a
保留 column defaulting to 是; ``read_review`` turns the reviewed workbook back into a Document:
rows marked 否 are dropped (an item with its sub-items and targets), edited values are taken.
Without edits the Document equals the parse, so the import is the one the file itself would
have made. ``read_json`` does the same for the JSON of ``plan parse --format json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tracker.errors import InputError
from tracker.extract.model import Document, PlanItem, TargetSpec, UnitPlan

SHEET = "立项审核"
KINDS = {"count": "数量", "percent": "百分比", "amount": "金额", "deadline": "时间节点", "ratio": "比率"}
KIND_CODES = {v: k for k, v in KINDS.items()}
COMPARATORS = {"=": "等于", ">=": "不少于", "<=": "不超过", "range": "区间"}
COMPARATOR_CODES = {v: k for k, v in COMPARATORS.items()} | {"≥": ">=", "≤": "<=", "=": "=", ">=": ">=", "<=": "<="}
COMMITMENTS = ("确保", "力争", "争取", "预计", "计划")
ROW_KINDS = ("条目", "指标")
YES, NO = "是", "否"

# (header, key, width)
COLUMNS: list[tuple[str, str, int]] = [
    ("行号", "ref", 6), ("单位", "unit", 14), ("类型", "row_kind", 6), ("编号", "label", 6), ("标题", "title", 26),
    ("上级", "parent", 6), ("指标类型", "kind", 9), ("数值", "value", 8), ("下限", "min", 7), ("上限", "max", 7),
    ("比较", "comparator", 7), ("计量单位", "measure", 8), ("对象", "subject", 16), ("承诺", "commitment", 6),
    ("截止日期", "deadline", 11), ("牵头单位", "lead", 14), ("配合单位", "assist", 16), ("责任人", "owner", 8),
    ("原文", "quote", 50), ("保留", "keep", 6), ("存疑原因", "doubt", 24),
]
COL = {key: i + 1 for i, (_, key, _) in enumerate(COLUMNS)}
HEAD = {key: head for head, key, _ in COLUMNS}


def _is_table(doc: Document) -> bool:
    return any(hasattr(it, "lead_unit") for u in doc.units for it in u.items)


def target_doubts(t: TargetSpec, item_deadline: date | None) -> list[str]:
    out = []
    if t.kind != "deadline" and t.value is None and t.min is None:
        out.append("数值是占位符（如 XX），请填写")
    if not t.subject:
        out.append("未识别出指标对象")
    if t.kind != "deadline" and t.deadline is None and item_deadline is None:
        out.append("未写完成时间，按计划期末计")
    if t.quote and any(w in t.quote for w in ("左右", "约", "上下")):
        out.append("原文是约数")
    return out


def write_review(doc: Document, path: str | Path) -> int:
    """Write the review sheet; returns the number of rows."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from tracker.sheets.files import META_SHEET

    table = _is_table(doc)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([head for head, _, _ in COLUMNS])
    for j, (_, _, width) in enumerate(COLUMNS, start=1):
        c = ws.cell(1, j)
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    item_fill = PatternFill("solid", fgColor="F2F2F2")
    ref = 0

    def put(values: dict[str, Any], is_item: bool) -> None:
        ws.append([_safe(values.get(key)) for _, key, _ in COLUMNS])
        r = ws.max_row
        for key in ("quote", "title", "label", "subject"):
            c = ws.cell(r, COL[key])
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"  # text that looks like a formula stays text
        lines = max(_lines(values.get("quote"), COLUMNS[COL["quote"] - 1][2]),
                    _lines(values.get("title"), COLUMNS[COL["title"] - 1][2]))
        if lines > 1:
            ws.row_dimensions[r].height = min(15 * lines, 300)
        ws.cell(r, COL["quote"]).alignment = wrap
        ws.cell(r, COL["title"]).alignment = wrap
        ws.cell(r, COL["deadline"]).number_format = "yyyy-mm-dd"
        if is_item:
            for j in range(1, len(COLUMNS) + 1):
                ws.cell(r, j).fill = item_fill

    def walk(unit: UnitPlan, item: PlanItem, parent: int | None) -> None:
        nonlocal ref
        ref += 1
        me = ref
        deadline = getattr(item, "deadline", None)
        doubts = list(getattr(item, "uncertain", []) or [])
        if item.title.endswith("…"):
            doubts.append("标题由正文截取，可修改")
        put({"ref": me, "unit": unit.name, "row_kind": "条目", "label": item.label, "title": item.title,
             "parent": parent, "deadline": deadline, "lead": getattr(item, "lead_unit", None),
             "assist": "、".join(getattr(item, "assisting_units", []) or []) or None,
             "owner": (getattr(item, "owner", None) or getattr(item, "leader", None)), "quote": item.text,
             "keep": YES, "doubt": "；".join(doubts) or None}, True)
        for t in item.targets:
            ref += 1
            put({"ref": ref, "unit": unit.name, "row_kind": "指标", "parent": me, "kind": KINDS.get(t.kind, t.kind),
                 "value": t.value, "min": t.min, "max": t.max, "comparator": COMPARATORS.get(t.comparator, t.comparator),
                 "measure": t.unit, "subject": t.subject, "commitment": t.commitment,
                 "deadline": t.deadline or t.date, "quote": t.quote, "keep": YES,
                 "doubt": "；".join(target_doubts(t, deadline)) or None}, False)
        for ch in item.children:
            walk(unit, ch, me)

    for unit in doc.units:
        for it in unit.items:
            walk(unit, it, None)
    last = max(ws.max_row, 2)

    def lst(key: str, options: tuple[str, ...] | list[str], blank: bool = True) -> None:
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=blank,
                            showErrorMessage=True, errorTitle="请从下拉列表中选择",
                            error=f"“{HEAD[key]}”只能是：{'、'.join(options)}")
        letter = get_column_letter(COL[key])
        dv.add(f"{letter}2:{letter}{last + 200}")
        ws.add_data_validation(dv)

    lst("row_kind", ROW_KINDS, blank=False)
    lst("kind", list(KINDS.values()))
    lst("comparator", list(COMPARATORS.values()))
    lst("commitment", COMMITMENTS)
    lst("keep", (YES, NO), blank=False)
    for key in ("value", "min", "max"):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="-1000000000000", allow_blank=True,
                            showErrorMessage=True, errorTitle="请填写数字", error=f"“{HEAD[key]}”只能填写数字")
        letter = get_column_letter(COL[key])
        dv.add(f"{letter}2:{letter}{last + 200}")
        ws.add_data_validation(dv)
    dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True, showErrorMessage=True,
                        errorTitle="请填写日期", error="截止日期请按 2023-12-31 的格式填写")
    letter = get_column_letter(COL["deadline"])
    dv.add(f"{letter}2:{letter}{last + 200}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "F2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True

    help_ws = wb.create_sheet("说明")
    for line in ("立项审核表：每个条目、每个指标一行。审核后用 tracker plan import 本文件 导入，表中写什么就导入什么。",
                 "“保留”改为“否”的行不导入（条目改为否时，其下的子条目和指标一并不导入）。",
                 "可以修改标题、编号、单位、数值、比较、计量单位、对象、承诺、截止日期、牵头单位、配合单位、责任人、原文。",
                 "新增指标：插入一行，“类型”填“指标”，“上级”填所属条目的行号。",
                 "“存疑原因”列出规则没有把握的地方，请重点核对；灰色行为条目，白色行为指标。",
                 "请勿修改工作表名称，请勿删除隐藏的工作表。"):
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 110
    meta = wb.create_sheet(META_SHEET)
    units = [{"name": u.name, "title": u.title, "plan_heading": u.plan_heading,
              "start": u.period_start.isoformat(), "end": u.period_end.isoformat()} for u in doc.units]
    for k, v in (("kind", "review"), ("version", "1"), ("table", "1" if table else "0"), ("year", doc.year),
                 ("half", "" if doc.half is None else doc.half), ("source", doc.source or ""),
                 ("units", json.dumps(units, ensure_ascii=False))):
        meta.append([k, v])
    meta.sheet_state = "veryHidden"
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    wb.save(tmp)
    tmp.replace(p)
    return ws.max_row - 1


def _safe(value: Any) -> Any:
    """Text without the control characters a workbook cannot hold."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _lines(text: Any, width: int) -> int:
    """Lines a wrapped text takes in a column of this width (a CJK character is two units)."""
    if not isinstance(text, str) or not text:
        return 1
    per = max(1, int(width / 2.1))
    return sum(max(1, -(-len(part) // per)) for part in text.split("\n"))


# -- reading back ---------------------------------------------------------------------------------


@dataclass
class _RowItem:
    ref: int
    unit: str
    parent: int | None
    item: PlanItem


def read_review(wb: Any, name: str) -> Document:
    """The Document a reviewed sheet says; InputError listing every bad cell (nothing imported)."""
    from tracker.sheets.files import sheet_rows, workbook_meta
    from tracker.sheets.tables import SheetItem, cell_text, split_units

    meta = workbook_meta(wb)
    if SHEET not in wb.sheetnames:
        raise InputError(f"{name} 中没有“{SHEET}”工作表（可能被改名），无法导入")
    try:
        units_meta = json.loads(meta.get("units") or "[]")
    except ValueError:
        units_meta = []
    table = meta.get("table") == "1"
    rows = sheet_rows(wb[SHEET])
    if not rows:
        raise InputError(f"{name}：“{SHEET}”表是空的")
    header = {cell_text(v): j for j, v in enumerate(rows[0]) if v is not None}
    missing = [h for h, key, _ in COLUMNS if h not in header and key not in ("doubt", "ref")]
    if missing:
        raise InputError(f"{name}：“{SHEET}”表缺少“{'”“'.join(missing)}”列（可能被删除或改名），未导入")
    errors: list[str] = []
    default = units_meta[0] if units_meta else None
    periods = {u["name"]: (date.fromisoformat(u["start"]), date.fromisoformat(u["end"])) for u in units_meta}
    items: list[_RowItem] = []
    by_ref: dict[int, _RowItem] = {}
    dropped: set[int] = set()
    targets: list[tuple[int, int, TargetSpec]] = []  # (sheet row, parent ref, target)
    next_ref = 10 ** 6

    for i, row in enumerate(rows[1:], start=2):
        def get(key: str, _row: list[Any] = row) -> Any:
            j = header.get(HEAD[key])
            return _row[j] if j is not None and j < len(_row) else None

        text = {key: _raw(get(key)) if key in _RAW else cell_text(get(key)) for _, key, _ in COLUMNS}
        if not any(v for k, v in text.items() if k not in ("keep", "doubt")):
            continue
        where = f"第 {i} 行"

        def bad(key: str, msg: str, _where: str = where) -> None:
            errors.append(f"{_where}“{HEAD[key]}”列：{msg}")

        keep = text["keep"] or YES
        if keep not in (YES, NO):
            bad("keep", f"只能填“是”或“否”：{keep}")
            continue
        ref = _int(text["ref"])
        if text["ref"] and ref is None:
            bad("ref", f"应为整数：{text['ref']}")
            continue
        parent = _int(text["parent"])
        if text["parent"] and parent is None:
            bad("parent", f"应为行号（整数）：{text['parent']}")
            continue
        if ref is None:
            next_ref += 1
            ref = next_ref
        kind_row = text["row_kind"]
        if kind_row not in ROW_KINDS:
            bad("row_kind", f"只能是“条目”或“指标”：{kind_row or '（空）'}")
            continue
        if keep == NO:
            dropped.add(ref)
            continue
        deadline = None
        if text["deadline"]:
            try:
                deadline = _date(get("deadline"))
            except ValueError as exc:
                bad("deadline", str(exc))
        if kind_row == "条目":
            if not text["title"] and not text["quote"]:
                bad("title", "条目的标题和原文不能都为空")
                continue
            unit = text["unit"] or (by_ref[parent].unit if parent in by_ref else (default["name"] if default else ""))
            fields: dict[str, Any] = dict(label=text["label"], title=text["title"] or text["quote"][:40],
                                          text=text["quote"] or text["title"])
            if table:
                assist = split_units(text["assist"])
                item: PlanItem = SheetItem(**fields, lead_unit=text["lead"] or None,
                                           assisting_units=[a for a in assist if a != text["lead"]],
                                           owner=text["owner"] or None, deadline=deadline)
            else:
                item = PlanItem(**fields)
            ri = _RowItem(ref, unit, parent, item)
            by_ref[ref] = ri
            items.append(ri)
            continue
        kind = KIND_CODES.get(text["kind"]) or (text["kind"] if text["kind"] in KINDS else None)
        if kind is None:
            bad("kind", f"只能是 {'、'.join(KINDS.values())}：{text['kind'] or '（空）'}")
            continue
        comparator = COMPARATOR_CODES.get(text["comparator"] or "等于")
        if comparator is None:
            bad("comparator", f"只能是 {'、'.join(COMPARATORS.values())}：{text['comparator']}")
            continue
        nums: dict[str, float | None] = {}
        ok = True
        for key in ("value", "min", "max"):
            v = get(key)
            if v is None or cell_text(v) == "":
                nums[key] = None
                continue
            try:
                from tracker.sheets.forms import read_number

                nums[key] = read_number(v)
            except ValueError as exc:
                bad(key, str(exc))
                ok = False
        if not ok:
            continue
        if text["commitment"] and text["commitment"] not in COMMITMENTS:
            bad("commitment", f"只能是 {'、'.join(COMMITMENTS)} 或留空：{text['commitment']}")
            continue
        if parent is None:
            bad("parent", "指标行要填所属条目的行号")
            continue
        if kind == "deadline" and deadline is None:
            bad("deadline", "时间节点指标要填截止日期")
            continue
        if comparator == "range" and (nums["min"] is None or nums["max"] is None):
            bad("min", "“区间”要填下限和上限")
            continue
        spec = TargetSpec(kind=kind, value=nums["value"], min=nums["min"], max=nums["max"], comparator=comparator,
                          unit=text["measure"] or None, subject=text["subject"] or None,
                          commitment=text["commitment"] or None, deadline=deadline,
                          date=deadline if kind == "deadline" else None, quote=text["quote"])
        targets.append((i, parent, spec))

    for i, parent, spec in targets:
        if parent in dropped or _under_dropped(parent, by_ref, dropped):
            continue
        if parent not in by_ref:
            errors.append(f"第 {i} 行“上级”列：行号 {parent} 不是表中的条目")
            continue
        by_ref[parent].item.targets.append(spec)
    if errors:
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  …另有 {len(errors) - 50} 处" if len(errors) > 50 else ""
        raise InputError(f"{name}：立项审核表有 {len(errors)} 处错误，未导入：\n{shown}{more}")

    plans: dict[str, UnitPlan] = {}
    for u in units_meta:
        plans[u["name"]] = UnitPlan(name=u["name"], title=u["title"], plan_heading=u["plan_heading"],
                                    period_start=periods[u["name"]][0], period_end=periods[u["name"]][1])
    for ri in items:
        if _under_dropped(ri.ref, by_ref, dropped):
            continue
        if ri.parent is not None and ri.parent in by_ref:
            by_ref[ri.parent].item.children.append(ri.item)
            continue
        if ri.parent is not None and ri.parent not in by_ref:
            raise InputError(f"{name}：条目 {ri.ref} 的“上级”{ri.parent} 不是表中的条目，未导入")
        up = plans.get(ri.unit)
        if up is None:
            base = default or {"title": ri.unit, "plan_heading": None}
            start, end = periods.get(base.get("name", ""), (date(int(meta.get("year") or date.today().year), 1, 1),
                                                           date(int(meta.get("year") or date.today().year), 12, 31)))
            up = plans[ri.unit] = UnitPlan(name=ri.unit, title=ri.unit + "（审核表）", plan_heading=base["plan_heading"],
                                           period_start=start, period_end=end)
        up.items.append(ri.item)
    half = meta.get("half")
    doc = Document(units=[u for u in plans.values() if u.items], year=int(meta.get("year") or date.today().year),
                   half=int(half) if half else None, source=meta.get("source") or name)
    return doc


_RAW = {"label", "title", "quote", "subject", "measure", "lead", "assist", "owner", "unit"}


def _raw(value: Any) -> str:
    """A text cell exactly as written (the review keeps the parse's text character for character)."""
    from tracker.sheets.tables import cell_text

    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return cell_text(value)


def _under_dropped(ref: int, by_ref: dict[int, _RowItem], dropped: set[int]) -> bool:
    seen: set[int] = set()
    cur: int | None = ref
    while cur is not None and cur not in seen:
        if cur in dropped:
            return True
        seen.add(cur)
        cur = by_ref[cur].parent if cur in by_ref else None
    return False


def _int(text: str) -> int | None:
    t = text.strip()
    try:
        f = float(t)
    except ValueError:
        return None
    return int(f) if f.is_integer() else None


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from tracker.context import parse_day
    from tracker.errors import TrackerError

    try:
        return parse_day(str(value), "截止日期")
    except TrackerError:
        raise ValueError(f"“{value}”不是日期，请按 2023-12-31 填写") from None


# -- JSON ------------------------------------------------------------------------------------------


def read_json(p: Path) -> Document:
    """The Document of `plan parse --format json` output (edited or not)."""
    from tracker.sheets.files import check_file

    check_file(p, "JSON 文件")
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
        units = [_unit(u) for u in data["units"]]
        return Document(units=units, year=int(data.get("year") or units[0].period_start.year),
                        half=data.get("half"), source=data.get("source") or str(p))
    except InputError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise InputError(f"{p.name} 不是 tracker plan parse --format json 的输出，无法导入（{type(exc).__name__}: {exc}）") from None


def _unit(u: dict[str, Any]) -> UnitPlan:
    return UnitPlan(name=u["name"], title=u["title"], plan_heading=u.get("plan_heading"),
                    period_start=date.fromisoformat(u["period"]["start"]),
                    period_end=date.fromisoformat(u["period"]["end"]), items=[_item(i) for i in u["items"]])


def _item(d: dict[str, Any]) -> PlanItem:
    from tracker.sheets.tables import SheetItem

    fields: dict[str, Any] = dict(label=d["label"], title=d["title"], text=d["text"],
                                  targets=[_target(t) for t in d["targets"]],
                  children=[_item(c) for c in d["children"]])
    if "lead_unit" in d:
        dl = d.get("deadline")
        return SheetItem(**fields, lead_unit=d["lead_unit"], assisting_units=list(d.get("assisting_units") or []),
                         leader=d.get("leader"), owner=d.get("owner"),
                         deadline=date.fromisoformat(dl) if dl else None, due_text=d.get("due_text") or "",
                         section=d.get("section") or "", uncertain=list(d.get("uncertain") or []))
    return PlanItem(**fields)


def _target(t: dict[str, Any]) -> TargetSpec:
    def day(key: str) -> date | None:
        v = t.get(key)
        return date.fromisoformat(v) if v else None

    def num(key: str) -> float | None:
        v = t.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"{key} 应为数字：{v!r}")
        return float(v)

    kind = t["kind"]
    if kind not in KINDS:
        raise ValueError(f"指标类型无效：{kind!r}")
    return TargetSpec(kind=kind, value=num("value"), min=num("min"), max=num("max"), comparator=t.get("comparator") or "=",
                      unit=t.get("unit"), subject=t.get("subject"), commitment=t.get("commitment"),
                      deadline=day("deadline"), date=day("date") if kind == "deadline" else None, quote=t.get("quote") or "")
