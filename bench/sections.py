"""Benchmark sections beyond the 10,000-task SQLite timings; each registers itself in run.EXTRA."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench import run


def postgres(work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    """The same 10,000-task command timings against a throwaway PostgreSQL server."""
    if args.quick:
        return
    try:
        from tests.pgserver import PostgresServer

        server = PostgresServer().start()
    except Exception as exc:  # noqa: BLE001 - printed as the reason
        run.record("postgres", "10,000-task commands", None, None, f"skipped: {exc}")
        return
    try:
        server.admin("CREATE DATABASE bench")
        url = server.url("bench")
        print("copying the 10,000-task database to PostgreSQL …", flush=True)
        t0 = time.perf_counter()
        run.copy_to_postgres(work / "pristine.db", url)
        print(f"  copied in {time.perf_counter() - t0:.1f} s")
        run.section_commands("postgres", url, env, args.runs)
    finally:
        server.stop()


def million(work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    """1,000,000 updates: weekly report and task show should stay within 2x of 100,000."""
    if args.quick:
        return
    base = {row[1]: row[2] for row in run.ROWS if row[0] == "sqlite"}
    url = f"sqlite:///{work / 'million.db'}"
    print("building the 1,000,000-update database …", flush=True)
    t0 = time.perf_counter()
    run.build_database(url, updates=1_000_000)
    print(f"  built in {time.perf_counter() - t0:.1f}s")
    e = {**env, "TRACKER_DB": url, "TRACKER_TODAY": "2023-10-09", "TRACKER_USER": "bench"}
    for what, argv in (("tracker task show 4321", ["task", "show", "4321"]),
                       ("tracker report weekly (md)", ["report", "weekly", "--format", "md", "-o",
                                                       str(run.scratch("tracker-bench-1m-") / "w.md")])):
        ref = base.get(what)
        try:
            sec = run.median_run(argv, e, max(1, args.runs // 2))
        except SystemExit as exc:
            run.record("1M", what, None, None, f"not available: {str(exc)[:60]}")
            continue
        run.record("1M", what, sec, 2 * ref if ref else None, f"(2x the 100k time {run.secs(ref)})" if ref else "")


def report_formats(work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    """Both reports in the other formats on the 10,000-task database (the md timings are in the
    sqlite section): Excel, HTML, Word and the terminal table written to a file, each against the
    same 3 s goal (issue 15)."""
    e = {**env, "TRACKER_DB": f"sqlite:///{work / 'bench.db'}", "TRACKER_TODAY": "2023-10-09",
         "TRACKER_USER": "bench"}
    out = run.scratch("tracker-bench-reports-")
    runs = max(1, args.runs // 2)
    for fmt in ("xlsx", "html", "docx", "terminal"):
        for kind, argv in (("weekly", ["report", "weekly"]), ("yearend", ["report", "yearend", "--year", "2023"])):
            target = out / f"{kind}.{'txt' if fmt == 'terminal' else fmt}"
            try:
                sec = run.median_run([*argv, "--format", fmt, "-o", str(target)], e, runs)
            except SystemExit as exc:
                run.record("reports", f"tracker report {kind} ({fmt})", None, run.REPORT_GOAL, f"failed: {str(exc)[:60]}")
                continue
            size = target.stat().st_size / 1e6 if target.exists() else 0.0
            run.record("reports", f"tracker report {kind} ({fmt})", sec, run.REPORT_GOAL, f"{size:.1f} MB")


run.EXTRA.extend([report_formats, postgres, million])
