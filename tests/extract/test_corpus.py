"""The quality floor on the real sample compilation, scored by the shared hand labels."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import shared_path
from tracker.extract import parse_file


def test_seed_compilation_meets_the_quality_floor(tmp_path):
    corpus = shared_path("corpus/2023-h1-summaries-h2-plans-5-units.txt")
    gold = shared_path("eval/seed-gold.json")
    scorer = shared_path("eval/score_extraction.py")
    out = tmp_path / "extracted.json"
    parsed = subprocess.run([sys.executable, "-m", "tracker", "plan", "parse", str(corpus), "--format", "json"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert parsed.returncode == 0, parsed.stderr
    printed = json.loads(parsed.stdout)
    _drop_baselines(printed)  # baselines (issue 13) are added by the command, not by the extractor
    assert printed == json.loads(json.dumps(parse_file(corpus).to_dict()))
    out.write_text(parsed.stdout, encoding="utf-8")
    r = subprocess.run([sys.executable, str(scorer), str(gold), str(out), "--min-item-f1", "0.95",
                        "--min-target-f1", "0.90", "--verbose"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_summary_sentences_of_the_sample_are_not_tasks():
    corpus = shared_path("corpus/2023-h1-summaries-h2-plans-5-units.txt")
    gold = json.loads(shared_path("eval/seed-gold.json").read_text(encoding="utf-8"))
    texts = [i.text for u in parse_file(corpus).units for i in _flat(u.items)]
    for s in gold["summary_sentences_not_tasks"]:
        assert not any(s["quote"] in t for t in texts), s


def _drop_baselines(data):
    def walk(items):
        for it in items:
            for t in it.get("targets") or []:
                t.pop("baseline", None)
                t.pop("verdict", None)
            walk(it.get("children") or [])

    for u in data.get("units", []):
        walk(u.get("items") or [])


def _flat(items):
    for i in items:
        yield i
        yield from _flat(i.children)


def test_sample_period_and_units():
    doc = parse_file(shared_path("corpus/2023-h1-summaries-h2-plans-5-units.txt"))
    assert (doc.year, doc.half) == (2023, 2)
    assert len(doc.units) == 5
    assert {(str(u.period_start), str(u.period_end)) for u in doc.units} == {("2023-07-01", "2023-12-31")}



def test_development_set_meets_the_quality_floor():
    """The 14 labelled real excerpts of other units, scored pooled through `tracker plan parse`."""
    dev = shared_path("eval/dev")
    scorer = shared_path("eval/score_set.py")
    r = subprocess.run([sys.executable, str(scorer), str(dev), "--tracker", f"{sys.executable} -m tracker",
                        "--min-item-f1", "0.90", "--min-target-f1", "0.85", "--verbose"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]


def test_full_length_documents_are_never_refused_and_stay_one_unit():
    """Each of the full-length documents has one issuing unit and enumerated commitments."""
    docs = sorted(shared_path("corpus/full").glob("*.txt"))
    assert docs
    for doc in docs:
        r = subprocess.run([sys.executable, "-m", "tracker", "plan", "parse", str(doc), "--format", "json"],
                           capture_output=True, text=True)
        assert r.returncode == 0, (doc.name, r.stderr[-500:])
        units = json.loads(r.stdout)["units"]
        assert len(units) == 1, (doc.name, [u["name"] for u in units])
        if not doc.name.startswith("02_"):  # the 述职报告 is a summary; the rest are plans
            assert sum(1 for _ in _flat_dicts(units[0]["items"])) >= 5, doc.name


def test_work_report_main_targets_are_read():
    """A city's 政府工作报告: its 主要预期目标 give the year's growth targets."""
    doc = parse_file(shared_path("corpus/full/18_guyuan_2023_zhengfu_gongzuo_baogao.txt"))
    quotes = [t.quote for u in doc.units for i in _flat(u.items) for t in i.targets]
    for want in ("地区生产总值增长7%左右", "地方一般公共预算收入增长6%以上", "城镇调查失业率控制在5.5%以内"):
        assert any(want in q for q in quotes), want


def _flat_dicts(items):
    for i in items:
        yield i
        yield from _flat_dicts(i.get("children") or [])
