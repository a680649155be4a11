"""A report as Markdown: headings, paragraphs and pipe tables a person can paste into a document.

Written for CommonMark with GFM tables: text is escaped where Markdown would read it as markup
(``*``, ``_``, backticks, brackets, ``<``), and a bold lead-in ends before its full-width colon
(``**进展情况**：完成``), because a closing ``**`` after punctuation and before a letter does not
close the emphasis.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tracker.reports.layout import RIGHT, Chart, Doc, Heading, Para, Table, cn_date, fmt_cell

_SPECIAL = re.compile(r"([\\`*_\[\]<>~])")


def escape(s: str) -> str:
    """Text as itself under CommonMark: markup characters backslash-escaped, no line breaks."""
    if "\n" in s or "\r" in s:
        s = " ".join(s.splitlines())
    s = _SPECIAL.sub(r"\\\1", s)
    if s[:1] in "#+-=|>" or re.match(r"\d+[.)]\s", s):
        s = "\\" + s  # would start a heading, list or quote
    return s


_MARKUP = frozenset("\\`*_[]<>~|\n\r")


def _clean(s: str) -> str:
    """One table cell: escaped, pipes escaped (most cells have nothing to escape: checked first)."""
    if _MARKUP.isdisjoint(s):
        return s
    s = _SPECIAL.sub(r"\\\1", " ".join(s.splitlines()) if ("\n" in s or "\r" in s) else s)
    return s.replace("|", "\\|") if "|" in s else s


def _formatter(kind: str) -> Callable[[Any], str]:
    if kind == "text":  # most cells: a string to pass through
        return lambda v: _clean(v) if isinstance(v, str) else _clean(fmt_cell(kind, v))
    if kind in RIGHT:  # figures: digits, signs, % and arrows, nothing Markdown reads
        return lambda v: fmt_cell(kind, v)
    return lambda v: _clean(fmt_cell(kind, v))


def bold(lead: str) -> str:
    """A bold lead-in; trailing punctuation stays outside the emphasis (CommonMark flanking rules)."""
    core = lead.rstrip("：:，,、 ")
    return f"**{escape(core)}**{lead[len(core):]}" if core else lead


def _table(b: Table) -> list[str]:
    out = [bold(b.title), ""] if b.title else []
    if not b.rows and b.empty:
        return out + [escape(b.empty), ""]
    out.append("| " + " | ".join(_clean(c.name) for c in b.cols) + " |")
    out.append("|" + "|".join("---:" if c.kind in RIGHT else "---" for c in b.cols) + "|")
    fmts = [_formatter(c.kind) for c in b.cols]
    out += ["| " + " | ".join([f(v) for f, v in zip(fmts, row, strict=True)]) + " |" for row in b.rows]
    out.append("")
    return out


def render(doc: Doc) -> str:
    out = [f"# {escape(doc.title)}", "", escape(doc.subtitle), ""]
    for b in doc.blocks:
        if isinstance(b, Heading):
            out += ["#" * (b.level + 1) + " " + escape(b.text), ""]
        elif isinstance(b, Para):
            out += [(bold(b.lead) if b.lead else "") + (escape(b.text) if b.lead else escape(b.text)), ""]
        elif isinstance(b, Table):
            out += _table(b)
        elif isinstance(b, Chart):
            continue
    if doc.issued is not None:
        out += ["", *([escape(doc.issuer) + "  "] if doc.issuer else []), cn_date(doc.issued), ""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
