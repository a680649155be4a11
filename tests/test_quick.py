"""The quick path (``tracker.cli.quick``) reads what typer reads and says what typer says.

The console script reads `task list`, `task show`, `task update` and `board` in their plain
forms without loading typer (issue 15). Here its reading is held to click's own on any command
line, its table of options to typer's commands, and its output, exit code and writes to those
of typer's tree for the same command lines.
"""

from __future__ import annotations

import inspect
import os
import shutil
import sqlite3
import subprocess
import sys
from functools import cache
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as hs

from tracker.cli import daily, quick

VALUES = ["", "12", "x", "第07单位", "教育局", "-1", "--unit", "a=b", "2023-10-09", " 4321 ", "json", "-", "--"]
ODD = ["--help", "-h", "--", "-", "--unit=", "--unit=-x", "-uX", "-u=X", "--correct=1", "--no-correct", "-yt",
       "--bogus", "--un", "--format=json", "--db", "--today=2023-10-09", "-V", "--version", "task", "list", "show",
       "update", "board", "done", "unit", "--install-completion"]
ROOT_TOKENS = ["--db", "--config", "--today", "--db=x.db", "--today=2023-10-09", "--version", "-V", "--help", "-h",
               "--install-completion", "--db=", "--config=-c"]


@cache
def _click_tree() -> Any:
    import typer.main

    from tracker.cli import app

    return typer.main.get_command(app)


def click_reading(argv: list[str]) -> tuple[dict[str, Any], tuple[str, ...], dict[str, Any]] | None:
    """What click makes of ``argv``: the root's parameters, the command's words and its
    parameters; None when it refuses the line or stops early (help, version)."""
    import typer

    from tracker.cli.tree import ClickException

    group = _click_tree()
    try:
        ctx = group.make_context("tracker", list(argv))
        root, words, cmd, sub = ctx.params, [], group, ctx
        args = [*ctx._protected_args, *ctx.args]
        while hasattr(cmd, "resolve_command"):
            if not args:
                return None
            name, cmd, args = cmd.resolve_command(sub, args)
            words.append(name)
            sub = cmd.make_context(name, args, parent=sub)
            args = [*sub._protected_args, *sub.args]
        return root, tuple(words), sub.params
    except (ClickException, typer.Exit):
        return None


def quick_reading(call: quick.Call) -> tuple[dict[str, Any], tuple[str, ...], dict[str, Any]]:
    """The same three things from the quick path's reading, with the body's defaults filled in."""
    words = next(w for w, c in quick.COMMANDS.items() if c is call.command)
    body = inspect.signature(getattr(daily, call.command.body)).parameters
    params = {name: p.default for name, p in body.items() if name != "context"}
    params.update(call.params)
    root = {"db": None, "config": None, "today": None, "version": None, **call.root}  # the version callback returns None
    return root, words, params


@hs.composite
def plain_lines(draw: hs.DrawFn) -> list[str]:
    """A command line in one of the plain forms ``quick`` reads."""
    plain_values = [v for v in VALUES if not v.startswith("-")]
    argv: list[str] = []
    for name in draw(hs.lists(hs.sampled_from(list(quick.ROOT)), max_size=3)):
        value = draw(hs.sampled_from(plain_values))
        argv += [f"{name}={value}"] if draw(hs.booleans()) else [name, value]
    words, command = draw(hs.sampled_from(list(quick.COMMANDS.items())))
    pieces: list[list[str]] = []
    for name in draw(hs.lists(hs.sampled_from(sorted(command.values)), max_size=4)):
        value = draw(hs.sampled_from(plain_values))
        pieces.append([f"{name}={value}"] if name.startswith("--") and draw(hs.booleans()) else [name, value])
    for name in draw(hs.lists(hs.sampled_from(sorted(command.flags) or ["-"]), max_size=2)):
        if name != "-":
            pieces.append([name])
    pieces += [[draw(hs.sampled_from([v for v in plain_values if v]))] for _ in command.arguments]
    order = draw(hs.permutations(range(len(pieces))))
    return argv + list(words) + [tok for i in order for tok in pieces[i]]


@hs.composite
def any_lines(draw: hs.DrawFn) -> list[str]:
    """A plain line with tokens put in, taken out or swapped, or a soup of the tokens."""
    if draw(hs.booleans()):
        argv = draw(plain_lines())
        for _ in range(draw(hs.integers(1, 3))):
            pos = draw(hs.integers(0, len(argv)))
            how = draw(hs.sampled_from(["insert", "delete", "replace"]))
            token = draw(hs.sampled_from(ODD + VALUES + ROOT_TOKENS))
            if how == "insert" or not argv[pos:]:
                argv.insert(pos, token)
            elif how == "delete":
                del argv[pos]
            else:
                argv[pos] = token
        return argv
    return draw(hs.lists(hs.sampled_from(ODD + VALUES + ROOT_TOKENS), max_size=8))


@settings(max_examples=600, deadline=None)
@given(argv=any_lines())
@example(argv=["task", "list", "--unit", "-1"])
@example(argv=["task", "update", "1", "--add", "-1"])
@example(argv=["task", "show", "1", "--", "2"])
@example(argv=["--db", "--today", "task", "list"])
def test_quick_reads_what_click_reads(argv: list[str]) -> None:
    """Whatever the quick path reads, click reads the same way; what click refuses it leaves alone."""
    call = quick.parse(argv)
    if call is not None:
        assert click_reading(argv) == quick_reading(call), argv


@settings(max_examples=300, deadline=None)
@given(argv=plain_lines())
@example(argv=["task", "list", "--unit", "第07单位"])
@example(argv=["task", "show", "4321"])
@example(argv=["board"])
@example(argv=["task", "update", "4321", "--target", "1", "--add", "1", "--note", "基准测试"])
@example(argv=["--db=x.db", "--today", "2023-10-09", "task", "list", "-u", "教育局", "--format=json"])
def test_quick_takes_the_plain_forms(argv: list[str]) -> None:
    call = quick.parse(argv)
    assert call is not None, argv
    assert click_reading(argv) == quick_reading(call), argv


@pytest.mark.parametrize("argv", [["task", "list", "--help"], ["task", "show"], ["task", "show", "1", "2"],
                                  ["task", "list", "-uX"], ["task", "list", "--unit"], ["--version", "board"],
                                  ["task", "done", "1"], ["board", "--db", "x.db"], ["task", "update", "1", "--add", "-1"]])
def test_quick_leaves_the_rest_to_typer(argv: list[str]) -> None:
    assert quick.parse(argv) is None


def test_quick_knows_every_option_of_typers_commands() -> None:
    """The quick path's options, flags and arguments are the commands' own, and its bodies'
    defaults are typer's: an option added to a command must be added here too."""
    from tracker.cli.tree import ClickException  # noqa: F401  (the tree is typer's)

    group = _click_tree()
    for words, command in quick.COMMANDS.items():
        cmd = group
        for word in words:
            cmd = cmd.commands[word]
        values, flags, arguments, defaults = {}, {}, [], {}
        for p in cmd.params:
            if p.param_type_name == "argument":
                arguments.append(p.name)
                continue
            if "--help" in p.opts:
                continue
            for opt in [*p.opts, *p.secondary_opts]:
                (flags if p.is_flag else values)[opt] = p.name
            defaults[p.name] = p.default
        assert (command.values, command.flags, command.arguments) == (values, flags, tuple(arguments)), words
        body = inspect.signature(getattr(daily, command.body)).parameters
        assert {n: p.default for n, p in body.items() if n in defaults} == defaults, words
        assert set(body) == {"context", *defaults, *arguments}, words


# -- the two paths, side by side -------------------------------------------------------------------
QUICK = "import sys; sys.argv = ['tracker', *sys.argv[1:]]\nfrom tracker.entry import main\nmain()"
TYPER = "import sys; sys.argv = ['tracker', *sys.argv[1:]]\nimport tracker.cli as c\nc.main()"


def _run(code: str, args: list[str], cwd: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "COLUMNS": "80"})


@pytest.fixture
def tasks_world(sqlite_world):  # type: ignore[no-untyped-def]
    w = sqlite_world
    w.run("unit", "add", "教育局")
    w.run("unit", "add", "卫健局")
    w.run("task", "add", "新建学校2所", "--unit", "教育局", "--target", "新建学校2所", "--due", "2023-12-31")
    w.run("task", "add", "培训教师300人次", "--unit", "教育局", "--count", "300", "--measure", "人次")
    w.run("task", "add", "家庭医生签约率达到75%", "--unit", "卫健局", "--target", "签约率达到75%")
    w.run("task", "update", "1", "--add", "1", "--note", "一所已开工", "--on", "2023-09-01")
    return w


READS = [
    ["task", "list"], ["task", "list", "--unit", "教育局"], ["task", "list", "-u", "教育局", "--format", "json"],
    ["task", "list", "--format=csv"], ["task", "list", "--status", "红"], ["task", "list", "--status", "紫"],
    ["task", "list", "--format", "xml"], ["task", "list", "--unit", "无此单位"], ["task", "list", "--plan", "x"],
    ["task", "list", "--due-before", "2023-12-31", "--search", "学校"], ["task", "show", "1"],
    ["task", "show", "2", "-f", "json"], ["task", "show", "99"], ["task", "show", "abc"], ["task", "show", ""],
    ["board"], ["board", "--format", "json"], ["board", "-f", "xml"], ["--today", "2023-12-31", "board"],
    ["--today", "明天", "board"], ["--db", "missing.db", "board"], ["--config", "无此文件.toml", "task", "list"],
]


@pytest.mark.parametrize("args", READS)
def test_quick_says_what_typer_says(tasks_world, args) -> None:  # type: ignore[no-untyped-def]
    assert quick.parse(args) is not None
    fast, slow = _run(QUICK, args, tasks_world.path), _run(TYPER, args, tasks_world.path)
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert fast.stdout + fast.stderr


UPDATES = [
    ["task", "update", "1", "--add", "1", "--note", "第二所开工"], ["task", "update", "2", "--value=120", "-m", "培训"],
    ["task", "update", "1", "--value", "1", "--correct"], ["task", "update", "1", "--value", "0", "-y", "--by", "王"],
    ["task", "update", "3", "--target", "1", "--value", "60", "--on", "2023-10-01"], ["task", "update", "1"],
    ["task", "update", "1", "--add", "abc"], ["task", "update", "99", "--add", "1"],
    ["task", "update", "1", "--target", "9", "--add", "1"], ["task", "update", "1", "--on", "2022-01-01", "--add", "1"],
]


@pytest.mark.parametrize("args", UPDATES)
def test_quick_writes_what_typer_writes(tasks_world, args) -> None:  # type: ignore[no-untyped-def]
    """The same update through both paths, each on its own copy of the database: the same
    output, and the same rows added to the log."""
    assert quick.parse(args) is not None
    path = tasks_world.path
    shutil.copy(path / "tracker.db", path / "a.db")
    shutil.copy(path / "tracker.db", path / "b.db")
    fast = _run(QUICK, ["--db", "a.db", *args], path)
    slow = _run(TYPER, ["--db", "b.db", *args], path)
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)

    def log(name: str) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(path / name)
        try:
            return con.execute("SELECT id, task_id, target_id, action, value, percent, note, author, happened_on, correction "
                               "FROM progress_update ORDER BY id").fetchall()
        finally:
            con.close()

    before = log("tracker.db")
    assert log("a.db") == log("b.db")
    assert (len(log("a.db")) > len(before)) == (fast.returncode == 0)


def test_quick_loads_neither_typer_nor_riches_console(tasks_world) -> None:  # type: ignore[no-untyped-def]
    code = ("import sys; sys.argv = ['tracker', 'task', 'list', '--unit', '教育局']\n"
            "from tracker.entry import _quick_run\nrun = _quick_run()\n"
            "try:\n    run()\nexcept SystemExit as e:\n    print('EXIT', e.code)\n"
            "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click')"
            " or m in ('rich.console', 'rich.table', 'tracker.cli.tree')))")
    r = subprocess.run([sys.executable, "-c", code], cwd=tasks_world.path, capture_output=True, text=True, timeout=60)
    assert "EXIT 0" in r.stdout and "LOADED []" in r.stdout, r.stdout + r.stderr
    assert "新建学校2所" in r.stdout


def test_shell_completion_goes_to_typer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tracker.entry import typer_asked

    assert not typer_asked()
    monkeypatch.setenv("_TRACKER_COMPLETE", "complete_bash")
    assert typer_asked()


def test_a_closed_pipe_ends_both_paths_alike(tasks_world) -> None:  # type: ignore[no-untyped-def]
    """`tracker task show 1 | head -1`: the reader goes away; both paths exit 1 and say nothing."""
    for code in (QUICK, TYPER):
        p = subprocess.Popen([sys.executable, "-c", code, "task", "list"], cwd=tasks_world.path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "80"})
        assert p.stdout is not None and p.stderr is not None
        p.stdout.close()
        err = p.stderr.read()
        assert p.wait(timeout=60) == 1, err
        assert err == b""
