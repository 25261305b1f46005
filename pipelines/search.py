"""Full-text search of the archive that works with or without Vietnamese diacritics.

What lives here: the search schema (its own sqlite-utils migration set, applied by
`pipelines.schema.open_archive` right after the main set), the pure function that fills
`articles.search_text`, and the names other code uses (tables, tokenizers, columns).

The design, in SQLite FTS5 (both indexes are external-content tables over `articles`, so the
text is stored once, in `articles`, and the indexes hold only tokens):

- ``articles.search_text``: title, summary and body folded by `fold_for_search` (lower case,
  every diacritic removed, ``đ`` -> ``d``): ``Phường Đức Thuận`` -> ``phuong duc thuan``.
- ``articles_fts`` (tokenizer ``unicode61 remove_diacritics 2``) over title, summary, body_text
  and search_text: the *tolerant* index behind Datasette's search box. A query typed without
  diacritics (``duc thuan``) matches the folded column; a query typed with them (``Đức Thuận``,
  ``ĐỨC THUẬN``) matches the original columns, because the tokenizer folds case and removes the
  marks on both sides. ``remove_diacritics`` never maps ``đ`` to ``d`` (``đ`` is a letter, not
  ``d`` plus a mark), which is why the folded column is needed at all; it does make the two
  tone placements equal (``hòa``/``hoà`` -> ``hoa``), so ``hòa`` finds ``hoà`` and vice versa.
- ``articles_fts_exact`` (tokenizer ``unicode61 remove_diacritics 0``) over title, summary and
  body_text: *exact* search, diacritics significant (``Đông`` does not find ``Đồng`` or
  ``dong``), case still ignored. Used by the `search_exact` canned query and by the search box
  with ``&_fts_table=articles_fts_exact``.

Triggers keep both indexes in step with `articles`. The update triggers fire only when an
indexed column really changed: every re-crawl rewrites every seen row (fresh `fetched_at`,
views), and re-indexing unchanged text would make a nightly crawl rewrite the whole index.
A later migration that rebuilds `articles` (``table.transform()``) drops its triggers and must
call `create_triggers` again. Rows must not be written with ``INSERT OR REPLACE``: SQLite
deletes the old row without firing delete triggers, which leaves stale index entries.
"""
from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from pipelines.normalize import clean_text, fold_for_search

search_migrations = Migrations("vngov_archive_search")

FTS_TABLE = "articles_fts"
EXACT_FTS_TABLE = "articles_fts_exact"
TOLERANT_TOKENIZE = "unicode61 remove_diacritics 2"
EXACT_TOKENIZE = "unicode61 remove_diacritics 0"
FTS_COLUMNS = ("title", "summary", "body_text", "search_text")
EXACT_FTS_COLUMNS = ("title", "summary", "body_text")
# Trigger name prefixes: `articles_ai/_ad/_au` is sqlite-utils' convention for `articles_fts`,
# so that `sqlite-utils disable-fts` and `Table.detect_fts()` keep working.
TRIGGER_PREFIXES = {FTS_TABLE: "articles", EXACT_FTS_TABLE: EXACT_FTS_TABLE}
BACKFILL_BATCH = 1000


def search_text(title: str | None, summary: str | None, body_text: str | None) -> str:
    """The folded search key of an article: title, summary and body, one per line.

    The summary is left out when the body already starts with it (the sapo is the body's first
    paragraph on most portals), so that it is neither stored nor indexed twice.
    """
    # Stored fields are already cleaned by the normalizer, so a plain prefix test suffices; the
    # cleaning fallback only runs for text that does not match as given (cleaning the whole body
    # of every article was a measurable share of the archive's write time).
    if summary and body_text and (body_text.startswith(summary)
                                  or clean_text(body_text).startswith(clean_text(summary))):
        summary = None
    return "\n".join(f for f in (fold_for_search(title), fold_for_search(summary), fold_for_search(body_text)) if f)


# --- schema ----------------------------------------------------------------------------------


def create_fts_table(db: Database, name: str, columns: tuple[str, ...], tokenize: str) -> None:
    """An external-content FTS5 table over `articles`, filled from the rows already there."""
    cols = ", ".join(f"[{c}]" for c in columns)
    db.execute(f"CREATE VIRTUAL TABLE [{name}] USING FTS5 ({cols}, tokenize='{tokenize}', content=[articles])")
    db.execute(f"INSERT INTO [{name}] ([{name}]) VALUES ('rebuild')")


def create_triggers(db: Database, name: str, columns: tuple[str, ...]) -> None:
    """Insert, delete and (content-changing) update triggers that keep index `name` current."""
    prefix = TRIGGER_PREFIXES[name]
    cols = ", ".join(f"[{c}]" for c in columns)
    new = ", ".join(f"new.[{c}]" for c in columns)
    old = ", ".join(f"old.[{c}]" for c in columns)
    changed = " OR ".join(f"old.[{c}] IS NOT new.[{c}]" for c in columns)
    insert = f"INSERT INTO [{name}] (rowid, {cols}) VALUES (new.rowid, {new});"
    delete = f"INSERT INTO [{name}] ([{name}], rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    db.execute(f"CREATE TRIGGER [{prefix}_ai] AFTER INSERT ON [articles] BEGIN {insert} END")
    db.execute(f"CREATE TRIGGER [{prefix}_ad] AFTER DELETE ON [articles] BEGIN {delete} END")
    db.execute(f"CREATE TRIGGER [{prefix}_au] AFTER UPDATE OF {cols} ON [articles] "
               f"WHEN {changed} BEGIN {delete} {insert} END")


def backfill_search_text(db: Database) -> None:
    """Fill `search_text` for rows written before the column existed, a batch at a time."""
    last = -1
    while True:
        rows = db.execute("select rowid, title, summary, body_text from articles where rowid > ? "
                          "order by rowid limit ?", [last, BACKFILL_BATCH]).fetchall()
        if not rows:
            return
        db.conn.executemany("update articles set search_text = ? where rowid = ?",
                            [(search_text(t, s, b), rowid) for rowid, t, s, b in rows])
        last = rows[-1][0]


@search_migrations()
def s001_search_text_and_fts(db: Database) -> None:
    """The folded column, the tolerant and the exact FTS5 indexes, and their triggers."""
    db["articles"].add_column("search_text", str)
    backfill_search_text(db)
    create_fts_table(db, FTS_TABLE, FTS_COLUMNS, TOLERANT_TOKENIZE)
    create_triggers(db, FTS_TABLE, FTS_COLUMNS)
    create_fts_table(db, EXACT_FTS_TABLE, EXACT_FTS_COLUMNS, EXACT_TOKENIZE)
    create_triggers(db, EXACT_FTS_TABLE, EXACT_FTS_COLUMNS)


# FTS5 merges an index's segments once this many of one size pile up (SQLite's default is 4).
# At 8, a crawl's writes merge the same index data less often (bench/bench_storage.py: +10 %
# articles/s at 100,000) for a few more segments per query to read (bench/bench_search.py).
AUTOMERGE = 8


@search_migrations()
def s002_fts_automerge(db: Database) -> None:
    for name in (FTS_TABLE, EXACT_FTS_TABLE):
        db.execute(f"INSERT INTO [{name}] ([{name}], rank) VALUES ('automerge', {AUTOMERGE})")
