"""Status rules at fixed dates (序时进度)."""

from datetime import date

import pytest

from tracker import status as st

RULES = st.Rules()
H2 = (date(2023, 7, 1), date(2023, 12, 31))


def tgt(**kw):
    base = {"kind": "count", "comparator": ">=", "value": 14, "min_value": None, "max_value": None,
            "start_value": None, "current_value": None}
    base.update(kw)
    return base


@pytest.mark.parametrize(
    "target, expected",
    [
        (tgt(current_value=7), 50.0),
        (tgt(current_value=20), 100.0),  # clamped
        (tgt(current_value=None), 0.0),
        (tgt(comparator="range", value=None, min_value=2, max_value=3, current_value=1), 50.0),
        (tgt(comparator="range", value=None, min_value=2, max_value=3, current_value=3), 100.0),
        (tgt(kind="percent", comparator="<=", value=9.3, current_value=9.0), 100.0),
        (tgt(kind="percent", comparator="<=", value=9.3, current_value=9.3), 100.0),
        (tgt(kind="percent", comparator="<=", value=9.3, start_value=12.3, current_value=10.8), 50.0),
        (tgt(kind="amount", comparator=">=", value=300, start_value=100, current_value=200), 50.0),
    ],
)
def test_target_completion(target, expected):
    assert st.target_completion(target) == pytest.approx(expected)


def test_deadline_target_is_met_only_when_done():
    t = tgt(kind="deadline", value=None)
    assert st.target_completion(t, task_done=False) == 0
    assert st.target_completion(t, task_done=True) == 100


def test_task_completion_prefers_targets_then_percent_then_children():
    targets = [tgt(current_value=7), tgt(value=10, current_value=10)]
    assert st.task_completion(targets, percent=10, children=[0], done=False) == pytest.approx(75)
    assert st.task_completion([], percent=40, children=[100], done=False) == 40
    assert st.task_completion([], percent=None, children=[100, 50], done=False) == 75
    assert st.task_completion([tgt(kind="deadline")], percent=None, children=[], done=False) == 0
    assert st.task_completion([], percent=None, children=[], done=True) == 100


def test_expected_progress_is_elapsed_share():
    assert st.expected_progress(*H2, date(2023, 7, 1)) == 0
    assert st.expected_progress(*H2, date(2023, 12, 31)) == 100
    assert st.expected_progress(*H2, date(2023, 10, 1)) == pytest.approx(92 / 183 * 100)
    assert st.expected_progress(None, None, date(2023, 10, 1)) is None


@pytest.mark.parametrize(
    "completion, today, expected_status",
    [
        (100, date(2023, 8, 1), st.DONE),
        (50, date(2024, 1, 2), st.RED),  # past deadline, not done
        (50, date(2023, 10, 1), st.GREEN),  # expected 50.3 → lag 0.3
        (39, date(2023, 10, 1), st.YELLOW),  # lag 11.3 > 10
        (41, date(2023, 10, 1), st.GREEN),  # lag 9.3
        (20, date(2023, 10, 1), st.RED),  # lag 30.3 > 30
        (25, date(2023, 10, 1), st.YELLOW),  # lag 25.3
        (95, date(2023, 12, 20), st.YELLOW),  # due within 14 days
        (95, date(2023, 12, 17), st.YELLOW),  # exactly 14 days left
        (95, date(2023, 12, 16), st.GREEN),  # 15 days left, on pace
        (80, date(2023, 12, 16), st.YELLOW),  # expected 91.8 → lag 11.8
    ],
)
def test_task_status_bands(completion, today, expected_status):
    assert st.task_status(completion, *H2, today, RULES) == expected_status


def test_bands_are_configurable_like_sanya():
    sanya = st.Rules(yellow_band=10, red_band=50, due_soon_days=14)
    assert st.task_status(20, *H2, date(2023, 10, 1), RULES) == st.RED
    assert st.task_status(20, *H2, date(2023, 10, 1), sanya) == st.YELLOW
    assert st.task_status(0, *H2, date(2023, 10, 1), sanya) == st.RED


def test_due_soon_window_is_configurable():
    wide = st.Rules(due_soon_days=100)
    assert st.task_status(95, *H2, date(2023, 10, 1), RULES) == st.GREEN
    assert st.task_status(95, *H2, date(2023, 10, 1), wide) == st.YELLOW


def test_overdue_target_turns_task_red():
    assert st.task_status(80, *H2, date(2023, 10, 1), RULES, overdue_target=True) == st.RED


def test_pace_classes():
    assert st.pace(100, 50, RULES, False) == "已完成"
    assert st.pace(70, 50, RULES, False) == "超进度"
    assert st.pace(52, 50, RULES, False) == "达进度"
    assert st.pace(30, 50, RULES, False) == "欠进度"


def test_status_aliases():
    assert st.parse_status("red") == st.RED
    assert st.parse_status("完成") == st.DONE
    assert st.parse_status("purple") is None


def test_reading_completion_is_target_completion_at_each_value():
    """The trend's per-target function gives what ``target_completion`` gives the target holding
    that value, for every comparator, start, goal and reading (None and zero included)."""
    from hypothesis import given, settings
    from hypothesis import strategies as s

    num = s.one_of(s.none(), s.integers(-50, 200).map(float), s.floats(-1e6, 1e6, allow_nan=False))

    @settings(max_examples=400, deadline=None)
    @given(s.sampled_from([">=", "<=", "=", "range", None]), num, num, num, num, num)
    def check(comparator, value, lo, hi, start, current):  # type: ignore[no-untyped-def]
        target = tgt(comparator=comparator, value=value, min_value=lo, max_value=hi, start_value=start)
        assert st.reading_completion(target)(current) == st.target_completion({**target, "current_value": current})

    check()
