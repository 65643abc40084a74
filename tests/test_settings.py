"""Settings: defaults that work offline, and one clear line for each wrong value."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "COLBOT_DATABASE_URL", "COLBOT_WEB_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_use_sqlite_in_the_data_folder() -> None:
    """With nothing configured the database is a SQLite file under ./data."""
    settings = load_settings()
    assert settings.db_url.startswith("sqlite+aiosqlite:///")
    assert settings.db_url.endswith("data/colbot.sqlite3")
    assert settings.file_url == "https://api.telegram.org/file/bot"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("COLBOT_WEB_PORT", "eighty", "COLBOT_WEB_PORT: Input should be a valid integer"),
        ("COLBOT_WEB_PORT", "70000", "COLBOT_WEB_PORT: Input should be less than or equal"),
        ("TELEGRAM_BOT_TOKEN", "hello", "TELEGRAM_BOT_TOKEN: does not look like a token"),
        ("COLBOT_SECRET_KEY", "short", "COLBOT_SECRET_KEY: must be at least 32 characters"),
        ("COLBOT_TELEGRAM_API_URL", "ftp://x", "COLBOT_TELEGRAM_API_URL: must start with http"),
        ("COLBOT_LOG_LEVEL", "LOUD", "COLBOT_LOG_LEVEL: Input should be"),
    ],
)
def test_a_wrong_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    """The operator is told which setting is wrong and why, in one line."""
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_env_file_is_read(tmp_path) -> None:
    """A .env file in the working folder is honoured."""
    (tmp_path / ".env").write_text("COLBOT_DEFAULT_CITY=madeira\n", encoding="utf-8")
    assert load_settings().default_city == "madeira"


def test_missing_token_is_explained() -> None:
    """Running against Telegram without a token says where to get one."""
    with pytest.raises(SettingsError, match="BotFather"):
        load_settings().require_token()
