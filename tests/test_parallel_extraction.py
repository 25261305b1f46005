"""Page extraction in worker processes (`pipelines/parallel.py`; `--workers N` of `scrapy
import-warc` and `scrapy reextract`): whatever the number of workers, the archive and the report
are those of one process, row for row; an exception of extraction behaves as in one process; a
worker that dies stops the command with a clear error and leaves nothing of the file (or run)
behind.

The WARC files are written from the local sample portals (three profiles) and a generic test
portal: listing pages, articles, pages that are no article, a 404, a revisit, a request, metadata,
an image, a truncated record, a record met twice in one file and again in the next, captures of
one article older, newer and edited, an ARC file, windows-1258 declared only in the page, and a
gzip member cut short at the end of a file, garbled bytes at the end of another. The servers are
stopped before anything is imported.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.extraction import PAGE_READER
from crawler.sites import load_registry
from pipelines import parallel
from pipelines.parallel import ExtractionPool, WorkerDied, worker_count
from pipelines.reextract import reextract
from pipelines.schema import open_archive
from pipelines.warc import WarcImporter
from sample_portal import SamplePortalServer
from sample_portal.catalog import ground_truth_for
from tests.conftest import REPO_ROOT
from tests.generic_sites import serve
from tests.test_warc import arc_file, capture, fetch, response_record, write_responses

pytestmark = pytest.mark.e2e

# Columns that differ between two runs of the same work whatever the workers: when the schema
# was made (every other column of every table is compared).
RUN_DEPENDENT = {"_sqlite_migrations": {"applied_at"}}


# --- readers (module level: forked workers inherit them) ------------------------------------------


class Failing:
    """The page reader, except that extraction raises for pages whose URL ends so: a ValueError,
    or lxml's XMLSyntaxError (which cannot be pickled as itself)."""

    def __init__(self, value_error: str = "", lxml_error: str = "") -> None:
        self.value_error, self.lxml_error = value_error, lxml_error

    def extract(self, url: str, html: str, fetched_at: str, profile: Any) -> Any:
        if self.value_error and url.endswith(self.value_error):
            raise ValueError(f"cannot read {url}")
        if self.lxml_error and url.endswith(self.lxml_error):
            etree.fromstring("<unclosed>")
        return PAGE_READER.extract(url, html, fetched_at, profile)

    def generic_site(self, url: str) -> Any:
        return PAGE_READER.generic_site(url)


class Killing(Failing):
    """Extraction of the page whose URL ends so kills the process extracting it (as the OOM killer would)."""

    def __init__(self, fatal: str) -> None:
        super().__init__()
        self.fatal = fatal

    def extract(self, url: str, html: str, fetched_at: str, profile: Any) -> Any:
        if url.endswith(self.fatal):
            os.kill(os.getpid(), signal.SIGKILL)
        return super().extract(url, html, fetched_at, profile)


class Edited(Failing):
    """Today's extractor, changed: every other article gets another title (an extractor change)."""

    def extract(self, url: str, html: str, fetched_at: str, profile: Any) -> Any:
        fields, reason = super().extract(url, html, fetched_at, profile)
        if fields is not None and len(url) % 2:
            fields.title = f"{fields.title} (sửa)"
        return fields, reason


# --- helpers -------------------------------------------------------------------------------------


def registry_for(base: str) -> dict:
    return load_registry({"PORTAL_SITES_FILE": str(REPO_ROOT / "crawler/profiles/sites.toml"),
                          "PORTAL_FAMILIES_DIR": str(REPO_ROOT / "crawler/profiles/families"),
                          "SAMPLE_PORTAL_URL": base})


def dump(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in storage order, run-dependent columns left out."""
    conn = sqlite3.connect(db_path)
    try:
        tables = conn.execute("select name, sql from sqlite_master where type = 'table' order by name").fetchall()
        out = {}
        for table, sql in tables:
            # In storage order: by rowid, or by primary key for a table without one (FTS indexes).
            cursor = conn.execute(f"select * from [{table}]" + ("" if "WITHOUT ROWID" in sql.upper() else " order by rowid"))
            keep = [i for i, d in enumerate(cursor.description) if d[0] not in RUN_DEPENDENT.get(table, set())]
            out[table] = [tuple(row[i] for i in keep) for row in cursor]
        return out
    finally:
        conn.close()


def import_files(db_path: Path, registry: dict, files: list[Path], workers: int, reader: Any = PAGE_READER) -> list[str]:
    """Import the files as `scrapy import-warc` does (pool first, one transaction per file); the report."""
    with ExtractionPool(reader, registry, workers) as pool:
        assert pool.workers == workers
        db = open_archive(str(db_path))
        try:
            importer = WarcImporter(db, registry, pool)
            for file in files:
                with db.atomic():
                    importer.import_file(file)
        finally:
            db.close()
    return importer.report.lines()


def reextract_with(db_path: Path, registry: dict, workers: int, reader: Any = PAGE_READER) -> list[str]:
    with ExtractionPool(reader, registry, workers) as pool:
        db = open_archive(str(db_path))
        try:
            with db.atomic():
                return reextract(db, registry, pool).lines()
        finally:
            db.close()


def scrapy(*args: str, script: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, *(["-c", script] if script else ["-m", "scrapy"]), *args]
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)


# A `scrapy` command line whose page reader kills the process extracting the page given first.
KILLER = """
import os, signal, sys
from crawler import extraction
from scrapy.cmdline import execute
fatal, args = sys.argv[1], sys.argv[2:]
read = extraction.PageReader.extract
def extract(url, html, fetched_at, profile):
    if url.endswith(fatal):
        os.kill(os.getpid(), signal.SIGKILL)
    return read(url, html, fetched_at, profile)
extraction.PageReader.extract = staticmethod(extract)
execute(["scrapy", *args])
"""


def member(url: str, status: int, content_type: str, body: bytes, date: str, **extra: str) -> bytes:
    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(response_record(writer, url, status, content_type, body, date, **extra))
    return out.getvalue()


def other_records(base: str, first: str, date: str) -> bytes:
    """A request, a revisit, a metadata record: what a crawler's WARC holds besides responses."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warc_record(first, "request", payload=BytesIO(b""), http_headers=StatusAndHeaders(
        "GET / HTTP/1.1", [("Host", "127.0.0.1")], is_http_request=True), warc_headers_dict={"WARC-Date": date}))
    writer.write_record(writer.create_revisit_record(first, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", first, date))
    writer.write_record(writer.create_warc_record(base + "/meta", "metadata", payload=BytesIO(b"outlinks: none"),
                                                  warc_content_type="application/warc-fields"))
    return out.getvalue()


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Five files (see the module's docstring) and the registry they are routed by."""
    folder = tmp_path_factory.mktemp("parallel-warcs")
    with SamplePortalServer() as server:
        base = server.url.rstrip("/")
        truth = {slug: ground_truth_for(slug, base) for slug in ("sample", "sample-hatinh", "sample-nukeviet")}
        articles = [a["url"] for a in truth["sample"]]
        pages = {url: fetch(url) for url in [base + "/honglinh/portal/Pages/Kinh-te.aspx", *articles]}
        gone = base + "/honglinh/portal/pages/2020-1-1/Khong-co-bai-nay-1.aspx"
        pages[gone] = fetch(gone)
        assert pages[gone][0] == 404
        members = [member(url, *pages[url], "2025-03-01T00:00:00Z") for url in pages]
        first = articles[0]
        _, ctype, html = pages[first]
        title = truth["sample"][0]["title"].encode()
        members += [
            capture(first, html.replace(title, b"Edited"), "2025-06-01T00:00:00Z"),  # newer, edited
            capture(articles[1], pages[articles[1]][2], "2024-01-01T00:00:00Z"),  # older
            members[2],  # the same record again, in the same file
            other_records(base, first, "2025-03-02T00:00:00Z"),
            member(base + "/honglinh/logo.png", 200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "2025-03-01T00:00:00Z"),
            member(base + "/honglinh/portal/pages/2020-1-2/Bai-cat-2.aspx", 200, ctype, html[: len(html) // 2],
                   "2025-03-01T00:00:00Z", **{"WARC-Truncated": "length"}),
        ]
        tail = member(base + "/honglinh/portal/pages/2020-1-3/Bai-dut-3.aspx", 200, ctype, html, "2025-03-01T00:00:00Z")
        mixed = folder / "mixed.warc.gz"
        mixed.write_bytes(b"".join(members) + tail[: len(tail) // 2])  # a gzip member cut short at the end
        plain = folder / "hatinh.warc"
        write_responses(plain, [a["url"] for a in truth["sample-hatinh"]], gzip=False)
        arc = folder / "minhduc.arc"
        arc_file(arc, [a["url"] for a in truth["sample-nukeviet"]])
    with serve("aspnet_legacy") as (server, site):  # windows-1258, declared only in the page
        origin = server.url.rstrip("/")
        home = fetch(origin + site.home)
        links = sorted({origin + href.decode() for href in re.findall(rb'href="(/[^"#]*)"', home[2])})
        urls = list(dict.fromkeys([origin + site.home, *links[:40], *(t["url"] for t in site.truth(origin))]))
        generic_members = [member(url, *fetch(url), "2025-04-01T00:00:00Z") for url in urls]
    generic = folder / "generic.warc.gz"
    generic.write_bytes(b"".join(generic_members))
    again = folder / "again.warc.gz"  # records of the file before, one of them twice, then garbled bytes
    again.write_bytes(b"".join(generic_members[:5] + generic_members[3:4])
                      + b"".join(hashlib.sha256(b"%d" % n).digest() for n in range(200)))
    return {"files": [mixed, plain, arc, generic, again], "base": base, "registry": registry_for(base),
            "articles": articles, "first": first, "generic_article": urls[-1]}


@pytest.fixture(scope="module")
def imported(collection: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, list[str]]]:
    """The collection imported by one process, and by two workers."""
    folder = tmp_path_factory.mktemp("parallel-imported")
    return {workers: (folder / f"w{workers}.db",
                      import_files(folder / f"w{workers}.db", collection["registry"], collection["files"], workers))
            for workers in (1, 2)}


# --- the pool ------------------------------------------------------------------------------------


def square(job: int, reader: Any, profiles: dict) -> int:
    if job == 13:
        raise ValueError("unlucky")
    if job == 17:
        etree.fromstring("<unclosed>")
    return job * job


def kill_at_7(job: int, reader: Any, profiles: dict) -> int:
    if job == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    return job


def outcomes(pool: ExtractionPool, jobs: Any) -> list[tuple[Any, Any]]:
    """(tag, result or (exception class's module and name, message)) of every job."""
    out: list[tuple[Any, Any]] = []
    for tag, outcome in pool.read(square, jobs):
        if outcome is None:
            out.append((tag, None))
            continue
        try:
            out.append((tag, outcome.result()))
        except Exception as exc:  # noqa: BLE001 - compared
            out.append((tag, (type(exc).__module__, type(exc).__qualname__, str(exc))))
    return out


@pytest.mark.parametrize("chunk", [1, 3, 4])
def test_pool_gives_every_outcome_in_order_as_one_process_does(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CHUNK", chunk)
    jobs = [(None if n % 5 == 0 else n, f"tag{n}") for n in range(60)]  # records with no job keep their place
    with ExtractionPool(PAGE_READER, {}, 1) as alone, ExtractionPool(PAGE_READER, {}, 3) as pool:
        assert (alone.workers, pool.workers) == (1, 3)
        expected = outcomes(alone, jobs)
        assert outcomes(pool, jobs) == expected
        assert outcomes(pool, jobs[:7]) == expected[:7]  # the pool serves again
    assert expected[13] == ("tag13", ("builtins", "ValueError", "unlucky"))
    assert expected[17][1][:2] == ("lxml.etree", "XMLSyntaxError")  # it cannot be pickled: a WorkerError named so
    assert expected[16] == ("tag16", 256) and expected[15] == ("tag15", None)


def test_pool_raises_what_the_jobs_raised_after_the_outcomes_before_it() -> None:
    def jobs() -> Iterator[tuple[int, int]]:
        for n in range(1, 30):
            if n == 23:
                raise OSError("the file broke off")
            yield n, n

    with ExtractionPool(PAGE_READER, {}, 2) as pool:
        got = []
        with pytest.raises(OSError, match="the file broke off"):
            for tag, outcome in pool.read(square, jobs()):
                got.append(tag)
                if tag not in (13, 17):
                    assert outcome is not None and outcome.result() == tag * tag
        assert got == list(range(1, 23))
        # Left early, with tasks in flight: they are dropped, and the pool serves again.
        reads = pool.read(square, ((n, n) for n in range(100)))
        assert next(reads)[1].result() == 0  # type: ignore[union-attr]
        reads.close()
        assert [tag for tag, _ in pool.read(square, ((n, n) for n in range(5)))] == list(range(5))


def test_pool_of_a_dead_worker_raises_worker_died() -> None:
    with ExtractionPool(PAGE_READER, {}, 2) as pool, pytest.raises(WorkerDied, match="worker process died"):
        for _ in pool.read(kill_at_7, ((n, n) for n in range(40))):
            pass


def test_worker_count() -> None:
    assert worker_count(3) == 3 and worker_count(1) == 1
    assert worker_count(0) == len(os.sched_getaffinity(0))
    with pytest.raises(ValueError, match="0 \\(one per CPU\\) or more"):
        worker_count(-1)


# --- import --------------------------------------------------------------------------------------


def test_parallel_import_stores_what_one_process_does(imported: dict[int, tuple[Path, list[str]]]) -> None:
    (alone, report_alone), (two, report_two) = imported[1], imported[2]
    assert report_two == report_alone
    for line in ("articles new:", "articles updated:", "articles kept", "skipped (already_imported)", "skipped (listing)",
                 "skipped (broken_stream): 1", "skipped (cut_short): 1", "skipped (revisit): 1", "skipped (not_html)",
                 "skipped (status_404)", "skipped (truncated): 1", "skipped (not_article:"):
        assert any(r.startswith(line) for r in report_alone), (line, report_alone)
    expected = dump(alone)
    assert expected["articles"] and expected["raw_pages"] and expected["article_versions"]
    assert {row[0] for row in sqlite3.connect(alone).execute("select distinct encoding from raw_pages")} >= {"cp1258"}
    got = dump(two)
    assert got.keys() == expected.keys()
    for table in expected:
        assert got[table] == expected[table], table


def test_parallel_import_with_other_task_sizes_and_again_stores_the_same(
        imported: dict[int, tuple[Path, list[str]]], collection: dict, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks of one page, few in flight; and a second import of the same files (all known)."""
    monkeypatch.setattr(parallel, "CHUNK", 1)
    monkeypatch.setattr(parallel, "AHEAD", 1)
    db = tmp_path / "a.db"
    assert import_files(db, collection["registry"], collection["files"], 3) == imported[1][1]
    assert dump(db) == dump(imported[1][0])
    reports = {}
    for workers in (1, 2):
        shutil.copy(imported[1][0], tmp_path / f"again{workers}.db")
        reports[workers] = import_files(tmp_path / f"again{workers}.db", collection["registry"], collection["files"], workers)
    assert reports[2] == reports[1] and not any(line.startswith("articles") for line in reports[1])
    assert dump(tmp_path / "again2.db") == dump(tmp_path / "again1.db") == dump(imported[1][0])


def test_an_extraction_error_ends_the_file_as_in_one_process(collection: dict, tmp_path: Path) -> None:
    """The record's file stops there (`broken_stream`, the error named), the records before it
    kept; the next file is imported. A ValueError, and an lxml error that cannot be pickled."""
    files = collection["files"]
    results = {}
    for workers in (1, 2):
        for kind, reader in (("value", Failing(value_error=collection["first"])),
                             ("lxml", Failing(lxml_error=collection["generic_article"]))):
            db = tmp_path / f"{kind}{workers}.db"
            results[kind, workers] = (import_files(db, collection["registry"], files, workers, reader), dump(db))
    for kind in ("value", "lxml"):
        assert results[kind, 2] == results[kind, 1], kind
    problems = [line for line in results["value", 1][0] if line.startswith("problem:")]
    assert any("(ValueError: cannot read" in p for p in problems), problems
    problems = [line for line in results["lxml", 1][0] if line.startswith("problem:")]
    assert any("(XMLSyntaxError:" in p for p in problems), problems


def test_a_dead_worker_stops_the_import_and_leaves_nothing_of_the_file(collection: dict, tmp_path: Path) -> None:
    registry = collection["registry"]
    empty = tmp_path / "empty.db"
    open_archive(str(empty)).close()
    db = tmp_path / "a.db"
    with pytest.raises(WorkerDied):
        import_files(db, registry, collection["files"][:1], 2, Killing(collection["first"]))
    assert dump(db) == dump(empty)
    # Files before the one being read when the worker died are kept (one transaction per file).
    done = tmp_path / "done.db"
    import_files(done, registry, collection["files"][3:4], 1)
    with pytest.raises(WorkerDied):
        import_files(db, registry, [collection["files"][3], collection["files"][0]], 2, Killing(collection["first"]))
    assert dump(db) == dump(done)


# --- reextract -----------------------------------------------------------------------------------


def damage(db_path: Path) -> None:
    """Rows as an older, different extractor left them: titles and bodies, articles it missed,
    pages it judged no article or crashed on, and a site since removed from the registry."""
    conn = sqlite3.connect(db_path)
    conn.executescript("""
        update articles set title = upper(title), search_text = '' where rowid % 3 = 0;
        update articles set body_text = substr(body_text, 1, 40) where rowid % 4 = 1;
        delete from articles where rowid % 5 = 2;
        update raw_pages set kind = 'other' where id % 7 = 3 and kind = 'article';
        update raw_pages set kind = 'error' where id % 11 = 5 and kind = 'article';
        update raw_pages set site = 'gone-site' where id = (select min(id) from raw_pages where kind = 'article');
    """)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("reader", [PAGE_READER, Edited()], ids=["today", "changed"])
def test_parallel_reextract_writes_what_one_process_does(reader: Any, imported: dict[int, tuple[Path, list[str]]],
                                                         collection: dict, tmp_path: Path) -> None:
    results = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        shutil.copy(imported[1][0], db)
        damage(db)
        results[workers] = (reextract_with(db, collection["registry"], workers, reader), dump(db))
    (report, expected), (report_two, got) = results[1], results[2]
    assert report_two == report
    changed = int(next(line for line in report if line.startswith("articles changed")).split(":")[1])
    added = int(next(line for line in report if line.startswith("articles added")).split(":")[1])
    assert changed > 0 and added > 0 and "skipped site not in the registry: gone-site" in report
    for table in expected:
        assert got[table] == expected[table], table


def test_a_dead_worker_stops_reextract_and_writes_nothing(imported: dict[int, tuple[Path, list[str]]],
                                                          collection: dict, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    shutil.copy(imported[1][0], db)
    damage(db)
    before = dump(db)
    with pytest.raises(WorkerDied):
        reextract_with(db, collection["registry"], 2, Killing(collection["generic_article"]))
    assert dump(db) == before


# --- the commands --------------------------------------------------------------------------------


def test_commands_with_workers_store_what_one_process_does(collection: dict, tmp_path: Path) -> None:
    files = [str(f) for f in collection["files"]]
    runs = {}
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.db"
        result = scrapy("import-warc", *files, "--workers", workers, "-s", f"ARCHIVE_DB={db}",
                        "-s", f"SAMPLE_PORTAL_URL={collection['base']}")
        assert result.returncode == 0, result.stderr[-3000:]
        damage(db)
        again = scrapy("reextract", "-s", f"PORTAL_EXTRACT_WORKERS={workers}", "-s", f"ARCHIVE_DB={db}",
                       "-s", f"SAMPLE_PORTAL_URL={collection['base']}")
        assert again.returncode == 0, again.stderr[-3000:]
        timing = again.stdout.strip().splitlines()[-1]
        assert timing.endswith("pages/s")
        runs[workers] = (result.stdout, again.stdout.removesuffix(timing + "\n"), dump(db))
    assert runs["2"] == runs["1"]
    assert "articles changed:   0" not in runs["1"][1]


def test_a_negative_worker_count_is_a_usage_error(collection: dict, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    result = scrapy("import-warc", str(collection["files"][1]), "--workers", "-1", "-s", f"ARCHIVE_DB={db}")
    assert result.returncode == 2 and "--workers must be 0 (one per CPU), 1 (no worker processes) or more, not -1" \
        in result.stderr, result.stderr[-2000:]
    result = scrapy("reextract", "-s", "PORTAL_EXTRACT_WORKERS=-2", "-s", f"ARCHIVE_DB={db}")
    assert result.returncode == 2 and "not -2" in result.stderr, result.stderr[-2000:]
    assert not db.exists()


def test_a_dead_worker_fails_the_commands_with_exit_code_5(collection: dict, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    base = collection["base"]
    result = scrapy(collection["first"], "import-warc", str(collection["files"][0]), "--workers", "2",
                    "-s", f"ARCHIVE_DB={db}", "-s", f"SAMPLE_PORTAL_URL={base}", script=KILLER)
    assert result.returncode == 5, result.stderr[-3000:]
    assert "error: an extraction worker process died (killed, or out of memory?) while reading pages; the file " \
           "being imported was rolled back" in result.stderr
    assert sqlite3.connect(db).execute("select count(*) from raw_pages").fetchone() == (0,)
    assert scrapy("import-warc", str(collection["files"][0]), "-s", f"ARCHIVE_DB={db}",
                  "-s", f"SAMPLE_PORTAL_URL={base}").returncode == 0
    damage(db)
    before = dump(db)
    result = scrapy(collection["articles"][3], "reextract", "--workers", "2", "-s", f"ARCHIVE_DB={db}",
                    "-s", f"SAMPLE_PORTAL_URL={base}", script=KILLER)
    assert result.returncode == 5, result.stderr[-3000:]
    assert "worker process died (killed, or out of memory?) while reading pages; nothing was written" in result.stderr
    assert dump(db) == before
