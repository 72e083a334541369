from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config, secret

REPO = Path(__file__).resolve().parent.parent


def test_reference_bot_toml_is_valid() -> None:
    cfg = load_config(REPO / "bot.toml")
    assert cfg.company.currency
    assert "default" in cfg.campaigns
    assert [s.offset_days for s in cfg.campaigns["default"].steps] == [-3, 0, 3, 10, 20, 30, 45]


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    text = '[company]\nname = "A"\nar_address = "ar@a.test"\n\n[smtp]\nhots = "x"\n'
    with pytest.raises(ConfigError) as err:
        parse_config(text, tmp_path / "bot.toml")
    msg = str(err.value)
    assert "bot.toml:6: smtp.hots: unknown key" in msg


def test_bad_values_each_reported_with_line(tmp_path: Path) -> None:
    text = (
        '[company]\nname = "A"\nar_address = "nope"\ntimezone = "Mars/Base"\ncurrency = "XXY"\n'
        '[smtp]\nport = "abc"\nsecurity = "ssl"\n'
    )
    with pytest.raises(ConfigError) as err:
        parse_config(text, tmp_path / "bot.toml")
    lines = str(err.value).splitlines()
    assert any(line.startswith(f"{tmp_path / 'bot.toml'}:3: company.ar_address") for line in lines)
    assert any(":4: company.timezone" in line for line in lines)
    assert any(":5: company.currency" in line and "XXY" in line for line in lines)
    assert any(":7: smtp.port" in line for line in lines)
    assert any(":8: smtp.security" in line for line in lines)


def test_missing_required_section(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"company: required key is missing"):
        parse_config("[smtp]\nport = 25\n", tmp_path / "bot.toml")


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"invalid TOML"):
        parse_config("[company\nname=1", tmp_path / "bot.toml")


def test_campaign_step_errors_point_into_arrays(tmp_path: Path) -> None:
    text = (
        '[company]\nname = "A"\nar_address = "ar@a.test"\n'
        '[campaigns.soft]\n'
        '[[campaigns.soft.steps]]\nname = "a"\noffset_days = 1\ntemplate = "t"\n'
        '[[campaigns.soft.steps]]\nname = "b"\noffset_days = "late"\ntemplate = "t"\n'
    )
    with pytest.raises(ConfigError) as err:
        parse_config(text, tmp_path / "bot.toml")
    assert ":11: campaigns.soft.steps[1].offset_days" in str(err.value)


def test_sqlite_url_is_relative_to_config(tmp_path: Path) -> None:
    cfg = parse_config('[company]\nname = "A"\nar_address = "ar@a.test"\n', tmp_path / "bot.toml")
    assert cfg.database_url == f"sqlite:///{tmp_path.resolve() / 'arbot.db'}"


def test_secret_missing_names_variable_not_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARBOT_TEST_SECRET", raising=False)
    assert secret(None, "smtp password") is None
    with pytest.raises(ConfigError, match="ARBOT_TEST_SECRET"):
        secret("ARBOT_TEST_SECRET", "smtp password")
    monkeypatch.setenv("ARBOT_TEST_SECRET", "hunter2")
    assert secret("ARBOT_TEST_SECRET", "smtp password") == "hunter2"


def test_config_path_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "custom.toml"
    p.write_text('[company]\nname = "Env Co"\nar_address = "ar@env.test"\n', encoding="utf-8")
    monkeypatch.setenv("ARBOT_CONFIG", str(p))
    assert load_config().company.name == "Env Co"


def test_database_urls_map_to_sync_drivers_verbatim() -> None:
    from bot.db import sync_url

    assert sync_url("postgresql+asyncpg://u:p%40ss@db.internal:5432/ar") == \
        "postgresql+psycopg://u:p%40ss@db.internal:5432/ar"
    assert sync_url("postgresql://db/ar") == "postgresql+psycopg://db/ar"
    assert sync_url("sqlite+aiosqlite:///x.db") == "sqlite:///x.db"
    assert sync_url("sqlite:///:memory:") == "sqlite:///:memory:"
