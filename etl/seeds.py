"""Load the reference CSVs in ``seeds/`` into the warehouse with idempotent upserts.

Rows are upserted on their natural keys (``ON CONFLICT ON CONSTRAINT ...``); alias rows that
disappeared from the CSVs are deleted, so the tables always equal the files.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .errors import SeedError

__all__ = ["SEEDS_DIR", "load_seeds"]

log = logging.getLogger(__name__)

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

_TRUE = {"true", "1", "yes", "y", "t"}


def _bool(v: str | None) -> bool:
    return (v or "").strip().lower() in _TRUE


def _read(path: Path, required: list[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise SeedError(f"seed file missing: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise SeedError(f"{path.name}: missing columns {missing}")
        rows = []
        for lineno, row in enumerate(reader, start=2):
            if any(not (row.get(c) or "").strip() for c in required if c in _NOT_NULL):
                raise SeedError(f"{path.name}:{lineno}: empty required value in {row}")
            rows.append(row)
    return rows


_NOT_NULL = {"iso2", "iso3", "name", "alias", "kind", "id", "category", "mineral_id", "source"}


def _none(v: str | None) -> str | None:
    v = (v or "").strip()
    return v or None


def load_seeds(engine: Engine, seeds_dir: Path = SEEDS_DIR) -> dict[str, int]:
    """Upsert countries, minerals and their aliases from CSV. Returns row counts per table."""
    countries = _read(
        seeds_dir / "countries.csv",
        ["iso2", "iso3", "numeric", "name", "official_name", "region", "sub_region", "source"],
    )
    c_alias = _read(
        seeds_dir / "country_aliases.csv",
        ["iso2", "alias", "lang", "kind", "case_sensitive", "ambiguous", "source"],
    )
    minerals = _read(
        seeds_dir / "minerals.csv",
        [
            "id",
            "name",
            "symbol",
            "category",
            "group_id",
            "usgs_2022",
            "usgs_2025",
            "eu_crm_2023",
            "eu_srm_2023",
            "source",
        ],
    )
    m_alias = _read(
        seeds_dir / "mineral_aliases.csv",
        ["mineral_id", "alias", "lang", "kind", "case_sensitive", "ambiguous", "source"],
    )
    country_rows = [
        {
            "iso2": r["iso2"].strip(),
            "iso3": r["iso3"].strip(),
            "numeric": _none(r["numeric"]),
            "name": r["name"].strip(),
            "official_name": _none(r["official_name"]),
            "region": _none(r["region"]),
            "sub_region": _none(r["sub_region"]),
            "source": r["source"].strip(),
        }
        for r in countries
    ]
    mineral_rows = [
        {
            "id": r["id"].strip(),
            "name": r["name"].strip(),
            "symbol": _none(r["symbol"]),
            "category": r["category"].strip(),
            "group_id": _none(r["group_id"]),
            "usgs_2022": _bool(r["usgs_2022"]),
            "usgs_2025": _bool(r["usgs_2025"]),
            "eu_crm_2023": _bool(r["eu_crm_2023"]),
            "eu_srm_2023": _bool(r["eu_srm_2023"]),
            "source": r["source"].strip(),
        }
        for r in minerals
    ]

    def alias_rows(rows: list[dict[str, str]], key: str) -> list[dict[str, Any]]:
        out: dict[tuple[str, str, str], dict[str, Any]] = {}
        for r in rows:
            row = {
                key: r[key].strip(),
                "alias": r["alias"].strip(),
                "lang": (r["lang"] or "").strip(),
                "kind": r["kind"].strip(),
                "case_sensitive": _bool(r["case_sensitive"]),
                "ambiguous": _bool(r["ambiguous"]),
                "source": r["source"].strip(),
            }
            ident = (str(row[key]), str(row["alias"]), str(row["lang"]))
            out.setdefault(ident, row)  # first row wins
        return list(out.values())

    ca = alias_rows(c_alias, "iso2")
    ma = alias_rows(m_alias, "mineral_id")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                """INSERT INTO countries (iso2, iso3, numeric, name, official_name, region,
                                          sub_region, source)
                   VALUES (:iso2, :iso3, :numeric, :name, :official_name, :region, :sub_region,
                           :source)
                   ON CONFLICT ON CONSTRAINT countries_pkey DO UPDATE SET
                     iso3 = EXCLUDED.iso3, numeric = EXCLUDED.numeric, name = EXCLUDED.name,
                     official_name = EXCLUDED.official_name, region = EXCLUDED.region,
                     sub_region = EXCLUDED.sub_region, source = EXCLUDED.source"""
            ),
            country_rows,
        )
        # Groups first: a member's group_id must exist when the member row arrives.
        mineral_rows.sort(key=lambda r: r["group_id"] is not None)
        conn.execute(
            sa.text(
                """INSERT INTO minerals (id, name, symbol, category, group_id, usgs_2022,
                                         usgs_2025, eu_crm_2023, eu_srm_2023, source)
                   VALUES (:id, :name, :symbol, :category, :group_id, :usgs_2022, :usgs_2025,
                           :eu_crm_2023, :eu_srm_2023, :source)
                   ON CONFLICT ON CONSTRAINT minerals_pkey DO UPDATE SET
                     name = EXCLUDED.name, symbol = EXCLUDED.symbol,
                     category = EXCLUDED.category, group_id = EXCLUDED.group_id,
                     usgs_2022 = EXCLUDED.usgs_2022, usgs_2025 = EXCLUDED.usgs_2025,
                     eu_crm_2023 = EXCLUDED.eu_crm_2023, eu_srm_2023 = EXCLUDED.eu_srm_2023,
                     source = EXCLUDED.source"""
            ),
            mineral_rows,
        )
        for table, key, rows, constraint in (
            ("country_aliases", "iso2", ca, "country_aliases_iso2_alias_lang_key"),
            ("mineral_aliases", "mineral_id", ma, "mineral_aliases_mineral_alias_lang_key"),
        ):
            conn.execute(
                sa.text("CREATE TEMP TABLE _seed_keep (k text, a text, l text) ON COMMIT DROP")
            )
            if rows:
                conn.execute(
                    sa.text("INSERT INTO _seed_keep VALUES (:k, :a, :l)"),
                    [{"k": r[key], "a": r["alias"], "l": r["lang"]} for r in rows],
                )
                conn.execute(
                    sa.text(
                        f"""INSERT INTO {table} ({key}, alias, lang, kind, case_sensitive,
                                                 ambiguous, source)
                            VALUES (:{key}, :alias, :lang, :kind, :case_sensitive, :ambiguous,
                                    :source)
                            ON CONFLICT ON CONSTRAINT {constraint} DO UPDATE SET
                              kind = EXCLUDED.kind, case_sensitive = EXCLUDED.case_sensitive,
                              ambiguous = EXCLUDED.ambiguous, source = EXCLUDED.source"""
                    ),
                    rows,
                )
            conn.execute(
                sa.text(
                    f"""DELETE FROM {table} t WHERE NOT EXISTS (
                          SELECT 1 FROM _seed_keep s
                          WHERE s.k = t.{key} AND s.a = t.alias AND s.l = t.lang)"""
                )
            )
            conn.execute(sa.text("DROP TABLE _seed_keep"))
    counts = {
        "countries": len(country_rows),
        "country_aliases": len(ca),
        "minerals": len(mineral_rows),
        "mineral_aliases": len(ma),
    }
    log.info("event=seeds_loaded %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts
