"""The README's browse command, `datasette archive.db -m datasette_meta.json`, as a real server on
127.0.0.1: the search page, canned queries and the dashboard fetched over HTTP, and every script
and stylesheet the dashboard needs served by the server itself (the charts work offline)."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from tests.conftest import REPO_ROOT
from tests.test_canned_queries import archive_with_views

DASHBOARD = "/-/dashboards/archive"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_datasette(db: Path, command: list[str] | None = None) -> Iterator[str]:
    """The README's browse command, `python -m datasette DB -m datasette_meta.json --plugins-dir
    datasette_plugins`, on 127.0.0.1 and a free port (or `command` with `{port}` in it); yields its URL."""
    port = free_port()
    if command is None:
        command = [sys.executable, "-m", "datasette", str(db), "-m", str(REPO_ROOT / "datasette_meta.json"),
                   "--plugins-dir", str(REPO_ROOT / "datasette_plugins"), "-h", "127.0.0.1", "-p", "{port}"]
    proc = subprocess.Popen([part.replace("{port}", str(port)) for part in command], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        # Start-up is a few seconds; on a loaded 2-core machine (two test runs side by side) it
        # took over 30: the deadline only bounds a server that never comes up.
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/versions.json", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail(f"datasette did not start: {proc.stdout.read().decode() if proc.stdout else ''}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def demo_archive(path: Path) -> Path:
    """The canned-query test rows and observations, b2's large enough for the charts to show."""
    return archive_with_views(path, b2_views=2500)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_datasette(demo_archive(tmp_path_factory.mktemp("srv") / "archive.db")) as url:
        yield url


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("content-type", ""), response.read().decode("utf-8")


def get_json(url: str) -> Any:
    return json.loads(get(url)[2])


def test_search_page_finds_articles_typed_without_diacritics(server: str) -> None:
    status, _, html = get(f"{server}/archive/articles?_search=duc+thuan")
    assert status == 200
    assert '<input id="_search" type="search" name="_search" value="duc thuan">' in html
    assert "2 rows where search matches" in html
    assert "Chợ Đức Thuận khánh thành" in html and "Lúa vụ Đông được mùa" in html
    assert "Hội nghị giáo dục" not in html


def test_search_api_with_diacritics_and_exact(server: str) -> None:
    def urls(**params: str) -> list[str]:
        rows = get_json(f"{server}/archive/articles.json?{urlencode({**params, '_shape': 'array', '_col': 'url'})}")
        return sorted(r["url"] for r in rows)

    assert urls(_search="ĐỨC THUẬN") == ["a1", "a3"]
    assert urls(_search="dong") == ["a3", "b1"]
    assert urls(_search="Đông", _fts_table="articles_fts_exact") == ["a3"]


def test_canned_queries_over_http(server: str) -> None:
    rows = get_json(f"{server}/archive/most_viewed.json?from=2024-02-01&to=2024-02-29&_shape=array")
    assert [(r["url"], r["view_count"]) for r in rows] == [("a2", 500), ("a1", 50)]
    growth = get_json(f"{server}/archive/view_growth.json?url=a3&_shape=array")
    assert [(r["view_count"], r["gained"]) for r in growth] == [(100, None), (400, 300), (1000, 600)]
    status, _, html = get(f"{server}/archive/search_snippets?q={quote('vụ đông')}")
    assert status == 200 and "<mark>Đông</mark>" in html and "Search, best matches first" in html


def test_dashboard_page_and_its_scripts_are_served_locally(server: str) -> None:
    status, _, html = get(f"{server}{DASHBOARD}")
    assert status == 200
    assert "<h1>Archive overview</h1>" in html
    assert "renderChart('articles-per-month'" in html and "renderChart('view-growth'" in html
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], "every asset comes from this server"
    needed = {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "dashboards.js"}
    assert needed <= {a.rsplit("/", 1)[-1] for a in assets}
    for asset in assets:
        status, _, body = get(f"{server}{asset.split('?')[0]}")
        assert status == 200 and len(body) > 100, asset
    assert "Archive overview" in get(f"{server}/-/dashboards")[2]


def test_dashboard_chart_queries_answer(server: str) -> None:
    """What the charts' JavaScript fetches: the chart's SQL through the JSON API."""
    meta = json.loads((REPO_ROOT / "datasette_meta.json").read_text(encoding="utf-8"))
    charts = meta["plugins"]["datasette-dashboards"]["archive"]["charts"]
    per_month = re.sub(r"\[\[.*?\]\]", "", charts["articles-per-month"]["query"])
    rows = get_json(f"{server}/archive.json?{urlencode({'sql': per_month, '_shape': 'array'})}")
    assert [(r["month"], r["site"], r["articles"]) for r in rows] == [
        ("2023-12-01", "beta", 1), ("2024-01-01", "beta", 1), ("2024-02-01", "alpha", 2), ("2024-03-01", "alpha", 1)]
    growth = charts["view-growth"]["query"].replace("[[ and title = :article ]]", "and title = :article")
    growth = re.sub(r"\[\[.*?\]\]", "", growth)
    rows = get_json(f"{server}/archive.json?{urlencode({'sql': growth, 'article': 'Lúa vụ Đông được mùa', '_shape': 'array'})}")
    assert [r["view_count"] for r in rows] == [100, 400, 1000]
    # Ranked by views per day since publication (to the last visit), not by the counter alone.
    per_day = re.sub(r"\[\[.*?\]\]", "", charts["views-per-day"]["query"])
    rows = get_json(f"{server}/archive.json?{urlencode({'sql': per_day, '_shape': 'array'})}")
    assert [(r["title"], r["views_per_day"]) for r in rows][:2] == [("Tiêu đề mới", 2.36), ("Lúa vụ Đông được mùa", 1.51)]
