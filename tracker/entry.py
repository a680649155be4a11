"""The `tracker` console script: the CLI loaded with the cyclic garbage collector paused, and left
without tearing the interpreter down when nothing is left to do at exit.

Loading typer, click, rich's width tables and our modules allocates tens of thousands of objects
and almost no garbage, yet with the collector on those allocations set off some forty
collections, the later ones walking everything loaded so far: 15-20 ms of every command's
start (bench/PROFILE.md). The collector is switched back on before the command runs, with what
was loaded frozen out of its walks, so long runs (the scheduler, large imports) collect as usual.

Tearing down an interpreter that has loaded typer (freeing every module, class and function one
by one) takes another 8 ms, after the command has finished and its database is closed (the
CLI's context closes it: on SQLite the last close copies the write-ahead log back into the
file). When nothing could still need the interpreter (no exit handler registered, no other
thread, no database connection left open, SQLAlchemy not loaded), the process flushes its
output and ends there; otherwise it exits as usual. openpyxl's handler, which deletes leftover
temporary files, is run first when it is the only one. A report command leaves its millions of
objects to that end (``keep_until_exit``) rather than freeing them one by one.

`task list`, `task show`, `task update` and `board`, written in their plain forms, are read and
run without loading typer (``tracker.cli.quick``): typer and its click are 40-60 ms of the
100-150 ms such a command took. Every other command line goes through typer's tree.

`tracker --help` (also `-h`, or no arguments) prints the root help typer renders for a terminal
of 80 columns or more, from the copy of it in ``tracker/cli/root_help-typer-<version>.txt``,
without loading typer (65-80 ms here). A test holds the copy to typer's own output; ``make help``
renders it again. Another typer, narrower terminals, another program name, shell completion and
output typer would write otherwise go through typer.
"""

import gc
import os
import sys
from collections.abc import Callable

ROOT_HELP = "root_help-typer-{}.txt"  # rendered by `make help`
ROOT_HELP_ARGS: tuple[list[str], ...] = ([], ["--help"], ["-h"])  # the command lines that print the root help


_kept: list[object] = []  # what a command left for the process's end (``keep_until_exit``)
_main = False  # the console script is running: ``leave`` ends the process after the command


def keep_until_exit(obj: object) -> bool:
    """Leave ``obj`` alive to the end of the process, when the console script runs the command
    and so will likely end the process without freeing it (True); otherwise do nothing.

    A report holds millions of small objects: freeing them one by one takes a tenth of a second
    after its file is written. They are frozen out of the collector's walks as well.
    """
    if not _main:
        return False
    _kept.append(obj)
    gc.freeze()
    return True


def main() -> None:
    global _main
    if root_help():
        leave(0)
        sys.exit(0)
    _main = True
    gc.disable()
    try:
        run = _quick_run() or _typer_run()
    finally:
        gc.freeze()
        gc.enable()
    try:
        run()
    except SystemExit as exc:
        leave(exc.code)
        raise
    leave(0)


def _quick_run() -> Callable[[], None] | None:
    """The command line's run without typer, when ``tracker.cli.quick`` reads it; else None."""
    from tracker.cli import quick

    call = None if typer_asked() else quick.parse(sys.argv[1:])
    return None if call is None else quick.prepare(call)


def _typer_run() -> Callable[[], None]:
    """The command line's run through typer's tree, typer loaded now (with the collector paused)."""
    from tracker.cli import tree

    return tree.main


def leave(code: object) -> None:
    """End the process with ``code`` at once if that loses nothing; return when it might."""
    import atexit

    if code is None:
        code = 0
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 255:
        return  # a message or an odd code: Python prints or maps it
    pending = getattr(atexit, "_ncallbacks", None)
    handlers = -1 if pending is None else pending()  # -1: not known
    if handlers == 1 and _ran_openpyxls_handler():
        handlers = 0
    threading = sys.modules.get("threading")
    db = sys.modules.get("tracker.db")
    if (handlers or threading is not None and threading.active_count() > 1
            or db is not None and db.Connection.open_count or "sqlalchemy" in sys.modules):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a closed pipe: Python's own exit reports it
        return
    os._exit(code)


def _ran_openpyxls_handler() -> bool:
    """With one exit handler registered: if it is openpyxl's (it deletes the temporary files of
    write-only sheets that were not saved), run it now and say so.

    openpyxl registers it when its writer module is imported; the count of handlers atexit
    keeps counts every one ever registered, so one in all with that module loaded is that one.
    """
    writer = sys.modules.get("openpyxl.worksheet._writer")
    handler = getattr(writer, "_openpyxl_shutdown", None)
    if handler is None:
        return False
    handler()
    return True


def completing() -> bool:
    """Shell completion is asking (click's ``_<PROG>_COMPLETE`` variable): the whole tree, via typer."""
    return any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ)


def typer_asked() -> bool:
    """Shell completion or a typer setting (``_TYPER_…``) in the environment: typer itself reads
    the command line, neither the stored root help nor the quick path."""
    return completing() or any(k.startswith("_TYPER") for k in os.environ)


def typer_version() -> str | None:
    """The version of the typer that ``import typer`` would load, read from its source (None
    when it is not found there: a zip, a frozen build)."""
    for entry in sys.path:
        try:
            with open(os.path.join(entry or ".", "typer", "__init__.py"), encoding="utf-8") as f:
                head = f.read(2000)
        except OSError:
            continue
        _, found, rest = head.partition('__version__ = "')
        return rest.split('"', 1)[0] if found else None
    return None


def root_help() -> bool:
    """Print the stored root help when typer would print the same text (True), else nothing.

    The copy is the one rendered by the typer installed (``root_help-typer-<version>.txt``). It is
    encoded strictly in the stream's encoding (where every character encodes, the stream's
    error handler never comes into play) and written straight to its file, so that a stream
    typer would treat otherwise (none, an encoding missing some character, a broken pipe) gets
    typer itself, with nothing written before.
    """
    if sys.argv[1:] not in ROOT_HELP_ARGS or os.path.basename(sys.argv[0]) != "tracker":
        return False
    if typer_asked():
        return False
    out = sys.stdout
    if out is None:  # started with no standard output
        return False
    try:  # the width click formats help for (shutil.get_terminal_size, capped at 80)
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(out.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    version = typer_version()
    if columns < 80 or version is None:
        return False
    try:
        with open(os.path.join(os.path.dirname(__file__), "cli", ROOT_HELP.format(version)), encoding="utf-8") as f:
            data = f.read().encode(out.encoding)
        fd = out.fileno()
    except (OSError, LookupError, UnicodeError, ValueError):  # no copy for this typer; ASCII output
        return False
    try:
        written = os.write(fd, data)  # 2 KB: one write, all or nothing on a pipe
    except OSError:
        return False
    while written < len(data):  # a terminal or file that took part of it
        written += os.write(fd, data[written:])
    return True
