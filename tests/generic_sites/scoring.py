"""The acceptance figures of a generic crawl: archive rows against a portal's ground truth.

Per portal and over all: share of articles found, exact titles, publication times
(``published_at`` after normalization), view counts and authors, clean bodies, exact bodies, and
the number of rows that are not articles at all. A body is *clean* when it starts with the
article's first paragraph, ends with its last, and holds no label, byline or related-links text.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from crawler.generic import canonicalize_url

FIELDS = ("title", "published_at", "view_count", "authors")
# Text that never belongs in a body: labels, furniture and the headings of related-links blocks.
NOISE = ("Lượt xem", "lượt xem", "Đăng lúc", "Gửi lúc", "Ngày đăng", "Cập nhật lúc", "Tin cùng chuyên mục",
         "Tin khác", "Các tin khác", "Tin đã đưa", "Bài viết liên quan", "In trang", "In bài viết", "Bản in",
         "Chia sẻ", "Lượt truy cập", "Về đầu trang", "Gửi email", "Xem tiếp", "Trang chủ", "bình luận")


@dataclass
class Figures:
    """Counts for one portal (or the sum of several)."""

    name: str
    articles: int = 0
    found: int = 0
    exact: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    clean_bodies: int = 0
    exact_bodies: int = 0
    non_article_rows: int = 0
    misses: list[str] = field(default_factory=list)

    def rate(self, count: int) -> float:
        return count / self.articles if self.articles else 0.0

    def add(self, other: Figures) -> None:
        self.articles += other.articles
        self.found += other.found
        for key in FIELDS:
            self.exact[key] += other.exact[key]
        self.clean_bodies += other.clean_bodies
        self.exact_bodies += other.exact_bodies
        self.non_article_rows += other.non_article_rows
        self.misses += other.misses

    def row(self) -> str:
        cells = [f"{self.rate(self.found):6.1%}"] + [f"{self.rate(self.exact[k]):6.1%}" for k in FIELDS]
        cells += [f"{self.rate(self.clean_bodies):6.1%}", f"{self.rate(self.exact_bodies):6.1%}"]
        return f"{self.name:<16}{self.articles:>5}  " + "  ".join(cells) + f"  {self.non_article_rows:>4}"


HEADER = (f"{'portal':<16}{'n':>5}  {'found':>6}  {'title':>6}  {'time':>6}  {'views':>6}  {'author':>6}  "
          f"{'clean':>6}  {'body=':>6}  {'junk':>4}")


def archive_rows(db: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {r["url"]: dict(r, authors=json.loads(r["authors"])) for r in conn.execute("select * from articles")}
    finally:
        conn.close()


def score(name: str, truth: list[dict], rows: dict[str, dict]) -> Figures:
    """Compare archive rows (by canonical URL) with a portal's ground truth."""
    figures = Figures(name, articles=len(truth))
    wanted = {canonicalize_url(t["url"]): t for t in truth}
    figures.non_article_rows = sum(1 for url in rows if url not in wanted)
    for url, want in wanted.items():
        got = rows.get(url)
        if got is None:
            figures.misses.append(f"{name}: not found {url}")
            continue
        figures.found += 1
        for key in FIELDS:
            if got[key] == want[key]:
                figures.exact[key] += 1
            else:
                figures.misses.append(f"{name}: {key} {got[key]!r} != {want[key]!r} ({url})")
        figures.clean_bodies += is_clean(got["body_text"], want)
        figures.exact_bodies += got["body_text"] == want["body_text"]
    return figures


def is_clean(body: str | None, want: dict) -> bool:
    """Starts with the first paragraph, ends with the last, no labels, byline or related links."""
    paragraphs = want["body_text"].split("\n\n")
    if not body or not body.startswith(paragraphs[0]) or not body.endswith(paragraphs[-1]):
        return False
    if any(noise in body and noise not in want["body_text"] for noise in NOISE):
        return False
    byline = want.get("byline")
    return not (byline and byline in body and byline not in want["body_text"])
