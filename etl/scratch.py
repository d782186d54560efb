"""Scratch databases for evaluation and benchmark scripts (never the user's warehouse)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .config import Settings, get_settings
from .db import database_url, upgrade
from .seeds import load_seeds

__all__ = ["scratch_database"]


@contextmanager
def scratch_database(
    name: str, settings: Settings | None = None, keep: bool = False
) -> Iterator[Engine]:
    """Create a fresh, migrated and seeded database ``name`` on the configured server
    (``DATABASE_URL`` or the embedded one), yield an engine, and drop it afterwards."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,50}", name):
        raise ValueError(f"bad scratch database name {name!r}")
    settings = settings or get_settings()
    url = sa.make_url(database_url(settings))
    admin = sa.create_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = sa.create_engine(url.set(database=name))
    try:
        upgrade(engine)
        load_seeds(engine)
        yield engine
    finally:
        engine.dispose()
        if not keep:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
