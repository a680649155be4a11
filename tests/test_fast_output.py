"""The hot commands' speed paths give the output of the slow paths they replace (issue 15).

* ``render._box_table`` draws ``render.table``'s tables without rich's renderer; it must draw
  exactly what rich draws, wrapping and narrowing columns included, or leave the table to rich.
* ``render._plain_lines`` writes message lines without rich when rich would not change them.
* ``tasks.item_lights`` counts the board's lights without building a view per item (on the database).
* the CLI builds only the sub-app a command line names; the hot commands never import rich's
  console.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from tracker.cli import render

WORDS = hs.text(alphabet="abcxyz019 中文单位进度（），　—█░", max_size=50)


class Utf8Buffer(io.StringIO):
    encoding = "utf-8"


def rich_table(title: str | None, columns: list[str], rows: list[list[str]], width: int) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    t = Table(title=title, show_lines=False)
    for col in columns:
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*[Text(c) for c in r])
    Console(file=buf, width=width, highlight=False, soft_wrap=False).print(t)
    return buf.getvalue()


def box_table(title: str | None, columns: list[str], rows: list[list[str]], width: int,
              monkeypatch: pytest.MonkeyPatch) -> str | None:
    monkeypatch.setenv("COLUMNS", str(width))
    buf = Utf8Buffer()
    return buf.getvalue() if render._box_table(title, columns, rows, buf) else None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=hs.data(), ncols=hs.integers(1, 9), nrows=hs.integers(1, 4),
       width=hs.sampled_from([24, 40, 60, 80, 100, 160]),
       title=hs.one_of(hs.none(), WORDS.filter(lambda s: s.strip() != "")))
def test_box_table_draws_what_rich_draws(monkeypatch, data, ncols, nrows, width, title) -> None:  # type: ignore[no-untyped-def]
    columns = [data.draw(hs.text(alphabet="ab序号单位", min_size=1, max_size=6)) for _ in range(ncols)]
    rows = [[data.draw(WORDS) for _ in range(ncols)] for _ in range(nrows)]
    drawn = box_table(title, columns, rows, width, monkeypatch)
    if drawn is not None:
        assert drawn == rich_table(title, columns, rows, width)


def test_box_table_takes_the_common_tables(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The speed path is really taken: a board-like table, and a log table that must wrap."""
    board = [[f"第{i:02d}单位", "125", "106", "14", "5", "0", "██████░░░░ 63.6%"] for i in range(1, 41)]
    cols = ["单位", "任务", "绿", "黄", "红", "完成", "总体完成度"]
    assert box_table("督办看板（2023-10-09）", cols, board, 80, monkeypatch) == rich_table(
        "督办看板（2023-10-09）", cols, board, 80)
    log = [["4991", "2023-08-27", "填报人40", "进展", "44", "进展说明：第三季度完成主体工程的一半" * 2,
            "2023-10-08 06:36:30"]]
    cols = ["记录", "日期", "填报人", "类型", "数值", "说明", "录入时间"]
    drawn = box_table("进展记录", cols, log, 80, monkeypatch)
    assert drawn is not None and drawn.count("\n") > 6  # wrapped onto several lines
    assert drawn == rich_table("进展记录", cols, log, 80)


@pytest.mark.parametrize("title", ["含[red]标记[/red]的标题", ":smile: 表情"])
def test_box_table_leaves_markup_to_rich(monkeypatch, title) -> None:  # type: ignore[no-untyped-def]
    assert box_table(title, ["a"], [["1"]], 80, monkeypatch) is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hs.text(alphabet="ab 中文：:.x\n", max_size=120), width=hs.sampled_from([20, 40, 80]))
def test_plain_lines_print_what_rich_prints(monkeypatch, text, width) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    monkeypatch.setenv("COLUMNS", str(width))
    buf = Utf8Buffer()
    if render._plain_lines(["✓ ", text], buf):
        expected = io.StringIO()
        Console(file=expected, width=width, highlight=False, soft_wrap=False).print("✓ " + text, markup=False)
        assert buf.getvalue() == expected.getvalue()
    else:
        assert buf.getvalue() == ""


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=hs.text(alphabet="ab/中文:.x -_\t", min_size=1, max_size=150), width=hs.sampled_from([20, 80]),
       tty=hs.booleans())
def test_report_written_says_what_rich_says(monkeypatch, path, width, tty) -> None:  # type: ignore[no-untyped-def]
    """The line after a report is written: the same with or without rich's console, on a
    terminal (a green mark) or not, however long the path (never wrapped)."""
    from rich.console import Console
    from rich.text import Text

    class Stream(Utf8Buffer):
        def isatty(self) -> bool:
            return tty

    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.delenv("NO_COLOR", raising=False)
    fast = Stream()
    monkeypatch.setattr(sys, "stdout", fast)
    render.report_written(path)
    expected = Stream()
    Console(file=expected, width=width, highlight=False, force_terminal=tty, color_system="standard" if tty else None,
            soft_wrap=False).print(Text("✓ ", style="green") + Text(f"已生成报告：{path}"), soft_wrap=True)
    assert fast.getvalue() == expected.getvalue()


def test_file_reports_do_not_load_rich_console(sqlite_world) -> None:  # type: ignore[no-untyped-def]
    sqlite_world.run("unit", "add", "教育局")
    sqlite_world.run("task", "add", "新建学校2所", "--unit", "教育局", "--target", "新建学校2所", "--due", "2023-12-31")
    for fmt in ("md", "xlsx"):
        code = (f"import sys; sys.argv = ['tracker', 'report', 'weekly', '--format', '{fmt}', '-o', 'w.{fmt}']\n"
                "try:\n    import tracker.cli as c; c.main()\nexcept SystemExit as e:\n    print('EXIT', e.code)\n"
                "print('LOADED', [m for m in ('rich.console', 'rich.table') if m in sys.modules])")
        r = subprocess.run([sys.executable, "-c", code], cwd=sqlite_world.path, capture_output=True, text=True,
                           timeout=60, env={**os.environ, "COLUMNS": "100"})
        assert "EXIT 0" in r.stdout and "LOADED []" in r.stdout and "已生成报告" in r.stdout, r.stdout + r.stderr
        assert (sqlite_world.path / f"w.{fmt}").stat().st_size > 1000


# -- the board's lights ---------------------------------------------------------------------------
DAYS = hs.one_of(hs.none(), hs.dates(date(2023, 1, 1), date(2024, 6, 30)).map(date.isoformat))


BOARD_TASKS = hs.lists(hs.fixed_dictionaries({
    "unit": hs.integers(0, 2), "plan": hs.sampled_from([None, 0, 1]), "parent": hs.integers(-8, 20),
    "gone": hs.sampled_from([None, None, None, "vanished", "cancelled"]),
    "completion": hs.floats(0, 100),
    "start_date": DAYS, "deadline": DAYS, "targets_deadline": DAYS, "open_target_due": DAYS,
    "hold_until": DAYS, "hold_state": hs.sampled_from([None, 0, 1, 2]), "done_on": DAYS,
    "created_at": hs.datetimes(datetime(2023, 1, 1), datetime(2023, 12, 31)),
}), max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=BOARD_TASKS, today=hs.dates(date(2023, 1, 1), date(2024, 12, 31)))
def test_board_counts_as_the_views_do(world, specs, today) -> None:  # type: ignore[no-untyped-def]
    """The board's lean path (``store.item_light_rows`` + ``tasks.item_lights``) gives every unit
    the counts, completion and sub-items that building a view per task gives, on the database;
    asked again, the board kept of them."""
    from tracker import store, tasks

    ctx = world.context()
    ctx.today = today

    def fill(c):  # type: ignore[no-untyped-def]
        c.execute("DELETE FROM task")
        units = [r["id"] for r in c.query("SELECT id FROM unit ORDER BY id")]
        if not units:
            units = [c.insert("unit", name=name, created_at=datetime(2023, 1, 1)) for name in ("甲局", "乙局", "丙局")]
            for start, end in (("2023-01-01", "2023-12-31"), ("2023-07-01", "2024-06-30")):
                c.insert("plan", unit_id=units[0], title="计划", period_start=start, period_end=end,
                         created_at=datetime(2023, 1, 1), updated_at=datetime(2023, 1, 1))
        plans = [r["id"] for r in c.query("SELECT id FROM plan ORDER BY id")]
        ids: list[int] = []
        for i, t in enumerate(specs):
            ids.append(c.insert(
                "task", unit_id=units[t["unit"]], plan_id=None if t["plan"] is None else plans[t["plan"]],
                parent_id=ids[t["parent"]] if 0 <= t["parent"] < i else None, position=i, label="", title=f"任务{i}",
                text="", created_at=t["created_at"], updated_at=t["created_at"], completion=t["completion"],
                start_date=t["start_date"], deadline=t["deadline"], targets_deadline=t["targets_deadline"],
                open_target_due=t["open_target_due"], hold_until=t["hold_until"], hold_state=t["hold_state"],
                done_on=t["done_on"], vanished_at=t["created_at"] if t["gone"] == "vanished" else None,
                cancelled_on=t["done_on"] or "2023-06-30" if t["gone"] == "cancelled" else None))

    try:
        ctx.db.write(fill)
        counted = tasks.board(ctx)
        board = {s.unit: (s.counts, s.total, round(s.completion, 9), s.subs) for s in counted}
        views = ctx.db.read(lambda c: tasks.summarize(tasks.load_views(c, ctx, light=True)))
        assert tasks.board(ctx) == counted  # the kept board (SQLite), read back as it was counted
        if world.is_sqlite:
            assert ctx.db.read(lambda c: store.board_version(c, today.isoformat(), tasks.board_basis(ctx.rules)))[1]
    finally:
        ctx.db.close()
    assert {u: b for u, b in board.items() if b[1] or b[3]} == {
        u: (s.counts, s.total, round(s.completion, 9), s.subs) for u, s in views.items()}


def test_board_honours_a_level_to_hold(world) -> None:  # type: ignore[no-untyped-def]
    """A task with a level to hold until the year's end is 绿 while it holds, not 完成, on the
    board as in the task list (the board's query used to leave the level out)."""
    world.run("unit", "add", "环保局")
    world.run("task", "add", "空气质量优良率保持在90%以上", "--unit", "环保局", "--target", "空气质量优良率保持在90%以上",
              "--due", "2023-12-31")
    tid = world.json("task", "list")[0]["id"]
    world.run("task", "update", str(tid), "--target", "1", "--value", "92")
    listed = world.json("task", "list")[0]["status"]
    board = world.json("board")
    lights = {k: v for u in board for k, v in u["counts"].items() if v}
    assert lights == {listed: 1}


# -- what the hot commands load --------------------------------------------------------------------
def test_command_words_name_the_sub_app_and_its_command() -> None:
    from tracker.cli import command_words

    assert command_words(["task", "show", "1"]) == ("task", "show")
    assert command_words(["--db", "x.db", "--today", "2023-10-09", "board"]) == ("board", None)
    assert command_words(["--db=x.db", "report", "weekly"]) == ("report", "weekly")
    assert command_words(["task", "--help"]) == ("task", None)
    assert command_words(["--help"]) == (None, None)
    assert command_words(["boad"]) == (None, None)  # unknown: the whole tree, for its suggestions
    assert command_words([]) == (None, None)


@pytest.mark.parametrize("args", [["task", "list"], ["task", "show", "1"], ["board"],
                                  ["task", "update", "1", "--target", "1", "--add", "1"]])
def test_hot_commands_do_not_load_rich_console(sqlite_world, args) -> None:  # type: ignore[no-untyped-def]
    sqlite_world.run("unit", "add", "教育局")
    sqlite_world.run("task", "add", "新建学校2所", "--unit", "教育局", "--target", "新建学校2所", "--due", "2023-12-31")
    code = (f"import sys; sys.argv = ['tracker', *{args!r}]\n"
            "try:\n    import tracker.cli as c; c.main()\nexcept SystemExit as e:\n    print('EXIT', e.code)\n"
            "print('LOADED', [m for m in ('rich.console', 'rich.table', 'sqlalchemy', 'zoneinfo', 'tracker.cli.plan',"
            " 'tracker.cli.report') if m in sys.modules])")
    r = subprocess.run([sys.executable, "-c", code], cwd=sqlite_world.path, capture_output=True, text=True,
                       timeout=60, env={**os.environ, "COLUMNS": "100"})
    assert "EXIT 0" in r.stdout and "LOADED []" in r.stdout, r.stdout + r.stderr


def test_china_zone_needs_no_tz_database() -> None:
    from zoneinfo import ZoneInfo

    from tracker.context import zone

    fixed, real = zone("Asia/Shanghai"), ZoneInfo("Asia/Shanghai")
    for year in range(1992, 2040):
        for month in (1, 4, 7, 10):
            moment = datetime(year, month, 15, 12)
            assert fixed.utcoffset(moment) == real.utcoffset(moment) == timedelta(hours=8)
    assert zone("Europe/Berlin").utcoffset(datetime(2024, 7, 1)) == timedelta(hours=2)


@pytest.mark.parametrize("args", [["--help"], [], ["task", "--help"], ["board", "--help"], ["boad"],
                                  ["task", "list"], ["task", "shwo"], ["task", "show"], ["task", "show", "--help"],
                                  ["task", "list", "--bogus"], ["unit", "list"], ["report", "weekly", "--help"],
                                  ["unit", "alias", "--help"]])
def test_slim_command_tree_says_what_the_whole_tree_says(sqlite_world, args) -> None:  # type: ignore[no-untyped-def]
    """``main`` builds only what a command line needs; its output is the whole tree's."""
    def run(call: str) -> subprocess.CompletedProcess[str]:
        code = f"import sys; sys.argv = ['tracker', *{args!r}]\nimport tracker.cli as c; {call}"
        return subprocess.run([sys.executable, "-c", code], cwd=sqlite_world.path, capture_output=True, text=True,
                              timeout=60, env={**os.environ, "COLUMNS": "80"})

    slim, whole = run("c.main()"), run("c.build()()")
    assert (slim.returncode, slim.stdout, slim.stderr) == (whole.returncode, whole.stdout, whole.stderr)
    assert slim.stdout + slim.stderr


@pytest.mark.parametrize("datestyle", ["", "-c DateStyle=SQL,DMY", "-c DateStyle=German"])
def test_rows_have_one_shape_on_both_databases(db_url, monkeypatch, datestyle) -> None:  # type: ignore[no-untyped-def]
    """Dates and timestamps come back as the strings SQLite stores, whatever the server's
    DateStyle (a timestamp with zone: in the session's zone); parameters are :name on both; a
    literal % stays itself."""
    from tracker.db import Database

    if db_url.startswith("sqlite"):
        if datestyle:
            pytest.skip("DateStyle is PostgreSQL's")
        sql = ("SELECT :day AS d, '2023-01-02 03:04:05.000000' AS t, '2023-01-02 03:04:05.250000' AS t2, "
               "'x%y' AS s, :n AS n")
    else:
        monkeypatch.setenv("PGOPTIONS", f"{datestyle} -c TimeZone=Asia/Shanghai".strip())
        sql = ("SELECT CAST(:day AS date) AS d, CAST('2023-01-02 03:04:05' AS timestamp) AS t, "
               "CAST('2023-01-02 03:04:05.25' AS timestamp) AS t2, 'x%y' AS s, :n AS n, "
               "CAST('2023-01-01 19:04:05.5+00' AS timestamptz) AS tz")
    db = Database(db_url)
    try:
        rows = db.conn.query(sql, day="2023-11-02", n=5)
        assert rows[0].pop("tz", "2023-01-02 03:04:05.500000") == "2023-01-02 03:04:05.500000"  # in the session's zone
        assert rows == [{"d": "2023-11-02", "t": "2023-01-02 03:04:05.000000", "t2": "2023-01-02 03:04:05.250000",
                         "s": "x%y", "n": 5}]
        with db.conn.transaction() as c:
            c.execute("CREATE TABLE shape_probe (id INTEGER PRIMARY KEY, day DATE, note TEXT)")
            c.execute_many("INSERT INTO shape_probe (id, day, note) VALUES (:i, :d, :n)",
                           [{"i": 1, "d": "2024-02-29", "n": "a:b"}, {"i": 2, "d": None, "n": "50%"}])
        assert db.conn.query("SELECT id, day, note FROM shape_probe ORDER BY id") == [
            {"id": 1, "day": "2024-02-29", "note": "a:b"}, {"id": 2, "day": None, "note": "50%"}]
        assert db.conn.execute("UPDATE shape_probe SET note = :n WHERE id > :i", n="x", i=0) == 2
        db.conn.end_read()
    finally:
        db.close()


@given(data=hs.data(), n=hs.integers(1, 8))
def test_reduce_rounds_as_rich_does(data, n) -> None:  # type: ignore[no-untyped-def]
    from rich._ratio import ratio_reduce

    values = data.draw(hs.lists(hs.integers(0, 120), min_size=n, max_size=n))
    ratios = data.draw(hs.lists(hs.integers(0, 3), min_size=n, max_size=n))
    limits = data.draw(hs.lists(hs.integers(0, 60), min_size=n, max_size=n))
    total = data.draw(hs.integers(0, 200))
    assert render._reduce(total, ratios, limits, values) == ratio_reduce(total, ratios, limits, values)


@given(moment=hs.datetimes(min_value=datetime(1000, 1, 1)), offset_minutes=hs.integers(-15 * 60, 15 * 60), fraction=hs.booleans())
def test_postgres_timestamp_text_reads_as_sqlite_stores_it(moment, offset_minutes, fraction) -> None:  # type: ignore[no-untyped-def]
    """psycopg2 hands over the server's ISO text; a zone offset is dropped, microseconds padded."""
    from tracker.db import DATETIME_FMT, _iso_timestamp

    if not fraction:
        moment = moment.replace(microsecond=0)
    text = moment.isoformat(" ")
    if moment.microsecond:
        text = text.rstrip("0")
    sign, minutes = ("+" if offset_minutes >= 0 else "-"), abs(offset_minutes)
    zone = f"{sign}{minutes // 60:02d}" + (f":{minutes % 60:02d}" if minutes % 60 else "")
    expected = moment.strftime(DATETIME_FMT)
    assert _iso_timestamp(text) == expected
    assert _iso_timestamp(text + zone) == expected
    assert _iso_timestamp(None) is None
