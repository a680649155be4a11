"""填报 forms: export for 40 units × 250 tasks, fill every form, import them all back (goal ≤ 10 s).

Uses the 10,000-task database of run.py (40 units × 250 tasks, 3 targets each) in a copy, so the
other sections' figures are not changed by the progress this logs. Filling the forms (openpyxl,
as a script would) is not timed; the export and the import are whole `tracker` processes.

Where the time goes (2 CPUs, December 2026): export about 2 s (reading 10,000 tasks' views,
then 40 workbooks whose data rows are written as XML directly); import about 5 s, most of it
SQLite writing 40,000 progress rows and the tasks' rollups, one transaction per form, while a
worker process reads the next forms' sheet XML. Before (13.4 s) openpyxl's cell objects were
most of both: its streaming reader built one per cell, its streaming writer several.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench import run


def fill(folder: Path) -> int:
    """Type a value into every target row and a note into every task row of every form."""
    import openpyxl

    n = 0
    for p in sorted(folder.glob("*.xlsx")):
        wb = openpyxl.load_workbook(p)
        ws = wb["填报表"]
        h = {c.value: c.column for c in ws[3] if c.value}
        for r in range(4, ws.max_row + 1):
            if ws.cell(r, h["指标序号"]).value:
                ws.cell(r, h["本期完成值"], (r % 40) + 1)
            else:
                ws.cell(r, h["进展情况"], f"第{r}行进展")
                ws.cell(r, h["填报人"], "联络员")
            n += 1
        wb.save(p)
    return n


def _cpu() -> float:
    """CPU seconds used by finished child processes (wall time on a shared machine says less)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def forms(work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    src = work / "bench.db"
    db = work / "forms.db"
    shutil.copy(src, db)
    e = {**env, "TRACKER_DB": f"sqlite:///{db}", "TRACKER_TODAY": "2023-10-09", "TRACKER_USER": "bench"}
    out = Path(tempfile.mkdtemp(prefix="forms-"))
    t0, c0 = time.perf_counter(), _cpu()
    r = subprocess.run([run.BIN, "form", "export", "--period", "2023-10", "-o", str(out)], env=e,
                       capture_output=True, text=True)
    export, export_cpu = time.perf_counter() - t0, _cpu() - c0
    if r.returncode != 0:
        run.record("forms", "tracker form export (40 units)", None, None, f"failed: {r.stderr[-80:]}")
        return
    run.record("forms", "tracker form export (40 units × 250 tasks)", export, None,
               f"{len(list(out.glob('*.xlsx')))} files, {export_cpu:.1f}s CPU")
    rows = fill(out)
    t0, c0 = time.perf_counter(), _cpu()
    r = subprocess.run([run.BIN, "form", "import", *map(str, sorted(out.glob("*.xlsx")))], env=e,
                       capture_output=True, text=True)
    imp, imp_cpu = time.perf_counter() - t0, _cpu() - c0
    if r.returncode != 0:
        run.record("forms", "tracker form import (40 forms)", None, None, f"failed: {(r.stdout + r.stderr)[-80:]}")
        return
    run.record("forms", "tracker form import (40 forms)", imp, None, f"{rows} rows, {imp_cpu:.1f}s CPU (all processes)")
    run.record("forms", "export + import", export + imp, 10.0)


run.EXTRA.append(forms)
