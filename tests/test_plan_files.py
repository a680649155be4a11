"""Bad files given to `tracker plan parse/import`: a clear Chinese error, exit 2, nothing written."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

PLAN_GBK = (
    "某县统计局2024年上半年工作总结和下半年工作计划\n"
    "一、上半年工作总结\n上半年完成各项调查12项。\n"
    "二、下半年工作计划\n"
    "（一）做好经济普查。确保9月底前完成普查登记，登记率达到100%。\n"
    "（二）加强统计执法。年内开展执法检查不少于20次。\n"
)


def counts(world) -> tuple:
    if not world.is_sqlite:
        return tuple(int(x) for x in (len(world.json("plan", "list")), len(world.json("task", "list"))))
    path = world.db_url.split("///", 1)[1]
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("unit", "plan", "task", "target"))
    finally:
        con.close()


def make(world, name: str, data: bytes):
    p = world.path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    "name, data",
    [
        ("empty.txt", b""),
        ("blank.md", b"\n\n   \n"),
        ("binary.txt", bytes(range(256)) * 64),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("fake.docx", b"this is not a zip at all"),
    ],
)
def test_bad_files_are_refused(world, name, data):
    w = world
    w.run("init")
    before = counts(w)
    p = make(w, name, data)
    for cmd in (["plan", "parse", str(p)], ["plan", "import", str(p)]):
        r = w.run(*cmd, ok=False)
        assert r.exit_code == 2, (cmd, r.output)
        assert "错误" in r.output and "Traceback" not in r.output
    assert counts(w) == before


def test_a_summary_without_plan_is_shown_but_not_imported(world):
    """plan parse shows what it read and why nothing is a plan; plan import refuses it."""
    w = world
    w.run("init")
    before = counts(w)
    p = make(w, "no-plan.txt", "某县统计局2024年上半年工作总结\n一、上半年工作总结\n上半年完成各项调查12项。\n".encode())
    r = w.run("plan", "parse", str(p))
    assert "没有找到计划条目" in r.output and "总结" in r.output
    r = w.run("plan", "import", str(p), ok=False)
    assert r.exit_code == 2 and "错误" in r.output and "Traceback" not in r.output
    assert counts(w) == before


def test_docx_that_is_a_zip_of_something_else(world):
    w = world
    w.run("init")
    before = counts(w)
    p = w.path / "plan.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "not a word document")
    r = w.run("plan", "import", str(p), ok=False)
    assert r.exit_code == 2 and "错误" in r.output
    assert counts(w) == before


def test_missing_file(world):
    r = world.run("plan", "parse", str(world.path / "nope.txt"), ok=False)
    assert r.exit_code == 2 and "错误" in r.output


def test_gbk_text_in_a_md_file_is_detected(sqlite_world):
    w = sqlite_world
    p = make(w, "统计局计划.md", PLAN_GBK.encode("gb18030"))
    doc = w.json("plan", "parse", str(p))
    [unit] = doc["units"]
    assert "统计局" in unit["name"]
    assert [it["label"] for it in unit["items"]] == ["（一）", "（二）"]


def test_a_50mb_file_gives_a_result_or_a_clear_error(sqlite_world):
    w = sqlite_world
    p = w.path / "big.txt"
    block = PLAN_GBK.encode("utf-8")
    with open(p, "wb") as f:
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            f.write(block)
    r = w.run("plan", "parse", str(p), "--format", "json", ok=False)
    assert r.exit_code in (0, 2), r.output[-500:]
    assert "Traceback" not in r.output
    if r.exit_code == 2:
        assert "错误" in r.output
