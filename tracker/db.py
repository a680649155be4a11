"""Database access: one small wrapper over sqlite3 (SQLite) or SQLAlchemy Core (PostgreSQL).

The store speaks plain SQL with ``:name`` parameters, which both drivers accept, so read-only
commands on SQLite never import SQLAlchemy. Values come back as plain Python types with dates as
ISO strings on both databases, so the rest of the code sees one shape.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from tracker.errors import TrackerError

T = TypeVar("T")
DATETIME_FMT = "%Y-%m-%d %H:%M:%S.%f"


def _adapt(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FMT)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _norm_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _adapt(v) for k, v in row.items()}


class Connection:
    """One open connection; ``query``/``one``/``scalar``/``execute`` take SQL with :name params."""

    def __init__(self, db: Database):
        self.db = db
        self.is_sqlite = db.is_sqlite
        if db.is_sqlite:
            self._raw = sqlite3.connect(
                db.sqlite_path, timeout=db.busy_timeout, isolation_level=None, check_same_thread=False
            )
            self._raw.execute(f"PRAGMA busy_timeout = {int(db.busy_timeout * 1000)}")
            self._raw.execute("PRAGMA foreign_keys = ON")
            self._raw.execute("PRAGMA journal_mode = WAL")
            self._raw.execute("PRAGMA synchronous = NORMAL")
        else:
            self._sa = db.engine().connect()
        self.in_transaction = False

    # -- reading -------------------------------------------------------------------------
    def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        if self.is_sqlite:
            cur = self._raw.execute(sql, {k: _adapt(v) for k, v in params.items()})
            if cur.description is None:
                return []
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        from sqlalchemy import text

        result = self._sa.execute(text(sql), params)
        if not result.returns_rows:
            return []
        return [_norm_row(dict(r)) for r in result.mappings().all()]

    def one(self, sql: str, **params: Any) -> dict[str, Any] | None:
        rows = self.query(sql, **params)
        return rows[0] if rows else None

    def scalar(self, sql: str, **params: Any) -> Any:
        row = self.one(sql, **params)
        return None if row is None else next(iter(row.values()))

    def execute(self, sql: str, **params: Any) -> int:
        """Run a statement; return the affected row count."""
        if self.is_sqlite:
            return self._raw.execute(sql, {k: _adapt(v) for k, v in params.items()}).rowcount
        from sqlalchemy import text

        return self._sa.execute(text(sql), params).rowcount

    def execute_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """Run one statement for many parameter sets in a single call (no round trip per row)."""
        if not rows:
            return
        if self.is_sqlite:
            self._raw.executemany(sql, [{k: _adapt(v) for k, v in r.items()} for r in rows])
            return
        from sqlalchemy import text

        self._sa.execute(text(sql), rows)

    def insert(self, table: str, **values: Any) -> int:
        """Insert one row and return its id."""
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        row = self.one(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id", **values)
        assert row is not None
        return int(row["id"])

    @property
    def for_update(self) -> str:
        """Row-lock suffix for SELECTs inside a write (SQLite's BEGIN IMMEDIATE already locks)."""
        return "" if self.is_sqlite else " FOR UPDATE"

    # -- transactions --------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        if self.in_transaction:
            yield self
            return
        if self.is_sqlite:
            self._raw.execute("BEGIN IMMEDIATE")
        else:
            self._sa.begin()
        self.in_transaction = True
        try:
            yield self
        except BaseException:
            self.in_transaction = False
            if self.is_sqlite:
                with contextlib.suppress(sqlite3.Error):
                    self._raw.execute("ROLLBACK")
            else:
                self._sa.rollback()
            raise
        self.in_transaction = False
        if self.is_sqlite:
            self._raw.execute("COMMIT")
        else:
            self._sa.commit()

    def end_read(self) -> None:
        """Close the implicit read transaction SQLAlchemy opens on PostgreSQL."""
        if not self.is_sqlite and self._sa.in_transaction():
            self._sa.rollback()

    def close(self) -> None:
        if self.is_sqlite:
            self._raw.close()
        else:
            self._sa.close()


def _is_retryable(exc: BaseException) -> bool:
    msg = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in msg or "busy" in msg
    name = type(exc).__name__
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return name == "OperationalError" and ("deadlock" in msg or "could not serialize" in msg) or code in (
        "40001",
        "40P01",
    )


class Database:
    """A database named by URL; makes connections and runs write transactions with retries."""

    def __init__(self, url: str, busy_timeout: float = 30.0):
        self.url = url
        self.busy_timeout = float(busy_timeout)
        self.is_sqlite = url.startswith("sqlite")
        self._engine: Any = None
        self._conn: Connection | None = None
        if self.is_sqlite:
            path = url.split("///", 1)[1] if "///" in url else ""
            if not path or path == ":memory:":
                raise TrackerError("不支持内存数据库，请为 SQLite 指定文件路径")
            self.sqlite_path = path
        elif not url.startswith("postgresql"):
            raise TrackerError(f"不支持的数据库地址：{redact_url(url)}（支持 sqlite:/// 与 postgresql+psycopg://）")

    def engine(self) -> Any:
        """The SQLAlchemy engine (created on first use: heavy import)."""
        if self._engine is None:
            from sqlalchemy import create_engine

            url = self.url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://"):]
            if self.is_sqlite:
                self._engine = create_engine(url, connect_args={"timeout": self.busy_timeout})
            else:
                self._engine = create_engine(url, pool_pre_ping=True)
        return self._engine

    @property
    def conn(self) -> Connection:
        """The shared connection of this process (opened lazily)."""
        if self._conn is None:
            if self.is_sqlite:
                Path(self.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
            try:
                self._conn = Connection(self)
            except sqlite3.Error as exc:
                raise TrackerError(f"无法打开数据库 {self.sqlite_path}：{exc}") from None
            except Exception as exc:
                if type(exc).__name__ == "OperationalError":
                    raise TrackerError(f"无法连接数据库 {redact_url(self.url)}：{exc}") from None
                raise
        return self._conn

    def write(self, fn: Callable[[Connection], T], attempts: int = 20) -> T:
        """Run fn inside one write transaction, retrying when another writer holds the lock."""
        for attempt in range(attempts):
            try:
                with self.conn.transaction() as c:
                    return fn(c)
            except Exception as exc:
                if not _is_retryable(exc) or attempt == attempts - 1:
                    if _is_retryable(exc):
                        raise TrackerError("数据库正忙（其他进程长时间占用写锁），请稍后重试") from None
                    raise
                time.sleep(min(2.0, 0.05 * (2**attempt)) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def read(self, fn: Callable[[Connection], T]) -> T:
        """Run a read-only function; on PostgreSQL, end its implicit transaction afterwards."""
        try:
            return fn(self.conn)
        finally:
            if self._conn is not None:
                self._conn.end_read()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- schema --------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        """The alembic revision stamped in the database, or None when it has none."""
        c = self.conn
        try:
            if self.is_sqlite:
                exists = c.scalar("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'")
            else:
                exists = c.scalar("SELECT to_regclass('alembic_version')")
            if not exists:
                return None
            return c.scalar("SELECT version_num FROM alembic_version")
        finally:
            c.end_read()

    def has_data(self) -> bool:
        c = self.conn
        if not self.is_sqlite:
            return True
        return bool(c.scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='task'"))

    def ensure_schema(self) -> str | None:
        """Bring the schema to head; return the path of the copy made before migrating, if any."""
        from tracker.migrations import HEAD

        current = self.current_revision()
        if current == HEAD:
            return None
        return self.upgrade()

    def upgrade(self, backup_dir: Path | None = None, revision: str = "head") -> str | None:
        """Run alembic to ``revision``; on SQLite with data, copy the file aside first."""
        from tracker.migrations import HEAD, run_upgrade

        copy = None
        if self.is_sqlite and self.has_data() and self.current_revision() != HEAD:
            target = backup_dir or Path(self.sqlite_path).parent / "backups"
            copy = str(self.backup(target / f"before-upgrade-{time.strftime('%Y%m%d-%H%M%S')}.db"))
        self.close()
        run_upgrade(self, revision)
        return copy

    def backup(self, dest: Path) -> Path:
        """Copy the database with SQLite's online backup (consistent while others write)."""
        if not self.is_sqlite:
            raise TrackerError("db backup 仅适用于 SQLite；PostgreSQL 请使用 pg_dump")
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            raise TrackerError(f"备份文件已存在：{dest}")
        target = sqlite3.connect(str(dest))
        try:
            self.conn._raw.backup(target)
        finally:
            target.close()
        return dest


def redact_url(url: str) -> str:
    """Hide the password of a database URL."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


