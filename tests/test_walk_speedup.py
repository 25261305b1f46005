"""The C walk (speedups/vngov_speedups/walk.pyx) against the Python walk it twins
(`crawler.generic.lines._Builder.walk`): the same lines, link elements, breadcrumb candidates,
metadata elements and chrome records, on every page fixture, the real portal pages and random
markup; and the rules for when it runs (built, not stale, not switched off).

Skipped, saying why, where the extension was not built (no C compiler at install): the Python walk
then runs and every other test checks it. CI sets VNGOV_REQUIRE_C_WALK=1, which turns that skip
into a failure.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.generic import lines
from crawler.generic.document import parse_html

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_PAGES = REPO_ROOT.parent / "shared" / "real-pages"

if lines.C_WALK is None:
    if os.environ.get("VNGOV_REQUIRE_C_WALK"):
        raise AssertionError("VNGOV_REQUIRE_C_WALK is set but the C walk is not in use: "
                             "pip install ./speedups, and check it was built (a C compiler and Python's headers)")
    pytestmark = pytest.mark.skip(reason="the C walk is not in use: VNGOV_PYTHON_WALK is set" if os.environ.get(
        "VNGOV_PYTHON_WALK") else "the C walk is not built here (pip install ./speedups needs a C compiler); the "
        "Python walk runs and the other tests check it")


def reading(page: lines.PageText) -> tuple[Any, ...]:
    """Everything a walk yields, elements by identity (both walks read the same tree)."""
    return ([(ln.index, ln.text, id(ln.owner), ln.link_ratio, ln.bold_ratio, ln.chrome, ln.href) for ln in page.lines],
            [(id(el), pieces) for el, pieces in page.anchors], [(id(el), subtree) for el, subtree in page.crumbs],
            [id(el) for el in page.declared])


def assert_same_walks(pages: list[tuple[str, str]]) -> None:
    """Both walks over the pages in order, twice (the second time replaying the chrome blocks the
    first recorded), each from an empty cache: the same readings, the same records kept."""
    roots = [parse_html(html, url) for url, html in pages]
    results: dict[bool, tuple[list[lines.PageText], list[Any]]] = {}
    for python_walk in (True, False):
        lines.forget_chrome_blocks()
        # (kept until compared: lxml makes a new proxy, with a new id, for an element whose last
        # one was freed)
        read = [lines.read_page(root, python_walk=python_walk) for _ in range(2) for root in roots]
        results[python_walk] = read, [(key[0], record) for key, record in lines._CHROME_BLOCKS.items()]
    lines.forget_chrome_blocks()
    (python_read, python_records), (c_read, c_records) = results[True], results[False]
    python_readings, c_readings = list(map(reading, python_read)), list(map(reading, c_read))
    for (url, _), python_reading, c_reading in zip(pages * 2, python_readings, c_readings, strict=True):
        assert c_reading == python_reading, url
    assert c_records == python_records


def test_both_walks_read_every_page_fixture_alike() -> None:
    files = sorted((REPO_ROOT / "tests").glob("fixtures/**/*.html")) + sorted(
        (REPO_ROOT / "tests").glob("generic_sites/**/*.html"))
    assert len(files) > 20
    assert_same_walks([(f"http://xa.example.gov.vn/{file.name}", file.read_text(encoding="utf-8", errors="replace"))
                       for file in files])


@pytest.mark.skipif(not (REAL_PAGES / "truth.jsonl").is_file(),
                    reason=f"no real pages at {REAL_PAGES} (third-party pages are kept outside the repository)")
def test_both_walks_read_the_real_portal_pages_alike() -> None:
    files = sorted(REAL_PAGES.glob("*.html"))
    assert_same_walks([(f"http://x.gov.vn/{file.name}", file.read_bytes().decode("utf-8", "replace"))
                       for file in files])


ODD = """<html><head><title>T</title><meta property="og:title" content="x"><script>var a;</script></head>
<body><!-- a comment --><?php echo 1 ?>text of the body
<div class="menu" id="nav1"><ul><li><a href="/a">A</a></li><li><a href="/b"><b>B</b> and more</a></li></ul>
<link rel="next" href="/p2"><meta name="x" content="y"></div>
<div hidden><a href="/hidden">hidden link</a><meta name="h" content="1"></div>
<p style="display: none">gone</p><p style="font-weight:700">bold <i>style</i></p>
<span class="breadcrumb"><a href="/">Home</a> &gt; News</span><script class="duong-dan"></script>
<article><header>Title in the article</header><nav>in-article nav</nav><footer>by-line</footer></article>
<p>NBSP only:</p><p>\u00a0</p><p>\u3000\u2028</p><p>\x1c\x1d</p><p>Vi\u1ec7t   Nam<br>next</p>
<a href="/x"><div>block in a link</div></a><a href="">empty href</a><a>no href</a>
<iframe src="/frame">fallback <b>text</b></iframe><map><area href="/area"></map>
<div role="navigation">role nav <a href="/r">r</a></div><h2 class="header-title">heading</h2>
<div class="sidebar-content">""" + "long prose sentence in the misnamed column. " * 20 + """</div>
<p a="1" class="x" class="y" itemprop="author">duplicate attributes</p>
<div hidden><i itemprop="name">hidden</i></div><textarea>in a textarea</textarea>
<table><tr><td>cell 1</td><td>cell <strong>2</strong></td></tr></table><font><font><font>deep</font></font></font>
</body></html>"""


def test_both_walks_read_odd_markup_alike() -> None:
    deep = "<html><body>" + "<font>x" * 5000 + "</font>" * 5000 + "</body></html>"  # no recursion
    hidden_root = '<html style="display:none"><body><a href="/a">A</a></body></html>'
    assert_same_walks([("http://x.gov.vn/odd.html", ODD), ("http://x.gov.vn/odd2.html", ODD),
                       ("http://x.gov.vn/deep.html", deep), ("http://x.gov.vn/hidden.html", hidden_root),
                       ("http://x.gov.vn/empty.html", ""), ("http://x.gov.vn/c.html", "<!-- only a comment -->")])


def test_chrome_record_positions_are_found_alike_in_c() -> None:
    """The C twins of `_positions` and `_elements_at` (what recording and replaying a chrome block
    use) count every node ``block.iter()`` yields, comments and processing instructions included,
    and hand back the very elements asked for."""
    root = parse_html(ODD + "<div><!-- c --><?pi x?><p>a<b>b</b></p><!-- d --></div>", "http://x.gov.vn/")
    for block in [root, *root.iter("div", "ul", "p", "article", "table")]:
        nodes = list(block.iter())
        shuffled = nodes[::-1][::2] + nodes[1::3]  # any order, repeats
        assert lines._POSITIONS(block, shuffled) == lines._positions(block, shuffled)
        wanted = tuple(sorted({nodes.index(node) for node in shuffled}))
        found = lines._ELEMENTS_AT(block, wanted)
        assert len(found) == wanted[-1] + 1
        assert all(found[i] is nodes[i] for i in wanted) and all(found[i] is None for i in set(range(len(found))) - set(wanted))
    outside = root.find(".//table")
    with pytest.raises(ValueError, match="outside the block"):
        lines._POSITIONS(root.find(".//ul"), [outside])
    assert lines._ELEMENTS_AT(root, ()) == []


# Random pages from the markup the walk reasons about: blocks and inlines, links, bold, chrome by
# tag, class, id and role, hidden by attribute, style and class, breadcrumbs, skipped and metadata
# elements, comments, and texts of spaces, NBSP and words.
TAGS = ["div", "p", "span", "a", "b", "strong", "li", "ul", "nav", "header", "footer", "article", "main", "h1",
        "td", "script", "style", "meta", "link", "title", "iframe", "font", "br", "input", "section", "aside"]
ATTRIBUTES = st.fixed_dictionaries({}, optional={
    "class": st.sampled_from(["menu", "content", "breadcrumb", "hidden", "sidebar", "header-title", "x", ""]),
    "id": st.sampled_from(["nav", "main", "duong-dan", "footer"]),
    "role": st.sampled_from(["navigation", "main", "banner"]),
    "style": st.sampled_from(["display:none", "font-weight:bold", "color:red"]),
    "hidden": st.just(""),
    "href": st.sampled_from(["/a", "/b", "", "#top"]),
    "itemprop": st.sampled_from(["name", "author", ""]),
})
TEXTS = st.sampled_from(["", " ", "\n  ", "\u00a0", "word", "Tin tức", "a longer line of prose text here", "  x  "])


def render(node: Any) -> str:
    if isinstance(node, str):
        return node.replace("&", "&amp;").replace("<", "&lt;")
    tag, attributes, children = node
    attrs = "".join(f' {name}="{value}"' for name, value in attributes.items())
    if tag == "!--":
        return f"<!--{''.join(c for c in children if isinstance(c, str))}-->"
    return f"<{tag}{attrs}>{''.join(render(child) for child in children)}</{tag}>"


NODES = st.recursive(TEXTS, lambda children: st.tuples(st.sampled_from([*TAGS, "!--"]), ATTRIBUTES,
                                                       st.lists(children, max_size=5)), max_leaves=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NODES, min_size=1, max_size=6), st.lists(NODES, max_size=3))
def test_both_walks_read_random_markup_alike(body: list[Any], menu: list[Any]) -> None:
    # The same menu on two pages, to exercise recording and replaying it.
    shared = f'<div class="menu">{"".join(render(n) for n in menu)}</div>'
    first = f"<html><body>{shared}{''.join(render(n) for n in body)}</body></html>"
    second = f"<html><body>{shared}<p>other</p></body></html>"
    assert_same_walks([("http://x.gov.vn/1.html", first), ("http://x.gov.vn/2.html", second)])


def test_an_edited_walk_not_rebuilt_is_not_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A walk.pyx that differs from the one the extension was built from: the Python walk runs,
    and the operator is told how to rebuild."""
    edited = tmp_path / "walk.pyx"
    edited.write_text(lines.SPEEDUPS_SOURCE.read_text() + "\n# edited\n")
    monkeypatch.setattr(lines, "SPEEDUPS_SOURCE", edited)
    with pytest.warns(RuntimeWarning, match=r"pip install \./speedups"):
        assert lines._load_c_walk() is None
    monkeypatch.setattr(lines, "SPEEDUPS_SOURCE", REPO_ROOT / "speedups" / "vngov_speedups" / "walk.pyx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lines._load_c_walk() is not None


def test_the_python_walk_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNGOV_PYTHON_WALK", "1")
    assert lines._load_c_walk() is None
