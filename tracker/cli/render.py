"""Terminal rendering: the only module that imports rich."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

STATUS_STYLE = {"绿": "bold green", "黄": "bold yellow", "红": "bold red", "完成": "bold cyan"}

_out: Console | None = None
_err: Console | None = None


def out() -> Console:
    global _out
    if _out is None:
        _out = Console(highlight=False, soft_wrap=False)
    return _out


def err() -> Console:
    global _err
    if _err is None:
        _err = Console(stderr=True, highlight=False)
    return _err


def reset() -> None:
    """Forget the consoles (CliRunner swaps sys.stdout between invocations)."""
    global _out, _err
    _out = _err = None


def error(message: str) -> None:
    reset()
    err().print(Text("错误：", style="bold red") + Text(message))


def info(message: str) -> None:
    reset()
    out().print(message, markup=False)


def success(message: str) -> None:
    reset()
    out().print(Text("✓ ", style="green") + Text(message))


def warn(message: str) -> None:
    reset()
    err().print(Text("提示：", style="yellow") + Text(message))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_csv(rows: list[dict[str, Any]], columns: list[str]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    sys.stdout.write(buf.getvalue())


def status_text(status: str) -> Text:
    return Text(status, style=STATUS_STYLE.get(status, ""))


def bar(percent: float, width: int = 10) -> str:
    filled = int(round(max(0.0, min(100.0, percent)) / 100 * width))
    return "█" * filled + "░" * (width - filled)


KIND_NAMES = {"count": "数量", "percent": "比例", "amount": "金额", "deadline": "时限", "ratio": "比率"}


def _spec_text(t: dict[str, Any]) -> str:
    """One extracted target (eval JSON form) as a short line."""
    if t["kind"] == "deadline":
        goal = f"截止 {t.get('date') or t.get('deadline')}"
    elif t.get("comparator") == "range":
        goal = f"{t.get('min')}–{t.get('max')}{t.get('unit') or ''}"
    else:
        sign = {">=": "≥", "<=": "≤"}.get(t.get("comparator") or "=", "")
        goal = f"{sign}{t.get('value')}{t.get('unit') or ''}"
    extra = "".join(f" [{x}]" for x in (t.get("commitment"), t.get("subject")) if x)
    due = f" （{t['deadline']}）" if t.get("deadline") and t["kind"] != "deadline" else ""
    return f"{KIND_NAMES.get(t['kind'], t['kind'])} {goal}{due}{extra} «{t.get('quote', '')}»"


def plan_tree(doc: dict[str, Any]) -> None:
    """The parse result as a tree a person can review before importing."""
    reset()
    c = out()
    if not doc.get("units"):
        c.print("（未识别到任何单位或计划条目）")
    for u in doc.get("units", []):
        period = u.get("period") or {}
        root = Tree(Text(f"{u.get('name') or '（未识别单位）'}", style="bold")
                    + Text(f"  {u.get('title') or ''}  [{period.get('start')} 至 {period.get('end')}]  "
                           f"计划部分：{u.get('plan_heading') or '全文'}", style="dim"))

        def add(node: Tree, items: list[dict[str, Any]]) -> None:
            for it in items:
                branch = node.add(Text(f"{it.get('label') or ''}{it.get('title') or ''}", style="bold"))
                for t in it.get("targets") or []:
                    branch.add(Text(_spec_text(t), style="cyan"))
                add(branch, it.get("children") or [])

        add(root, u.get("items") or [])
        c.print(root)
        n_items = _count_items(u.get("items") or [])
        n_targets = _count_targets(u.get("items") or [])
        c.print(f"  共 {n_items} 个条目，{n_targets} 个指标\n")


def _count_items(items: list[dict[str, Any]]) -> int:
    return sum(1 + _count_items(it.get("children") or []) for it in items)


def _count_targets(items: list[dict[str, Any]]) -> int:
    return sum(len(it.get("targets") or []) + _count_targets(it.get("children") or []) for it in items)


def import_result(result: Any) -> None:
    reset()
    head = "（试运行，未写入）" if result.dry_run else ""
    rows = []
    for u in result.units:
        state = "新计划" if u.new_plan else ("同一文件" if u.same_file else "修订")
        rows.append([u.unit, u.plan_id if not result.dry_run else "—", state, len(u.created), len(u.updated),
                     len(u.vanished), u.unchanged, u.targets])
    table(f"导入 {result.source.rsplit('/', 1)[-1]}{head}",
          ["单位", "计划", "情况", "新增", "更新", "消失", "未变", "指标"], rows)
    c = out()
    for u in result.units:
        for label, names, style in (("新增", u.created, "green"), ("更新", u.updated, "yellow"),
                                    ("消失（已标记，进展保留）", u.vanished, "red"), ("恢复", u.revived, "cyan")):
            if names and (label != "新增" or not u.new_plan):
                c.print(Text(f"{u.unit} {label}：", style=style) + Text("；".join(names)))
    if not result.changed:
        c.print("没有变化：与已导入的内容相同")


def table(title: str | None, columns: list[str], rows: list[list[Any]], **kw: Any) -> None:
    reset()
    t = Table(title=title, show_lines=False, **kw)
    for col in columns:
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*[c if isinstance(c, Text) else Text("" if c is None else str(c)) for c in r])
    out().print(t)


ANSI = {"绿": "\x1b[1;32m", "黄": "\x1b[1;33m", "红": "\x1b[1;31m", "完成": "\x1b[1;36m"}


def _width(text: str) -> int:
    """Terminal cells a string takes (CJK and full-width characters take two)."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Pad or cut a string to exactly ``width`` cells."""
    w = _width(text)
    if w <= width:
        return text + " " * (width - w)
    out, used = [], 0
    for ch in text:
        cw = _width(ch)
        if used + cw > width - 1:
            break
        out.append(ch)
        used += cw
    return "".join(out) + "…" + " " * (width - used - 1)


def plain_table(title: str, columns: list[str], rows: list[list[str]], max_widths: list[int],
                status_col: int | None = None) -> None:
    """A light table for long lists: rich takes ~0.5 ms a row to lay out, this a few µs."""
    widths = [min(mw, max([_width(c)] + [_width(r[i]) for r in rows])) for i, (c, mw) in
              enumerate(zip(columns, max_widths, strict=True))]
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    lines = [title, "  ".join(_fit(c, w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("─" * w for w in widths)]
    for r in rows:
        cells = [_fit(v, w) for v, w in zip(r, widths, strict=True)]
        if color and status_col is not None and r[status_col] in ANSI:
            cells[status_col] = ANSI[r[status_col]] + cells[status_col] + "\x1b[0m"
        lines.append("  ".join(cells).rstrip())
    sys.stdout.write("\n".join(lines) + "\n")


def task_table(items: list[tuple[Any, int]]) -> None:
    """Tasks as a table; items are (TaskView, depth) pairs."""
    rows = []
    for v, depth in items:
        goal = "；".join(_target_brief(t) for t in v.targets[:3]) + ("…" if len(v.targets) > 3 else "")
        rows.append([
            str(v.id), _unit_cell(v), ("  " * depth) + (v.row["label"] or "") + v.row["title"],
            v.deadline.isoformat() if v.deadline else "", v.status,
            f"{bar(v.completion, 8)} {v.completion:3.0f}%", goal,
        ])
    plain_table(f"任务（{len(items)} 项）", ["编号", "单位", "任务", "截止", "状态", "进度", "指标"], rows,
                [7, 16, 40, 10, 4, 13, 36], status_col=4)


def _unit_cell(v: Any) -> str:
    """The unit column; listing one unit's tasks, its role instead (牵头, or 配合 and who leads)."""
    role = v.row.get("role")
    if role == "assist":
        return f"配合：{v.unit}"
    return "牵头" if role == "lead" else str(v.unit)


def _target_brief(t: dict[str, Any]) -> str:
    from tracker.tasks import fmt_num, target_goal_text

    if t["kind"] == "deadline":
        return target_goal_text(t)
    cur = fmt_num(t["current_value"]) if t["current_value"] is not None else "—"
    return f"{cur}/{target_goal_text(t)}"


def task_detail(d: Any) -> None:
    from tracker.tasks import fmt_num, target_goal_text

    reset()
    v = d.view
    c = out()
    head = Text(f"#{v.id} ", style="bold") + Text((v.row["label"] or "") + v.row["title"], style="bold")
    c.print(head)
    c.print(f"单位：{v.unit}    责任人：{v.row['owner'] or '—'}    状态：", status_text(v.status),
            f"    进度：{bar(v.completion)} {v.completion:.1f}%", markup=False)
    expected = "—" if v.expected is None else f"{v.expected:.1f}%"
    c.print(f"周期：{v.start or '—'} 至 {v.deadline or '—'}    序时进度：{expected}"
            + (f"    完成于：{v.row['done_on']}" if v.row["done_on"] else ""), markup=False)
    if d.parent:
        c.print(f"上级任务：#{d.parent['id']} {d.parent['label']}{d.parent['title']}", markup=False)
    if v.row["text"] and v.row["text"] != v.row["title"]:
        c.print(Text("内容：", style="dim") + Text(v.row["text"]))
    if v.targets:
        rows = []
        for i, t in enumerate(v.targets, 1):
            comp = t.get("completion")
            rows.append([
                i, {"count": "数量", "percent": "比例", "amount": "金额", "deadline": "时限", "ratio": "比率"}.get(
                    t["kind"], t["kind"]),
                t["subject"] or "", t["commitment"] or "",
                fmt_num(t["current_value"]) if t["kind"] != "deadline" else ("已完成" if v.done else "未完成"),
                target_goal_text(t), "" if comp is None else f"{comp:.0f}%", t["deadline"] or "", t["quote"] or "",
            ])
        table("指标", ["序号", "类型", "对象", "承诺", "当前", "目标", "完成率", "时限", "原文"], rows)
    if v.children:
        rows = [[ch.id, (ch.row["label"] or "") + ch.row["title"], status_text(ch.status), f"{ch.completion:.0f}%"]
                for ch in v.children]
        table("子任务", ["编号", "任务", "状态", "进度"], rows)
    log_table(d.log)


ACTION_NAMES = {"update": "进展", "done": "完成", "retract": "撤销", "edit": "修改", "reopen": "重开"}


def log_table(log: list[dict[str, Any]], title: str = "进展记录") -> None:
    from tracker.tasks import fmt_num

    if not log:
        info("（暂无进展记录）")
        return
    rows = []
    for r in log:
        action = ACTION_NAMES.get(r["action"], r["action"])
        if r.get("retracted_by"):
            action += "（已撤销）"
        value = fmt_num(r["value"]) if r["value"] is not None else (
            f"{fmt_num(r['percent'])}%" if r["percent"] is not None else "")
        rows.append([r["id"], r["happened_on"], r["author"] or "", action, value, r["note"] or "",
                     str(r["recorded_at"])[:19]])
    table(title, ["记录", "日期", "填报人", "类型", "数值", "说明", "录入时间"], rows)


def board_table(summaries: list[Any], today: str) -> None:
    rows = []
    tot = {"绿": 0, "黄": 0, "红": 0, "完成": 0}
    n = 0
    comp = 0.0
    for s in summaries:
        rows.append([s.unit, s.total, Text(str(s.counts["绿"]), style="green"),
                     Text(str(s.counts["黄"]), style="yellow"), Text(str(s.counts["红"]), style="red"),
                     Text(str(s.counts["完成"]), style="cyan"), f"{bar(s.completion)} {s.completion:.1f}%"])
        for k in tot:
            tot[k] += s.counts[k]
        n += s.total
        comp += s.completion * s.total
    overall = comp / n if n else 0.0
    rows.append([Text("合计", style="bold"), n, str(tot["绿"]), str(tot["黄"]), str(tot["红"]), str(tot["完成"]),
                 f"{bar(overall)} {overall:.1f}%"])
    table(f"督办看板（{today}）", ["单位", "任务", "绿", "黄", "红", "完成", "总体完成度"], rows)


def tree(title: str, build: Any) -> None:
    """Print a rich Tree; build(tree) adds the branches."""
    reset()
    t = Tree(title)
    build(t)
    out().print(t)


# -- reports (weekly and year-end) ---------------------------------------------------------------
REPORT_WIDTH = 120  # columns when stdout is not a terminal (files, pipes, tests): output is stable
RICH_ROWS_MAX = 100  # longer tables are laid out as plain text (rich takes ~0.5 ms a row)


def report_console(file: Any = None) -> Console:
    """A console for reports: fixed width and no colour unless writing to a terminal."""
    target = file or sys.stdout
    tty = file is None and sys.stdout.isatty()
    color = tty and "NO_COLOR" not in os.environ
    return Console(file=target, width=None if tty else REPORT_WIDTH, color_system="auto" if color else None,
                   force_terminal=tty, highlight=False, soft_wrap=False, emoji=False)


def _report_cell(kind: str, value: Any) -> Text:
    from tracker.reports.layout import fmt_cell

    if kind == "status" and value in STATUS_STYLE:
        return status_text(value)
    if kind == "bar" and value is not None:
        return Text(f"{bar(float(value), 10)} {float(value):5.1f}%")
    text = fmt_cell(kind, value)
    if kind == "rank" and value:
        return Text(text, style="green" if int(value) > 0 else "red")
    return Text(text)


def report_terminal(doc: Any, path: Any = None) -> None:
    """A report (tracker.reports.layout.Doc) as rich headings, tables and text progress bars;
    written to ``path`` (plain, 120 columns) when given, else to stdout."""
    from tracker.reports.layout import Chart, Heading, Para
    from tracker.reports.layout import Table as ReportTable

    reset()
    fh = open(path, "w", encoding="utf-8") if path else None  # noqa: SIM115 - closed below
    try:
        c = report_console(fh)
        c.print(Text(doc.title, style="bold"), justify="center")
        c.print(Text(doc.subtitle, style="dim"))
        right = {"int", "num", "pct", "pts", "rank", "bar"}
        # Headings and paragraphs are printed in batches (fewer, faster calls), each kept as
        # (lead, lead style, text, text style) until then.
        pending: list[tuple[str, str, str, str]] = []
        plain_out = c.color_system is None and not c.is_terminal
        width = c.width

        def flush() -> None:
            if not pending:
                return
            if plain_out:
                # Without colour, lines that need no wrapping are written as they are: the same
                # output as rich's, without its per-character layout (thousands of items).
                raw = "\n".join(lead + text for lead, _, text, _ in pending)
                if all(_fits_plain(line, width) for line in raw.split("\n")):
                    pending.clear()
                    c.file.write(raw + "\n")
                    return
            joined = Text("\n").join(Text(lead, style=ls) + Text(text, style=ts) for lead, ls, text, ts in pending)
            pending.clear()
            c.print(joined)

        for b in doc.blocks:
            if isinstance(b, Heading):
                pending.append(("\n", "", b.text, "bold underline" if b.level == 1 else "bold"))
            elif isinstance(b, Para):
                pending.append((b.lead, "bold", b.text, ""))
            elif isinstance(b, ReportTable):
                if len(b.rows) > RICH_ROWS_MAX:
                    flush()
                    c.file.write(_plain_report_table(b, right) + "\n")
                    continue
                flush()
                with_bars = len(b.cols) <= 10
                t = Table(title=b.title or None, title_justify="left", show_lines=False,
                          padding=(0, 1) if with_bars else (0, 0))
                cells = [[_report_cell(col.kind if with_bars or col.kind != "bar" else "pct", v)
                          for col, v in zip(b.cols, r, strict=True)] for r in b.rows]
                for j, col in enumerate(b.cols):
                    # values keep their width (a header may wrap); long texts fold from 14 cells on
                    widest = max([_width(row[j].plain) for row in cells] + [2])
                    t.add_column(col.name, justify="right" if col.kind in right else "left", overflow="fold",
                                 min_width=min(widest, 14) if col.kind == "text" else widest)
                last = len(b.rows) - 1
                for i, row in enumerate(cells):
                    t.add_row(*row, style="bold" if b.total_row and i == last else None)
                c.print(t)
            elif isinstance(b, Chart):
                continue
        flush()
    finally:
        if fh is not None:
            fh.close()


def _plain_report_table(b: Any, right: set[str]) -> str:
    """A long report table as aligned plain text (numbers right-aligned, long texts cut)."""
    from tracker.reports.layout import fmt_cell

    cells = _cells_cached()
    texts = [[fmt_cell(col.kind, v) for col, v in zip(b.cols, r, strict=True)] for r in b.rows]
    widths = [min(30, max([cells(col.name)] + [cells(r[j]) for r in texts])) for j, col in enumerate(b.cols)]
    flush_right = [col.kind in right for col in b.cols]

    def fit(text: str, w: int, to_right: bool) -> str:
        n = cells(text)
        if n > w:  # cut to w - 1 cells and mark the cut
            out, used = [], 0
            for ch in text:
                cw = cells(ch)
                if used + cw > w - 1:
                    break
                out.append(ch)
                used += cw
            return "".join(out) + "…" + " " * (w - used - 1)
        return " " * (w - n) + text if to_right else text + " " * (w - n)

    lines = [b.title] if b.title else []
    lines.append("  ".join(_fit(col.name, w) for col, w in zip(b.cols, widths, strict=True)).rstrip())
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(fit(v, w, r) for v, w, r in zip(row, widths, flush_right, strict=True)).rstrip()
              for row in texts]
    return "\n".join(lines)


def _cells_cached() -> Any:
    """Terminal width of a string, remembered (report tables repeat the same names and figures)."""
    import functools

    @functools.lru_cache(maxsize=65536)
    def cells(text: str) -> int:
        return len(text) if text.isascii() else _width(text)

    return cells


_CONTROL = __import__("re").compile(r"[\x00-\x1f\x7f]")


def _fits_plain(line: str, width: int) -> bool:
    from rich.cells import cell_len

    return _CONTROL.search(line) is None and cell_len(line) <= width


def report_written(path: Any) -> None:
    """Say where a report went, the path on one line (never wrapped)."""
    reset()
    out().print(Text("✓ ", style="green") + Text(f"已生成报告：{path}"), soft_wrap=True)


# -- notifications and the scheduler -----------------------------------------------------------
NOTIFY_STATUS = {
    "sent": ("已发送", "green"), "skipped": ("已跳过", "yellow"), "empty": ("无需发送", "dim"),
    "failed": ("发送失败", "bold red"), "busy": ("由其他进程发送中", "yellow"), "dry-run": ("预览", "cyan"),
}
OUTBOX_STATUS = {"sent": "已发送", "failed": "失败", "pending": "待发送", "sending": "发送中"}


def notify_outcomes(results: list[Any]) -> None:
    """One line per channel (and, for --dry-run, the message texts)."""
    reset()
    c = out()
    for r in results:
        label, style = NOTIFY_STATUS.get(r.status, (r.status, ""))
        parts = f"，{r.parts} 条" if r.parts > 1 else ""
        line = Text(f"{r.channel}", style="bold") + Text(f"（{r.target}）：" if r.target else "：")
        line += Text(label, style=style)
        line += Text(f" {r.period}{parts}" + (f"：{r.detail}" if r.detail else ""))
        c.print(line)
        for body in r.bodies:
            sys.stdout.write("─" * 40 + "\n" + body.rstrip("\n") + "\n")
        if r.bodies:
            sys.stdout.write("─" * 40 + "\n")
            sys.stdout.flush()


def outbox_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        info("（暂无发送记录）")
        return
    styles = {"sent": "green", "failed": "bold red", "pending": "yellow", "sending": "yellow"}
    table(f"发送记录（最近 {len(rows)} 条）", ["编号", "类型", "期次", "渠道", "状态", "尝试", "创建时间", "发送时间", "错误"],
          [[r["id"], r["job"], r["period"], r["channel"],
            Text(OUTBOX_STATUS.get(r["status"], r["status"]), style=styles.get(r["status"], "")),
            r["attempts"], str(r["created_at"] or "")[:19], str(r["sent_at"] or "")[:19], r["last_error"] or ""]
           for r in rows])


def scheduler_jobs(infos: list[Any]) -> None:
    """The jobs with their next run that will send (dates never wrapped) and the stored next fire time."""
    reset()
    t = Table(title="定时任务", show_lines=False)
    t.add_column("任务", no_wrap=True)
    t.add_column("时间（cron）", no_wrap=True)
    t.add_column("下次运行", no_wrap=True)
    t.add_column("任务库中的下次触发", overflow="fold")
    for i in infos:
        nxt = (i.next_runs[0].strftime("%Y-%m-%d %H:%M") if i.next_runs else "—") if i.enabled else "已停用"
        stored = i.stored_next.strftime("%Y-%m-%d %H:%M") if i.stored_next else "（调度器尚未运行）"
        t.add_row(f"{i.name} {i.title.split('（')[0]}", i.cron, nxt, stored)
    out().print(t)


def job_run(run: Any) -> None:
    if run.skipped:
        info(f"{run.job}（{run.day.isoformat()}）：{run.skipped}")
        return
    notify_outcomes(run.outcomes)


def form_results(results: list[Any], dry_run: bool) -> None:
    """What each imported 填报 form did, and every problem found in it."""
    for r in results:
        if r.error:
            error(r.error)
            continue
        if r.refused:
            error(f"{r.file}：{r.refused}")
            continue
        head = f"{r.file}（{r.unit}，{r.period}）"
        if r.errors and not r.written and not (dry_run and not r.errors):
            lines = "\n".join(f"  {e.text()}" for e in r.errors[:50])
            more = f"\n  …另有 {len(r.errors) - 50} 处" if len(r.errors) > 50 else ""
            error(f"{head} 有 {len(r.errors)} 处错误，整表未导入（修改后重新导入，或用 --partial 跳过错误行）：\n"
                  f"{lines}{more}")
            continue
        if r.errors:
            warn(f"{head} 跳过 {r.skipped_rows} 行有错误的行：\n" + "\n".join(f"  {e.text()}" for e in r.errors[:50]))
        verb = "将记录" if dry_run else "已记录"
        dup = f"（内容与 {r.duplicate_of} 导入的相同）" if r.duplicate_of else ""
        if r.logged:
            success(f"{head}：{verb} {r.logged} 条进展，{r.unchanged} 项与已有记录相同{dup}")
        else:
            info(f"{head}：没有新的进展可记录，{r.unchanged} 项与已有记录相同{dup}")


def form_status(per: Any, rows: list[Any]) -> None:
    sent = [r for r in rows if r.sent]
    missing = [r for r in rows if not r.sent]
    plain_table(f"{per.label}填报情况：已报送 {len(sent)} 个，未报送 {len(missing)} 个",
                ["单位", "状态", "报送时间", "填报人", "记录进展"],
                [[r.unit, "已报送" if r.sent else "未报送", r.submitted_at or "—", r.author or "—", str(r.logged)]
                 for r in sorted(rows, key=lambda r: (r.sent, r.unit))], [24, 6, 16, 10, 8])
    if missing:
        info("催办：" + "、".join(r.unit for r in missing))
