"""Sources: publishers with their feeds and sitemaps, configured in ``sources.yaml``.

A source has a name, homepage, feeds, sitemaps, language and publisher country. With only a
homepage, feeds and sitemaps are discovered by the crawler (``<link rel=alternate>``, common
paths, robots.txt ``Sitemap:`` lines). ``sync_sources`` makes the database match the file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy.engine import Engine

from .errors import ConfigError
from .urls import domain_of, normalize_url

__all__ = [
    "SourceConfig",
    "add_source",
    "disable_source",
    "list_sources",
    "load_sources_file",
    "sync_sources",
]

log = logging.getLogger(__name__)

DEFAULT_SOURCES_FILE = Path(__file__).resolve().parent.parent / "sources.yaml"


class SourceConfig(BaseModel):
    """One entry of ``sources.yaml``."""

    name: str
    homepage: str
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    language: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 of the publisher")
    enabled: bool = True

    @field_validator("homepage", "feeds", "sitemaps")
    @classmethod
    def _http(cls, v: Any) -> Any:
        for url in [v] if isinstance(v, str) else v:
            if not str(url).startswith(("http://", "https://")):
                raise ValueError(f"not an http(s) URL: {url}")
        return v

    @field_validator("country")
    @classmethod
    def _iso2(cls, v: str | None) -> str | None:
        if v is not None and (len(v) != 2 or not v.isalpha()):
            raise ValueError(f"country must be an ISO 3166-1 alpha-2 code, not {v!r}")
        return v.upper() if v else v

    @property
    def domain(self) -> str:
        dom = domain_of(self.homepage)
        if not dom:
            raise ValueError(f"homepage without a host: {self.homepage}")
        return dom


def load_sources_file(path: Path = DEFAULT_SOURCES_FILE) -> list[SourceConfig]:
    """Parse and validate a sources file; errors name the entry and the field."""
    if not path.exists():
        raise ConfigError(f"sources file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: expected a top-level 'sources:' list")
    out = []
    for i, entry in enumerate(entries):
        try:
            out.append(SourceConfig.model_validate(entry))
        except ValidationError as exc:
            name = entry.get("name", f"#{i + 1}") if isinstance(entry, dict) else f"#{i + 1}"
            raise ConfigError(f"{path}: source {name}: {exc}") from exc
    return out


def _upsert(conn: sa.Connection, cfg: SourceConfig) -> int:
    sid = conn.scalar(
        sa.text(
            """INSERT INTO sources (name, domain, homepage, publisher_country, language,
                                    enabled, configured)
               VALUES (:n, :d, :h, :c, :l, :e, true)
               ON CONFLICT ON CONSTRAINT sources_domain_key DO UPDATE SET
                 name = EXCLUDED.name, homepage = EXCLUDED.homepage,
                 publisher_country = EXCLUDED.publisher_country, language = EXCLUDED.language,
                 enabled = EXCLUDED.enabled, configured = true
               RETURNING id"""
        ),
        {
            "n": cfg.name,
            "d": cfg.domain,
            "h": cfg.homepage,
            "c": cfg.country,
            "l": cfg.language,
            "e": cfg.enabled,
        },
    )
    feeds = [(normalize_url(u), "feed") for u in cfg.feeds]
    feeds += [(normalize_url(u), "sitemap") for u in cfg.sitemaps]
    for url, kind in feeds:
        conn.execute(
            sa.text(
                """INSERT INTO source_feeds (source_id, url, kind) VALUES (:s, :u, :k)
                   ON CONFLICT ON CONSTRAINT source_feeds_url_key
                   DO UPDATE SET source_id = EXCLUDED.source_id, kind = EXCLUDED.kind,
                                 discovered = false"""
            ),
            {"s": sid, "u": url, "k": kind},
        )
    return int(sid)


def sync_sources(engine: Engine, configs: list[SourceConfig]) -> dict[str, int]:
    """Make the configured sources equal the given list: upsert them and their feeds; sources
    configured before but absent now are disabled (not deleted: their articles stay)."""
    with engine.begin() as conn:
        ids = [_upsert(conn, cfg) for cfg in configs]
        disabled = conn.execute(
            sa.text("""UPDATE sources SET enabled = false
                       WHERE configured AND enabled AND NOT (id = ANY(:ids))"""),
            {"ids": ids},
        ).rowcount
    counts = {
        "sources": len(ids),
        "feeds": sum(len(c.feeds) + len(c.sitemaps) for c in configs),
        "disabled": disabled,
    }
    log.info("event=sources_synced %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def add_source(engine: Engine, cfg: SourceConfig) -> int:
    """Add (or update) one source; returns its id."""
    with engine.begin() as conn:
        return _upsert(conn, cfg)


def disable_source(engine: Engine, name_or_domain: str) -> bool:
    """Disable a source by name or domain; True when one matched."""
    with engine.begin() as conn:
        n = conn.execute(
            sa.text("UPDATE sources SET enabled = false WHERE name = :x OR domain = :x"),
            {"x": name_or_domain},
        ).rowcount
    return bool(n)


def list_sources(engine: Engine) -> list[Any]:
    """Sources with feed health: feeds, unhealthy feeds, last success, articles (7 days)."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    """SELECT s.id, s.name, s.domain, s.enabled,
                      count(f.id) AS feeds,
                      count(f.id) FILTER (WHERE NOT f.healthy) AS unhealthy,
                      max(f.last_success_at) AS last_success,
                      (SELECT count(*) FROM articles a WHERE a.source_id = s.id
                         AND a.first_seen_at > now() - interval '7 days') AS articles_7d
               FROM sources s LEFT JOIN source_feeds f ON f.source_id = s.id
               WHERE s.configured
               GROUP BY s.id ORDER BY s.name"""
                )
            )
        )
