"""Plan-against-outcome section of `make bench`: a full-length plan and later report, whole process."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import run

FULL = run.ROOT.parent / "shared" / "corpus" / "full"
PLAN = FULL / "18_guyuan_2023_zhengfu_gongzuo_baogao.txt"
LATER = FULL / "19_guyuan_2024_zhengfu_gongzuo_baogao.txt"


def written_pair(work: Path) -> tuple[Path, Path]:
    """A plan and a summary of full length (about 50 000 characters each) written here."""
    plan, later = [], []
    for i in range(150):
        plan.append(f"（{i % 9 + 1}）推进第{i}项工作。新建第{i}类设施{i % 40 + 3}个，服务覆盖率达到{80 + i % 15}%，"
                    f"第{i}项产业产值增长{i % 12 + 3}%。")
        later.append(f"第{i}类设施建成{i % 40 + 2}个，服务覆盖率达到{79 + i % 17}%，第{i}项产业产值增长{i % 13 + 2}%。")
    p, s = work / "plan-2023.txt", work / "review-2024.txt"
    p.write_text("某市2023年工作要点\n一、重点工作\n" + "\n".join(plan) + "\n", encoding="utf-8")
    s.write_text("某市2023年工作总结\n一、2023年工作回顾\n" + "".join(later) + "\n", encoding="utf-8")
    return p, s


def outcome(work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    if PLAN.exists() and LATER.exists():
        plan, later, note = PLAN, LATER, "固原 2023 plan vs 2024 review"
    else:
        plan, later = written_pair(work)
        note = "../shared absent: written pair"
    run.record("outcome", "tracker outcome parse (full-length pair)",
               run.median_run(["outcome", "parse", str(later), "--plan", str(plan), "--format", "json"], env, args.runs),
               2.0, note)
    plan, later = written_pair(work)
    run.record("outcome", "tracker outcome parse (450 targets, written)",
               run.median_run(["outcome", "parse", str(later), "--plan", str(plan), "--format", "json"], env, args.runs),
               2.0)


run.EXTRA.append(outcome)
