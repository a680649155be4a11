"""tracker.parallel: a part of a report worked out in a forked child, or not at all."""

from __future__ import annotations

import os
import threading
import time

import pytest

from tracker import parallel

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="forking needs a POSIX system with two processors")


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def _fails() -> None:
    raise ValueError("in the child")


def _dies() -> None:
    os._exit(3)  # gone without a word


def _sleeps() -> None:
    time.sleep(60)


def test_the_result_comes_from_another_process():
    assert parallel.possible(), f"threads left behind by earlier tests: {threading.enumerate()}"
    pending = parallel.start(_pid_and_square, 12)
    assert pending is not None
    pid, square = pending.result()
    assert (pid != os.getpid(), pid == pending.pid, square) == (True, True, 144)
    with pytest.raises(ChildProcessError):
        os.waitpid(pending.pid, os.WNOHANG)  # reaped: no zombie left behind


def test_a_big_result_comes_back_whole():
    pending = parallel.start(lambda: [f"第{i}行" * 20 for i in range(50_000)])  # megabytes: many pipe reads
    assert pending is not None
    assert pending.result() == [f"第{i}行" * 20 for i in range(50_000)]


@pytest.mark.parametrize("fn", [_fails, _dies])
def test_a_child_that_fails_or_dies_gives_none(fn):
    pending = parallel.start(fn)
    assert pending is not None
    assert pending.result() is None


def _dies_in_a_child(parent: int) -> int:
    if os.getpid() != parent:
        os._exit(3)
    return 7


def test_get_works_out_here_what_the_child_failed_to_send():
    pending = parallel.start(_dies_in_a_child, os.getpid())
    assert pending is not None
    assert pending.get() == 7  # made in this process


def test_closing_ends_a_child_still_at_work():
    with parallel.start(_sleeps) as pending:
        assert pending is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pending.pid, os.WNOHANG)
    with pytest.raises(ProcessLookupError):
        os.kill(pending.pid, 0)


def test_no_fork_beside_another_thread_or_when_asked_not_to(monkeypatch):
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not parallel.possible()
        assert parallel.start(_pid_and_square, 2) is None
    finally:
        stop.set()
        worker.join()
    assert parallel.possible()
    monkeypatch.setenv(parallel.SERIAL_ENV, "1")
    assert parallel.start(_pid_and_square, 2) is None
    monkeypatch.setenv(parallel.SERIAL_ENV, "0")
    assert parallel.possible()


def test_a_database_is_forkable_only_with_no_connection_open_to_it(tmp_path):
    from tracker.db import Database

    url = f"sqlite:///{tmp_path / 'a.db'}"
    db, other, same = Database(url), Database(f"sqlite:///{tmp_path / 'b.db'}"), Database(url)
    try:
        assert db.forkable()
        other.conn.scalar("SELECT 1")
        assert db.forkable()  # a connection to another file does not matter
        same.conn.scalar("SELECT 1")
        assert not db.forkable() and not same.forkable()
        same.close()
        assert db.forkable()
    finally:
        db.close()
        other.close()
        same.close()


def test_halfway_splits_the_work_where_half_of_it_is_behind():
    assert parallel.halfway([10] * 4, least=1) == 2
    assert parallel.halfway([1, 1, 100, 1], least=1) == 2  # the big piece goes to the second half
    assert parallel.halfway([100, 1, 1], least=1) == 1  # the middle of the first piece is not past half
    assert parallel.halfway([100], least=1) is None  # nothing would be left for the first half
    assert parallel.halfway([5_000] * 3) is None  # too little work for a second process
    assert parallel.halfway([]) is None
    assert parallel.halfway([10] * 10, least=1, share=0.3) == 7  # the child takes the last three
    assert parallel.halfway([10] * 10, least=1, share=0.45) == 6  # 5.5 pieces' worth: the middle of the 6th is past
