"""Article keys for a whole archive: added, filled in, and the duplicates of earlier versions merged.

Archives written before `article_key` existed (pipelines/identity.py) keyed articles by their full
URL, so one article fetched at two addresses (the sample portal on another port, http and https,
``/portal/Pages/`` and ``/portal/pages/``) became two rows, its view series split between them.
`rekey_archive` (migration m009 in pipelines/schema.py) gives every table its key column and
merges the rows that share a key:

- `articles`: the row with the newest content survives (a live fetch before any archived copy,
  as `pipelines.storage.replaces_content` decides), keeps the earliest `first_seen_at` and takes
  the address of that newest fetch as `url`; another row's different content becomes an
  `article_versions` row, so no text is lost; the other rows are deleted (the search triggers
  drop them from the FTS indexes). Then `article_key` becomes the primary key (`url` is no longer
  unique: it is the latest address, and two sites may once have claimed one URL).
- `view_counts`, `article_versions`, `raw_pages`, `failures`: every row keeps its own `url` and
  gets its article's key; observations of one article in one run at the same second are one
  observation (the policy of the unique index they always had), versions are renumbered in time
  order where merging mixed them.
- `listing_walks`: keyed by `listing_key` (a listing's location, by the same function), so that
  a category walked at a former address still counts as walked.

Idempotent: a second run finds nothing to merge and every key already right, and changes
nothing. Keys depend on each site's family rules (its `[identity]` table, read from the bundled
family profiles through the `sites` table's `platform`); should those rules change, running it
again re-keys and merges accordingly.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.profiles import family_identities
from pipelines.identity import DEFAULT_RULES, IdentityRules, article_key
from pipelines.rows import version_row
from pipelines.search import EXACT_FTS_COLUMNS, EXACT_FTS_TABLE, FTS_COLUMNS, FTS_TABLE, create_triggers

if TYPE_CHECKING:
    from sqlite_utils import Database

FAMILIES_DIR = Path(__file__).resolve().parent.parent / "crawler" / "profiles" / "families"
RulesFor = Callable[[str], IdentityRules]
# Columns an article is merged on, read once per article.
ARTICLE_COLUMNS = ("rowid", "article_key", "url", "site", "title", "summary", "body_text", "authors", "category",
                   "published_at", "content_hash", "fetched_url", "first_seen_at", "fetched_at", "last_changed_at",
                   "removed_at", "moved_to", "source", "captured_at", "crawl_run_id")


def archive_rules(db: Database, families_dir: str | Path = FAMILIES_DIR) -> RulesFor:
    """Each site's identity rules: its family's (`sites.platform`), else the default rules."""
    families = family_identities(families_dir)
    platforms = dict(db.execute("select slug, platform from sites").fetchall()) if db["sites"].exists() else {}
    return lambda site: families.get(platforms.get(site) or "", DEFAULT_RULES)


def rekey_archive(db: Database, rules_for: RulesFor) -> None:
    """Give every table its key column, fill it in, and merge what shares a key (module docstring)."""
    add_key_columns(db)
    by_url, moves = merge_articles(db, rules_for)
    key_observations(db, "view_counts", by_url, moves)
    key_observations(db, "article_versions", by_url, moves)
    key_pages(db, "raw_pages", rules_for)
    key_pages(db, "failures", rules_for)
    dedupe_observations(db)
    renumber_versions(db)
    key_listing_walks(db, rules_for)
    rebuild_schema(db)


def add_key_columns(db: Database) -> None:
    for table, column in (("articles", "article_key"), ("articles", "moved_to"), ("view_counts", "article_key"),
                          ("article_versions", "article_key"), ("raw_pages", "article_key"),
                          ("failures", "article_key"), ("listing_walks", "listing_key")):
        if column not in db[table].columns_dict:
            db[table].add_column(column, str)


# --- articles -------------------------------------------------------------------------------------


def merge_articles(db: Database, rules_for: RulesFor) -> tuple[dict[str, str], dict[str, str]]:
    """Key every article and merge the rows that share a key. Returns where each stored address
    (`url`, `fetched_url`) and each former key now point, for the tables that refer to articles."""
    cursor = db.execute(f"select {', '.join(ARTICLE_COLUMNS)} from articles")
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_url: dict[str, str] = {}
    moves: dict[str, str] = {}
    for values in cursor.fetchall():
        row = dict(zip(ARTICLE_COLUMNS, values, strict=True))
        key = article_key(row["site"], row["url"], rules_for(row["site"]))
        groups[key].append(row)
        for address in (row["url"], row["fetched_url"]):
            if address:
                by_url.setdefault(address, key)
        if row["article_key"] and row["article_key"] != key:
            moves[row["article_key"]] = key
    renamed = []
    for key, rows in groups.items():
        survivor = merge_group(db, key, rows) if len(rows) > 1 else rows[0]
        if survivor["article_key"] != key:
            renamed.append((key, survivor["rowid"]))
    # In two steps: a new key may still be another row's old one (a unique key, once it is the pk).
    db.conn.executemany("update articles set article_key = '~rekey~' || rowid where rowid = ?",
                        [(rowid,) for _, rowid in renamed])
    db.conn.executemany("update articles set article_key = ? where rowid = ?", renamed)
    return by_url, moves


def merge_group(db: Database, key: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge the rows of one article into the one with the newest content; returns that row."""
    rows = sorted(rows, key=content_rank, reverse=True)
    survivor, others = rows[0], rows[1:]
    for other in others:
        if other["content_hash"] != survivor["content_hash"] and not _has_version(db, key, other):
            replaced = min((r["fetched_at"] for r in rows if (r["fetched_at"] or "") > (other["fetched_at"] or "")),
                           default=survivor["fetched_at"])
            # No number yet (NULLs never clash in a unique index): renumber_versions orders them.
            db["article_versions"].insert(version_row({**other, "article_key": key}, None,  # type: ignore[arg-type]
                                                      replaced, other["crawl_run_id"]))
    db.conn.executemany("delete from articles where rowid = ?", [(r["rowid"],) for r in others])
    merged = merged_fields(rows)
    assignments = ", ".join(f"[{c}] = ?" for c in merged)
    db.execute(f"update articles set {assignments} where rowid = ?", [*merged.values(), survivor["rowid"]])
    return survivor


def content_rank(row: dict[str, Any]) -> tuple[bool, str, int]:
    """Newest content first: a live fetch before any archived copy, then the newest fetch (for
    archived copies, the newest capture): `pipelines.storage.replaces_content`'s order."""
    live = (row["source"] or "live") == "live"
    when = row["fetched_at"] if live else (row["captured_at"] or row["fetched_at"])
    return live, when or "", row["rowid"]


def merged_fields(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the surviving row (`rows[0]`, newest content first) takes from the others."""
    survivor = rows[0]
    same = [r for r in rows if r["content_hash"] == survivor["content_hash"]]
    return {
        "first_seen_at": min((r["first_seen_at"] for r in rows if r["first_seen_at"]), default=None),
        # Unchanged content was first seen by the earliest row that had it; after different
        # content, the survivor's own row says when this content arrived.
        "last_changed_at": (min((r["last_changed_at"] for r in same if r["last_changed_at"]), default=None)
                            if len(same) == len(rows) else survivor["last_changed_at"]),
        "moved_to": next((r["moved_to"] for r in rows if r["moved_to"]), None),
    }


def _has_version(db: Database, key: str, row: dict[str, Any]) -> bool:
    found = db.execute("select 1 from article_versions where article_key = ? and content_hash is ? "
                       "and fetched_at is ? limit 1", [key, row["content_hash"], row["fetched_at"]]).fetchone()
    return found is not None


# --- the tables that refer to articles ------------------------------------------------------------


def key_observations(db: Database, table: str, by_url: dict[str, str], moves: dict[str, str]) -> None:
    """`view_counts` and `article_versions` (no site column): the key of the article they were
    written for, found by their URL (rows from before keys) or by their former key."""
    updates = []
    for url, current in db.execute(f"select distinct url, article_key from [{table}]").fetchall():
        key = moves.get(current, current) if current else by_url.get(url)
        if key and key != current:
            updates.append((key, url, current))
    db.conn.executemany(f"update [{table}] set article_key = ? where url is ? and article_key is ?", updates)


def key_pages(db: Database, table: str, rules_for: RulesFor) -> None:
    """`raw_pages` and `failures`: each page's own key, from its site and URL."""
    updates = []
    for site, url, current in db.execute(f"select distinct site, url, article_key from [{table}]").fetchall():
        key = article_key(site or "?", url or "", rules_for(site or "?"))
        if key != current:
            updates.append((key, site, url, current))
    db.conn.executemany(f"update [{table}] set article_key = ? where site is ? and url is ? and article_key is ?",
                        updates)


def dedupe_observations(db: Database) -> None:
    """One observation per article, run and time (what the unique index always said per URL): two
    addresses of one article fetched in the same run and second were one observation."""
    db.execute("""delete from view_counts where crawl_run_id is not null and article_key is not null
                  and id not in (select min(id) from view_counts group by article_key, crawl_run_id, observed_at)""")


def renumber_versions(db: Database) -> None:
    """Versions 1..n per article in time order, where merging mixed two series (else unchanged)."""
    series: dict[str, list[tuple[str, str, int, int | None]]] = defaultdict(list)
    for vid, key, version, fetched, replaced in db.execute(
            "select id, article_key, version, fetched_at, replaced_at from article_versions "
            "where article_key is not null").fetchall():
        series[key].append((fetched or "", replaced or "", vid, version))
    updates = []
    for versions in series.values():
        if sorted(v[3] or 0 for v in versions) == list(range(1, len(versions) + 1)):
            continue
        updates += [(number, vid) for number, (_, _, vid, _) in enumerate(sorted(versions), start=1)]
    # In two steps: a number may still be taken by another version of the article.
    db.conn.executemany("update article_versions set version = null where id = ?", [(vid,) for _, vid in updates])
    db.conn.executemany("update article_versions set version = ? where id = ?", updates)


def key_listing_walks(db: Database, rules_for: RulesFor) -> None:
    """Each walk keyed by its listing's location; of a listing walked at two addresses, the most
    recent walk is the one that says whether the category was walked to its end."""
    walks: dict[tuple[str, str], list[tuple[int, str, int, str | None]]] = defaultdict(list)
    for rowid, site, url, current, run, started in db.execute(
            "select rowid, site, listing_url, listing_key, crawl_run_id, started_at from listing_walks").fetchall():
        walks[(site, article_key(site, url, rules_for(site)))].append((run or 0, started or "", rowid, current))
    stale, renamed = [], []
    for (_, key), rows in walks.items():
        latest, *older = sorted(rows, reverse=True)
        stale += [(rowid,) for _, _, rowid, _ in older]
        if latest[3] != key:
            renamed.append((key, latest[2]))
    db.conn.executemany("delete from listing_walks where rowid = ?", stale)
    db.conn.executemany("update listing_walks set listing_key = '~rekey~' || rowid where rowid = ?",
                        [(rowid,) for _, rowid in renamed])
    db.conn.executemany("update listing_walks set listing_key = ? where rowid = ?", renamed)


# --- schema ---------------------------------------------------------------------------------------


def rebuild_schema(db: Database) -> None:
    """Keys as primary keys, foreign keys and indexes (each step only if not done yet)."""
    if db["articles"].pks != ["article_key"]:
        fts = [name for name in (FTS_TABLE, EXACT_FTS_TABLE) if db[name].exists()]
        # The rebuild keeps every rowid (what the FTS5 indexes point to) but drops the triggers.
        db["articles"].transform(pk="article_key", column_order=["article_key", "url", "moved_to"])
        for name in fts:
            create_triggers(db, name, FTS_COLUMNS if name == FTS_TABLE else EXACT_FTS_COLUMNS)
    if not any(fk.column == "article_key" for fk in db["view_counts"].foreign_keys):
        # Observations are unique per article (no longer per URL: one URL may be two sites' once).
        db.execute("drop index if exists idx_view_counts_url_crawl_run_id_observed_at")
        db["view_counts"].transform(drop_foreign_keys=["url"],
                                    add_foreign_keys=[("article_key", "articles", "article_key")],
                                    column_order=["id", "url", "article_key"])
    if db["listing_walks"].pks != ["site", "listing_key"]:
        db["listing_walks"].transform(pk=("site", "listing_key"), column_order=["site", "listing_key", "listing_url"])
    db.execute("drop index if exists idx_article_versions_url_version")
    for statement in _INDEXES:
        db.execute(statement)


_INDEXES: Iterable[str] = (
    "create index if not exists articles_url on articles (url)",
    "create unique index if not exists view_counts_key_run_time "
    "on view_counts (article_key, crawl_run_id, observed_at)",
    "create index if not exists view_counts_url on view_counts (url)",
    "create unique index if not exists article_versions_key_version on article_versions (article_key, version)",
    "create index if not exists article_versions_url on article_versions (url)",
    "create index if not exists raw_pages_key on raw_pages (article_key)",
    "create index if not exists failures_key on failures (article_key)",
)
