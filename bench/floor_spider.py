"""The floor of the crawl benchmarks: the least a hand-written Scrapy spider of the same portal does.

Plain Scrapy and nothing of the project: run with ``scrapy runspider`` from a working directory
outside the project, so that no scrapy.cfg is found and none of the project's settings, item
pipelines, middlewares or extensions load (bench/runner.py builds the command, with the crawl's
Scrapy settings that matter for speed passed as ``-s``). Per page it does what the issue calls a
"minimal Scrapy spider extracting title, date, views and body with CSS selectors": follows the
same links as the crawl it is compared with, and yields for each article a dict of URL, title,
date line, views and body text, read with CSS selectors written for that portal's markup. The
dicts go to no pipeline and no feed (Scrapy counts them: ``item_scraped_count``).

Two portals (``-a portal=...``):

- ``sample`` (bench_crawl.py; ``-a base=http://127.0.0.1:PORT``): the SharePoint sample portal's
  four category listings, their article links (``.channel-news-title a``) and the pager's
  "Tiếp" link, a plain link in the pre-rendered portal (bench/static_site.py), an ASP.NET
  postback (the form posted back) on the live sample server;
- ``megamenu`` (bench_generic.py; ``-a start_url=http://127.0.0.1:PORT/``): every link of every
  page to the same host, as a generic crawl follows them, each URL requested once (a set of
  seen URLs in front of Scrapy's duplicate filter, as generic mode has); article pages are
  recognised by their title and date line.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy

POSTBACK = re.compile(r"__doPostBack\('([^']*)','([^']*)'\)")
VIEWS = re.compile(r"Lượt xem:\s*([\d.,]+)")
CATEGORIES = ("Tin-tuc-su-kien", "Kinh-te", "Van-hoa-xa-hoi", "Quoc-phong-an-ninh")


def text_of(selection: Any) -> str:
    return " ".join(" ".join(selection.getall()).split())


class FloorSpider(scrapy.Spider):
    name = "floor"

    def __init__(self, portal: str = "sample", base: str = "", start_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if portal not in ("sample", "megamenu"):
            raise ValueError(f"portal must be sample or megamenu, not {portal!r}")
        self.portal = portal
        self.base = base.rstrip("/")
        self.start_url = start_url
        self.host = urlsplit(start_url).netloc
        self.seen: set[str] = {start_url}

    async def start(self) -> Any:
        if self.portal == "sample":
            for slug in CATEGORIES:
                yield scrapy.Request(f"{self.base}/honglinh/portal/Pages/{slug}.aspx", self.parse_listing)
        else:
            yield scrapy.Request(self.start_url, self.parse_page)

    # --- the SharePoint sample portal

    def parse_listing(self, response: scrapy.http.TextResponse) -> Iterator[Any]:
        yield from response.follow_all(css=".channel-news-title a", callback=self.parse_article)
        for anchor in response.css(".Paging a"):
            if anchor.css("::text").get("").strip() != "Tiếp":
                continue
            href = anchor.attrib["href"]
            postback = POSTBACK.search(href)
            if postback is None:  # pre-rendered portal: a plain link
                yield response.follow(href, self.parse_listing)
            else:  # the live sample server: ASP.NET postback
                yield scrapy.FormRequest.from_response(
                    response, formid="aspnetForm", dont_click=True,
                    formdata={"__EVENTTARGET": postback.group(1), "__EVENTARGUMENT": postback.group(2)},
                    callback=self.parse_listing)

    def parse_article(self, response: scrapy.http.TextResponse) -> Iterator[dict[str, Any]]:
        line = text_of(response.css(".tandan-date-view ::text"))
        views = VIEWS.search(line)
        yield {
            "url": response.url,
            "title": text_of(response.css(".tandan-title-view h1 ::text")),
            "date": line.split("Lượt xem")[0].strip(),
            "views": views.group(1) if views else None,
            "body": text_of(response.css(".tandan-content-view ::text")),
        }

    # --- the mega-menu portal (generic mode's comparison)

    def parse_page(self, response: scrapy.http.TextResponse) -> Iterator[Any]:
        title = response.css("h1.tieu-de-tin ::text")
        date = response.css(".ngay-dang ::text")
        if title and date:
            views = VIEWS.search(text_of(response.css(".luot-xem ::text")))
            yield {
                "url": response.url,
                "title": text_of(title),
                "date": text_of(date),
                "views": views.group(1) if views else None,
                "body": text_of(response.css(".noi-dung-tin ::text")),
            }
        # Every page repeats the ~300 links of the menu: a spider that hands each of them to
        # Scrapy's scheduler (a Request and a fingerprint per link, to be dropped as a duplicate)
        # spends most of its time there, so the floor remembers what it has seen. Site-absolute
        # hrefs mean the same on every page and are remembered as written; others once resolved.
        seen = self.seen
        for href in response.css("a::attr(href)").getall():
            if href in seen:
                continue
            absolute = href.startswith(("/", "http:", "https:"))
            if absolute:
                seen.add(href)
            url = response.urljoin(href.strip()).split("#", 1)[0]
            if url in seen:
                continue
            seen.add(url)
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc == self.host:
                yield scrapy.Request(url, self.parse_page)
