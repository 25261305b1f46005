"""Datasette plugin for the archive: settings of every SQLite connection Datasette opens.

Loaded with `datasette archive.db -m datasette_meta.json --plugins-dir datasette_plugins`.
Memory-mapped reads let SQLite read pages without a system call and a copy each: Datasette's
search box looks up every matching article to count and sort the matches, and at 100,000 articles
this halves its time for common words (bench/bench_search.py measures through `tune`).
"""
from __future__ import annotations

import sqlite3

from datasette import hookimpl

# The whole archive of a few hundred thousand articles fits; SQLite maps only what it reads.
MMAP_BYTES = 1 << 30


def tune(conn: sqlite3.Connection) -> None:
    """Apply the archive's read settings to one connection."""
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    tune(conn)
