"""The floor for bench_crawl.py: the least any hand-written spider of the sample portal must do.

It follows the same category listings (ASP.NET postback pagination included) and article links
with CSS selectors and yields only each article's URL and title: no extraction, normalization or
storage. Run by bench_crawl.py with `scrapy runspider`, with the same concurrency as the real crawl.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import scrapy
from form2request import form2request

POSTBACK = re.compile(r"__doPostBack\('([^']*)','([^']*)'\)")
CATEGORIES = ("Tin-tuc-su-kien", "Kinh-te", "Van-hoa-xa-hoi", "Quoc-phong-an-ninh")


class FloorSpider(scrapy.Spider):
    name = "floor"

    def __init__(self, base: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    async def start(self) -> Any:
        for slug in CATEGORIES:
            yield scrapy.Request(f"{self.base}/honglinh/portal/Pages/{slug}.aspx", self.parse_listing)

    def parse_listing(self, response: scrapy.http.TextResponse) -> Iterator[Any]:
        yield from response.follow_all(css=".channel-news-title a", callback=self.parse_article)
        for anchor in response.css(".Paging a"):
            if anchor.css("::text").get("").strip() == "Tiếp":
                target, argument = POSTBACK.search(anchor.attrib["href"]).groups()
                req = form2request(response.css("form#aspnetForm")[0],
                                   {"__EVENTTARGET": target, "__EVENTARGUMENT": argument}, click=False)
                yield req.to_scrapy(callback=self.parse_listing)

    def parse_article(self, response: scrapy.http.TextResponse) -> Iterator[dict[str, str]]:
        yield {"url": response.url, "title": response.css(".tandan-title-view h1::text").get()}
