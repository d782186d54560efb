"""Exception hierarchy of the ``etl`` library.

Every error the library raises on purpose derives from :class:`ETLError`, so callers
can catch one type. Per-item problems (a page that is not an article, a 404) are *not*
exceptions: they end as recorded outcomes. Exceptions are for conditions that stop a
command: bad configuration, an unreachable database, an unreadable input path.

::

    ETLError
    ├── ConfigError            settings are invalid or inconsistent
    ├── DatabaseError          the warehouse cannot be reached or is in a bad state
    │   └── MigrationError     a migration failed or the schema is newer than the code
    ├── SeedError              a seed CSV is missing or malformed
    ├── InputError             an input path or archive cannot be read at all
    └── FetchError             a network operation failed in a way the caller must see
        └── BlockedURLError    the URL is refused (scheme, private address, robots.txt)
"""

from __future__ import annotations

__all__ = [
    "BlockedURLError",
    "ConfigError",
    "DatabaseError",
    "ETLError",
    "FetchError",
    "InputError",
    "MigrationError",
    "SeedError",
]


class ETLError(Exception):
    """Base class of every error raised by the ``etl`` library."""


class ConfigError(ETLError):
    """Settings are invalid or inconsistent."""


class DatabaseError(ETLError):
    """The warehouse cannot be reached or is in an unexpected state."""


class MigrationError(DatabaseError):
    """A schema migration failed, or the database is newer than this code."""


class SeedError(ETLError):
    """A reference-data CSV in ``seeds/`` is missing or malformed."""


class InputError(ETLError):
    """An input path (archive, folder, file) cannot be read at all."""


class FetchError(ETLError):
    """A network operation failed in a way the caller must handle."""


class BlockedURLError(FetchError):
    """A URL is refused before fetching: bad scheme, non-public address, robots.txt."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason
