"""The bundled sample portals: local replicas of real platform families, with their ground truth.

What lives where:
- ``corpus.py``: the content model ``SamplePortal`` (deterministic articles, listing order,
  ``publish()``, extra articles for benchmarks) and ``ground_truth()``.
- ``phrases.py``: the Vietnamese text pools the corpus is generated from.
- ``seed_article.txt``: the real article of honglinh.hatinh.gov.vn, served verbatim.
- ``sharepoint.py``: family 1, SharePoint "portal/Pages" (mounted at ``/honglinh``): pages and
  ASP.NET postback pagination.
- ``hatinh_new.py``: family 5, the new Hà Tĩnh platform (mounted at ``/namhonglinh``, site slug
  ``sample-hatinh``); ``nukeviet.py``: family 6, NukeViet in windows-1258 (mounted at
  ``/minhduc``, site slug ``sample-nukeviet``). Their content comes from ``commune_corpus.py``
  (posts, listings) and ``commune_phrases.py`` (text pools); ``markup.py`` holds their shared HTML
  helpers and the windows-1258 encoder.
- ``catalog.py``: site slug -> mount and ground truth (``ground_truth_for(slug, base_url)``).
- ``server.py``: ``SamplePortalServer`` (127.0.0.1 only), the request log and fault injection.
- ``__main__.py``: ``python -m sample_portal --port PORT``.
"""
from __future__ import annotations

from sample_portal.catalog import SAMPLE_SITES, ground_truth_for
from sample_portal.corpus import (
    CATEGORIES,
    ITEMS_PER_PAGE,
    Article,
    Category,
    CategoryListing,
    SamplePortal,
    ground_truth,
)
from sample_portal.server import Fault, RequestRecord, SamplePortalServer, check_loopback, serve

__all__ = [
    "CATEGORIES", "ITEMS_PER_PAGE", "Article", "Category", "CategoryListing", "Fault", "RequestRecord",
    "SAMPLE_SITES", "SamplePortal", "SamplePortalServer", "check_loopback", "ground_truth", "ground_truth_for",
    "serve",
]
