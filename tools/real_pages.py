"""Score generic extraction on a folder of real portal pages with hand-read ground truth.

    python -m tools.real_pages [FOLDER] [--verbose] [--json]

FOLDER (default ``../shared/real-pages``) holds HTML files and a ``truth.jsonl`` describing them,
one JSON object per page: ``file``, ``kind`` (``article`` or ``listing``), ``url`` (the page's
original address), ``title``, ``published`` (``YYYY-MM-DDTHH:MM:SS+07:00``, ``YYYY-MM-DD`` or
null), ``views``, ``authors``, ``body_start`` / ``body_end`` (first and last words of the text,
NFC, or null for an empty body) and ``unsure`` (fields not scored for that page).

Every page goes through the path of ``scrapy import-warc``: the bytes decoded as Scrapy decodes a
response, generic extraction (`crawler.extraction.PAGE_READER`, the same `GenericPage` a crawl
uses), the crawl's normalizers (`pipelines.normalizing.normalize_article`). A Wayback capture's
address (``web.archive.org/web/<time>/<original>``) is read as its original address. The report
prints, per field, the share of scored pages right, and every miss with what was expected.
Exit code 0 whatever the scores: this measures, the tests judge.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse

from crawler.extraction import PAGE_READER
from crawler.items import ArticleItem, article_item
from pipelines.normalizing import normalize_article
from pipelines.reextract import StoredPage, decode_body, extract_stored

DEFAULT_FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "real-pages"
FIELDS = ("title", "published", "views", "authors", "body_start", "body_end")
FETCHED_AT = "2026-01-01T00:00:00+07:00"  # a fixed capture time: results never depend on the day
_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/(.+)$")
_SPACES = re.compile(r"\s+")


@dataclass
class PageResult:
    """What extraction made of one page, and which fields were right."""

    file: str
    kind: str
    verdict: str
    reason: str
    item: ArticleItem | None
    right: dict[str, bool] = field(default_factory=dict)  # scored fields only
    seconds: float = 0.0

    @property
    def archived(self) -> bool:
        return self.item is not None


@dataclass
class Report:
    """Scores over a folder."""

    pages: list[PageResult]
    truth: dict[str, dict[str, Any]]

    def articles(self) -> list[PageResult]:
        return [p for p in self.pages if p.kind == "article"]

    def junk(self) -> list[PageResult]:
        """Listing and home pages that became article rows."""
        return [p for p in self.pages if p.kind != "article" and p.archived]

    def rate(self, name: str) -> tuple[int, int]:
        scored = [p.right[name] for p in self.articles() if name in p.right]
        return sum(scored), len(scored)

    def summary(self) -> dict[str, Any]:
        archived = sum(p.archived for p in self.articles())
        out: dict[str, Any] = {"articles": len(self.articles()), "archived": archived,
                               "listing_pages": len(self.pages) - len(self.articles()),
                               "listing_rows": len(self.junk())}
        for name in FIELDS:
            right, scored = self.rate(name)
            out[name] = {"right": right, "scored": scored}
        times = sorted(p.seconds for p in self.pages)
        out["median_ms"] = round(1000 * times[len(times) // 2], 2) if times else None
        return out


def original_url(url: str) -> str:
    """A Wayback capture's address read as the page it captured."""
    match = _WAYBACK.match(url)
    return match.group(1) if match else url


def norm(text: str | None) -> str:
    """NFC, whitespace collapsed: how truth strings are written."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def extract_file(path: Path, url: str) -> tuple[str, str, ArticleItem | None]:
    """(verdict, reason, normalized item or None) for one page, as `scrapy import-warc` reads it."""
    body = path.read_bytes()
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html"})
    html = decode_body(body, "text/html", response.encoding)
    fields, reason = extract_stored(StoredPage(url, "real-pages", FETCHED_AT, 200, html), None, PAGE_READER)
    if fields is None:
        return "not_article", reason, None
    item = article_item("real-pages", fields, FETCHED_AT, 200, url)
    if "dropped/no_title" in normalize_article(item):
        return "not_article", "no_title", None
    return "article", reason, item


def score_page(truth: dict[str, Any], item: ArticleItem | None) -> dict[str, bool]:
    """Each scored field of an article page: right or not (nothing is right on a missed page)."""
    unsure = set(truth.get("unsure") or ())
    body = norm(item.body_text) if item else ""
    got = {
        "title": norm(item.title) if item else None,
        "published": item.published_at if item else None,
        "views": item.view_count if item else None,
        "authors": list(item.authors or []) if item else None,
        "body_start": body.startswith(norm(truth["body_start"])) if truth.get("body_start") else body == "",
        "body_end": body.endswith(norm(truth["body_end"])) if truth.get("body_end") else body == "",
    }
    want = {"title": norm(truth["title"]), "published": truth.get("published"), "views": truth.get("views"),
            "authors": list(truth.get("authors") or []), "body_start": True, "body_end": True}
    return {name: item is not None and got[name] == want[name] for name in FIELDS if name not in unsure}


def score_folder(folder: Path) -> Report:
    """Run every page of `folder` through extraction and score it against ``truth.jsonl``."""
    truth = {}
    for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            truth[entry["file"]] = entry
    pages = []
    for name, entry in truth.items():
        started = time.perf_counter()
        verdict, reason, item = extract_file(folder / name, original_url(entry["url"]))
        result = PageResult(name, entry["kind"], verdict, reason, item, seconds=time.perf_counter() - started)
        if entry["kind"] == "article":
            result.right = score_page(entry, item)
        pages.append(result)
    return Report(pages, truth)


def describe(report: Report, verbose: bool = False) -> list[str]:
    """The report as text: one line per field, then the misses."""
    s = report.summary()
    lines = [f"articles archived: {s['archived']}/{s['articles']}; listing/home pages stored as articles: "
             f"{s['listing_rows']}/{s['listing_pages']}; median extraction {s['median_ms']} ms a page"]
    for name in FIELDS:
        right, scored = s[name]["right"], s[name]["scored"]
        lines.append(f"  {name:<11} {right:>3}/{scored:<3} {right / scored:6.1%}" if scored else f"  {name:<11} -")
    for page in report.pages:
        entry = report.truth[page.file]
        if page.kind != "article":
            if page.archived:
                lines.append(f"{page.file}: a {page.kind} page stored as an article ({page.reason})")
            continue
        if not page.archived:
            lines.append(f"{page.file}: not archived ({page.reason})")
            continue
        for name, ok in page.right.items():
            if not ok or verbose:
                lines.append(f"{page.file}: {name} {'ok' if ok else 'WRONG'}: got {_got(page.item, name)!r}, "
                             f"expected {entry.get(name)!r}")
    return lines


def _got(item: ArticleItem | None, name: str) -> Any:
    if item is None:
        return None
    body = norm(item.body_text)
    return {"title": item.title, "published": item.published_at, "views": item.view_count, "authors": item.authors,
            "body_start": body[:70], "body_end": body[-70:]}[name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--verbose", action="store_true", help="print every scored field, not only misses")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if not (args.folder / "truth.jsonl").is_file():
        print(f"{args.folder}: no truth.jsonl here (a folder of pages with hand-read truth is needed)", file=sys.stderr)
        return 2
    report = score_folder(args.folder)
    print(json.dumps(report.summary(), indent=2) if args.json else "\n".join(describe(report, args.verbose)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
