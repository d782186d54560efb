"""Prefect flows: thin orchestration over the ``etl`` library (no SQL or parsing here).

Importing this package sets quiet defaults for Prefect, each only when the environment does
not set it already (so ``PREFECT_LOGGING_LEVEL=INFO etl serve`` still works):

``DO_NOT_TRACK=1``
    Prefect's client-side usage analytics off (the standard opt-out variable it honours).
``PREFECT_SERVER_ANALYTICS_ENABLED=false``
    No anonymous startup ping from a local or ephemeral Prefect server.
``PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS=false``
    No per-run OS resource sampling in flow-run subprocesses.
``PREFECT_LOGGING_LEVEL=WARNING``
    Prefect's own loggers print warnings and errors only; what a run did is in its markdown
    artifact and in ``etl status``.

The process work pool's runs get the same variables from ``prefect.yaml`` (job variables),
because a worker imports Prefect before any flow code.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

__all__ = ["QUIET_PREFECT_ENV", "quiet_prefect", "setup_logging"]

QUIET_PREFECT_ENV: dict[str, str] = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def quiet_prefect(env: MutableMapping[str, str] = os.environ) -> dict[str, str]:
    """Apply :data:`QUIET_PREFECT_ENV` where ``env`` has no value; returns what was set.

    Must run before Prefect is imported: Prefect reads its settings once, at import."""
    applied = {k: v for k, v in QUIET_PREFECT_ENV.items() if k not in env}
    env.update(applied)
    return applied


def setup_logging() -> None:
    """One line per event from the ``etl`` library at ``ETL_LOG_LEVEL`` (default WARNING),
    as text or JSON (``ETL_LOG_JSON``): the same lines the CLI prints."""
    from etl.config import get_settings
    from etl.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)


quiet_prefect()
