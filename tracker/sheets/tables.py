"""Task lists (重点任务分解表, 立项清单 …) as plans: header recognition by meaning. Pure; no I/O.

A table is a list of rows of cell values, merged cells already filled with their value (see
``files``). The header is the first row in which at least two cells name a known role and one
of them is a task column; rows above it are the title; a second header row under a merged
header cell (责任单位 over 牵头单位 | 配合单位) refines the columns. Each data row becomes a
``SheetItem``: a plan item with lead unit, assisting units, leader, owner and deadline, and
targets read from the task text with the prose rules. A time cell with several nodes
(6月底前完成方案，9月底前完成建设) gives one deadline target (milestone) per node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tracker.extract.model import Document, PlanItem, TargetSpec, UnitPlan
from tracker.extract.numerals import fold

# -- roles ---------------------------------------------------------------------------------------

SEQ, TASK, DETAIL, LEAD, ASSIST, LEADER, OWNER, DUE, NOTE, CATEGORY, UNITS = (
    "seq", "task", "detail", "lead", "assist", "leader", "owner", "due", "note", "category", "units")

ROLE_NAMES = {SEQ: "序号", TASK: "工作任务", DETAIL: "具体内容", LEAD: "牵头单位", ASSIST: "配合单位",
              LEADER: "责任领导", OWNER: "责任人", DUE: "完成时限", NOTE: "备注", CATEGORY: "类别",
              UNITS: "责任单位"}

# First match wins: the more specific meanings come before the general words they contain.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    (SEQ, re.compile(r"^(序号?|编号|序列号|no\.?|号|排序|项次)$", re.I)),
    (UNITS, re.compile(r"牵头.{0,3}配合|牵头.{0,3}协办|主责.{0,3}配合|(牵头|责任)单位.{0,2}(及|和|/|、)")),
    (ASSIST, re.compile(r"配合|协办|协助|协同|参与单位|参加单位|协作")),
    (LEADER, re.compile(r"领导|包抓|包联|分管")),
    (OWNER, re.compile(r"责任人|负责人|联系人|经办人|承办人|具体责任|专班|联络员")),
    (LEAD, re.compile(r"牵头|责任单位|责任部门|主责|承办单位|主办|负责单位|实施单位|责任主体|落实单位|^单位$|^部门$")),
    (DUE, re.compile(r"时限|时间|期限|节点|进度安排|完成时|截止|日期|进度要求")),
    (NOTE, re.compile(r"备注|说明")),
    (CATEGORY, re.compile(r"类别|分类|领域|板块|类型|专项|方面")),
    (DETAIL, re.compile(r"具体|目标|措施|要求|标准|举措|内容|成效|指标")),
    (TASK, re.compile(r"任务|事项|工作|项目|名称|重点")),
]


def role_of(header: str) -> str | None:
    """The meaning of a header cell, or None."""
    h = re.sub(r"[\s\u3000]+|[（(][^）)]*[)）]", "", fold(header or "")).strip("：:*")
    if not h or len(h) > 16:
        return None
    for role, rx in _RULES:
        if rx.search(h):
            return role
    return None


# -- cells ---------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as the text a person sees: 1.0 → "1", dates as YYYY-MM-DD, spaces tidied."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).replace("\u3000", " ").replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(ln.split()) for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln).strip()


_UNIT_SPLIT = re.compile(r"[、，,;；/\n]+|\s{1,}(?=\S)")
_LEAD_MARK = re.compile(r"[（(]?\s*(牵头|主责|总牵头)\s*[）)]?")
_ROLE_PREFIX = re.compile(r"(牵头单位|牵头|主责单位|责任单位)\s*[:：]\s*(?P<lead>[^；;\n]+)|(配合单位|配合|协办单位|协办)\s*[:：]\s*(?P<assist>[^；;\n]+)")


def split_units(text: str) -> list[str]:
    """Unit names in one cell: 县发改局、县财政局 / 县发改局，县财政局 / one per line."""
    out: list[str] = []
    for part in _UNIT_SPLIT.split(text or ""):
        name = part.strip(" 。.等")
        name = re.sub(r"^(各|相关)?$", "", name)
        if name and name not in out and name not in ("无", "—", "-", "/"):
            out.append(name)
    return out


def units_cell(text: str) -> tuple[str | None, list[str]]:
    """(lead, assisting) from a combined 责任单位 cell.

    "牵头单位：县发改局；配合单位：县财政局", "县发改局（牵头）、县财政局", or a plain list in
    which, as offices write it, the first unit named leads.
    """
    if not text:
        return None, []
    marked = list(_ROLE_PREFIX.finditer(text))
    if marked:
        leads = [u for m in marked if m.group("lead") for u in split_units(m.group("lead"))]
        assists = [u for m in marked if m.group("assist") for u in split_units(m.group("assist"))]
        return (leads[0] if leads else None), leads[1:] + [a for a in assists if a not in leads]
    names = split_units(text)
    lead_i = next((i for i, n in enumerate(names) if _LEAD_MARK.search(n)), 0)
    names = [_LEAD_MARK.sub("", n).strip() for n in names]
    names = [n for n in names if n]
    if not names:
        return None, []
    lead_i = min(lead_i, len(names) - 1)
    return names[lead_i], [n for i, n in enumerate(names) if i != lead_i]


# -- deadlines -----------------------------------------------------------------------------------

_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-./年]\s*(1[0-2]|0?[1-9])(?:\s*[-./月]\s*([0-3]?\d)\s*日?)?")
_MONTH_ONLY = re.compile(r"(?<![\d年.])(1[0-2]|0?[1-9])\s*月(?:\s*([0-3]?\d)\s*日)?")
_ONGOING = re.compile(r"长期|持续|常态|全年|每月|每季|每周|每年|定期|按时|及时")


def due_nodes(text: str, start: date, end: date) -> list[tuple[date, str, str]]:
    """(date, node text, what is due) for each deadline in a time cell, in order of writing."""
    from tracker.extract.targets import find_deadlines

    t = cell_text(text)
    if not t:
        return []
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t)
    if iso:
        try:
            return [(date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))), t, "")]
        except ValueError:
            return []
    n = fold(t)
    found = [(s, e, d) for s, e, d, _ in find_deadlines(n, start, end)]
    if not found:
        found = [(m.start(), m.end(), d) for m in _YMD.finditer(n) if (d := _ymd(m)) is not None]
    if not found:
        found = [(m.start(), m.end(), d) for m in _MONTH_ONLY.finditer(n)
                 if (d := _month_date(start, end, int(m.group(1)), m.group(2))) is not None]
    out = []
    for i, (s, e, d) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(t)
        node = t[s:stop].strip(" ，,；;。、")
        out.append((d, node, t[e:stop].strip(" ，,；;。、：:")))
    return out


def _ymd(m: re.Match[str]) -> date | None:
    import calendar

    y, mo = int(m.group(1)), int(m.group(2))
    try:
        if m.group(3):
            return date(y, mo, int(m.group(3)))
        return date(y, mo, calendar.monthrange(y, mo)[1])
    except ValueError:
        return None


def _month_date(start: date, end: date, month: int, day: str | None) -> date | None:
    import calendar

    year = end.year
    try:
        d = date(year, month, int(day)) if day else date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None
    if d < start and start.year == end.year:
        return None
    return d


# -- the table -----------------------------------------------------------------------------------


@dataclass
class SheetItem(PlanItem):
    """A task-list row: a plan item with the units, people and deadline its columns name."""

    lead_unit: str | None = None
    assisting_units: list[str] = field(default_factory=list)
    leader: str | None = None
    owner: str | None = None
    deadline: date | None = None
    due_text: str = ""
    section: str = ""
    row: int = 0  # 1-based row in the sheet, for messages
    uncertain: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update({"lead_unit": self.lead_unit, "assisting_units": self.assisting_units,
                    "leader": self.leader, "owner": self.owner,
                    "deadline": self.deadline.isoformat() if self.deadline else None,
                    "due_text": self.due_text, "section": self.section, "row": self.row,
                    "uncertain": self.uncertain})
        return out


@dataclass
class Header:
    row: int  # 0-based index of the last header row
    columns: dict[int, str]  # column index -> role
    names: dict[int, str]  # column index -> header text as written
    title: str  # text above the header (the table's title), or ""


def find_header(rows: list[list[str]], scan: int = 12) -> Header | None:
    """The header of a task table, or None when the rows do not look like one."""
    for i, row in enumerate(rows[:scan]):
        roles = {j: role_of(c) for j, c in enumerate(row) if c}
        known = {j: r for j, r in roles.items() if r}
        if len(set(known.values())) < 2 or not ({TASK, DETAIL} & set(known.values())):
            continue
        names = {j: row[j] for j in known}
        last = i
        if i + 1 < len(rows):  # 责任单位 merged over 牵头单位 | 配合单位
            sub = rows[i + 1]
            subroles = {j: role_of(c) for j, c in enumerate(sub) if c and (j >= len(row) or c != row[j])}
            if subroles and all(subroles.values()):
                for j, r in subroles.items():
                    known[j], names[j] = r, sub[j]  # type: ignore[assignment]
                last = i + 1
        columns = _settle(known)
        if not columns:
            continue
        title_lines: list[str] = []
        for above in rows[:i]:
            for c in above:
                if c and c not in title_lines:
                    title_lines.append(c)
        return Header(row=last, columns=columns, names={j: names[j] for j in columns}, title=" ".join(title_lines))
    return None


def _settle(known: dict[int, str]) -> dict[int, str]:
    """One column per role (the first), a DETAIL promoted to TASK when there is no task column."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for j in sorted(known):
        r = known[j]
        if r in seen and r not in (DETAIL, DUE, NOTE):
            continue
        if r in seen and r == DUE:
            continue
        seen.add(r)
        out[j] = r
    if TASK not in seen:
        first = next((j for j in sorted(out) if out[j] == DETAIL), None)
        if first is None:
            return {}
        out[first] = TASK
    return out


_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ISSUER = re.compile(r"^(?:关于)?(?P<name>.{2,30}?)(?:(?:19|20)\d{2}\s*年|关于|重点|工作任务|任务分解|立项)")
_NUM_SEQ = re.compile(r"^\s*(\d{1,4})\s*[.、．]?\s*$")
_CN_SEQ = re.compile(r"^\s*[（(]?([一二三四五六七八九十]{1,3})[)）、.]?\s*$")


def issuer_of(title: str) -> str:
    """The office a table's title names (某县2024年…分解表 → 某县), or ""."""
    t = fold(title or "").strip()
    m = _ISSUER.match(t)
    if not m:
        return ""
    name = m.group("name").strip(" 《“\"")
    return "" if _TITLE_YEAR.search(name) or len(name) < 2 else title.strip()[m.start("name"):m.start("name") + len(name)]


def table_period(title: str, due_cells: list[str], year: int | None, half: int | None,
                 default_year: int) -> tuple[date, date]:
    from tracker.extract import period_of, title_period

    ty, th, known = title_period(title) if title else (None, None, False)
    if year is None:
        year = ty
    if year is None:
        years = [int(m.group(1)) for c in due_cells for m in re.finditer(r"((?:19|20)\d{2})", fold(c))]
        year = max(set(years), key=years.count) if years else default_year
    if half is None and known:
        half = th
    return period_of(year, half)


def read_table(rows: list[list[Any]], *, source: str | None = None, title: str | None = None,
               year: int | None = None, half: int | None = None, default_year: int | None = None,
               sheet: str = "") -> tuple[Header | None, list[SheetItem], tuple[date, date], str]:
    """(header, items, period, title) of one table; no header means no items."""
    text_rows = [[cell_text(c) for c in r] for r in rows]
    header = find_header(text_rows)
    if header is None:
        return None, [], (date(default_year or date.today().year, 1, 1), date(default_year or date.today().year, 12, 31)), ""
    table_title = header.title or title or ""
    due_cols = [j for j, r in header.columns.items() if r == DUE]
    data = text_rows[header.row + 1:]
    start, end = table_period(table_title or (title or ""), [r[j] for r in data for j in due_cols if j < len(r)],
                              year, half, default_year or date.today().year)
    items: list[SheetItem] = []
    section = ""
    prev_key: tuple[str, str] | None = None
    group: SheetItem | None = None
    cells_prev: dict[str, str] = {}
    details_prev: list[str] = []
    dues_prev: list[str] = []
    notes_prev: list[str] = []
    for k, row in enumerate(data):
        rownum = header.row + 2 + k
        cells = {role: _cell(row, j) for j, role in header.columns.items() if role not in (DETAIL, DUE, NOTE)}
        details = [_cell(row, j) for j, r in header.columns.items() if r == DETAIL]
        dues = [_cell(row, j) for j, r in header.columns.items() if r == DUE]
        notes = [_cell(row, j) for j, r in header.columns.items() if r == NOTE]
        filled = [c for c in row if c]
        if not filled:
            continue
        distinct = set(filled)
        task_text = cells.get(TASK, "")
        task_col = next((j for j, r in header.columns.items() if r == TASK), -1)
        only_task = len(filled) == 1 and task_col < len(row) and row[task_col] == filled[0]
        if len(distinct) == 1 and not _NUM_SEQ.match(filled[0]) and not only_task:
            section = filled[0]  # a merged row across the table: a category heading
            prev_key, group = None, None
            continue
        if not task_text and not any(details):
            continue
        if cells.get(CATEGORY):
            section = cells[CATEGORY]
        seq = cells.get(SEQ, "")
        item = _row_item(cells, details, dues, notes, seq, start, end, rownum, section, header)
        key = (seq, task_text)
        if prev_key == key and seq and task_text and any(details):
            # a task over several rows (merged 序号 and 工作任务): one task, each row a sub-item
            assert group is not None
            if not group.children:
                first = _row_item(cells_prev, details_prev, dues_prev, notes_prev, "", start, end,
                                  group.row, section, header, child=True)
                group.children.append(first)
                group.text, group.targets = task_text, _targets(task_text, start, end)
                group.deadline = max((c.deadline for c in [first] if c.deadline), default=group.deadline)
            child = _row_item(cells, details, dues, notes, "", start, end, rownum, section, header, child=True)
            child.label = f"{len(group.children) + 1}."
            group.children.append(child)
            subs = [c for c in group.children if isinstance(c, SheetItem)]
            ds = [c.deadline for c in subs if c.deadline]
            group.deadline = max(ds) if ds else group.deadline
            for c in subs:
                for u in [c.lead_unit, *c.assisting_units]:
                    if u and u != group.lead_unit and u not in group.assisting_units:
                        group.assisting_units.append(u)
            continue
        items.append(item)
        group, prev_key = item, key
        cells_prev, details_prev, dues_prev, notes_prev = cells, details, dues, notes
    for i, it in enumerate(items):
        if not it.label:
            it.label = f"{i + 1}."
        if it.children:
            it.children[0].label = "1."
    return header, items, (start, end), table_title


def _cell(row: list[str], j: int) -> str:
    return row[j] if j < len(row) else ""


def _targets(text: str, start: date, end: date) -> list[TargetSpec]:
    from tracker.extract.targets import extract_targets

    return extract_targets(text, start, end)


def _row_item(cells: dict[str, str], details: list[str], dues: list[str], notes: list[str], seq: str,
              start: date, end: date, rownum: int, section: str, header: Header, child: bool = False) -> SheetItem:
    from tracker.extract import item_title

    task_text = cells.get(TASK, "")
    detail = "\n".join(d for d in details if d and d != task_text)
    text = detail if child and detail else "\n".join(x for x in (task_text, detail) if x)
    title_src = detail if child and detail else (task_text or detail)
    lead: str | None = None
    assisting: list[str] = []
    if cells.get(UNITS):
        lead, assisting = units_cell(cells[UNITS])
    if cells.get(LEAD):
        lead_l, extra = units_cell(cells[LEAD])
        lead = lead_l
        assisting = extra + [a for a in assisting if a not in extra]
    if cells.get(ASSIST):
        assisting += [a for a in split_units(cells[ASSIST]) if a not in assisting and a != lead]
    uncertain: list[str] = []
    due_text = "；".join(d for d in dues if d)
    nodes = due_nodes(due_text, start, end) if due_text else []
    targets = _targets(text, start, end)
    deadline = max((d for d, _, _ in nodes), default=None)
    if len(nodes) >= 2:  # 6月底前完成方案，9月底前完成建设: one milestone per node
        have = {t.date for t in targets if t.kind == "deadline"}
        for d, node, what in nodes:
            if d not in have:
                targets.append(TargetSpec(kind="deadline", date=d, deadline=d, quote=node, subject=what[:40] or None))
    elif deadline is not None:
        for t in targets:
            if t.deadline is None:
                t.deadline = deadline
    if due_text and not nodes and not _ONGOING.search(due_text):
        uncertain.append(f"完成时限“{due_text}”中未识别出日期")
    if nodes and any(d < start or d > date(end.year + 1, 12, 31) for d, _, _ in nodes):
        uncertain.append(f"完成时限“{due_text}”不在计划周期内")
    if not lead and ({LEAD, UNITS} & set(header.columns.values())):
        uncertain.append("未填写牵头单位，将记在发文单位名下")
    label = ""
    m = _NUM_SEQ.match(seq)
    if m:
        label = f"{int(m.group(1))}."
    elif _CN_SEQ.match(seq):
        label = f"{_CN_SEQ.match(seq).group(1)}、"  # type: ignore[union-attr]
    elif seq:
        label = seq
    if notes and any(notes):
        text = text + "\n备注：" + "；".join(n for n in notes if n)
    return SheetItem(label=label, title=item_title(title_src) or title_src[:40], text=text, targets=targets,
                     lead_unit=lead, assisting_units=assisting, leader=cells.get(LEADER) or None,
                     owner=cells.get(OWNER) or None, deadline=deadline, due_text=due_text, section=section,
                     row=rownum, uncertain=uncertain)


def table_document(tables: list[tuple[str, list[list[Any]]]], *, source: str | None, file_title: str,
                   unit: str | None = None, year: int | None = None, half: int | None = None,
                   default_year: int | None = None) -> Document | None:
    """A plan Document from the task tables of one file (one unit plan: the issuing office's)."""
    items: list[SheetItem] = []
    period: tuple[date, date] | None = None
    title = ""
    headings: list[str] = []
    for sheet, rows in tables:
        header, its, per, t = read_table(rows, source=source, title=file_title, year=year, half=half,
                                         default_year=default_year, sheet=sheet)
        if header is None or not its:
            continue
        if period is None:
            period, title = per, t
        items.extend(its)
        headings.append(sheet)
    if period is None:
        return None
    title = title or file_title
    name = (unit or "").strip() or issuer_of(title) or issuer_of(file_title)
    up = UnitPlan(name=name, title=title.split(" ")[0] if title else file_title, plan_heading="任务清单" + (
        "（" + "、".join(h for h in headings if h) + "）" if any(headings) else ""),
        period_start=period[0], period_end=period[1], items=list(items))
    return Document(units=[up], year=period[0].year,
                    half=1 if period[1].month == 6 else (2 if period[0].month == 7 else None), source=source)
