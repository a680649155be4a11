"""A second real pair, labelled here: a school's 2021 工作要点 against its 2021 述职报告 (read from ../shared).

The plan targets are given as JSON (quote, kind, value, comparator, unit) so that the matcher is
measured on its own; the labels say what the report says of each (None: nothing).
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import shared_path

# (quote, kind, value, comparator, unit) → (outcome values accepted, verdict) or None when not mentioned
LABELS = [
    (("一段上线率85%以上", "percent", 85, ">=", "%"), ({85.6, 85}, "met")),
    (("清北录取超10人", "count", 10, ">=", "人"), ({9}, "not_met")),
    (("C9+港中深顶尖高校录取破百", "count", 100, ">=", "人"), None),  # 复交浙大中科大录取61人 is another set
    (("新增“北斗科技班”至少2个", "count", 2, ">=", "个"), None),  # 不断壮大规模: no number, no completion
    (("至少有1个教研组创建为浙江省先进教研组", "count", 1, ">=", "个"), None),
    (("其他教师100%制定个体专业发展三年规划", "percent", 100, "=", "%"), None),
    (("确保近视率下降1.1%", "percent", 1.1, "=", "%"), None),
    (("力争初升高宣传手册发放达1万册", "count", 1, "=", "万册"), None),
    (("高校专业、志愿填报宣传咨询家长达1万人次", "count", 1, "=", "万人次"), None),
]


def test_school_plan_against_its_year_end_report(tmp_path):
    plan = shared_path("corpus/full/01_shaoxing_yizhong_2021_gongzuo_yaodian.txt")
    report = shared_path("corpus/full/02_shaoxing_yizhong_2021_shuzhi_baogao.txt")
    paras = plan.read_text(encoding="utf-8").split("\n")
    targets = []
    for (quote, kind, value, comparator, unit), _ in LABELS:
        context = next(p for p in paras if quote in p)
        targets.append({"quote": quote, "kind": kind, "value": value, "comparator": comparator, "unit": unit,
                        "context": context})
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(json.dumps({"plan_year": 2021, "targets": targets}, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "tracker", "outcome", "parse", str(report), "--plan", str(plan_json),
                        "--format", "json"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)["targets"]
    assert len(got) == len(LABELS)
    for (target, label), entry in zip(LABELS, got, strict=True):
        if label is None:
            assert entry["outcome"] is None and entry["verdict"] == "not_mentioned", (target, entry)
        else:
            values, verdict = label
            assert entry["outcome"] and entry["outcome"]["value"] in values, (target, entry)
            assert entry["verdict"] == verdict, (target, entry)
