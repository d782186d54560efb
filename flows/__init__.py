"""Prefect flows: thin orchestration over the ``etl`` library (no SQL or parsing here)."""
