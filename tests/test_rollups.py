"""The stored rollups (completion, target deadlines) always equal a live computation."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import store, tasks
from tracker.context import Context


def stored_vs_live(ctx: Context) -> tuple[dict, dict]:
    def run(c):
        rows = store.task_rows(c)
        live = tasks.build_views(rows, store.target_rows(c), ctx.today, ctx.rules)
        stored = tasks.build_views(rows, None, ctx.today, ctx.rules)
        return ({i: (round(v.completion, 6), v.status, v.deadline) for i, v in live.items()},
                {i: (round(v.completion, 6), v.status, v.deadline) for i, v in stored.items()})

    return ctx.db.read(run)


OPS = st.lists(st.tuples(st.sampled_from(["value", "percent", "done", "undo", "child"]),
                         st.integers(1, 6), st.integers(0, 30)), min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=OPS)
def test_rollups_match_live_after_any_sequence(sqlite_world, ops):
    w = sqlite_world
    import os

    db_file = w.path / "tracker.db"
    for suffix in ("", "-wal", "-shm"):
        p = db_file.with_name(db_file.name + suffix)
        if p.exists():
            os.remove(p)
    ctx = Context.load()
    ctx.create = True
    tasks.add_unit(ctx, "区卫生健康局")
    top = tasks.add_task(ctx, "医院做强", unit="区卫生健康局", due=ctx.today.replace(month=12, day=31))
    kids = [top]
    for i, kind in enumerate(("count", "percent", "amount")):
        kids.append(tasks.add_task(ctx, f"子任务{i}", parent_id=top, targets=[
            tasks.NewTarget(kind=kind, value=20 if kind != "percent" else 90, comparator=">=",
                            deadline=ctx.today.replace(day=1 + i))]))
    for op, n, x in ops:
        tid = kids[(n - 1) % len(kids)]
        try:
            if op == "value":
                tasks.log_update(ctx, tid, value=x)
            elif op == "percent":
                tasks.log_update(ctx, tid, percent=min(100, x * 4))
            elif op == "done":
                tasks.mark_done(ctx, tid)
            elif op == "undo":
                tasks.undo_last(ctx)
            else:
                kids.append(tasks.add_task(ctx, f"新子任务{x}", parent_id=tid))
        except Exception as exc:  # noqa: BLE001 - only refused input is expected here
            from tracker.errors import InputError

            assert isinstance(exc, InputError)
        live, stored = stored_vs_live(ctx)
        assert stored == live, (op, n, x)
    ctx.close()


def test_board_uses_rollups_and_agrees_with_list(world):
    w = world
    w.run("unit", "add", "县水利局")
    w.run("task", "add", "水库除险加固", "--unit", "县水利局", "--due", "2023-12-31")
    w.run("task", "add", "小型水库", "--parent", "1", "--count", "3", "--measure", "座")
    w.run("task", "add", "山塘整治", "--parent", "1", "--count", "10", "--measure", "处", "--due", "2023-09-30")
    w.run("task", "update", "2", "--value", "3")
    listed = {t["id"]: t for t in w.json("task", "list")}
    assert listed[3]["status"] == "红"  # its own target was due 2023-09-30
    assert listed[1]["progress"] == 50.0 and listed[1]["status"] == "绿"  # mean of children, on pace
    [row] = w.json("board")  # counts top-level tasks, from the stored rollups
    assert row["completion"] == 50.0
    assert row["counts"] == {"绿": 1, "黄": 0, "红": 0, "完成": 0}
