"""Datasette plugin for the archive: settings, limits and SQL functions of every SQLite connection
Datasette opens.

Loaded with `datasette archive.db -m datasette_meta.json --plugins-dir datasette_plugins` (or
`scrapy browse`). Three things, for every connection:

- Memory-mapped reads let SQLite read pages without a system call and a copy each: Datasette's
  search box looks up every matching article to count and sort the matches, and at 100,000
  articles this halves its time for common words (bench/bench_search.py measures through `tune`).
- Bounds that Datasette's time limit cannot give. The limit interrupts SQLite between virtual
  machine steps; one step that runs long is never interrupted, and a thread stuck in it ignores
  even SIGTERM. FTS5's snippet() and highlight() grow with the square of the matches in one
  article (one hostile page repeating the search words froze the server), and printf('%.*c', N,
  'x') loops N times in one step: the four are refused (`DENIED_FUNCTIONS`; the archive's own
  `search_excerpt` replaces snippet()). No string or blob may exceed `MAX_VALUE_BYTES` (without
  it one printf() took gigabytes), and LIKE/GLOB patterns and SQL texts are bounded too.
- `search_excerpt(query, mode, title, summary, body_text)`: the search queries' highlighted
  excerpt, made in Python with a hard cap on work (`excerpt`), from the text as written (with its
  diacritics) even when the match was on the folded text; matched words between ``**``.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import lru_cache

from datasette import hookimpl

# The whole archive of a few hundred thousand articles fits; SQLite maps only what it reads.
MMAP_BYTES = 1 << 30
# The largest value a query may make or read: above every value a bounded archive stores (a raw
# page is at most 20 MiB before compression, pipelines/normalizing.py), far below what three
# concurrent queries can hold without exhausting a small server's memory.
MAX_VALUE_BYTES = 32 * 1024 * 1024
MAX_LIKE_PATTERN = 1_000
MAX_SQL_LENGTH = 100_000
DENIED_FUNCTIONS = frozenset({"snippet", "highlight", "printf", "format"})

# --- search_excerpt: the bounds of its work ------------------------------------------------------
# Only the first MAX_SCAN_CHARS of a column are searched for the query's words, and only the first
# MAX_MATCHES matches are weighed: an article repeating the words 100,000 times costs no more than
# one repeating them 2,000 times (a regular expression over the text, in C, then one pass).
MAX_SCAN_CHARS = 1_000_000
MAX_MATCHES = 2_000
MAX_TERMS = 16
# The excerpt: about 240 characters (some 40 words), around the densest 160-character window.
EXCERPT_CHARS = 240
WINDOW_CHARS = 160
MARK = "**"


def tune(conn: sqlite3.Connection) -> None:
    """Apply the archive's read settings, limits and functions to one connection."""
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_LIKE_PATTERN)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_LENGTH)
    conn.set_authorizer(_authorize)
    conn.create_function("search_excerpt", 5, search_excerpt, deterministic=True)


def _authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _source: str | None) -> int:
    if action == sqlite3.SQLITE_FUNCTION and arg2 and arg2.lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    tune(conn)


# --- the excerpt -----------------------------------------------------------------------------------

_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_STARS = re.compile(r"\*{2,}")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _strip_marks(text: str) -> str:
    """Lower case and without diacritics, đ kept: FTS5's `remove_diacritics 2` on one word."""
    return unicodedata.normalize("NFC", _MARKS.sub("", unicodedata.normalize("NFD", text.casefold())))


def _fold(text: str) -> str:
    """Lower case, without diacritics, đ as d: the folded `search_text` column on one word."""
    return _strip_marks(text).replace("đ", "d").replace("ð", "d")


@lru_cache(maxsize=1)
def _variants() -> tuple[dict[str, str], dict[str, str]]:
    """For each base letter, every Latin letter that folds to it (with đ for d) and every one that
    only loses its marks to it (đ apart), as regular-expression character sets."""
    folded: dict[str, set[str]] = {}
    stripped: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        for table, base in ((folded, _fold(letter)), (stripped, _strip_marks(letter))):
            if len(base) == 1:
                table.setdefault(base, {base}).update({letter, letter.lower(), letter.upper()})
    return ({b: "[" + "".join(sorted(map(re.escape, s))) + "]" for b, s in folded.items()},
            {b: "[" + "".join(sorted(map(re.escape, s))) + "]" for b, s in stripped.items()})


@lru_cache(maxsize=256)
def _pattern(query: str, exact: bool) -> re.Pattern[str] | None:
    """A regular expression matching the query's words as the search index does; group `tN` is
    the Nth word. Tolerant: a word typed without marks matches every marked form (and d matches
    đ), a word typed with marks matches every form with the same letters (đ apart); exact: the
    word itself, in any case."""
    terms: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", query)):
        word = word.casefold()
        if word not in terms:
            terms.append(word)
    if not terms:
        return None
    folded, stripped = _variants()
    alternatives = []
    for n, term in enumerate(terms[:MAX_TERMS]):
        if exact:
            body = re.escape(term)
        elif _fold(term) == term:  # typed without marks (and without đ)
            body = "".join(folded.get(c, re.escape(c)) for c in term)
        else:
            body = "".join(stripped.get(c, re.escape(c)) for c in _strip_marks(term))
        alternatives.append(f"(?P<t{n}>{body})")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in pattern.finditer(text, 0, MAX_SCAN_CHARS):
        found.append((match.start(), match.end(), match.lastgroup or ""))
        if len(found) >= MAX_MATCHES:
            break
    return found


def _best_window(matches: list[tuple[int, int, str]]) -> tuple[tuple[int, int], int, int]:
    """The (first, last) indexes of the matches in the WINDOW_CHARS span with the most distinct
    words, then the most matches; and those two numbers."""
    best, best_score = (0, 0), (0, 0)
    counts: dict[str, int] = {}
    left = 0
    for right, (_, end, term) in enumerate(matches):
        counts[term] = counts.get(term, 0) + 1
        while end - matches[left][0] > WINDOW_CHARS:
            gone = matches[left][2]
            counts[gone] -= 1
            if not counts[gone]:
                del counts[gone]
            left += 1
        score = (len(counts), right - left + 1)
        if score > best_score:
            best, best_score = (left, right), score
    return best, best_score[0], best_score[1]


def _clean(piece: str) -> str:
    return _STARS.sub("*", _CONTROLS.sub("", piece))


def _render(text: str, matches: list[tuple[int, int, str]], first: int, last: int) -> str:
    """The excerpt of `text` around matches[first..last], every match inside it between MARKs."""
    if matches:
        span_start, span_end = matches[first][0], matches[last][1]
    else:
        span_start = span_end = 0
    room = max(0, EXCERPT_CHARS - (span_end - span_start))
    start = max(0, span_start - min(room // 2, 100))
    end = min(len(text), max(span_end, start + EXCERPT_CHARS))
    if start > 0:  # begin and end on a word boundary
        space = text.find(" ", start, span_start)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", span_end, end)
        end = space if space >= 0 else end
    out, at = [], start
    for m_start, m_end, _ in matches:
        if m_start < start or m_end > end:
            continue
        out.append(_clean(text[at:m_start]))
        out.append(MARK + text[m_start:m_end] + MARK)
        at = m_end
    out.append(_clean(text[at:end]))
    excerpt = _SPACE.sub(" ", "".join(out)).strip()
    return ("…" if start > 0 else "") + excerpt + ("…" if end < len(text) else "")


def excerpt(query: str, texts: list[str | None], exact: bool = False) -> str | None:
    """The highlighted excerpt of the first of `texts` (by their order) that best matches `query`:
    the most distinct query words in one window, then the most matches; the start of the first
    non-empty text when none matches (the index matched on a form this cannot see)."""
    pattern = _pattern(query or "", exact)
    best: tuple[tuple[int, int], str, list[tuple[int, int, str]], tuple[int, int, int]] | None = None
    for n, text in enumerate(texts):
        if not text:
            continue
        matches = _matches(pattern, text) if pattern is not None else []
        window, distinct, count = _best_window(matches) if matches else ((0, 0), 0, 0)
        score = (distinct, count, -n)
        if best is None or score > best[3]:
            best = (window, text, matches, score)
    if best is None:
        return None
    (first, last), text, matches, _ = best
    return _render(text, matches, first, last)


def search_excerpt(query: str | None, mode: str | None, title: str | None, summary: str | None,
                   body_text: str | None) -> str | None:
    """SQL: search_excerpt(:q, 'tolerant' or 'exact', title, summary, body_text).

    The body is preferred, then the summary (left out when the body starts with it, as on most
    portals), then the title. Never raises: a failure is an empty excerpt, not a failed query.
    """
    try:
        if summary and body_text and body_text.startswith(summary):
            summary = None
        return excerpt(query or "", [body_text, summary, title], exact=(mode == "exact"))
    except Exception:  # noqa: BLE001 - an excerpt must never fail the search
        return None
