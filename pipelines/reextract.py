"""Re-extraction: rebuild article rows from the stored raw pages, offline, with today's code.

For each article's latest stored page (by key: pipelines/identity.py, whatever address it was
fetched at), the current profile's page object extracts the fields
again, the same normalizer runs, and the row is updated where anything differs; `view_counts`,
`first_seen_at` and `fetched_at` stay as the crawl recorded them (re-extraction is not a new
observation), and it is not an edit by the portal, so no `article_versions` row is written.
The report says what changed, field by field.
"""
from __future__ import annotations

import zlib
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from w3lib.encoding import html_to_unicode

from crawler.items import ArticleFields, article_item
from pipelines.identity import article_key
from pipelines.normalizing import normalize_article
from pipelines.rows import article_row
from pipelines.storage import update_rows
from pipelines.units import article_tag, stored_article_tag

if TYPE_CHECKING:
    from sqlite_utils import Database

    from crawler.profiles.model import SiteProfile


class PageReader(Protocol):
    """What re-extraction and WARC import need from page extraction, handed to them by the
    commands (`crawler.extraction.PAGE_READER`): the archive never imports page code."""

    def extract(self, url: str, html: str, fetched_at: str,
                profile: SiteProfile | None) -> tuple[ArticleFields | None, str]: ...

    def generic_site(self, url: str) -> SiteProfile: ...

# Slug prefix of sites crawled in generic mode (crawler/generic/profile.py names them so).
GENERIC_PREFIX = "generic-"
# Columns compared and rewritten; crawl bookkeeping (fetched_at, run ids...) is left alone.
REBUILT_COLUMNS = (
    "title", "summary", "body_text", "authors", "category", "published_at", "published_date",
    "published_precision", "date_raw", "view_count", "views_raw", "byline_raw", "source_name", "source_raw",
    "date_in_url", "provenance", "content_hash", "search_text", "attachments",
)


@dataclass
class ReextractReport:
    pages: int = 0
    unchanged: int = 0
    changed: int = 0
    added: int = 0
    not_articles: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)
    skipped_sites: set[str] = field(default_factory=set)

    def lines(self) -> list[str]:
        out = [f"pages re-extracted: {self.pages}", f"articles unchanged: {self.unchanged}",
               f"articles changed:   {self.changed}", f"articles added:     {self.added}"]
        out += [f"  {name}: {n} changed" for name, n in sorted(self.fields.items())]
        out += [f"not an article ({reason}): {n}" for reason, n in sorted(self.not_articles.items())]
        out += [f"skipped site not in the registry: {s}" for s in sorted(self.skipped_sites)]
        return out


@dataclass(frozen=True)
class StoredPage:
    url: str
    site: str
    fetched_at: str
    status: int
    html: str


# Raw pages worth reading again: articles, pages an earlier extractor judged no article (a
# better one may see an article there), and pages whose extraction crashed (stored as "error"
# with HTTP 200). Listing pages and HTTP error pages are never articles.
REREAD = "(kind in ('article', 'other') or (kind = 'error' and status between 200 and 299))"
# Pages whose bodies are being decompressed ahead of the one being read (`latest_article_pages`).
INFLATE_AHEAD = 4


def latest_article_pages(db: Database, site: str | None) -> Iterator[StoredPage]:
    """The newest stored page of every article, and of every other page that could be one (see
    `REREAD`), of one site or all, decoded to text."""
    where, params = ("and r.site = ?", [site]) if site else ("", [])
    rows = db.execute(
        f"""select r.url, r.site, r.fetched_at, r.status, r.content_type, r.encoding,
                   coalesce(r.body, b.body)
            from raw_pages r left join raw_pages b on b.id = r.same_as
            where r.id in (select max(id) from raw_pages where {REREAD}
                           group by site, coalesce(article_key, url)) {where}
            order by r.id""", params)
    # Bodies are decompressed a few pages ahead on a second thread (zlib gives up the GIL), while
    # the caller extracts the page before them.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reextract-inflate") as inflater:
        ahead: deque[tuple[Any, Future[bytes]]] = deque()
        for row in rows:
            ahead.append((row, inflater.submit(zlib.decompress, row[6])))
            if len(ahead) > INFLATE_AHEAD:
                yield _stored_page(*ahead.popleft())
        while ahead:
            yield _stored_page(*ahead.popleft())


def _stored_page(row: Any, body: Future[bytes]) -> StoredPage:
    url, site_slug, fetched_at, status, content_type, encoding, _ = row
    return StoredPage(url, site_slug, fetched_at, status, decode_body(body.result(), content_type, encoding))


def decode_body(body: bytes, content_type: str, encoding: str) -> str:
    """The page's text, decoded as the crawl decoded it (falling back to the page's own declarations)."""
    if encoding:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return html_to_unicode(content_type or None, body)[1]


def reextract(db: Database, sites: dict[str, SiteProfile], reader: PageReader, only_site: str | None = None,
              dry_run: bool = False) -> ReextractReport:
    """Rebuild article rows from raw pages; write the differences unless `dry_run`.

    Registry sites are re-extracted with their profile; sites crawled in generic mode
    (`-a start_url`, slugs ``generic-...``) with the generic extractor.
    """
    report = ReextractReport()
    for page in latest_article_pages(db, only_site):
        profile = sites.get(page.site)
        if profile is None and not page.site.startswith(GENERIC_PREFIX):
            report.skipped_sites.add(page.site)
            continue
        report.pages += 1
        _rebuild(db, page, profile, reader, report, dry_run)
    return report


def extract_stored(page: StoredPage, profile: SiteProfile | None,
                   reader: PageReader) -> tuple[ArticleFields | None, str]:
    """Fields of a stored page with today's extractor, or None and the reason it is no article."""
    return reader.extract(page.url, page.html, page.fetched_at, profile)


def _rebuild(db: Database, page: StoredPage, profile: SiteProfile | None, reader: PageReader,
             report: ReextractReport, dry_run: bool) -> None:
    fields, reason = extract_stored(page, profile, reader)
    if fields is None:
        report.not_articles[reason] += 1
        return
    item = article_item(page.site, fields, page.fetched_at, page.status, page.url)
    if "dropped/no_title" in normalize_article(item):
        report.not_articles["no_title"] += 1
        return
    item.article_key = profile.key(item.url) if profile is not None else article_key(page.site, item.url)
    new = article_row(item, None)
    # The article's row: by key, or the row of an article that moved to another site and whose
    # page was stored where the redirect landed (pipelines/identity.py, resolve_identity).
    # Two lookups, not one with OR: SQLite cannot use the primary key for an OR with an unindexed
    # column, and scanned the site's rows for every page (quadratic: 59 pages/s at 5,000 articles).
    columns = ", ".join(REBUILT_COLUMNS)
    found = (db.execute(f"select article_key, {columns} from articles where article_key = ?", [item.article_key]).fetchone()
             or db.execute(f"select article_key, {columns} from articles where moved_to = ? and site = ? limit 1",
                           [page.url, page.site]).fetchone())
    key, current = (found[0], found[1:]) if found else (item.article_key, None)
    if current is None:  # e.g. a page the extractor of its day could not read
        report.added += 1
        if not dry_run:
            db["articles"].insert({**new, **article_tag(stored_article_tag(db, page.site)),  # its site's unit
                                   "first_seen_at": page.fetched_at, "last_changed_at": page.fetched_at})
        return
    diff = [c for c, value in zip(REBUILT_COLUMNS, current, strict=True) if new[c] != value]
    if not diff:
        report.unchanged += 1
        return
    report.changed += 1
    report.fields.update(c for c in diff if c != "content_hash")
    if not dry_run:
        update_rows(db, "articles", "article_key", [{"article_key": key, **{c: new[c] for c in REBUILT_COLUMNS}}])
