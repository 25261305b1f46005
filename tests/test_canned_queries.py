"""Every canned query of datasette_meta.json, through Datasette's HTTP API (in process).

On known rows each query's answer is checked cell by cell; on a real crawl of the sample portal
each answer is checked against what the portal's ground truth implies.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.identity import article_key
from pipelines.normalize import VN_TZ
from pipelines.schema import open_archive
from tests.test_search import (
    META,
    article,
    crawl_sample_archive,
    datasette_get,
    datasette_json,
    expected_exact,
    expected_tolerant,
    sample_truth,
    write_archive,
)

QUERIES = META["databases"]["archive"]["queries"]
TESTED = {"articles_per_site_month", "most_viewed", "view_growth", "search_snippets", "search_exact",
          "output_per_author", "site_staleness", "field_coverage", "edited_articles",
          # tested with their own rows in tests/test_admin_units.py (administrative units):
          "articles_per_month_by_province_2025", "former_district_articles", "sites_per_province"}


def run(db: Path, name: str, **params: str) -> list[dict[str, Any]]:
    data = datasette_json(db, f"/archive/{name}.json", **params)
    assert data.get("ok", True) and not data.get("error"), data
    return data["rows"]


def pick(rows: list[dict[str, Any]], *keys: str) -> list[tuple]:
    return [tuple(r[k] for k in keys) for r in rows]


# --- the queries as written -----------------------------------------------------------------


def test_every_canned_query_is_tested_titled_described_and_parameterised() -> None:
    assert set(QUERIES) == TESTED
    for name, query in QUERIES.items():
        assert query["title"] and len(query["description"]) > 60, name
        assert re.search(r"(?<![:\w]):[a-z_]+", query["sql"]), f"{name}: no :named parameter"
        assert "date(published_at" not in query["sql"].replace(" ", ""), f"{name}: group by published_date"
        assert "{" not in query["sql"] and "%s" not in query["sql"], f"{name}: SQL built from strings?"


# --- known rows -------------------------------------------------------------------------------


def known_rows() -> list[dict[str, Any]]:
    minute = {"published_precision": "minute"}
    return [
        # 06:00 on 1 February in Vietnam is still 31 January in UTC: month by published_date.
        article("a1", "Chợ Đức Thuận khánh thành", "Chợ Đức Thuận mở cửa đón khách.", site="alpha",
                published_at="2024-02-01T06:00:00+07:00", published_date="2024-02-01", view_count=50, **minute),
        article("a2", "Hội nghị giáo dục", "Ngành giáo dục tổng kết năm học.", site="alpha",
                published_at="2024-02-15", published_date="2024-02-15", view_count=500,
                authors=["Thanh Trúc", "Hữu Bình"]),
        article("a3", "Lúa vụ Đông được mùa", "Sapo của bài.\n\nLúa vụ Đông năm nay được mùa ở phường Đức Thuận.",
                summary="Sapo của bài.", site="alpha", published_at="2024-03-10T09:00:00+07:00",
                published_date="2024-03-10", view_count=1500, authors=["Thanh Trúc"], **minute),
        article("b1", "Đồng chí chủ tịch thăm hỏi", "", site="beta",
                published_at="2023-12-20T10:00:00+07:00", published_date="2023-12-20", **minute),
        article("b2", "Tiêu đề mới", "Nội dung đã sửa.", site="beta", published_at="2024-01-05",
                published_date="2024-01-05", view_count=2500, authors=["Minh Đức"],
                first_seen_at="2024-01-05T12:00:00+07:00", last_changed_at="2024-01-08T09:00:00+07:00"),
        article("b3", "Tin không ghi ngày", "Không rõ ngày đăng.", site="beta", published_at=None,
                published_date=None, published_precision=None, view_count=10),
    ]


def archive_with_views(path: Path, b2_views: int = 7) -> Path:
    """The known rows, with view-count observations of a3 (growing) and b2, and an earlier version of b2."""
    write_archive(path, known_rows(), sites=["alpha", "beta", "gamma"])  # gamma: a portal with nothing yet
    db = open_archive(path)
    with db.atomic():
        a3, b2 = article_key("alpha", "a3"), article_key("beta", "b2")  # as the storage writes them
        db["view_counts"].insert_all([
            {"url": "a3", "article_key": a3, "observed_at": "2024-03-10T12:00:00+07:00", "view_count": 100,
             "crawl_run_id": 1},
            {"url": "a3", "article_key": a3, "observed_at": "2024-03-11T12:00:00+07:00", "view_count": 400,
             "crawl_run_id": 2},
            {"url": "a3", "article_key": a3, "observed_at": "2024-03-13T12:00:00+07:00", "view_count": 1000,
             "crawl_run_id": 3},
            {"url": "b2", "article_key": b2, "observed_at": "2024-01-05T12:00:00+07:00", "view_count": b2_views,
             "crawl_run_id": 1},
        ])
        db["article_versions"].insert({"url": "b2", "article_key": b2, "version": 1, "title": "Tiêu đề cũ"})
    db.close()
    return path


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return archive_with_views(tmp_path_factory.mktemp("known") / "archive.db")


def test_articles_per_site_month(known: Path) -> None:
    keys = ("site", "month", "articles")
    assert pick(run(known, "articles_per_site_month"), *keys) == [
        ("alpha", "2024-02", 2), ("alpha", "2024-03", 1), ("beta", "2023-12", 1), ("beta", "2024-01", 1)]
    assert pick(run(known, "articles_per_site_month", site="beta"), *keys) == [
        ("beta", "2023-12", 1), ("beta", "2024-01", 1)]
    assert pick(run(known, "articles_per_site_month", **{"from": "2024-02-01", "to": "2024-02-29"}), *keys) == [
        ("alpha", "2024-02", 2)]


def test_most_viewed(known: Path) -> None:
    assert pick(run(known, "most_viewed"), "url", "view_count") == [
        ("b2", 2500), ("a3", 1500), ("a2", 500), ("a1", 50), ("b3", 10)]
    # Views per day from the publication day to the last visit's day (2026-11-28): 994 days for a3.
    assert pick(run(known, "most_viewed", site="alpha"), "article_key", "views_per_day") == [
        (article_key("alpha", "a3"), 1.51), (article_key("alpha", "a2"), 0.49), (article_key("alpha", "a1"), 0.05)]
    period = {"from": "2024-02-01", "to": "2024-02-29"}
    assert pick(run(known, "most_viewed", **period), "url", "title", "published_date", "view_count") == [
        ("a2", "Hội nghị giáo dục", "2024-02-15", 500), ("a1", "Chợ Đức Thuận khánh thành", "2024-02-01", 50)]
    assert pick(run(known, "most_viewed", site="beta", **{"from": "2024-01-01"}), "url") == [("b2",)]


def test_view_growth(known: Path) -> None:
    keys = ("observed_at", "view_count", "gained", "days", "views_per_day")
    assert pick(run(known, "view_growth", url="a3"), *keys) == [
        ("2024-03-10T12:00:00+07:00", 100, None, None, None),
        ("2024-03-11T12:00:00+07:00", 400, 300, 1.0, 300.0),
        ("2024-03-13T12:00:00+07:00", 1000, 600, 2.0, 300.0),
    ]
    assert run(known, "view_growth", url="nowhere") == []
    # The article's key works too, and so does any address it was observed at.
    assert run(known, "view_growth", url=article_key("alpha", "a3")) == run(known, "view_growth", url="a3")


def test_view_growth_follows_the_article_across_addresses(tmp_path: Path) -> None:
    path = archive_with_views(tmp_path / "archive.db")
    db = open_archive(path)
    db["view_counts"].insert({"url": "http://old-port/a3", "article_key": article_key("alpha", "a3"),
                              "observed_at": "2024-03-09T12:00:00+07:00", "view_count": 40, "crawl_run_id": 0})
    db.close()
    for address in ("a3", "http://old-port/a3"):
        assert [r["view_count"] for r in run(path, "view_growth", url=address)] == [40, 100, 400, 1000]


def test_search_snippets_with_or_without_diacritics(known: Path) -> None:
    for query in ("duc thuan", "Đức Thuận", "ĐỨC THUẬN"):
        rows = run(known, "search_snippets", q=query)
        assert sorted(r["url"] for r in rows) == ["a1", "a3"], query
        assert all("**Đức** **Thuận**" in r["snippet"] for r in rows), rows
    [row] = run(known, "search_snippets", q="Đức Thuận mở cửa")
    assert (row["url"], row["snippet"]) == ("a1", "Chợ **Đức** **Thuận** **mở** **cửa** đón khách.")
    [row] = run(known, "search_snippets", q="mo cua")  # typed without marks: shown as written
    assert row["snippet"] == "Chợ Đức Thuận **mở** **cửa** đón khách."
    rows = run(known, "search_snippets", q="duc thuan")  # đ: only the folded text matched, the text as written is shown
    assert pick(rows, "url", "snippet") == [
        ("a1", "Chợ **Đức** **Thuận** mở cửa đón khách."),
        ("a3", "Sapo của bài. Lúa vụ Đông năm nay được mùa ở phường **Đức** **Thuận**."),
    ]
    assert [r["article_key"] for r in rows] == [article_key("alpha", "a1"), article_key("alpha", "a3")]
    assert pick(run(known, "search_snippets", q="duc thuan", site="beta"), "url") == []
    assert sorted(pick(run(known, "search_snippets", q="dong"), "url")) == [("a3",), ("b1",)]
    assert run(known, "search_snippets", q="") == []
    assert run(known, "search_snippets", q='"') == []


def test_search_exact(known: Path) -> None:
    [row] = run(known, "search_exact", q="Đông")
    assert (row["url"], row["snippet"]) == ("a3", "Sapo của bài. Lúa vụ **Đông** năm nay được mùa ở phường Đức Thuận.")
    assert pick(run(known, "search_exact", q="đồng"), "url") == [("b1",)]
    assert run(known, "search_exact", q="dong") == []
    assert sorted(pick(run(known, "search_exact", q="giáo dục"), "url")) == [("a2",)]
    assert run(known, "search_exact", q="giao duc") == []


def test_output_per_author(known: Path) -> None:
    keys = ("author", "articles", "sites", "first_published", "last_published", "total_views")
    assert pick(run(known, "output_per_author"), *keys) == [
        ("Thanh Trúc", 2, 1, "2024-02-15", "2024-03-10", 2000),
        ("Hữu Bình", 1, 1, "2024-02-15", "2024-02-15", 500),
        ("Minh Đức", 1, 1, "2024-01-05", "2024-01-05", 2500),
    ]
    assert pick(run(known, "output_per_author", site="beta"), "author") == [("Minh Đức",)]


def test_site_staleness(known: Path) -> None:
    keys = ("site", "latest_date", "latest_published_at", "latest_title", "days_since")
    assert pick(run(known, "site_staleness", as_of="2024-04-10"), *keys) == [
        ("beta", "2024-01-05", "2024-01-05", "Tiêu đề mới", 96),
        ("alpha", "2024-03-10", "2024-03-10T09:00:00+07:00", "Lúa vụ Đông được mùa", 31),
        ("gamma", None, None, None, None),
    ]


def test_site_staleness_counts_to_today_in_vietnam(known: Path) -> None:
    before = datetime.now(VN_TZ).date()
    rows = {r["site"]: r["days_since"] for r in run(known, "site_staleness")}
    after = datetime.now(VN_TZ).date()
    assert rows["alpha"] in {(d - date(2024, 3, 10)).days for d in (before, after)}


def test_field_coverage(known: Path) -> None:
    keys = ("site", "articles", "published_at_pct", "time_of_day_pct", "view_count_pct", "authors_pct",
            "summary_pct", "body_text_pct")
    assert pick(run(known, "field_coverage"), *keys) == [
        ("alpha", 3, 100.0, 66.7, 100.0, 66.7, 33.3, 100.0),
        ("beta", 3, 66.7, 33.3, 66.7, 33.3, 0.0, 66.7),
    ]
    assert pick(run(known, "field_coverage", site="alpha"), "site") == [("alpha",)]


def test_edited_articles(known: Path) -> None:
    keys = ("url", "title", "first_title", "earlier_versions", "days_after_publication", "last_changed_at")
    assert pick(run(known, "edited_articles"), *keys) == [
        ("b2", "Tiêu đề mới", "Tiêu đề cũ", 1, 3, "2024-01-08T09:00:00+07:00")]
    assert run(known, "edited_articles", since="2024-01-09") == []
    assert run(known, "edited_articles", site="alpha") == []


def test_canned_query_page_highlights_with_its_own_markup(known: Path) -> None:
    html = datasette_get(known, "/archive/search_snippets?q=mo+cua").text
    assert "Search, best matches first" in html
    assert '<td class="col-snippet">Chợ Đức Thuận <mark>mở</mark> <mark>cửa</mark> đón khách.</td>' in html
    assert '<a href="/archive/articles/alpha~3A~2Fa1">Chợ Đức Thuận khánh thành</a>' in html  # to the article page


# --- the real crawled sample archive ---------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    db, base = crawl_sample_archive(tmp_path_factory.mktemp("crawl"))
    return db, sample_truth(base)


def test_sample_articles_per_site_month(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    expected = Counter(("sample", a["published_date"][:7]) for a in truth)
    rows = run(db, "articles_per_site_month")
    assert {(r["site"], r["month"]): r["articles"] for r in rows} == expected
    assert pick(rows, "site", "month") == sorted(expected)


def test_sample_most_viewed(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    viewed = [a for a in truth if a["view_count"] is not None and "2020-01-01" <= a["published_date"] <= "2022-12-31"]
    expected = sorted(((a["url"], a["view_count"]) for a in viewed), key=lambda t: (-t[1], t[0]))
    assert pick(run(db, "most_viewed", **{"from": "2020-01-01", "to": "2022-12-31"}), "url", "view_count") == expected


def test_sample_view_growth(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    seed = next(a for a in truth if a["title"] == "Cụm ATLC - SSCĐ phía bắc thị xã sơ kết 9 tháng đầu năm 2018")
    assert pick(run(db, "view_growth", url=seed["url"]), "view_count", "gained") == [(162, None)]


def test_sample_search_snippets(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    for query in ("duc thuan", "Đức Thuận", "hong linh", "Trường"):
        rows = run(db, "search_snippets", q=query)
        assert {r["url"] for r in rows} == expected_tolerant(truth, query), query
        assert all("**" in r["snippet"] for r in rows)


def test_sample_search_exact(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    rows = run(db, "search_exact", q="Đông")
    assert {r["url"] for r in rows} == expected_exact(truth, "Đông")
    assert all("**Đông**" in r["snippet"] or "**đông**" in r["snippet"] for r in rows)


def test_sample_output_per_author(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    expected = Counter(name for a in truth for name in a["authors"])
    rows = run(db, "output_per_author")
    assert {r["author"]: r["articles"] for r in rows} == expected
    assert [r["articles"] for r in rows] == sorted(expected.values(), reverse=True)


def test_sample_site_staleness(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    latest = max(truth, key=lambda a: (a["published_date"], a["published_at"]))
    assert pick(run(db, "site_staleness", as_of="2025-01-01"), "site", "latest_date", "latest_title", "days_since") == [
        ("sample", latest["published_date"], latest["title"],
         (date(2025, 1, 1) - date.fromisoformat(latest["published_date"])).days)]


def test_sample_field_coverage(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, truth = crawled
    n = len(truth)

    def pct(k: int) -> float:
        return round(100.0 * k / n, 1)

    [row] = run(db, "field_coverage")
    assert row == {
        "site": "sample", "articles": n,
        "published_at_pct": pct(sum(a["published_at"] is not None for a in truth)),
        "time_of_day_pct": pct(sum("T" in (a["published_at"] or "") for a in truth)),
        "view_count_pct": pct(sum(a["view_count"] is not None for a in truth)),
        "authors_pct": pct(sum(bool(a["authors"]) for a in truth)),
        "summary_pct": pct(sum(bool(a["summary"]) for a in truth)),
        "body_text_pct": pct(sum(bool(a["body_text"]) for a in truth)),
    }


def test_sample_edited_articles(crawled: tuple[Path, list[dict[str, Any]]]) -> None:
    db, _ = crawled
    assert run(db, "edited_articles") == []  # one crawl: nothing seen to change yet
