"""The dashboard's map of portals in a real browser: headless Debian chromium opens
/-/dashboards/archive on a real datasette server and the map (datasette-dashboards' `map` chart,
drawn by the leaflet that datasette-leaflet bundles) must show one marker per located portal, each
where its unit is. Names resolve to nothing but 127.0.0.1: the map's background tiles (from
openstreetmap.org) are not needed for the markers, and no test reaches the internet.

As tests/test_dashboard_browser.py: chromium is installed by `.ci/run`; outside CI the test is
skipped when it is missing, in CI it fails.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_admin_units import DASHBOARD as BOARD
from tests.test_admin_units import known_archive, map_query
from tests.test_datasette_server import DASHBOARD, running_datasette
from tests.test_search import datasette_json

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)",
                allow_module_level=True)


class MapMarkers(HTMLParser):
    """The leaflet container and marker images inside #chart-sites-map, with their screen offsets."""

    def __init__(self) -> None:
        super().__init__()
        self.depth: int | None = None
        self.stack = 0
        self.container = False
        self.markers: list[tuple[float, float]] = []
        self.tiles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag not in ("img", "br", "input", "meta", "link"):
            self.stack += 1
        if a.get("id") == "chart-sites-map":
            self.depth = self.stack
        if self.depth is None:
            return
        classes = a.get("class", "").split()
        if "leaflet-container" in classes:
            self.container = True
        if tag == "img" and "leaflet-marker-icon" in classes:
            found = re.search(r"translate3d\((-?[\d.]+)px,\s*(-?[\d.]+)px", a.get("style", ""))
            assert found, a
            self.markers.append((float(found.group(1)), float(found.group(2))))
        if tag == "img" and "leaflet-tile" in classes:
            self.tiles += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth is not None and self.stack == self.depth:
            self.depth = None
        self.stack -= 1


def render(url: str, profile: Path) -> str:
    assert CHROMIUM, "chromium must be installed in CI (.ci/run installs it)"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1600",
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
           "--virtual-time-budget=10000", "--dump-dom", url]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "TZ": "Asia/Ho_Chi_Minh"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_map_of_portals_renders_in_chromium(tmp_path: Path) -> None:
    db = known_archive(tmp_path / "archive.db")
    sites = datasette_json(db, "/archive.json", sql=map_query())["rows"]
    assert len(sites) == 7 and BOARD["charts"]["sites-map"]["library"] == "map"
    with running_datasette(db) as server:
        dom = render(f"{server}{DASHBOARD}", tmp_path / "profile")
    parser = MapMarkers()
    parser.feed(dom)
    assert parser.container, "no leaflet map in #chart-sites-map"
    # One marker per located portal, in the query's order (leaflet adds them to its pane in turn).
    assert len(parser.markers) == len(sites), (parser.markers, sites)
    # Each where its unit is: north is up, east is right (Mercator keeps both orders); units a few
    # kilometres apart may share a pixel at the zoom that shows them all.
    for (x1, y1), s1 in zip(parser.markers, sites, strict=True):
        for (x2, y2), s2 in zip(parser.markers, sites, strict=True):
            if s1["latitude"] > s2["latitude"]:
                assert y1 < y2 if s1["latitude"] - s2["latitude"] > 0.2 else y1 <= y2, (s1["site"], s2["site"])
            if s1["longitude"] > s2["longitude"]:
                assert x1 > x2 if s1["longitude"] - s2["longitude"] > 0.2 else x1 >= x2, (s1["site"], s2["site"])
    # Hà Tĩnh's portals are far north of Krông Nô (Đắk Nông, now Lâm Đồng) on screen.
    y = {s["site"]: y for (_, y), s in zip(parser.markers, sites, strict=True)}
    assert y["krongno"] - y["honglinh"] > 50


def test_one_sites_marker_when_a_site_is_chosen(tmp_path: Path) -> None:
    db = known_archive(tmp_path / "archive.db")
    with running_datasette(db) as server:
        dom = render(f"{server}{DASHBOARD}?site=krongno", tmp_path / "profile")
    parser = MapMarkers()
    parser.feed(dom)
    assert parser.container and len(parser.markers) == 1
