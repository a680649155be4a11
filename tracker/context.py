"""What every command needs: the configuration, the database, the rules and "today"."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone, tzinfo

from tracker.config import CHINA_ZONES, Config, load_config, resolve_db_url
from tracker.db import Database
from tracker.errors import InputError
from tracker.record import Record
from tracker.status import Rules


def parse_day(text: str, what: str = "日期") -> date:
    """Parse YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日) or raise InputError."""
    s = text.strip()
    for ch in "/.":
        s = s.replace(ch, "-")
    if s.endswith("日"):
        s = s[:-1]
    s = s.replace("年", "-").replace("月", "-")
    try:
        y, m, d = (int(x) for x in s.split("-"))
        return date(y, m, d)
    except (ValueError, TypeError):
        raise InputError(f"{what}格式无效：{text!r}（应为 YYYY-MM-DD，如 2023-12-31）") from None


def zone(name: str) -> tzinfo:
    """The configured time zone as a tzinfo."""
    if name in CHINA_ZONES:
        return timezone(timedelta(hours=8), name)
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


class Context(Record):
    """The settings and database one command runs against."""

    def __init__(self, config: Config, db_url: str, today: date, db_from_config: bool = True) -> None:
        self.config = config
        self.db_url = db_url
        self.today = today
        self._db: Database | None = None
        self.migrated_copy: str | None = None
        # Only the commands that create a database (init, plan import) set this; every other command
        # refuses a missing or uninitialised database instead of making an empty one by accident.
        self.create = False
        self.db_from_config = db_from_config  # the configured location (its folder may be made), not --db/TRACKER_DB

    @classmethod
    def load(cls, config_path: str | None = None, db: str | None = None, today: str | None = None) -> Context:
        config = load_config(config_path)
        url = db or os.environ.get("TRACKER_DB") or None
        db_url = resolve_db_url(url, __import__("pathlib").Path.cwd()) if url else config.database_url
        day_text = today or os.environ.get("TRACKER_TODAY")
        if day_text:
            day = parse_day(day_text, "今天的日期（--today / TRACKER_TODAY）")
        else:
            day = datetime.now(zone(config.timezone)).date()
        return cls(config=config, db_url=db_url, today=day, db_from_config=not url)

    @property
    def db(self) -> Database:
        """The database, its schema brought to head on first use."""
        if self._db is None:
            db = Database(self.db_url, busy_timeout=float(self.config.get("database", "busy_timeout")))
            db.check_ready(create=self.create, make_folder=self.create and self.db_from_config)
            self.migrated_copy = db.ensure_schema()
            self._db = db
        return self._db

    def on(self, day: date) -> Context:
        """The same settings and open database, with "today" set to ``day``."""
        other = Context(self.config, self.db_url, day, self.db_from_config)
        other._db, other.migrated_copy, other.create = self._db, self.migrated_copy, self.create
        return other

    def database_unmigrated(self) -> Database:
        """The database as it is (schema not brought to head), refused when missing or foreign."""
        db = Database(self.db_url, busy_timeout=float(self.config.get("database", "busy_timeout")))
        db.check_ready(create=False)
        return db

    @property
    def rules(self) -> Rules:
        return Rules.from_config(self.config.data["status"])

    def now(self) -> datetime:
        """Wall-clock time in the configured zone (naive, for storage)."""
        return datetime.now(zone(self.config.timezone)).replace(tzinfo=None)

    def default_author(self) -> str:
        """Who is at the keyboard: TRACKER_USER, then [user] name in config.toml, then the login name."""
        return (os.environ.get("TRACKER_USER") or "").strip() or str(self.config.get("user", "name")).strip() \
            or _login_name()

    def current_user(self, given: str | None = None) -> str:
        """``--by`` when given, else the default author."""
        return (given or "").strip() or self.default_author()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _login_name() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:
        return "未知"
