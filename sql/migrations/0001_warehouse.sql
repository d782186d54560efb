-- 0001: the warehouse foundation.
-- Table and column names below are a contract relied on by users' SQL (see sql/README.md).

-- Full-text search configuration per detected language. Declared IMMUTABLE so it can feed a
-- generated column; it only maps constants, which is what IMMUTABLE requires.
CREATE FUNCTION etl_ts_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE lang
    WHEN 'en' THEN 'english'::regconfig  WHEN 'de' THEN 'german'::regconfig
    WHEN 'fr' THEN 'french'::regconfig   WHEN 'es' THEN 'spanish'::regconfig
    WHEN 'ru' THEN 'russian'::regconfig  WHEN 'it' THEN 'italian'::regconfig
    WHEN 'pt' THEN 'portuguese'::regconfig WHEN 'nl' THEN 'dutch'::regconfig
    WHEN 'da' THEN 'danish'::regconfig   WHEN 'sv' THEN 'swedish'::regconfig
    WHEN 'no' THEN 'norwegian'::regconfig WHEN 'fi' THEN 'finnish'::regconfig
    WHEN 'tr' THEN 'turkish'::regconfig  WHEN 'hu' THEN 'hungarian'::regconfig
    ELSE 'simple'::regconfig END
$$;

-- Reference data -------------------------------------------------------------------------

CREATE TABLE countries (
    iso2          char(2) PRIMARY KEY,
    iso3          char(3) NOT NULL,
    numeric       char(3),
    name          text NOT NULL,
    official_name text,
    region        text,          -- UN M49 region
    sub_region    text,          -- UN M49 sub-region
    source        text NOT NULL,
    CONSTRAINT countries_iso3_key UNIQUE (iso3)
);

CREATE TABLE country_aliases (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    iso2           char(2) NOT NULL REFERENCES countries (iso2) ON DELETE CASCADE,
    alias          text NOT NULL,
    lang           text NOT NULL DEFAULT '',
    kind           text NOT NULL,   -- name, official, short, former, demonym, capital, translation
    case_sensitive boolean NOT NULL DEFAULT false,
    ambiguous      boolean NOT NULL DEFAULT false,
    source         text NOT NULL,
    CONSTRAINT country_aliases_iso2_alias_lang_key UNIQUE (iso2, alias, lang)
);
-- Serves "which country does this surface form name?" lookups.
CREATE INDEX country_aliases_alias_idx ON country_aliases (lower(alias));

CREATE TABLE minerals (
    id          text PRIMARY KEY,  -- slug: lithium, rare-earth-elements, iron-ore
    name        text NOT NULL,
    symbol      text,              -- chemical symbol where the commodity is an element
    category    text NOT NULL,
    group_id    text REFERENCES minerals (id),  -- e.g. neodymium -> rare-earth-elements
    usgs_2022   boolean NOT NULL DEFAULT false,
    usgs_2025   boolean NOT NULL DEFAULT false,
    eu_crm_2023 boolean NOT NULL DEFAULT false,
    eu_srm_2023 boolean NOT NULL DEFAULT false,
    source      text NOT NULL
);

CREATE TABLE mineral_aliases (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mineral_id     text NOT NULL REFERENCES minerals (id) ON DELETE CASCADE,
    alias          text NOT NULL,
    lang           text NOT NULL DEFAULT '',
    kind           text NOT NULL,
    case_sensitive boolean NOT NULL DEFAULT false,
    ambiguous      boolean NOT NULL DEFAULT false,
    source         text NOT NULL,
    CONSTRAINT mineral_aliases_mineral_alias_lang_key UNIQUE (mineral_id, alias, lang)
);
CREATE INDEX mineral_aliases_alias_idx ON mineral_aliases (lower(alias));

-- Sources and articles --------------------------------------------------------------------

CREATE TABLE sources (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text NOT NULL,
    domain            text NOT NULL,     -- registered host without www.; links pages to sources
    homepage          text,
    publisher_country char(2) REFERENCES countries (iso2),
    language          text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sources_domain_key UNIQUE (domain)
);

CREATE TABLE articles (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url                 text NOT NULL,          -- normalized (etl.urls.normalize_url)
    canonical_url       text,                   -- as declared by the page, normalized
    source_id           bigint REFERENCES sources (id),
    title               text,
    authors             text[] NOT NULL DEFAULT '{}',
    published_at        timestamptz,
    language            text,                   -- ISO 639-1, detected + declared
    language_confidence real,
    declared_language   text,                   -- <html lang> / meta, as found
    description         text,
    text                text NOT NULL,
    word_count          integer NOT NULL,
    content_sha256      char(64) NOT NULL,      -- of the normalized text (etl.dedup)
    simhash             bigint,                 -- 64-bit SimHash of word shingles, signed
    duplicate_of        bigint REFERENCES articles (id),
    extractor_version   text NOT NULL,
    normalizer_version  text,
    main_country        char(2) REFERENCES countries (iso2),
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    search              tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(etl_ts_config(language), coalesce(title, '')), 'A')
        || setweight(to_tsvector(etl_ts_config(language), text), 'B')
    ) STORED,
    CONSTRAINT articles_url_key UNIQUE (url),
    CONSTRAINT articles_not_self_duplicate CHECK (duplicate_of IS DISTINCT FROM id)
);
-- Full-text search (sql/queries/full_text_search.sql).
CREATE INDEX articles_search_idx ON articles USING gin (search);
-- Articles per day / time windows (views and most analyst queries filter on time).
CREATE INDEX articles_published_at_idx ON articles (published_at);
-- Exact-content dedup lookup at load time.
CREATE INDEX articles_content_sha256_idx ON articles (content_sha256);
CREATE INDEX articles_source_id_idx ON articles (source_id, published_at);
-- Copies of a story (story clusters) are found through their original.
CREATE INDEX articles_duplicate_of_idx ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
-- Re-normalization picks articles whose normalizer_version is stale.
CREATE INDEX articles_normalizer_version_idx ON articles (normalizer_version);

-- Earlier versions of an article whose page changed (same URL, different text).
CREATE TABLE article_versions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id     bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    title          text,
    text           text NOT NULL,
    content_sha256 char(64) NOT NULL,
    published_at   timestamptz,
    valid_from     timestamptz NOT NULL,     -- the old row's updated_at
    valid_to       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_versions_article_id_idx ON article_versions (article_id);

-- Ingest runs, archives and the per-record ledger ------------------------------------------

CREATE TABLE ingest_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL,                 -- backfill, crawl, renormalize
    status       text NOT NULL DEFAULT 'running', -- running, completed, interrupted, failed
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    params       jsonb NOT NULL DEFAULT '{}',
    counts       jsonb NOT NULL DEFAULT '{}',   -- outcome -> number of records
    records      integer NOT NULL DEFAULT 0,
    host         text,
    pid          integer,
    error        text
);
CREATE INDEX ingest_runs_started_at_idx ON ingest_runs (started_at DESC);

-- One row per input file (WARC, HTML file) ever read; the resumability ledger.
CREATE TABLE archive_files (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    path          text NOT NULL,            -- where it was last read from
    fingerprint   text NOT NULL,            -- size + sha256 of head and tail (etl.archives)
    size_bytes    bigint NOT NULL,
    status        text NOT NULL DEFAULT 'in_progress',  -- in_progress, done
    records       integer NOT NULL DEFAULT 0,
    error         text,                     -- why reading stopped early (truncated gzip ...)
    first_run_id  bigint REFERENCES ingest_runs (id),
    completed_at  timestamptz,
    CONSTRAINT archive_files_fingerprint_key UNIQUE (fingerprint)
);

-- Exactly one outcome per input record. Also the provenance of every article: the archive file
-- and byte offset it was read from (crawled pages are archived to WARC, so the same holds).
CREATE TABLE ingest_records (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id        bigint NOT NULL REFERENCES ingest_runs (id),
    archive_id    bigint NOT NULL REFERENCES archive_files (id),
    record_offset bigint NOT NULL,          -- byte offset of the WARC record; 0 for an HTML file
    url           text,
    outcome       text NOT NULL,            -- loaded, duplicate, seen, updated, skipped, failed
    reason        text,                     -- for skipped/failed: not_html, too_short, ...
    article_id    bigint REFERENCES articles (id),
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ingest_records_archive_offset_key UNIQUE (archive_id, record_offset)
);
CREATE INDEX ingest_records_article_id_idx ON ingest_records (article_id);
CREATE INDEX ingest_records_run_id_idx ON ingest_records (run_id, outcome);

-- Normalization ------------------------------------------------------------------------------

-- Offsets are Python string indices (Unicode code points) into articles.title when
-- field = 'title' and into articles.text when field = 'text'; the title is not part of text.
CREATE TABLE mentions (
    article_id     bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('country', 'mineral')),
    country_iso2   char(2) REFERENCES countries (iso2),
    mineral_id     text REFERENCES minerals (id),
    surface        text NOT NULL,
    field          text NOT NULL CHECK (field IN ('title', 'text')),
    start_char     integer NOT NULL,
    end_char       integer NOT NULL,
    sentence_index integer NOT NULL,
    flags          text[] NOT NULL DEFAULT '{}',
    CONSTRAINT mentions_pkey PRIMARY KEY (article_id, field, start_char, kind),
    CONSTRAINT mentions_entity_matches_kind CHECK (
        (kind = 'country' AND country_iso2 IS NOT NULL AND mineral_id IS NULL)
        OR (kind = 'mineral' AND mineral_id IS NOT NULL AND country_iso2 IS NULL))
);
CREATE INDEX mentions_country_idx ON mentions (country_iso2, article_id) WHERE kind = 'country';
CREATE INDEX mentions_mineral_idx ON mentions (mineral_id, article_id) WHERE kind = 'mineral';

CREATE TABLE article_countries (
    article_id    bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    country_iso2  char(2) NOT NULL REFERENCES countries (iso2),
    mention_count integer NOT NULL,
    is_main       boolean NOT NULL DEFAULT false,
    CONSTRAINT article_countries_pkey PRIMARY KEY (article_id, country_iso2)
);
CREATE INDEX article_countries_country_idx ON article_countries (country_iso2);
CREATE INDEX article_countries_main_idx ON article_countries (country_iso2) WHERE is_main;

CREATE TABLE article_minerals (
    article_id    bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    mineral_id    text NOT NULL REFERENCES minerals (id),
    mention_count integer NOT NULL,
    CONSTRAINT article_minerals_pkey PRIMARY KEY (article_id, mineral_id)
);
CREATE INDEX article_minerals_mineral_idx ON article_minerals (mineral_id);

-- A country and a mineral named in the same sentence of an article.
CREATE TABLE country_mineral_links (
    article_id     bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    country_iso2   char(2) NOT NULL REFERENCES countries (iso2),
    mineral_id     text NOT NULL REFERENCES minerals (id),
    sentence_count integer NOT NULL,
    CONSTRAINT country_mineral_links_pkey PRIMARY KEY (article_id, country_iso2, mineral_id)
);
-- "Which countries are linked to lithium" reads by mineral first.
CREATE INDEX country_mineral_links_mineral_idx ON country_mineral_links (mineral_id, country_iso2);
