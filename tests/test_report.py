"""Weekly and year-end reports: figures, golden Markdown/terminal output, CLI behaviour.

The golden files in tests/golden/ are compared on SQLite and PostgreSQL (the output must be the
same); regenerate them with ``UPDATE_GOLDEN=1 pytest tests/test_report.py``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

GOLDEN = Path(__file__).parent / "golden"
HEALTH, WATER, EDU = "区卫生健康局", "县水利局", "市教育局"


def build(w) -> None:  # type: ignore[no-untyped-def]
    """A small fixed database (today is 2023-10-09, Monday of 2023-W41), built through the CLI."""
    for u in (HEALTH, WATER, EDU):
        w.run("unit", "add", u)
    add = [
        ("社康做全", HEALTH, "--count", "14", "--measure", "家", "--due", "2023-12-31", "--owner", "李明"),  # 1
        ("招聘医生", HEALTH, "--count", "256", "--measure", "名", "--due", "2023-10-05"),  # 2
        ("出台行动方案", HEALTH, "--due", "2023-10-20"),  # 3
        ("水库除险加固", WATER, "--due", "2023-12-31"),  # 4
        ("河道整治", WATER, "--amount", "300", "--measure", "万元", "--due", "2023-10-15"),  # 5
        ("推进智慧校园建设", EDU, "--due", "2023-12-31"),  # 6
        ("培训教师", EDU, "--count", "100", "--measure", "人", "--due", "2023-09-30"),  # 7
    ]
    for title, unit, *opts in add:
        w.run("task", "add", title, "--unit", unit, *opts)
    w.run("task", "add", "新建社康站点", "--parent", "1", "--count", "4", "--measure", "个", "--due", "2023-12-31")  # 8
    for tid in range(1, 9):  # hand-made tasks start today; these have run since July
        w.run("task", "edit", str(tid), "--start", "2023-07-01", "--by", "督办科")
    up = [
        ("1", "--value", "5", "--note", "已建成5家", "--by", "张三", "--on", "2023-09-25"),
        ("1", "--value", "7", "--note", "已建成7家。问题：选址难，审批慢。下一步：年底前再建7家", "--by", "张三",
         "--on", "2023-10-03"),
        ("2", "--value", "210", "--note", "已招聘210名", "--by", "王芳", "--on", "2023-09-20"),
        ("4", "--percent", "30", "--note", "主体工程开工", "--by", "赵六", "--on", "2023-09-10"),
        ("5", "--value", "100", "--note", "完成投资100万元", "--by", "赵六", "--on", "2023-08-30"),
        ("7", "--value", "120", "--note", "已培训120人，超额完成", "--by", "钱七", "--on", "2023-09-28"),
        ("8", "--value", "2", "--note", "两个站点已开工", "--by", "张三", "--on", "2023-10-02"),
        ("8", "--value", "3", "--note", "误报", "--by", "张三", "--on", "2023-10-04"),
    ]
    for args in up:
        w.run("task", "update", *args)
    w.run("undo", "--by", "张三")  # retracts the 误报 row: it must not count anywhere
    w.run("task", "done", "3", "--note", "方案已印发", "--by", "王芳", "--on", "2023-10-04")
    # 确保 / 力争 commitments come from imported plan text; set them directly here.
    from tracker import store
    from tracker.context import Context

    ctx = Context.load()

    def commit(c):  # type: ignore[no-untyped-def]
        for task_id, word in ((1, "确保"), (7, "确保"), (2, "力争")):
            [t] = store.targets_of(c, task_id)
            store.update_target(c, int(t["id"]), commitment=word)

    ctx.db.write(commit)
    ctx.close()


@pytest.fixture
def rw(world):  # type: ignore[no-untyped-def]
    build(world)
    return world


def ctx():  # type: ignore[no-untyped-def]
    from tracker.context import Context

    return Context.load()


# -- figures ---------------------------------------------------------------------------------
def test_weekly_figures(rw) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    c = ctx()
    r = data.weekly(c, week="2023-W40")
    # Friday cut-off: the report week runs from the day after last Friday to this Friday.
    assert (r.start, r.end, r.as_of, r.last_as_of) == (date(2023, 9, 30), date(2023, 10, 6), date(2023, 10, 6),
                                                       date(2023, 9, 29))
    assert r.total.total == 7  # top-level tasks; the sub-item is listed but not counted
    assert r.total.pace["已完成"] == 2  # 出台行动方案 (done) and 培训教师 (120/100)
    assert sum(r.total.pace.values()) == 7 and sum(r.total.lights.values()) == 7
    assert [ln.title for ln in r.completed] == ["出台行动方案"]  # 培训教师 was complete last week already
    assert [ln.title for ln in r.newly_overdue] == ["招聘医生"]  # due 10-05, passed during the week
    assert [(u.day, u.task, u.author, u.value) for u in r.updates] == [
        ("2023-10-02", "新建社康站点", "张三", "2个"), ("2023-10-03", "社康做全", "张三", "7家"),
        ("2023-10-04", "出台行动方案", "王芳", "")]
    assert all(u.note != "误报" for u in r.updates)
    assert [ln.title for ln in r.due_soon] == ["河道整治"]  # 10-15 is within 14 days of 10-06
    health = next(u for u in r.units if u.unit == HEALTH)
    # 社康做全 5/14 -> 7/14 (+14.3), 出台行动方案 0 -> 100, 招聘医生 unchanged: (14.29 + 100) / 3
    assert health.gained == pytest.approx((7 / 14 * 100 - 5 / 14 * 100 + 100) / 3)
    assert health.rank == 1 and health.last_rank == 2 and health.rank_change == 1
    item = next(ln for ln in r.by_unit[HEALTH] if ln.title == "社康做全")
    assert item.parts.progress == "已建成7家。"
    assert item.parts.problems == "选址难，审批慢。"
    assert item.parts.next_steps == "年底前再建7家"
    assert item.targets_text == "7家/≥14家（50%）"


def test_silent_units(rw) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    r = data.weekly(ctx(), week="2023-W40")
    # 县水利局 last updated 09-10 (26 days before the cut-off 10-06); 市教育局 on 09-28 (8 days: not silent).
    assert [(u.unit, u.silent_days, u.last_update) for u in r.silent] == [(WATER, 26, "2023-09-10")]


def test_past_state_is_replayed_from_the_log(rw) -> None:  # type: ignore[no-untyped-def]
    from tracker import tasks
    from tracker.reports import data

    c = ctx()
    r = data.weekly(c, week="2023-W39")  # 09-25 .. 10-01: before the 10-03 update and the 10-04 done
    line = {ln.title: ln for lines in r.by_unit.values() for ln in lines}
    assert line["社康做全"].targets[0].current == 5
    assert line["出台行动方案"].status != "完成"
    assert line["新建社康站点"].targets[0].current is None
    assert line["招聘医生"].status != "红" or line["招聘医生"].deadline == date(2023, 10, 5)
    # Replaying the whole log up to today gives exactly the stored current state.
    now = data.weekly(c)
    stored = c.db.read(lambda conn: tasks.load_views(conn, c))
    for ln in (x for lines in now.by_unit.values() for x in lines):
        v = stored[ln.id]
        assert (ln.completion, ln.status) == (pytest.approx(v.completion), v.status)
        assert [t.current for t in ln.targets] == [t["current_value"] for t in v.targets]


def test_trend_model_matches_full_views(rw) -> None:  # type: ignore[no-untyped-def]
    from tracker import store
    from tracker.reports import history

    c = ctx()
    rows, targets, log = c.db.read(lambda conn: (store.task_rows(conn), store.target_rows(conn),
                                                 store.report_log(conn, "2023-10-09")))
    days = [date(2023, 9, d) for d in (1, 10, 20, 25, 28)] + [date(2023, 10, d) for d in (1, 3, 4, 9)]
    states = history.states_at(log, days)
    model = history.CompletionModel(rows, targets)
    for day in days:
        full = history.views_at(rows, targets, states[day], day, c.rules)
        lean = model.completions(states[day], day)
        assert lean == pytest.approx({v.id: v.completion for v in full.values()})


def test_yearend_figures(rw) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    r = data.yearend(ctx(), year=2023)
    result = {it.line.title: it.result for it in r.items}
    assert result == {"社康做全": "未完成", "新建社康站点": "未完成", "招聘医生": "基本完成", "出台行动方案": "完成",
                      "水库除险加固": "未完成", "河道整治": "未完成", "推进智慧校园建设": "无进展", "培训教师": "超额完成"}
    assert r.total == 7 and r.done == 2
    assert r.results == {"超额完成": 1, "完成": 1, "逾期完成": 0, "基本完成": 1, "未完成": 3, "无进展": 1}
    tally = {t.kind: (t.total, t.done) for t in r.commitments}
    assert tally == {"确保": (2, 1), "力争/争取": (1, 0), "其他": (2, 0)}
    assert r.summary.startswith("全年纳入统计的计划一级事项 7 项，含子事项 1 项；已完成2项（其中超额完成1项），"
                                "基本完成1项，未完成3项，无进展1项，完成率28.6%。")
    assert "确保类指标2项，完成1项（50.0%）" in r.summary and "力争/争取类指标1项，完成0项（0.0%）" in r.summary
    # Ranked by mean completion, the share fully done beside it: 区卫生健康局 (50 + 82.0 + 100) / 3.
    ranking = [(u.unit, u.rank, round(u.completion, 1), round(u.rate, 1)) for u in r.units]
    assert ranking == [(HEALTH, 1, 77.3, 33.3), (EDU, 2, 50.0, 50.0), (WATER, 3, 31.7, 0.0)]
    unfinished = {it.line.title: it.line.note for it in r.unfinished}
    assert unfinished["招聘医生"] == "已招聘210名" and "推进智慧校园建设" in unfinished
    assert "培训教师" not in unfinished
    teacher = next(it for it in r.items if it.line.title == "培训教师")
    assert teacher.line.targets[0].ratio == pytest.approx(120.0)
    # --half 1 selects nothing here (every task is due in the second half); 2022 has not a task either.
    assert data.yearend(ctx(), year=2023, half=1).total == 0
    assert data.yearend(ctx(), year=2023, half=2).total == 7


def test_basic_done_percent_from_config(rw, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    cfg = tmp_path / "strict.toml"
    cfg.write_text(f'[database]\nurl = "{rw.db_url}"\n[report]\nbasic_done_percent = 90\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(cfg))
    r = data.yearend(ctx(), year=2023)
    assert {it.line.title: it.result for it in r.items}["招聘医生"] == "未完成"  # 82 % < 90 %


# -- golden output ----------------------------------------------------------------------------
def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"缺少 {path}：用 UPDATE_GOLDEN=1 生成"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "name"), [
    (["weekly", "--week", "2023-W40"], "weekly-2023-W40"),
    (["yearend", "--year", "2023"], "yearend-2023"),
])
def test_golden_md_and_terminal(rw, args, name, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    out = rw.path / f"{name}.md"
    res = rw.run("report", *args, "--format", "md", "-o", str(out))
    assert str(out) in res.stdout
    _golden(f"{name}.md", out.read_text(encoding="utf-8"))
    text = rw.run("report", *args).stdout  # terminal, not a tty: 120 columns, no colour
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= 240
    _golden(f"{name}.txt", text)


# -- CLI -------------------------------------------------------------------------------------
def test_default_paths_and_week(rw) -> None:  # type: ignore[no-untyped-def]
    res = rw.run("report", "weekly", "--format", "md")
    path = rw.path / "reports" / "周报-2023-W41.md"
    assert path.exists() and str(path) in res.stdout
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 督办工作周报（2023年第41周）")
    assert "统计截至2023年10月9日" in text
    rw.run("report", "weekly", "--date", "2023-10-04", "--unit", HEALTH, "--format", "md")
    unit_text = (rw.path / "reports" / f"周报-2023-W40-{HEALTH}.md").read_text(encoding="utf-8")
    assert HEALTH in unit_text and WATER not in unit_text
    rw.run("report", "yearend", "--format", "md")
    assert (rw.path / "reports" / "年度总结-2023.md").exists()
    rw.run("report", "yearend", "--year", "2023", "--half", "2", "--format", "md", "-o", str(rw.path))
    assert (rw.path / "半年总结-2023-H2.md").exists()
    term = rw.run("report", "weekly", "-o", str(rw.path / "w.txt"))
    assert "已生成报告" in term.stdout
    assert "督办工作周报" in (rw.path / "w.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["weekly", "--week", "2023-41"], "周次格式无效"),
    (["weekly", "--week", "2023-W54"], "不存在的周次"),
    (["weekly", "--week", "2023-W50"], "尚未开始"),
    (["weekly", "--week", "2023-W40", "--date", "2023-10-01"], "只能选一个"),
    (["weekly", "--format", "pdf"], "不支持的报告格式"),
    (["weekly", "--unit", "不存在局"], "未知单位"),
    (["yearend", "--half", "3"], "--half"),
    (["yearend", "--year", "2024"], "尚未开始"),
])
def test_errors_exit_2_in_chinese(sqlite_world, args, message) -> None:  # type: ignore[no-untyped-def]
    sqlite_world.run("unit", "add", HEALTH)
    res = sqlite_world.run("report", *args, ok=False)
    assert res.exit_code == 2
    assert message in res.output


def test_empty_database_reports(sqlite_world) -> None:  # type: ignore[no-untyped-def]
    out = sqlite_world.run("report", "weekly").stdout
    assert "纳入督办的计划一级事项0项，含子事项0项" in "".join(out.split())  # lines may wrap at a space
    out = sqlite_world.run("report", "yearend").stdout
    assert "全年纳入统计的计划一级事项0项，含子事项0项" in "".join(out.split())


# -- pieces --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("note", "parts"), [
    ("已建成7家。问题：选址难。下一步：再建7家", ("已建成7家。", "选址难。", "再建7家")),
    ("进展情况：完成设计；存在的问题：资金未到位；下一步措施：协调财政", ("完成设计", "资金未到位", "协调财政")),
    ("完成投资100万元", ("完成投资100万元", "", "")),
    ("困难: 人手不足 下步: 增派人员", ("", "人手不足", "增派人员")),
    ("", ("", "", "")),
])
def test_split_note(note, parts) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports.notes import split_note

    p = split_note(note)
    assert (p.progress, p.problems, p.next_steps) == parts


@given(st.text(alphabet=st.sampled_from(list("问题下一步进展困难措施：: ；,，\n完成7家")) | st.characters(), max_size=60))
@settings(max_examples=300, deadline=None)
def test_split_note_takes_its_parts_from_the_note(note: str) -> None:
    """Any note splits without an error into parts taken from it; a note without a colon has no
    part mark, so all of it (trimmed) is progress."""
    from tracker.reports.notes import split_note

    p = split_note(note)
    parts = (p.progress, p.problems, p.next_steps)
    assert all(set(part) <= set(note) for part in parts) and sum(map(len, parts)) <= len(note)
    if "：" not in note and ":" not in note:
        assert (p.progress, p.problems, p.next_steps) == (note.strip().strip(" \t\r\n；;，,、"), "", "")


def test_state_at_a_day_equals_the_replayed_log(rw) -> None:  # type: ignore[no-untyped-def]
    """Reports start from the stored values and look up, as of the day asked for, only what the
    log touched after it: the same state as replaying the whole log up to that day."""
    from tracker import store
    from tracker.reports import data, history

    c = ctx()
    log = c.db.read(lambda conn: store.report_log(conn, "2023-12-31"))
    days = [date(2023, 6, 30), date(2023, 9, 20), date(2023, 9, 30), date(2023, 10, 2), date(2023, 10, 3),
            date(2023, 10, 4), date(2023, 10, 8), c.today]
    replayed = history.states_at(log, days)
    for day in days:
        src, got = data.load_at(c, None, day)
        want = replayed[day]
        assert got.values == want.values and got.percent == want.percent, day
        assert got.done_on == want.done_on and got.last_on == want.last_on, day
        assert {k: (n["note"], n["happened_on"]) for k, n in got.notes.items()} == {
            k: (n["note"], n["happened_on"]) for k, n in want.notes.items()}, day
        assert [r["id"] for r in src.log] == [r["id"] for r in log if r["happened_on"] > day.isoformat()]
    src, got = data.load_at(c, HEALTH, date(2023, 10, 1))
    assert {r["unit"] for r in src.rows} == {HEALTH} and set(got.done_on) == set()
    assert data.yearend(c, year=2023, half=1).as_of == date(2023, 6, 30)


def test_output_format_from_suffix_and_folder(rw) -> None:  # type: ignore[no-untyped-def]
    res = rw.run("report", "yearend", "--unit", EDU, "-o", str(rw.path / "out" / "edu.docx"))
    assert (rw.path / "out" / "edu.docx").read_bytes()[:2] == b"PK" and "edu.docx" in res.stdout
    (rw.path / "dir").mkdir()
    rw.run("report", "weekly", "--week", "2023-W40", "--format", "html", "-o", str(rw.path / "dir"))
    assert (rw.path / "dir" / "周报-2023-W40.html").exists()
    md = rw.path / "edu.md"
    rw.run("report", "yearend", "--unit", EDU, "--format", "md", "-o", str(md))
    text = md.read_text(encoding="utf-8")
    assert text.startswith(f"# {EDU}2023年度工作计划完成情况总结") and HEALTH not in text
    assert "全年纳入统计的计划一级事项 2 项，含子事项 0 项；已完成1项（其中超额完成1项）" in text


def test_last_week_from_the_model_matches_full_views(rw) -> None:  # type: ignore[no-untyped-def]
    """The weekly report judges last week's state without building views: the same answers."""
    from tracker import store
    from tracker.reports import data, history

    c = ctx()
    rows, targets, log = c.db.read(lambda conn: (store.task_rows(conn), store.target_rows(conn),
                                                 store.report_log(conn, "2023-10-09")))
    model = history.CompletionModel(rows, targets)
    for day in (date(2023, 9, 24), date(2023, 10, 1), date(2023, 10, 8)):
        rep = history.replay(log, [day], model, [day])
        last = data.LastWeek(rep.states[day], rep.completions[day], day)
        full = history.views_at(rows, targets, rep.states[day], day, c.rules)
        for v in full.values():
            assert last.done(v) == (v.status == "完成")
            assert last.overdue(v) == data._overdue(v, day), (v.row["title"], day)


# -- Markdown under CommonMark ---------------------------------------------------------------------
@pytest.mark.parametrize("args", [["weekly", "--week", "2023-W40"], ["yearend", "--year", "2023"]])
def test_markdown_renders_under_commonmark(rw, args) -> None:  # type: ignore[no-untyped-def]
    import re

    from markdown_it import MarkdownIt

    out = rw.path / "r.md"
    rw.run("report", *args, "--format", "md", "-o", str(out))
    html = MarkdownIt("commonmark").enable("table").render(out.read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", "", html)
    assert "*" not in text and "\\" not in text  # every emphasis closed, every escape consumed
    assert "<table>" in html and "<h2>" in html
    if args[0] == "weekly":
        assert "<strong>进展情况</strong>：已建成7家。" in html  # a bold lead-in before a full-width colon
        assert "<strong>存在的问题</strong>：选址难" in html


def test_markdown_escapes_markup_in_text() -> None:
    from markdown_it import MarkdownIt

    from tracker.reports.layout import Col, Doc, Para, Table
    from tracker.reports.markdown import render

    doc = Doc("标题*测试*", "副标题", [Para("完成率*达到* 1_2 [链接](x) <b>", "进展情况："),
                                      Para("# 不是标题"),
                                      Table("表", [Col("名称")], [["a|b *c*"]])])
    html = MarkdownIt("commonmark").enable("table").render(render(doc))
    assert "<em>" not in html and "<a " not in html and "<b>" not in html and "<h2>" not in html
    assert "完成率*达到* 1_2 [链接](x) &lt;b&gt;" in html and "a|b *c*" in html and "# 不是标题" in html


# -- terminal at 80 columns ----------------------------------------------------------------------
@pytest.mark.parametrize("args", [["weekly", "--week", "2023-W40"], ["yearend", "--year", "2023"]])
@pytest.mark.parametrize("columns", ["80", "100"])
def test_terminal_wraps_and_never_cuts(rw, args, columns, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Piped at 80–100 columns: no line wider, no column dropped, no value cut short."""
    import re

    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", columns)
    text = rw.run("report", *args).stdout
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= int(columns)
    assert "…" not in text
    flat = re.sub(r"[\s│┃]", "", text)
    wanted = ["已建成7家。问题：选址难，审批慢。下一步：年底前再建7家", "推进智慧校园建设"]
    wanted += ["结果", "最新说明", "排名"] if args[0] == "yearend" else ["最新说明", "排名", "名次变化"]
    def woven(s: str) -> bool:
        """``s`` in the output, possibly wrapped over lines that other columns share: its
        characters in order, within a stretch a few times its length."""
        for start in (m.start() for m in re.finditer(re.escape(s[:3]), flat)):
            pos = start
            for ch in s:
                pos = flat.find(ch, pos, start + 12 * len(s))
                if pos < 0:
                    break
                pos += 1
            else:
                return True
        return False

    for s in wanted:
        assert woven(re.sub(r"\s", "", s)), s
