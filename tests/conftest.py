"""Shared fixtures: a temporary world per test (config, database, fixed today), on SQLite and PostgreSQL.

Database-touching tests take the ``world`` fixture and run once per backend. The PostgreSQL
server is started once per session; each test gets its own database cloned from a migrated
template. Without a server the PostgreSQL runs are skipped with the reason, unless
TRACKER_REQUIRE_POSTGRES=1 (set by .ci/run), which turns that into a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TODAY = "2023-10-09"

_counter = itertools.count()


@pytest.fixture(autouse=True)
def _no_worker_threads_left() -> Iterator[None]:
    """apprise keeps two thread pools for the rest of the process once it has sent something; a
    test that sent leaves none behind, so that the tests after it run in one thread, as a
    command does (``tracker.parallel`` works out parts of a report in a forked child only then)."""
    yield
    import sys

    module = sys.modules.get("apprise.apprise")
    for name in ("_shared_executor", "_coordinator_executor"):
        pool = getattr(module, name, None)
        if pool is not None:
            pool.shutdown(wait=True)
            setattr(module, name, None)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    from tests.pgserver import PostgresServer

    try:
        server = PostgresServer().start()
    except Exception as exc:  # noqa: BLE001 - reported as the skip reason
        if os.environ.get("TRACKER_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL 测试服务器无法启动：{exc}")
        pytest.skip(f"PostgreSQL 测试服务器无法启动：{exc}")
    try:
        server.admin("CREATE DATABASE tracker_template")
        from tracker.db import Database

        db = Database(server.url("tracker_template"))
        db.ensure_schema()
        db.close()
        yield server
    finally:
        server.stop()


def fresh_pg_url(server: Any) -> str:
    name = f"t{os.getpid()}_{next(_counter)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE tracker_template")
    return str(server.url(name))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    server = request.getfixturevalue("pg_server")
    return fresh_pg_url(server)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no schema at all (for migration tests)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server = request.getfixturevalue("pg_server")
    name = f"e{os.getpid()}_{next(_counter)}"
    server.admin(f"CREATE DATABASE {name}")
    return str(server.url(name))


@dataclass
class World:
    """One test's temporary world: its folder, database URL and a CLI runner bound to them."""

    path: Path
    db_url: str
    runner: CliRunner

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def run(self, *args: str, ok: bool = True) -> Any:
        from tracker.cli import app

        result = self.runner.invoke(app, list(args), catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(f"tracker {' '.join(args)} exited {result.exit_code}:\n{result.output}")
        return result

    def json(self, *args: str) -> Any:
        import json

        return json.loads(self.run(*args, "--format", "json").stdout)

    def context(self) -> Any:
        from tracker.context import Context

        return Context.load()


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment: no config or database from the developer's machine leaks in."""
    for var in ("TRACKER_CONFIG", "TRACKER_DB", "TRACKER_TODAY", "TRACKER_USER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    monkeypatch.setenv("TRACKER_USER", "测试员")
    return tmp_path


def _initialised(url: str) -> str:
    """The database created as ``tracker init`` would (commands other than init and plan import
    refuse a missing one)."""
    from tracker.db import Database

    db = Database(url)
    db.ensure_schema()
    db.close()
    return url


@pytest.fixture
def world(isolated: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("TRACKER_DB", _initialised(db_url))
    return World(path=isolated, db_url=db_url, runner=CliRunner())


@pytest.fixture
def sqlite_world(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    url = _initialised(f"sqlite:///{isolated / 'tracker.db'}")
    monkeypatch.setenv("TRACKER_DB", url)
    return World(path=isolated, db_url=url, runner=CliRunner())


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"../shared 不存在（{p}）：此测试只在有样例语料的检出中运行")
    return p


@pytest.fixture
def plan(world):
    """The sample health-bureau plan imported into a fresh world, with task ids by title."""
    from tests.plan_samples import task_ids, write_plan

    world.run("plan", "import", str(write_plan(world.path)))
    return world, task_ids(world)
