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
output and ends there; otherwise it exits as usual.

`tracker --help` (also `-h`, or no arguments) prints the root help typer renders for a terminal
of 80 columns or more, from the copy of it in ``tracker/cli/root_help.txt``, without loading
typer (65-80 ms here). A test holds the copy to typer's own output; ``make help`` renders it
again. Narrower terminals, another program name and shell completion go through typer.
"""

import gc
import os
import sys

ROOT_HELP = "root_help.txt"


def main() -> None:
    if root_help():
        leave(0)
        sys.exit(0)
    gc.disable()
    try:
        from tracker.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    try:
        run()
    except SystemExit as exc:
        leave(exc.code)
        raise
    leave(0)


def leave(code: object) -> None:
    """End the process with ``code`` at once if that loses nothing; return when it might."""
    import atexit

    if code is None:
        code = 0
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 255:
        return  # a message or an odd code: Python prints or maps it
    pending = getattr(atexit, "_ncallbacks", None)
    threading = sys.modules.get("threading")
    db = sys.modules.get("tracker.db")
    if (pending is None or pending() or threading is not None and threading.active_count() > 1
            or db is not None and db.Connection.open_count or "sqlalchemy" in sys.modules):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a closed pipe: Python's own exit reports it
        return
    os._exit(code)


def root_help() -> bool:
    """Print the stored root help when typer would print the same text (True), else nothing."""
    if sys.argv[1:] not in ([], ["--help"], ["-h"]) or os.path.basename(sys.argv[0]) != "tracker":
        return False
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return False
    try:  # the width click formats help for (shutil.get_terminal_size, capped at 80)
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    if columns < 80:
        return False
    try:
        with open(os.path.join(os.path.dirname(__file__), "cli", ROOT_HELP), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return False
    try:
        sys.stdout.write(text)  # encoded whole before anything is written
    except UnicodeEncodeError:  # an ASCII stdout, where click writes UTF-8 instead: typer prints it
        return False
    return True
