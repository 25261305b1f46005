"""WARC/ARC files in and out of the archive: import captured pages as articles, export raw pages.

Import (`scrapy import-warc`): every HTML `response` record with status 200 is routed to the site
profile whose host and article URL patterns match it, else to generic extraction, extracted with
the same page objects as a crawl (the `PageReader` the command hands it), normalized and stored
through the crawl's own storage code (`ArchiveWriter`), with `source = 'warc'`, the capture time
as `fetched_at`, and the file and record id as provenance. Everything else (revisits, requests,
metadata, non-HTML, non-200, truncated records, a broken gzip member) is counted, never fatal.
A capture whose extraction raises (an extractor's bug) is counted by exception class, named in the
report and kept as a raw page of kind "error", which `scrapy reextract` reads again; the import goes on.
Records are read a little ahead of the one being stored, and their pages extracted (and raw pages
hashed and compressed) meanwhile by the worker processes of the `ExtractionPool` the command hands
it (pipelines/parallel.py); without workers, here (raw pages packed on a second thread). They are
stored in the file's order, so the archive and the report are the same whatever the workers: raw
pages one by one, articles in batches, each batch stored exactly as its captures one by one would
be, all within the file's transaction.

Export (`scrapy export-warc`): every stored raw page becomes a `response` record (HTTP status line
and Content-Type rebuilt from the row), preceded by a `warcinfo` record; postback pages also get
their `request` record, so the file reproduces what the crawl asked for.
"""
from __future__ import annotations

import gzip
import hashlib
import zlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.items import ArticleFields, ArticleItem, RawPageItem, article_item
from crawler.timelimit import time_limit
from pipelines.normalize import VN_TZ
from pipelines.normalizing import normalize_article
from pipelines.parallel import ExtractionPool, Outcome, PageReader, WorkerDied
from pipelines.reextract import MAX_CRASHES_NAMED, StoredPage, decode_body, extract_stored
from pipelines.rows import article_row, item_key, pack_body, site_row
from pipelines.storage import ArchiveWriter, existing_articles, replaces_content

if TYPE_CHECKING:
    from sqlite_utils import Database

    from crawler.profiles.model import SiteProfile

WARC_SOURCE = "warc"
# Articles written together (`WarcImporter.flush`): one lookup and a few set-based statements a
# batch instead of some ten statements an article; the batch waits in memory until then.
ARTICLE_BATCH = 200
SOFTWARE = "vngov-archive (scrapy export-warc; warcio 1.8.1)"


class WarcInputError(RuntimeError):
    """A file given to the import cannot be read as WARC or ARC at all (missing, not an archive)."""


# --- times ---------------------------------------------------------------------------------------


def warc_date_to_vn(value: str) -> str:
    """``2025-07-01T03:04:05Z`` (WARC-Date, UTC, maybe with a fraction) -> ``2025-07-01T10:04:05+07:00``."""
    when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if when.tzinfo is None:  # ARC dates converted by warcio carry no zone: they are UTC
        when = when.replace(tzinfo=UTC)
    return when.astimezone(VN_TZ).isoformat(timespec="seconds")


def vn_to_warc_date(value: str) -> str:
    """``2025-07-01T10:04:05+07:00`` (fetched_at) -> ``2025-07-01T03:04:05Z`` (WARC-Date is UTC)."""
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def capture_url(warc_file: str, record_id: str) -> str:
    """How an article row points to its WARC record: ``warc:FILE#<urn:uuid:...>``."""
    return f"warc:{warc_file}#{record_id}"


# --- routing -------------------------------------------------------------------------------------


def route(url: str, registry: dict[str, SiteProfile]) -> tuple[SiteProfile | None, str]:
    """The profile for a captured URL and the page's kind: (profile, 'article' | 'listing'), or
    (None, 'generic') when no profile's addresses and patterns claim it (generic extraction then).
    A profile's addresses are its base URL and aliases, ``www.`` and the scheme aside; two portals
    on one host differ by port (`SiteProfile.owns`)."""
    for profile in registry.values():
        if not profile.owns(url):
            continue
        if profile.urls.is_article(url):
            return profile, "article"
        if profile.urls.is_listing(url):
            return profile, "listing"
    return None, "generic"


# --- import --------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    files: int = 0
    records: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"files read: {self.files}", f"records read: {sum(self.records.values())}"]
        out += [f"  {kind}: {n}" for kind, n in sorted(self.records.items())]
        out += [f"articles {what}: {n}" for what, n in sorted(self.articles.items())]
        out += [f"skipped ({reason}): {n}" for reason, n in sorted(self.skipped.items())]
        out += [f"problem: {p}" for p in self.problems]
        return out


@dataclass(frozen=True)
class Capture:
    """One HTML response record, as the import needs it."""

    url: str
    record_id: str
    captured_at: str
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class CaptureJob:
    """A capture to read: plain data, sent to a worker process (`pipelines.parallel`), which works
    out its encoding, decodes it and extracts it (`read_capture`) and, asked to, packs its body."""

    capture: Capture
    site: str  # the slug of its site (its profile's, or generic mode's)
    profile: str | None  # the slug of the profile that reads it; None: generic extraction
    listing: bool  # a listing page of its profile: kept, not extracted
    pack: bool = False  # hash and compress the body for its raw page too (`pack_body`)


@dataclass(frozen=True, slots=True)
class CaptureRead:
    """What `read_capture` made of a capture."""

    encoding: str
    fields: ArticleFields | None
    reason: str  # why it is no article ("" for an article)
    packed: tuple[str, bytes] | None = None  # `pack_body` of the body, if the job asked for it


def read_capture(job: CaptureJob, reader: PageReader, profiles: dict[str, SiteProfile]) -> CaptureRead:
    """A capture's encoding (as Scrapy reads it off the response) and its fields with today's
    extractor: the part of the import that runs in a worker process."""
    capture = job.capture
    response = HtmlResponse(capture.url, status=capture.status, body=capture.body,
                            headers={"Content-Type": capture.content_type} if capture.content_type else None)
    packed = pack_body(capture.body) if job.pack else None
    if job.listing:
        return CaptureRead(response.encoding, None, "listing", packed)
    stored = StoredPage(capture.url, job.site, capture.captured_at, capture.status,
                        decode_body(capture.body, capture.content_type, response.encoding))
    with time_limit():  # crawler/timelimit.py: a capture that takes for ever fails alone
        fields, why = extract_stored(stored, None if job.profile is None else profiles[job.profile], reader)
    return CaptureRead(response.encoding, fields, why, packed)


@dataclass(frozen=True, slots=True)
class _Record:
    """A record as read (`WarcImporter._records`), waiting for its turn to be counted and stored."""

    kind: str  # its WARC-Type
    skipped: str | None = None  # why it is not imported
    job: CaptureJob | None = None  # the capture to import
    site: SiteProfile | None = None  # the capture's site
    error: Exception | None = None  # reading it failed: the file ends there


class WarcImporter:
    """Stores the captures of WARC/ARC files into an open archive, through the crawl's storage."""

    def __init__(self, db: Database, registry: dict[str, SiteProfile], reader: PageReader | ExtractionPool) -> None:
        """`reader`: the page reader, or an `ExtractionPool` of worker processes made with it and
        `registry` (the command's), which extracts the pages while this process stores them."""
        self.db, self.registry = db, registry
        self.pages = reader if isinstance(reader, ExtractionPool) else ExtractionPool(reader, registry)
        self.reader = self.pages.reader
        self.report = ImportReport()
        # The crawl's own writer (upsert by article key, versions, view observations, raw pages),
        # used without a crawl: no run row, no stats.
        self.storage = ArchiveWriter(db, sites=registry.values())
        self.sites_seen: set[str] = set()
        self.arc = False  # whether the file being read is ARC
        # The profiles at each (scheme, host and port) seen: `SiteProfile.owns` reads nothing else
        # of a URL, and asking every profile for every record cost more than the rest of routing.
        self._owners: dict[tuple[str, str], dict[str, SiteProfile]] = {}
        # Articles extracted but not yet written, with their keys (see `flush`).
        self._pending: list[ArticleItem] = []
        self._pending_keys: set[str] = set()
        # While a file is read without worker processes: the thread that packs raw pages (`import_file`).
        self._compressor: ThreadPoolExecutor | None = None
        # Record ids of the captures read from the file being read (see `_records`).
        self._read_ids: set[str] = set()
        self.crashed = 0  # captures whose extraction raised (the first MAX_CRASHES_NAMED are named)

    def import_file(self, path: Path) -> None:
        """Import one file; a record that cannot be read is counted, a broken stream ends the file."""
        self.report.files += 1
        kind = archive_format(path)
        if kind is None:
            raise WarcInputError(f"{path}: not a WARC or ARC file (it starts with neither 'WARC/' nor 'filedesc://')")
        self.arc = kind == "arc"
        self._read_ids = set()
        # One transaction per file (nested in the command's own, if any): the records read before
        # a broken stream are kept; a file that cannot be read at all leaves nothing behind.
        # Records are read ahead of the one being stored, their pages extracted meanwhile by the
        # worker processes of `self.pages`, if it has any, and stored in the file's order. Raw pages
        # are hashed and compressed (`pack_body`) by the workers too, or, without them, on a second
        # thread (zlib and hashlib give up the GIL) while this one extracts the page. Articles are
        # written in batches (`flush`), all before the file ends.
        with self.db.atomic(), ExitStack() as stack:
            if self.pages.workers == 1:
                self._compressor = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc-compress"))
            try:
                with path.open("rb") as stream, closing(self.pages.read(read_capture, self._records(stream, path))) as records:
                    for record, read in records:
                        self._record(record, read, path.name)
                self.flush()
            except (ArchiveLoadFailed, WarcInputError, WorkerDied):
                raise
            except Exception as exc:  # noqa: BLE001 - a gzip member cut short, a garbled header...
                self.report.skipped["broken_stream"] += 1
                self.report.problems.append(
                    f"{path.name}: stopped reading at a broken record ({type(exc).__name__}: {exc})")
                self.flush()  # the articles of the records before it
            finally:
                self._compressor = None

    def _records(self, stream: IO[bytes], path: Path) -> Iterator[tuple[CaptureJob | None, _Record]]:
        """The file's records as read, each with its capture to extract (None: nothing to extract)."""
        for record in _records(stream, path):
            kind = record.rec_type or "unknown"
            try:
                read = self._read(record, kind)
            except Exception as exc:  # noqa: BLE001 - counted, then raised in its turn (`_record`)
                yield None, _Record(kind, error=exc)
                return
            yield read.job, read

    def _read(self, record: Any, kind: str) -> _Record:
        reason = skip_reason(record)
        if reason is not None:
            return _Record(kind, skipped=reason)
        body = record.content_stream().read()
        if getattr(record.raw_stream, "limit", 0) > 0:
            # Fewer bytes than the record's Content-Length: a gzip member or a file cut short
            # (warcio returns what there is without complaint).
            return _Record(kind, skipped="cut_short")
        capture = Capture(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            record_id=record_id(record, body, self.arc),
            captured_at=warc_date_to_vn(record.rec_headers.get_header("WARC-Date")),
            status=int(record.http_headers.get_statuscode()),
            content_type=record.http_headers.get_header("Content-Type") or "",
            body=body,
        )
        # Raw pages are written as their records are stored, a few records behind this one: a
        # record met twice in one file is found among those read (`_read_ids`), one imported
        # before in the archive.
        if capture.record_id:
            if capture.record_id in self._read_ids or self.db.execute(
                    "select 1 from raw_pages where warc_record_id = ? limit 1", [capture.record_id]).fetchone():
                return _Record(kind, skipped="already_imported")
            self._read_ids.add(capture.record_id)
        profile, route_kind = self._route(capture.url)
        site = profile or self.reader.generic_site(capture.url)
        job = CaptureJob(capture, site.slug, profile.slug if profile is not None else None, route_kind == "listing",
                         pack=self._compressor is None)
        return _Record(kind, job=job, site=site)

    def _record(self, record: _Record, read: Outcome[CaptureRead] | None, warc_file: str) -> None:
        """Count a record and store its capture, in the file's order."""
        self.report.records[record.kind] += 1
        if record.error is not None:
            raise record.error
        if record.skipped is not None:
            self.report.skipped[record.skipped] += 1
            return
        assert record.job is not None and record.site is not None and read is not None
        self.store(record.job, record.site, read, warc_file)

    def store(self, job: CaptureJob, site: SiteProfile, read: Outcome[CaptureRead], warc_file: str) -> None:
        """Keep the capture's raw page and, for an article, its item (written by the next `flush`);
        `read`: the outcome of `read_capture` for it."""
        capture = job.capture
        packing = self._compressor.submit(pack_body, capture.body) if self._compressor is not None else None
        self._site(site, capture.captured_at)
        try:
            done = read.result()  # in this process, the page is read now
        except WorkerDied:
            raise
        except Exception as exc:  # noqa: BLE001 - an extractor's bug on one page must not end the file
            self._crashed(job, site, capture, packing, warc_file, exc)
            return
        packed = packing if packing is not None else done.packed
        page = RawPageItem(site=site.slug, url=capture.url, kind="article", fetched_at=capture.captured_at,
                           status=capture.status, body=capture.body, content_type=capture.content_type,
                           encoding=done.encoding, source=WARC_SOURCE, warc_file=warc_file,
                           warc_record_id=capture.record_id)
        if job.listing:  # kept (it is part of the portal's record), not extracted
            self._keep(page, "listing", packed)
            self.report.skipped["listing"] += 1
            return
        fields, why = done.fields, done.reason
        if fields is None:
            self._keep(page, "other", packed)
            self.report.skipped[f"not_article:{why}"] += 1
            return
        self._keep(page, "article", packed)
        item = article_item(site.slug, fields, capture.captured_at, capture.status, capture.url)
        item.source, item.captured_at = WARC_SOURCE, capture.captured_at
        item.capture_url = capture_url(warc_file, capture.record_id)
        if "dropped/no_title" in normalize_article(item):
            self.report.skipped["no_title"] += 1
            return
        self.storage.identify([item])
        key = item.article_key or ""  # identify() always sets it
        if key in self._pending_keys:
            # Written one after the other, as if each were alone: a batch keeps one item per
            # article (the storage would merge them, and the report must say what each did).
            self.flush()
        self._pending.append(item)
        self._pending_keys.add(key)
        if len(self._pending) >= ARTICLE_BATCH:
            self.flush()

    def _crashed(self, job: CaptureJob, site: SiteProfile, capture: Capture,
                 packing: Future[tuple[str, bytes]] | None, warc_file: str, exc: Exception) -> None:
        """A capture whose reading raised: counted (``exception:<class>``), named in the report
        (a few), and its raw page kept as kind "error", as a crawl keeps such a page, so that
        `scrapy reextract` reads it again once the extractor is fixed. The import goes on."""
        self.report.skipped[f"exception:{type(exc).__name__}"] += 1
        self.crashed += 1
        if self.crashed <= MAX_CRASHES_NAMED:
            self.report.problems.append(f"{capture.url}: extraction failed ({type(exc).__name__}: {str(exc)[:200]})")
        # Its encoding as Scrapy reads it (the worker's answer is lost with the exception).
        encoding = HtmlResponse(capture.url, body=capture.body, headers={"Content-Type": capture.content_type}
                                if capture.content_type else None).encoding
        page = RawPageItem(site=site.slug, url=capture.url, kind="error", fetched_at=capture.captured_at,
                           status=capture.status, body=capture.body, content_type=capture.content_type,
                           encoding=encoding, source=WARC_SOURCE, warc_file=warc_file,
                           warc_record_id=capture.record_id)
        self._keep(page, "error", packing)

    def flush(self) -> None:
        """Write the articles extracted since the last flush, with one lookup of what the archive
        holds of them and a few set-based statements (per article, an upsert was some ten
        statements), and count what each became. Within the file's transaction, like the rest."""
        items, self._pending, self._pending_keys = self._pending, [], set()
        if not items:
            return
        rows = {item_key(i): article_row(i, self.storage.run_id) for i in items}
        known = existing_articles(self.db, list(rows))
        for item in items:
            key = item_key(item)
            self.report.articles[_outcome(item, rows[key], known.get(key))] += 1
        self.storage.write_articles(items, rows=rows)

    def _route(self, url: str) -> tuple[SiteProfile | None, str]:
        """`route`, asking only the profiles at the URL's scheme, host and port."""
        try:
            parts = urlsplit(url.strip())
            where = (parts.scheme, parts.netloc)
        except ValueError:
            return route(url, self.registry)
        owners = self._owners.get(where)
        if owners is None:
            owners = self._owners[where] = {slug: p for slug, p in self.registry.items() if p.owns(url)}
        return route(url, owners)

    def _keep(self, page: RawPageItem, kind: str, packed: Future[tuple[str, bytes]] | tuple[str, bytes] | None) -> None:
        page.kind = kind
        self.storage.write_raw_pages([page], [packed.result() if isinstance(packed, Future) else packed])

    def _site(self, site: SiteProfile, when: str) -> None:
        if site.slug not in self.sites_seen:
            self.sites_seen.add(site.slug)
            self.db["sites"].upsert(site_row(site, when), pk="slug")


def _outcome(item: ArticleItem, row: dict[str, Any], previous: dict[str, Any] | None) -> str:
    """How storing the item (its `article_row`) over the archived row `previous` will end, for the
    report (the storage decides the same way)."""
    if previous is None:
        return "new"
    if not replaces_content(previous, item):
        return "kept (live or newer copy archived)"
    return "updated" if row["content_hash"] != previous["content_hash"] else "unchanged"


def _records(stream: IO[bytes], path: Path) -> Iterator[Any]:
    """The file's records; WarcInputError when its first bytes are no WARC/ARC at all."""
    iterator = ArchiveIterator(stream, arc2warc=True)
    first = True
    try:
        for record in iterator:
            first = False
            yield record
    except ArchiveLoadFailed as exc:
        if first:
            raise WarcInputError(f"{path}: not a WARC or ARC file ({exc})") from exc
        raise RuntimeError(str(exc)) from exc  # garbage after good records: counted, not fatal


def archive_format(path: Path) -> str | None:
    """``warc`` or ``arc`` from the file's first bytes (gzipped or not), None for anything else
    (warcio alone would read a text file as one odd ARC record)."""
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        try:
            head = gzip.GzipFile(fileobj=raw).read(11) if gzipped else raw.read(11)
        except (OSError, EOFError):
            return None
    if head.startswith(b"WARC/"):
        return "warc"
    return "arc" if head == b"filedesc://" else None


def record_id(record: Any, body: bytes, arc: bool) -> str:
    """The record's WARC-Record-ID; for an ARC record (which has none: warcio invents a random one
    on every read) a stable id from its URL, date and payload, so that re-importing adds nothing."""
    if not arc:
        return record.rec_headers.get_header("WARC-Record-ID") or ""
    key = "\n".join((record.rec_headers.get_header("WARC-Target-URI") or "",
                      record.rec_headers.get_header("WARC-Date") or "")).encode() + b"\n" + body
    return f"<urn:sha1:{hashlib.sha1(key).hexdigest()}>"


def skip_reason(record: Any) -> str | None:
    """Why a record is no page to extract, or None for a complete HTML 200 response."""
    if record.rec_type != "response":
        return record.rec_type or "unknown"
    if record.rec_headers.get_header("WARC-Truncated"):
        return "truncated"
    if record.http_headers is None:
        return "not_http"
    status = record.http_headers.get_statuscode()
    if status != "200":
        return f"status_{status}"
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if "html" not in content_type:
        return "not_html"
    return None


# --- export --------------------------------------------------------------------------------------


def stored_pages(db: Database, site: str | None) -> Iterator[dict[str, Any]]:
    """Every raw page (of one site, or all) with its body decompressed, oldest first."""
    where, params = ("where r.site = ?", [site]) if site else ("", [])
    cursor = db.execute(
        f"""select r.id, r.url, r.site, r.kind, r.fetched_at, r.status, r.method, r.request_body,
                   r.content_type, coalesce(r.body, b.body) as body
            from raw_pages r left join raw_pages b on b.id = r.same_as {where} order by r.id""", params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        page = dict(zip(names, row, strict=True))
        page["body"] = zlib.decompress(page["body"]) if page["body"] is not None else b""
        yield page


def http_headers(status: int, content_type: str) -> StatusAndHeaders:
    """The response's status line and headers, rebuilt from what raw_pages keeps."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    headers = [("Content-Type", content_type)] if content_type else []
    return StatusAndHeaders(f"{status} {phrase}", headers, protocol="HTTP/1.1")


def write_warc(db: Database, out: IO[bytes], site: str | None, compress: bool = True) -> Counter[str]:
    """Write the archive's raw pages as WARC 1.1: warcinfo, then a response (and for POSTs a request)
    record per page. Returns the records written, by type."""
    writer = WARCWriter(out, gzip=compress, warc_version="WARC/1.1")
    counts: Counter[str] = Counter()
    info = {"software": SOFTWARE, "format": "WARC File Format 1.1",
            "description": "Raw pages of vngov-archive, an archive of Vietnamese local-government news"
                           + (f" (site {site})" if site else "")}
    writer.write_record(writer.create_warcinfo_record("vngov-archive.warc.gz", info))
    counts["warcinfo"] += 1
    for page in stored_pages(db, site):
        date = vn_to_warc_date(page["fetched_at"])
        response = writer.create_warc_record(
            page["url"], "response", payload=BytesIO(page["body"]),
            http_headers=http_headers(page["status"], page["content_type"] or ""),
            warc_headers_dict={"WARC-Date": date})
        writer.write_record(response)
        counts["response"] += 1
        if (page["method"] or "GET") != "GET":
            writer.write_record(_request_record(writer, page, date, response.rec_headers.get_header("WARC-Record-ID")))
            counts["request"] += 1
    return counts


def _request_record(writer: WARCWriter, page: dict[str, Any], date: str, response_id: str) -> Any:
    """The POST that produced a postback page, linked to its response (WARC-Concurrent-To)."""
    parts = urlsplit(page["url"])
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    body = page["request_body"] or b""
    headers = StatusAndHeaders(f"{page['method']} {target or '/'} HTTP/1.1",
                               [("Host", parts.netloc), ("Content-Type", "application/x-www-form-urlencoded")],
                               is_http_request=True)
    return writer.create_warc_record(page["url"], "request", payload=BytesIO(body), http_headers=headers,
                                     warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id})
