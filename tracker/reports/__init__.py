"""Reports: the weekly status report and the year-end plan-versus-result summary.

``data`` gathers the figures, ``layout`` turns them into a format-neutral document, and one
module per format writes it (``markdown``, ``html``, ``docx``, ``xlsx``; the terminal form is
drawn by ``tracker.cli.render``). Without an output path, files go to the configured
``[report] reports_dir``, named by report and period (周报-2023-W41.md, 年度总结-2023.docx).
"""

from __future__ import annotations

import gc
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tracker.context import Context
from tracker.errors import InputError

FORMATS = ("terminal", "md", "html", "docx", "xlsx")
SUFFIX = {"terminal": ".txt", "md": ".md", "html": ".html", "docx": ".docx", "xlsx": ".xlsx"}
FORMAT_ALIASES = {"txt": "terminal", "text": "terminal", "markdown": "md", "htm": "html", "word": "docx",
                  "excel": "xlsx"}


@dataclass
class ReportResult:
    fmt: str
    doc: Any  # tracker.reports.layout.Doc
    path: Path | None  # the file written (None: terminal output to stdout)
    data: Any = None  # the figures (data.Weekly or data.Yearend)


def check_format(fmt: str | None, output: str | None) -> str:
    """The output format; a terminal default with ``-o x.docx`` means docx."""
    name = (fmt or "terminal").strip().lower()
    name = FORMAT_ALIASES.get(name, name)
    if name not in FORMATS:
        raise InputError(f"不支持的报告格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    if name == "terminal" and output:
        suffix = Path(output).suffix.lower().lstrip(".")
        guessed = FORMAT_ALIASES.get(suffix, suffix)
        if guessed in FORMATS and guessed != "terminal":
            return guessed
    return name


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "报告"


def output_path(ctx: Context, output: str | None, stem: str, fmt: str) -> Path | None:
    """Where the report goes: ``output`` (a file, or a folder to put the named file in), else the
    configured reports folder; None for terminal output without ``output``."""
    name = _safe(stem) + SUFFIX[fmt]
    if output:
        p = Path(output).expanduser()
        if p.is_dir() or output.endswith(("/", os.sep)):
            p = p / name
    elif fmt == "terminal":
        return None
    else:
        p = ctx.config.path_of("report", "reports_dir") / name
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"无法创建报告目录：{p.parent}（{exc.strerror}）") from None
    return p.absolute()


def write(doc: Any, fmt: str, path: Path) -> None:
    """Write a document in a file format; the file appears whole or not at all."""
    # A sibling temporary file (created with the usual permissions, unlike mkstemp's 0600).
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}{path.suffix}")
    try:
        if fmt == "md":
            from tracker.reports import markdown

            tmp.write_text(markdown.render(doc), encoding="utf-8")
        elif fmt == "html":
            from tracker.reports import html

            tmp.write_text(html.render(doc), encoding="utf-8")
        elif fmt == "docx":
            from tracker.reports import docx

            docx.write(doc, tmp)
        elif fmt == "xlsx":
            from tracker.reports import xlsx

            xlsx.write(doc, tmp)
        else:
            raise AssertionError(fmt)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"无法写入报告文件：{path}（{exc.strerror or exc}）") from None
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a report is built and written: it allocates a
    few million small, acyclic objects, and the collector's passes over them (also the first
    ones after it is back on, while the report is still alive) cost a fifth of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _finish(doc: Any, figures: Any, fmt: str, path: Path | None) -> ReportResult:
    if fmt != "terminal" and path is not None:
        write(doc, fmt, path)
    return ReportResult(fmt=fmt, doc=doc, path=path, data=figures)


def weekly_report(ctx: Context, week: str | None = None, on: date | None = None, unit: str | None = None,
                  fmt: str = "terminal", output: str | None = None) -> ReportResult:
    """The weekly report of an ISO week (default: this week), written in ``fmt``."""
    from tracker.reports import data, layout

    fmt = check_format(fmt, output)
    with no_gc():
        figures = data.weekly(ctx, week=week, on=on, unit=unit, trend=fmt in ("html", "xlsx"))
        doc = layout.weekly_doc(figures, issuer=str(ctx.config.get("report", "issuer")).strip())
        stem = f"周报-{figures.week}" + (f"-{unit.strip()}" if unit else "")
        return _finish(doc, figures, fmt, output_path(ctx, output, stem, fmt))


def yearend_report(ctx: Context, year: int | None = None, half: int | None = None, unit: str | None = None,
                   fmt: str = "terminal", output: str | None = None) -> ReportResult:
    """The year-end (or half-year) plan-versus-result summary, written in ``fmt``."""
    from tracker.reports import data, layout

    fmt = check_format(fmt, output)
    with no_gc():
        figures = data.yearend(ctx, year=year, half=half, unit=unit)
        doc = layout.yearend_doc(figures, issuer=str(ctx.config.get("report", "issuer")).strip())
        from tracker.reports.outcome_section import (
            add_outcome_section,  # the year-end summary against the log
        )

        add_outcome_section(ctx, figures, doc)
        stem = (f"年度总结-{figures.year}" if half is None else f"半年总结-{figures.year}-H{half}") + (
            f"-{unit.strip()}" if unit else "")
        return _finish(doc, figures, fmt, output_path(ctx, output, stem, fmt))
