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
"""

import gc
import os
import sys


def main() -> None:
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
