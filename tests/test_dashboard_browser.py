"""The dashboard in a real browser: headless Debian chromium opens /-/dashboards/archive on a real
datasette server (127.0.0.1, no other network) and the charts must have been drawn, mark by mark.

The charts are vega-lite specs rendered to SVG (`usermeta.embedOptions.renderer` in the
metadata), so the rendered DOM names every drawn mark with its data (aria-label): the test checks
the exact bars and points, and that they have a size. chromium is installed by `.ci/run`; outside
CI the test is skipped when it is missing, in CI it fails.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_datasette_server import DASHBOARD, demo_archive, running_datasette

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)",
                allow_module_level=True)


class Marks(HTMLParser):
    """Collects the SVG marks (role=graphics-symbol) below each chart's container."""

    def __init__(self) -> None:
        super().__init__()
        self.chart: str | None = None
        self.svg: dict[str, int] = {}
        self.marks: dict[str, list[dict[str, str]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id", "").startswith("chart-") and not a["id"].startswith("chart-tooltip-"):
            self.chart = a["id"].removeprefix("chart-")
        elif self.chart and tag == "svg":
            self.svg[self.chart] = self.svg.get(self.chart, 0) + 1
        elif self.chart and a.get("role") == "graphics-symbol":
            self.marks.setdefault(self.chart, []).append(a)


def render(url: str, profile: Path) -> str:
    assert CHROMIUM, "chromium must be installed in CI (.ci/run installs it)"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1100",
           "--virtual-time-budget=10000", "--dump-dom", url]
    # Vietnam time, so that the time axis shows the days the archive means.
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "TZ": "Asia/Ho_Chi_Minh"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def labels(marks: list[dict[str, str]], kind: str) -> list[str]:
    return sorted(m["aria-label"] for m in marks if m.get("aria-roledescription") == kind)


def height(path: str) -> float:
    """The height of a vega bar path 'Mx,yh<w>v<h>h-<w>Z'."""
    found = re.search(r"v(-?[\d.]+)", path)
    return abs(float(found.group(1))) if found else 0.0


def test_dashboard_charts_render_in_chromium(tmp_path: Path) -> None:
    with running_datasette(demo_archive(tmp_path / "archive.db")) as server:
        dom = render(f"{server}{DASHBOARD}", tmp_path / "profile")
    parser = Marks()
    parser.feed(dom)
    assert parser.svg.get("articles-per-month") == 1 and parser.svg.get("view-growth") == 1, parser.svg

    bars = parser.marks["articles-per-month"]
    assert labels(bars, "bar") == [
        "Month: Dec 2023; Articles: 1; Site: beta",
        "Month: Feb 2024; Articles: 2; Site: alpha",
        "Month: Jan 2024; Articles: 1; Site: beta",
        "Month: Mar 2024; Articles: 1; Site: alpha",
    ]
    heights = {m["aria-label"].split(";")[0]: height(m.get("d", ""))
               for m in bars if m.get("aria-roledescription") == "bar"}
    assert all(h > 0 for h in heights.values()), heights
    assert heights["Month: Feb 2024"] == pytest.approx(2 * heights["Month: Jan 2024"], rel=0.05)

    growth = parser.marks["view-growth"]
    assert labels(growth, "point") == [
        "Observed: Jan 05, 2024; Views: 2500; Article: Tiêu đề mới",
        "Observed: Mar 10, 2024; Views: 100; Article: Lúa vụ Đông được mùa",
        "Observed: Mar 11, 2024; Views: 400; Article: Lúa vụ Đông được mùa",
        "Observed: Mar 13, 2024; Views: 1000; Article: Lúa vụ Đông được mùa",
    ]
    lines = [m["d"] for m in growth if m.get("aria-roledescription") == "line mark"]
    assert sorted(line.count("L") for line in lines) == [0, 2]  # b2: one point; a3: three joined

    # Views per day since publication (to the last visit): the newer b2 outranks the more viewed a3.
    assert parser.svg.get("views-per-day") == 1
    per_day = {m["aria-label"].split("; ")[1].removeprefix("title: "): m["aria-label"].split("; ")[0].split(": ")[1]
               for m in parser.marks["views-per-day"] if m.get("aria-roledescription") == "bar"}
    assert per_day == {"Tiêu đề mới": "2.36", "Lúa vụ Đông được mùa": "1.51", "Hội nghị giáo dục": "0.49",
                       "Chợ Đức Thuận khánh thành": "0.05"}
