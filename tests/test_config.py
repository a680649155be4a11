"""config.toml: defaults, discovery order, and Chinese errors naming the key and file."""

import tomllib
from pathlib import Path

import pytest

from tracker.config import DEFAULTS, load_config
from tracker.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_shipped_config_documents_exactly_the_defaults():
    shipped = tomllib.loads((REPO / "config.toml").read_text(encoding="utf-8"))
    for section, values in DEFAULTS.items():
        for key, value in values.items():
            if key == "channels":
                continue
            assert shipped[section][key] == value, f"[{section}] {key}"
    assert set(shipped) == set(DEFAULTS)


def test_no_file_means_defaults(isolated):
    cfg = load_config()
    assert cfg.path is None
    assert cfg.get("status", "yellow_band") == 10
    assert cfg.database_url == f"sqlite:///{(isolated / 'db' / 'tracker.db').resolve()}"


def test_found_in_working_directory_and_relative_paths_resolve_there(isolated):
    (isolated / "config.toml").write_text('[database]\nurl = "sqlite:///data/x.db"\n[status]\nred_band = 50\n',
                                          encoding="utf-8")
    cfg = load_config()
    assert cfg.path == isolated / "config.toml"
    assert cfg.get("status", "red_band") == 50
    assert cfg.get("status", "yellow_band") == 10
    assert cfg.database_url.endswith("/data/x.db")


def test_env_var_wins_over_working_directory(isolated, monkeypatch):
    other = isolated / "sub"
    other.mkdir()
    (other / "c.toml").write_text('[database]\nurl = "sqlite:///y.db"\n', encoding="utf-8")
    (isolated / "config.toml").write_text('[database]\nurl = "sqlite:///x.db"\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(other / "c.toml"))
    assert load_config().database_url == f"sqlite:///{(other / 'y.db').resolve()}"


@pytest.mark.parametrize(
    "content, key",
    [
        ('[status]\nred_band = 30\n', "[database] url"),
        ('[database]\nurl = "sqlite:///x.db"\n[status]\nred_band = "三十"\n', "[status] red_band"),
        ('[database]\nurl = "sqlite:///x.db"\n[status]\nred_bnad = 30\n', "[status] red_bnad"),
        ('[database]\nurl = "sqlite:///x.db"\n[general]\ntimezone = "Mars/Base"\n', "[general] timezone"),
        ('[database]\nurl = "sqlite:///x.db"\n[schedule]\nworkdays_only = "yes"\n', "[schedule] workdays_only"),
        ('[database]\nurl = "sqlite:///x.db"\n[[notify.channels]]\nname = "a"\n', "[[notify.channels]]"),
        ('[database\nurl = 1', "格式错误"),
    ],
)
def test_bad_config_names_key_and_file(isolated, content, key):
    (isolated / "config.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config()
    assert key in info.value.message
    assert str(isolated / "config.toml") in info.value.message


def test_cli_reports_bad_config_with_exit_2(isolated):
    from typer.testing import CliRunner

    from tracker.cli import app

    (isolated / "config.toml").write_text('[database]\nurl = "sqlite:///x.db"\n[status]\nyellow_band = -1\n',
                                          encoding="utf-8")
    result = CliRunner().invoke(app, ["task", "list"])
    assert result.exit_code == 2
    assert "[status] yellow_band" in result.output
    assert not (isolated / "x.db").exists()
