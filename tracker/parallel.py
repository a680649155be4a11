"""A report's independent parts worked out in a forked child, on the machine's second core.

``start(fn, *args)`` forks: the child computes ``fn(*args)`` and sends the result back pickled
through a pipe while the caller goes on with its own part; ``Pending.result()`` waits for it.
Only where a fork is safe, else ``start`` returns None and the caller does the work itself:

- a POSIX system (``os.fork``) with more than one processor for this process;
- one thread in the process: the scheduler runs its jobs in worker threads, and a lock another
  thread holds at the fork would stay locked in the child for ever;
- no connection open to the database the child reads (``db.Database.forkable``, the caller's
  to check): SQLite's connections must not cross a fork, so the caller closes its own first
  and each side opens a new one;
- ``TRACKER_SERIAL`` not set (to anything but empty or 0): one process for every report.

The child never returns into the caller's code: it ends with ``os._exit`` (no atexit handlers,
no flushing of the caller's buffered output). A child that fails, is killed or sends nothing
gives ``Pending.result()`` None; the caller then does that part itself (``Pending.get``).
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import Any

SERIAL_ENV = "TRACKER_SERIAL"
MIN_CELLS = 20_000  # less work than these many table cells is done in one process (a fork costs milliseconds)


def halfway(weights: list[int], least: int = MIN_CELLS, share: float = 0.5) -> int | None:
    """Where the child's part of some pieces of work begins, weighed (table cells, say): the
    first piece whose middle lies past ``1 - share`` of the total (``share``: the child's part);
    None when the total is under ``least`` or the split would leave one side empty."""
    total = sum(weights)
    if total < least:
        return None
    done, mine = 0, total * (1 - share)
    for i, w in enumerate(weights):
        if done + w / 2 >= mine:
            return i if i > 0 else None
        done += w
    return None


def possible() -> bool:
    """Whether ``start`` may fork here (see the module)."""
    if not hasattr(os, "fork") or _processors() < 2 or threading.active_count() != 1:
        return False
    return os.environ.get(SERIAL_ENV, "").strip() in ("", "0")


def _processors() -> int:
    """The processors this process may run on (a container's share, where the system says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Pending:
    """A child's result on its way."""

    def __init__(self, pid: int, fd: int, fn: Callable[..., Any], args: tuple[Any, ...]):
        self.pid, self.fd = pid, fd
        self._work = fn, args
        self._done = False

    def result(self) -> Any:
        """The child's ``fn(*args)``, or None when it failed (waits for the child to end)."""
        if self._done:
            raise RuntimeError("result already taken")
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        finally:
            self._reap()
        try:
            ok, value = pickle.loads(b"".join(chunks))
        except Exception:  # nothing or half a message: the child died on the way
            return None
        return value if ok else None

    def get(self) -> Any:
        """The child's ``fn(*args)``, or, when it failed, ``fn(*args)`` worked out here."""
        value = self.result()
        if value is None:
            fn, args = self._work
            value = fn(*args)
        return value

    def close(self) -> None:
        """End a child whose result is no longer wanted (the caller failed on its side)."""
        if not self._done:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _reap(self) -> None:
        self._done = True
        os.close(self.fd)
        os.waitpid(self.pid, 0)

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start(fn: Callable[..., Any], *args: Any) -> Pending | None:
    """``fn(*args)`` in a forked child, or None where a fork is not safe (see the module)."""
    if not possible():
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return Pending(pid, read_end, fn, args)
    code = 1  # the child: whatever happens, it ends here
    try:
        os.close(read_end)
        try:
            message = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            message = pickle.dumps((False, None))
        view = memoryview(message)
        while view:
            view = view[os.write(write_end, view):]
        code = 0
    finally:
        os._exit(code)
