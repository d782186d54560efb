"""prefect.yaml, `etl serve`/`etl deploy`, docker-compose.yml and the Dockerfile: they load,
agree with the README, and every command they run exists."""

from __future__ import annotations

import asyncio
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO_ROOT

from flows.serve import PREFECT_FILE, WORK_POOL, load_flow, load_specs, runner_deployments

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _readme_deployments() -> dict[str, dict[str, str]]:
    """The deployments table of README "Scheduling and deployment"."""
    section = README.split("## Scheduling and deployment", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `([a-z-]+)` \| `([^`]+)` \| (.+?) \| (.+?) \| (.+?) \|$", line)
        if m:
            rows[m.group(1)] = {
                "entrypoint": m.group(2),
                "schedule": m.group(3),
                "parameters": m.group(4),
                "limit": m.group(5),
            }
    return rows


def test_prefect_yaml_loads_with_prefects_own_loader() -> None:
    from prefect.cli.deploy._config import _load_deploy_configs_and_actions
    from rich.console import Console

    buf = io.StringIO()
    configs, _actions = _load_deploy_configs_and_actions(PREFECT_FILE, console=Console(file=buf))
    assert buf.getvalue() == ""  # no "skipping ... validation errors"
    names = [c["name"] for c in configs]
    assert names == ["crawl-hourly", "maintenance-daily", "backfill", "renormalize"]
    for c in configs:
        assert c["work_pool"]["name"] == WORK_POOL
        # every flow-run process starts quiet
        assert c["work_pool"]["job_variables"]["env"]["DO_NOT_TRACK"] == "1"
        assert c["work_pool"]["job_variables"]["env"]["PREFECT_LOGGING_LEVEL"] == "WARNING"


def test_schedules_and_parameters_are_what_the_readme_says() -> None:
    documented = _readme_deployments()
    specs = {s.name: s for s in load_specs()}
    assert set(documented) == set(specs)
    for name, spec in specs.items():
        doc = documented[name]
        assert doc["entrypoint"] == spec.entrypoint
        if spec.schedules:
            (sched,) = spec.schedules
            assert doc["schedule"].startswith(f"`{sched['cron']}` {sched['timezone']}"), name
            assert sched["timezone"] == "UTC"
        else:
            assert doc["schedule"] == "on demand", name
        for key, value in spec.parameters.items():
            assert f"`{key}={value}`" in doc["parameters"], (name, key)
        limit = spec.concurrency_limit
        if limit:
            assert doc["limit"] == f"{limit['limit']}, `{limit['collision_strategy']}`", name
        else:
            assert doc["limit"] == "none", name
    hourly = specs["crawl-hourly"]
    assert hourly.schedules == [{"cron": "0 * * * *", "timezone": "UTC"}]
    # an overrunning hourly run never races the next one (and the frontier makes overlap safe)
    assert hourly.concurrency_limit == {"limit": 1, "collision_strategy": "CANCEL_NEW"}
    assert specs["maintenance-daily"].schedules == [{"cron": "30 4 * * *", "timezone": "UTC"}]


def test_parameters_fit_the_flows_and_network_tasks_retry() -> None:
    at_run_time = {"paths": ["/data/archives/2024"]}  # what `prefect deployment run` adds
    for spec in load_specs():
        flow = load_flow(spec.entrypoint)
        assert set(spec.parameters) <= set(flow.parameters.properties), spec.name
        required = flow.parameters.required or []
        given = {k: at_run_time[k] for k in required if k not in spec.parameters}
        flow.validate_parameters({**given, **spec.parameters})  # raises on bad types
    required = {
        spec.name: [
            p
            for p in load_flow(spec.entrypoint).parameters.required or []
            if p not in spec.parameters
        ]
        for spec in load_specs()
    }
    # only the on-demand backfill needs a parameter at run time
    assert required == {
        "crawl-hourly": [],
        "maintenance-daily": [],
        "backfill": ["paths"],
        "renormalize": [],
    }
    from flows import crawl

    assert crawl.poll_feeds.retries >= 1 and crawl.fetch_batch.retries >= 1


def _cron(schedule: Any) -> tuple[str, str]:
    return schedule.schedule.cron, schedule.schedule.timezone


def test_served_deployments_are_the_files(prefect_harness: None) -> None:
    """`etl serve` builds its deployments from prefect.yaml: same names, schedules,
    parameters and limits; they register on a Prefect API as they are."""
    from prefect.client.orchestration import get_client

    deps = runner_deployments()
    specs = load_specs()
    assert [d.name for d in deps] == [s.name for s in specs]
    for d, s in zip(deps, specs, strict=True):
        assert d.parameters == s.parameters
        assert [(x.schedule.cron, x.schedule.timezone) for x in d.schedules or []] == [
            (x["cron"], x["timezone"]) for x in s.schedules
        ]
        if s.concurrency_limit:
            assert d.concurrency_limit == s.concurrency_limit["limit"]
            assert d.concurrency_options is not None
            strategy = d.concurrency_options.collision_strategy
            assert strategy.value == s.concurrency_limit["collision_strategy"]
        assert d.entrypoint and not d.entrypoint.startswith(".")  # module path, any cwd

    async def apply_and_read() -> Any:
        for d in deps:
            await d.apply()
        async with get_client() as client:
            return await client.read_deployment_by_name("crawl/crawl-hourly")

    hourly = asyncio.run(apply_and_read())
    assert [_cron(s) for s in hourly.schedules] == [("0 * * * *", "UTC")]
    assert hourly.global_concurrency_limit is not None
    assert hourly.global_concurrency_limit.limit == 1


@pytest.mark.slow
def test_etl_deploy_registers_every_deployment(prefect_harness: None) -> None:
    """`etl deploy` (work pool + `prefect --no-prompt deploy --all`) against a real Prefect
    API: the server holds the deployments with the README's schedules and limits."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    from flows.serve import deploy_all

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    result = deploy_all(env=env)
    assert result.returncode == 0, result.stdout + result.stderr

    async def read() -> dict[str, Any]:
        async with get_client() as client:
            pool = await client.read_work_pool(WORK_POOL)
            deps = await client.read_deployments()
            return {"pool": pool, "deps": {d.name: d for d in deps}}

    got = asyncio.run(read())
    assert got["pool"].type == "process"
    deps = got["deps"]
    assert {"crawl-hourly", "maintenance-daily", "backfill", "renormalize"} <= set(deps)
    for spec in load_specs():
        dep = deps[spec.name]
        assert dep.work_pool_name == WORK_POOL
        assert [_cron(s) for s in dep.schedules] == [
            (s["cron"], s["timezone"]) for s in spec.schedules
        ]
        assert dep.parameters == spec.parameters
        if spec.concurrency_limit:
            assert dep.concurrency_options is not None
            assert dep.global_concurrency_limit is not None
            assert dep.global_concurrency_limit.limit == spec.concurrency_limit["limit"]
            assert (
                dep.concurrency_options.collision_strategy.value
                == spec.concurrency_limit["collision_strategy"]
            )
    # the flow-run processes get the quiet environment
    assert deps["crawl-hourly"].job_variables["env"]["DO_NOT_TRACK"] == "1"


# -- docker ------------------------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    return data


def _commands(command: Any) -> list[list[str]]:
    """Split a compose/Docker command (list or string, ``sh -c "a && b"``) into argv lists."""
    argv = command if isinstance(command, list) else shlex.split(command)
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def test_compose_file_structure() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"warehouse", "prefect-db", "prefect-server", "setup", "worker"}
    for name in ("warehouse", "prefect-db", "prefect-server", "worker"):
        assert "test" in services[name]["healthcheck"], name
    assert set(compose["volumes"]) == {"warehouse-data", "prefect-db-data", "etl-data"}
    assert "warehouse-data:/var/lib/postgresql/data" in services["warehouse"]["volumes"]
    assert "prefect-db-data:/var/lib/postgresql/data" in services["prefect-db"]["volumes"]
    assert "etl-data:/data" in services["worker"]["volumes"]
    # the Prefect server keeps its state in PostgreSQL, not SQLite
    url = services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@prefect-db:" in url
    # the worker image is this project, talking to the compose warehouse and server
    for name in ("setup", "worker"):
        svc = services[name]
        assert svc["build"]["dockerfile"] == "Dockerfile"
        assert "@warehouse:5432/" in svc["environment"]["DATABASE_URL"]
        assert svc["environment"]["PREFECT_API_URL"] == "http://prefect-server:4200/api"
    assert services["worker"]["depends_on"]["setup"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["setup"]["depends_on"]["warehouse"]["condition"] == "service_healthy"
    worker_cmd = _commands(services["worker"]["command"])
    assert worker_cmd == [["prefect", "worker", "start", "--pool", WORK_POOL, "--with-healthcheck"]]


def _etl_command_exists(argv: list[str]) -> bool:
    """Resolve ``etl a b --opt x`` through the CLI's own command tree."""
    import click
    import typer

    from etl.cli import app

    cmd: Any = typer.main.get_command(app)
    ctx = click.Context(cmd)
    words = [w for w in argv[1:] if not w.startswith("-")]
    while words and hasattr(cmd, "get_command"):  # a group (Typer's own click classes)
        sub = cmd.get_command(ctx, words.pop(0))
        if sub is None:
            return False
        cmd = sub
    # the options given must be options of the resolved command
    names = {opt for p in cmd.params for opt in getattr(p, "opts", [])}
    return all(w in names for w in argv[1:] if w.startswith("--"))


def test_every_command_the_containers_run_exists() -> None:
    compose = _compose()
    commands: list[list[str]] = []
    for svc in compose["services"].values():
        if "build" in svc and "command" in svc:
            commands += _commands(svc["command"])
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    m = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert m
    commands += [yaml.safe_load(m.group(1))]
    assert commands
    prefect_cmds = []
    for argv in commands:
        assert argv[0] in ("etl", "prefect"), argv
        if argv[0] == "etl":
            assert _etl_command_exists(argv), argv
        else:
            words = [w for w in argv[1:] if not w.startswith("-")][:2]
            flags = [w for w in argv[1:] if w.startswith("--")]
            prefect_cmds.append((argv, words, flags))
    # `prefect <group> <command> --help` must exist in this environment and list the flags
    prefect = str(Path(sys.executable).with_name("prefect"))
    procs = [
        (
            argv,
            flags,
            subprocess.Popen(
                [prefect, *words, "--help"],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "DO_NOT_TRACK": "1", "COLUMNS": "200"},
            ),
        )
        for argv, words, flags in prefect_cmds
    ]
    for argv, flags, proc in procs:
        output, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, (argv, output)
        for flag in flags:
            assert flag in output, (argv, flag)


def test_dockerfile_installs_the_project_with_dask() -> None:
    text = (REPO_ROOT / "Dockerfile").read_text()
    assert "pip install '.[dask]'" in text and "pip install --no-deps -e ." in text
    assert "HEALTHCHECK" in text and "localhost:8080/health" in text
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_etl_serve_and_deploy_commands_exist() -> None:
    from typer.testing import CliRunner

    from etl.cli import app

    runner = CliRunner()
    for command, words in (
        ("serve", ("prefect.yaml", "pause")),
        ("deploy", ("work pool", "worker start")),
        ("status", ("flagged", "language")),
    ):
        res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert res.exit_code == 0, res.output
        text = " ".join(res.output.split())
        for word in words:
            assert word in text, (command, word)
