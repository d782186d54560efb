"""The crawl flow with its CPU-heavy extraction on a Dask cluster (``prefect-dask``).

Install the extra (``pip install -e '.[dask]'``), start a cluster (``dask scheduler`` on one
machine, ``dask worker tcp://scheduler:8786`` on each of the others, every one with this
project installed, ``DATABASE_URL`` set and the crawler's WARC folder mounted at the same
path), then point the flow at it with ``ETL_DASK_ADDRESS=tcp://scheduler:8786``. Without an
address a ``LocalCluster`` is started for the run.

Only the ``extract-load`` tasks go to the cluster (they are *submitted*); polling and fetching
stay in the flow's process, where per-host politeness is kept. The result is the same as with
the default runner (``tests/test_flows_crawl.py`` checks it).

Not named ``dask.py``: Prefect may put this folder on ``sys.path`` when it loads a flow by
file path, and a ``dask.py`` there would shadow the real ``dask`` package.
"""

from __future__ import annotations

import os
from typing import Any

from prefect import Flow
from prefect_dask import DaskTaskRunner

from flows.crawl import crawl_flow

__all__ = ["DASK_ADDRESS_ENV", "crawl_dask_flow", "crawl_on_dask", "dask_task_runner"]

DASK_ADDRESS_ENV = "ETL_DASK_ADDRESS"


def dask_task_runner(address: str | None = None, **cluster_kwargs: Any) -> DaskTaskRunner:
    """A ``DaskTaskRunner`` for the scheduler at ``address`` (default ``$ETL_DASK_ADDRESS``),
    or for a new ``LocalCluster(**cluster_kwargs)`` when there is no address."""
    address = address or os.environ.get(DASK_ADDRESS_ENV) or None
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs=cluster_kwargs or None)


def crawl_on_dask(address: str | None = None, **cluster_kwargs: Any) -> Flow[..., Any]:
    """The crawl flow (same parameters) with ``extract-load`` on a Dask cluster."""
    runner: Any = dask_task_runner(address, **cluster_kwargs)  # its future type is Dask's
    return crawl_flow.with_options(name="crawl-dask", task_runner=runner)


# For deployments: ``prefect deploy flows/dask_runner.py:crawl_dask_flow -n crawl-dask
# -p mineral-news``; the address is read when a run imports this module.
crawl_dask_flow = crawl_on_dask()


if __name__ == "__main__":
    crawl_dask_flow()
