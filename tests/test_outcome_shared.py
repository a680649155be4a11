"""Plan against outcome on the shared hand labels, through the real `tracker` entry point."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import shared_path


def _tracker(*args: str, cwd) -> str:
    r = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True, cwd=cwd)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _score(gold, result, tmp_path, floor: float) -> str:
    out = tmp_path / "result.json"
    out.write_text(result, encoding="utf-8")
    r = subprocess.run([sys.executable, str(shared_path("eval/score_outcome.py")), str(gold), str(out),
                        "--min-f1", str(floor), "--verbose"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def _figures(line: str) -> tuple[int, int, int, int]:
    import re

    m = re.search(r"verdict right on (\d+)/(\d+); not-mentioned kept empty (\d+)/(\d+)", line)
    assert m, line
    return tuple(int(x) for x in m.groups())  # type: ignore[return-value]


def _quality(stdout: str) -> None:
    ok, found, empty, silent = _figures(stdout)
    assert ok >= 0.9 * found, stdout
    assert empty >= 0.9 * silent, stdout


def test_seed_baselines_from_the_summary_part(tmp_path):
    corpus = shared_path("corpus/2023-h1-summaries-h2-plans-5-units.txt")
    gold = shared_path("eval/outcome/seed_baselines.json")
    printed = _tracker("plan", "parse", str(corpus), "--format", "json", cwd=tmp_path)
    _quality(_score(gold, printed, tmp_path, 0.80))
    data = json.loads(printed)
    remainder = [t["baseline"] for u in data["units"] for it in u["items"] for t in it["targets"]
                 if t.get("baseline") and t["baseline"].get("annual_target")]
    assert remainder and remainder[0]["verdict"] == "unclear"  # 17 planned, 2 built: 14 is the remainder


def test_guyuan_review_against_the_plan_file(tmp_path):
    plan = shared_path("corpus/full/18_guyuan_2023_zhengfu_gongzuo_baogao.txt")
    later = shared_path("corpus/full/19_guyuan_2024_zhengfu_gongzuo_baogao.txt")
    gold = shared_path("eval/outcome/guyuan_2023.json")
    printed = _tracker("outcome", "parse", str(later), "--plan", str(plan), "--year", "2023", "--format", "json",
                       cwd=tmp_path)
    _quality(_score(gold, printed, tmp_path, 0.80))


def test_guyuan_matcher_on_the_gold_plan_targets(tmp_path):
    """The matcher alone: the gold's own plan targets (no outcomes) as the plan, context from the plan text."""
    plan = shared_path("corpus/full/18_guyuan_2023_zhengfu_gongzuo_baogao.txt")
    later = shared_path("corpus/full/19_guyuan_2024_zhengfu_gongzuo_baogao.txt")
    gold_path = shared_path("eval/outcome/guyuan_2023.json")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    paras = plan.read_text(encoding="utf-8").split("\n")
    keep = ("quote", "kind", "value", "min", "max", "comparator", "unit", "subject")
    targets = [{**{k: t.get(k) for k in keep}, "context": next((p for p in paras if t["quote"] in p), "")}
               for t in gold["targets"]]
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(json.dumps({"plan_year": 2023, "targets": targets}, ensure_ascii=False), encoding="utf-8")
    printed = _tracker("outcome", "parse", str(later), "--plan", str(plan_json), "--format", "json", cwd=tmp_path)
    stdout = _score(gold_path, printed, tmp_path, 0.90)
    _quality(stdout)
