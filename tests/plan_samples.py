"""A small, realistic half-year plan written for these tests (not taken from any real document)."""

from __future__ import annotations

from pathlib import Path

HEALTH_2023H2 = """某县卫生健康局2023年上半年工作总结和下半年工作计划

一、上半年工作总结
上半年，我局建成社康机构5家，接种率达到96%。

二、下半年工作计划
（一）基层做实。年底前建设14家社康机构。
（二）人才储备。2023至2026年每年储备800人，建立后备人才库。
（三）安全排查。每季度开展医疗机构安全隐患排查不少于1次。
（四）免疫接种。适龄儿童免疫规划疫苗接种率保持在95%以上。
（五）医院建设。年底前建成投用县人民医院新院区。
（六）智慧医疗。推进智慧医院建设，完善远程会诊平台。
（七）医院做强。
1.新建院区主体封顶4个。
2.开工建设乡镇卫生院2家。
"""


def write_plan(folder: Path, text: str = HEALTH_2023H2, name: str = "卫健局计划.txt") -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def task_ids(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Task id by the first characters of its title (（一）基层做实 → 基层做实)."""
    return {t["title"][:4]: t["id"] for t in world.json("task", "list")}


def flat(r) -> str:  # type: ignore[no-untyped-def]
    """A CLI result's output on one line (rich wraps long lines at the terminal width)."""
    return r.output.replace("\n", "")
