"""Save pages of every test portal for the pure extraction tests: ``python -m tests.generic_sites.save``.

Writes ``saved/<portal>/<case>.html`` exactly as served (bytes: the legacy portal's are
windows-1258) and ``saved/cases.json``: per page its URL, Content-Type, the moment it was saved
(the header clock shows that day), its kind and, for articles, the fields a perfect extraction
gives (from the portal's ground truth, not from the extractor); for listings, the next page.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.normalize import now_vn
from tests.generic_sites import PORTALS
from tests.generic_sites.base import PortalSite, Story

SAVED = Path(__file__).with_name("saved")
ORIGIN = "http://127.0.0.1:8765"
ARTICLE_FIELDS = ("title", "summary", "body_text", "published_at", "view_count", "authors", "category")
# Pages that are neither articles nor listings, per portal (path below the portal's root).
OTHER_PAGES = {
    "tuyenquang": {"documents": "/van-ban.html", "contact": "/lien-he.html"},
    "hue": {"organisation": "/index.php?cn=7", "contact": "/index.php?cn=9"},
}


def pick_articles(site: PortalSite) -> dict[str, Story]:
    """Two articles that differ: one with views, lead and byline; one missing some of them."""
    full = next(s for s in site.stories if s.article.views is not None and s.article.sapo and s.article.byline)
    sparse = next(s for s in site.stories if s is not full and (s.article.views is None or not s.article.byline
                                                                 or s.article.date_style == "day"))
    return {"article-full": full, "article-sparse": sparse}


def cases_of(name: str, site: PortalSite) -> list[dict]:
    category = site.categories[0]
    listing = getattr(site, "listing_path", None)
    pages: list[dict] = [{"case": "home", "path": site.home, "kind": "listing"}]
    for case, story in pick_articles(site).items():
        row = site.truth_row(story, ORIGIN)
        pages.append({"case": case, "path": site.article_path(story), "kind": "article",
                      "expected": {k: row[k] for k in ARTICLE_FIELDS}})
    if listing is not None:
        pages.append({"case": "listing-1", "path": listing(category, 1), "kind": "listing",
                      "next_page": ORIGIN + listing(category, 2)})
        pages.append({"case": "listing-2", "path": listing(category, 2), "kind": "listing"})
    else:  # Liferay: the portlet's own paging URLs
        pages.append({"case": "listing-1", "path": f"/web/phuong-dong-son/{category.slug}", "kind": "listing",
                      "next_page": ORIGIN + site.page_url(category, 2)})  # type: ignore[attr-defined]
    pages += [{"case": case, "path": path, "kind": "other"} for case, path in OTHER_PAGES.get(name, {}).items()]
    return pages


def save(now: datetime | None = None) -> list[dict]:
    """Render and write every case; returns the case list written to cases.json."""
    now = now or now_vn()
    written = []
    for name, portal in PORTALS.items():
        site = portal()
        (SAVED / name).mkdir(parents=True, exist_ok=True)
        for case in cases_of(name, site):
            parts = urlsplit(case["path"])
            status, headers, body = site.handle("GET", parts.path, parts.query, {})
            assert status == 200, (name, case["path"], status)
            (SAVED / name / f"{case['case']}.html").write_bytes(body)
            written.append({"portal": name, **case, "url": ORIGIN + case["path"],
                            "content_type": headers["Content-Type"], "saved_at": now.isoformat(timespec="seconds")})
    (SAVED / "cases.json").write_text(json.dumps(written, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return written


if __name__ == "__main__":
    print(f"{len(save())} pages saved under {SAVED}")
