"""Past states rebuilt from the append-only progress log.

The state at the end of a day is what ``tasks.recompute`` would have stored had nothing happened
after it: the current value of each target, and the logged percent, done date, last update and
latest note of each task. ``replay`` applies log rows in order to a starting state (nothing
logged, or the state of an earlier day that ``data.load_at`` looks up) and keeps the states of
the days asked for. From a state, ``views_at`` computes full task views (completion, 序时进度,
status) as of that day, and ``CompletionModel`` just the completions, cheaply, for trends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker import status as st
from tracker.tasks import TaskView, build_views


@dataclass
class State:
    """What the log says at the end of one day."""

    values: dict[int, float] = field(default_factory=dict)  # target id -> current value
    percent: dict[int, float] = field(default_factory=dict)  # task id -> logged percent
    done_on: dict[int, str] = field(default_factory=dict)  # task id -> day marked done
    last_on: dict[int, str] = field(default_factory=dict)  # task id -> day of its last update
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)  # task id -> log row of its newest note

    def copy(self) -> State:
        return State(dict(self.values), dict(self.percent), dict(self.done_on), dict(self.last_on),
                     dict(self.notes))


def apply(state: State, r: dict[str, Any]) -> None:
    """Apply one effective log row (update, done or reopen), as ``tasks.recompute`` does.

    Rows must come in replay order (``store.report_log``); dates are ISO strings.
    """
    task_id = r["task_id"]
    value = r["value"]
    if value is not None and r["target_id"] is not None:
        state.values[r["target_id"]] = value
    if r["percent"] is not None:
        state.percent[task_id] = r["percent"]
    day = r["happened_on"]
    action = r["action"]
    if action == "done":
        state.done_on[task_id] = day
    elif action == "reopen":
        state.done_on.pop(task_id, None)
    state.last_on[task_id] = day  # rows come in day order: the last one is the latest
    if r["note"]:
        # The latest note is the one written last (rows are replayed in the order things happened).
        old = state.notes.get(task_id)
        if old is None or (old["recorded_at"], old["id"]) <= (r["recorded_at"], r["id"]):
            state.notes[task_id] = r


@dataclass
class Replay:
    states: dict[date, State]  # the state at the end of each kept day
    overall: dict[date, float]  # mean completion of the top-level tasks, for each day of a series
    completions: dict[date, dict[int, float]]  # every task's completion, on kept days of the series


def replay(log: list[dict[str, Any]], keep: list[date], model: CompletionModel | None = None,
           days: list[date] | None = None, tops: list[int] | None = None, start: State | None = None) -> Replay:
    """One pass over the log: the state at the end of each day in ``keep``, and, with a model,
    the mean completion of the top-level tasks (or of ``tops``) at the end of each of ``days``
    (only the tasks a day's updates touched, and their ancestors, are recomputed).

    ``start`` is the state before the first row of ``log`` (default: nothing logged yet).
    """
    states: dict[date, State] = {}
    overall: dict[date, float] = {}
    kept: dict[date, dict[int, float]] = {}
    wanted = set(days or [])
    state = start.copy() if start is not None else State()
    comp: dict[int, float] | None = None
    n, i, since = len(log), 0, 0  # since: the first row after the last day a completion was taken
    for day in sorted(set(keep) | wanted):
        key = day.isoformat()
        while i < n and log[i]["happened_on"] <= key:
            apply(state, log[i])
            i += 1
        if day in keep:
            states[day] = state.copy()
        if model is not None and day in wanted:
            comp = model.advance(comp, state, {r["task_id"] for r in log[since:i]})
            since = i
            overall[day] = model.mean(comp, tops)
            if day in keep:
                kept[day] = dict(comp)
    return Replay(states, overall, kept)


def overall_series(model: CompletionModel, start: State, log: list[tuple[Any, ...]], days: list[date]) -> dict[
        date, float]:
    """``replay(...).overall`` for a trend, from ``store.trend_log_after``'s tuples: only what a
    completion depends on (values, percents, done) is applied, to ``start`` itself.

    The trend replays seven weeks of the log where the rest of a weekly report replays one; the
    notes and last-update dates ``apply`` keeps are never looked at for it.
    """
    values, percent, done_on = start.values, start.percent, start.done_on
    out: dict[date, float] = {}
    comp: dict[int, float] | None = None
    n, i = len(log), 0
    for day in sorted(days):
        key = day.isoformat()
        dirty: set[int] = set()
        while i < n and log[i][5] <= key:
            task_id, target_id, action, value, pct, happened_on = log[i]
            if value is not None and target_id is not None:
                values[target_id] = value
            if pct is not None:
                percent[task_id] = pct
            if action == "done":
                done_on[task_id] = happened_on
            elif action == "reopen":
                done_on.pop(task_id, None)
            dirty.add(task_id)
            i += 1
        comp = model.advance(comp, start, dirty)
        out[day] = model.mean(comp)
    return out


def states_at(log: list[dict[str, Any]], days: list[date]) -> dict[date, State]:
    """The state at the end of each day, from log rows in replay order (one pass)."""
    return replay(log, days).states


def with_state(rows: list[dict[str, Any]], targets: list[dict[str, Any]], state: State) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]]]:
    """Copies of task and target rows carrying the state's derived values (the inputs are kept)."""
    new_rows = []
    for r in rows:
        tid = int(r["id"])
        new_rows.append({**r, "percent": state.percent.get(tid), "done_on": state.done_on.get(tid),
                         "last_update_on": state.last_on.get(tid)})
    new_targets = [{**t, "current_value": state.values.get(int(t["id"]))} for t in targets]
    return new_rows, new_targets


# How ``tasks.edit_task`` logs a deadline change: "截止日期：2023-11-30 → 2023-12-15" ("（空）": none).
_DEADLINE_EDIT = re.compile(r"截止日期[：:]\s*(\S+?)\s*→\s*(\S+?)\s*(?:[；;]|$)")


def deadlines_at(edits: list[dict[str, Any]], day: date) -> dict[int, str | None]:
    """The deadline column of each task whose deadline was edited after ``day``, as it stood at
    the end of ``day``: the old value of its first later deadline edit (edits in log order)."""
    key = day.isoformat()
    out: dict[int, str | None] = {}
    for e in edits:
        tid = int(e["task_id"])
        if str(e["happened_on"])[:10] <= key or tid in out:
            continue
        m = _DEADLINE_EDIT.search(e["note"] or "")
        if m:
            old = m.group(1)
            out[tid] = None if old in ("（空）", "(空)", "无") else old[:10]
    return out


def rows_at(rows: list[dict[str, Any]], edits: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """Task rows with the deadlines they had at the end of ``day`` (the inputs are kept)."""
    then = deadlines_at(edits, day)
    if not then:
        return rows
    return [{**r, "deadline": then[int(r["id"])]} if int(r["id"]) in then else r for r in rows]


def views_at(rows: list[dict[str, Any]], targets: list[dict[str, Any]], state: State, day: date,
             rules: st.Rules) -> dict[int, TaskView]:
    """Full task views as of ``day`` (status against that day's 序时进度)."""
    new_rows, new_targets = with_state(rows, targets, state)
    return build_views(new_rows, new_targets, day, rules)


class CompletionModel:
    """Task completions for many states without building views: the task tree and the numeric
    targets are laid out once, then each state costs one pass over them (``completions``), or,
    along the log, only the tasks a day's updates touched and their ancestors (``series``)."""

    def __init__(self, rows: list[dict[str, Any]], targets: list[dict[str, Any]]):
        ids = {int(r["id"]) for r in rows}
        self.parent: dict[int, int | None] = {
            int(r["id"]): (r["parent_id"] if r["parent_id"] in ids else None) for r in rows}
        children: dict[int, list[int]] = {i: [] for i in ids}
        for r in rows:
            p = r["parent_id"]
            if p is not None and p in ids:
                children[p].append(int(r["id"]))
        self.children = children
        # Each numeric target as its id and its completion as a function of its current value.
        numeric: dict[int, list[tuple[int, Callable[[float | None], float | None]]]] = {i: [] for i in ids}
        for t in targets:
            tid = int(t["task_id"])
            if tid in ids and t["kind"] in st.NUMERIC_KINDS:
                numeric[tid].append((t["id"], st.reading_completion(t)))
        self.targets = {tid: tuple(pairs) for tid, pairs in numeric.items()}  # tuples: walked for every state
        # Children before parents.
        order: list[int] = []
        seen: set[int] = set()
        for root in (int(r["id"]) for r in rows):
            if root in seen:
                continue
            stack = [(root, False)]
            while stack:
                node, expanded = stack.pop()
                if expanded:
                    order.append(node)
                    continue
                if node in seen:
                    continue
                seen.add(node)
                stack.append((node, True))
                stack.extend((ch, False) for ch in children[node] if ch not in seen)
        self.order = order
        self.rank = {tid: i for i, tid in enumerate(order)}
        self.tops = [int(r["id"]) for r in rows if self.parent[int(r["id"])] is None]
        self._seen: dict[int, tuple[float | None, float | None]] = {}  # target id -> (value, completion)

    def _one(self, tid: int, state: State, out: dict[int, float]) -> float:
        if tid in state.done_on:
            return 100.0
        total, count = 0.0, 0
        values, seen = state.values, self._seen
        for key, completion in self.targets[tid]:
            value = values.get(key)
            hit = seen.get(key)
            if hit is not None and hit[0] == value:
                c = hit[1]
            else:  # most targets keep their value from one state to the next
                c = completion(value)
                seen[key] = (value, c)
            if c is not None:
                total += c
                count += 1
        if count:
            return total / count
        if tid in state.percent:
            return st.clamp(state.percent[tid])
        kids = self.children[tid]
        if kids:
            return sum(out[k] for k in kids) / len(kids)
        return 0.0

    def completions(self, state: State, day: date | None = None) -> dict[int, float]:
        """Completion (0–100) of every task in the given state (the same as ``views_at``)."""
        out: dict[int, float] = {}
        for tid in self.order:
            out[tid] = self._one(tid, state, out)
        return out

    def refresh(self, comp: dict[int, float], state: State, dirty: set[int]) -> None:
        """Update ``comp`` (completions of an earlier state) for tasks whose log changed."""
        touched: set[int] = set()
        for tid in dirty:
            node: int | None = tid
            while node is not None and node not in touched and node in self.rank:
                touched.add(node)
                node = self.parent[node]
        for tid in sorted(touched, key=self.rank.__getitem__):
            comp[tid] = self._one(tid, state, comp)

    def advance(self, comp: dict[int, float] | None, state: State, dirty: set[int]) -> dict[int, float]:
        """The completions in ``state``: all of them the first time (``comp`` None), else ``comp``
        with the tasks in ``dirty`` (changed since) and their ancestors recomputed."""
        if comp is None:
            return self.completions(state)
        if dirty:
            self.refresh(comp, state, dirty)
        return comp

    def mean(self, comp: dict[int, float], tops: list[int] | None = None) -> float:
        """The mean completion of the top-level tasks (or of ``tops``)."""
        chosen = self.tops if tops is None else tops
        return sum(comp[t] for t in chosen) / len(chosen) if chosen else 0.0

    def series(self, log: list[dict[str, Any]], days: list[date], tops: list[int] | None = None) -> dict[
            date, float]:
        """Mean completion of the top-level tasks (or of ``tops``) at the end of each day."""
        return replay(log, [], self, days, tops).overall
