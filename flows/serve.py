"""The deployments of ``prefect.yaml``, served or deployed.

``prefect.yaml`` is the single description of the deployments (names, entrypoints, cron
schedules, parameters, concurrency limits). Two ways to run them:

* :func:`serve_all` (``etl serve``): one long-running process schedules and runs them all
  with ``prefect.serve`` — no work pool, no worker. It needs a Prefect API to record runs
  (``PREFECT_API_URL``, or Prefect's own local server that ``prefect server start`` gives).
  ``pause_on_shutdown=False``: stopping the process does not pause the schedules, so the
  next start (or a worker) carries on.
* :func:`deploy_all` (``etl deploy``): registers them on a Prefect server for a ``process``
  work pool (created when missing) with ``prefect --no-prompt deploy --all``; then any
  number of ``prefect worker start --pool mineral-news`` run them.
"""

from __future__ import annotations

import asyncio
import importlib
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

import flows  # noqa: F401 - quiet Prefect defaults, before Prefect is imported

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment
    from prefect.flows import Flow

__all__ = [
    "PREFECT_FILE",
    "WORK_POOL",
    "DeploymentSpec",
    "deploy_all",
    "ensure_work_pool",
    "load_flow",
    "load_specs",
    "runner_deployments",
    "serve_all",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
PREFECT_FILE = REPO_ROOT / "prefect.yaml"
WORK_POOL = "mineral-news"


@dataclass(frozen=True)
class DeploymentSpec:
    """One entry of ``prefect.yaml``'s ``deployments`` list (the fields this project uses)."""

    name: str
    entrypoint: str  # path/to/file.py:flow_function, relative to the repository root
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    concurrency_limit: dict[str, Any] | None = None
    work_pool: str | None = None

    @property
    def flow_name(self) -> str:
        """The ``flow/deployment`` name prefix Prefect shows (the flow's name)."""
        return load_flow(self.entrypoint).name


def load_specs(path: Path = PREFECT_FILE) -> list[DeploymentSpec]:
    """Read the deployments of a ``prefect.yaml``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    specs = []
    for d in data.get("deployments") or []:
        limit = d.get("concurrency_limit")
        specs.append(
            DeploymentSpec(
                name=d["name"],
                entrypoint=d["entrypoint"],
                description=d.get("description"),
                tags=list(d.get("tags") or []),
                schedules=list(d.get("schedules") or []),
                parameters=dict(d.get("parameters") or {}),
                concurrency_limit={"limit": limit} if isinstance(limit, int) else limit,
                work_pool=(d.get("work_pool") or {}).get("name"),
            )
        )
    return specs


def load_flow(entrypoint: str) -> Flow[..., Any]:
    """Import the flow of ``flows/crawl.py:crawl_flow`` as the module ``flows.crawl`` (the
    package is installed, so this works from any directory)."""
    file, _, attr = entrypoint.partition(":")
    module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
    flow_obj: Flow[..., Any] = getattr(module, attr)
    return flow_obj


def runner_deployments(
    specs: list[DeploymentSpec] | None = None, names: list[str] | None = None
) -> list[RunnerDeployment]:
    """``RunnerDeployment`` objects for ``prefect.serve``: same names, schedules, parameters
    and concurrency limits as the file (no work pool: served runs execute in this process's
    machine as subprocesses)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron, Interval, Schedule

    out: list[RunnerDeployment] = []
    for spec in specs if specs is not None else load_specs():
        if names and spec.name not in names:
            continue
        schedules: list[Schedule] = []
        for s in spec.schedules:
            tz = s.get("timezone")
            if "cron" in s:
                schedules.append(Cron(s["cron"], timezone=tz, parameters=s.get("parameters")))
            elif "interval" in s:
                schedules.append(
                    Interval(s["interval"], timezone=tz, parameters=s.get("parameters"))
                )
            else:
                raise ValueError(f"deployment {spec.name}: unsupported schedule {s}")
        limit = None
        if spec.concurrency_limit:
            limit = ConcurrencyLimitConfig(
                limit=spec.concurrency_limit["limit"],
                collision_strategy=ConcurrencyLimitStrategy(
                    spec.concurrency_limit.get("collision_strategy", "ENQUEUE")
                ),
            )
        dep = load_flow(spec.entrypoint).to_deployment(
            name=spec.name,
            schedules=schedules,
            parameters=spec.parameters,
            concurrency_limit=limit,
            description=spec.description,
            tags=spec.tags,
            # Runs import flows.crawl etc. by module name: independent of the cwd.
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        # to_deployment is sync/async-compatible: called from sync code it returns the
        # deployment itself, not a coroutine.
        out.append(cast("RunnerDeployment", dep))
    return out


def serve_all(
    path: Path = PREFECT_FILE, names: list[str] | None = None, limit: int | None = None
) -> None:
    """Serve the deployments of ``path`` (all, or ``names``) until interrupted.

    Args:
        path: the ``prefect.yaml`` to read.
        names: only these deployments.
        limit: at most this many flow runs at once in this process.
    """
    from prefect import serve

    deployments = runner_deployments(load_specs(path), names)
    serve(*deployments, pause_on_shutdown=False, limit=limit)


async def ensure_work_pool(name: str = WORK_POOL) -> bool:
    """Create the ``process`` work pool ``name`` unless it exists; True when created."""
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.utilities import get_default_base_job_template_for_infrastructure_type

    async with get_client() as client:
        try:
            await client.read_work_pool(name)
            return False
        except ObjectNotFound:
            template = await get_default_base_job_template_for_infrastructure_type("process")
            await client.create_work_pool(
                WorkPoolCreate(name=name, type="process", base_job_template=template or {})
            )
            return True


def deploy_all(
    path: Path = PREFECT_FILE, pool: str = WORK_POOL, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Create the work pool if needed, then ``prefect --no-prompt deploy --all`` from the
    repository root (the directory workers will run the flows from). Returns the finished
    process (its output is captured for the caller to show)."""
    asyncio.run(ensure_work_pool(pool))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "prefect",
            "--no-prompt",
            "deploy",
            "--all",
            "--prefect-file",
            str(path),
            "--pool",
            pool,
        ],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


if __name__ == "__main__":
    serve_all()
