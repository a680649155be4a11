"""The weekly report's lists and its one cut-off rule, from realistic weeks of progress.

Today is Monday 2023-10-16 (W42). Reports cut off on Friday (the default report day): W39 at
09-29, W40 at 10-06, W41 at 10-13; each report week runs from the Saturday after the previous
cut-off to its own Friday.
"""

from __future__ import annotations

from datetime import date

import pytest

UNIT = "县发展和改革局"


def build(w) -> None:  # type: ignore[no-untyped-def]
    w.run("unit", "add", UNIT)
    tasks = [
        ("周五到期的事项", "--due", "2023-09-29"),  # 1
        ("周六到期的事项", "--due", "2023-09-30", "--count", "10", "--measure", "个"),  # 2
        ("周日到期的事项", "--due", "2023-10-01"),  # 3
        ("年底完成的事项", "--due", "2023-12-31", "--count", "20", "--measure", "家"),  # 4
        ("后来延期的事项", "--due", "2023-10-03"),  # 5
        ("从未填报的事项", "--due", "2023-12-31"),  # 6
    ]
    for title, *opts in tasks:
        w.run("task", "add", title, "--unit", UNIT, *opts)
    w.run("task", "add", "一个子事项", "--parent", "4", "--due", "2023-12-31")  # 7
    for tid in range(1, 8):
        w.run("task", "edit", str(tid), "--start", "2023-07-01", "--by", "督办科")
    updates = [
        ("4", "--value", "2", "--note", "已建成2家", "--on", "2023-09-26"),  # W39
        ("2", "--value", "4", "--note", "周六填报", "--on", "2023-09-30"),  # a Saturday: W40's week
        ("4", "--value", "6", "--note", "已建成6家", "--on", "2023-10-06"),  # W40's Friday
        ("4", "--value", "8", "--note", "周六又建成2家", "--on", "2023-10-07"),  # W41
        ("1", "--percent", "50", "--note", "推进中", "--on", "2023-09-25"),
        ("5", "--percent", "20", "--on", "2023-10-12"),
        ("7", "--percent", "10", "--on", "2023-09-20"),
    ]
    for tid, *opts in updates:
        w.run("task", "update", tid, *opts, "--by", "张三")
    # On 10-16 the deadline of task 5 (passed on 10-03) is moved to the end of October.
    w.run("task", "edit", "5", "--due", "2023-10-31", "--by", "督办科")


@pytest.fixture
def wk(world, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRACKER_TODAY", "2023-10-16")
    build(world)
    return world


def ctx():  # type: ignore[no-untyped-def]
    from tracker.context import Context

    return Context.load()


def titles(lines) -> list[str]:  # type: ignore[no-untyped-def]
    return [ln.title for ln in lines]


def test_report_week_runs_from_saturday_to_friday(wk) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    c = ctx()
    w39, w40, w41 = (data.weekly(c, week=f"2023-W{n}") for n in (39, 40, 41))
    assert (w40.start, w40.end, w40.as_of, w40.last_as_of) == (
        date(2023, 9, 30), date(2023, 10, 6), date(2023, 10, 6), date(2023, 9, 29))
    # Deadlines on Friday, Saturday and Sunday of W39 all become overdue during W40's report week.
    assert titles(w39.newly_overdue) == []
    assert titles(w40.newly_overdue) == ["周五到期的事项", "周六到期的事项", "周日到期的事项", "后来延期的事项"]
    assert titles(w41.newly_overdue) == []
    # The Saturday entry is in W40's list of updates, and in no other week's.
    assert [u.note for u in w39.updates] == ["推进中", "已建成2家"]
    assert [u.note for u in w40.updates] == ["周六填报", "已建成6家"]
    assert [u.note for u in w41.updates] == ["周六又建成2家", ""]


def test_last_week_and_trend_match_the_filed_reports(wk) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    c = ctx()
    weeks = {n: data.weekly(c, week=f"2023-W{n}") for n in (39, 40, 41)}
    for n in (40, 41):
        filed, now = weeks[n - 1], weeks[n]
        assert now.total.last_completion == pytest.approx(filed.total.completion)
        assert {u.unit: u.last_completion for u in now.units} == pytest.approx(
            {u.unit: u.completion for u in filed.units})
    trend = dict(weeks[41].trend)
    assert trend["第39周"] == pytest.approx(weeks[39].total.completion)
    assert trend["第40周"] == pytest.approx(weeks[40].total.completion)
    assert trend["第41周"] == pytest.approx(weeks[41].total.completion)


def test_report_day_is_configurable(wk, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    cfg = tmp_path / "sunday.toml"
    cfg.write_text(f'[database]\nurl = "{wk.db_url}"\n[report]\nreport_day = "sun"\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(cfg))
    r = data.weekly(ctx(), week="2023-W40")
    assert (r.start, r.end) == (date(2023, 10, 2), date(2023, 10, 8))
    assert [u.note for u in r.updates] == ["已建成6家", "周六又建成2家"]
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[database]\nurl = "{wk.db_url}"\n[report]\nreport_day = "周五"\n', encoding="utf-8")
    res = wk.run("--config", str(bad), "report", "weekly", ok=False)
    assert res.exit_code == 2 and "report_day" in res.output


def test_red_and_overdue_lists(wk) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    r = data.weekly(ctx(), week="2023-W41")  # judged at Friday 10-13
    overdue = {ln.title: (ln.overdue_since, ln.overdue_days) for ln in r.overdue}
    assert overdue == {"周五到期的事项": (date(2023, 9, 29), 14), "周六到期的事项": (date(2023, 9, 30), 13),
                       "周日到期的事项": (date(2023, 10, 1), 12), "后来延期的事项": (date(2023, 10, 3), 10)}
    red = {ln.title: ln for ln in r.red}
    assert set(overdue) <= set(red)
    # a sub-item far behind 序时进度 is on the red list, named with its item
    sub = red["一个子事项"]
    assert not sub.is_top and sub.parent == "年底完成的事项"
    assert sub.behind == pytest.approx(sub.expected - 10)
    assert red["周五到期的事项"].note == "推进中"


def test_past_week_keeps_the_deadlines_it_had(wk) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    c = ctx()
    now = data.weekly(c)  # W42, after the deadline moved to 10-31
    assert "后来延期的事项" not in titles(now.overdue)
    w41 = data.weekly(c, week="2023-W41")  # regenerated: as filed, with the deadline of 10-03
    item = next(ln for ln in w41.overdue if ln.title == "后来延期的事项")
    assert item.deadline == date(2023, 10, 3)
    assert "后来延期的事项" in titles(data.weekly(c, week="2023-W40").newly_overdue)


def test_chase_by_task(wk, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import data

    r = data.weekly(ctx(), week="2023-W41")  # 10-13
    stale = {s.line.title: s.days for s in r.stale}
    # never updated; 周五到期 last on 09-25 (18 days); 周六到期 on 09-30 (13 days: not yet);
    # 年底完成 on 10-07 (fresh) while its sub-item last reported on 09-20 (23 days).
    assert stale == {"周日到期的事项": None, "从未填报的事项": None, "周五到期的事项": 18, "一个子事项": 23}
    assert r.silent == []  # the unit as a whole reported this week
    text = wk.run("report", "weekly", "--week", "2023-W41").stdout
    assert "从未填报" in text and "催办事项" in text

    cfg = tmp_path / "strict.toml"
    cfg.write_text(f'[database]\nurl = "{wk.db_url}"\n[report]\nstale_days = 10\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(cfg))
    r = data.weekly(ctx(), week="2023-W41")
    assert "周六到期的事项" in {s.line.title for s in r.stale} and r.silent_days == 10


def test_weekly_message_uses_the_same_report_week(wk) -> None:  # type: ignore[no-untyped-def]
    import json

    out = json.loads(wk.run("--today", "2023-10-06", "notify", "send", "weekly", "--dry-run", "--format", "json").stdout)
    text = "\n".join(b for o in out for b in o["bodies"])
    assert "2023年第40周（9月30日—10月6日）" in text
    assert "周六填报" in text and "已建成6家" in text  # Saturday 09-30 belongs to W40, as in the report
    assert "周六又建成2家" not in text and "推进中" not in text


def _figures(r) -> tuple:  # type: ignore[no-untyped-def]
    return (r.total.completion, r.total.last_completion, dict(r.total.lights), titles(r.completed),
            [(s.line.title, s.last_update) for s in r.stale], [u.note for u in r.updates], r.trend)


def test_a_past_week_ignores_later_and_retracted_rows(wk) -> None:  # type: ignore[no-untyped-def]
    """W40's report, rebuilt after later rows: a done and a percent logged after its cut-off
    (one of each retracted again) change nothing in it, whether or not they still count."""
    from tracker.reports import data

    filed = _figures(data.weekly(ctx(), week="2023-W40"))
    wk.run("task", "update", "6", "--percent", "40", "--by", "李四", "--on", "2023-10-10")
    wk.run("task", "done", "6", "--by", "李四", "--on", "2023-10-11")
    wk.run("undo", "--by", "李四")  # the done row is retracted; the percent stays
    assert _figures(data.weekly(ctx(), week="2023-W40")) == filed
    wk.run("undo", "--by", "李四")  # the percent row too: nothing after the cut-off counts now
    wk.run("task", "done", "3", "--by", "李四", "--on", "2023-10-12")  # a done that counts
    assert _figures(data.weekly(ctx(), week="2023-W40")) == filed
    now = data.weekly(ctx(), week="2023-W41")
    assert "周日到期的事项" in titles(now.completed)


def _more_weeks(w) -> None:  # type: ignore[no-untyped-def]
    """Dones, percents and retractions spread over the trend's weeks."""
    w.run("task", "done", "3", "--by", "王五", "--on", "2023-09-28")
    w.run("undo", "--by", "王五")  # the done is retracted
    w.run("task", "update", "6", "--percent", "30", "--by", "李四", "--on", "2023-10-05")
    w.run("task", "done", "7", "--by", "李四", "--on", "2023-10-11")
    w.run("task", "update", "2", "--value", "9", "--by", "李四", "--on", "2023-10-12")
    w.run("undo", "--by", "李四")  # the value 9 is retracted


def test_trend_from_a_second_process_is_the_trend_of_one_read(wk) -> None:  # type: ignore[no-untyped-def]
    """On SQLite the trend's seven extra weeks of log are read and replayed in a forked child
    while the report reads its own week: the figures are those of the report made in one process,
    whose trend comes from the same replay as the rest."""
    from tracker import parallel, store
    from tracker.reports import data

    _more_weeks(wk)
    c = ctx()
    for week in ("2023-W40", "2023-W41", "2023-W42"):
        alone = data.weekly(c, week=week, background=False)
        assert len(alone.trend) == data.TREND_WEEKS
        assert data.weekly(c, week=week, background=True) == alone
    days = [date(2023, 9, 1), date(2023, 9, 29), date(2023, 10, 6), date(2023, 10, 13)]
    base = c.db.read(lambda conn: data.read_base(conn, None))
    pending = data.trend_in_background(c, base, days)
    if wk.is_sqlite:
        assert parallel.possible()
        assert pending is not None  # the child did run: it is the figures of that run that are compared
        version, points = pending.result()
        assert version == c.db.read(store.data_version) is not None
        assert points == data.trend_points(c, None, days)[1]
        assert list(points) == days
        assert points[date(2023, 10, 13)] == pytest.approx(data.weekly(c, week="2023-W41").total.completion)
    else:  # PostgreSQL keeps no data version to tell that the two reads saw the same rows
        assert pending is None


def test_trend_without_a_data_version_is_worked_out_in_one_process(sqlite_world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A SQLite database missing one of the triggers that count changes (a table rebuilt by
    hand) cannot say whether the child read the same rows: the report is made in one read."""
    from tracker import store
    from tracker.reports import data

    monkeypatch.setenv("TRACKER_TODAY", "2023-10-16")
    build(sqlite_world)
    _more_weeks(sqlite_world)
    c = ctx()
    alone = data.weekly(c, week="2023-W41", background=False)
    c.db.write(lambda conn: conn.execute("DROP TRIGGER board_stamp_progress_update_insert"))
    assert c.db.read(store.data_version) is None
    assert data.weekly(c, week="2023-W41", background=True) == alone
    assert data.trend_points(c, None, [date(2023, 10, 13)])[0] is None
