"""Alembic migrations, shipped inside the package and applied on first use.

HEAD names the newest revision so that every command can check the schema with one cheap query
instead of loading alembic; a test keeps it equal to alembic's own head.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.db import Database

HEAD = "0009"
HERE = Path(__file__).resolve().parent


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def run_upgrade(db: Database, revision: str = "head") -> None:
    from alembic import command

    cfg = alembic_config(db.url)
    with db.engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def script_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
