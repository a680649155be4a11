"""Notification texts in Chinese Markdown: the overdue list and the weekly summary.

Pure functions over task views and log rows (no database, no sending). A message is a title and
lines, each line tagged with the unit it is about, so that ``split`` can cut a long message at
line boundaries into numbered parts that fit a channel's size limit and @-mention the contacts
of exactly the units each part talks about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tracker import counting
from tracker import status as st
from tracker.tasks import TaskView, fmt_num, ordered_views, to_date

SILENT_DAYS = 14
DUE_SOON_DAYS = 14


@dataclass
class Line:
    text: str
    unit: str | None = None


@dataclass
class Message:
    title: str
    lines: list[Line] = field(default_factory=list)

    def add(self, text: str, unit: str | None = None) -> None:
        self.lines.append(Line(text, unit))

    @property
    def units(self) -> list[str]:
        seen: dict[str, None] = {}
        for ln in self.lines:
            if ln.unit:
                seen.setdefault(ln.unit)
        return list(seen)

    def text(self) -> str:
        return render(self.title, [ln.text for ln in self.lines], [])


def iso_week(day: date) -> str:
    """The period key of a weekly run, e.g. 2023-W41."""
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def week_range(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def report_week(day: date, report_day: int = 4) -> tuple[date, date]:
    """The report week of the ISO week containing ``day``, as the weekly report counts it: from
    the day after last week's report day (0 = Monday … 6 = Sunday; Friday by default) to this
    week's."""
    cut = day - timedelta(days=day.weekday()) + timedelta(days=report_day)
    return cut - timedelta(days=6), cut


def _md(text: Any) -> str:
    """One-line text safe inside a Markdown list item."""
    s = " ".join(str(text or "").split())
    return s.replace("*", "＊").replace("#", "＃").replace("`", "'")


def _task_name(v: TaskView) -> str:
    return _md(f"{v.row.get('label') or ''}{v.row['title']}")


def _in_units(v: TaskView, units: set[str] | None) -> bool:
    return units is None or v.unit in units


# -- overdue -----------------------------------------------------------------------------------
def overdue_message(views: Mapping[int, TaskView] | Iterable[TaskView], notes: dict[int, dict[str, Any]],
                    today: date, units: set[str] | None = None) -> Message | None:
    """Per unit, the red items: days overdue or how far behind, owner and latest note.

    Counted as everywhere else (``tracker.counting``): red top-level items, with red sub-items
    listed under their item and counted apart. None when nothing is red (no message is sent then).
    """
    scope: dict[int, TaskView] = dict(views) if isinstance(views, Mapping) else {v.id: v for v in views}
    red = [v for v in ordered_views(scope) if v.status == st.RED and not v.done and _in_units(v, units)]
    if not red:
        return None
    n = counting.count(scope, units)
    by_unit: dict[str, list[TaskView]] = {}
    for v in red:
        by_unit.setdefault(v.unit, []).append(v)
    msg = Message(f"【督办提醒】红灯任务清单（{today.isoformat()}）")
    subs = f"，另有红灯子事项 {n.red_subs} 项" if n.red_subs else ""
    msg.add(f"截至 {today.isoformat()}，{n.line()}；其中红灯 **{n.red}** 项（已逾期或严重滞后序时进度）{subs}，"
            f"涉及 {len(by_unit)} 个单位，请抓紧推进并及时填报进展。")
    for unit, items in by_unit.items():
        msg.add("", unit)
        tops = sum(1 for v in items if counting.is_top(v, scope))
        extra = f"，子事项 {len(items) - tops} 项" if len(items) > tops else ""
        msg.add(f"#### {_md(unit)}（{tops} 项{extra}）", unit)
        i = 0
        for v in items:
            top = counting.is_top(v, scope)
            if top:
                i += 1
                head = f"{i}. {_task_name(v)}"
            else:
                parent = scope.get(v.row["parent_id"])
                of = f"（属“{_task_name(parent)}”）" if parent is not None else ""
                head = f"   - 子事项：{_task_name(v)}{of}"
            pad = "   " if top else "     "
            msg.add(f"{head}（#{v.id}）：{_lateness(v, today)}；"
                    f"进度 {v.completion:.0f}%；责任人：{_md(v.row.get('owner')) or '未填'}", unit)
            note = notes.get(v.id)
            if note:
                who = f"，{_md(note['author'])}" if note.get("author") else ""
                msg.add(f"{pad}- 最新进展（{str(note['happened_on'])[:10]}{who}）：{_md(note['note'])}", unit)
            else:
                msg.add(f"{pad}- 最新进展：暂无填报", unit)
    return msg


def _lateness(v: TaskView, today: date) -> str:
    if v.deadline is not None and v.deadline < today:
        return f"**已逾期 {(today - v.deadline).days} 天**（截止 {v.deadline.isoformat()}）"
    if v.open_target_due is not None and v.open_target_due < today:
        return f"**指标已逾期 {(today - v.open_target_due).days} 天**（指标时限 {v.open_target_due.isoformat()}）"
    behind = "" if v.expected is None else f"，落后序时进度 {max(0.0, v.expected - v.completion):.0f} 个百分点"
    due = f"截止 {v.deadline.isoformat()}" if v.deadline else "无截止日期"
    return f"严重滞后（{due}{behind}）"


# -- weekly ------------------------------------------------------------------------------------
def weekly_message(views: dict[int, TaskView], week_log: list[dict[str, Any]], unit_rows: list[dict[str, Any]],
                   today: date, units: set[str] | None = None, week: tuple[date, date] | None = None,
                   silent_days: int = SILENT_DAYS, due_soon_days: int = DUE_SOON_DAYS) -> Message:
    """Traffic-light counts per unit, the week's completions and updates, what falls due in the
    next ``due_soon_days`` days and units silent for ``silent_days`` days. ``week`` is the report
    week (``report_week``; default: the ISO week)."""
    start, end = week or week_range(today)
    y, w, _ = today.isocalendar()
    msg = Message(f"【督办周报】{y}年第{w}周（{start.month}月{start.day}日—{end.month}月{end.day}日）")
    scope = [v for v in views.values() if _in_units(v, units)]
    names = [u["name"] for u in unit_rows if units is None or u["name"] in units]
    tops: dict[str, list[TaskView]] = {n: [] for n in names}
    for v in scope:
        if counting.is_top(v, views):
            tops.setdefault(v.unit, []).append(v)
    n = counting.count(views, units)
    counts = n.lights
    msg.add(f"截至 {today.isoformat()}，{n.line()}：🟢绿 {counts[st.GREEN]}、🟡黄 {counts[st.YELLOW]}、"
            f"🔴红 {counts[st.RED]}、✅完成 {counts[st.DONE]}。")

    msg.add("")
    msg.add("#### 一、各单位红黄绿")
    for unit, items in tops.items():
        if not items:
            continue
        c = {s: sum(1 for v in items if v.status == s) for s in st.STATUSES}
        mean = sum(v.completion for v in items) / len(items)
        msg.add(f"- {_md(unit)}：共 {len(items)} 项，绿 {c[st.GREEN]}、黄 {c[st.YELLOW]}、红 {c[st.RED]}、"
                f"完成 {c[st.DONE]}，平均完成度 {mean:.1f}%", unit)

    done = [v for v in scope if v.done and (d := to_date(v.row.get("done_on"))) is not None and start <= d <= end]
    msg.add("")
    msg.add(f"#### 二、本周完成（{len(done)} 项）")
    if not done:
        msg.add("- （无）")
    for v in sorted(done, key=lambda v: (v.unit, v.row.get("done_on") or "", v.id)):
        msg.add(f"- {_md(v.unit)}｜{_task_name(v)}（{str(v.row['done_on'])[5:10]} 完成）", v.unit)

    updates = [r for r in week_log if r["action"] == "update" and not r.get("retracted_by")
               and (units is None or r["unit"] in units) and int(r["task_id"]) in views]
    msg.add("")
    msg.add(f"#### 三、本周进展更新（{len(updates)} 条）")
    if not updates:
        msg.add("- （无）")
    for r in updates:
        v = views[int(r["task_id"])]
        msg.add(f"- {_md(r['unit'])}｜{_task_name(v)}：{_update_text(r, v)}", str(r["unit"]))

    soon = [v for v in scope if not v.done and v.deadline is not None
            and today <= v.deadline <= today + timedelta(days=due_soon_days)]
    msg.add("")
    msg.add(f"#### 四、未来 {due_soon_days} 天到期（{len(soon)} 项）")
    if not soon:
        msg.add("- （无）")
    for v in sorted(soon, key=lambda v: (v.deadline or date.max, v.id)):
        assert v.deadline is not None
        msg.add(f"- {_md(v.unit)}｜{_task_name(v)}：{v.deadline.isoformat()} 到期（还有 {(v.deadline - today).days} 天），"
                f"进度 {v.completion:.0f}%（{v.status}），责任人：{_md(v.row.get('owner')) or '未填'}", v.unit)

    silent = _silent_units(scope, names, today, silent_days)
    msg.add("")
    msg.add(f"#### 五、超过 {silent_days} 天未更新进展的单位（{len(silent)} 个）")
    if not silent:
        msg.add("- （无）")
    for unit, last in silent:
        when = f"最后更新 {last.isoformat()}，已 {(today - last).days} 天" if last else "从未填报进展"
        msg.add(f"- {_md(unit)}（{when}）", unit)
    return msg


def add_form_reminder(msg: Message, period: str, missing: list[str], units: set[str] | None = None) -> None:
    """The 催办 list of 填报: units that have not sent this period's form."""
    names = [u for u in missing if units is None or u in units]
    msg.add("")
    msg.add(f"#### 六、{period}填报表未报送的单位（{len(names)} 个）")
    if not names:
        msg.add("- （无，均已报送）")
    for unit in names:
        msg.add(f"- {_md(unit)}：请尽快报送{period}填报表", unit)


def _update_text(r: dict[str, Any], v: TaskView) -> str:
    parts = []
    if r.get("value") is not None:
        measure = next((t.get("measure") or "" for t in v.targets if t["id"] == r.get("target_id")), "")
        parts.append(f"{fmt_num(r['value'])}{_md(measure)}")
    if r.get("percent") is not None:
        parts.append(f"{fmt_num(r['percent'])}%")
    if r.get("note"):
        parts.append(_md(r["note"]))
    who = "，".join(x for x in (_md(r.get("author")), str(r["happened_on"])[5:10]) if x)
    return ("；".join(parts) or "更新进度") + (f"（{who}）" if who else "")


def _silent_units(scope: list[TaskView], names: list[str], today: date,
                  days: int = SILENT_DAYS) -> list[tuple[str, date | None]]:
    """Units with open tasks and no logged progress in the last ``days`` days."""
    last: dict[str, date | None] = {}
    open_units: set[str] = set()
    for v in scope:
        if not v.done:
            open_units.add(v.unit)
        d = to_date(v.row.get("last_update_on"))
        prev = last.get(v.unit)
        last[v.unit] = d if prev is None or (d is not None and d > prev) else prev
    cutoff = today - timedelta(days=days)
    return [(u, last.get(u)) for u in names if u in open_units and (last.get(u) is None or last[u] < cutoff)]  # type: ignore[operator]


# -- sizing ------------------------------------------------------------------------------------
def render(title: str, lines: list[str], mobiles: list[str]) -> str:
    out = [f"### {title}", *lines]
    if mobiles:
        out += ["", " ".join(f"@{m}" for m in mobiles)]
    return "\n".join(out).rstrip() + "\n"


def _nbytes(s: str) -> int:
    return len(s.encode("utf-8"))


def _cut(line: str, limit: int) -> list[str]:
    """A single over-long line cut at character boundaries into pieces of at most ``limit`` bytes."""
    pieces, cur = [], ""
    for ch in line:
        if _nbytes(cur + ch) > limit:
            pieces.append(cur)
            cur = ""
        cur += ch
    return [*pieces, cur]


def split(msg: Message, limit: int | None, contacts: dict[str, str] | None = None,
          extra_mobiles: list[str] | None = None) -> list[str]:
    """The message as one or more Markdown texts of at most ``limit`` UTF-8 bytes each.

    Cuts at line boundaries; with more than one part the titles are numbered (1/3, 2/3 …).
    ``contacts`` (unit → mobile) adds an @-line to each part naming the contacts of the units
    that part mentions, followed by ``extra_mobiles``.
    """
    contacts = contacts or {}
    extra = list(dict.fromkeys(extra_mobiles or []))

    def mobiles_of(lines: list[Line]) -> list[str]:
        found = [contacts[ln.unit] for ln in lines if ln.unit and contacts.get(ln.unit)]
        return list(dict.fromkeys(found + extra))

    def body(title: str, lines: list[Line]) -> str:
        return render(title, [ln.text for ln in lines], mobiles_of(lines))

    whole = body(msg.title, msg.lines)
    if limit is None or _nbytes(whole) <= limit:
        return [whole]
    # Reserve room for the part number and for the @-line of every contact a part could need.
    reserve = _nbytes(f"### {msg.title}（99/99）\n") + 2
    reserve += sum(_nbytes(f"@{m} ") for m in dict.fromkeys(list(contacts.values()) + extra)) + 2
    room = max(200, limit - reserve)
    lines: list[Line] = []
    for ln in msg.lines:
        lines += [Line(t, ln.unit) for t in (_cut(ln.text, room - 1) if _nbytes(ln.text) + 1 > room else [ln.text])]
    chunks: list[list[Line]] = [[]]
    size = 0
    for ln in lines:
        n = _nbytes(ln.text) + 1
        if chunks[-1] and size + n > room:
            chunks.append([])
            size = 0
        if not chunks[-1] and not ln.text.strip():
            continue  # no blank line at the top of a part
        chunks[-1].append(ln)
        size += n
    total = len(chunks)
    return [body(f"{msg.title}（{i}/{total}）", chunk) for i, chunk in enumerate(chunks, 1)]
