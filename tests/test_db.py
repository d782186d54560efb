"""Migrations and settings against a real PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from etl.config import Settings
from etl.db import SQL_DIR, get_engine, migration_status, upgrade
from etl.errors import DatabaseError, MigrationError


def test_upgrade_applies_all_then_is_a_noop(empty_db_url: str) -> None:
    engine = sa.create_engine(empty_db_url)
    first = upgrade(engine)
    assert first and first == sorted(first)
    assert upgrade(engine) == []
    status = migration_status(engine)
    assert not status.pending and not status.modified and status.current == first[-1]
    with engine.connect() as conn:
        tables = set(
            conn.scalars(
                sa.text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                )
            )
        )
    assert {
        "articles",
        "sources",
        "countries",
        "country_aliases",
        "minerals",
        "mineral_aliases",
        "mentions",
        "ingest_runs",
        "ingest_records",
        "archive_files",
        "article_countries",
        "article_minerals",
        "country_mineral_links",
        "stories",
        "story_copies",
    } <= tables
    engine.dispose()


def test_edited_applied_migration_is_refused(empty_db_url: str, tmp_path: Path) -> None:
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql)
    engine = sa.create_engine(empty_db_url)
    upgrade(engine, sql)
    first = sorted((sql / "migrations").glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        upgrade(engine, sql)
    assert migration_status(engine, sql).modified
    engine.dispose()


def test_failed_migration_rolls_back_and_reports(empty_db_url: str, tmp_path: Path) -> None:
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql)
    (sql / "migrations" / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n"
    )
    engine = sa.create_engine(empty_db_url)
    with pytest.raises(MigrationError, match=r"9999_broken\.sql"):
        upgrade(engine, sql)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT to_regclass('half_done')")) is None
        # the whole upgrade is one transaction: nothing was recorded
        assert conn.scalar(sa.text("SELECT to_regclass('schema_migrations')")) is None
    engine.dispose()


def test_database_newer_than_code_is_refused(empty_db_url: str) -> None:
    engine = sa.create_engine(empty_db_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (9998, 'x', 'y')"
            )
        )
    with pytest.raises(MigrationError, match="does not know"):
        upgrade(engine)
    engine.dispose()


def test_bad_database_url_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="PostgreSQL URL"):
        Settings(DATABASE_URL="sqlite:///x.db")  # type: ignore[call-arg]
    settings = Settings(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")  # type: ignore[call-arg]
    assert settings.database_url is not None
    assert settings.database_url.startswith("postgresql+psycopg://")
    with pytest.raises(DatabaseError, match="cannot connect"):
        get_engine(settings)
