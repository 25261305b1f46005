"""Safe to publish: what the archive stores is bounded and cleaned at ingest, and what Datasette serves
(with the project's plugins, datasette_plugins/) is read-only, bounded, escaped, and never a 500.

The hostile articles are what an attacker who controls a portal page can make the crawler store:
markup and Markdown in every field, terminal escapes and a right-to-left override, spreadsheet
formulas, a megabyte title copied into the body, and a page repeating the search words 100,000
times. They go through the crawler's own normalizer and row builder (`hostile_archive`), plus one
row written as an archive made before the bounds existed would hold it. The same archive is
opened in headless chromium by tests/test_archive_browser.py.
"""
from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from scrapy.utils.project import get_project_settings

from crawler.items import ArticleItem, RawPageItem
from pipelines.normalizing import (
    MAX_BODY_CHARS,
    MAX_RAW_PAGE_BYTES,
    MAX_TITLE_CHARS,
    NormalizePipeline,
    normalize_article,
)
from pipelines.rows import article_row, raw_page_row
from pipelines.schema import open_archive
from tests.conftest import REPO_ROOT
from tests.test_search import NOW, write_archive

META = json.loads((REPO_ROOT / "datasette_meta.json").read_text(encoding="utf-8"))
csv.field_size_limit(2**31 - 1)  # bodies longer than the csv module's default field limit
PUBLISH_META = json.loads((REPO_ROOT / "datasette_publish.json").read_text(encoding="utf-8"))
PLUGINS = str(REPO_ROOT / "datasette_plugins")
WORDS = "Ủy ban nhân dân "
RLO, ANSI_RED, ANSI_OFF = "\u202e", "\x1b[31m", "\x1b[0m"


# --- the hostile archive ---------------------------------------------------------------------------


def hostile_items(attacker: str) -> list[ArticleItem]:
    """What a hostile portal page yields, before the crawler's normalizer (`attacker`: a server the
    markup would load images from if it were ever rendered)."""
    markup = (f"![t]({attacker}/pixel.png) and [bấm](https://evil.example/login) "
              f"<img src=\"{attacker}/img.png\" onerror=\"window.__pwned=1\"> <script>window.__pwned=1</script> "
              "<a href=\"javascript:window.__pwned=1\">js</a> **đậm** _nghiêng_")
    return [
        ArticleItem(
            url="http://hostile.example/tin/markup.html", site="hostile", fetched_at=NOW,
            title=f"{RLO}gnp.exe {ANSI_RED}Ủy ban{ANSI_OFF} nhân dân <b>đậm</b> {markup}",
            summary=f"Sapo {markup}",
            body_text=f"Sapo {markup}\n\nĐoạn hai: Ủy ban nhân dân {markup}\r\n\r\nĐoạn ba {RLO}gnp.exe\x07\x00.",
            category=f"<i>Tin tức</i> {ANSI_RED}đỏ{ANSI_OFF}", date_raw="Cập nhật lúc: 14:55 - 10/10/2018",
            views_raw="Lượt xem: 1.234", byline_raw=f"Tin: Hữu Bình {RLO}",
            attachments=[{"url": "javascript:window.__pwned=1", "text": "<b>js</b>"},
                         {"url": f"{attacker}/doc.pdf", "text": f"Tài liệu {RLO}fdp.exe"}],
            provenance={"title": "test"},
        ),
        ArticleItem(
            url="http://hostile.example/tin/formula.html", site="hostile", fetched_at=NOW,
            title='=HYPERLINK("https://evil.example/x","bấm vào đây")', summary="+cmd|' /C calc'!A0",
            body_text="@SUM(1+1)*cmd|' /C calc'!A0\n\n-2+3", category="-10", date_raw="10/10/2018",
        ),
        ArticleItem(
            # A megabyte title, copied into the body by a careless template: both cut at ingest.
            url="http://hostile.example/tin/huge.html", site="hostile", fetched_at=NOW,
            title=WORDS * 65_536, body_text=WORDS * 65_536 + "\n\n" + WORDS * 100_000,
            date_raw="11/10/2018",
        ),
    ]


def normalized_row(item: ArticleItem) -> dict[str, Any]:
    assert "dropped/no_title" not in normalize_article(item)
    return {**article_row(item, None), "first_seen_at": NOW, "last_changed_at": NOW}


def legacy_row() -> dict[str, Any]:
    """A row as an archive made before the bounds could hold it: 100,000 repetitions of the search
    words in the body, display controls in the title (written without the normalizer)."""
    item = ArticleItem(url="http://hostile.example/tin/legacy.html", site="hostile", fetched_at=NOW,
                       title=f"{RLO}gnp.exe {ANSI_RED}Tin cũ{ANSI_OFF}", body_text=WORDS * 100_000,
                       published_at="2018-10-12", published_date="2018-10-12", published_precision="day")
    return {**article_row(item, None), "first_seen_at": NOW, "last_changed_at": NOW}


def hostile_archive(path: Path, attacker: str = "http://127.0.0.1:9") -> Path:
    rows = [normalized_row(item) for item in hostile_items(attacker)] + [legacy_row()]
    return write_archive(path, rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_archive(tmp_path_factory.mktemp("hostile") / "archive.db")


def key_of(db: Path, url: str) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("select article_key from articles where url = ?", [url]).fetchone()[0]


def fetch(db: Path, *requests: tuple[str, str], meta: dict[str, Any] | None = None,
          settings: dict[str, Any] | None = None) -> list[Any]:
    """Responses of Datasette serving `db` with the project's metadata and plugins (in process)."""
    async def go() -> list[Any]:
        ds = Datasette(files=[str(db)], metadata=meta or META, plugins_dir=PLUGINS, settings=settings)
        out = []
        for method, path in requests:
            out.append(await (ds.client.post(path, data={"x": "1"}) if method == "POST" else ds.client.get(path)))
        return out
    return asyncio.run(go())


def get(db: Path, path: str, **kwargs: Any) -> Any:
    return fetch(db, ("GET", path), **kwargs)[0]


# --- ingest: bounded, recorded, cleaned -------------------------------------------------------------


def test_oversized_fields_are_cut_at_ingest_and_the_cut_recorded() -> None:
    huge = hostile_items("http://127.0.0.1:9")[2]
    problems = normalize_article(huge)
    assert {"truncated/title", "truncated/body_text"} <= set(problems)
    assert len(huge.title) <= MAX_TITLE_CHARS and len(huge.body_text) <= MAX_BODY_CHARS
    assert huge.title.startswith("Ủy ban nhân dân Ủy ban") and not huge.title.endswith(" ")
    assert huge.provenance["title:truncated"] == f"{len(WORDS * 65_536)} characters, the first {len(huge.title)} kept"
    assert huge.provenance["body_text:truncated"].startswith(f"{65_536 * 16 + 2 + 100_000 * 16} characters")
    row = article_row(huge, None)
    assert len(row["search_text"]) < MAX_TITLE_CHARS + MAX_BODY_CHARS + 10


def test_the_crawl_counts_each_cut_in_its_stats() -> None:
    class Stats:
        def __init__(self) -> None:
            self.values: dict[str, int] = {}

        def inc_value(self, key: str) -> None:
            self.values[key] = self.values.get(key, 0) + 1

    stats = Stats()
    pipeline = NormalizePipeline(stats)  # type: ignore[arg-type]
    pipeline.process_item(hostile_items("http://127.0.0.1:9")[2])
    page = RawPageItem(site="hostile", url="http://hostile.example/big", kind="article", fetched_at=NOW, status=200,
                       body=b"x" * (MAX_RAW_PAGE_BYTES + 1))
    assert pipeline.process_item(page) is page
    assert stats.values == {"portal/hostile/truncated/title": 1, "portal/hostile/truncated/body_text": 1,
                            "portal/hostile/truncated/raw_page": 1}


def test_a_raw_page_over_the_maximum_is_stored_cut_with_its_real_size(tmp_path: Path) -> None:
    body = b"<html>" + b"x" * MAX_RAW_PAGE_BYTES
    page = RawPageItem(site="hostile", url="http://hostile.example/big", kind="article", fetched_at=NOW, status=200,
                       body=body)
    row = raw_page_row(page, None, None)
    assert (row["body_size"], row["truncated_from"]) == (MAX_RAW_PAGE_BYTES, len(body))
    small = raw_page_row(RawPageItem(site="s", url="http://s/", kind="listing", fetched_at=NOW, status=200,
                                     body=b"<html></html>"), None, None)
    assert small["truncated_from"] is None
    db = open_archive(tmp_path / "archive.db")  # the column exists (migration m012) and takes the row
    db["raw_pages"].insert(row)
    assert db.execute("select truncated_from from raw_pages").fetchone()[0] == len(body)
    db.close()


def test_display_controls_are_removed_at_ingest(hostile: Path) -> None:
    with sqlite3.connect(hostile) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("select * from articles where url like '%markup%'").fetchone()
    for column in ("title", "summary", "body_text", "category", "byline_raw", "attachments", "search_text"):
        value = row[column] or ""
        assert RLO not in value and "\x1b" not in value and "\x00" not in value and "\x07" not in value, column
    assert row["title"].startswith("gnp.exe Ủy ban nhân dân")  # the override is gone, the text stays
    assert "[31m" not in row["title"] and "\r" not in row["body_text"]
    assert row["body_text"].count("\n\n") == 2  # paragraphs kept
    assert json.loads(row["authors"]) == ["Hữu Bình"]


# --- Datasette: read-only, no 500, no path, formulas neutralised -------------------------------------


BAD_REQUESTS = [
    "/archive/articles?_sort=body_text", "/archive/articles?_sort_desc=nonexist", "/archive/articles.json?_sort=x",
    "/archive/articles.csv?_sort=x", "/archive/articles?_through=zz", "/archive/articles?_through={}",
    "/archive/articles?_size=abc", "/archive/articles?_next=zzz", "/archive/articles?_facet=nonexist",
    "/archive/articles?_col=nonexist", "/archive/articles/nonexist", "/archive/articles?_search=%22",
    "/archive/articles?_fts_table=nonexist&_search=a", "/archive/articles?title__arraycontains=x",
    "/archive/articles?_facet_array=title", "/archive/view_growth?url=%00", "/archive/search_snippets?q=%22%22%22",
    "/archive/search_snippets?q=" + "a%20" * 2000, "/archive/nonexist", "/archive.json?sql=select+*+from+nowhere",
    "/archive/articles?_where=1=", "/archive/articles?_sort=title&_sort_desc=title", "/archive/articles/x,y",
    "/archive/articles?_timelimit=abc", "/archive/articles?_nocol=nonexist", "/archive/articles?_facet_date=nonexist",
    "/-/dashboards/archive?site=%22%3Cscript%3E", "/archive/articles?_shape=objects&_json=nonexist",
]


def test_no_request_gets_a_500(hostile: Path) -> None:
    for path, response in zip(BAD_REQUESTS, fetch(hostile, *[("GET", p) for p in BAD_REQUESTS]), strict=True):
        assert response.status_code < 500, (path, response.status_code, response.text[:300])
    assert get(hostile, "/archive/articles?_sort=body_text").status_code == 400


def test_writes_are_refused_with_405(hostile: Path) -> None:
    for response in fetch(hostile, ("POST", "/archive/most_viewed"), ("POST", "/archive/articles"),
                          ("POST", "/archive"), ("POST", "/archive/articles/x")):
        assert response.status_code == 405, response.text[:200]


def test_the_file_path_is_not_shown(hostile: Path) -> None:
    for response in fetch(hostile, ("GET", "/-/databases.json"), ("GET", "/-/databases")):
        assert response.status_code == 200
        assert str(hostile.parent) not in response.text and "path" not in response.json()[0]
        assert response.json()[0]["name"] == "archive"


def test_csv_exports_neutralise_formulas(hostile: Path) -> None:
    paths = ["/archive/articles.csv?_col=title&_col=summary&_col=body_text&_col=category&site=hostile",
             "/archive/articles.csv?_col=title&_col=summary&_col=category&_stream=1&_size=1",
             "/archive/most_viewed.csv?site=&from=&to=",
             "/archive.csv?sql=select+%27%3D1%2B1%27+as+a,+%27-5%27+as+b,+%27@x%27+as+c"]
    for path, response in zip(paths, fetch(hostile, *[("GET", p) for p in paths]), strict=True):
        assert response.status_code == 200, (path, response.text[:300])
        cells = [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not c[1:].isdigit())], path
    rows = list(csv.DictReader(io.StringIO(get(hostile, paths[0]).text)))
    formula = next(r for r in rows if "HYPERLINK" in r["title"])
    assert formula["title"] == "'=HYPERLINK(\"https://evil.example/x\",\"bấm vào đây\")"
    assert formula["summary"].startswith("'+cmd") and formula["category"] == "-10"  # a number stays a number
    assert formula["body_text"].startswith("'@SUM")
    last = list(csv.reader(io.StringIO(get(hostile, paths[3]).text)))[-1]
    assert last == ["'=1+1", "-5", "'@x"]


def test_json_is_unchanged(hostile: Path) -> None:
    rows = get(hostile, "/archive/articles.json?_shape=array&_col=title&site=hostile").json()
    assert any(r["title"] == '=HYPERLINK("https://evil.example/x","bấm vào đây")' for r in rows)


def test_internal_tables_are_hidden_and_the_sql_box_opens_on_articles(hostile: Path) -> None:
    html = get(hostile, "/archive").text
    for table in ("_sqlite_migrations", "raw_pages", "listing_walks"):
        assert f'href="/archive/{table}"' not in html, table
    assert '<textarea id="sql-editor" name="sql">select title, site, published_at, view_count, article_key from articles' in html
    assert 'href="/archive/raw_pages"' in get(hostile, "/archive?_show_hidden=1").text


# --- query bounds ------------------------------------------------------------------------------------------


def test_functions_that_escape_the_time_limit_are_refused(hostile: Path) -> None:
    started = time.monotonic()
    for sql in ("select length(printf('%.*c', 900000000, 'x'))", "select format('%.*c', 900000000, 'x')",
                "select snippet(articles_fts, -1, '[', ']', '', 24) from articles_fts where articles_fts match 'uy'",
                "select highlight(articles_fts, 0, '[', ']') from articles_fts where articles_fts match 'uy'"):
        response = get(hostile, "/archive.json?" + __import__("urllib.parse").parse.urlencode({"sql": sql}))
        assert response.status_code == 400 and "not authorized" in response.json()["error"], sql
    big = get(hostile, "/archive.json?sql=select+length(zeroblob(100000000))")
    assert big.status_code == 400 and "too big" in big.json()["error"]
    assert time.monotonic() - started < 5


def test_search_over_a_page_repeating_the_words_100000_times_is_fast(hostile: Path) -> None:
    async def go() -> list[tuple[float, Any]]:
        ds = Datasette(files=[str(hostile)], metadata=META, plugins_dir=PLUGINS)
        await ds.client.get("/archive")  # startup, schema
        timed = []
        for path in ("/archive/search_snippets.json?q=uy+ban+nhan+dan&_shape=array",
                     "/archive/search_exact.json?q=Ủy+ban+nhân+dân&_shape=array",
                     "/archive/articles.json?_search=uy+ban+nhan+dan&_shape=array&_col=title"):
            started = time.monotonic()
            response = await ds.client.get(path)
            timed.append((time.monotonic() - started, response))
        return timed
    for seconds, response in asyncio.run(go()):
        assert response.status_code == 200, response.text[:300]
        assert seconds < 0.5, seconds
    rows = asyncio.run(go())[0][1].json()
    legacy = next(r for r in rows if r["url"].endswith("legacy.html"))
    assert legacy["snippet"].startswith("**Ủy** **ban** **nhân** **dân**") and len(legacy["snippet"].replace("**", "")) < 300


# --- the archive's name and publishing ---------------------------------------------------------------


def test_the_metadata_applies_whatever_the_file_name(tmp_path: Path) -> None:
    other = hostile_archive(tmp_path / "other.db")
    responses = fetch(other, ("GET", "/archive/search_snippets.json?q=uy+ban&_shape=array"),
                      ("GET", "/-/dashboards/archive"), ("GET", "/archive/articles"), ("GET", "/other"))
    assert [r.status_code for r in responses] == [200, 200, 200, 404]
    assert responses[0].json() and "Archive overview" in responses[1].text
    assert "Publication time (ngày đăng / cập nhật lúc)" in responses[2].text


def test_publish_configuration(hostile: Path) -> None:
    chart = META["plugins"]["datasette-dashboards"]["archive"]["charts"]["views-per-day"]["query"]
    import re
    from urllib.parse import urlencode
    chart_sql = re.sub(r"\[\[.*?\]\]", "", chart)

    async def go() -> tuple[Datasette, list[Any]]:
        ds = Datasette(files=[], immutables=[str(hostile)], metadata=PUBLISH_META, plugins_dir=PLUGINS,
                       settings={"sql_time_limit_ms": 60_000, "allow_download": True, "max_returned_rows": 100_000})
        paths = ["/archive/search_snippets.json?q=uy+ban&_shape=array", "/-/dashboards/archive",
                 "/archive.json?" + urlencode({"sql": chart_sql, "_shape": "array"}),
                 "/archive.json?sql=select+1", "/archive/articles?_where=1", "/archive/raw_pages",
                 "/archive/listing_walks", "/archive.db", "/archive/articles", "/-/databases.json"]
        return ds, [await ds.client.get(p) for p in paths]

    ds, responses = asyncio.run(go())
    assert [r.status_code for r in responses] == [200, 200, 200, 403, 403, 403, 403, 403, 200, 200]
    assert ds.setting("sql_time_limit_ms") == 1000 and ds.sql_time_limit_ms == 1000
    assert ds.setting("max_returned_rows") == 1000 and ds.setting("allow_download") is False
    assert "Archive overview" in responses[1].text  # the base metadata, under the publish file
    assert str(hostile) not in responses[9].text


def test_publish_with_sql_closed_turns_off_every_query_but_the_canned_ones(hostile: Path) -> None:
    meta = json.loads(json.dumps(PUBLISH_META))
    meta["plugins"]["vngov-archive"]["sql"] = "closed"
    responses = fetch(hostile, ("GET", "/archive.json?sql=select+1"), ("GET", "/archive/most_viewed.json"),
                      meta=meta)
    assert [r.status_code for r in responses] == [403, 200]


# --- the crawler's own endpoints ----------------------------------------------------------------------


def test_scrapy_control_endpoints_are_off() -> None:
    settings = get_project_settings()
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False


def test_browse_command_line() -> None:
    from crawler.commands.browse import datasette_command

    cmd = datasette_command("/data/other.db", "127.0.0.1", 8001)
    assert cmd[1:5] == ["-m", "datasette", "serve", "/data/other.db"]
    assert cmd[cmd.index("-m", 2) + 1].endswith("datasette_meta.json")
    assert cmd[cmd.index("--plugins-dir") + 1].endswith("datasette_plugins")
    public = datasette_command("/data/archive.db", "0.0.0.0", 80, publish=True)
    assert public[public.index("-i") + 1] == "/data/archive.db"
    assert public[public.index("-m", 2) + 1].endswith("datasette_publish.json")
    assert ["--setting", "allow_download", "off"] == public[public.index("allow_download") - 1:][:3]


@pytest.mark.e2e
def test_scrapy_browse_serves_an_archive_of_any_name_and_publishes_it(tmp_path: Path) -> None:
    """`scrapy browse -s ARCHIVE_DB=other.db`, then `--publish`, as real servers."""
    import sys
    import urllib.error
    import urllib.request

    from tests.test_datasette_server import running_datasette

    other = hostile_archive(tmp_path / "other.db")
    browse = [sys.executable, "-m", "scrapy", "browse", "-s", f"ARCHIVE_DB={other}", "--port", "{port}"]

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with running_datasette(other, browse) as url:
        with urllib.request.urlopen(f"{url}/archive/search_snippets.json?q=uy+ban&_shape=array", timeout=10) as r:
            assert json.loads(r.read())
        assert status(f"{url}/-/dashboards/archive") == 200
    with running_datasette(other, [*browse, "--publish", "--host", "127.0.0.1"]) as url:
        assert status(f"{url}/archive/most_viewed.json") == 200
        assert status(f"{url}/archive.json?sql=select+1") == 403
        assert status(f"{url}/archive/raw_pages") == 403
