"""The archive's schema, as sqlite-utils migrations, and opening the archive safely.

Tables (docs/contract.md fixes the minimum columns; more are welcome, never renamed):
`articles` (one row per article, keyed by `article_key`: its site and canonical location, see
pipelines/identity.py; `url` is its latest address), `view_counts` (one row per observation),
`sites`, `crawl_runs` (one row per crawl), `failures` (pages that could not be fetched or
parsed, with the reason). Columns are added only by new migrations, never by `alter=True`.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from pipelines.rekey import archive_rules, rekey_archive
from pipelines.search import search_migrations
from pipelines.units import create_admin_tables, refresh_admin_tables, tag_archive_sites

migrations = Migrations("vngov_archive")


class ArchiveError(RuntimeError):
    """The archive database cannot be used (locked, not a database, unwritable...)."""


@migrations()
def m001_create_articles(db: Database) -> None:
    # Column order matters for speed: SQLite stores a row's columns in order and spills what does
    # not fit a page to overflow pages, so the long texts (summary, body) come last, and sorting
    # or filtering on the short columns before them (Datasette's search box sorts every match by
    # published_at) never follows the overflow chain.
    db["articles"].create(
        {
            "url": str, "site": str, "title": str, "authors": str, "category": str,
            "published_at": str, "published_date": str, "published_precision": str, "date_raw": str,
            "view_count": int, "views_raw": str,
            "byline_raw": str, "source_name": str, "date_in_url": str, "provenance": str,
            "http_status": int, "content_hash": str,
            "first_seen_at": str, "fetched_at": str, "last_changed_at": str, "crawl_run_id": int,
            "summary": str, "body_text": str,
        },
        pk="url",
        not_null=["site", "title", "fetched_at", "first_seen_at"],
        defaults={"authors": "[]"},
    )
    db["articles"].create_index(["site", "published_date"])
    db["articles"].create_index(["published_at"])
    db["articles"].create_index(["published_date"])


@migrations()
def m002_create_view_counts(db: Database) -> None:
    db["view_counts"].create(
        {"id": int, "url": str, "observed_at": str, "view_count": int, "views_raw": str, "crawl_run_id": int},
        pk="id",
        foreign_keys=[("url", "articles", "url")],
    )
    # One observation per article, run and time: two runs in the same second stay two rows,
    # the same page seen twice in one run stays one.
    db["view_counts"].create_index(["url", "crawl_run_id", "observed_at"], unique=True)


@migrations()
def m003_create_sites(db: Database) -> None:
    db["sites"].create(
        {"slug": str, "name": str, "base_url": str, "platform": str, "province": str, "unit": str,
         "level": str, "enabled": int, "notes": str, "updated_at": str},
        pk="slug",
    )


@migrations()
def m004_create_crawl_runs(db: Database) -> None:
    db["crawl_runs"].create(
        {
            "id": int, "started_at": str, "finished_at": str, "sites": str, "mode": str,
            "arguments": str, "status": str, "finish_reason": str, "exit_code": int,
            "requests": int, "responses": int, "listing_pages": int, "articles_seen": int,
            "articles_new": int, "articles_updated": int, "articles_unchanged": int,
            "failures": int, "problems": str,
        },
        pk="id",
    )


@migrations()
def m005_create_failures(db: Database) -> None:
    db["failures"].create(
        {"id": int, "crawl_run_id": int, "site": str, "url": str, "observed_at": str, "kind": str,
         "reason": str, "detail": str, "http_status": int},
        pk="id",
    )
    db["failures"].create_index(["site", "observed_at"])


@migrations()
def m006_crawl_state(db: Database) -> None:
    """Raw pages, article versions, listing walks; columns for incremental and removal tracking."""
    db["raw_pages"].create(
        {"id": int, "url": str, "site": str, "kind": str, "fetched_at": str, "status": int,
         "method": str, "request_body": bytes, "content_type": str, "encoding": str,
         "body": bytes, "body_sha1": str, "body_size": int, "same_as": int, "crawl_run_id": int},
        pk="id",
    )
    db["raw_pages"].create_index(["url", "fetched_at"])
    db["raw_pages"].create_index(["site", "kind"])
    db["article_versions"].create(
        {"id": int, "url": str, "version": int, "fetched_at": str, "replaced_at": str,
         "title": str, "summary": str, "body_text": str, "authors": str, "category": str,
         "published_at": str, "content_hash": str, "crawl_run_id": int},
        pk="id",
    )
    db["article_versions"].create_index(["url", "version"], unique=True)
    db["listing_walks"].create(
        {"site": str, "listing_url": str, "crawl_run_id": int, "started_at": str,
         "completed_at": str, "pages": int, "stopped_because": str},
        pk=("site", "listing_url"),
    )
    db["articles"].add_column("fetched_url", str)
    db["articles"].add_column("removed_at", str)
    db["articles"].create_index(["site", "fetched_at"])
    db["articles"].create_index(["fetched_url"])
    db["crawl_runs"].add_column("health", str)
    db["failures"].add_column("page_kind", str)
    db.execute("create index if not exists failures_url on failures (url)")


@migrations()
def m007_source_raw(db: Database) -> None:
    db["articles"].add_column("source_raw", str)


@migrations()
def m008_sources(db: Database) -> None:
    """Where each article, observation and raw page came from: the live portal, a WARC, the Wayback.

    Rows written before archived sources existed were all fetched live, hence the default.
    """
    db["articles"].add_column("source", str, not_null_default="live")
    db["articles"].add_column("capture_url", str)
    db["articles"].add_column("captured_at", str)
    db["view_counts"].add_column("source", str, not_null_default="live")
    db["view_counts"].add_column("capture_url", str)
    db["raw_pages"].add_column("source", str, not_null_default="live")
    db["raw_pages"].add_column("warc_file", str)
    db["raw_pages"].add_column("warc_record_id", str)
    # A record imported twice is recognised by its id (re-importing a file adds nothing).
    db.execute("create index if not exists raw_pages_warc_record on raw_pages (warc_record_id)")


@migrations()
def m009_article_identity(db: Database) -> None:
    """One article, one row: `article_key` on every table that refers to an article (and
    `listing_key` on listing walks), `articles.moved_to`, and the rows that earlier versions,
    keying by full URL, made for one article at several addresses merged (pipelines/rekey.py)."""
    rekey_archive(db, archive_rules(db))


@migrations()
def m010_attachments(db: Database) -> None:
    """The documents an article links to (pdf, doc, xls...), as a JSON list of {url, text}: some
    notices are only their attachment."""
    db["articles"].add_column("attachments", str, not_null_default="[]")


@migrations()
def m011_admin_units(db: Database) -> None:
    """Administrative units of both eras and the crosswalk (`admin_units`, `admin_crosswalk`,
    `admin_meta`, filled by `refresh_admin_tables` at every open), each site's unit as columns of
    `sites`, and three of them on `articles` (indexed, for facets); the sites and articles already
    archived are tagged (pipelines/units.py)."""
    create_admin_tables(db)
    tag_archive_sites(db)


@migrations()
def m012_raw_page_truncation(db: Database) -> None:
    """`raw_pages.truncated_from`: the real size of a page whose stored body was cut to the archive's
    maximum (pipelines/normalizing.py, MAX_RAW_PAGE_BYTES); NULL for pages stored whole."""
    db["raw_pages"].add_column("truncated_from", int)


def open_archive(path: str | Path, timeout: float = 30.0, shared: bool = False) -> Database:
    """Open (creating if needed) the archive: WAL mode, migrations applied.

    `shared`: the connection may be used from another thread than this one (the storage
    pipeline's writer thread); the caller makes sure only one thread uses it at a time.

    Raises ArchiveError with a clear message when the file is not a database, is locked by
    another writer for longer than `timeout` seconds, or cannot be written.
    """
    try:
        conn = sqlite3.connect(str(path), timeout=timeout, check_same_thread=not shared)
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = OFF")  # view_counts may precede an article's row in a batch
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed batch
        db.execute("PRAGMA temp_store = MEMORY")  # the writer's staging tables (pipelines/storage.py)
        migrations.apply(db)
        search_migrations.apply(db)  # pipelines/search.py: folded column, FTS5 indexes
        refresh_admin_tables(db)  # pipelines/units.py: one row read unless the data changed
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"archive {path} is unusable: {exc}") from exc
    return db
