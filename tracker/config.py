"""Configuration: config.toml found via --config, TRACKER_CONFIG or the working directory.

Only the standard library is imported here, so every command can read its settings cheaply.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tracker.errors import ConfigError
from tracker.record import Record

DEFAULTS: dict[str, dict[str, Any]] = {
    "database": {"url": "sqlite:///db/tracker.db", "busy_timeout": 30, "backup_dir": "db/backups"},
    "general": {"timezone": "Asia/Shanghai"},
    "user": {"name": ""},
    "status": {"yellow_band": 10, "red_band": 30, "due_soon_days": 14, "on_pace_tolerance": 5},
    "report": {"reports_dir": "reports", "basic_done_percent": 80, "report_day": "fri", "stale_days": 14,
               "issuer": ""},
    "schedule": {
        "overdue": "0 9 * * mon-fri",
        "weekly": "0 16 * * fri",
        "workdays_only": True,
        "misfire_grace_seconds": 86400,
    },
    "notify": {"max_attempts": 4, "retry_backoff": 2, "channels": []},
}

# Keys whose values are paths, resolved against the config file's directory.
PATH_KEYS = {("database", "backup_dir"), ("report", "reports_dir")}
REQUIRED = {("database", "url")}
MAY_BE_EMPTY = {("user", "name"), ("report", "issuer")}
CHANNEL_KEYS = {"name": str, "url": str, "units": list, "mention": list}


class Config(Record):
    """The settings in force, with the file they came from (None for built-in defaults)."""

    def __init__(self, data: dict[str, dict[str, Any]], path: Path | None = None, base_dir: Path | None = None) -> None:
        self.data = data
        self.path = path
        self.base_dir = Path.cwd() if base_dir is None else base_dir

    def get(self, section: str, key: str) -> Any:
        return self.data[section][key]

    @property
    def database_url(self) -> str:
        return resolve_db_url(str(self.data["database"]["url"]), self.base_dir)

    @property
    def timezone(self) -> str:
        return str(self.data["general"]["timezone"])

    def path_of(self, section: str, key: str) -> Path:
        p = Path(self.data[section][key])
        return p if p.is_absolute() else self.base_dir / p

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "内置默认配置"


def resolve_db_url(url: str, base_dir: Path) -> str:
    """Make a relative sqlite:/// path absolute against base_dir; other URLs pass through."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////"):
        rest = url[len(prefix):]
        if rest and rest != ":memory:":
            return prefix + str((base_dir / rest).resolve())
    if url.startswith("sqlite:///") or "://" in url:
        return url
    # A bare file path is accepted as a SQLite database.
    return prefix + str((base_dir / url).resolve())


def find_config_path(explicit: str | None = None) -> Path | None:
    """The config file to use: explicit option, then TRACKER_CONFIG, then ./config.toml."""
    if explicit:
        p = Path(explicit)
        if not p.is_file():
            raise ConfigError(f"找不到配置文件：{p}")
        return p
    env = os.environ.get("TRACKER_CONFIG")
    if env:
        p = Path(env)
        if not p.is_file():
            raise ConfigError(f"找不到配置文件：{p}（来自环境变量 TRACKER_CONFIG）")
        return p
    p = Path.cwd() / "config.toml"
    return p if p.is_file() else None


def _type_name(value: Any) -> str:
    return {bool: "布尔值 (true/false)", int: "整数", str: "字符串", list: "列表", float: "数字"}.get(
        type(value), type(value).__name__
    )


def _check_value(section: str, key: str, value: Any, default: Any, where: str) -> Any:
    name = f"[{section}] {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"配置项 {name} 应为{_type_name(default)}，文件：{where}")
    elif isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"配置项 {name} 应为数字，文件：{where}")
        if value < 0:
            raise ConfigError(f"配置项 {name} 不能为负数，文件：{where}")
    elif isinstance(default, str):
        if not isinstance(value, str) or (not value.strip() and (section, key) not in MAY_BE_EMPTY):
            raise ConfigError(f"配置项 {name} 应为非空字符串，文件：{where}")
    elif isinstance(default, list) and not isinstance(value, list):
        raise ConfigError(f"配置项 {name} 应为列表，文件：{where}")
    return value


def _check_channels(channels: list[Any], where: str) -> list[dict[str, Any]]:
    out = []
    for i, ch in enumerate(channels, 1):
        if not isinstance(ch, dict):
            raise ConfigError(f"配置项 [[notify.channels]] 第{i}项格式错误，文件：{where}")
        for key in ("name", "url"):
            if not isinstance(ch.get(key), str) or not ch[key].strip():
                raise ConfigError(f"配置项 [[notify.channels]] 第{i}项缺少 {key}，文件：{where}")
        for key, value in ch.items():
            if key not in CHANNEL_KEYS:
                raise ConfigError(f"未知配置项 [[notify.channels]] {key}，文件：{where}")
            if not isinstance(value, CHANNEL_KEYS[key]):
                raise ConfigError(f"配置项 [[notify.channels]] {key} 类型错误，文件：{where}")
        out.append(dict(ch))
    names = [c["name"] for c in out]
    if len(set(names)) != len(names):
        raise ConfigError(f"配置项 [[notify.channels]] 的 name 有重复，文件：{where}")
    return out


def validate(raw: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """Merge a parsed file over the defaults, checking every key; raise ConfigError on problems."""
    data = {sec: dict(vals) for sec, vals in DEFAULTS.items()}
    for section, values in raw.items():
        if section not in DEFAULTS:
            raise ConfigError(f"未知配置节 [{section}]，文件：{where}")
        if not isinstance(values, dict):
            raise ConfigError(f"配置节 [{section}] 格式错误，文件：{where}")
        for key, value in values.items():
            if key not in DEFAULTS[section]:
                raise ConfigError(f"未知配置项 [{section}] {key}，文件：{where}")
            if (section, key) == ("notify", "channels"):
                data[section][key] = _check_channels(value if isinstance(value, list) else [value], where)
                continue
            data[section][key] = _check_value(section, key, value, DEFAULTS[section][key], where)
    for section, key in REQUIRED:
        if key not in raw.get(section, {}):
            raise ConfigError(f"缺少配置项 [{section}] {key}，文件：{where}")
    day = str(data["report"]["report_day"]).strip().lower()
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    if not any(day in (n, n[:3]) for n in names):
        raise ConfigError(f"配置项 [report] report_day 应为星期的英文缩写（mon、tue … fri、sat、sun）：{day}，文件：{where}")
    st = data["status"]
    if st["yellow_band"] > st["red_band"]:
        raise ConfigError(f"配置项 [status] yellow_band 不能大于 red_band，文件：{where}")
    try:
        if data["general"]["timezone"] not in CHINA_ZONES:  # those need no tz database (context.zone)
            from zoneinfo import ZoneInfo

            ZoneInfo(data["general"]["timezone"])
    except Exception:
        raise ConfigError(f"配置项 [general] timezone 不是有效的时区名：{data['general']['timezone']}，文件：{where}") from None
    return data


# Mainland China has kept UTC+8 without daylight saving since 1991: these zone names need no tz
# database, and importing zoneinfo would cost every command a few milliseconds.
CHINA_ZONES = ("Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC")


def load_config(explicit: str | None = None) -> Config:
    """Load and validate the configuration in force."""
    path = find_config_path(explicit)
    if path is None:
        return Config(data={sec: dict(v) for sec, v in DEFAULTS.items()}, path=None, base_dir=Path.cwd())
    import tomllib  # 4 ms of a command's start: only when there is a file to read

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件不是 UTF-8 编码：{path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件格式错误：{path}（{exc}）") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件：{path}（{exc.strerror}）") from None
    data = validate(raw, str(path))
    return Config(data=data, path=path, base_dir=path.resolve().parent)
