"""Database access: one small wrapper over sqlite3 (SQLite) or psycopg2 (PostgreSQL).

The store speaks plain SQL with ``:name`` parameters (sqlite3 takes them as they are; for
psycopg2 each statement is rewritten once to ``%(name)s``). Values come back as plain Python
types with dates as ISO strings on both databases, so the rest of the code sees one shape:
on PostgreSQL the date and timestamp casts below return those strings directly. SQLAlchemy
(≈ 0.2 s to import) is used only by migrations and the scheduler's job store.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from tracker.errors import TrackerError

T = TypeVar("T")
CREATE_HINT = ("新建数据库：tracker init（或 tracker plan import 计划文件）；"
               "使用已有数据库：--db 路径，或 export TRACKER_DB=路径")
DATETIME_FMT = "%Y-%m-%d %H:%M:%S.%f"
# PostgreSQL URLs, all served by psycopg2 (postgresql+psycopg:// as written by earlier versions).
PG_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg")


# sqlite3 turns dates and timestamps into the text SQLite stores (ISO dates, DATETIME_FMT), for
# single statements and execute_many alike (adapting each value in Python was a third of the cost
# of writing a form's 1,000 rows).
sqlite3.register_adapter(datetime, lambda value: value.strftime(DATETIME_FMT))
sqlite3.register_adapter(date, date.isoformat)


_PARAM = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")  # :name, not ::cast (as SQLAlchemy's text())
_PG_SQL: dict[str, str] = {}


def _pg_sql(sql: str) -> str:
    """A statement with ``:name`` parameters in psycopg2's ``%(name)s`` style (cached)."""
    out = _PG_SQL.get(sql)
    if out is None:
        out = _PG_SQL[sql] = _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
    return out


def _iso_timestamp(text: str | None, _cur: Any = None) -> str | None:
    """A timestamp's ISO text (DateStyle ISO) as SQLite stores it: microseconds padded to six
    digits, a zone offset (timestamptz, already in the session's zone) dropped."""
    if text is None:
        return None
    if len(text) > 19:
        zone = max(text.rfind("+", 19), text.rfind("-", 19))
        if zone > 0:
            text = text[:zone]
    return text + ".000000" if len(text) == 19 else text.ljust(26, "0")


def _pg_connect(url: str, timeout: float) -> Any:
    """A psycopg2 connection whose dates and timestamps load as the strings SQLite stores.

    psycopg2 rather than psycopg 3: it imports in about 0.03 s where psycopg 3 takes 0.2 s (it
    loads asyncio, logging and importlib.metadata), which was most of a hot command's time on
    PostgreSQL (bench/PROFILE.md). The server's text for a date under DateStyle ISO is already
    the string SQLite stores, so dates are taken as they come; a session with another DateStyle
    is switched to ISO first.
    """
    import psycopg2
    from psycopg2 import extensions

    conninfo = "postgresql://" + url.split("://", 1)[1]
    conn = psycopg2.connect(conninfo, connect_timeout=max(1, int(timeout)))
    for oids, name, cast in (((1082,), "TRACKER_DATE", lambda text, _cur: text),
                             ((1114, 1184), "TRACKER_TIMESTAMP", _iso_timestamp)):
        extensions.register_type(extensions.new_type(oids, name, cast), conn)
    if not (conn.info.parameter_status("DateStyle") or "").startswith("ISO"):
        with conn.cursor() as cur:
            cur.execute("SET DateStyle = ISO")
        conn.commit()
    return conn


def _dicts(cur: Any) -> list[dict[str, Any]]:
    """A cursor's rows as dicts by column name (none for a statement that returns no rows)."""
    if cur.description is None:
        return []
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]  # noqa: B905 - a row has its description's length


class Connection:
    """One open connection; ``query``/``one``/``scalar``/``execute`` take SQL with :name params."""

    open_count = 0  # connections opened and not closed in this process (``tracker.entry.leave``)
    open_files: dict[str, int] = {}  # SQLite files with connections open in this process, and how many

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
            self._file = os.path.realpath(db.sqlite_path)
            Connection.open_files[self._file] = Connection.open_files.get(self._file, 0) + 1
        else:
            self._pg = _pg_connect(db.url, db.busy_timeout)
        self.in_transaction = False
        self._statements: dict[str, str] = {}  # PostgreSQL: statements prepared on this connection
        Connection.open_count += 1

    # -- reading -------------------------------------------------------------------------
    def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        if self.is_sqlite:
            return _dicts(self._raw.execute(sql, params))
        with self._pg.cursor() as cur:
            cur.execute(_pg_sql(sql), params)
            return _dicts(cur)

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """The result as plain tuples, for the few queries of thousands of rows (no dict each)."""
        if self.is_sqlite:
            return self._raw.execute(sql, params).fetchall()
        with self._pg.cursor() as cur:
            cur.execute(_pg_sql(sql), params)
            return [] if cur.description is None else cur.fetchall()  # type: ignore[no-any-return]

    def one(self, sql: str, **params: Any) -> dict[str, Any] | None:
        rows = self.query(sql, **params)
        return rows[0] if rows else None

    def scalar(self, sql: str, **params: Any) -> Any:
        row = self.one(sql, **params)
        return None if row is None else next(iter(row.values()))

    def execute(self, sql: str, **params: Any) -> int:
        """Run a statement; return the affected row count."""
        if self.is_sqlite:
            return self._raw.execute(sql, params).rowcount
        with self._pg.cursor() as cur:
            cur.execute(_pg_sql(sql), params)
            return int(cur.rowcount)

    def execute_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """Run one statement for many parameter sets in a single call (no round trip per row)."""
        if not rows:
            return
        if self.is_sqlite:
            self._raw.executemany(sql, rows)
            return
        from psycopg2.extras import execute_batch  # many statements per round trip

        with self._pg.cursor() as cur:
            execute_batch(cur, self._prepared(cur, sql), rows, page_size=500)

    def _prepared(self, cur: Any, sql: str) -> str:
        """``EXECUTE`` of ``sql`` prepared once on this connection, with ``%(name)s`` parameters.

        For the writes repeated thousands of times (``insert``, ``execute_many``): the server
        parses and plans the statement once, not once a row, as psycopg 3 did by itself (a plan
        import of 10,000 items on PostgreSQL: 11.3 → 9.x s). Their parameters all stand for
        columns, so the server infers each one's type. PREPARE is not undone by a rollback, so
        the name stays valid for the connection's life.
        """
        found = self._statements.get(sql)
        if found is None:
            names = list(dict.fromkeys(m.group(1) for m in _PARAM.finditer(sql)))
            number = {name: i for i, name in enumerate(names, 1)}
            name = f"tracker_{len(self._statements) + 1}"
            cur.execute(f"PREPARE {name} AS " + _PARAM.sub(lambda m: f"${number[m.group(1)]}", sql))
            found = self._statements[sql] = (
                f"EXECUTE {name}" + (" (" + ", ".join(f"%({n})s" for n in names) + ")" if names else ""))
        return found

    def insert(self, table: str, **values: Any) -> int:
        """Insert one row and return its id."""
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id"
        if self.is_sqlite:
            row = self.one(sql, **values)
            assert row is not None
            return int(row["id"])
        with self._pg.cursor() as cur:  # prepared: an import inserts thousands of rows of one shape
            cur.execute(self._prepared(cur, sql), values)
            return int(cur.fetchone()[0])

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
        self.in_transaction = True
        try:
            yield self
        except BaseException:
            self.in_transaction = False
            if self.is_sqlite:
                with contextlib.suppress(sqlite3.Error):
                    self._raw.execute("ROLLBACK")
            else:
                self._pg.rollback()
            raise
        self.in_transaction = False
        if self.is_sqlite:
            try:
                self._raw.execute("COMMIT")
            except BaseException:  # busy (a reader's lock, outside WAL): end it, as on PostgreSQL
                with contextlib.suppress(sqlite3.Error):
                    self._raw.execute("ROLLBACK")
                raise
        else:
            self._pg.commit()

    def begin_read(self) -> None:
        """Start a read transaction: one snapshot until ``end_read`` (see ``Database.read``)."""
        if self.is_sqlite:
            if not self._raw.in_transaction:
                self._raw.execute("BEGIN")
        elif self._pg.info.transaction_status == 0:  # IDLE: the next statement would start one
            with self._pg.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def end_read(self) -> None:
        """End the read transaction (``begin_read``, or the one psycopg2 opens by itself)."""
        if self.is_sqlite:
            if self._raw.in_transaction and not self.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._raw.execute("COMMIT")
        elif self._pg.info.transaction_status != 0:  # not IDLE
            self._pg.rollback()

    def close(self) -> None:
        if self.is_sqlite:
            self._raw.close()
            left = Connection.open_files.pop(self._file) - 1
            if left:
                Connection.open_files[self._file] = left
        else:
            self._pg.close()
        Connection.open_count -= 1


def _is_retryable(exc: BaseException) -> bool:
    msg = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in msg or "busy" in msg
    name = type(exc).__name__
    orig = getattr(exc, "orig", None)  # SQLAlchemy's wrapper (migrations, the scheduler's store)
    code = getattr(exc, "pgcode", None) or getattr(orig, "pgcode", None)
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
        elif url.split("://", 1)[0] not in PG_SCHEMES or "://" not in url:
            raise TrackerError(f"不支持的数据库地址：{redact_url(url)}（支持 sqlite:/// 与 postgresql://）")

    def forkable(self) -> bool:
        """Whether a forked child may open this SQLite database: no connection of this process is
        open to its file (SQLite's connections must not cross a fork; ``tracker.parallel``)."""
        return self.is_sqlite and self._engine is None and not Connection.open_files.get(
            os.path.realpath(self.sqlite_path))

    def engine(self) -> Any:
        """The SQLAlchemy engine (created on first use: heavy import)."""
        if self._engine is None:
            from sqlalchemy import create_engine

            if self.is_sqlite:
                self._engine = create_engine(self.url, connect_args={"timeout": self.busy_timeout})
            else:  # one driver, whichever the URL names
                self._engine = create_engine("postgresql+psycopg2://" + self.url.split("://", 1)[1], pool_pre_ping=True)
        return self._engine

    @property
    def conn(self) -> Connection:
        """The shared connection of this process (opened lazily)."""
        if self._conn is None:
            try:
                self._conn = Connection(self)
            except sqlite3.Error as exc:
                if "unable to open" in str(exc):
                    raise TrackerError(f"无法打开数据库文件：{self.sqlite_path}"
                                       "（路径无效，或所在文件夹不可写）") from None
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
                import random

                time.sleep(min(2.0, 0.05 * (2**attempt)) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def write_if_free(self, fn: Callable[[Connection], Any]) -> bool:
        """Run fn in one write transaction now or not at all: SQLite only, for writes a reading
        command may skip (the kept board). False when another writer holds the lock or the file
        cannot be written (read-only, disk full); nothing is waited for and nothing raised."""
        if not self.is_sqlite:
            return False
        raw = self.conn._raw
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            with self.conn.transaction() as c:
                fn(c)
            return True
        except sqlite3.Error:
            return False
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    @contextlib.contextmanager
    def many_writes(self, pages: int = 20_000) -> Iterator[None]:
        """Many write transactions in a row (a batch of forms), each still committed on its own.

        On SQLite the write-ahead log is copied back into the database file once at the end
        (or every ``pages`` pages of 4 KB) instead of every 1,000 pages: a 填报 form of 1,000
        rows changes about 1,500 pages, so each commit copied the last form's pages back and
        synced the file (a third of the time of importing 40 forms).
        """
        if not self.is_sqlite:
            yield
            return
        raw = self.conn._raw
        raw.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
        try:
            yield
        finally:
            raw.execute("PRAGMA wal_autocheckpoint = 1000")  # SQLite's default
            with contextlib.suppress(sqlite3.Error):
                raw.execute("PRAGMA wal_checkpoint(PASSIVE)")  # never waits for other readers

    def read(self, fn: Callable[[Connection], T]) -> T:
        """Run a read-only function in one snapshot of the database.

        Its queries all see the database as it was at the first of them, whatever other
        processes commit meanwhile: a report's tasks, targets and log rows, read in several
        statements, never mix two states. On SQLite that is one deferred transaction (a
        reader never blocks writers in WAL mode); on PostgreSQL a read-only REPEATABLE READ
        transaction (psycopg2 opens one at the first statement; READ COMMITTED, its default,
        gives each statement a snapshot of its own). Inside a write it is that transaction.
        """
        c = self.conn
        if c.in_transaction:
            return fn(c)
        c.begin_read()
        try:
            return fn(c)
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

    # -- existence -----------------------------------------------------------------------
    def check_ready(self, create: bool = False, make_folder: bool = False) -> None:
        """Refuse to use a database that is not there or not ours, before anything is written.

        A missing SQLite file is created only with ``create`` (``init``, ``plan import``) and only
        in an existing, writable folder (``make_folder``: the configured default location may be
        made). An empty file, a file that is not SQLite, or a database holding tables of some
        other program is never touched. Without ``create`` a database without schema is refused.
        """
        if self.is_sqlite:
            self._check_sqlite_file(create, make_folder)
        if self.current_revision() is not None:
            return
        foreign = self.foreign_tables()
        if foreign:
            shown = "、".join(foreign[:5]) + ("……" if len(foreign) > 5 else "")
            raise TrackerError(f"这不是 tracker 的数据库（其中已有其他表：{shown}），不会改动它：{self.where}\n"
                               "请用 --db 或 TRACKER_DB 指向 tracker 的数据库，或换一个新文件。")
        if not create:
            raise TrackerError(f"数据库尚未初始化：{self.where}\n{CREATE_HINT}")

    @property
    def where(self) -> str:
        return self.sqlite_path if self.is_sqlite else redact_url(self.url)

    def _check_sqlite_file(self, create: bool, make_folder: bool) -> None:
        p = Path(self.sqlite_path)
        if p.exists():
            if p.is_dir():
                raise TrackerError(f"数据库路径是一个文件夹，不是文件：{p}")
            try:
                with open(p, "rb") as f:
                    head = f.read(16)
            except OSError as exc:
                raise TrackerError(f"无法读取数据库文件：{p}（{exc.strerror}）") from None
            if not head:
                raise TrackerError(f"数据库文件是空文件，不是 tracker 的数据库：{p}\n"
                                   "为避免误覆盖，不会使用它。请删除该文件后运行 tracker init，或换一个路径。")
            if head != b"SQLite format 3\x00":
                raise TrackerError(f"这不是 SQLite 数据库文件，不会改动它：{p}\n"
                                   "请用 --db 或 TRACKER_DB 指向 tracker 的数据库。")
            self._check_sqlite_tables(p)
            return
        if not create:
            raise TrackerError(f"数据库不存在：{p}\n{CREATE_HINT}")
        folder = p.parent
        if not folder.exists():
            if not make_folder:
                raise TrackerError(f"数据库所在的文件夹不存在：{folder}\n"
                                   f"请先创建该文件夹（mkdir -p {folder}），或换一个路径。")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise TrackerError(f"无法创建数据库文件夹：{folder}（{exc.strerror}）") from None
        if not folder.is_dir():
            raise TrackerError(f"数据库所在的路径不是文件夹：{folder}")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise TrackerError(f"没有权限在此文件夹中创建数据库：{folder}\n请换一个可写的路径。")

    @staticmethod
    def _check_sqlite_tables(p: Path) -> None:
        """Look at an existing SQLite file read-only: opening it normally would switch it to WAL."""
        try:
            ro = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
            try:
                names = [r[0] for r in ro.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            finally:
                ro.close()
        except sqlite3.Error as exc:
            raise TrackerError(f"无法读取数据库文件：{p}（{exc}）") from None
        if names and "alembic_version" not in names:
            shown = "、".join(names[:5]) + ("……" if len(names) > 5 else "")
            raise TrackerError(f"这不是 tracker 的数据库（其中已有其他表：{shown}），不会改动它：{p}\n"
                               "请用 --db 或 TRACKER_DB 指向 tracker 的数据库，或换一个新文件。")

    def foreign_tables(self) -> list[str]:
        """Tables of a database without tracker's alembic stamp (not SQLite's own)."""
        c = self.conn
        try:
            if self.is_sqlite:
                rows = c.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                               "ORDER BY name")
            else:
                rows = c.query("SELECT table_name AS name FROM information_schema.tables "
                               "WHERE table_schema = current_schema() ORDER BY table_name")
            return [str(r["name"]) for r in rows]
        finally:
            c.end_read()

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


