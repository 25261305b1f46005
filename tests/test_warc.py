"""WARC/ARC import and export (`scrapy import-warc`, `scrapy export-warc`, pipelines/warc.py).

The WARC files are written here, with warcio, from pages fetched from the local sample portals
(and a generic test portal), with the records a real collection holds besides: a warcinfo, a
request, a revisit, an image, a 404, a truncated record, a gzip member cut short, an ARC file.
The archive they import into is compared with the portals' ground truth, row by row.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.extraction import PAGE_READER
from crawler.sites import load_registry
from pipelines import warc
from pipelines.lock import ArchiveLock
from pipelines.schema import open_archive
from pipelines.warc import WarcImporter, route, vn_to_warc_date, warc_date_to_vn
from sample_portal import SamplePortalServer
from sample_portal.catalog import ground_truth_for
from sample_portal.demo import crawl_command
from tests.conftest import REPO_ROOT
from tests.generic_sites import generic_crawl_command, serve
from tests.generic_sites.scoring import FIELDS, archive_rows, score
from tests.test_crawl_e2e import rows

COMPARED = ("title", "published_at", "view_count", "authors", "body_text")
CONTENT = ("url", "site", "title", "summary", "body_text", "authors", "category", "published_at",
           "published_date", "view_count", "views_raw", "byline_raw", "date_raw")


# --- helpers -------------------------------------------------------------------------------------


def fetch(url: str) -> tuple[int, str, bytes]:
    """Status, Content-Type and body of a local page (errors included: a 404 is a page too)."""
    assert url.startswith("http://127.0.0.1:"), url
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.headers.get("Content-Type", ""), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def now_warc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def response_record(writer: WARCWriter, url: str, status: int, content_type: str, body: bytes,
                    date: str, **extra: str):
    headers = StatusAndHeaders(f"{status} {'OK' if status == 200 else 'Not Found'}",
                               [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers,
                                     warc_headers_dict={"WARC-Date": date, **extra})


def write_responses(path: Path, urls: list[str], gzip: bool) -> dict[str, str]:
    """A WARC of the pages at `urls`, fetched now; returns each URL's WARC-Date."""
    dates = {}
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for url in urls:
            status, ctype, body = fetch(url)
            dates[url] = now_warc()
            writer.write_record(response_record(writer, url, status, ctype, body, dates[url]))
    return dates


def arc_file(path: Path, urls: list[str]) -> dict[str, str]:
    """An ARC (v1) file of the pages at `urls`: what old Heritrix and Alexa crawls left."""
    version = b"1 0 tests\nURL IP-address Archive-date Content-type Archive-length\n"
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    parts = [b"filedesc://%s 127.0.0.1 %s text/plain %d\n" % (path.name.encode(), stamp.encode(), len(version)),
             version, b"\n"]
    dates = {}
    for url in urls:
        status, ctype, body = fetch(url)
        block = f"HTTP/1.1 {status} OK\r\nContent-Type: {ctype}\r\n\r\n".encode() + body
        parts += [f"{url} 127.0.0.1 {stamp} {ctype.split(';')[0]} {len(block)}\n".encode(), block, b"\n"]
        dates[url] = warc_date_to_vn(datetime.strptime(stamp, "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ"))
    path.write_bytes(b"".join(parts))
    return dates


def import_warc(db: Path, base_url: str, *files: Path | str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrapy", "import-warc", *map(str, files), "-s", f"ARCHIVE_DB={db}",
           "-s", f"SAMPLE_PORTAL_URL={base_url}"]
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)


def export_warc(db: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrapy", "export-warc", str(out), "-s", f"ARCHIVE_DB={db}", *extra]
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)


def payload_digest(body: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[SamplePortalServer]:
    with SamplePortalServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def base(server: SamplePortalServer) -> str:
    return server.url.rstrip("/")


@pytest.fixture(scope="module")
def collection(base: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three files: a gzipped WARC (SharePoint sample and every kind of record that is no article),
    a plain WARC (new Hà Tĩnh sample) and an ARC (NukeViet sample, windows-1258)."""
    folder = tmp_path_factory.mktemp("warcs")
    truth = {slug: ground_truth_for(slug, base) for slug in ("sample", "sample-hatinh", "sample-nukeviet")}
    mixed = folder / "mixed.warc.gz"
    dates: dict[str, str] = {}
    with mixed.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(mixed.name, {"software": "tests"}))
        for url in [base + "/honglinh/portal/Pages/Kinh-te.aspx"] + [a["url"] for a in truth["sample"]]:
            status, ctype, body = fetch(url)
            dates[url] = now_warc()
            record = response_record(writer, url, status, ctype, body, dates[url])
            writer.write_record(record)
        first = truth["sample"][0]["url"]
        writer.write_record(writer.create_warc_record(first, "request", payload=BytesIO(b""), http_headers=StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "127.0.0.1")], is_http_request=True), warc_headers_dict={"WARC-Date": now_warc()}))
        writer.write_record(writer.create_revisit_record(first, record.rec_headers.get_header("WARC-Payload-Digest"),
                                                         first, dates[first]))
        writer.write_record(writer.create_warc_record(base + "/meta", "metadata", payload=BytesIO(b"outlinks: none"),
                                                      warc_content_type="application/warc-fields"))
        writer.write_record(response_record(writer, base + "/honglinh/logo.png", 200, "image/png",
                                            b"\x89PNG\r\n\x1a\n" + b"\0" * 64, now_warc()))
        status, ctype, body = fetch(base + "/honglinh/portal/pages/2020-1-1/Khong-co-bai-nay-1.aspx")
        assert status == 404
        writer.write_record(response_record(writer, base + "/honglinh/portal/pages/2020-1-1/Khong-co-bai-nay-1.aspx",
                                            status, ctype, body, now_warc()))
        _, ctype, body = fetch(first)
        writer.write_record(response_record(writer, base + "/honglinh/portal/pages/2020-1-2/Bai-cat-2.aspx", 200,
                                            ctype, body[: len(body) // 2], now_warc(), **{"WARC-Truncated": "length"}))
    # The last record: a gzip member cut short (a download that stopped half-way).
    tail = BytesIO()
    tail_writer = WARCWriter(tail, gzip=True)
    tail_writer.write_record(response_record(tail_writer, base + "/honglinh/portal/pages/2020-1-3/Bai-dut-3.aspx",
                                             200, ctype, body, now_warc()))
    with mixed.open("ab") as out:
        out.write(tail.getvalue()[: len(tail.getvalue()) // 2])
    plain = folder / "hatinh.warc"
    dates.update(write_responses(plain, [a["url"] for a in truth["sample-hatinh"]], gzip=False))
    arc = folder / "minhduc.arc"
    arc_dates = arc_file(arc, [a["url"] for a in truth["sample-nukeviet"]])
    return {"files": [mixed, plain, arc], "truth": truth, "dates": dates, "arc_dates": arc_dates}


@pytest.fixture(scope="module")
def imported(base: str, collection: dict,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    db = tmp_path_factory.mktemp("imported") / "archive.db"
    return db, import_warc(db, base, *collection["files"])


# --- pure helpers --------------------------------------------------------------------------------


def test_warc_dates_convert_to_vietnam_time_and_back() -> None:
    assert warc_date_to_vn("2025-07-01T03:04:05Z") == "2025-07-01T10:04:05+07:00"
    assert warc_date_to_vn("2025-07-01T03:04:05.123456Z") == "2025-07-01T10:04:05+07:00"
    assert warc_date_to_vn("2025-06-30T20:00:00") == "2025-07-01T03:00:00+07:00"  # ARC: UTC, no zone
    assert vn_to_warc_date("2025-07-01T10:04:05+07:00") == "2025-07-01T03:04:05Z"


def test_route_by_host_and_article_pattern(base: str) -> None:
    registry = load_registry({"PORTAL_SITES_FILE": str(REPO_ROOT / "crawler/profiles/sites.toml"),
                              "PORTAL_FAMILIES_DIR": str(REPO_ROOT / "crawler/profiles/families"),
                              "SAMPLE_PORTAL_URL": base})
    profile, kind = route(base + "/minhduc/vi/news/chinh-quyen/bai-viet-1316.html", registry)
    assert (profile.slug, kind) == ("sample-nukeviet", "article")
    profile, kind = route(base + "/honglinh/portal/Pages/Kinh-te.aspx", registry)
    assert (profile.slug, kind) == ("sample", "listing")
    assert route("http://127.0.0.1:1/honglinh/portal/pages/2020-1-1/A-1.aspx", registry) == (None, "generic")


# --- import --------------------------------------------------------------------------------------


def test_import_reports_every_kind_of_record(imported: tuple[Path, subprocess.CompletedProcess[str]],
                                              collection: dict) -> None:
    _, result = imported
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    n = sum(len(t) for t in collection["truth"].values())
    assert f"articles new: {n}" in out
    for line in ("revisit: 1", "request: 1", "metadata: 1", "skipped (not_html): 1", "skipped (status_404): 1",
                 "skipped (truncated): 1", "skipped (cut_short): 1", "skipped (listing): 1"):
        assert line in out, out


def test_imported_articles_equal_ground_truth(imported: tuple[Path, subprocess.CompletedProcess[str]],
                                             collection: dict) -> None:
    db, _ = imported
    got = {r["url"]: r for r in rows(db, "select * from articles")}
    for slug, truth in collection["truth"].items():
        expected = {a["url"]: a for a in truth}
        mine = {u: r for u, r in got.items() if r["site"] == slug}
        assert sorted(mine) == sorted(expected), slug
        mismatches = [(url, f, mine[url][f], want[f]) for url, want in expected.items() for f in COMPARED
                      if (json.loads(mine[url][f]) if f == "authors" else mine[url][f]) != want[f]]
        assert mismatches == [], slug
    assert len(got) == sum(len(t) for t in collection["truth"].values()), "nothing but the articles"


def test_imported_articles_carry_their_provenance(imported: tuple[Path, subprocess.CompletedProcess[str]],
                                                 collection: dict) -> None:
    db, _ = imported
    articles = rows(db, "select * from articles")
    assert {a["source"] for a in articles} == {"warc"}
    dates = collection["dates"]
    for a in articles:
        assert a["captured_at"] == a["fetched_at"] and a["captured_at"].endswith("+07:00")
        if a["url"] in dates:
            assert a["captured_at"] == warc_date_to_vn(dates[a["url"]])
        else:
            assert a["captured_at"] == collection["arc_dates"][a["url"]]
        file, record = a["capture_url"].removeprefix("warc:").split("#")
        assert file in {"mixed.warc.gz", "hatinh.warc", "minhduc.arc"}
        assert record.startswith("<urn:sha1:" if file.endswith(".arc") else "<urn:uuid:")  # ARC: no record ids
        [raw] = rows(db, "select * from raw_pages where warc_record_id = ?", (record,))
        assert (raw["source"], raw["warc_file"], raw["url"]) == ("warc", file, a["url"])
    views = rows(db, "select source, capture_url, observed_at from view_counts")
    assert len(views) == len(articles) and {v["source"] for v in views} == {"warc"}


def test_reimport_adds_nothing(imported: tuple[Path, subprocess.CompletedProcess[str]], collection: dict,
                               base: str) -> None:
    db, _ = imported
    before = rows(db, "select (select count(*) from articles) a, (select count(*) from view_counts) v, "
                      "(select count(*) from raw_pages) r")
    result = import_warc(db, base, *collection["files"])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "skipped (already_imported)" in result.stdout and "articles new" not in result.stdout
    assert rows(db, "select (select count(*) from articles) a, (select count(*) from view_counts) v, "
                    "(select count(*) from raw_pages) r") == before


def test_reextract_works_on_imported_pages(imported: tuple[Path, subprocess.CompletedProcess[str]], base: str) -> None:
    db, _ = imported
    result = subprocess.run([sys.executable, "-m", "scrapy", "reextract", "--dry-run", "-s", f"ARCHIVE_DB={db}",
                             "-s", f"SAMPLE_PORTAL_URL={base}"], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "articles changed:   0" in result.stdout and "articles added:     0" in result.stdout


def test_unreadable_input_exits_2_naming_the_file(tmp_path: Path, base: str) -> None:
    not_warc = tmp_path / "notes.warc"
    not_warc.write_text("this is no web archive\n")
    result = import_warc(tmp_path / "a.db", base, not_warc)
    assert result.returncode == 2 and "notes.warc" in result.stderr
    result = import_warc(tmp_path / "a.db", base, tmp_path / "missing.warc.gz")
    assert result.returncode == 2 and "missing.warc.gz" in result.stderr


def test_busy_archive_exits_6(tmp_path: Path, base: str, collection: dict) -> None:
    db = tmp_path / "a.db"
    with ArchiveLock(str(db)):
        result = import_warc(db, base, collection["files"][1])
    assert result.returncode == 6, result.stderr


# --- one article, many sources -------------------------------------------------------------------


def capture(url: str, html: bytes, date: str) -> bytes:
    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(response_record(writer, url, 200, "text/html; charset=utf-8", html, date))
    return out.getvalue()


def importer_for(db_path: Path, base: str) -> tuple[WarcImporter, object]:
    db = open_archive(db_path)
    registry = load_registry({"PORTAL_SITES_FILE": str(REPO_ROOT / "crawler/profiles/sites.toml"),
                              "PORTAL_FAMILIES_DIR": str(REPO_ROOT / "crawler/profiles/families"),
                              "SAMPLE_PORTAL_URL": base})
    return WarcImporter(db, registry, PAGE_READER), db


def test_newest_capture_wins_and_every_observation_is_kept(tmp_path: Path, base: str, collection: dict) -> None:
    url = collection["truth"]["sample"][1]["url"]
    _, _, html = fetch(url)
    title = collection["truth"]["sample"][1]["title"]
    older = html.replace(title.encode(), b"Old title")
    # The newer capture comes first in the file, the older one after it: the date decides, not the order.
    path = tmp_path / "two.warc.gz"
    path.write_bytes(capture(url, html, "2026-01-02T00:00:00Z") + capture(url, older, "2025-01-02T00:00:00Z"))
    importer, db = importer_for(tmp_path / "a.db", base)
    importer.import_file(path)
    db.close()
    [row] = rows(tmp_path / "a.db", "select * from articles")
    assert (row["title"], row["source"], row["captured_at"]) == (title, "warc", "2026-01-02T07:00:00+07:00")
    views = rows(tmp_path / "a.db", "select observed_at from view_counts order by observed_at")
    assert [v["observed_at"] for v in views] == ["2025-01-02T07:00:00+07:00", "2026-01-02T07:00:00+07:00"]


@pytest.fixture(scope="module")
def live(base: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A live crawl of the SharePoint sample portal (with its postback listing pages)."""
    db = tmp_path_factory.mktemp("live") / "archive.db"
    result = subprocess.run(crawl_command(base, str(db), full=True), cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def test_live_row_is_kept_and_capture_observation_added(live: Path, tmp_path: Path, base: str, collection: dict) -> None:
    db_path = tmp_path / "archive.db"
    shutil.copy(live, db_path)
    url = collection["truth"]["sample"][2]["url"]
    _, _, html = fetch(url)
    title = collection["truth"]["sample"][2]["title"]
    path = tmp_path / "old.warc.gz"
    path.write_bytes(capture(url, html.replace(title.encode(), b"As archived"), now_warc()))
    importer, db = importer_for(db_path, base)
    importer.import_file(path)
    db.close()
    [row] = rows(db_path, "select * from articles where url = ?", (url,))
    assert (row["title"], row["source"], row["capture_url"]) == (title, "live", None)
    views = rows(db_path, "select source, capture_url from view_counts where url = ? order by id", (url,))
    assert [v["source"] for v in views] == ["live", "warc"] and views[1]["capture_url"].startswith("warc:old.warc.gz#")
    assert importer.report.articles == {"kept (live or newer copy archived)": 1}



def import_dump(db_path: Path) -> dict[str, list[dict]]:
    """Every row an import writes (ids, versions, observations and raw pages included)."""
    return {table: rows(db_path, f"select * from {table} order by rowid")
            for table in ("articles", "article_versions", "view_counts", "raw_pages")}


def test_batched_import_stores_what_one_capture_at_a_time_does(tmp_path: Path, base: str, collection: dict,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles are written in batches (`WarcImporter.flush`); whatever the batch size, the archive
    and the report are those of storing each capture alone (batches of one), even with captures of
    one article spread over several batches: newer and edited, older, identical, the same record twice."""
    parts = []
    for article in collection["truth"]["sample"][:4]:
        _, _, html = fetch(article["url"])
        parts.append(capture(article["url"], html, "2025-03-01T00:00:00Z"))
        parts.append(capture(article["url"], html.replace(article["title"].encode(), b"Edited"), "2025-06-01T00:00:00Z"))
        parts.append(capture(article["url"], html, "2024-01-01T00:00:00Z"))
        parts.append(capture(article["url"], html, "2025-09-01T00:00:00Z"))
    path = tmp_path / "many.warc.gz"
    path.write_bytes(b"".join(parts) + parts[0])
    results = {}
    for size in (1, 3, 200):
        monkeypatch.setattr(warc, "ARTICLE_BATCH", size)
        importer, db = importer_for(tmp_path / f"batch{size}.db", base)
        importer.import_file(path)
        db.close()
        results[size] = (importer.report.lines(), import_dump(tmp_path / f"batch{size}.db"))
    assert results[3] == results[1] and results[200] == results[1]
    report, dump = results[1]
    assert importer.report.articles == {"new": 4, "updated": 8, "kept (live or newer copy archived)": 4}
    assert importer.report.skipped["already_imported"] == 1
    assert len(dump["articles"]) == 4 and len(dump["article_versions"]) == 8 and len(dump["view_counts"]) == 16


def test_broken_stream_keeps_the_articles_read_before_it(tmp_path: Path, base: str, collection: dict) -> None:
    """Articles wait for their batch (`WarcImporter.flush`); a file that breaks off still stores
    every article of the records read before the break, in the file's transaction."""
    articles = collection["truth"]["sample"][:3]
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(b"".join(capture(a["url"], fetch(a["url"])[2], "2025-03-01T00:00:00Z") for a in articles)
                     + b"".join(hashlib.sha256(b"%d" % n).digest() for n in range(200)))  # garbled bytes
    importer, db = importer_for(tmp_path / "a.db", base)
    with db.atomic():  # as the command does: one transaction per file
        importer.import_file(path)
    db.close()
    assert importer.report.skipped["broken_stream"] == 1 and importer.report.articles == {"new": 3}
    assert sorted(r["url"] for r in rows(tmp_path / "a.db", "select url from articles")) == sorted(a["url"] for a in articles)


def buggy_extractor(tmp_path: Path, bad: str, bug: str) -> dict[str, str]:
    """An environment whose Python processes (a command and its workers) load a `sitecustomize`
    that puts `bug` (a statement) before the project's page reading of URL `bad`."""
    (tmp_path / "bug").mkdir()
    (tmp_path / "bug" / "sitecustomize.py").write_text(f"""
import sys
sys.path.insert(0, {str(REPO_ROOT)!r})
import crawler.extraction as extraction
_extract = extraction.PageReader.extract
def extract(url, *args):
    if url == {bad!r}:
        {bug}
    return _extract(url, *args)
extraction.PageReader.extract = staticmethod(extract)
""", encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(tmp_path / "bug")}


def three_captures(tmp_path: Path, articles: list[dict]) -> Path:
    path = tmp_path / "three.warc.gz"
    path.write_bytes(b"".join(capture(a["url"], fetch(a["url"])[2], "2025-03-01T00:00:00Z") for a in articles))
    return path


class CrashingReader(type(PAGE_READER)):  # type: ignore[misc]
    """The project's page reader, with an extractor bug on pages whose URL holds `marker`."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def extract(self, url, html, fetched_at, profile):  # type: ignore[no-untyped-def]
        if self.marker in url:
            raise ValueError(f"extractor bug on {url}")
        return super().extract(url, html, fetched_at, profile)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_whose_extraction_raises_is_kept_and_the_import_goes_on(tmp_path: Path, base: str, collection: dict,
                                                                        workers: int) -> None:
    """An extractor's bug on one capture (in this process or in a worker) is counted and named;
    the capture is kept as a raw page of kind "error"; the captures after it are imported; and
    `reextract`, once the extractor reads the page, makes its article: nothing is lost. A
    re-extraction that still crashes on it says so and finishes the other pages."""
    from pipelines.parallel import ExtractionPool
    from pipelines.reextract import reextract

    articles = collection["truth"]["sample"][:3]
    bad = articles[1]["url"]
    path = three_captures(tmp_path, articles)
    importer, db = importer_for(tmp_path / "a.db", base)
    with ExtractionPool(CrashingReader(bad), importer.registry, workers) as pool:
        importer = WarcImporter(db, importer.registry, pool)
        importer.import_file(path)
    assert importer.report.articles == {"new": 2}
    assert importer.report.skipped["exception:ValueError"] == 1 and "broken_stream" not in importer.report.skipped
    assert any(line.startswith(f"problem: {bad}: extraction failed (ValueError: extractor bug on ")
               for line in importer.report.lines())
    assert sorted(r["url"] for r in rows(tmp_path / "a.db", "select url from articles")) == \
        sorted(a["url"] for a in articles if a["url"] != bad)
    [kept] = rows(tmp_path / "a.db", "select kind, status, source, encoding, body_size from raw_pages where url = ?", (bad,))
    assert (kept["kind"], kept["status"], kept["source"], kept["encoding"]) == ("error", 200, "warc", "utf-8")
    assert kept["body_size"] == len(fetch(bad)[2])

    with ExtractionPool(CrashingReader(bad), importer.registry, workers) as pool:
        still = reextract(db, importer.registry, pool)
    assert still.crashed == {"exception:ValueError": 1} and still.pages == 3
    assert f"problem: {bad}: extraction failed (ValueError: extractor bug on {bad})" in still.lines()
    fixed = reextract(db, importer.registry, PAGE_READER)
    db.close()
    assert fixed.added == 1 and not fixed.crashed
    [row] = rows(tmp_path / "a.db", "select title from articles where url = ?", (bad,))
    assert row["title"] == articles[1]["title"]


def test_import_and_reextract_exit_4_when_pages_crash_extraction(tmp_path: Path, base: str, collection: dict) -> None:
    """The commands, with an extractor bug on one page (a `sitecustomize` on their PYTHONPATH,
    inherited by their worker processes): both finish the other pages and exit 4 naming it; a
    re-extraction by the fixed extractor then adds its article and exits 0."""
    articles = collection["truth"]["sample"][:3]
    bad = articles[1]["url"]
    buggy = buggy_extractor(tmp_path, bad, 'raise ValueError("a bug")')
    path = three_captures(tmp_path, articles)
    db = tmp_path / "a.db"
    settings = ["-s", f"ARCHIVE_DB={db}", "-s", f"SAMPLE_PORTAL_URL={base}"]
    result = subprocess.run([sys.executable, "-m", "scrapy", "import-warc", str(path), "--workers", "2", *settings],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, env=buggy)
    assert result.returncode == 4, result.stderr[-3000:]
    assert "error: 1 page(s) crashed extraction" in result.stderr
    assert "skipped (exception:ValueError): 1" in result.stdout and "articles new: 2" in result.stdout
    assert f"problem: {bad}: extraction failed (ValueError: a bug)" in result.stdout
    reextract = [sys.executable, "-m", "scrapy", "reextract", "--workers", "2", *settings]
    result = subprocess.run(reextract, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, env=buggy)
    assert result.returncode == 4, result.stderr[-3000:]
    assert "extraction failed (exception:ValueError): 1" in result.stdout and "pages re-extracted: 3" in result.stdout
    result = subprocess.run(reextract, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "articles added:     1" in result.stdout
    assert sorted(r["url"] for r in rows(db, "select url from articles")) == sorted(a["url"] for a in articles)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_capture_whose_extraction_never_ends_is_given_up(tmp_path: Path, base: str, collection: dict,
                                                           workers: str) -> None:
    """PORTAL_EXTRACT_TIME_LIMIT (crawler/timelimit.py) in import-warc, in its process and in its
    workers: a capture that would be read for ever fails after the limit; the import goes on."""
    articles = collection["truth"]["sample"][:3]
    bad = articles[0]["url"]
    env = buggy_extractor(tmp_path, bad, "while True: pass")
    path = three_captures(tmp_path, articles)
    db = tmp_path / "a.db"
    result = subprocess.run([sys.executable, "-m", "scrapy", "import-warc", str(path), "--workers", workers,
                             "-s", f"ARCHIVE_DB={db}", "-s", f"SAMPLE_PORTAL_URL={base}", "-s", "PORTAL_EXTRACT_TIME_LIMIT=1"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 4, result.stderr[-3000:]
    assert "skipped (exception:ExtractionTimeout): 1" in result.stdout and "articles new: 2" in result.stdout
    assert f"problem: {bad}: extraction failed (ExtractionTimeout: reading the page took over 1 s" in result.stdout
    [kept] = rows(db, "select kind from raw_pages where url = ?", (bad,))
    assert kept["kind"] == "error"


def test_a_negative_time_limit_is_refused(tmp_path: Path, base: str, collection: dict) -> None:
    result = subprocess.run([sys.executable, "-m", "scrapy", "import-warc", str(collection["files"][1]),
                             "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}", "-s", "PORTAL_EXTRACT_TIME_LIMIT=-5"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 2 and "PORTAL_EXTRACT_TIME_LIMIT must be 0 (no limit) or a number of seconds, not -5" \
        in result.stderr


# --- export --------------------------------------------------------------------------------------


def test_export_reads_back_and_reimports_to_the_same_articles(live: Path, tmp_path: Path, base: str) -> None:
    out = tmp_path / "export.warc.gz"
    result = export_warc(live, out)
    assert result.returncode == 0, result.stderr[-3000:]
    pages = rows(live, "select count(*) n, sum(method = 'POST') posts from raw_pages")[0]
    records = []
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream):
            body = record.content_stream().read()
            records.append(record.rec_type)
            if record.rec_type == "response":
                assert record.rec_headers.get_header("WARC-Payload-Digest") == payload_digest(body)
                assert record.rec_headers.get_header("WARC-Date").endswith("Z")
                assert record.http_headers.get_statuscode() in ("200", "404")
            if record.rec_type == "warcinfo":
                assert b"software: vngov-archive" in body and b"format: WARC File Format 1.1" in body
    assert records[0] == "warcinfo" and records.count("warcinfo") == 1
    assert records.count("response") == pages["n"] and records.count("request") == pages["posts"] > 0
    fresh = tmp_path / "fresh.db"
    result = import_warc(fresh, base, out)
    assert result.returncode == 0, result.stderr[-3000:]
    columns = ", ".join(CONTENT)
    ordered = f"select {columns} from articles order by url"
    assert rows(fresh, ordered) == rows(live, ordered)
    assert rows(fresh, "select distinct source from articles") == [{"source": "warc"}]


def test_export_of_one_site_and_of_an_unknown_site(live: Path, tmp_path: Path) -> None:
    result = export_warc(live, tmp_path / "one.warc", "--site", "sample")
    assert result.returncode == 0, result.stderr[-3000:]
    with (tmp_path / "one.warc").open("rb") as stream:
        assert sum(1 for r in ArchiveIterator(stream) if r.rec_type == "response") > 0
    result = export_warc(live, tmp_path / "none.warc", "--site", "nosuchsite")
    assert result.returncode == 2 and "nosuchsite" in result.stderr


# --- a portal with no profile --------------------------------------------------------------------


def test_generic_portal_imports_as_accurately_as_a_live_crawl(tmp_path: Path) -> None:
    with serve("tuyenquang") as (server, site):
        origin = server.url.rstrip("/")
        truth = site.truth(origin)
        live_db = tmp_path / "live.db"
        result = subprocess.run(generic_crawl_command(origin + site.home, str(live_db)), cwd=REPO_ROOT,
                                capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, result.stderr[-3000:]
        warc = tmp_path / "tuyenquang.warc.gz"
        write_responses(warc, [origin + site.home] + [t["url"] for t in truth], gzip=True)
        truth = site.truth(origin)  # after the fetches: view counters may count them
    warc_db = tmp_path / "warc.db"
    result = import_warc(warc_db, "http://127.0.0.1:1", warc)
    assert result.returncode == 0, result.stderr[-3000:]
    from_live, from_warc = score("live", truth, archive_rows(live_db)), score("warc", truth, archive_rows(warc_db))
    assert from_warc.found == from_live.found == len(truth)
    for key in FIELDS:
        assert from_warc.exact[key] >= from_live.exact[key], (key, from_warc.misses)
    assert from_warc.clean_bodies >= from_live.clean_bodies and from_warc.non_article_rows == 0
    assert {r["source"] for r in archive_rows(warc_db).values()} == {"warc"}
