"""Terminal rendering: the only module that imports rich."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tracker.width import char_width, text_width

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree
else:
    Console = Table = Text = Tree = None  # bound by _rich() on first use

STATUS_STYLE = {"绿": "bold green", "黄": "bold yellow", "红": "bold red", "完成": "bold cyan"}

_out: Console | None = None
_err: Console | None = None


def _rich() -> None:
    """Import rich (≈ 25 ms) only when something is drawn with it: the commands people type all
    day write their lines and simple tables without it (see ``_plain_lines``, ``_box_table``)."""
    global Console, Table, Text, Tree
    if Text is None:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text
        from rich.tree import Tree


def out() -> Console:
    global _out
    if _out is None:
        _rich()
        _out = Console(highlight=False, soft_wrap=False)
    return _out


def err() -> Console:
    global _err
    if _err is None:
        _rich()
        _err = Console(stderr=True, highlight=False)
    return _err


def reset() -> None:
    """Forget the consoles (CliRunner swaps sys.stdout between invocations)."""
    global _out, _err
    _out = _err = None


class Styled(str):
    """A piece of output with a rich style name: coloured on a terminal, plain elsewhere."""

    style: str

    def __new__(cls, text: str, style: str = "") -> Styled:
        obj = super().__new__(cls, text)
        obj.style = style
        return obj


SGR = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "red": "31", "green": "32",
       "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]|:[^\s:]+:")  # controls, tabs, :emoji: codes


def _stream_width(stream: Any) -> int | None:
    """The width rich would lay this stream out in, or None when rich should decide (forced
    colour, odd encodings, dumb terminals): then the output is drawn by rich itself."""
    env = os.environ
    if any(k in env for k in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")):
        return None
    if (getattr(stream, "encoding", None) or "").lower().replace("-", "") != "utf8":
        return None
    tty = _isatty(stream)
    if tty and env.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    cols = env.get("COLUMNS")
    if cols is not None and cols.isdecimal():
        return int(cols)
    for fd in (0, 1, 2):  # as rich: the first standard stream that is a terminal
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _paint(text: str, style: str, color: bool) -> str:
    if not color or not text or not style:
        return text
    codes = ";".join(SGR[w] for w in style.split() if w in SGR)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def _plain_lines(parts: list[str], stream: Any, sep: str = "", soft_wrap: bool = False) -> bool:
    """Write ``parts`` as one print would, without rich, when rich would not change them: no
    line wider than the stream (rich would wrap it, unless ``soft_wrap``), no control characters,
    no :emoji: codes. Returns False (nothing written) otherwise; the caller then prints with rich."""
    width = _stream_width(stream)
    if width is None:
        return False
    from rich.cells import cell_len

    plain = sep.join(parts)
    if _UNSAFE.search(plain) or not soft_wrap and any(cell_len(line) > width for line in plain.split("\n")):
        return False
    color = _isatty(stream) and "NO_COLOR" not in os.environ
    if color:
        plain = sep.join(_paint(p, getattr(p, "style", ""), True) for p in parts)
    stream.write(plain + "\n")
    return True


def _print(*parts: str, stderr: bool = False, sep: str = " ", literal: bool = False) -> None:
    """Print strings and ``Styled`` pieces like ``Console.print(*parts, markup=False)`` (with
    ``literal`` like printing ``Text`` objects: no :emoji: codes replaced)."""
    reset()
    if _plain_lines(list(parts), sys.stderr if stderr else sys.stdout, sep):
        return
    c = err() if stderr else out()
    c.print(*[Text(p, style=getattr(p, "style", "")) if literal or isinstance(p, Styled) else p for p in parts],
            markup=False, sep=sep)


def error(message: str) -> None:
    _print(Styled("错误：", "bold red"), message, stderr=True, sep="", literal=True)


def info(message: str) -> None:
    _print(message)


def success(message: str) -> None:
    _print(Styled("✓ ", "green"), message, sep="", literal=True)


def warn(message: str) -> None:
    _print(Styled("提示：", "yellow"), message, stderr=True, sep="", literal=True)


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_csv(rows: list[dict[str, Any]], columns: list[str]) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    sys.stdout.write(buf.getvalue())


def status_text(status: str) -> Text:
    _rich()
    return Text(status, style=STATUS_STYLE.get(status, ""))


def status_cell(status: str) -> Styled:
    """A status for ``table()`` and ``_print`` (coloured on a terminal, without importing rich)."""
    return Styled(status, STATUS_STYLE.get(status, ""))


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
    _rich()
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
                label = Text(f"{it.get('label') or ''}{it.get('title') or ''}", style="bold")
                if it.get("unsure"):
                    label += Text(f"  ？{'；'.join(it['unsure'])}", style="yellow")
                branch = node.add(label)
                for t in it.get("targets") or []:
                    line = Text(_spec_text(t), style="cyan")
                    if t.get("unsure"):
                        line += Text(f"  ？{'；'.join(t['unsure'])}", style="yellow")
                    leaf = branch.add(line)
                    b = t.get("baseline")
                    if b:
                        leaf.add(Text(_baseline_text(t, b), style="magenta"))
                add(branch, it.get("children") or [])

        if u.get("reason"):
            root.add(Text(f"读取方式：{u['reason']}", style="dim"))
        for sec in u.get("sections") or []:
            if not sec.get("heading") and not sec.get("taken"):
                continue
            mark = "取" if sec.get("taken") else "不取"
            why = f"：{sec['reason']}" if sec.get("reason") else ""
            root.add(Text(f"[{mark}] {sec.get('heading') or '（开头部分）'}{why}", style="dim"))
        add(root, u.get("items") or [])
        c.print(root)
        for w in u.get("warnings") or []:
            c.print(Text(f"  注意：{w}", style="yellow"))
        n_items = _count_items(u.get("items") or [])
        n_targets = _count_targets(u.get("items") or [])
        n_unsure = _count_unsure(u.get("items") or [])
        tail = f"，其中 {n_unsure} 处标有“？”，请先核对" if n_unsure else ""
        c.print(f"  共 {n_items} 个条目，{n_targets} 个指标{tail}\n")


def _baseline_text(t: dict[str, Any], b: dict[str, Any]) -> str:
    shown = "—" if b.get("value") is None else f"{b['value']}{b.get('unit') or ''}"
    quote = (b.get("quote") or "")[:36]
    if b.get("annual_target") is not None:
        return (f"据上半年总结：全年计划{b['annual_target']}，已{shown}；下半年指标为剩余部分（不按“{shown}/"
                f"{t.get('value')}”计）«{quote}»")
    return f"据上半年总结：{shown} «{quote}»"


def _count_items(items: list[dict[str, Any]]) -> int:
    return sum(1 + _count_items(it.get("children") or []) for it in items)


def _count_unsure(items: list[dict[str, Any]]) -> int:
    return sum(bool(it.get("unsure")) + sum(bool(t.get("unsure")) for t in it.get("targets") or [])
               + _count_unsure(it.get("children") or []) for it in items)


def _count_targets(items: list[dict[str, Any]]) -> int:
    return sum(len(it.get("targets") or []) + _count_targets(it.get("children") or []) for it in items)


def import_result(result: Any) -> None:
    _rich()
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
        for name, said in u.details.items():
            c.print(Text(f"  {name}：", style="yellow") + Text("；".join(said)))
    if not result.changed:
        c.print("没有变化：与已导入的内容相同")
    baseline_rows = [(u.unit, b) for u in result.units for b in u.baselines]
    if baseline_rows:
        rows = []
        for name, b in baseline_rows:
            state = ("已设为起始值" if b.get("applied") else ("可设为起始值" if "start_value" in b else "仅供参考"))
            rows.append([name, b["target_quote"], b["message"], state])
        table("上半年总结给出的基数（据上半年总结）", ["单位", "指标", "基数", "处理"], rows)
        if not any(b.get("applied") for _, b in baseline_rows) and any("start_value" in b for _, b in baseline_rows):
            c.print("核对后可用 --baselines apply 把可用的基数设为指标起始值（先确认下半年指标是全年累计数，"
                    "而不是下半年新增数）")


def table(title: str | None, columns: list[str], rows: list[list[Any]], **kw: Any) -> None:
    """A table as rich draws it (heavy head box, title centred above); drawn without rich when
    the result is the same (``_box_table``), which saves rich's import and layout time."""
    reset()
    if not kw and _box_table(title, columns, rows, sys.stdout):
        return
    _rich()
    t = Table(title=title, show_lines=False, **kw)
    for col in columns:
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*[c if isinstance(c, Text) else Text("" if c is None else str(c), style=getattr(c, "style", ""))
                    for c in r])
    out().print(t)


def _cell_text(c: Any) -> Styled | None:
    """A table cell as text and style; None for a rich Text with several styles (rich draws it)."""
    if c is None:
        return Styled("")
    if isinstance(c, str):
        return c if isinstance(c, Styled) else Styled(c)
    if Text is not None and isinstance(c, Text):
        return None if c.spans else Styled(c.plain, str(c.style or ""))
    return Styled(str(c))


def _box_table(title: str | None, columns: list[str], rows: list[list[Any]], stream: Any) -> bool:
    """Draw ``table()``'s rich Table the way rich 13–15 lays it out, without rich's renderer.

    Column widths: each column's widest line plus one space each side; when the table is wider
    than the stream, the widest columns are narrowed first (rich's ``_collapse_widths``), then all
    evenly, and cells wrap at word boundaries, folding long words (rich's own ``divide_line``).
    Falls back (returns False) for anything rich would draw differently: markup or emoji codes in
    the title or headers, control characters or line breaks in cells, columns too narrow to fold
    wide characters. tests/cli/test_render.py compares both on random tables.
    """
    width = _stream_width(stream)
    if width is None or not rows or not columns:
        return False
    from rich._wrap import divide_line
    from rich.cells import cell_len, set_cell_size

    head = [Styled(h, "bold") for h in columns]
    body: list[list[Styled]] = []
    for r in rows:
        cells = [_cell_text(c) for c in r]
        if len(cells) != len(columns) or any(c is None for c in cells):
            return False
        body.append(cells)  # type: ignore[arg-type]
    texts = [title or "", *columns]
    if any("[" in t or _UNSAFE.search(t) for t in texts) or any(
            "\n" in c or "\r" in c or _UNSAFE.search(c.replace(":", "")) for row in body for c in row):
        return False
    max_width = width - (len(columns) + 1)
    if max_width < 1:
        return False
    natural = [min(max(cell_len(row[i]) for row in [head, *body]) + 2, max_width) or 1
               for i in range(len(columns))]
    widths = natural
    if sum(widths) > max_width:
        widths = _collapse(widths, max_width)
        if sum(widths) > max_width:
            widths = _reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
        widths = [min(w, n) for w, n in zip(widths, natural, strict=True)]
    if min(widths) < 4:
        return False

    def wrap(text: str, w: int) -> list[str]:
        n = cell_len(text)
        if n <= w:  # fits: divide_line would not break it (most cells)
            return [text + " " * (w - n)]
        out_lines = []
        offsets = divide_line(text, w, fold=True)
        for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True):
            piece = text[a:b]
            if len(piece) > w:  # rich's rstrip_end counts characters, not cells
                stripped = piece.rstrip()
                piece = piece[:len(piece) - min(len(piece) - len(stripped), len(piece) - w)]
            n = cell_len(piece)
            out_lines.append(set_cell_size(piece, w) if n > w else piece + " " * (w - n))
        return out_lines

    color = _isatty(stream) and "NO_COLOR" not in os.environ
    table_width = sum(widths) + len(columns) + 1

    def draw(row: list[Styled], bottom: bool, edge: str) -> list[str]:
        cells = [wrap(c, w - 2) for c, w in zip(row, widths, strict=True)]
        height = max(len(c) for c in cells)
        shaped = []
        for c, w, src in zip(cells, widths, row, strict=True):
            blank = [" " * (w - 2)] * (height - len(c))
            c = blank + c if bottom else c + blank
            shaped.append([" " + _paint(line, src.style, color) + " " for line in c])
        return [edge + edge.join(col[i] for col in shaped) + edge for i in range(height)]

    lines: list[str] = []
    if title:
        for piece in wrap(title, table_width):
            t = piece.rstrip()
            left = (table_width - cell_len(t)) // 2
            t = " " * left + t
            lines.append(_paint(t + " " * (table_width - cell_len(t)), "italic", color) if color
                         else t + " " * (table_width - cell_len(t)))
    lines.append("┏" + "┳".join("━" * w for w in widths) + "┓")
    lines += draw(head, True, "┃")
    lines.append("┡" + "╇".join("━" * w for w in widths) + "┩")
    for row in body:
        lines += draw(row, False, "│")
    lines.append("└" + "┴".join("─" * w for w in widths) + "┘")
    stream.write("\n".join(lines) + "\n")
    return True


def _collapse(widths: list[int], max_width: int) -> list[int]:
    """Narrow the widest columns until the table fits (as rich's ``Table._collapse_widths``)."""
    excess = sum(widths) - max_width
    while sum(widths) and excess > 0:
        top = max(widths)
        second = max((w for w in widths if w != top), default=0)
        if top == second:
            break
        ratios = [1 if w == top else 0 for w in widths]
        widths = _reduce(excess, ratios, [min(excess, top - second)] * len(widths), widths)
        excess = sum(widths) - max_width
    return widths


def _reduce(total: int, ratios: list[int], limits: list[int], values: list[int]) -> list[int]:
    """Take ``total`` cells off ``values`` in proportion to ``ratios``, at most ``limits`` each,
    rounding as rich does (its ``ratio_reduce``; importing it would load fractions and decimal)."""
    ratios = [r if m else 0 for r, m in zip(ratios, limits, strict=True)]
    left_ratio, left = sum(ratios), total
    if not left_ratio:
        return values[:]
    out = []
    for r, m, v in zip(ratios, limits, values, strict=True):
        if r and left_ratio > 0:
            cut = min(m, round(r * left / left_ratio))
            out.append(v - cut)
            left -= cut
            left_ratio -= r
        else:
            out.append(v)
    return out


ANSI = {"绿": "\x1b[1;32m", "黄": "\x1b[1;33m", "红": "\x1b[1;31m", "完成": "\x1b[1;36m"}




def _fit(text: str, width: int, w: int | None = None) -> str:
    """Pad or cut a string to exactly ``width`` cells (``w``: its width when already measured)."""
    if w is None:
        w = text_width(text)
    if w <= width:
        return text + " " * (width - w)
    out, used = [], 0
    for ch in text:
        cw = char_width(ch)
        if used + cw > width - 1:
            break
        out.append(ch)
        used += cw
    return "".join(out) + "…" + " " * (width - used - 1)


def plain_table(title: str, columns: list[str], rows: list[list[str]], max_widths: list[int],
                status_col: int | None = None) -> None:
    """A light table for long lists: rich takes ~0.5 ms a row to lay out, this a few µs."""
    measured = [[text_width(v) for v in r] for r in rows]
    widths = [min(mw, max([text_width(c)] + [m[i] for m in measured])) for i, (c, mw) in
              enumerate(zip(columns, max_widths, strict=True))]
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    lines = [title, "  ".join(_fit(c, w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("─" * w for w in widths)]
    for r, m in zip(rows, measured, strict=True):
        cells = [_fit(v, w, n) for v, w, n in zip(r, widths, m, strict=True)]
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

    rule = t.get("rule") or "cumulative"
    if t["kind"] == "deadline" or rule == "milestone":
        return f"{target_goal_text(t)}（已完成 {t['met_on']}）" if t.get("met_on") else target_goal_text(t)
    cur = fmt_num(t["current_value"]) if t["current_value"] is not None else "—"
    if rule == "recurring" and t.get("periods_total"):
        from tracker.status import rule_label

        return f"{rule_label(rule, t.get('every'))}{target_goal_text(t)}：{t['periods_met']}/{t['periods_total']}期"
    if rule == "level":
        return f"{cur}/保持{target_goal_text(t)}"
    return f"{cur}/{target_goal_text(t)}"


def task_detail(d: Any) -> None:
    from tracker.status import rule_label
    from tracker.tasks import fmt_num, target_goal_text

    v = d.view
    _print(Styled(f"#{v.id} " + (v.row["label"] or "") + v.row["title"], "bold"), literal=True)
    _print(f"单位：{v.unit}    责任人：{v.row['owner'] or '—'}    状态：", status_cell(v.status),
           f"    进度：{bar(v.completion)} {v.completion:.1f}%")
    expected = "—" if v.expected is None else f"{v.expected:.1f}%"
    _print(f"周期：{v.start or '—'} 至 {v.deadline or '—'}    序时进度：{expected}"
           + (f"    完成于：{v.row['done_on']}" if v.row["done_on"] else ""))
    if v.row.get("cancelled_on"):
        _print(Styled(f"已{v.row['cancel_reason']}（{v.row['cancelled_on']}），不计入看板与列表", "bold magenta"),
               literal=True)
    if d.parent:
        _print(f"上级任务：#{d.parent['id']} {d.parent['label']}{d.parent['title']}")
    if v.row["text"] and v.row["text"] != v.row["title"]:
        _print(Styled("内容：", "dim"), v.row["text"], sep="", literal=True)
    if v.targets:
        rows = []
        for i, t in enumerate(v.targets, 1):
            comp = t.get("completion")
            rows.append([
                i, {"count": "数量", "percent": "比例", "amount": "金额", "deadline": "时限", "ratio": "比率"}.get(
                    t["kind"], t["kind"]) + ("" if (t.get("rule") or "cumulative") == "cumulative"
                                             else "·" + rule_label(t.get("rule"), t.get("every"))),
                t["subject"] or "", t["commitment"] or "",
                fmt_num(t["current_value"]) if t["kind"] != "deadline" else ("已完成" if v.done else "未完成"),
                target_goal_text(t), "" if comp is None else f"{comp:.0f}%", t["deadline"] or "", t["quote"] or "",
            ])
        table("指标", ["序号", "类型", "对象", "承诺", "当前", "目标", "完成率", "时限", "原文"], rows)
        for i, t in enumerate(v.targets, 1):
            if t.get("start_source") and t.get("start_value") is not None:
                _print(Styled(f"指标{i} 起始值 {fmt_num(t['start_value'])}（{t['start_source']}", "magenta"),
                       f"：{t.get('start_quote') or ''}）" if t.get("start_quote") else "）", sep="", literal=True)
    if v.children:
        rows = [[ch.id, (ch.row["label"] or "") + ch.row["title"], status_cell(ch.status), f"{ch.completion:.0f}%"]
                for ch in v.children]
        table("子任务", ["编号", "任务", "状态", "进度"], rows)
    log_table(d.log)


ACTION_NAMES = {"update": "进展", "done": "完成", "retract": "撤销", "edit": "修改", "reopen": "重开",
                "cancel": "撤销任务", "import": "导入", "plan": "导入计划"}


def change_log(rows: list[dict[str, Any]]) -> None:
    """`tracker log`: one line per change."""
    from tracker.tasks import fmt_num

    if not rows:
        info("（没有符合条件的记录）")
        return
    out_rows = []
    for r in rows:
        action = ACTION_NAMES.get(r["action"], r["action"])
        if r.get("correction"):
            action = "更正"
        what = r.get("note") or ""
        if r.get("value") is not None:
            v = f"{r.get('subject') or '指标'} {fmt_num(r['value'])}{r.get('measure') or ''}"
            what = f"{v}；{what}" if what else v
        elif r.get("percent") is not None:
            what = f"完成 {fmt_num(r['percent'])}%" + (f"；{what}" if what else "")
        task = f"任务 #{r['task_id']} {(r.get('label') or '')}{r.get('title') or ''}" if r.get("task_id") else ""
        no = f"#{r['id']}" if r["id"] else "—"
        task, what = " ".join(task.split()), " ".join(what.split())
        out_rows.append(f"{no}  {str(r['recorded_at'])[:16]}  {action}  {r['author'] or '—'}  {r['unit']}\n"
                        f"    {task + '：' if task else ''}{what}")
    reset()
    c = out()
    c.print(f"变更记录（{len(rows)} 条）", markup=False)
    for line in out_rows:
        c.print(line, markup=False, soft_wrap=False)


def task_state(view: Any, focus_target: int | None = None) -> None:
    """A task's resulting state after a change: each target current/target/%, task %, status."""
    from tracker.status import rule_label as describe
    from tracker.tasks import fmt_num, target_goal_text

    for i, t in enumerate(view.targets, 1):
        mark = "→ " if focus_target is not None and t["id"] == focus_target else "  "
        comp = t.get("completion")
        rule = t.get("rule") or "cumulative"
        if t["kind"] == "deadline" or rule == "milestone":
            now = f"已完成（{t['met_on']}）" if t.get("met_on") else ("已完成" if view.done else "未完成")
            line = f"{mark}指标 {i}（{describe(rule, t.get('every'))}）{t['subject'] or ''}：{now}，{target_goal_text(t)}"
        else:
            extra = ""
            if rule == "recurring" and t.get("periods_total"):
                extra = f"，已完成 {t['periods_met']}/{t['periods_total']} 个周期"
            elif rule == "level" and t.get("held") is not None:
                extra = {0: "，最新读数未达到", 1: "，目前保持（期间曾未达到）", 2: "，一直保持"}[int(t["held"])]
            now = "—" if t["current_value"] is None else f"{fmt_num(t['current_value'])}{t['measure'] or ''}"
            line = (f"{mark}指标 {i}（{describe(rule, t.get('every'))}）{t['subject'] or ''}：当前 "
                    f"{now} / 目标 {target_goal_text(t)}"
                    f"（{'—' if comp is None else f'{comp:.0f}%'}）{extra}")
        _print(line)
    _print(f"任务 #{view.id} 进度 {view.completion:.1f}%，状态：", status_cell(view.status))


def log_table(log: list[dict[str, Any]], title: str = "进展记录") -> None:
    from tracker.tasks import fmt_num

    if not log:
        info("（暂无进展记录）")
        return
    rows = []
    for r in log:
        action = ACTION_NAMES.get(r["action"], r["action"])
        if r.get("retracted_by") or r.get("undone_by"):
            action += "（已撤销）"
        elif r.get("undoes_id") and r["action"] != "retract":
            action += "（恢复）"
        if r.get("correction"):
            action += "（更正）"
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
        rows.append([s.unit, s.total, Styled(str(s.counts["绿"]), "green"),
                     Styled(str(s.counts["黄"]), "yellow"), Styled(str(s.counts["红"]), "red"),
                     Styled(str(s.counts["完成"]), "cyan"), f"{bar(s.completion)} {s.completion:.1f}%"])
        for k in tot:
            tot[k] += s.counts[k]
        n += s.total
        comp += s.completion * s.total
    overall = comp / n if n else 0.0
    rows.append([Styled("合计", "bold"), n, str(tot["绿"]), str(tot["黄"]), str(tot["红"]), str(tot["完成"]),
                 f"{bar(overall)} {overall:.1f}%"])
    table(f"督办看板（{today}）", ["单位", "任务", "绿", "黄", "红", "完成", "总体完成度"], rows)
    from tracker.counting import Count

    subs = sum(getattr(s, "subs", 0) for s in summaries)
    line = f"统计口径：{Count(tops=n, subs=subs).line()}（子事项计入所属事项的完成度，不另计数）"
    if "[" in line or not _plain_lines([line], sys.stdout, soft_wrap=True):
        out().print(line, soft_wrap=True)
    cancelled = sum(getattr(s, "cancelled", 0) for s in summaries)
    if cancelled:
        info(f"另有 {cancelled} 项已撤销或调整的任务，不计入上表（tracker log 可查依据）")


def tree(title: str, build: Any) -> None:
    """Print a rich Tree; build(tree) adds the branches."""
    _rich()
    reset()
    t = Tree(title)
    build(t)
    out().print(t)


# -- reports (weekly and year-end) ---------------------------------------------------------------
REPORT_WIDTH = 120  # columns when stdout is not a terminal (files, pipes, tests): output is stable
RICH_ROWS_MAX = 100  # longer tables are laid out as plain text (rich takes ~0.5 ms a row)


def report_console(file: Any = None) -> Console:
    """A console for reports: fixed width and no colour unless writing to a terminal."""
    _rich()
    target = file or sys.stdout
    tty = file is None and sys.stdout.isatty()
    color = tty and "NO_COLOR" not in os.environ
    width: int | None = None
    if not tty:  # files and pipes: 120 columns, or COLUMNS when set (never cut: see report_terminal)
        cols = os.environ.get("COLUMNS", "") if file is None else ""
        width = int(cols) if cols.isdecimal() and int(cols) >= 40 else REPORT_WIDTH
    return Console(file=target, width=width, color_system="auto" if color else None,
                   force_terminal=tty, highlight=False, soft_wrap=False, emoji=False)


def _report_cell(kind: str, value: Any) -> Text:
    _rich()
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
    _rich()
    from tracker.reports.layout import Chart, Heading, Para
    from tracker.reports.layout import Table as ReportTable

    reset()
    fh = open(path, "w", encoding="utf-8") if path else None  # noqa: SIM115 - closed below
    later = None
    try:
        c = report_console(fh)
        c.print(Text(doc.title, style="bold"), justify="center")
        c.print(Text(doc.subtitle, style="dim"))
        from tracker.reports.layout import RIGHT as right
        # Headings and paragraphs are printed in batches (fewer, faster calls), each kept as
        # (lead, lead style, text, text style) until then.
        pending: list[tuple[str, str, str, str]] = []
        plain_out = c.color_system is None and not c.is_terminal
        width = c.width
        later, big_table = _big_tables(doc, width)

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
                if not b.rows and b.empty:
                    pending.append(("", "", (b.title + "：" if b.title else "") + b.empty, ""))
                    continue
                if len(b.rows) > RICH_ROWS_MAX:
                    flush()
                    c.file.write(big_table(b) + "\n")
                    continue
                flush()
                with_bars = len(b.cols) <= 10 and width >= 100
                t = Table(title=b.title or None, title_justify="left", show_lines=False,
                          padding=(0, 1) if with_bars else (0, 0))
                cells = [[_report_cell(col.kind if with_bars or col.kind != "bar" else "pct", v)
                          for col, v in zip(b.cols, r, strict=True)] for r in b.rows]
                need = len(b.cols) + 1 + (2 * len(b.cols) if with_bars else 0)  # borders and padding
                for j, col in enumerate(b.cols):
                    # values keep their width (a header may wrap); long texts fold from 14 cells on
                    widest = max([text_width(row[j].plain) for row in cells] + [2])
                    least = min(widest, 14) if col.kind == "text" else widest
                    need += max(least, text_width(col.name))  # drawn at its natural width, or not by rich
                    t.add_column(col.name, justify="right" if col.kind in right else "left", overflow="fold",
                                 min_width=least)
                last = len(b.rows) - 1
                for i, row in enumerate(cells):
                    t.add_row(*row, style="bold" if b.total_row and i == last else None)
                if need > width:
                    # Too wide to draw without cutting: wrapped columns, or one block per row.
                    c.file.write(_plain_report_table(b, right, width) + "\n")
                    continue
                c.print(t)
            elif isinstance(b, Chart):
                continue
        flush()
    finally:
        if later is not None:
            later.close()
        if fh is not None:
            fh.close()


def _big_tables(doc: Any, width: int) -> tuple[Any, Callable[[Any], str]]:
    """The plain text of a report's big tables (over ``RICH_ROWS_MAX`` rows), the second half of
    them made by a forked child meanwhile (``tracker.parallel``; a year-end report has forty of a
    few hundred rows each), and that child (None: none)."""
    from tracker import parallel
    from tracker.reports.layout import RIGHT
    from tracker.reports.layout import Table as ReportTable

    big = [b for b in doc.blocks if isinstance(b, ReportTable) and len(b.rows) > RICH_ROWS_MAX]
    split = parallel.halfway([len(b.rows) * len(b.cols) for b in big])
    theirs = {id(b) for b in big[split:]} if split is not None else set()
    later = parallel.start(lambda: [_plain_report_table(b, RIGHT, width) for b in big[split:]]) if theirs else None
    made: dict[int, str] | None = None

    def text(b: Any) -> str:
        nonlocal made
        if later is None or id(b) not in theirs:
            return _plain_report_table(b, RIGHT, width)
        if made is None:
            made = {id(t): x for t, x in zip(big[split:], later.get(), strict=True)}
        return made[id(b)]

    return later, text


def _wrap_cells(text: str, w: int, cells: Any) -> list[str]:
    """A cell's text in lines of at most ``w`` terminal cells (CJK-aware; nothing is cut)."""
    if cells(text) <= w:
        return [text]
    lines: list[str] = []
    cur: list[str] = []
    used = 0
    for ch in text:
        cw = cells(ch)
        if used + cw > w and cur:
            lines.append("".join(cur))
            cur, used = [], 0
        cur.append(ch)
        used += cw
    if cur:
        lines.append("".join(cur))
    return lines


def _plain_report_table(b: Any, right: Any, width: int = REPORT_WIDTH) -> str:
    """A report table as aligned plain text within ``width`` columns, never cutting a value:
    figures keep their width, long texts wrap onto more lines; when even that does not fit,
    each row becomes a block of "列名：值" lines."""
    from tracker.reports.layout import fmt_column

    cells = _cells_cached()
    # Worked a column at a time: a year-end report's tables have half a million cells.
    raw = list(zip(*b.rows, strict=True)) if b.rows else [() for _ in b.cols]
    columns = [fmt_column(col.kind, values) for col, values in zip(b.cols, raw, strict=True)]
    sizes = [list(map(cells, col)) for col in columns]
    wraps = [col.kind == "text" for col in b.cols]
    # A figure keeps its width; its header may take two lines.
    natural = [max(cells(col.name) if wr else max(2, (cells(col.name) + 3) // 4 * 2), max(sz, default=0))
               for col, wr, sz in zip(b.cols, wraps, sizes, strict=True)]
    flush_right = [col.kind in right for col in b.cols]
    fixed = sum(w for w, wr in zip(natural, wraps, strict=True) if not wr)
    gap = 2 if fixed + 2 * (len(b.cols) - 1) + 8 * sum(wraps) <= width else 1
    room = width - fixed - gap * (len(b.cols) - 1)
    text_cols = [j for j, wr in enumerate(wraps) if wr]
    widths = list(natural)
    if text_cols:
        floor = 8
        if room < floor * len(text_cols):
            return _report_records(b, [list(r) for r in zip(*columns, strict=True)], width, cells)
        for j in text_cols:
            widths[j] = natural[j]
        while sum(widths[j] for j in text_cols) > room:  # narrow the widest text column, a cell at a time
            k = max(text_cols, key=lambda j: widths[j])
            if widths[k] <= floor:
                break
            widths[k] -= 1
    elif fixed + gap * (len(b.cols) - 1) > width:
        return _report_records(b, [list(r) for r in zip(*columns, strict=True)], width, cells)
    # Headers wrap like texts where their column is narrower than the name.

    def pad(text: str, w: int, to_right: bool) -> str:
        n = cells(text)
        return " " * (w - n) + text if to_right else text + " " * (w - n)

    sep = " " * gap
    spec = list(zip(widths, range(len(widths)), strict=True))

    def block(values: list[str], aligned: list[bool]) -> list[str]:
        sizes = [cells(v) for v in values]
        if all(n <= w for n, (w, _) in zip(sizes, spec, strict=True)):  # one line: no wrapping
            return [sep.join(" " * (w - sizes[j]) + values[j] if aligned[j] else values[j] + " " * (w - sizes[j])
                             for w, j in spec).rstrip()]
        parts = [_wrap_cells(v, w, cells) for v, w in zip(values, widths, strict=True)]
        height = max(len(p) for p in parts)
        return [(" " * gap).join(pad(p[k] if k < len(p) else "", w, r)
                                 for p, w, r in zip(parts, widths, aligned, strict=True)).rstrip()
                for k in range(height)]

    lines = [b.title] if b.title else []
    lines += block([col.name for col in b.cols], [False] * len(b.cols))
    lines.append((" " * gap).join("─" * w for w in widths))
    # Each row on one line, its cells padded a column at a time, but for the rows with a text
    # wider than its column (only text columns are ever narrowed): those wrap, as ``block`` does.
    padded = [[" " * (w - n) + v for v, n in zip(col, sz, strict=True)] if to_right else
              [v + " " * (w - n) for v, n in zip(col, sz, strict=True)]
              for col, sz, w, to_right in zip(columns, sizes, widths, flush_right, strict=True)]
    wrapped = {i for j in text_cols for i, n in enumerate(sizes[j]) if n > widths[j]}
    for i, row in enumerate(zip(*padded, strict=True)):
        if i in wrapped:
            lines += block([col[i] for col in columns], flush_right)
        else:
            lines.append(sep.join(row).rstrip())
    return "\n".join(lines)


def _report_records(b: Any, texts: list[list[str]], width: int, cells: Any) -> str:
    """Each row as a block: its first two values on a line, then "列名：值" pairs wrapped."""
    lines = [b.title] if b.title else []
    for row in texts:
        head = "　".join(v for v in row[:2] if v)
        lines += ["■ " + x for x in _wrap_cells(head, width - 2, cells)[:1]] + [
            "  " + x for x in _wrap_cells(head, width - 2, cells)[1:]]
        for col, v in list(zip(b.cols, row, strict=True))[2:]:
            if v:
                lines += ["  " + x for x in _wrap_cells(f"{col.name}：{v}", width - 2, cells)]
    return "\n".join(lines)


def _cells_cached() -> Any:
    """Terminal width of a string, remembered (report tables repeat the same names and figures)."""
    import functools

    @functools.lru_cache(maxsize=65536)
    def cells(text: str) -> int:
        return text_width(text)

    return cells


_CONTROL = __import__("re").compile(r"[\x00-\x1f\x7f]")


def _fits_plain(line: str, width: int) -> bool:
    from rich.cells import cell_len

    return _CONTROL.search(line) is None and cell_len(line) <= width


def report_written(path: Any) -> None:
    """Say where a report went, the path on one line (never wrapped); without loading rich's
    console when its output would be the same (a file report needs nothing else of rich)."""
    reset()
    # (rich's Text + Text keeps the first one's style for the whole line: all of it is green)
    if _plain_lines([Styled(f"✓ 已生成报告：{path}", "green")], sys.stdout, soft_wrap=True):
        return
    _rich()
    out().print(Text("✓ ", style="green") + Text(f"已生成报告：{path}"), soft_wrap=True)


# -- notifications and the scheduler -----------------------------------------------------------
NOTIFY_STATUS = {
    "sent": ("已发送", "green"), "skipped": ("已跳过", "yellow"), "empty": ("无需发送", "dim"),
    "failed": ("发送失败", "bold red"), "busy": ("由其他进程发送中", "yellow"), "dry-run": ("预览", "cyan"),
}
OUTBOX_STATUS = {"sent": "已发送", "failed": "失败", "pending": "待发送", "sending": "发送中"}


def notify_outcomes(results: list[Any]) -> None:
    """One line per channel (and, for --dry-run, the message texts)."""
    _rich()
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
    _rich()
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
    _rich()
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


VERDICT_TEXT = {"met": "完成", "not_met": "未完成", "unclear": "待核实", "not_mentioned": "未提及"}
VERDICT_STYLE = {"met": "green", "not_met": "red", "unclear": "yellow", "not_mentioned": "dim"}


def outcome_table(data: dict[str, Any]) -> None:
    """Plan targets against what the summary says, then the targets it never mentions."""
    _rich()
    reset()
    rows = []
    silent = []
    for i, t in enumerate(data.get("targets") or [], 1):
        o = t.get("outcome")
        v = t.get("verdict") or "not_mentioned"
        if o is None:
            silent.append(f"{i}. {t.get('quote') or ''}")
        said = "—" if o is None else (
            f"{'' if o.get('value') is None else str(o['value']) + (o.get('unit') or '')} «{(o.get('quote') or '')[:40]}»")
        rows.append([i, t.get("quote") or "", said, Text(VERDICT_TEXT.get(v, v), style=VERDICT_STYLE.get(v, ""))])
    counts = data.get("counts") or {}
    title = (f"对账：{str(data.get('source') or '').rsplit('/', 1)[-1]}  "
             + "  ".join(f"{VERDICT_TEXT[k]} {counts.get(k, 0)}" for k in VERDICT_TEXT))
    table(title, ["#", "计划指标", "总结中的说法", "判断"], rows)
    if silent:
        out().print(Text(f"总结未提及的指标（{len(silent)} 项）：", style="bold"))
        for s in silent:
            out().print(Text("  " + s, style="dim"))


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
