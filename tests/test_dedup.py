"""Deduplication: URL identity, the same-story decision on texts written here, and near-duplicate
linking through the real backfill into PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pages import article_html, article_text, write_warc
from sqlalchemy.engine import Engine

from etl.backfill import backfill
from etl.dedup import (
    DEFAULT_THRESHOLDS,
    StoryDoc,
    aligned_coverage,
    candidate_ok,
    content_sha256,
    same_story,
    sample_shingles,
    shingle_containment,
    simhash64,
    simhash_distance,
    title_key,
)
from etl.urls import canonical_key, normalize_url, registered_domain, www_twin

T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)

# A wire story, its copies and confounders. All written for these tests; outlets and people
# are fictional.
WIRE = [
    "JOHANNESBURG, March 3 (Meridian Wire) - Miners at the Kwena manganese complex in South "
    "Africa's Northern Cape ended a nine-day strike on Monday after the operator agreed to a 7% "
    "wage increase and a housing allowance, the National Union of Mineworkers said.",
    "About 2,400 workers downed tools on February 22, halting shipments of roughly 45,000 "
    "tonnes of ore a week to the ports of Saldanha Bay and Port Elizabeth, according to "
    "estimates published by the company.",
    '"We did not want this strike to drag on, but our members could not accept an offer below '
    'inflation," union regional secretary Thabo Mokoena told reporters outside the mine gates '
    "in Hotazel on Monday afternoon.",
    "The operator, Kalahari Basin Resources, said production would resume on the night shift "
    "and that it expected to recover most of the lost output by the end of the second quarter. "
    "It did not give a figure for the cost of the stoppage.",
    "South Africa holds about three quarters of the world's known high-grade manganese "
    "reserves, and prices of the steelmaking ingredient rose 4% in China last week as traders "
    "worried about supply from the region.",
    "Rail bottlenecks on the line to the coast have limited exports from the Northern Cape for "
    "years, and miners say plans by the state logistics company to add capacity are running "
    "well behind schedule.",
]
# Republished with a new headline, a rewritten lead, copy edits and the outlet's footer.
COPY = [
    "Workers at a large manganese mine in the Northern Cape returned to work on Monday, ending "
    "a strike that lasted more than a week, after winning a pay rise and a housing allowance.",
    WIRE[1].replace("tonnes", "tons"),
    WIRE[2].replace('"', "'"),
    WIRE[3],
    WIRE[4].replace("7%", "7 per cent").replace("4%", "4 per cent"),
    WIRE[5],
    "This article was originally published by Meridian Wire. Subscribe to the Highveld Mining "
    "Post newsletter for the day's mining news from across southern Africa.",
]
SHORTENED = [WIRE[0], WIRE[1], WIRE[3]]
# A different story on the same topic, same week, same vocabulary.
SAME_TOPIC = [
    "KATHU, South Africa, March 5 (Meridian Wire) - Workers at the Mamatwan manganese mine in "
    "the Northern Cape voted on Thursday to accept a three-year wage agreement, averting a "
    "strike that had been called for next week, the Association of Mineworkers said.",
    "The deal gives entry-level workers a 6.5% increase in the first year and 6% in each of the "
    "following two years, as well as a one-off payment of 5,000 rand per member.",
    "Mamatwan, owned by Vaal Ridge Mining, produces about 3.5 million tonnes of manganese ore a "
    "year, most of which is railed to Port Elizabeth and shipped to steelmakers in China.",
    '"This agreement gives our members certainty at a time when the industry is under '
    'pressure," association organiser Lerato Khumalo said in a statement on Thursday.',
    "Manganese producers in the region have faced rising diesel and electricity costs, and "
    "several smaller mines have cut output since the start of the year.",
]
TRANSLATION_DE = [
    "JOHANNESBURG, 3. März (Meridian Wire) - Die Bergleute im Manganbergwerk Kwena in der "
    "südafrikanischen Provinz Nordkap haben am Montag einen neuntägigen Streik beendet, "
    "nachdem der Betreiber eine Lohnerhöhung von 7 Prozent und eine Wohnzulage zugesagt hatte.",
    "Rund 2.400 Beschäftigte hatten am 22. Februar die Arbeit niedergelegt und damit die "
    "Lieferung von etwa 45.000 Tonnen Erz pro Woche zu den Häfen Saldanha Bay und Port "
    "Elizabeth gestoppt, wie das Unternehmen schätzte.",
    "Der Betreiber Kalahari Basin Resources erklärte, die Produktion werde mit der Nachtschicht "
    "wieder aufgenommen, und der größte Teil der ausgefallenen Menge solle bis zum Ende des "
    "zweiten Quartals nachgeholt werden.",
    "Südafrika verfügt über rund drei Viertel der bekannten hochwertigen Manganreserven der "
    "Welt. Der Preis des Stahlveredlers stieg in China in der vergangenen Woche um 4 Prozent.",
]
# A short wire item and a weekly roundup that prints it whole among other sections.
ITEM = [
    "LONDON, March 4 (Meridian Wire) - Stocks of aluminium in warehouses registered with the "
    "London Metal Exchange fell below 400,000 tonnes on Wednesday for the first time since "
    "2022, exchange data showed, after a large withdrawal of metal from Port Klang in Malaysia.",
    "Cancelled warrants, metal earmarked for delivery out of the system, rose to 58% of total "
    "stocks, a level that traders said pointed to continued tightness in nearby months.",
    "The cash contract traded at a premium of 42 dollars a ton to the three-month price, the "
    "widest backwardation since October, as consumers in Asia competed for available metal.",
]
ROUNDUP = [
    "Every Friday, Metals Weekly Review rounds up the stories that moved base metals, with our "
    "analysts' view of the week ahead. Prices are Thursday closes unless stated otherwise.",
    "COPPER. Three-month copper finished the week almost unchanged at 9,380 dollars a ton, as "
    "weaker demand from Chinese wire and cable makers offset concerns over mine supply in Peru, "
    "where protests blocked a key road for two days.",
    "Visible stocks on the three major exchanges rose for a fourth week, with most of the build "
    "in Shanghai, where fabricators have reduced purchases ahead of the usual spring slowdown.",
    "ALUMINIUM STOCKS SLIDE",
    *ITEM,
    "Our view: the drop in exchange stocks matters less than the rising share of cancelled "
    "warrants. Much of the remaining metal is of origins that many Western buyers avoid.",
    "NICKEL. Nickel fell 1.6% to 15,930 dollars a ton as Indonesian output kept rising, and "
    "inventories in LME warehouses climbed to their highest level in four years.",
    "ZINC AND LEAD. Zinc gained 0.8% on smelter cuts in Europe, while lead was steady as "
    "battery makers in China returned from the holiday period.",
    "THE WEEK AHEAD. Monday brings Chinese trade data, Wednesday the US inflation figures and "
    "Friday the monthly production report of the International Lead and Zinc Study Group.",
]
# Two daily reports from one template: the same outlet, different days and numbers.
TEMPLATE = (
    "Copper {dir} {pct} to {price} dollars a ton on the London Metal Exchange on {day}, as {why}. "
    "Aluminium {adir} {apct} to {aprice} dollars, while zinc was little changed at {zprice}. "
    "Traders said the market would watch {watch} for direction in the coming sessions. "
    "Volumes were {vol} the 30-day average, and the most active Shanghai contract closed at "
    "{sh} yuan. Copper Daily is published every trading day at 1700 London time."
)
DAY1 = TEMPLATE.format(
    dir="rose", pct="1.2%", price="9,412", day="Tuesday", why="the dollar weakened",
    adir="gained", apct="0.4%", aprice="2,581", zprice="2,704",
    watch="Chinese import data", vol="above", sh="74,120",
)  # fmt: skip
DAY2 = TEMPLATE.format(
    dir="fell", pct="0.8%", price="9,337", day="Wednesday", why="stocks in Shanghai rose",
    adir="slipped", apct="0.3%", aprice="2,573", zprice="2,698",
    watch="US inflation figures", vol="below", sh="73,880",
)  # fmt: skip
# Two different stories from one outlet that recycle the same background paragraphs.
BACKGROUND = [
    "Indonesia is the world's largest producer of nickel, which is used in stainless steel and "
    "in the batteries of electric cars, and it has banned exports of unprocessed ore since 2020.",
    "The government has attracted billions of dollars of investment in smelters, most of it "
    "from Chinese companies, on the islands of Sulawesi and Halmahera over the past five years.",
]
NICKEL_A = [
    "Indonesia's energy ministry approved mining quotas of 220 million tonnes of nickel ore for "
    "this year on Monday, below what smelter operators had asked for, officials said.",
    *BACKGROUND,
    "Smelters say they may have to import ore from the Philippines to keep their lines running.",
    "The ministry said the quotas could be revised in the middle of the year if companies "
    "showed that they had met their environmental and reclamation obligations.",
]
NICKEL_B = [
    "A landslide at a nickel mine on Halmahera killed four workers on Friday and forced the "
    "operator to suspend work in two pits, police and the company said on Saturday.",
    *BACKGROUND,
    "Labour groups have called for an independent investigation into safety at the site.",
    "Heavy rain had fallen on the area for three days before the slope gave way, according to "
    "the regional disaster agency, which said two more workers were treated for injuries.",
]


def doc(paragraphs: list[str], **kw: Any) -> StoryDoc:
    """A StoryDoc from paragraphs, as the extractor would give them."""
    kw.setdefault("language", "en")
    return StoryDoc("\n".join(paragraphs), **kw)


# URL identity -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # tracking parameters, fragments, case, default port
        (
            "HTTPS://News.Example.com:443/a/b?utm_source=tw&utm_medium=x&id=7&fbclid=Q#top",
            "https://news.example.com/a/b?id=7",
        ),
        ("https://news.example.com/a?gclid=1&page=2", "https://news.example.com/a?page=2"),
        # session ids: always-session names, path parameters, token-like sid
        ("https://x.example/a;jsessionid=0AB12C?p=1", "https://x.example/a?p=1"),
        ("https://x.example/a?PHPSESSID=9f8e7d&p=1", "https://x.example/a?p=1"),
        ("https://x.example/a?sid=8f14e45fceea167a5a36dedd4bea2543", "https://x.example/a"),
        # ... but a numeric sid is a story id on some CMSs and stays
        ("https://x.example/modules.php?sid=123", "https://x.example/modules.php?sid=123"),
        # AMP variants
        ("https://x.example/news/story/amp/", "https://x.example/news/story/"),
        ("https://x.example/news/story/amp", "https://x.example/news/story"),
        ("https://x.example/amp/news/story", "https://x.example/news/story"),
        ("https://x.example/news/world-123.amp", "https://x.example/news/world-123"),
        ("https://x.example/news/story?amp=1", "https://x.example/news/story"),
        ("https://x.example/news/story?outputType=amp&p=2", "https://x.example/news/story?p=2"),
        (
            "https://www-x-example.cdn.ampproject.org/c/s/www.x.example/news/story",
            "https://www.x.example/news/story",
        ),
        # mobile hosts fold into the site; a registered name itself is left alone
        ("https://m.x.example/news/story", "https://x.example/news/story"),
        ("https://mobile.news.co.uk/a", "https://news.co.uk/a"),
        ("https://amp.theguardian.com/world/a", "https://theguardian.com/world/a"),
        ("https://mobile.de/auto/1", "https://mobile.de/auto/1"),
        # meaningful query strings are kept (sorted)
        ("https://x.example/search?q=lithium&page=2", "https://x.example/search?page=2&q=lithium"),
        ("file:///tmp/a.html#x", "file:///tmp/a.html"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected
    assert normalize_url(expected) == expected  # idempotent


def test_canonical_adopted_only_within_the_same_site() -> None:
    assert canonical_key("https://m.x.example/a", "https://www.x.example/news/a") == (
        "https://www.x.example/news/a"
    )
    assert canonical_key("https://x.example/a", "https://wire.example/a") is None  # syndication
    assert canonical_key("https://x.example/a", "https://x.example/") is None  # template bug
    assert canonical_key("https://x.example/a", "https://x.example/a") is None
    assert registered_domain("m.bbc.co.uk") == "bbc.co.uk"
    assert registered_domain("127.0.0.1") == "127.0.0.1"
    assert www_twin("https://x.example/a") == "https://www.x.example/a"
    assert www_twin("https://www.x.example/a") == "https://x.example/a"


# The same-story decision --------------------------------------------------------------------


def test_wire_copy_with_new_lead_and_footer_is_the_same_story() -> None:
    a, b = doc(WIRE, source=1), doc(COPY, source=2)
    d = same_story(a, b)
    assert d and d.rule == "near" and d.coverage is not None and d.coverage >= 0.7
    assert same_story(b, a) == d  # symmetric
    assert same_story(doc(WIRE), doc(SHORTENED)).rule == "near"
    # SimHash would not have found it: a rewritten lead moves many bits.
    assert simhash_distance(simhash64(a.text), simhash64(b.text)) > 3


def test_embedded_wire_item_is_found_by_containment() -> None:
    item, page = doc(ITEM, source=1), doc(ROUNDUP, source=2)
    d = same_story(item, page)
    assert d and d.rule == "near"
    # Jaccard-style resemblance of the two is low; containment of the item is not.
    si, sp = item.shingle_set(3), page.shingle_set(3)
    assert len(si & sp) / len(si | sp) < 0.35
    assert shingle_containment(item, page) > 0.9
    # MOD-m samples are chosen by the shingle alone, so the item's samples are in the page's.
    assert set(sample_shingles(item.text)) <= set(sample_shingles(page.text))


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        (WIRE, SAME_TOPIC, "same topic, same week, different story"),
        ([DAY1], [DAY2], "one template, different days and numbers"),
        (NICKEL_A, NICKEL_B, "recycled background paragraphs"),
        (WIRE, ROUNDUP, "unrelated"),
    ],
)
def test_different_stories_are_not_linked(a: list[str], b: list[str], why: str) -> None:
    d = same_story(doc(a, source=1), doc(b, source=2))
    assert not d, why


def test_recycled_background_within_one_outlet_needs_the_higher_bar() -> None:
    a, b = doc(NICKEL_A, source=1), doc(NICKEL_B, source=1)
    coverage, _ = aligned_coverage(a.words, b.words)
    assert 0.3 < coverage < DEFAULT_THRESHOLDS.cross_source
    assert not same_story(a, b)


def test_translation_is_a_separate_article() -> None:
    d = same_story(doc(WIRE), doc(TRANSLATION_DE, language="de"))
    assert not d and d.rule == "language"


def test_fixture_texts_that_reuse_sentences_in_another_order_are_different() -> None:
    # tests/pages.py draws sentences from a small pool: bags of shingles overlap a lot, but
    # long runs in the same order do not.
    for lang in ("en", "de"):
        a, b = doc(article_text(1, lang), language=lang), doc(article_text(2, lang), language=lang)
        assert shingle_containment(a, b) > 0.25
        assert not same_story(a, b)
        assert not same_story(
            doc(article_text(3, lang), source=1), doc(article_text(4, lang), source=1)
        )


def test_within_one_outlet_the_bar_is_higher() -> None:
    # Rewritten lead and one paragraph replaced: ~0.7 of the text in common.
    edited = [COPY[0], WIRE[1], WIRE[2], "A paragraph the outlet wrote itself about the local "
              "economy of the town of Hotazel and its dependence on the mine for jobs.", WIRE[4],
              WIRE[5]]  # fmt: skip
    _, shared = aligned_coverage(doc(WIRE).words, doc(edited).words)
    coverage = shared / min(len(doc(WIRE).words), len(doc(edited).words))
    assert DEFAULT_THRESHOLDS.cross_source <= coverage < DEFAULT_THRESHOLDS.same_source
    assert same_story(doc(WIRE, source=1), doc(edited, source=2))
    assert not same_story(
        doc(WIRE, source=1, title="Kwena strike ends"),
        doc(edited, source=1, title="Manganese workers return"),
    )


def test_title_rule_same_outlet_same_headline_within_days() -> None:
    v1 = doc(WIRE, source=1, title="Kwena manganese strike ends after nine days", published_at=T0)
    rewritten = [
        "Kalahari Basin Resources said on Tuesday that all shifts at the Kwena complex were back "
        "at work and that the first ore trains since the strike had left for the coast.",
        WIRE[1],
        WIRE[2],
        "The company said it would pay the housing allowance from April and would review it "
        "every year with the union, according to a copy of the agreement seen by reporters.",
        "Analysts at a Johannesburg brokerage said the settlement would add about 3% to the "
        "operator's wage bill this year but removed the risk of a longer stoppage.",
    ]
    v2 = doc(
        rewritten,
        source=1,
        title="UPDATE 1-Kwena manganese strike ends after nine days",
        published_at=T0 + timedelta(hours=20),
    )
    assert title_key(v2.title) == title_key(v1.title)
    d = same_story(v1, v2)
    assert d and d.rule == "title"
    v2_late = doc(rewritten, source=1, title=v2.title, published_at=T0 + timedelta(days=5))
    assert not same_story(v1, v2_late)
    assert not same_story(doc(WIRE, source=1, title=v1.title, published_at=T0),
                          doc(SAME_TOPIC, source=1, title=v1.title, published_at=T0))  # fmt: skip
    assert title_key("Markets") is None  # generic headlines never trigger the rule


def test_url_and_exact_layers() -> None:
    a = doc(WIRE, url="https://x.example/a")
    assert same_story(a, doc(SAME_TOPIC, url="https://www.x.example/a")).rule == "url"
    reflowed = doc(["  ".join(WIRE).upper()])
    assert content_sha256(reflowed.text) == content_sha256(a.text)
    assert same_story(a, reflowed).rule == "exact"


def test_candidate_filter_estimates_containment() -> None:
    assert candidate_ok(5, 10, 40)
    assert not candidate_ok(2, 30, 30)  # a couple of stock phrases in common
    assert candidate_ok(1, 1, 30)  # a one-sample article needs its one sample
    assert not candidate_ok(0, 0, 30)


# Near-duplicate linking through the backfill ------------------------------------------------


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def _page(
    url: str, title: str, paragraphs: list[str], hours: float = 0, **kw: Any
) -> tuple[str, str]:
    when = T0 + timedelta(hours=hours)
    kw.setdefault("site", url.split("/")[2])
    return url, article_html(url=url, title=title, paragraphs=paragraphs, published=when, **kw)


def _load(engine: Engine, tmp_path: Path, pages: list[tuple[str, str]], name: str) -> Any:
    warc = tmp_path / f"{name}.warc.gz"
    records: list[tuple[str, bytes | str]] = list(pages)
    write_warc(warc, records, with_requests=False)
    return backfill([warc], engine=engine, workers=1)


def _story_of(engine: Engine) -> dict[str, str]:
    """url -> url of the first article of its story."""
    rows = _rows(
        engine,
        """SELECT a.url, f.url AS first FROM articles a
           JOIN articles f ON f.id = coalesce(a.duplicate_of, a.id)""",
    )
    return {r.url: r.first for r in rows}


def test_near_duplicates_are_linked_and_different_stories_are_not(
    engine: Engine, tmp_path: Path
) -> None:
    pages = [
        _page("https://meridianwire.example/mining/kwena", "Kwena manganese strike ends", WIRE),
        _page(
            "https://highveldpost.example/news/manganese-workers-back",
            "Manganese workers go back underground with 7% rise",
            COPY,
            hours=3,
        ),
        _page("https://ore-daily.example/kwena-short", "Kwena strike over", SHORTENED, hours=5),
        _page(
            "https://meridianwire.example/mining/mamatwan",
            "Mamatwan workers accept wage deal",
            SAME_TOPIC,
            hours=50,
        ),
        _page(
            "https://rohstoffe.example/kwena-streik",
            "Streik in Manganmine beendet",
            TRANSLATION_DE,
            hours=6,
            lang="de",
        ),
    ]
    s = _load(engine, tmp_path, pages, "wire")
    assert s.counts["loaded"] == 3 and s.counts["duplicate"] == 2
    story = _story_of(engine)
    wire = "https://meridianwire.example/mining/kwena"
    assert story["https://highveldpost.example/news/manganese-workers-back"] == wire
    assert story["https://ore-daily.example/kwena-short"] == wire
    assert story["https://meridianwire.example/mining/mamatwan"].endswith("mamatwan")
    assert story["https://rohstoffe.example/kwena-streik"].endswith("kwena-streik")
    reasons = _rows(engine, "SELECT reason FROM ingest_records WHERE outcome = 'duplicate'")
    assert {r.reason for r in reasons} == {"near"}
    cluster = _rows(
        engine,
        "SELECT size, outlets, sources, span FROM story_clusters WHERE first_url = :u",
        u=wire,
    )[0]
    assert cluster.size == 3 and cluster.outlets == 3
    assert cluster.sources == ["highveldpost.example", "meridianwire.example", "ore-daily.example"]
    assert cluster.span == timedelta(hours=5)
    # counts over stories: the copies are not counted twice
    assert _rows(engine, "SELECT count(*) AS n FROM stories")[0].n == 3
    # a later batch finds the stored story through the sample index
    later = _load(
        engine,
        tmp_path,
        [_page("https://copperbelt.example/kwena", "Strike ends at Kwena", COPY[1:], hours=30)],
        "later",
    )
    assert later.counts["duplicate"] == 1
    assert _story_of(engine)["https://copperbelt.example/kwena"] == wire


def test_embedded_wire_item_links_the_longer_page(engine: Engine, tmp_path: Path) -> None:
    pages = [
        _page("https://meridianwire.example/lme-aluminium", "LME aluminium stocks slide", ITEM),
        _page("https://metalsweekly.example/review/w10", "Week in metals", ROUNDUP, hours=48),
    ]
    s = _load(engine, tmp_path, pages, "embedded")
    assert s.counts["loaded"] == 1 and s.counts["duplicate"] == 1
    story = _story_of(engine)
    assert story["https://metalsweekly.example/review/w10"] == (
        "https://meridianwire.example/lme-aluminium"
    )


def test_url_variants_are_the_same_page(engine: Engine, tmp_path: Path) -> None:
    canonical = "https://www.highveldpost.example/news/kwena"
    _load(engine, tmp_path, [_page(canonical, "Kwena strike ends", COPY)], "first")
    variants = [
        # tracking parameters and a fragment: the same normalized URL
        (canonical + "?utm_source=newsletter&fbclid=abc#comments", "seen", None),
        # AMP page and a mobile page under another path, both declaring the canonical page
        ("https://highveldpost.example/news/kwena/amp/", "seen", "url_variant"),
        ("https://m.highveldpost.example/a/12345", "seen", "url_variant"),
        # mobile host folded, tracking removed, www. twin: the same page without the canonical
        ("https://m.highveldpost.example/news/kwena?ref=app", "seen", None),
    ]
    for n, (url, outcome, reason) in enumerate(variants):
        html = article_html(url=canonical, title="Kwena strike ends", paragraphs=COPY, published=T0)
        s = _load(engine, tmp_path, [(url, html)], f"variant{n}")
        assert s.counts[outcome] == 1, (url, dict(s.counts))
        rec = _rows(engine, "SELECT reason FROM ingest_records ORDER BY id DESC LIMIT 1")[0]
        assert rec.reason == reason, url
    assert _rows(engine, "SELECT count(*) AS n FROM articles")[0].n == 1
    # a cross-site canonical is a syndication claim, not identity: decided on content
    syndicated = article_html(url=canonical, title="Kwena", paragraphs=SAME_TOPIC, published=T0)
    s = _load(engine, tmp_path, [("https://other.example/kwena", syndicated)], "cross")
    assert s.counts["loaded"] == 1


def test_update_keeps_history_even_within_one_batch(engine: Engine, tmp_path: Path) -> None:
    url = "https://meridianwire.example/mining/kwena"
    v2 = [*WIRE, "Updates with comment from the company in the last paragraph."]
    v3 = [*v2, "A company spokesperson said talks on a housing scheme would start in May."]
    s = _load(
        engine,
        tmp_path,
        [
            _page(url, "Kwena mine strike ends", WIRE),
            _page(url, "UPDATE 1-Kwena mine strike ends", v2),
        ],
        "v1v2",
    )
    assert s.counts["loaded"] == 1 and s.counts["updated"] == 1
    s = _load(engine, tmp_path, [_page(url, "UPDATE 2-Kwena mine strike ends", v3)], "v3")
    assert s.counts["updated"] == 1
    versions = _rows(engine, "SELECT title FROM article_versions ORDER BY id")
    assert [v.title for v in versions] == [
        "Kwena mine strike ends",
        "UPDATE 1-Kwena mine strike ends",
    ]
    assert _rows(engine, "SELECT count(*) AS n FROM articles")[0].n == 1
    # the fingerprint follows the text: the samples index holds the latest version only
    fp = _rows(engine, "SELECT samples, title_key FROM article_fingerprints")[0]
    assert fp.title_key == "kwena mine strike ends"
    assert fp.samples == sample_shingles(_rows(engine, "SELECT text FROM articles")[0].text)
    n = _rows(engine, "SELECT count(*) AS n FROM article_samples")[0].n
    assert n == len(fp.samples)
