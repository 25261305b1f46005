"""Re-extraction: rebuild article rows from the stored raw pages, offline, with today's code.

For each article's latest stored page (by key: pipelines/identity.py, whatever address it was
fetched at), the current profile's page object extracts the fields
again, the same normalizer runs, and the row is updated where anything differs; `view_counts`,
`first_seen_at` and `fetched_at` stay as the crawl recorded them (re-extraction is not a new
observation), and it is not an edit by the portal, so no `article_versions` row is written.
The report says what changed, field by field. The pages are decompressed, decoded and extracted by
the worker processes of the `ExtractionPool` the command hands it (pipelines/parallel.py), if it
has any, while this process compares and writes the rows, in the pages' order.
A page whose extraction raises is counted by exception class and named in the report; its row
is left as it is and the run goes on.
"""
from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from w3lib.encoding import html_to_unicode

from crawler.items import ArticleFields, article_item
from crawler.timelimit import time_limit
from pipelines.identity import article_key
from pipelines.normalizing import normalize_article
from pipelines.parallel import ExtractionPool, Outcome, PageReader, WorkerDied
from pipelines.rows import article_row
from pipelines.storage import update_rows
from pipelines.units import article_tag, stored_article_tag

if TYPE_CHECKING:
    from sqlite_utils import Database

    from crawler.profiles.model import SiteProfile


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
    crashed: Counter[str] = field(default_factory=Counter)  # pages whose extraction raised, by exception
    crashed_pages: list[str] = field(default_factory=list)  # the first MAX_CRASHES_NAMED of them

    def lines(self) -> list[str]:
        out = [f"pages re-extracted: {self.pages}", f"articles unchanged: {self.unchanged}",
               f"articles changed:   {self.changed}", f"articles added:     {self.added}"]
        out += [f"  {name}: {n} changed" for name, n in sorted(self.fields.items())]
        out += [f"not an article ({reason}): {n}" for reason, n in sorted(self.not_articles.items())]
        out += [f"skipped site not in the registry: {s}" for s in sorted(self.skipped_sites)]
        out += [f"extraction failed ({reason}): {n}" for reason, n in sorted(self.crashed.items())]
        out += [f"problem: {p}" for p in self.crashed_pages]
        return out


@dataclass(frozen=True)
class StoredPage:
    url: str
    site: str
    fetched_at: str
    status: int
    html: str


# Pages whose extraction raised are counted by exception class; the first this many are named, by URL.
MAX_CRASHES_NAMED = 20

# Raw pages worth reading again: articles, pages an earlier extractor judged no article (a
# better one may see an article there), and pages whose extraction crashed (stored as "error"
# with HTTP 200). Listing pages and HTTP error pages are never articles.
REREAD = "(kind in ('article', 'other') or (kind = 'error' and status between 200 and 299))"


@dataclass(frozen=True, slots=True)
class StoredJob:
    """A stored page to read again, as the archive holds it: plain data, sent to a worker process
    (`pipelines.parallel`) with its body still compressed (a fifth of the bytes to send) and
    decompressed and decoded there (`read_stored`)."""

    url: str
    site: str
    fetched_at: str
    status: int
    content_type: str | None
    encoding: str | None
    body: bytes  # zlib, as raw_pages stores it
    profile: str | None = None  # the slug of the profile that reads it; None: generic extraction


def latest_article_pages(db: Database, site: str | None) -> Iterator[StoredJob]:
    """The newest stored page of every article, and of every other page that could be one (see
    `REREAD`), of one site or all, oldest first, bodies as stored (compressed)."""
    where, params = ("and r.site = ?", [site]) if site else ("", [])
    rows = db.execute(
        f"""select r.url, r.site, r.fetched_at, r.status, r.content_type, r.encoding,
                   coalesce(r.body, b.body)
            from raw_pages r left join raw_pages b on b.id = r.same_as
            where r.id in (select max(id) from raw_pages where {REREAD}
                           group by site, coalesce(article_key, url)) {where}
            order by r.id""", params)
    for row in rows:
        yield StoredJob(*row)


def decode_body(body: bytes, content_type: str | None, encoding: str | None) -> str:
    """The page's text, decoded as the crawl decoded it (falling back to the page's own declarations)."""
    if encoding:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return html_to_unicode(content_type or None, body)[1]


def reextract(db: Database, sites: dict[str, SiteProfile], reader: PageReader | ExtractionPool,
              only_site: str | None = None, dry_run: bool = False) -> ReextractReport:
    """Rebuild article rows from raw pages; write the differences unless `dry_run`.

    Registry sites are re-extracted with their profile; sites crawled in generic mode
    (`-a start_url`, slugs ``generic-...``) with the generic extractor. `reader`: the page
    reader, or an `ExtractionPool` of worker processes made with it and `sites` (the command's),
    which extracts the pages while this process compares and writes the rows, in the pages' order.
    """
    pool = reader if isinstance(reader, ExtractionPool) else ExtractionPool(reader, sites)
    report = ReextractReport()
    with closing(pool.read(read_stored, _jobs(db, sites, only_site, report))) as pages:
        for page, read in pages:
            assert read is not None
            report.pages += 1
            _rebuild(db, page, sites.get(page.site), read, report, dry_run)
    return report


def _jobs(db: Database, sites: dict[str, SiteProfile], only_site: str | None,
          report: ReextractReport) -> Iterator[tuple[StoredJob, StoredJob]]:
    """The pages to read again, each with the slug of its profile; a site that is neither in the
    registry nor crawled in generic mode is skipped, and named in the report."""
    for page in latest_article_pages(db, only_site):
        if page.site in sites:
            page = replace(page, profile=page.site)
        elif not page.site.startswith(GENERIC_PREFIX):
            report.skipped_sites.add(page.site)
            continue
        yield page, page


def read_stored(job: StoredJob, reader: PageReader,
                profiles: dict[str, SiteProfile]) -> tuple[ArticleFields | None, str]:
    """A stored page decompressed, decoded and read by today's extractor (`extract_stored`): the
    part of re-extraction that runs in a worker process."""
    html = decode_body(zlib.decompress(job.body), job.content_type, job.encoding)
    page = StoredPage(job.url, job.site, job.fetched_at, job.status, html)
    with time_limit():  # crawler/timelimit.py: a page that takes for ever fails alone
        return extract_stored(page, None if job.profile is None else profiles[job.profile], reader)


def extract_stored(page: StoredPage, profile: SiteProfile | None,
                   reader: PageReader) -> tuple[ArticleFields | None, str]:
    """Fields of a stored page with today's extractor, or None and the reason it is no article."""
    return reader.extract(page.url, page.html, page.fetched_at, profile)


def _rebuild(db: Database, page: StoredJob, profile: SiteProfile | None,
             read: Outcome[tuple[ArticleFields | None, str]], report: ReextractReport, dry_run: bool) -> None:
    try:
        fields, reason = read.result()  # in this process, the page is read now
    except WorkerDied:
        raise
    except Exception as exc:  # noqa: BLE001 - an extractor's bug on one page must not end the run
        # Counted and named; the page's article row, if any, is left as it is.
        reason = f"exception:{type(exc).__name__}"
        report.crashed[reason] += 1
        if len(report.crashed_pages) < MAX_CRASHES_NAMED:
            report.crashed_pages.append(f"{page.url}: extraction failed ({type(exc).__name__}: {str(exc)[:200]})")
        return
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
