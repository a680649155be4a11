"""The commands people type all day, read without loading typer (issue 15).

Loading typer and its click takes 40-60 ms of the 100-150 ms a `tracker task list` takes here,
more than the query and the table together. For `task list`, `task show`, `task update` and
`board`, written in their plain forms, ``parse`` finds the values typer would give the command,
and ``prepare`` returns the run of the same code typer's command calls (``daily``), ended the
same way (``guard``). The plain forms are:

- the root's value options (``--db``, ``--config``, ``--today``) before the command's words;
- then the command's own value options, each as ``--name value``, ``--name=value`` or
  ``-x value``, its flags, and its arguments, in any order (a repeated option: the last wins,
  as in click);
- no value or argument that begins with "-".

Anything else goes to typer, which reads it or says what is wrong: help, ``--version``, an
option the command lacks, ``--``, short options run together, a value that begins with "-", a
missing or an extra argument, shell completion (``entry.typer_asked``). Tests hold ``parse``
to click's own reading of any command line, ``COMMANDS`` to typer's options, and the output of
both paths to each other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from tracker.record import Record

if TYPE_CHECKING:
    from tracker.context import Context

Value = str | bool


class Command(Record):
    """How a command's options are written: option → parameter, for values and for flags."""

    __slots__ = ("body", "values", "flags", "arguments")

    def __init__(self, body: str, values: dict[str, str], flags: dict[str, str], arguments: tuple[str, ...]) -> None:
        self.body = body  # the function in ``daily``
        self.values = values
        self.flags = flags
        self.arguments = arguments


class Call(Record):
    """A command line read: the root options given, the command, and its parameters given."""

    __slots__ = ("root", "command", "params")

    def __init__(self, root: dict[str, str], command: Command, params: dict[str, Value]) -> None:
        self.root = root
        self.command = command
        self.params = params


ROOT = {"--db": "db", "--config": "config", "--today": "today"}
FORMAT = {"--format": "fmt", "-f": "fmt"}
COMMANDS: dict[tuple[str, ...], Command] = {
    ("task", "list"): Command("task_list", {
        "--unit": "unit", "-u": "unit", "--status": "status", "-s": "status", "--due-before": "due_before",
        "--search": "search", "--plan": "plan", **FORMAT}, {}, ()),
    ("task", "show"): Command("task_show", FORMAT, {}, ("task_id",)),
    ("task", "update"): Command("task_update", {
        "--target": "target", "-t": "target", "--value": "value", "--add": "add", "--percent": "percent",
        "--note": "note", "-m": "note", "--by": "by", "--on": "on"},
        {"--correct": "correct", "--yes": "yes", "-y": "yes"}, ("task_id",)),
    ("board",): Command("board", FORMAT, {}, ()),
}


def _option(argv: list[str], i: int, values: dict[str, str], flags: dict[str, str]) -> tuple[str, Value, int] | None:
    """The option at ``argv[i]`` in a plain form: (parameter, value, index after it), else None."""
    arg = argv[i]
    if arg in flags:
        return flags[arg], True, i + 1
    if arg in values:
        if i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            return values[arg], argv[i + 1], i + 2
        return None
    name, eq, value = arg.partition("=")
    if eq and name.startswith("--") and name in values and not value.startswith("-"):
        return values[name], value, i + 1
    return None


def parse(argv: list[str]) -> Call | None:
    """What typer would run for this command line, when it is in a plain form; else None."""
    root: dict[str, str] = {}
    i, n = 0, len(argv)
    while i < n and argv[i].startswith("-"):
        got = _option(argv, i, ROOT, {})
        if got is None:
            return None
        root[got[0]], i = str(got[1]), got[2]
    named = [(w, c) for w, c in COMMANDS.items() if argv[i:i + len(w)] == list(w)]
    if not named:
        return None
    words, command = named[0]
    i += len(words)
    params: dict[str, Value] = {}
    arguments: list[str] = []
    while i < n:
        if argv[i].startswith("-"):
            got = _option(argv, i, command.values, command.flags)
            if got is None:
                return None
            params[got[0]], i = got[1], got[2]
        else:
            arguments.append(argv[i])
            i += 1
    if len(arguments) != len(command.arguments):
        return None
    params.update(zip(command.arguments, arguments, strict=True))
    return Call(root, command, params)


def prepare(call: Call) -> Callable[[], None]:
    """The run of ``call``: its code loaded now (the console script loads with the collector
    paused), run and ended by ``guard`` when called."""
    import tracker.context  # noqa: F401  (what every body uses)
    import tracker.tasks  # noqa: F401
    from tracker.cli import daily, guard, render  # noqa: F401

    body = getattr(daily, call.command.body)
    opened: list[Context] = []

    def context() -> Context:
        if not opened:
            from tracker.context import Context

            root = call.root
            opened.append(Context.load(root.get("config"), root.get("db"), root.get("today")))
        return opened[0]

    def command() -> int | None:
        """The body, its context closed after it, ended as typer's main ends a command."""
        try:
            try:
                body(context, **call.params)
            finally:
                for c in opened:
                    c.close()
        except EOFError:  # typer: a new line, then its abort ("已中止", exit 1)
            sys.stderr.write("\n")
            guard.error("已中止")
            sys.exit(1)
        except KeyboardInterrupt:  # typer: exit 130, nothing said
            return 130
        except BrokenPipeError:  # the reader went away (`| head`): typer exits 1, nothing said
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        return None

    def run() -> None:
        guard.run(command)

    return run
