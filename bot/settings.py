"""Typed settings read from the environment (``COLBOT_*``, ``TELEGRAM_BOT_TOKEN``) and ``.env``."""

from __future__ import annotations

import ipaddress
import logging
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org/bot"
_TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")


class SettingsError(Exception):
    """A setting is wrong or missing; the message is one line naming it and why."""


class Settings(BaseSettings):
    """Everything the operator can configure; see the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix="COLBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(default=Path("data"), description="Folder for the SQLite file and keys")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite")
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "COLBOT_TELEGRAM_BOT_TOKEN"),
    )
    telegram_api_url: str = Field(default=TELEGRAM_API, description="Bot API base URL")
    telegram_file_url: str | None = Field(default=None, description="Bot API file base URL")
    public_base_url: str = Field(default="http://127.0.0.1:8080")
    web_host: str = "127.0.0.1"
    web_port: Annotated[int, Field(ge=0, le=65535)] = 8080
    webhook_secret: SecretStr | None = None
    secret_key: SecretStr | None = Field(
        default=None, description="Encrypts stored private keys; at least 32 characters"
    )
    default_city: str = "lisbon"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    auto_migrate: bool | None = Field(
        default=None, description="Migrate at start-up; default yes on SQLite, no on PostgreSQL"
    )
    feed_allow_networks: list[str] = Field(
        default_factory=list, description="Private networks feeds may be fetched from"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("telegram_api_url", "public_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            msg = "must start with http:// or https://"
            raise ValueError(msg)
        return value.rstrip("/")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value()):
            msg = "does not look like a token from BotFather (digits, a colon, then letters)"
            raise ValueError(msg)
        return value

    @field_validator("secret_key", "webhook_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            msg = "must be at least 32 characters long"
            raise ValueError(msg)
        return value

    @field_validator("feed_allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @property
    def db_url(self) -> str:
        """Return the database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'colbot.sqlite3').resolve()}"

    @property
    def file_url(self) -> str:
        """Return the Bot API file base URL that matches the API URL."""
        if self.telegram_file_url:
            return self.telegram_file_url.rstrip("/")
        if self.telegram_api_url.endswith("/bot"):
            return self.telegram_api_url[: -len("/bot")] + "/file/bot"
        return self.telegram_api_url + "/file"

    def require_token(self) -> str:
        """Return the bot token or stop with a clear line."""
        if self.telegram_bot_token is None:
            msg = "TELEGRAM_BOT_TOKEN is missing: get one from @BotFather and set it"
            raise SettingsError(msg)
        return self.telegram_bot_token.get_secret_value()

    def require_secret_key(self) -> bytes:
        """Return the key-encryption secret or stop with a clear line."""
        if self.secret_key is None:
            msg = "COLBOT_SECRET_KEY is missing: set at least 32 random characters"
            raise SettingsError(msg)
        return self.secret_key.get_secret_value().encode()


def _env_name(loc: tuple[object, ...]) -> str:
    field = str(loc[0]) if loc else "?"
    if field.lower() in ("telegram_bot_token", "colbot_telegram_bot_token"):
        return "TELEGRAM_BOT_TOKEN"
    return field.upper() if field.upper().startswith("COLBOT_") else f"COLBOT_{field.upper()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise ``SettingsError`` with one line naming the first bad one."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        reason = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        raise SettingsError(f"{_env_name(tuple(first.get('loc', ())))}: {reason}") from None


def configure_logging(level: str) -> None:
    """Send logs to stderr at the configured level, keeping library chatter down."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    for noisy in ("httpx", "aiohttp.access", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
