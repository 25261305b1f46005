"""datasette_meta.json against the real schema, through Datasette's in-process client and a real server."""
from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette

from pipelines.schema import migrations, open_archive
from tests.conftest import REPO_ROOT

META = json.loads((REPO_ROOT / "datasette_meta.json").read_text(encoding="utf-8"))
TABLES = META["databases"]["archive"]["tables"]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive with the full schema and two articles (file stem 'archive', as the metadata expects)."""
    path = tmp_path / "archive.db"
    db = open_archive(path)
    db["articles"].insert_all([
        {"url": "http://x/portal/pages/2018-10-10/a-1.aspx", "site": "sample", "title": "Cụm ATLC sơ kết",
         "authors": '["Thanh Trúc"]', "category": "Quốc phòng - An ninh", "published_at": "2018-10-10T14:55:00+07:00",
         "published_date": "2018-10-10", "view_count": 162, "fetched_at": "2026-11-28T10:00:00+07:00",
         "first_seen_at": "2026-11-28T10:00:00+07:00"},
        {"url": "http://x/portal/pages/2019-9-3/b-2.aspx", "site": "sample", "title": "Hội nghị",
         "authors": '["Hữu Bình", "Thanh Trúc"]', "category": "Kinh tế", "published_at": "2019-09-03",
         "published_date": "2019-09-03", "fetched_at": "2026-11-28T10:00:00+07:00",
         "first_seen_at": "2026-11-28T10:00:00+07:00"},
    ])
    db.close()
    return path


def test_migrations_are_idempotent(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    applied = [m.name for m in migrations.applied(db)]
    db.close()
    db = open_archive(tmp_path / "archive.db")
    assert [m.name for m in migrations.applied(db)] == applied
    assert {"articles", "view_counts", "sites", "crawl_runs", "failures"} <= set(db.table_names())


def test_metadata_names_only_real_tables_and_columns(archive: Path) -> None:
    db = open_archive(archive)
    for table, conf in TABLES.items():
        assert db[table].exists(), table
        columns = set(db[table].columns_dict)
        assert set(conf["columns"]) <= columns, f"{table}: {set(conf['columns']) - columns}"
        assert columns <= set(conf["columns"]), f"{table}: undocumented columns {columns - set(conf['columns'])}"
        for key in ("license", "source", "description"):
            assert conf.get(key), f"{table}: {key} on every table (Datasette 1.0 has no fallback)"
        for facet in conf.get("facets", []):
            name = facet if isinstance(facet, str) else next(iter(facet.values()))
            assert name in columns, f"{table}: facet on missing column {name}"
        for key in ("sort", "sort_desc", "label_column"):
            assert conf.get(key) in (None, *columns), f"{table}: {key}"


def test_every_archive_table_is_described(archive: Path) -> None:
    db = open_archive(archive)
    user_tables = {t for t in db.table_names() if not t.startswith("_")}
    assert user_tables <= set(TABLES)


def _get(archive: Path, path: str) -> Any:
    async def fetch() -> Any:
        ds = Datasette(files=[str(archive)], metadata=META)
        return await ds.client.get(path)
    return asyncio.run(fetch())


def test_datasette_serves_articles_sorted_with_facets(archive: Path) -> None:
    response = _get(archive, "/archive/articles.json?_extra=facet_results&_shape=objects")
    assert response.status_code == 200
    data = response.json()
    assert [r["title"] for r in data["rows"]] == ["Hội nghị", "Cụm ATLC sơ kết"]  # newest first
    facets = data["facet_results"]["results"] if "results" in data["facet_results"] else data["facet_results"]
    assert "site" in facets and "authors" in facets
    authors = {f["value"]: f["count"] for f in facets["authors"]["results"]}
    assert authors == {"Thanh Trúc": 2, "Hữu Bình": 1}


def test_datasette_shows_column_descriptions(archive: Path) -> None:
    response = _get(archive, "/archive/articles")
    assert response.status_code == 200
    assert "Publication time (ngày đăng / cập nhật lúc)" in response.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_datasette_command_serves_the_archive(archive: Path) -> None:
    """`datasette archive.db -m datasette_meta.json`, as the README says, on 127.0.0.1."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "datasette", str(archive), "-m", str(REPO_ROOT / "datasette_meta.json"),
                             "-h", "127.0.0.1", "-p", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = None
        deadline = time.monotonic() + 180  # bounds a server that never starts; a loaded machine took over 30 s
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/archive/articles.json?_shape=array", timeout=5) as r:
                    body = json.loads(r.read())
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"datasette exited: {proc.stdout.read().decode() if proc.stdout else ''}")
                time.sleep(0.3)
        assert body is not None and len(body) == 2
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert META["title"] in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_plugins_dir_memory_maps_reads(archive: Path) -> None:
    """`--plugins-dir datasette_plugins` (the README's browse command) turns on memory-mapped reads."""
    from datasette_plugins.archive_connections import MMAP_BYTES

    async def pragma() -> tuple[Any, Any]:
        ds = Datasette(files=[str(archive)], metadata=META, plugins_dir=str(REPO_ROOT / "datasette_plugins"))
        plugins = (await ds.client.get("/-/plugins.json")).json()
        value = await ds.get_database("archive").execute_fn(lambda conn: conn.execute("pragma mmap_size").fetchone()[0])
        return plugins, value

    plugins, value = asyncio.run(pragma())
    assert "archive_connections.py" in {p["name"] for p in plugins}
    assert value == MMAP_BYTES
