"""Which sample portal is which: site slug (as in crawler/profiles/sites.toml) -> mount and ground truth.

Tests and the demo look sample portals up here instead of importing each family module:
``ground_truth_for("sample-nukeviet", "http://127.0.0.1:8765")``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sample_portal import corpus, hatinh_new, nukeviet


@dataclass(frozen=True)
class SampleSite:
    """One bundled sample portal: its registry slug, mount on the server, family and ground truth."""

    slug: str
    mount: str
    family: str
    truth: Callable[[str], list[dict]]


SAMPLE_SITES: dict[str, SampleSite] = {
    site.slug: site for site in (
        SampleSite(corpus.SITE_SLUG, corpus.MOUNT, "sharepoint_portal", lambda base: corpus.ground_truth(base)),
        SampleSite(hatinh_new.SITE_SLUG, hatinh_new.MOUNT, "hatinh_new", lambda base: hatinh_new.ground_truth(base)),
        SampleSite(nukeviet.SITE_SLUG, nukeviet.MOUNT, "nukeviet", lambda base: nukeviet.ground_truth(base)),
    )
}


def ground_truth_for(slug: str, base_url: str) -> list[dict]:
    """Ground truth of the sample portal `slug` served at `base_url` (server root or the portal's mount)."""
    try:
        site = SAMPLE_SITES[slug]
    except KeyError:
        raise KeyError(f"no sample portal {slug!r}; known: {', '.join(SAMPLE_SITES)}") from None
    return site.truth(base_url)
