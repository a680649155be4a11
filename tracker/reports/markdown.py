"""A report as Markdown: headings, paragraphs and pipe tables a person can paste into a document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.reports.layout import RIGHT, Chart, Doc, Heading, Para, Table, fmt_cell


def _clean(s: str) -> str:
    """One table cell: no line breaks, pipes escaped."""
    if "\n" in s or "\r" in s:
        s = " ".join(s.splitlines())
    return s.replace("|", "\\|") if "|" in s else s


def _formatter(kind: str) -> Callable[[Any], str]:
    if kind == "text":  # most cells: a string to pass through
        return lambda v: _clean(v) if isinstance(v, str) else _clean(fmt_cell(kind, v))
    return lambda v: _clean(fmt_cell(kind, v))


def _table(b: Table) -> list[str]:
    out = [f"**{b.title}**", ""] if b.title else []
    out.append("| " + " | ".join(c.name for c in b.cols) + " |")
    out.append("|" + "|".join("---:" if c.kind in RIGHT else "---" for c in b.cols) + "|")
    fmts = [_formatter(c.kind) for c in b.cols]
    out += ["| " + " | ".join([f(v) for f, v in zip(fmts, row, strict=True)]) + " |" for row in b.rows]
    out.append("")
    return out


def render(doc: Doc) -> str:
    out = [f"# {doc.title}", "", doc.subtitle, ""]
    for b in doc.blocks:
        if isinstance(b, Heading):
            out += ["#" * (b.level + 1) + " " + b.text, ""]
        elif isinstance(b, Para):
            out += [(f"**{b.lead}**" if b.lead else "") + b.text, ""]
        elif isinstance(b, Table):
            out += _table(b)
        elif isinstance(b, Chart):
            continue
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
