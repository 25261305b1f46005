"""Search with and without Vietnamese diacritics: the folded column, the two FTS5 indexes and their
triggers, and Datasette's search box on `articles` (through its HTTP API, in process).

Two archives: a few known rows chosen so that every query has an exact, hand-checked answer, and a
real crawl of the bundled sample portal (in a subprocess, as cron runs it) whose answers are
checked against an independent word-level model of the search, computed from the portal's own
ground truth. Also home to the helpers the other search/analysis test modules share.
"""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette
from sqlite_utils import Database

from crawler.items import ArticleItem
from pipelines.normalize import fold_for_search
from pipelines.rows import article_row
from pipelines.schema import migrations, open_archive
from pipelines.search import EXACT_FTS_TABLE, FTS_TABLE, search_migrations, search_text
from sample_portal import SamplePortalServer, ground_truth
from sample_portal.demo import crawl_command
from tests.conftest import REPO_ROOT

META = json.loads((REPO_ROOT / "datasette_meta.json").read_text(encoding="utf-8"))
NOW = "2026-11-28T10:00:00+07:00"


# --- helpers shared with test_canned_queries, test_datasette_server, test_dashboard_browser ---------


def crawl_sample_archive(directory: Path) -> tuple[Path, str]:
    """Crawl the bundled sample portal into `directory`/archive.db with `scrapy crawl portal`.

    Returns the archive and the portal's base URL (article URLs start with it).
    """
    db = directory / "archive.db"
    with SamplePortalServer() as server:
        base = server.url.rstrip("/")
        result = subprocess.run(crawl_command(base, str(db)), cwd=REPO_ROOT, capture_output=True, text=True,
                                timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return db, base


def sample_truth(base: str) -> list[dict[str, Any]]:
    """What the crawl of the sample portal served at `base` must have stored."""
    return ground_truth(base + "/honglinh")


def article(url: str, title: str, body: str, **extra: Any) -> dict[str, Any]:
    """An `articles` row for tests, built by the crawler's own row builder (so search_text is real)."""
    fields = {"site": "demo", "summary": None, "published_at": "2024-01-15", "published_date": "2024-01-15",
              "published_precision": "day", **extra}
    authors = fields.pop("authors", [])
    first_seen = fields.pop("first_seen_at", NOW)
    last_changed = fields.pop("last_changed_at", first_seen)
    item = ArticleItem(url=url, title=title, body_text=body, fetched_at=NOW, authors=authors, **fields)
    return {**article_row(item, None), "first_seen_at": first_seen, "last_changed_at": last_changed}


def write_archive(path: Path, rows: list[dict[str, Any]], sites: list[str] | None = None) -> Path:
    """An archive with the real schema holding `rows` (and a `sites` row for each site)."""
    db = open_archive(path)
    with db.atomic():
        db["articles"].insert_all(rows)
        slugs = sites if sites is not None else sorted({r["site"] for r in rows})
        db["sites"].insert_all({"slug": s, "name": f"Portal {s}", "base_url": f"https://{s}.gov.vn",
                                "platform": "test"} for s in slugs)
    db.close()
    return path


def datasette_get(db: Path, path: str, meta: dict[str, Any] | None = None) -> Any:
    """GET `path` from Datasette serving `db` with the project's metadata and plugins, as the browse
    command does (in process, no socket)."""
    async def fetch() -> Any:
        ds = Datasette(files=[str(db)], metadata=meta or META, plugins_dir=str(REPO_ROOT / "datasette_plugins"))
        return await ds.client.get(path)
    return asyncio.run(fetch())


def datasette_json(db: Path, path: str, **params: str) -> dict[str, Any]:
    response = datasette_get(db, f"{path}?{urlencode({**params, '_shape': 'objects'})}")
    assert response.status_code == 200, response.text[:2000]
    return response.json()


def search_box(db: Path, query: str, **extra: str) -> set[str]:
    """URLs that Datasette's search box on `articles` finds (every page of them)."""
    data = datasette_json(db, "/archive/articles.json", _search=query, _col="url", _size="max", **extra)
    assert data["filtered_table_rows_count"] == len(data["rows"])
    return {r["url"] for r in data["rows"]}


# --- known rows ---------------------------------------------------------------------------------

ROWS = [
    article("u1", "Nông dân phường Đức Thuận ra quân sản xuất vụ Đông 2022",
            "Sáng 2/10, nông dân phường Đức Thuận ra quân sản xuất vụ Đông."),
    article("u2", "Hội nghị tổng kết công tác năm 2023", "Tại hội nghị, đại diện phường Đức Thuận báo cáo kết quả.",
            summary="Tại hội nghị, đại diện phường Đức Thuận báo cáo kết quả."),
    article("u3", "Ngành giáo dục tổng kết năm học", "Trường Mầm non Thuận Lộc đạt chuẩn quốc gia."),
    article("u4", "Giá trị đồng tiền và dòng vốn", "Ngân sách được phân bổ kịp thời."),
    article("u5", "Giữ gìn hoà bình, ổn định", "Bài viết cũ dùng cách bỏ dấu kiểu cũ."),
    article("u6", "Hòa giải ở cơ sở", "Công tác hòa giải được chú trọng."),
    article("u7", "Bình thường", "Không có gì đặc biệt."),
]


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_archive(tmp_path_factory.mktemp("known") / "archive.db", ROWS)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- the folded column --------------------------------------------------------------------------


def test_search_text_folds_title_summary_and_body() -> None:
    assert search_text("Phường Đức Thuận", "Sáng nay, UBND", "Sáng nay, UBND họp.\n\nHoà bình") == \
        "phuong duc thuan\nsang nay, ubnd hop. hoa binh"  # the sapo opens the body: indexed once
    assert search_text("ĐỨC THUẬN", "Lời dẫn riêng", "Nội dung") == "duc thuan\nloi dan rieng\nnoi dung"
    assert search_text(nfd("Thuỷ lợi"), None, None) == "thuy loi"
    assert search_text(None, None, None) == ""


def test_article_row_carries_search_text() -> None:
    item = ArticleItem(url="u", site="s", fetched_at=NOW, title="Đức Thuận", summary=None, body_text="Vụ Đông")
    assert article_row(item, 1)["search_text"] == "duc thuan\nvu dong"


def test_existing_archive_is_backfilled(tmp_path: Path) -> None:
    """An archive made before the search migrations gets search_text and both indexes on opening."""
    path = tmp_path / "archive.db"
    old = Database(sqlite3.connect(path))
    migrations.apply(old)  # the main schema only, as before the search set existed
    old["articles"].insert({"url": "old", "site": "demo", "title": "Chợ Đức Thuận", "body_text": "Khánh thành",
                            "fetched_at": NOW, "first_seen_at": NOW})
    old.close()
    db = open_archive(path)
    assert db.execute("select search_text from articles").fetchall() == [("cho duc thuan\nkhanh thanh",)]
    assert [m.name for m in search_migrations.applied(db)] == ["s001_search_text_and_fts", "s002_fts_automerge"]
    for table in (FTS_TABLE, EXACT_FTS_TABLE):
        assert db.execute(f"select v from {table}_config where k = 'automerge'").fetchall() == [(8,)]
    db.close()
    assert search_box(path, "duc thuan") == search_box(path, "Đức Thuận") == {"old"}


# --- the search box, known rows ----------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("duc thuan", {"u1", "u2", "u3"}),  # u3: giáo "dục" ... "Thuận" Lộc, both words without marks
    ("DUC THUAN", {"u1", "u2", "u3"}),
    ("Đức Thuận", {"u1", "u2"}),  # đ is kept when typed: dục is not đức
    ("ĐỨC THUẬN", {"u1", "u2"}),
    ("đức thuận", {"u1", "u2"}),
    (nfd("Đức Thuận"), {"u1", "u2"}),  # decomposed input (some keyboards) as well
    ("Đức thuan", {"u1", "u2"}),  # half typed with marks
    ('"duc thuan"', {"u1", "u2"}),  # a phrase: the words side by side
    ("truong", {"u3"}),
    ("Trường", {"u3"}),
    ("dong", {"u1", "u4"}),  # Đông, đồng and dòng all fold to dong
    ("Đông", {"u1", "u4"}),  # tolerant: Đông and đồng, not dòng
    ("hoa", {"u5", "u6"}),  # both tone placements: hoà (old) and hòa (new)
    ("hòa", {"u5", "u6"}),
    ("hoà", {"u5", "u6"}),
    ("HOÀ", {"u5", "u6"}),
    ("hoa binh", {"u5"}),
    ("tổng kết", {"u2", "u3"}),
    ("không tồn tại", set()),
])
def test_search_box_with_or_without_diacritics(known: Path, query: str, expected: set[str]) -> None:
    assert search_box(known, query) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("Đông", {"u1"}),  # not đồng
    ("đông", {"u1"}),  # case still ignored
    ("đồng", {"u4"}),
    ("dong", set()),  # no word is spelt without marks
    ("hòa", {"u6"}),  # new tone placement only
    ("hoà", {"u5"}),  # old tone placement only
    ("HÒA", {"u6"}),
    ("Đức Thuận", {"u1", "u2"}),
    ("duc thuan", set()),
])
def test_exact_search_when_asked(known: Path, query: str, expected: set[str]) -> None:
    assert search_box(known, query, _fts_table=EXACT_FTS_TABLE) == expected


def test_search_box_accepts_fts_syntax_in_raw_mode(known: Path) -> None:
    assert search_box(known, "hoa NOT binh", _searchmode="raw") == {"u6"}
    assert search_box(known, "title:tong", _searchmode="raw") == {"u2", "u3"}


def test_search_box_is_wired_by_the_metadata(known: Path) -> None:
    conf = META["databases"]["archive"]["tables"]["articles"]
    assert (conf["fts_table"], conf["fts_pk"], conf["searchmode"]) == (FTS_TABLE, "rowid", "escaped")
    html = datasette_get(known, "/archive/articles?_search=duc+thuan").text
    assert 'name="_search"' in html and "search matches" in html and "duc thuan" in html


# --- the indexes follow the rows ---------------------------------------------------------------


def fts_data(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"select * from {FTS_TABLE}_data union all select * from {EXACT_FTS_TABLE}_data "
                            "order by 1").fetchall()
    finally:
        conn.close()


def integrity_check(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        for table in (FTS_TABLE, EXACT_FTS_TABLE):
            conn.execute(f"insert into {table}({table}) values ('integrity-check')")
    finally:
        conn.close()


def test_triggers_keep_both_indexes_current(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "archive.db", ROWS)
    db = open_archive(path)
    edited = article("u7", "Bình thường", "Nay có thêm tin về phường Đức Thuận.")
    with db.atomic():
        db["articles"].update(edited["article_key"], {k: edited[k] for k in ("body_text", "search_text")})
        db["articles"].delete(article("u1", "", "")["article_key"])  # by the primary key
        db["articles"].insert(article("u8", "Lễ hội mùa Đông", "Mùa đông năm nay."))
    db.close()
    integrity_check(path)
    assert search_box(path, "duc thuan") == {"u2", "u3", "u7"}
    assert search_box(path, "Đông", _fts_table=EXACT_FTS_TABLE) == {"u8"}


def test_updates_that_leave_the_text_alone_do_not_touch_the_indexes(tmp_path: Path) -> None:
    """A re-crawl rewrites every row it sees (views, fetched_at): that must not rewrite the index."""
    path = write_archive(tmp_path / "archive.db", ROWS)
    before = fts_data(path)
    db = open_archive(path)
    with db.atomic():
        rows = [{**r, "view_count": 99, "fetched_at": "2026-12-01T08:00:00+07:00"} for r in ROWS]
        columns = [c for c in rows[0] if c != "url"]
        db.conn.executemany(f"update articles set {', '.join(f'{c} = ?' for c in columns)} where url = ?",
                            ([r[c] for c in columns] + [r["url"]] for r in rows))
    db.close()
    assert fts_data(path) == before
    integrity_check(path)


# --- the real crawled sample archive -----------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    db, base = crawl_sample_archive(tmp_path_factory.mktemp("crawl"))
    return db, sample_truth(base)


def words(text: str, fold: Any) -> set[str]:
    return {fold(w) for w in re.findall(r"\w+", text)}


def keep_d(word: str) -> str:
    """What `unicode61 remove_diacritics 2` makes of a word: lower case, marks gone, đ kept."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def expected_tolerant(truth: list[dict[str, Any]], query: str) -> set[str]:
    """The model: every query word is a word of the article, compared with marks removed (đ kept)
    in the original text or with everything folded (đ -> d) in the folded text."""
    found = set()
    for a in truth:
        text = " ".join(filter(None, (a["title"], a["summary"], a["body_text"])))
        vocabulary = words(text, keep_d) | words(text, fold_for_search)
        if all(keep_d(q) in vocabulary for q in re.findall(r"\w+", unicodedata.normalize("NFC", query))):
            found.add(a["url"])
    return found


def expected_exact(truth: list[dict[str, Any]], query: str) -> set[str]:
    found = set()
    for a in truth:
        vocabulary = words(" ".join(filter(None, (a["title"], a["summary"], a["body_text"]))), str.casefold)
        if all(q.casefold() in vocabulary for q in re.findall(r"\w+", query)):
            found.add(a["url"])
    return found


@pytest.mark.e2e
def test_crawled_rows_carry_their_search_text(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    conn = sqlite3.connect(db)
    rows = conn.execute("select title, summary, body_text, search_text from articles").fetchall()
    conn.close()
    assert len(rows) == len(truth)
    assert all(s == search_text(t, su, b) for t, su, b, s in rows)
    integrity_check(db)


def contains(sequence: list[str], part: list[str]) -> bool:
    return any(sequence[i:i + len(part)] == part for i in range(len(sequence) - len(part) + 1))


def expected_phrase(truth: list[dict[str, Any]], phrase: str) -> set[str]:
    """The model of a "quoted phrase": its words side by side in one original column (marks
    removed, đ kept) or in the folded text."""
    part = [keep_d(w) for w in re.findall(r"\w+", phrase)]
    found = set()
    for a in truth:
        columns = [re.findall(r"\w+", keep_d(a[c] or "")) for c in ("title", "summary", "body_text")]
        columns.append(re.findall(r"\w+", search_text(a["title"], a["summary"], a["body_text"])))
        if any(contains(col, part) for col in columns):
            found.add(a["url"])
    return found


@pytest.mark.e2e
def test_crawled_archive_finds_duc_thuan_typed_any_way(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    by_title = {a["url"] for a in truth if "Đức Thuận" in a["title"]}
    assert len(by_title) >= 5, "the sample names the ward in several titles"
    for query in ("duc thuan", "DUC THUAN", "Đức Thuận", "ĐỨC THUẬN", nfd("Đức Thuận")):
        found = search_box(db, query)
        assert by_title <= found, query
        assert found == expected_tolerant(truth, query), query
    for phrase in ('"duc thuan"', '"Đức Thuận"', '"ĐỨC THUẬN"'):
        found = search_box(db, phrase)
        assert by_title <= found, phrase
        assert found == expected_phrase(truth, phrase), phrase


@pytest.mark.e2e
@pytest.mark.parametrize("query", ["duc thuan", "Đức Thuận", "ĐỨC THUẬN", "truong", "Trường", "dong", "Đông",
                                   "hoa", "hòa", "hong linh", "Hồng Lĩnh", "nong thon moi", "dau lieu",
                                   "ATLC", "vụ Xuân", "quoc phong"])
def test_crawled_archive_search_matches_the_model(crawled: tuple[Path, list[dict[str, Any]]], query: str) -> None:
    db, truth = crawled
    expected = expected_tolerant(truth, query)
    assert expected, f"{query!r} finds something in the sample"
    assert search_box(db, query) == expected


@pytest.mark.e2e
@pytest.mark.parametrize("query", ["Đông", "đồng", "Trường", "trường", "hòa", "Đức Thuận", "Hồng Lĩnh", "Dong"])
def test_crawled_archive_exact_search_matches_the_model(crawled: tuple[Path, list[dict[str, Any]]], query: str) -> None:
    db, truth = crawled
    assert search_box(db, query, _fts_table=EXACT_FTS_TABLE) == expected_exact(truth, query)


@pytest.mark.e2e
def test_crawled_archive_dong_and_exact_dong(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled

    def has_word(a: dict[str, Any], word: str) -> bool:
        return word in words(" ".join(filter(None, (a["title"], a["summary"], a["body_text"]))), str.casefold)

    dong = {a["url"] for a in truth if has_word(a, "đông")}  # the season and the east
    assert len(dong) >= 2
    assert dong <= search_box(db, "dong")
    assert search_box(db, "Đông", _fts_table=EXACT_FTS_TABLE) == dong
    assert any(has_word(a, "đồng") for a in truth if a["url"] in search_box(db, "dong") - dong)
