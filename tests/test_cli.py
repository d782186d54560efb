"""The `etl` command line, run in-process with typer's runner against a real database."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import sqlalchemy as sa
from pages import sample_pages, write_warc
from typer.testing import CliRunner

from etl.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def test_help_lists_the_commands() -> None:
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in (
        "quickstart",
        "backfill",
        "crawl",
        "extract",
        "mentions",
        "query",
        "db",
        "sources",
        "renormalize",
        "runs",
    ):
        assert cmd in res.output


def test_backfill_extract_query_and_runs(db_url: str, tmp_path: Path) -> None:
    warc = tmp_path / "x.warc.gz"
    write_warc(warc, sample_pages(3))
    res = runner.invoke(app, ["backfill", str(warc), "--json", "--no-progress", "--workers", "1"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["outcomes"]["loaded"] == 3 and summary["status"] == "completed"
    res = runner.invoke(app, ["query", "SELECT count(*) AS n FROM articles"])
    assert res.exit_code == 0 and "3" in res.output
    res = runner.invoke(app, ["query", "SELECT * FROM no_such_table"])
    assert res.exit_code == 2 and "no_such_table" in res.output
    res = runner.invoke(app, ["runs"])
    assert res.exit_code == 0 and "backfill" in res.output
    res = runner.invoke(app, ["recluster"])
    assert res.exit_code == 0 and "articles=3" in res.output and "stories=3" in res.output
    res = runner.invoke(app, ["db", "status"])
    assert res.exit_code == 0 and "pending: none" in res.output


def test_backfill_missing_path_is_a_clear_error(db_url: str, tmp_path: Path) -> None:
    res = runner.invoke(app, ["backfill", str(tmp_path / "nope.warc.gz"), "--no-progress"])
    assert res.exit_code == 2
    assert "no such file or folder" in res.output


def test_extract_prints_one_json_line_per_page(tmp_path: Path) -> None:
    pages = sample_pages(2)
    files = []
    for i, (_, html) in enumerate(pages):
        f = tmp_path / f"{i}.html"
        f.write_text(html)
        files.append(str(f))
    res = runner.invoke(app, ["extract", *files, "--json"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.output.splitlines()]
    assert [x["url"] for x in lines] == [u for u, _ in pages]
    assert all(x["language"] == "en" and x["title"] and x["text"] for x in lines)


def test_mentions_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": 1, "text": "Chile raised lithium royalties."})
        + "\n"
        + "not json\n"
        + json.dumps({"id": "b", "text": "Belarusian potash moved by rail to China."})
        + "\n"
    )
    res = runner.invoke(app, ["mentions", str(src), "--jsonl"])
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.output.splitlines()]
    assert out[0]["id"] == 1 and out[0]["main_country"] == "CL"
    assert {m["id"] for m in out[0]["mentions"]} == {"CL", "lithium"}
    assert "error" in out[1]
    assert {m["id"] for m in out[2]["mentions"]} >= {"BY", "potash", "CN"}


def test_mentions_shows_the_places_behind_the_main_country(tmp_path: Path) -> None:
    src = tmp_path / "story.txt"
    src.write_text(
        "PERTH — Shipments from Port Hedland rose as Chinese mills restocked. Cargoes bound "
        "for China made up most of the total. Australia's exports rose."
    )
    res = runner.invoke(app, ["mentions", str(src), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["main_country"] == "AU"
    assert [(p["surface"], p["id"]) for p in doc["places"]] == [
        ("PERTH", "AU"),
        ("Port Hedland", "AU"),
    ]
    assert "AU" not in {p["id"] for p in doc["mentions"] if p["surface"] == "PERTH"}
    res = runner.invoke(app, ["mentions", str(src)])
    assert "places backing the main country: PERTH (AU), Port Hedland (AU)" in res.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        return int(s.getsockname()[1])


def test_quickstart_crawls_the_sample_site_and_reruns_cleanly(db_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {"ETL_DATA_DIR": str(tmp_path), "ETL_WORKERS": "1"}
    res = runner.invoke(app, ["quickstart", "--port", str(port)], env=env)
    assert res.exit_code == 0, res.output
    assert "loaded" in res.output and "Example query" in res.output
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        n = conn.scalar(sa.text("SELECT count(*) FROM articles"))
        fetched = conn.scalar(sa.text("SELECT count(*) FROM fetch_log WHERE kind='article'"))
    assert n >= 35 and fetched >= n
    res = runner.invoke(app, ["quickstart", "--port", str(port)], env=env)
    assert res.exit_code == 0, res.output
    with engine.connect() as conn:
        again = conn.scalar(sa.text("SELECT count(*) FROM fetch_log WHERE kind='article'"))
    engine.dispose()
    assert again == fetched  # nothing fetched twice
