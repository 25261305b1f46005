"""`GenericPage`: one page of a portal without a profile, and the two questions the spider asks
of it: what kind of page it is (`verdict`: article, listing or other, from `classify`) and what
its fields are (`fields`, from `extract`). Where the crawl can go from here (`links`, `pager`)
and everything both answers read live on `document.PageDocument`. Pure; each answer computed once.
"""
from __future__ import annotations

from functools import cached_property

from crawler.generic.classify import Verdict, classify
from crawler.generic.document import Link, PageDocument
from crawler.generic.extract import extract_fields
from crawler.items import ArticleFields

__all__ = ["GenericPage", "Link"]


class GenericPage(PageDocument):
    """A page of any portal. `now` (Vietnam time) lets extraction recognise today's header clock."""

    @cached_property
    def fields(self) -> ArticleFields:
        return extract_fields(self)

    @cached_property
    def verdict(self) -> Verdict:
        return classify(self, lambda: self.fields)
