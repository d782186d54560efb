"""Fixture builders: news-like HTML pages and WARC files written by the tests themselves."""

from __future__ import annotations

import gzip
import html as htmllib
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

EN = [
    "Chile's lithium output rose sharply as new brine projects in the Atacama came online.",
    "Officials in Beijing tightened export licences for gallium and germanium this quarter.",
    "The Democratic Republic of the Congo remains the largest source of mined cobalt.",
    "Indonesian nickel exports to China doubled after new smelters started production.",
    "Australian miners shipped record volumes of iron ore through Port Hedland.",
    "Copper prices climbed on the London Metal Exchange after strikes in Peru.",
    "Canadian uranium producers signed long-term supply contracts with European utilities.",
    "Rare earth magnets made in Japan depend on neodymium refined in Malaysia.",
    "Belarusian potash reached world markets through Russian ports despite sanctions.",
    "Analysts expect graphite demand for battery anodes to triple by the end of the decade.",
    "South African platinum and palladium mines cut output because of power shortages.",
    "Kazakhstan plans to expand tungsten and rare earth exploration in its eastern regions.",
    "Bolivia invited foreign partners to develop lithium deposits in the Uyuni salt flat.",
    "Guinea exported more bauxite than ever as Chinese alumina refineries bought cargoes.",
    "Zinc and lead smelters in Europe restarted lines idled during the energy crisis.",
    "Mongolian coking coal deliveries to Chinese steel mills rose for a third month.",
    "Ministers said the agreement would secure supplies of critical minerals for industry.",
    "The company reported that its quarterly revenue increased by twelve percent.",
    "Environmental groups warned that the new mine could threaten local water supplies.",
    "Traders said freight costs and currency moves kept physical premiums volatile.",
]
DE = [
    "Die chilenische Regierung will den Abbau von Lithium stärker kontrollieren.",
    "Deutsche Autobauer suchen neue Lieferanten für Kobalt und Nickel aus Australien.",
    "Die Preise für Kupfer stiegen an der Londoner Metallbörse deutlich an.",
    "China dominiert die Verarbeitung Seltener Erden und setzt Exportregeln durch.",
    "Der Bedarf an Graphit für Batterien wird in den kommenden Jahren stark wachsen.",
    "Das Unternehmen meldete für das dritte Quartal einen höheren Umsatz als erwartet.",
    "Umweltverbände kritisieren die Pläne für eine neue Mine in Sachsen.",
    "Experten rechnen mit weiter steigenden Energiepreisen in Europa.",
]
RU = [
    "Беларусь увеличила экспорт калийных удобрений через российские порты.",
    "Китай ужесточил правила вывоза редкоземельных металлов в этом году.",
    "Цены на медь выросли на Лондонской бирже металлов после забастовок в Перу.",
    "Казахстан планирует расширить добычу урана и вольфрама в восточных регионах.",
    "Компания сообщила о росте выручки на двенадцать процентов за квартал.",
    "Аналитики ожидают, что спрос на литий для аккумуляторов будет расти.",
    "Экологи предупредили, что новый рудник может угрожать запасам воды.",
    "Правительство обсуждает новые налоги для горнодобывающих компаний.",
]
POOLS = {"en": EN, "de": DE, "ru": RU}


def article_text(seed: int, lang: str = "en", sentences: int = 14) -> list[str]:
    """Paragraphs of fixture news text, deterministic per seed."""
    rnd = random.Random(seed)
    pool = POOLS[lang]
    picked = [pool[rnd.randrange(len(pool))] for _ in range(sentences)]
    marker = {"en": "Reference", "de": "Aktenzeichen", "ru": "Номер"}[lang]
    picked.append(f"{marker} {seed}-{rnd.randrange(10**6)}.")  # makes every text unique
    return [" ".join(picked[i : i + 3]) for i in range(0, len(picked), 3)]


def article_html(
    *,
    url: str,
    title: str,
    paragraphs: list[str],
    lang: str | None = "en",
    published: datetime | None = None,
    author: str | None = "Jane Fixture",
    site: str = "Fixture Times",
    jsonld: bool = True,
    charset: str = "utf-8",
) -> str:
    """A complete article page with navigation, cookie banner and related links."""
    published = published or datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    esc = htmllib.escape
    ld = ""
    if jsonld:
        ld = (
            '<script type="application/ld+json">{"@context":"https://schema.org",'
            f'"@type":"NewsArticle","headline":"{esc(title)}",'
            f'"datePublished":"{published.isoformat()}",'
            f'"author":[{{"@type":"Person","name":"{esc(author or "")}"}}]}}</script>'
        )
    lang_attr = f' lang="{lang}"' if lang else ""
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(8))
    related = "".join(
        f'<li><a href="/related/{i}">Related headline number {i}</a></li>' for i in range(5)
    )
    return f"""<!DOCTYPE html>
<html{lang_attr}><head><meta charset="{charset}">
<title>{esc(title)} | {esc(site)}</title>
<link rel="canonical" href="{esc(url)}">
<meta property="og:title" content="{esc(title)}">
<meta property="og:site_name" content="{esc(site)}">
<meta property="article:published_time" content="{published.isoformat()}">
{ld}</head>
<body>
<div class="cookie-banner">We use cookies to improve your experience.
<button>Accept all</button><button>Settings</button></div>
<header><nav><ul>{nav}</ul></nav></header>
<main><article>
<h1>{esc(title)}</h1>
<p class="byline">By {esc(author or "staff")}</p>
{body}
</article>
<aside><h3>Related stories</h3><ul>{related}</ul></aside></main>
<footer><p>© 2026 {esc(site)}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def sample_pages(
    n: int, host: str = "news.example", lang: str = "en", start: int = 0
) -> list[tuple[str, str]]:
    """``n`` distinct (url, html) article pages."""
    pages = []
    for i in range(start, start + n):
        url = f"https://{host}/2026/03/{i:04d}-story"
        when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC) + timedelta(hours=i)
        pages.append(
            (
                url,
                article_html(
                    url=url,
                    title=f"Fixture story number {i} on metals",
                    paragraphs=article_text(i, lang),
                    lang=lang,
                    published=when,
                ),
            )
        )
    return pages


def write_warc(
    path: Path,
    records: list[tuple[str, bytes | str]],
    *,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    with_requests: bool = True,
    gz: bool = True,
) -> list[int]:
    """Write response records (and request records) to a WARC; returns response offsets."""
    offsets = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for url, body in records:
            data = body.encode("utf-8") if isinstance(body, str) else body
            if with_requests:
                req = writer.create_warc_record(
                    url,
                    "request",
                    payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
                    http_headers=StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True),
                )
                writer.write_record(req)
            headers = StatusAndHeaders(
                status, [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            rec = writer.create_warc_record(
                url, "response", payload=io.BytesIO(data), http_headers=headers
            )
            offsets.append(fh.tell())
            writer.write_record(rec)
    return offsets


def gzip_bytes(data: str | bytes) -> bytes:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return gzip.compress(raw)
