"""The ``etl`` command line. Every command is a thin wrapper over library functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .config import get_settings
from .errors import ETLError
from .logs import configure_logging

app = typer.Typer(
    help="Mineral News ETL: ingest news into PostgreSQL and normalize countries and minerals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help="Warehouse schema, reference data and the embedded server.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
sources_app = typer.Typer(help="News sources: feeds and sitemaps to crawl.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

out = Console()
err = Console(stderr=True)

REPO_ROOT = Path(__file__).resolve().parent.parent


@app.callback()
def _setup(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log INFO events.")] = False,
    log_json: Annotated[bool, typer.Option("--log-json", help="Log lines as JSON.")] = False,
) -> None:
    settings = get_settings()
    configure_logging("INFO" if verbose else settings.log_level, log_json or settings.log_json)


def _engine() -> Any:
    from .db import get_engine

    return get_engine()


def _fail(exc: Exception) -> None:
    err.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(2)


# db ---------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations from sql/migrations and refresh the views."""
    from .db import upgrade

    try:
        applied = upgrade(_engine())
    except ETLError as exc:
        _fail(exc)
    out.print(f"migrations applied: {applied or 'none (up to date)'}")


@db_app.command("seed")
def db_seed(
    seeds_dir: Annotated[Path | None, typer.Option(help="Folder with the seed CSVs.")] = None,
) -> None:
    """Load countries, minerals and aliases from seeds/*.csv (idempotent upserts)."""
    from .seeds import SEEDS_DIR, load_seeds

    try:
        counts = load_seeds(_engine(), seeds_dir or SEEDS_DIR)
    except ETLError as exc:
        _fail(exc)
    out.print("seeded: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


@db_app.command("status")
def db_status() -> None:
    """Show the database URL, applied and pending migrations, and table sizes."""
    import sqlalchemy as sa

    from .db import migration_status

    try:
        engine = _engine()
        st = migration_status(engine)
    except ETLError as exc:
        _fail(exc)
    out.print(f"database: {engine.url.render_as_string(hide_password=True)}", soft_wrap=True)
    out.print(f"schema version: {st.current}; pending: {st.pending or 'none'}")
    if st.modified:
        out.print(f"[red]modified after apply:[/] {st.modified}")
    table = Table("table", "rows")
    with engine.connect() as conn:
        for name in (
            "sources",
            "articles",
            "mentions",
            "countries",
            "minerals",
            "ingest_runs",
            "ingest_records",
        ):
            if conn.scalar(sa.text("SELECT to_regclass(:n)"), {"n": name}):
                table.add_row(name, str(conn.scalar(sa.text(f"SELECT count(*) FROM {name}"))))
    out.print(table)


@db_app.command("url")
def db_url() -> None:
    """Print the SQLAlchemy URL of the warehouse (starts the embedded server if needed)."""
    from .db import database_url

    out.print(database_url(), soft_wrap=True)


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (no-op with DATABASE_URL)."""
    from .db import stop_embedded

    out.print("stopped" if stop_embedded() else "embedded server was not running")


# backfill ---------------------------------------------------------------------------------------


def _print_summary(summary: Any, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
        return
    if summary.kind == "crawl":
        detail = "feed polls: " + (
            ", ".join(f"{k}={v}" for k, v in sorted(summary.feeds.items())) or "none due"
        )
    else:
        detail = (
            f"files read={summary.files['read']} already done={summary.files['already_done']} "
            f"unsupported={summary.files['unsupported']}"
        )
    out.print(
        f"run {summary.run_id} {summary.status}: {summary.records} records in "
        f"{summary.elapsed:.1f}s; {detail}"
    )
    table = Table("outcome", "reason", "records")
    for key, n in sorted(summary.counts.items()):
        outcome, _, reason = key.partition(":")
        table.add_row(outcome, reason or "", str(n))
    table.add_row("[bold]total", "", f"[bold]{summary.records}")
    out.print(table)


def _iso_date(value: str | None) -> Any:
    """Parse an ISO date/datetime option (naive = UTC); a bad value is a clear error."""
    from datetime import UTC, datetime

    if value is None:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise ETLError(f"not an ISO date: {value!r} (e.g. 2026-01-31)") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def run_backfill(
    paths: list[Path], workers: int | None, batch_size: int | None, progress: bool, **kw: Any
) -> Any:
    """Backfill with a progress bar on stderr (``kw``: more arguments of etl.backfill)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from .backfill import backfill

    engine = _engine()
    if not progress or not err.is_terminal:
        return backfill(paths, engine=engine, workers=workers, batch_size=batch_size, **kw)
    with Progress(
        TextColumn("[bold]backfill"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("backfill", total=None, stats="")

        def on_progress(p: Any) -> None:
            outcomes = p.summary.by_outcome()
            stats = " ".join(f"{k}={v}" for k, v in sorted(outcomes.items()))
            bar.update(
                task,
                completed=p.bytes_done,
                total=p.bytes_total,
                stats=f"files {p.files_done}/{p.files_total} {stats}",
            )

        return backfill(
            paths,
            engine=engine,
            workers=workers,
            batch_size=batch_size,
            on_progress=on_progress,
            **kw,
        )


@app.command()
def backfill(
    paths: Annotated[list[Path], typer.Argument(help="WARC/ARC files or folders of .html(.gz).")],
    workers: Annotated[
        int | None, typer.Option(help="Extraction processes [default: cores].")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Records per transaction.")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    since: Annotated[
        str | None, typer.Option(help="Only articles published on/after this ISO date (UTC).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only articles published before this ISO date (UTC).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Load archives into the warehouse. Resumable: rerun after a crash to continue.

    With --since/--until only articles published in that window are loaded; the others are
    counted as skipped:out_of_range and left for a later run with another window."""
    try:
        window = {"published_from": _iso_date(since), "published_until": _iso_date(until)}
        summary = run_backfill(paths, workers, batch_size, progress, **window)
    except ETLError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("interrupted: rerun the same command to resume")
        raise typer.Exit(130) from None
    _print_summary(summary, as_json)


# crawl and sources --------------------------------------------------------------------------------


def run_crawl(
    settings: Any, max_urls: int | None, workers: int | None, progress: bool, **kw: Any
) -> Any:
    """One crawl cycle with a live status line on stderr; shared by `crawl` and `quickstart`."""
    from .crawl import crawl as crawl_cycle

    engine = _engine()
    if not progress or not err.is_terminal:
        return crawl_cycle(engine, settings, max_urls=max_urls, workers=workers, **kw)
    with err.status("crawling: polling feeds") as status:

        def on_progress(summary: Any) -> None:
            outcomes = summary.by_outcome()
            status.update("crawling: " + " ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))

        return crawl_cycle(
            engine, settings, max_urls=max_urls, workers=workers, on_progress=on_progress, **kw
        )


@app.command()
def crawl(
    max_urls: Annotated[int | None, typer.Option(help="Stop after this many article URLs.")] = None,
    workers: Annotated[int | None, typer.Option(help="Extraction processes.")] = None,
    progress: Annotated[bool, typer.Option(help="Show progress.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run one crawl cycle: poll due feeds and sitemaps, fetch new articles politely, extract,
    deduplicate, load and normalize. Safe to run concurrently (shared frontier)."""
    settings = get_settings()
    try:
        summary = run_crawl(settings, max_urls, workers, progress)
    except ETLError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("interrupted: claimed URLs are released when their lease expires")
        raise typer.Exit(130) from None
    _print_summary(summary, as_json)


@sources_app.command("sync")
def sources_sync(
    path: Annotated[
        Path | None, typer.Argument(help="Sources file [default: sources.yaml].")
    ] = None,
) -> None:
    """Load a sources file into the warehouse (sources absent from it are disabled)."""
    from .sources import DEFAULT_SOURCES_FILE, load_sources_file, sync_sources

    try:
        counts = sync_sources(_engine(), load_sources_file(path or DEFAULT_SOURCES_FILE))
    except ETLError as exc:
        _fail(exc)
    out.print("synced: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


@sources_app.command("add")
def sources_add(
    homepage: Annotated[str, typer.Argument(help="Homepage URL of the source.")],
    name: Annotated[str | None, typer.Option(help="Display name [default: the domain].")] = None,
    feed: Annotated[list[str] | None, typer.Option(help="Feed URL (repeatable).")] = None,
    sitemap: Annotated[list[str] | None, typer.Option(help="Sitemap URL (repeatable).")] = None,
    discover: Annotated[
        bool, typer.Option(help="Find feeds and sitemaps on the site when none are given.")
    ] = True,
    language: Annotated[str | None, typer.Option(help="ISO 639-1 language.")] = None,
    country: Annotated[str | None, typer.Option(help="Publisher country (ISO2).")] = None,
) -> None:
    """Add a source; with only a homepage, feeds and sitemaps are discovered."""
    import asyncio

    from pydantic import ValidationError

    from .sources import SourceConfig, add_source

    feeds, sitemaps = list(feed or []), list(sitemap or [])
    try:
        if discover and not feeds and not sitemaps:
            from .discovery import discover_site
            from .fetcher import Fetcher

            async def find() -> Any:
                async with Fetcher(get_settings()) as f:
                    return await discover_site(f, homepage)

            found = asyncio.run(find())
            feeds, sitemaps = found.feeds, found.sitemaps
            out.print(f"discovered {len(feeds)} feeds, {len(sitemaps)} sitemaps")
        from .urls import domain_of

        cfg = SourceConfig(
            name=name or domain_of(homepage) or homepage,
            homepage=homepage,
            feeds=feeds,
            sitemaps=sitemaps,
            language=language,
            country=country,
        )
        sid = add_source(_engine(), cfg)
    except ValidationError as exc:
        _fail(ETLError(str(exc)))
    except ETLError as exc:
        _fail(exc)
    out.print(f"source {sid}: {cfg.name} ({len(feeds)} feeds, {len(sitemaps)} sitemaps)")


@sources_app.command("list")
def sources_list() -> None:
    """Sources with feed health: unhealthy feeds, last success, articles in 7 days."""
    from .sources import list_sources

    table = Table(
        "id", "name", "domain", "enabled", "feeds", "unhealthy", "last success", "articles 7d"
    )
    for r in list_sources(_engine()):
        table.add_row(
            str(r.id),
            r.name,
            r.domain,
            "yes" if r.enabled else "no",
            str(r.feeds),
            f"[red]{r.unhealthy}[/]" if r.unhealthy else "0",
            str(r.last_success or "-")[:19],
            str(r.articles_7d),
        )
    out.print(table)


@sources_app.command("disable")
def sources_disable(
    name: Annotated[str, typer.Argument(help="Source name or domain.")],
) -> None:
    """Stop crawling a source (its articles stay)."""
    from .sources import disable_source

    if not disable_source(_engine(), name):
        _fail(ETLError(f"no source named {name!r}"))
    out.print(f"disabled {name}")


# extract / mentions -----------------------------------------------------------------------------


@app.command()
def extract(
    sources: Annotated[list[str], typer.Argument(help="HTML files (.html, .html.gz) or URLs.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print all fields, one JSON line per page.")
    ] = False,
) -> None:
    """Extract one or more pages and print what the pipeline would store (debugging aid)."""
    import gzip

    from .extract import Skip, extract_page

    settings = get_settings()
    for src in sources:
        url: str | None = None
        ctype = None
        if src.startswith(("http://", "https://")):
            from .fetcher import fetch_one

            res = fetch_one(src, settings)
            if res.body is None:
                print(json.dumps({"source": src, "skipped": res.outcome, "error": res.error}))
                continue
            body, url, ctype = res.body, res.final_url, res.content_type
        else:
            path = Path(src)
            if not path.exists():
                _fail(ETLError(f"no such file: {path}"))
            if path.suffix == ".gz":
                with gzip.open(path) as gz:
                    body = gz.read()
            else:
                body = path.read_bytes()
        result = extract_page(body, url, content_type=ctype, min_words=settings.min_words)
        if isinstance(result, Skip):
            print(
                json.dumps(
                    {"source": src, "skipped": result.reason, "detail": result.detail},
                    ensure_ascii=False,
                )
            )
            continue
        doc: dict[str, Any] = {
            "source": src,
            "url": result.url,
            "title": result.title,
            "authors": result.authors,
            "published_at": result.published_at.isoformat() if result.published_at else None,
            "language": result.language,
            "text": result.text,
        }
        if as_json:
            doc |= {
                "canonical_url": result.canonical_url,
                "sitename": result.sitename,
                "language_confidence": result.language_confidence,
                "declared_language": result.declared_language,
                "word_count": result.word_count,
                "content_sha256": result.content_sha256,
                "simhash": result.simhash,
                "extractor_version": result.extractor_version,
            }
        print(json.dumps(doc, ensure_ascii=False))


@app.command()
def mentions(
    source: Annotated[str, typer.Argument(help="A text file, or - for standard input.")] = "-",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl", help='Input lines {"id","text"[,"title"]}; output one JSON line each.'
        ),
    ] = False,
    language: Annotated[str | None, typer.Option(help="Language hint (en, de, ru...).")] = None,
) -> None:
    """Print the country and mineral mentions found in a text, and its main country."""
    from .normalize import default_normalizer

    norm = default_normalizer()
    fh = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115 - closed below
    with fh:
        if jsonl:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    text = item["text"]
                except (ValueError, KeyError, TypeError) as exc:
                    print(json.dumps({"line": lineno, "error": f"bad input line: {exc}"}))
                    continue
                res = norm.normalize(
                    text, title=item.get("title"), language=item.get("language", language)
                )
                print(json.dumps({"id": item.get("id"), **_mentions_doc(res)}, ensure_ascii=False))
            return
        text = fh.read()
    res = norm.normalize(text, language=language)
    if as_json:
        print(json.dumps(_mentions_doc(res), ensure_ascii=False))
        return
    table = Table("kind", "id", "surface", "start", "end", "sentence", "flags")
    for m in res.mentions:
        table.add_row(
            m.kind,
            m.entity_id,
            m.surface,
            str(m.start),
            str(m.end),
            str(m.sentence),
            ",".join(m.flags),
        )
    out.print(table)
    if res.places:
        places = ", ".join(f"{p.surface} ({p.entity_id})" for p in res.places)
        out.print(f"places backing the main country: {places}")
    out.print(f"main country: {res.main_country or '-'}   normalizer {norm.version}")


def _mentions_doc(res: Any) -> dict[str, Any]:
    return {
        "main_country": res.main_country,
        "mentions": [
            {
                "kind": m.kind,
                "id": m.entity_id,
                "surface": m.surface,
                "field": m.field,
                "start": m.start,
                "end": m.end,
                "sentence": m.sentence,
                "flags": list(m.flags),
            }
            for m in res.mentions
        ],
        "countries": res.country_counts,
        "minerals": res.mineral_counts,
        "links": [list(x) for x in res.links],
        "places": [
            {
                "id": p.entity_id,
                "surface": p.surface,
                "field": p.field,
                "start": p.start,
                "end": p.end,
                "sentence": p.sentence,
            }
            for p in res.places
        ],
    }


@app.command()
def recluster(
    batch_size: Annotated[int, typer.Option(help="Articles per candidate lookup.")] = 500,
    rebuild: Annotated[
        bool,
        typer.Option(
            help="Recompute every article's fingerprint first (after changing the signature)."
        ),
    ] = False,
) -> None:
    """Recompute story clusters (duplicate_of) for the whole warehouse, deterministically:
    the same articles in any load order give the same clusters."""
    from .clusters import recluster as run

    try:
        result = run(_engine(), batch_size=batch_size, rebuild=rebuild)
    except ETLError as exc:
        _fail(exc)
    out.print(str(result))


@app.command()
def renormalize(
    batch_size: Annotated[int, typer.Option(help="Articles per transaction.")] = 500,
    workers: Annotated[int | None, typer.Option(help="Processes [default: cores].")] = None,
) -> None:
    """Re-run normalization on articles tagged by an older normalizer version (after the
    seeds or rules changed). Nothing is re-crawled or re-extracted."""
    from .renormalize import renormalize as run

    try:
        summary = run(
            _engine(),
            batch_size=batch_size,
            workers=workers or get_settings().workers,
            on_progress=lambda done, total: err.print(f"renormalized {done}/{total}"),
        )
    except ETLError as exc:
        _fail(exc)
    out.print(
        f"run {summary.run_id}: renormalized {summary.counts['renormalized']} articles "
        f"in {summary.elapsed:.1f}s"
    )


# queries and runs -------------------------------------------------------------------------------


def print_query(engine: Any, sql: str, limit: int = 20) -> None:
    """Run one SQL statement and print up to ``limit`` rows as a table."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        result = conn.execute(sa.text(sql))
        table = Table(*result.keys())
        for i, row in enumerate(result):
            if i >= limit:
                break
            table.add_row(*["" if v is None else str(v) for v in row])
    out.print(table)


@app.command()
def query(
    sql: Annotated[
        str,
        typer.Argument(
            help="A SQL statement, or a path to a .sql file "
            "(e.g. sql/queries/minerals_by_country.sql)."
        ),
    ],
    limit: Annotated[int, typer.Option(help="Rows to print.")] = 50,
) -> None:
    """Run a read-only SQL query against the warehouse and print the rows."""
    text = Path(sql).read_text(encoding="utf-8") if sql.endswith(".sql") else sql
    try:
        print_query(_engine(), text, limit)
    except ETLError as exc:
        _fail(exc)
    except Exception as exc:  # SQL errors: show the database's message, not a traceback
        _fail(ETLError(str(getattr(exc, "orig", exc))))


@app.command()
def runs(limit: Annotated[int, typer.Option(help="How many runs.")] = 10) -> None:
    """List the most recent ingest runs with their outcome counts."""
    print_query(
        _engine(),
        f"""SELECT id, kind, status, started_at::timestamp(0) AS started,
                   round(extract(epoch FROM finished_at - started_at)::numeric, 1) AS seconds,
                   records, counts FROM ingest_runs ORDER BY id DESC LIMIT {int(limit)}""",
        limit,
    )


@app.command()
def quickstart(
    workers: Annotated[int | None, typer.Option(help="Extraction processes.")] = None,
    port: Annotated[int, typer.Option(help="Port of the local sample site.")] = 8765,
) -> None:
    """Set up the warehouse and run the main job on the bundled sample site: migrate, seed,
    serve examples/sample-archive on 127.0.0.x, crawl it once (feeds, sitemaps, robots.txt,
    politeness, extraction, dedup, normalization), then print the run summary and an
    example analyst query. Run it again: nothing is fetched twice."""
    from .db import upgrade
    from .samplesite import serve_sample_site
    from .seeds import load_seeds
    from .sources import sync_sources

    try:
        engine = _engine()
        out.print(f"warehouse: {engine.url.render_as_string(hide_password=True)}", soft_wrap=True)
        applied = upgrade(engine)
        out.print(f"migrations applied: {applied or 'none (up to date)'}")
        counts = load_seeds(engine)
        out.print("reference data: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        # The sample site lives on loopback: allow it for this run only, politely but fast.
        settings = get_settings().model_copy(
            update={"allow_private_addresses": True, "host_delay": 0.2}
        )
        with serve_sample_site(port=port) as site:
            sync_sources(engine, site.sources())
            out.print(
                f"sample site: {len(site.outlets)} outlets on 127.0.0.2-"
                f"{1 + len(site.outlets)}:{port}, {site.article_count} articles"
            )
            summary = run_crawl(settings, None, workers, True)
    except OSError as exc:
        _fail(
            ETLError(
                f"cannot serve the sample site on port {port}: {exc} (choose another with --port)"
            )
        )
    except ETLError as exc:
        _fail(exc)
    _print_summary(summary, False)
    example = REPO_ROOT / "sql" / "queries" / "minerals_by_country.sql"
    out.print(f"\n[bold]Example query[/] ({example.relative_to(REPO_ROOT)}):")
    print_query(engine, example.read_text(encoding="utf-8"), 15)
    out.print(
        "\nMore: etl query sql/queries/<name>.sql (sql/README.md), etl backfill PATH, "
        "etl sources sync && etl crawl"
    )


# scheduling, deployment and status ---------------------------------------------------------------


@app.command()
def serve(
    deployment: Annotated[
        list[str] | None,
        typer.Option("--deployment", "-d", help="Serve only this deployment (repeatable)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Flow runs at once in this process.")] = None,
    prefect_file: Annotated[
        Path | None, typer.Option(help="Deployments file [default: prefect.yaml].")
    ] = None,
) -> None:
    """Run the deployments of prefect.yaml on their schedules from this one process (hourly
    crawl, daily maintenance; backfill and renormalize on demand) — no work pool or worker
    needed. Stop with Ctrl-C; schedules are not paused on shutdown."""
    import flows  # noqa: F401 - quiet Prefect defaults, before Prefect is imported
    from flows.serve import PREFECT_FILE, serve_all

    serve_all(prefect_file or PREFECT_FILE, names=deployment or None, limit=limit)


@app.command()
def deploy(
    pool: Annotated[str, typer.Option(help="Process work pool (created if missing).")] = (
        "mineral-news"
    ),
    prefect_file: Annotated[
        Path | None, typer.Option(help="Deployments file [default: prefect.yaml].")
    ] = None,
) -> None:
    """Register every deployment of prefect.yaml on the Prefect server (PREFECT_API_URL),
    creating the process work pool if needed; then run `prefect worker start --pool POOL`
    on each machine."""
    import flows  # noqa: F401 - quiet Prefect defaults, before Prefect is imported
    from flows.serve import PREFECT_FILE, deploy_all

    result = deploy_all(prefect_file or PREFECT_FILE, pool)
    out.print(result.stdout, markup=False, highlight=False)
    if result.returncode:
        err.print(result.stderr, markup=False, highlight=False)
        _fail(ETLError(f"prefect deploy failed (exit {result.returncode})"))
    out.print(f"next: prefect worker start --pool {pool}")


@app.command()
def status(
    runs_limit: Annotated[int, typer.Option("--runs", help="How many recent runs.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Pipeline health at a glance: the last runs, and per source the last successful poll,
    articles in the last day and week, extraction success rate, share of dated articles and
    language mix. Sources whose volume or success rate dropped against their own history
    are flagged (exit code 1 when any is)."""
    from .health import recent_runs, source_health

    try:
        engine = _engine()
        recent = recent_runs(engine, runs_limit)
        healths = source_health(engine)
    except ETLError as exc:
        _fail(exc)
    flagged = [h for h in healths if h.flags]
    if as_json:
        doc = {"runs": recent, "sources": [h.as_dict() for h in healths]}
        print(json.dumps(doc, ensure_ascii=False, default=str))
        raise typer.Exit(1 if flagged else 0)
    runs_table = Table("id", "kind", "status", "started (UTC)", "seconds", "records", "outcomes")
    for r in recent:
        counts = r["counts"] or {}
        outcomes = " ".join(f"{k}={v}" for k, v in sorted(counts.items()) if ":" not in k)
        color = {"completed": "green", "running": "yellow"}.get(r["status"], "red")
        runs_table.add_row(
            str(r["id"]),
            r["kind"],
            f"[{color}]{r['status']}[/]",
            r["started_at"][:19].replace("T", " "),
            str(r["seconds"]),
            str(r["records"]),
            outcomes or "-",
        )
    out.print(runs_table)

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.0f}%"

    table = Table(
        "source", "last success", "1d", "7d", "exp/day", "extracted", "dated", "languages", "flags"
    )
    for h in sorted(healths, key=lambda h: (not h.flags, h.name)):
        table.add_row(
            h.name if h.enabled else f"[dim]{h.name} (disabled)[/]",
            str(h.last_success_at or "never")[:16],
            str(h.articles_1d),
            str(h.articles_7d),
            "-" if h.expected_daily is None else f"{h.expected_daily:.1f}",
            pct(h.extraction_rate_7d),
            pct(h.dated_share_7d),
            h.language_mix(),
            f"[bold red]{', '.join(h.flags)}[/]" if h.flags else "[green]ok[/]",
        )
    out.print(table)
    for h in flagged:
        out.print(f"[red]{h.name}[/]: " + "; ".join(h.details.values()), soft_wrap=True)
    if not healths:
        out.print("no configured sources: etl sources sync (or etl sources add URL)")
    raise typer.Exit(1 if flagged else 0)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
