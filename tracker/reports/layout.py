"""Reports as a format-neutral document: headings, paragraphs, tables and charts.

``weekly_doc`` and ``yearend_doc`` turn the figures of ``data`` into a ``Doc``; each output
format (terminal, Markdown, HTML, Word, Excel) renders the same ``Doc``, so they all say the
same thing. Table cells hold raw values (numbers stay numbers, percentages are 0–100); a
column's ``kind`` says how to show them (``fmt_cell``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.reports import data as d
from tracker.tasks import fmt_num

# Column kinds: text, date, status, result (left-aligned); int, num, pct, pts, rank, bar (right-aligned).
RIGHT = frozenset({"int", "num", "pct", "pts", "rank", "bar"})


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


@dataclass
class Chart:
    """A chart for HTML: ``bars`` (label, percent), ``shares`` (label, count, colour key) or
    ``line`` (label, percent)."""

    kind: str
    title: str
    items: list[tuple[Any, ...]]


Block = Heading | Para | Table | Chart


@dataclass
class Doc:
    title: str
    subtitle: str
    blocks: list[Block] = field(default_factory=list)
    kind: str = "weekly"  # weekly | yearend

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
    if kind == "int":
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


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


def _change(points: float, prefix: str = "较上周") -> str:
    x = round(points, 1)
    if x > 0:
        return f"{prefix}提高{x:.1f}个百分点"
    if x < 0:
        return f"{prefix}下降{-x:.1f}个百分点"
    return "与上周持平"


def _items(lines: list[d.Line]) -> str:
    """"3项", or "5项（含子事项2项）" when the list has sub-items (the counts above have none)."""
    subs = sum(1 for ln in lines if not ln.is_top)
    return f"{len(lines)}项" + (f"（含子事项{subs}项）" if subs else "")


NO_TASKS = "可用 tracker plan import 导入计划，或用 tracker task add 添加任务。"


def _none(text: str) -> Para:
    return Para(text)


# -- weekly ---------------------------------------------------------------------------------------
def weekly_doc(r: d.Weekly) -> Doc:
    title = f"{r.unit or ''}督办工作周报（{r.year}年第{r.number}周）"
    subtitle = (f"{r.start.isoformat()} 至 {r.end.isoformat()}，统计截至 {r.as_of.isoformat()}。"
                "说明：统计口径为计划一级事项；进展说明按“问题：”“下一步：”分段。")
    doc = Doc(title, subtitle, kind="weekly")
    t = r.total
    n = 0

    def section(text: str) -> None:
        nonlocal n
        n += 1
        doc.add(Heading(f"{cn_num(n)}、{text}", 1))

    # 一、总体情况
    section("总体情况")
    paces = "，".join(f"{p}{t.pace[p]}项（{t.share(t.pace[p]):.1f}%）" for p in d.PACES)
    silent = (f"{len(r.silent)}个单位{r.silent_days}天以上未更新进展，请督促填报。" if r.silent
              else f"各单位近{r.silent_days}天均有进展填报。" if t.total else "")
    doc.add(Para(
        f"截至{_cn_date(r.as_of)}，纳入督办的计划任务{t.total}项，其中{paces}；"
        f"绿灯{t.lights['绿']}项、黄灯{t.lights['黄']}项、红灯{t.lights['红']}项、已完成{t.lights['完成']}项；"
        f"总体完成度{t.completion:.1f}%，{_change(t.gained)}；"
        f"本周完成{_items(r.completed)}，新增逾期{_items(r.newly_overdue)}，黄灯预警{_items(r.at_risk)}，"
        f"填报进展{len(r.updates)}条{'；' + silent if silent else '。'}"
    ))
    if not t.total:
        doc.add(Para(NO_TASKS))
    doc.add(
        Chart("bars", "各单位完成度", [(u.unit, u.completion) for u in r.units]),
        Chart("shares", "红黄绿灯占比", [("绿灯", t.lights["绿"], "绿"), ("黄灯", t.lights["黄"], "黄"),
                                     ("红灯", t.lights["红"], "红"), ("已完成", t.lights["完成"], "完成")]),
        *([Chart("line", f"近{len(r.trend)}周总体完成度", list(r.trend))] if r.trend else []),
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
    if r.units:
        doc.add(Table("各单位任务进展统计", cols, rows, total_row=True, sheet="汇总"))

    # 二、与上周对比
    section("与上周对比")
    delta = _change(t.gained, "")
    doc.add(Para(f"上周（截至{r.last_as_of.isoformat()}）总体完成度{t.last_completion:.1f}%，"
                 f"本周{t.completion:.1f}%，{delta}。"))
    ranked = sorted(r.units, key=lambda u: (u.rank or 0))
    if ranked:
        doc.add(Table("各单位完成度与排名变化", [
            Col("单位"), Col("上周完成度", "pct"), Col("本周完成度", "pct"), Col("提高", "pts"),
            Col("上周排名", "int"), Col("本周排名", "int"), Col("名次变化", "rank")],
            [[u.unit, u.last_completion, u.completion, u.gained, u.last_rank, u.rank, u.rank_change] for u in ranked],
            sheet="与上周对比"))

    # 三 … 八: the week's lists
    section(f"本周完成事项（{len(r.completed)}项）")
    if r.completed:
        doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("任务"), Col("完成日期", "date"), Col("最新说明")],
                      [[ln.unit, ln.id, ln.label + ln.title, ln.done_on or "", ln.note or ""] for ln in r.completed],
                      sheet="本周完成"))
    else:
        doc.add(_none("本周没有新完成的事项。"))
    section(f"新增逾期事项（{len(r.newly_overdue)}项）")
    if r.newly_overdue:
        doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("任务"), Col("截止日期", "date"),
                           Col("完成度", "bar"), Col("责任人")],
                      [[ln.unit, ln.id, ln.label + ln.title, ln.deadline, ln.completion, ln.owner]
                       for ln in r.newly_overdue], sheet="新增逾期"))
    else:
        doc.add(_none("本周没有新增逾期事项。"))
    section(f"黄灯预警事项（{len(r.at_risk)}项）")
    if r.at_risk:
        doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("任务"), Col("截止日期", "date"),
                           Col("完成度", "bar"), Col("序时进度", "pct"), Col("责任人")],
                      [[ln.unit, ln.id, ln.label + ln.title, ln.deadline, ln.completion, ln.expected, ln.owner]
                       for ln in r.at_risk], sheet="黄灯预警"))
    else:
        doc.add(_none("没有黄灯预警事项。"))
    section(f"本周进展填报（{len(r.updates)}条）")
    if r.updates:
        doc.add(Table("", [Col("日期", "date"), Col("单位"), Col("编号", "int"), Col("任务"), Col("填报人"),
                           Col("内容"), Col("数值"), Col("说明")],
                      [[u.day, u.unit, u.task_id, u.task, u.author, u.content, u.value, u.note] for u in r.updates],
                      sheet="进展填报"))
    else:
        doc.add(_none("本周没有填报进展。"))
    section(f"近{r.due_soon_days}天到期事项（{len(r.due_soon)}项）")
    if r.due_soon:
        doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("任务"), Col("截止日期", "date"),
                           Col("状态", "status"), Col("完成度", "bar")],
                      [[ln.unit, ln.id, ln.label + ln.title, ln.deadline, ln.status, ln.completion]
                       for ln in r.due_soon], sheet="近期到期"))
    else:
        doc.add(_none(f"近{r.due_soon_days}天没有到期的未完成事项。"))
    section(f"催办单位（{len(r.silent)}个，{r.silent_days}天以上未更新进展）")
    if r.silent:
        doc.add(Table("", [Col("单位"), Col("最近更新", "date"), Col("未更新天数", "int"), Col("未完成任务", "int")],
                      [[s.unit, s.last_update or "从未填报", s.silent_days, s.open_tasks] for s in r.silent],
                      sheet="催办单位"))
    else:
        doc.add(_none("各单位均按时填报进展。"))

    # 九、各单位任务进展
    section("各单位任务进展")
    if not r.by_unit:
        doc.add(_none("暂无纳入督办的任务。"))
    cols = [Col("编号", "int"), Col("任务"), Col("指标（当前/目标/完成率）"), Col("状态", "status"),
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
            doc.add(Heading(f"{k}.{ln.label}{ln.title}（{ln.status}，完成{ln.completion:.0f}%）", 3))
            doc.add(*(Para(text, lead) for lead, text in ln.parts.labelled()))
    return doc


# -- year end -------------------------------------------------------------------------------------
def yearend_doc(r: d.Yearend) -> Doc:
    period = {None: "年度", 1: "上半年", 2: "下半年"}[r.half]
    title = f"{r.unit or ''}{r.year}{'' if r.half is None else '年'}{period}工作计划完成情况总结"
    subtitle = (f"{r.start.isoformat()} 至 {r.end.isoformat()}，统计截至 {r.as_of.isoformat()}。"
                f"说明：完成率≥100%为完成（超过目标为超额完成），≥{fmt_num(r.basic_percent)}%为基本完成，"
                "无任何进展记录为无进展；统计口径为计划一级事项，指标按承诺用语（确保、力争/争取）分别统计。")
    doc = Doc(title, subtitle, kind="yearend")
    doc.add(Heading("一、总体情况", 1), Para(r.summary))
    if not r.total:
        doc.add(Para(f"本期没有截止日期在{r.start.isoformat()}至{r.end.isoformat()}之间的计划任务。" + NO_TASKS))
    doc.add(
        Chart("bars", "各单位完成率", [(u.unit, u.rate) for u in r.units]),
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
    if not r.units:
        doc.add(Para("暂无可排名的单位。"))
    else:
        doc.add(Table("各单位完成情况及排名", [Col("排名", "int"), Col("单位"), Col("事项数", "int"),
                                             *(Col(k, "int") for k in d.RESULTS), Col("完成率", "pct"),
                                             Col("平均完成度", "bar")],
                      [[u.rank, u.unit, u.total, *(u.results[k] for k in d.RESULTS), u.rate, u.completion]
                       for u in r.units], sheet="汇总"))

    doc.add(Heading("三、计划完成情况对照", 1))
    by_unit: dict[str, list[d.Item]] = {}
    for it in r.items:
        by_unit.setdefault(it.line.unit, []).append(it)
    if not by_unit:
        doc.add(Para("本期没有到期的计划事项。"))
    cols = [Col("编号", "int"), Col("计划事项"), Col("计划指标（原文）"), Col("目标"), Col("承诺"), Col("实际值", "num"),
            Col("单位/情况"), Col("完成率", "pct"), Col("结果", "result"), Col("最新说明")]
    for i, (unit, items) in enumerate(by_unit.items(), 1):
        doc.add(Heading(f"（{cn_num(i)}）{unit}", 2))
        doc.add(Table(f"{unit}计划完成情况", cols, [row for it in items for row in _item_rows(it)], sheet=unit))

    following = "下半年" if r.half == 1 else "下一年度"
    doc.add(Heading(f"四、未完成事项（{len(r.unfinished)}项，作为{following}计划的基础）", 1))
    if r.unfinished:
        doc.add(Table("", [Col("单位"), Col("编号", "int"), Col("事项"), Col("完成度", "bar"), Col("结果", "result"),
                           Col("最新说明"), Col("说明日期", "date")],
                      [[it.line.unit, it.line.id, it.line.name, it.line.completion, it.result, it.line.note or "",
                        it.line.note_on or ""] for it in r.unfinished], sheet="未完成事项"))
    else:
        doc.add(Para("没有未完成的事项。"))
    return doc


def _target_actual(t: d.TargetLine, done: bool) -> tuple[float | None, str]:
    if t.kind == "deadline":
        return None, "已完成" if done else "未完成"
    return t.current, t.measure


def _item_rows(it: d.Item) -> list[list[Any]]:
    ln = it.line
    note = ln.note or ""
    if not ln.targets:
        return [[ln.id, ln.name, "（无量化指标）", "", "", None, "", it.rate, it.result, note]]
    if len(ln.targets) == 1:
        t = ln.targets[0]
        value, what = _target_actual(t, ln.done)
        return [[ln.id, ln.name, t.quote or "", t.goal, t.commitment or "", value, what, it.rate, it.result, note]]
    rows: list[list[Any]] = [[ln.id, ln.name, f"（{len(ln.targets)}项指标，见下）", "", "", None, "", it.rate,
                              it.result, note]]
    indent = "　" * (ln.depth + 1)
    for k, (t, res) in enumerate(zip(ln.targets, it.target_results, strict=True), 1):
        value, what = _target_actual(t, ln.done)
        rows.append([None, f"{indent}指标{k}", t.quote or "", t.goal, t.commitment or "", value, what,
                     t.ratio, res, ""])
    return rows
