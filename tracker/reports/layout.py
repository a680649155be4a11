"""Reports as a format-neutral document: headings, paragraphs, tables and charts.

``weekly_doc`` and ``yearend_doc`` turn the figures of ``data`` into a ``Doc``; each output
format (terminal, Markdown, HTML, Word, Excel) renders the same ``Doc``, so they all say the
same thing. Table cells hold raw values (numbers stay numbers, percentages are 0–100); a
column's ``kind`` says how to show them (``fmt_cell``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.reports import data as d
from tracker.tasks import fmt_num

# Column kinds: text, date, status, result (left-aligned); int, num, pct, pts, pt1, rank, bar (right-aligned).
# pct and bar are percentages (0–100), pts a signed change in points, pt1 points to one decimal.
RIGHT = frozenset({"int", "num", "pct", "pts", "pt1", "rank", "bar"})

@dataclass
class Col:
    name: str
    kind: str = "text"


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: 一、  2: （一）  3: 1.


@dataclass
class Para:
    text: str
    lead: str = ""  # a bold lead-in such as "进展情况："


@dataclass
class Table:
    title: str
    cols: list[Col]
    rows: list[list[Any]]
    total_row: bool = False  # the last row is a 合计 row
    sheet: str | None = None  # the Excel sheet this table becomes (None: not in the workbook)
    empty: str = ""  # said instead of the table when it has no rows (Excel keeps the sheet, with this line)


@dataclass
class Chart:
    """A chart for HTML: ``bars`` (label, percent), ``shares`` (label, count, colour key) or
    ``line`` (label, percent); ``ref`` a reference value (序时进度) drawn across bars and lines."""

    kind: str
    title: str
    items: list[tuple[Any, ...]]
    ref: float | None = None
    ref_label: str = "序时进度"


Block = Heading | Para | Table | Chart


@dataclass
class Doc:
    title: str
    subtitle: str
    blocks: list[Block] = field(default_factory=list)
    kind: str = "weekly"  # weekly | yearend
    issuer: str = ""  # the issuing office, printed with the date at the foot (Word, Markdown, HTML)
    issued: date | None = None  # the date of the report (公文 成文日期)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def fmt_cell(kind: str, value: Any) -> str:
    """A cell as text, the same in every format."""
    if kind == "num":
        return fmt_num(value)
    if kind == "rank":
        if not value:
            return "—"
        return f"↑{value}" if value > 0 else f"↓{-value}"
    if value is None:
        return ""
    if kind in ("pct", "bar"):
        return f"{float(value):.1f}%"
    if kind == "pts":
        x = round(float(value), 1)
        return f"{x + 0.0:+.1f}" if x else "+0.0"
    if kind == "pt1":
        return f"{round(float(value), 1) + 0.0:.1f}"
    if kind == "int":
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fmt_column(kind: str, values: Sequence[Any]) -> list[str]:
    """``fmt_cell`` over a column's values (the common kinds without a call a cell)."""
    if kind in ("text", "status", "result"):
        return ["" if v is None else v if v.__class__ is str else fmt_cell(kind, v) for v in values]
    if kind in ("pct", "bar"):
        return ["" if v is None else f"{float(v):.1f}%" for v in values]
    if kind == "int":
        return ["" if v is None else str(int(v)) for v in values]
    return [fmt_cell(kind, v) for v in values]


CN_DIGITS = "零一二三四五六七八九"


def cn_num(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 40 → 四十 (up to 99; larger numbers as digits)."""
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def _cn_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def cn_date(day: date | str | None) -> str:
    """A date as official documents write it: 2023年10月16日."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def cn_span(start: date, end: date) -> str:
    """2023年9月30日至10月6日 (the year once when both days share it)."""
    if start.year == end.year:
        return f"{cn_date(start)}至{end.month}月{end.day}日"
    return f"{cn_date(start)}至{cn_date(end)}"


def _change(points: float, prefix: str = "较上周") -> str:
    x = round(points, 1)
    if x > 0:
        return f"{prefix}提高{x:.1f}个百分点"
    if x < 0:
        return f"{prefix}下降{-x:.1f}个百分点"
    return "与上周持平"


def _levels(lines: list[d.Line]) -> str:
    """"一级事项12项、子事项11项" (sub-items named apart, never added to the items)."""
    subs = sum(1 for ln in lines if not ln.is_top)
    return f"一级事项{len(lines) - subs}项" + (f"、子事项{subs}项" if subs else "")


def _items(lines: list[d.Line]) -> str:
    """"3项", or "5项（含子事项2项）" when the list has sub-items (the counts above have none)."""
    subs = sum(1 for ln in lines if not ln.is_top)
    return f"{len(lines)}项" + (f"（含子事项{subs}项）" if subs else "")


NO_TASKS = "可用 tracker plan import 导入计划，或用 tracker task add 添加任务。"


def _none(text: str) -> Para:
    return Para(text)


# -- weekly ---------------------------------------------------------------------------------------
def item_name(ln: d.Line) -> str:
    """An item in a list of its own: a sub-item names the item it belongs to."""
    name = ln.label + ln.title
    return name if ln.is_top or not ln.parent else f"{name}（“{ln.parent}”子事项）"


def weekly_doc(r: d.Weekly, issuer: str = "") -> Doc:
    title = f"{r.unit or ''}督办工作周报（{r.year}年第{r.number}周）"
    subtitle = (f"统计周期：{cn_span(r.start, r.end)}（每{r.report_day_name}截止）"
                + ("" if r.as_of == r.end else f"，统计截至{cn_date(r.as_of)}"))
    doc = Doc(title, subtitle, kind="weekly", issuer=issuer, issued=r.as_of)
    t = r.total
    n = 0

    def section(text: str) -> None:
        nonlocal n
        n += 1
        doc.add(Heading(f"{cn_num(n)}、{text}", 1))

    # 一、总体情况
    section("总体情况")
    paces = "，".join(f"{p}{t.pace[p]}项（{t.share(t.pace[p]):.1f}%）" for p in d.PACES)
    stale = [s.line for s in r.stale]
    silent = (f"{r.silent_days}天以上未更新进展的{_levels(stale)}、单位{len(r.silent)}个，请督促填报。"
              if r.silent or r.stale else f"各单位、各事项近{r.silent_days}天均有进展填报。" if t.total else "")
    doc.add(Para(
        f"截至{_cn_date(r.as_of)}，纳入督办的{r.scope.line()}（子事项计入所属事项的完成度，不另计数）。"
        f"一级事项中{paces}；"
        f"绿灯{t.lights['绿']}项、黄灯{t.lights['黄']}项、红灯{t.lights['红']}项、已完成{t.lights['完成']}项；"
        f"总体完成度{t.completion:.1f}%，{_change(t.gained)}。"
        f"红灯{_levels(r.red)}，逾期未完成{_levels(r.overdue)}，其中本周新增逾期{_items(r.newly_overdue)}；"
        f"本周完成{_items(r.completed)}，黄灯预警{_items(r.at_risk)}，"
        f"填报进展{len(r.updates)}条{'；' + silent if silent else '。'}"
    ))
    if not t.total:
        doc.add(Para(NO_TASKS))
    doc.add(
        Chart("bars", "各单位完成度", [(u.unit, u.completion) for u in r.units], ref=r.expected),
        Chart("shares", "红黄绿灯占比（一级事项）", [("绿灯", t.lights["绿"], "绿"), ("黄灯", t.lights["黄"], "黄"),
                                          ("红灯", t.lights["红"], "红"), ("已完成", t.lights["完成"], "完成")]),
        *([Chart("line", f"近{len(r.trend)}周总体完成度（每{r.report_day_name}）", list(r.trend))] if r.trend else []),
    )
    rows: list[list[Any]] = [[p, t.pace[p], t.share(t.pace[p])] for p in d.PACES]
    rows += [[f"{s}灯", t.lights[s], t.share(t.lights[s])] for s in ("绿", "黄", "红")]
    rows += [["已完成（灯）", t.lights["完成"], t.share(t.lights["完成"])], ["总体完成度", None, t.completion]]
    doc.add(Table("进度分类（对照序时进度）", [Col("分类"), Col("项数", "int"), Col("占比", "pct")], rows,
                  sheet="进度分类"))
    cols = [Col("单位"), Col("任务数", "int"), *(Col(p, "int") for p in d.PACES), Col("达进度占比", "pct"),
            Col("绿", "int"), Col("黄", "int"), Col("红", "int"), Col("完成度", "pct"), Col("较上周", "pts"),
            Col("排名", "int"), Col("名次变化", "rank")]

    def unit_row(u: d.Tally, rank: int | None) -> list[Any]:
        return [u.unit, u.total, *(u.pace[p] for p in d.PACES), u.share(u.on_pace), u.lights["绿"],
                u.lights["黄"], u.lights["红"], u.completion, u.gained, rank, u.rank_change]

    rows = [unit_row(u, u.rank) for u in r.units] + [unit_row(t, None)]
    doc.add(Table("各单位任务进展统计", cols, rows if r.units else [], total_row=True, sheet="汇总",
                  empty="暂无纳入督办的任务。"))

    # 二、与上周对比
    section("与上周对比")
    delta = _change(t.gained, "")
    doc.add(Para(f"上周（截至{cn_date(r.last_as_of)}，即上周报告所载）总体完成度{t.last_completion:.1f}%，"
                 f"本周{t.completion:.1f}%，{delta}。"))
    ranked = sorted(r.units, key=lambda u: (u.rank or 0))
    doc.add(Table("各单位完成度与排名变化", [
        Col("单位"), Col("上周完成度", "pct"), Col("本周完成度", "pct"), Col("提高", "pts"),
        Col("上周排名", "int"), Col("本周排名", "int"), Col("名次变化", "rank")],
        [[u.unit, u.last_completion, u.completion, u.gained, u.last_rank, u.rank, u.rank_change] for u in ranked],
        sheet="与上周对比", empty="暂无可对比的单位。"))

    # The lists a supervisor reads first: red, overdue, new this week.
    section(f"红灯事项（{_levels(r.red)}）")
    doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("事项"), Col("截止日期", "date"), Col("完成度", "bar"),
                       Col("序时进度", "pct"), Col("落后（百分点）", "pt1"), Col("逾期天数", "int"), Col("最新说明")],
                  [[ln.unit, ln.id, item_name(ln), ln.deadline, ln.completion, ln.expected, ln.behind,
                    ln.overdue_days, ln.note or "暂无填报"] for ln in r.red],
                  sheet="红灯事项", empty="没有红灯事项。"))
    section(f"逾期未完成事项（{_levels(r.overdue)}）")
    doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("事项"), Col("截止日期", "date"), Col("逾期天数", "int"),
                       Col("完成度", "bar"), Col("责任人"), Col("最新说明")],
                  [[ln.unit, ln.id, item_name(ln), ln.overdue_since, ln.overdue_days, ln.completion, ln.owner,
                    ln.note or "暂无填报"] for ln in r.overdue],
                  sheet="逾期事项", empty="没有逾期未完成的事项。"))
    section(f"本周新增逾期事项（{_items(r.newly_overdue)}）")
    doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("事项"), Col("截止日期", "date"), Col("逾期天数", "int"),
                       Col("完成度", "bar"), Col("责任人")],
                  [[ln.unit, ln.id, item_name(ln), ln.overdue_since, ln.overdue_days, ln.completion, ln.owner]
                   for ln in r.newly_overdue], sheet="新增逾期",
                  empty=f"本周（{cn_span(r.start, r.end)}）没有新增逾期事项。"))
    section(f"本周完成事项（{_items(r.completed)}）")
    doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("事项"), Col("完成日期", "date"), Col("最新说明")],
                  [[ln.unit, ln.id, item_name(ln), ln.done_on or "", ln.note or ""] for ln in r.completed],
                  sheet="本周完成", empty="本周没有新完成的事项。"))
    section(f"黄灯预警事项（{_items(r.at_risk)}）")
    doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("事项"), Col("截止日期", "date"),
                       Col("完成度", "bar"), Col("序时进度", "pct"), Col("责任人")],
                  [[ln.unit, ln.id, item_name(ln), ln.deadline, ln.completion, ln.expected, ln.owner]
                   for ln in r.at_risk], sheet="黄灯预警", empty="没有黄灯预警事项。"))
    section(f"本周进展填报（{len(r.updates)}条）")
    doc.add(Table("", [Col("日期", "date"), Col("单位"), Col("编号", "int"), Col("事项"), Col("填报人"),
                       Col("内容"), Col("数值"), Col("说明")],
                  [[u.day, u.unit, u.task_id, u.task, u.author, u.content, u.value, u.note] for u in r.updates],
                  sheet="进展填报", empty="本周没有填报进展。"))
    section(f"近{r.due_soon_days}天到期事项（{_items(r.due_soon)}）")
    doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("事项"), Col("截止日期", "date"),
                       Col("状态", "status"), Col("完成度", "bar")],
                  [[ln.unit, ln.id, item_name(ln), ln.deadline, ln.status, ln.completion] for ln in r.due_soon],
                  sheet="近期到期", empty=f"近{r.due_soon_days}天没有到期的未完成事项。"))
    section(f"催办事项（{r.silent_days}天以上未更新进展：{_levels(stale)}，单位{len(r.silent)}个）")
    doc.add(Table("按事项", [Col("单位"), Col("编号", "int"), Col("事项"), Col("最近更新", "date"),
                          Col("未更新天数", "int"), Col("责任人")],
                  [[s.line.unit, s.line.id, item_name(s.line), s.last_update or "从未填报", s.days, s.line.owner]
                   for s in r.stale], sheet="催办事项", empty="各事项均按时填报进展。"))
    doc.add(Table("按单位", [Col("单位"), Col("最近更新", "date"), Col("未更新天数", "int"), Col("未完成事项", "int")],
                  [[s.unit, s.last_update or "从未填报", s.silent_days, s.open_tasks] for s in r.silent],
                  sheet="催办单位", empty="各单位均按时填报进展。"))

    # 各单位任务进展
    section("各单位任务进展")
    if not r.by_unit:
        doc.add(_none("暂无纳入督办的任务。"))
    cols = [Col("编号", "int"), Col("事项"), Col("指标（当前/目标/完成率）"), Col("状态", "status"),
            Col("完成度", "bar"), Col("序时进度", "pct"), Col("截止日期", "date"), Col("最新说明")]
    for i, (unit, lines) in enumerate(r.by_unit.items(), 1):
        doc.add(Heading(f"（{cn_num(i)}）{unit}", 2))
        doc.add(Table(f"{unit}任务进展", cols,
                      [[ln.id, ln.name, ln.targets_text, ln.status, ln.completion, ln.expected, ln.deadline,
                        ln.note or ""] for ln in lines], sheet=unit))
        k = 0
        for ln in lines:
            if not ln.note:
                continue
            k += 1
            doc.add(Heading(f"{k}.{ln.title}（{ln.status}，完成{ln.completion:.0f}%）", 3))
            doc.add(*(Para(text, lead) for lead, text in ln.parts.present()))
    return doc


# -- year end -------------------------------------------------------------------------------------
def yearend_doc(r: d.Yearend, issuer: str = "") -> Doc:
    period = {None: "年度", 1: "上半年", 2: "下半年"}[r.half]
    title = f"{r.unit or ''}{r.year}{'' if r.half is None else '年'}{period}工作计划完成情况总结"
    subtitle = f"统计期间：{cn_date(r.start)}至{cn_date(r.end)}" + (
        "" if r.as_of == r.end else f"，统计截至{cn_date(r.as_of)}")
    doc = Doc(title, subtitle, kind="yearend", issuer=issuer, issued=r.as_of)
    doc.add(Heading("一、总体情况", 1), Para(r.summary))
    if not r.total:
        doc.add(Para(f"本期没有在{cn_date(r.start)}至{cn_date(r.end)}之间实施的计划事项。" + NO_TASKS))
    else:
        doc.add(Para(f"完成率达到100%为完成（超过目标为超额完成，晚于截止日期完成为逾期完成），"
                     f"达到{fmt_num(r.basic_percent)}%为基本完成，没有任何进展记录为无进展；"
                     "子事项计入所属事项的完成度，不另计数；指标按承诺用语（确保、力争/争取）分别统计。",
                     "评定标准："))
    doc.add(
        Chart("bars", "各单位平均完成度", [(u.unit, u.completion) for u in r.units]),
        Chart("shares", "计划事项完成结果", [(k, r.results[k], k) for k in d.RESULTS]),
    )
    rows: list[list[Any]] = [[k, r.results[k], d.share(r.results[k], r.total)] for k in d.RESULTS]
    rows.append(["合计", r.total, 100.0 if r.total else 0.0])
    doc.add(Table("计划事项完成结果", [Col("结果", "result"), Col("项数", "int"), Col("占比", "pct")], rows, total_row=True,
                  sheet="完成结果"))
    doc.add(Table("指标完成情况（按承诺类别）", [Col("类别"), Col("指标数", "int"), *(Col(k, "int") for k in d.RESULTS),
                                              Col("完成率", "pct")],
                  [[c.kind, c.total, *(c.results[k] for k in d.RESULTS), c.rate] for c in r.commitments],
                  sheet="承诺类别"))

    doc.add(Heading("二、各单位完成情况及排名", 1))
    if r.units:
        doc.add(Para("按各单位一级事项的平均完成度排名，并列出全部完成的事项所占比例。"))
    doc.add(Table("各单位完成情况及排名", [Col("排名", "int"), Col("单位"), Col("事项数", "int"),
                                         *(Col(k, "int") for k in d.RESULTS), Col("平均完成度", "bar"),
                                         Col("全部完成占比", "pct")],
                  [[u.rank, u.unit, u.total, *(u.results[k] for k in d.RESULTS), u.completion, u.rate]
                   for u in r.units], sheet="汇总", empty="暂无可排名的单位。"))

    doc.add(Heading("三、计划完成情况对照", 1))
    by_unit: dict[str, list[d.Item]] = {}
    for it in r.items:
        by_unit.setdefault(it.line.unit, []).append(it)
    if not by_unit:
        doc.add(Para("本期没有计划事项。"))
    cols = [Col("编号", "int"), Col("计划事项"), Col("计划内容（原文）"), Col("目标"), Col("承诺"), Col("实际值", "num"),
            Col("计量/情况"), Col("完成率", "pct"), Col("结果", "result"), Col("最新说明")]
    for i, (unit, items) in enumerate(by_unit.items(), 1):
        doc.add(Heading(f"（{cn_num(i)}）{unit}", 2))
        doc.add(Table(f"{unit}计划完成情况", cols, [row for it in items for row in _item_rows(it)], sheet=unit))

    following = "下半年" if r.half == 1 else "下一年度"
    subs = f"，其下未完成子事项{r.unfinished_subs}项" if r.unfinished_subs else ""
    doc.add(Heading(f"四、未完成事项（一级事项{len(r.unfinished)}项{subs}，作为{following}计划的基础）", 1))
    doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("事项"), Col("完成度", "bar"), Col("结果", "result"),
                       Col("最新说明"), Col("说明日期", "date")],
                  [[it.line.unit, it.line.id, it.line.name, it.line.completion, it.result_text, it.line.note or "",
                    it.line.note_on or ""] for it in r.unfinished_rows], sheet="未完成事项", empty="没有未完成的事项。"))
    return doc


def _target_actual(t: d.TargetLine, done: bool) -> tuple[float | None, str]:
    if t.kind == "deadline":
        return None, "已完成" if done else "未完成"
    return t.current, t.measure


def _item_name(it: d.Item) -> str:
    name = it.line.name
    if it.share is not None:
        name += f"（跨年度事项，本期应完成{it.share:.0f}%）"
    return name


def _target_label(k: int, t: d.TargetLine) -> str:
    return f"指标{k}" + (f"：{t.subject}" if t.subject else "")


def _item_rows(it: d.Item) -> list[list[Any]]:
    ln = it.line
    note = ln.note or ""
    name = _item_name(it)
    if len(ln.targets) == 1 and not it.plan_text:
        t = ln.targets[0]
        value, what = _target_actual(t, ln.done)
        quote = t.quote or ""
        if t.subject and t.subject not in quote:
            quote = f"{quote}（{t.subject}）" if quote else t.subject
        return [[ln.id, name, quote, t.goal, t.commitment or "", value, what, it.rate, it.result_text, note]]
    rows: list[list[Any]] = [[ln.id, name, it.plan_text, "", "", None, "", it.rate, it.result_text, note]]
    indent = "　" * (ln.depth + 1)
    for k, (t, res) in enumerate(zip(ln.targets, it.target_results, strict=True), 1):
        value, what = _target_actual(t, ln.done)
        rows.append([None, f"{indent}{_target_label(k, t)}", t.quote or "", t.goal, t.commitment or "", value, what,
                     t.ratio, res, ""])
    return rows
