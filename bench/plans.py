"""Plan import sections of `make bench`: parse throughput, `plan parse` time, a 10,000-item import."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench import run

EXAMPLE = run.ROOT / "examples" / "plans" / "2024下半年工作计划汇编.txt"
SAMPLE = run.ROOT.parent / "shared" / "corpus" / "2023-h1-summaries-h2-plans-5-units.txt"


def big_compilation(units: int = 40, items: int = 250) -> str:
    """A compilation of ``units`` documents with ``items`` plan items each (sub-items included)."""
    parts = []
    for u in range(units):
        parts.append(f"某县第{u + 1}局2024年上半年工作总结和下半年工作计划\n一、上半年工作总结\n上半年完成各项工作。\n"
                     "二、下半年工作计划")
        for i in range(items // 5):
            parts.append(f"（{_cn(i + 1)}）推进第{i + 1}项重点工作。年底前完成建设项目{i % 9 + 2}个，覆盖率达到90%以上。")
            for k in range(4):
                parts.append(f"{k + 1}.落实第{k + 1}项措施，9月底前新增服务站点{k + 3}家，力争培训不少于{k + 20}人次。")
    return "\n".join(parts) + "\n"


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def plans(work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    from tracker.extract import parse_text

    text = EXAMPLE.read_text(encoding="utf-8")
    if SAMPLE.exists():
        text += "\n" + SAMPLE.read_text(encoding="utf-8")
    body = (text + "\n") * (1_100_000 // len(text.encode()) + 1)
    mb = len(body.encode()) / 1e6
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        parse_text(body)
        times.append(time.perf_counter() - t0)
    best = min(times)
    run.record("import", f"parse {mb:.1f} MB of plan text in-process", best, mb / 2.0, f"{mb / best:.1f} MB/s (goal ≥ 2)")

    sample = SAMPLE if SAMPLE.exists() else EXAMPLE
    run.record("import", f"tracker plan parse {sample.name[:20]}…", run.median_run(["plan", "parse", str(sample)], env, args.runs),
               0.5, "" if SAMPLE.exists() else "../shared absent: bundled example")

    full = sorted((run.ROOT.parent / "shared" / "corpus" / "full").glob("*.txt")) + \
        sorted((run.ROOT.parent / "shared" / "eval" / "dev" / "docs").glob("*.txt"))
    if full:
        worst, name = 0.0, ""
        for doc in full:
            t = run.median_run(["plan", "parse", str(doc), "--format", "json"], env, 1)
            if t > worst:
                worst, name = t, doc.name
        run.record("import", f"plan parse, slowest of {len(full)} real documents", worst, 1.0, name[:30])
    else:
        run.record("import", "plan parse, slowest real document", None, 1.0, "../shared absent")

    big = work / "10000-items.txt"
    big.write_text(big_compilation(), encoding="utf-8")
    url = f"sqlite:///{work / 'import.db'}"
    e = {**env, "TRACKER_DB": url, "TRACKER_TODAY": "2024-10-09"}
    run.median_run(["init"], e, 1)
    run.record("import", "tracker plan import (10,000 items, SQLite)", run.median_run(["plan", "import", str(big)], e, 1),
               10.0)
    if args.quick:
        return
    try:
        from tests.pgserver import PostgresServer

        server = PostgresServer().start()
    except Exception as exc:  # noqa: BLE001 - printed as the reason
        run.record("import", "tracker plan import (10,000 items, PostgreSQL)", None, 10.0, f"skipped: {exc}")
        return
    try:
        server.admin("CREATE DATABASE bench_import")
        e = {**e, "TRACKER_DB": server.url("bench_import")}
        run.median_run(["init"], e, 1)
        run.record("import", "tracker plan import (10,000 items, PostgreSQL)",
                   run.median_run(["plan", "import", str(big)], e, 1), 10.0)
    finally:
        server.stop()


run.EXTRA.append(plans)
