"""Mineral News ETL: news articles into PostgreSQL, with countries and minerals normalized.

The library is usable without Prefect; ``flows/`` and the ``etl`` CLI are thin layers over it.
Public API::

    from etl import Settings, backfill, extract_page, get_engine, upgrade, load_seeds

Errors derive from :class:`etl.errors.ETLError`.
"""

from __future__ import annotations

import logging

from .backfill import backfill
from .config import Settings, get_settings
from .db import get_engine, upgrade
from .errors import ETLError
from .extract import ExtractedArticle, Skip, extract_page
from .runs import RunSummary
from .seeds import load_seeds

__all__ = [
    "ETLError",
    "ExtractedArticle",
    "RunSummary",
    "Settings",
    "Skip",
    "backfill",
    "extract_page",
    "get_engine",
    "get_settings",
    "load_seeds",
    "upgrade",
]

__version__ = "0.1.0"

# A library does not configure logging; applications (the CLI, flows) do.
logging.getLogger(__name__).addHandler(logging.NullHandler())
