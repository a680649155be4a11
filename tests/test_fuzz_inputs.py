"""Hypothesis: the config loader and the CLI's number, date and name options never crash.

Any input gives a result or a clear Chinese error with exit code 2, and an error writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tracker.config import load_config
from tracker.errors import ConfigError

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

toml_scalar = st.one_of(
    st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans(), st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
)


@FUZZ
@given(
    section=st.sampled_from(["database", "general", "status", "report", "schedule", "notify", "其他", "x"]),
    key=st.sampled_from(["url", "timezone", "yellow_band", "red_band", "due_soon_days", "reports_dir",
                         "workdays_only", "channels", "overdue", "max_attempts", "未知"]),
    value=toml_scalar,
)
def test_config_loader_gives_settings_or_config_error(section, key, value):
    def lit(v):
        return json.dumps(v, ensure_ascii=False) if not isinstance(v, bool) else str(v).lower()

    body = '[database]\nurl = "sqlite:///x.db"\n' if section != "database" else ""
    body += f"[{section}]\n{key} = {lit(value) if not isinstance(value, list) else json.dumps(value)}\n"
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "config.toml"
        p.write_text(body, encoding="utf-8")
        try:
            cfg = load_config(str(p))
        except ConfigError as exc:
            assert str(p) in exc.message
        else:
            assert cfg.get("status", "yellow_band") <= cfg.get("status", "red_band")


@FUZZ
@given(raw=st.binary(max_size=200))
def test_config_loader_on_arbitrary_bytes(raw):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "config.toml"
        p.write_bytes(raw)
        try:
            load_config(str(p))
        except ConfigError as exc:
            assert exc.message


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory):
    """One database with a unit and a task; every fuzzed command must leave it unchanged on error."""
    import os

    d = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{d / 'f.db'}"
    runner = CliRunner()
    from tracker.cli import app

    env = {"TRACKER_DB": url, "TRACKER_TODAY": "2023-10-09", "TRACKER_USER": "fuzz"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for args in (["init"], ["unit", "add", "县水利局"],
                     ["task", "add", "水库除险加固", "--unit", "县水利局", "--count", "3", "--measure", "座"]):
            assert runner.invoke(app, args).exit_code == 0
        yield d / "f.db", runner
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def snapshot(path: Path) -> tuple:
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("unit", "task", "target", "progress_update"))
    finally:
        con.close()


ARGS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
COMMANDS = [
    lambda x: ["task", "update", "1", "--value", x],
    lambda x: ["task", "update", "1", "--add", x],
    lambda x: ["task", "update", "1", "--percent", x],
    lambda x: ["task", "update", "1", "--value", "1", "--on", x],
    lambda x: ["task", "update", x, "--value", "1"],
    lambda x: ["task", "update", "1", "--target", x, "--value", "1"],
    lambda x: ["task", "show", x],
    lambda x: ["task", "list", "--unit", x],
    lambda x: ["task", "list", "--status", x],
    lambda x: ["task", "list", "--due-before", x],
    lambda x: ["task", "list", "--plan", x],
    lambda x: ["task", "add", "t", "--unit", "县水利局", "--count", x],
    lambda x: ["task", "add", "t", "--unit", "县水利局", "--percent", x],
    lambda x: ["task", "add", "t", "--unit", x],
    lambda x: ["task", "add", "t", "--unit", "县水利局", "--due", x],
    lambda x: ["--today", x, "task", "list"],
]


@FUZZ
@given(which=st.integers(0, len(COMMANDS) - 1), value=ARGS)
@example(which=4, value="²")  # a digit to str.isdigit, not to int(): found by this test
def test_cli_options_never_crash(fuzz_db, which, value):
    from tracker.cli import app

    path, runner = fuzz_db
    args = COMMANDS[which](value)
    before = snapshot(path)
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), (args, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "错误" in result.output
        assert snapshot(path) == before
