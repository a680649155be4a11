"""Where the time of the hot commands goes (issue 15): imports by package, and the work after them.

    .venv/bin/python bench/profile.py [--pg] [--runs N] [--out FILE]

For each hot command, on the 10,000-task bench database (SQLite, and with --pg a throwaway
PostgreSQL server holding the same data), prints Markdown:

* whole process: median wall time of N runs;
* imports: ``python -X importtime`` self times summed by top-level package (our own modules by
  ``tracker.<module>``), median of N runs;
* work: the command run in a process that has already imported every module the command ends up
  loading, timed without a profiler (median of N), then once under cProfile: the functions with
  the most cumulative time (ours, and anyone's) and the most own time, as file:line.

Nothing is changed in the product; the figures feed bench/PROFILE.md.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import run  # noqa: E402

COMMANDS = (
    ("tracker --help", ["--help"]),
    ("task list --unit 第07单位", ["task", "list", "--unit", "第07单位"]),
    ("task show 4321", ["task", "show", "4321"]),
    ("board", ["board"]),
    ("task update 4321", ["task", "update", "4321", "--target", "1", "--add", "1", "--note", "基准测试"]),
)

# A child process that runs the CLI as the entry script does, optionally pre-importing the modules
# listed in a file and timing or profiling only main().
CHILD = r"""
import sys, time
mode, mods_file, out_file, *args = sys.argv[1:]
if mode == "modules":
    import atexit
    atexit.register(lambda: open(out_file, "w").write("\n".join(sorted(sys.modules))))
elif mode in ("work", "profile"):
    import importlib
    for name in open(mods_file).read().split():
        if name not in ("__main__",) and not name.startswith("_pytest"):
            try:
                importlib.import_module(name)
            except BaseException:
                pass
sys.argv = ["tracker", *args]
from tracker.entry import _quick_run, _typer_run
main = _quick_run() or _typer_run()  # what the console script runs
if mode == "profile":
    import cProfile
    prof = cProfile.Profile()
    prof.enable()
t0 = time.perf_counter()
try:
    main()
except SystemExit:
    pass
elapsed = time.perf_counter() - t0
if mode == "profile":
    prof.disable()
    prof.dump_stats(out_file)
elif mode == "work":
    open(out_file, "w").write(repr(elapsed))
"""


def child(mode: str, args: list[str], env: dict[str, str], work: Path, extra: list[str] | None = None,
          mods: Path | None = None, out: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, *(extra or []), "-c", CHILD, mode, str(mods or "-"), str(out or "-"), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=work)


STDLIB = set(sys.stdlib_module_names)


def group(name: str) -> str:
    """The row an imported module is counted in: our modules one by one, typer's bundled click on
    its own, every other package (stdlib ones marked) by its top-level name."""
    parts = name.split(".")
    if parts[0] == "tracker":
        return ".".join(parts[:2])
    if parts[:2] == ["typer", "_click"]:
        return "click (typer._click)"
    if parts[0] in STDLIB or parts[0].lstrip("_") in STDLIB:
        return f"{parts[0]} (stdlib)"
    return parts[0]


def import_times(args: list[str], env: dict[str, str], work: Path, runs: int) -> dict[str, float]:
    """Median self-time in ms of the imports, by package, over ``runs`` -X importtime runs."""
    per_run: list[dict[str, float]] = []
    for _ in range(runs):
        r = child("plain", args, env, work, ["-X", "importtime"])
        sums: dict[str, float] = defaultdict(float)
        for line in r.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _cum, name = line[len("import time:"):].split("|", 2)
            sums[group(name.strip())] += int(self_us) / 1000
        per_run.append(sums)
    keys = {k for s in per_run for k in s}
    return {k: statistics.median(s.get(k, 0.0) for s in per_run) for k in keys}


def short(path: str) -> str:
    for marker in ("site-packages/", str(run.ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path.replace(sys.base_prefix, "<py>")


def profile_lines(stats_file: Path, top: int = 12) -> tuple[list[str], list[str], list[str]]:
    st = pstats.Stats(str(stats_file))
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        rows.append((file, line, func, nc, tt * 1000, ct * 1000))

    def fmt(r: tuple[str, int, str, int, float, float]) -> str:
        file, line, func, nc, tt, ct = r
        where = f"{short(file)}:{line}" if line else file
        return f"| {ct:7.1f} | {tt:6.1f} | {nc:>7} | `{func}` | `{where}` |"

    skip = ("<frozen importlib", "<built-in method builtins.exec>", "{built-in method builtins.exec}")
    useful = [r for r in rows if not any(s in r[0] or s in r[2] for s in skip)]
    ours = sorted((r for r in useful if "/tracker/" in r[0] and "/bench/" not in r[0]), key=lambda r: -r[5])
    outer = (("/tracker/cli/__init__.py", "main"), ("/tracker/cli/tree.py", "main"), ("/tracker/cli/quick.py", "run"))
    anyone = sorted((r for r in useful if not any(f in r[0] and r[2] == name for f, name in outer)),
                    key=lambda r: -r[5])
    own = sorted(useful, key=lambda r: -r[4])
    return [fmt(r) for r in ours[:top]], [fmt(r) for r in anyone[:top]], [fmt(r) for r in own[:top]]


def profile_backend(name: str, url: str, env: dict[str, str], work: Path, runs: int) -> list[str]:
    env = {**env, "TRACKER_DB": url, "TRACKER_TODAY": "2023-10-09", "TRACKER_USER": "bench"}
    md = [f"## {name}", ""]
    bare = statistics.median(_wall([sys.executable, "-c", "pass"], env) for _ in range(runs))
    md.append(f"Python start-up alone (`python -c pass`): {bare * 1000:.0f} ms.")
    md.append("")
    for title, args in COMMANDS:
        print(f"  {name}: {title} …", flush=True)
        wall = run.median_run(args, env, runs)
        imports = import_times(args, env, work, runs)
        mods = work / "modules.txt"
        r = child("modules", args, env, work, out=mods)
        if r.returncode not in (0,) and not mods.exists():
            md += [f"### {title}", "", f"failed: {r.stderr[-300:]}", ""]
            continue
        works = []
        for _ in range(runs):
            out = work / "work.txt"
            child("work", args, env, work, mods=mods, out=out)
            works.append(float(out.read_text()))
        stats = work / "prof.out"
        child("profile", args, env, work, mods=mods, out=stats)
        ours, anyone, own = profile_lines(stats)
        total_imports = sum(imports.values())
        md += [f"### `{title}` ({name})", "",
               f"Whole process {wall * 1000:.0f} ms (median of {runs}). Imports (self times, -X importtime) "
               f"{total_imports:.0f} ms; work after imports {statistics.median(works) * 1000:.0f} ms "
               f"(median of {runs}, modules pre-imported, no profiler).", "",
               "| imports by package | ms |", "|---|---:|"]
        ranked = sorted(imports.items(), key=lambda kv: -kv[1])
        rest = [ms for pkg, ms in ranked if ms < 2.0]
        for pkg, ms in ranked:
            if ms >= 2.0:
                md.append(f"| {pkg} | {ms:.1f} |")
        tracker_ms = sum(ms for pkg, ms in ranked if pkg.startswith("tracker"))
        stdlib_ms = sum(ms for pkg, ms in ranked if pkg.endswith("(stdlib)"))
        md += [f"| {len(rest)} more under 2 ms each | {sum(rest):.1f} |",
               f"| *all tracker.\\* together* | *{tracker_ms:.1f}* |", f"| *all stdlib together* | *{stdlib_ms:.1f}* |"]
        head = ["| cum ms | own ms | calls | function | where |", "|---:|---:|---:|---|---|"]
        md += ["", "Work under cProfile (times inflated by the profiler), our functions by cumulative time:", "",
               *head, *ours, "", "Anyone's, by cumulative time:", "", *head, *anyone, "",
               "By own time:", "", *head, *own, ""]
    return md


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pg", action="store_true", help="also on a throwaway PostgreSQL server")
    ap.add_argument("--out", type=Path, help="write the Markdown here (default: print it)")
    a = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_CONFIG", "PYTHONDONTWRITEBYTECODE")}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(run.ROOT / "tracker")], capture_output=True)
    work = run.scratch("tracker-profile-")
    md: list[str] = []
    try:
        url = f"sqlite:///{work / 'bench.db'}"
        print("building the 10,000-task database …", flush=True)
        run.build_database(url)
        run.keep_pristine(work / "bench.db", work / "pristine.db")
        md += profile_backend("SQLite", url, env, work, a.runs)
        if a.pg:
            from tests.pgserver import PostgresServer

            server = PostgresServer().start()
            try:
                server.admin("CREATE DATABASE bench")
                print("copying the 10,000-task database to PostgreSQL …", flush=True)
                run.copy_to_postgres(work / "pristine.db", server.url("bench"))
                md += profile_backend("PostgreSQL", server.url("bench"), env, work, a.runs)
            finally:
                server.stop()
    finally:
        for path in run.SCRATCH:
            shutil.rmtree(path, ignore_errors=True)
    text = "\n".join(md) + "\n"
    if a.out:
        a.out.write_text(text, encoding="utf-8")
        print(f"written {a.out}")
    else:
        print(text)


if __name__ == "__main__":
    main()
