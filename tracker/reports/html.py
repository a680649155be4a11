"""A report as one self-contained HTML file: no scripts, no external assets, charts as inline SVG
(full unit names, the 序时进度 reference line and a legend of the colours); on a phone (below
640 px) every table row becomes a card, each value under its column's name, so no column is
off-screen and no title is squeezed."""

from __future__ import annotations

import math
import re
from html import escape
from typing import Any

from tracker.reports.layout import RIGHT, Chart, Doc, Heading, Para, Table, cn_date, fmt_cell, fmt_column

LIGHT_COLOURS = {"绿": "#43a047", "黄": "#f9a825", "红": "#e53935", "完成": "#1e88e5",
                 "超额完成": "#1565c0", "逾期完成": "#5e35b1", "基本完成": "#7cb342", "未完成": "#fb8c00",
                 "无进展": "#9e9e9e"}
STATUS_CLASS = {"绿": "s-green", "黄": "s-yellow", "红": "s-red", "完成": "s-done"}
RESULT_CLASS = {"超额完成": "s-done", "完成": "s-done", "逾期完成": "s-late", "基本完成": "s-green", "未完成": "s-red",
                "无进展": "s-none"}

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #222; line-height: 1.6; font-size: 16px;
  font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
  "WenQuanYi Micro Hei", "Heiti SC", sans-serif; -webkit-text-size-adjust: 100%; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 20px 40px; background: #fff; }
header { border-bottom: 3px solid #c62828; margin-bottom: 12px; }
h1 { font-size: 26px; text-align: center; color: #b71c1c; margin: 12px 0 6px; }
.sub { color: #666; font-size: 14px; margin: 0 0 10px; }
h2 { font-size: 20px; margin: 26px 0 8px; padding-left: 8px; border-left: 5px solid #c62828; }
h3 { font-size: 18px; margin: 20px 0 6px; }
h4 { font-size: 16px; margin: 14px 0 4px; }
p { margin: 6px 0; text-align: justify; }
p.item { margin: 2px 0 2px 1em; }
.cap { font-weight: bold; margin: 12px 0 4px; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border: 1px solid #d0d4da; padding: 4px 6px; vertical-align: top; }
th { background: #eceff3; white-space: nowrap; }
td.r { text-align: right; white-space: nowrap; }
td.n { white-space: nowrap; }
tr.total td { font-weight: bold; background: #fafafa; }
td.s { text-align: center; font-weight: bold; white-space: nowrap; }
.s-green { background: #c8e6c9; } .s-yellow { background: #fff59d; }
.s-red { background: #ffcdd2; } .s-done { background: #bbdefb; } .s-none { background: #e0e0e0; }
.s-late { background: #d1c4e9; }
.issuer { text-align: right; margin: 28px 1em 0 0; }
.bar { display: inline-block; width: 60px; height: 8px; background: #e0e0e0; margin-right: 4px;
  vertical-align: middle; }
.bar i { display: block; height: 100%; background: #1e88e5; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px;
  margin: 10px 0; }
figure { margin: 0; min-width: 0; border: 1px solid #e0e0e0; padding: 8px; }
figcaption { font-weight: bold; font-size: 15px; margin-bottom: 4px; }
svg { width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: #333; }
@media (max-width: 640px) {
  main { padding: 10px 10px 30px; }
  h1 { font-size: 21px; }
  h2 { font-size: 18px; }
  body { font-size: 15px; }
  .charts { grid-template-columns: 1fr; }
  /* On a phone every row is a card: each cell on its own line under its column's name, so no
     column is off-screen and no title is squeezed. */
  .scroll { overflow: visible; }
  .scroll table, .scroll tbody, .scroll tr, .scroll td { display: block; width: 100%; }
  .scroll thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .scroll tr { border: 1px solid #d0d4da; border-radius: 6px; margin: 0 0 10px; padding: 4px 8px; }
  .scroll tr.total { background: #fafafa; }
  .scroll td { border: none; border-bottom: 1px dotted #e3e6ea; padding: 3px 0; display: flex; gap: 10px;
    text-align: left; white-space: normal; overflow-wrap: anywhere; }
  .scroll td:last-child { border-bottom: none; }
  .scroll td:empty { display: none; }
  .scroll td::before { content: attr(data-label); flex: 0 0 6.5em; color: #666; font-weight: normal;
    text-align: left; }
  .scroll td.s { text-align: left; }
}
@media print { body { background: #fff; } main { max-width: none; } .scroll { overflow: visible; } }
"""


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


# -- charts ---------------------------------------------------------------------------------------
def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">'
            f"<title>{_e(title)}</title>{''.join(body)}</svg>")


def bars_svg(title: str, items: list[tuple[Any, ...]], ref: float | None = None,
             ref_label: str = "序时进度") -> str:
    """Horizontal bars of percentages (0–100, longer bars clipped), the full label above each
    bar, a dashed reference line (序时进度) across them and a legend of the colours."""
    row, left, span = 38, 8, 290
    top = 22 if ref is not None else 6
    height = top + max(1, len(items)) * row + 34
    body = []
    if not items:
        body.append(f'<text x="10" y="{top + 16}">（无数据）</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * row
        v = max(0.0, float(value))
        w = min(100.0, v) / 100 * span
        colour = "#43a047" if v >= 80 else "#f9a825" if v >= 50 else "#e53935"
        body.append(f'<text x="{left}" y="{y + 13}"><title>{_e(label)}</title>{_e(label)}</text>'
                    f'<rect x="{left}" y="{y + 18}" width="{span}" height="14" fill="#eeeeee"/>'
                    f'<rect x="{left}" y="{y + 18}" width="{w:.1f}" height="14" fill="{colour}"/>'
                    f'<text x="{left + span + 6}" y="{y + 30}">{v:.1f}%</text>')
    bottom = top + max(1, len(items)) * row
    if ref is not None:
        x = left + max(0.0, min(100.0, ref)) / 100 * span
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#37474f" '
                    'stroke-width="1.5" stroke-dasharray="4 3"/>'
                    f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle" font-size="11">'
                    f'{_e(ref_label)} {ref:.1f}%</text>')
    ly = bottom + 20
    legend = [("#43a047", "≥80%"), ("#f9a825", "50%–80%"), ("#e53935", "<50%")]
    for k, (colour, text) in enumerate(legend):
        x = left + k * 82
        body.append(f'<rect x="{x}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>'
                    f'<text x="{x + 16}" y="{ly}" font-size="11">{_e(text)}</text>')
    if ref is not None:
        x = left + 3 * 82
        body.append(f'<line x1="{x}" y1="{ly - 4}" x2="{x + 14}" y2="{ly - 4}" stroke="#37474f" stroke-width="1.5" '
                    f'stroke-dasharray="4 3"/><text x="{x + 18}" y="{ly}" font-size="11">{_e(ref_label)}</text>')
    return _svg(left + span + 56, height, title, body)


def shares_svg(title: str, items: list[tuple[Any, ...]]) -> str:
    """A ring of counts by category, with a legend of counts and shares."""
    total = sum(int(n) for _, n, _ in items)
    cx, cy, r, width = 80, 80, 56, 26
    circ = 2 * math.pi * r
    body = [f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#eeeeee" stroke-width="{width}"/>']
    offset = 0.0
    for _label, n, key in items:
        if not total or not n:
            continue
        part = int(n) / total * circ
        body.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{LIGHT_COLOURS.get(key, "#888")}" '
                    f'stroke-width="{width}" stroke-dasharray="{part:.2f} {circ - part:.2f}" '
                    f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {cx} {cy})"/>')
        offset += part
    body.append(f'<text x="{cx}" y="{cy + 5}" text-anchor="middle">共{total}项</text>')
    for i, (label, n, key) in enumerate(items):
        y = 22 + i * 24
        pct = int(n) / total * 100 if total else 0.0
        body.append(f'<rect x="176" y="{y - 11}" width="14" height="14" fill="{LIGHT_COLOURS.get(key, "#888")}"/>'
                    f'<text x="196" y="{y}">{_e(label)} {int(n)}项（{pct:.1f}%）</text>')
    return _svg(360, max(166, 22 + len(items) * 24), title, body)


def line_svg(title: str, items: list[tuple[Any, ...]]) -> str:
    """A line of percentages over time (labels along the bottom)."""
    left, top, w, h = 36, 14, 300, 120
    n = len(items)
    body = []
    for k in range(0, 101, 25):
        y = top + h - k / 100 * h
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="#e0e0e0"/>'
                    f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{k}</text>')
    points = []
    for i, (label, value) in enumerate(items):
        x = left + (w * i / (n - 1) if n > 1 else w / 2)
        y = top + h - max(0.0, min(100.0, float(value))) / 100 * h
        points.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#c62828"/>'
                    f'<text x="{x:.1f}" y="{top + h + 16}" text-anchor="middle" font-size="10">{_e(label)}</text>')
        if i == n - 1:
            body.append(f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="end">{float(value):.1f}%</text>')
    if points:
        body.insert(0, f'<polyline points="{" ".join(points)}" fill="none" stroke="#c62828" stroke-width="2"/>')
    ly = top + h + 40
    body.append(f'<line x1="{left}" y1="{ly - 4}" x2="{left + 18}" y2="{ly - 4}" stroke="#c62828" stroke-width="2"/>'
                f'<circle cx="{left + 9}" cy="{ly - 4}" r="3" fill="#c62828"/>'
                f'<text x="{left + 24}" y="{ly}" font-size="11">总体完成度（一级事项平均，%）</text>')
    return _svg(left + w + 24, top + h + 48, title, body)


def chart_svg(c: Chart) -> str:
    if c.kind == "bars":
        return bars_svg(c.title, c.items, c.ref, c.ref_label)
    if c.kind == "shares":
        return shares_svg(c.title, c.items)
    return line_svg(c.title, c.items)


# -- document -------------------------------------------------------------------------------------
def _cell(kind: str, value: Any, label: str) -> str:
    text = _e(fmt_cell(kind, value))
    if not text:
        return "<td></td>"
    lab = f' data-label="{label}"'
    if kind == "status":
        return f'<td class="s {STATUS_CLASS.get(str(value), "")}"{lab}>{text}</td>'
    if kind == "result":
        return f'<td class="s {RESULT_CLASS.get(str(value).split("（")[0], "")}"{lab}>{text}</td>'
    if kind == "bar" and value is not None:
        w = max(0.0, min(100.0, float(value)))
        return f'<td class="r"{lab}><span class="bar"><i style="width:{w:.0f}%"></i></span>{text}</td>'
    if kind in RIGHT:
        return f'<td class="r"{lab}>{text}</td>'
    if kind == "date" or len(text) <= 8:
        return f'<td class="n"{lab}>{text}</td>'
    return f"<td{lab}>{text}</td>"


_ESCAPED = re.compile(r"[&<>\"']")


def _column(kind: str, values: tuple[Any, ...], label: str) -> list[str]:
    """``_cell`` over a column: the texts escaped only where they need it, the cell's markup
    chosen once for the column where it does not depend on the value."""
    lab = f' data-label="{label}"'
    texts = fmt_column(kind, values)
    texts = [_e(x) if _ESCAPED.search(x) else x for x in texts]
    if kind in ("status", "result", "bar"):
        return [_cell(kind, v, label) for v in values]
    if kind in RIGHT:
        return [f'<td class="r"{lab}>{x}</td>' if x else "<td></td>" for x in texts]
    if kind == "date":
        return [f'<td class="n"{lab}>{x}</td>' if x else "<td></td>" for x in texts]
    return [(f'<td class="n"{lab}>{x}</td>' if len(x) <= 8 else f"<td{lab}>{x}</td>") if x else "<td></td>"
            for x in texts]


def _table(t: Table) -> str:
    out = []
    if t.title:
        out.append(f'<div class="cap">{_e(t.title)}</div>')
    if not t.rows and t.empty:
        out.append(f"<p>{_e(t.empty)}</p>")
        return "".join(out)
    head = "".join(f"<th>{_e(c.name)}</th>" for c in t.cols)
    rows: list[str] = []
    if t.rows:
        columns = [_column(c.kind, values, _e(c.name))
                   for c, values in zip(t.cols, zip(*t.rows, strict=True), strict=True)]
        rows = ["<tr>" + "".join(cells) + "</tr>" for cells in zip(*columns, strict=True)]
    if t.total_row and rows:
        rows[-1] = '<tr class="total">' + rows[-1][len("<tr>"):]
    out.append(f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
               "</table></div>")
    return "".join(out)


def render(doc: Doc) -> str:
    parts = [
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc.title)}</title><style>{CSS}</style></head><body><main>",
        f'<header><h1>{_e(doc.title)}</h1><p class="sub">{_e(doc.subtitle)}</p></header>',
    ]
    charts: list[str] = []

    def flush() -> None:
        if charts:
            parts.append('<div class="charts">' + "".join(charts) + "</div>")
            charts.clear()

    for b in doc.blocks:
        if isinstance(b, Chart):
            charts.append(f"<figure><figcaption>{_e(b.title)}</figcaption>{chart_svg(b)}</figure>")
            continue
        flush()
        if isinstance(b, Heading):
            tag = f"h{min(b.level + 1, 6)}"
            parts.append(f"<{tag}>{_e(b.text)}</{tag}>")
        elif isinstance(b, Para):
            if b.lead:
                parts.append(f'<p class="item"><strong>{_e(b.lead)}</strong>{_e(b.text)}</p>')
            else:
                parts.append(f"<p>{_e(b.text)}</p>")
        elif isinstance(b, Table):
            parts.append(_table(b))
    flush()
    if doc.issued is not None:
        who = f"{_e(doc.issuer)}<br>" if doc.issuer else ""
        parts.append(f'<p class="issuer">{who}{_e(cn_date(doc.issued))}</p>')
    parts.append("</main></body></html>\n")
    return "\n".join(parts)
