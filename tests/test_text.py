"""Text helpers: NFC, whitespace, paragraphs and the search key."""
from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from pipelines.normalize import clean_paragraphs, clean_text, fold_for_search, to_nfc

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Cụm ATLC  -  SSCĐ \n phía bắc\t", "Cụm ATLC - SSCĐ phía bắc"),
        ("a\u00a0b", "a b"),  # no-break space
        ("a\u202fb\u2009c", "a b c"),  # narrow no-break and thin spaces
        ("a\u200bb", "a b"),  # zero-width space
        ("\ufeffHà Tĩnh\u200d", "Hà Tĩnh"),  # BOM and zero-width joiner at the edges
        ("Hồng\u00adLĩnh", "HồngLĩnh"),  # soft hyphen only marks a possible break
        ("a\x00b", "a b"),  # a control character from a broken encoding
        ("a\r\n\r\nb", "a b"),
        (NFD("Thị xã Hồng Lĩnh"), "Thị xã Hồng Lĩnh"),
        ("", ""),
        (" \n\t ", ""),
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, expected: str) -> None:
    got = clean_text(raw)
    assert got == expected
    assert unicodedata.is_normalized("NFC", got)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["  Đoạn một.  ", "", "   ", "Đoạn\nhai."], "Đoạn một.\n\nĐoạn hai."),
        ((p for p in ["a", " b "]), "a\n\nb"),
        ([NFD("Hà Tĩnh"), None, 5], "Hà Tĩnh"),  # non-strings skipped
        ("Dòng một\n\n  Dòng hai  ", "Dòng một\n\nDòng hai"),  # a str is one paragraph per line
        ([], ""),
        (None, ""),
        (42, ""),
    ],
)
def test_clean_paragraphs(raw: Any, expected: str) -> None:
    got = clean_paragraphs(raw)
    assert got == expected
    assert unicodedata.is_normalized("NFC", got)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hoà", "hòa"),  # old and new tone placement
        ("thuỷ", "thủy"),
        ("Khoẻ", "khỏe"),
        ("Thanh Hoá", "THANH HÓA"),
        (NFD("Hồng Lĩnh"), "Hồng Lĩnh"),  # NFD and NFC
        ("Đức", "duc"),
        ("Trường", "truong"),
        ("Ðức", "Đức"),  # U+00D0 (eth) from TCVN3/VNI conversions stands for Đ
    ],
)
def test_fold_for_search_makes_equal(a: str, b: str) -> None:
    assert fold_for_search(a) == fold_for_search(b)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cụm ATLC - SSCĐ phía Bắc thị xã", "cum atlc - sscd phia bac thi xa"),
        ("  Nguyễn   Thị\u00a0Thủy  ", "nguyen thi thuy"),
        ("Ưu đãi Ơn nghĩa ĂN ÂM", "uu dai on nghia an am"),
        ("Hà Tĩnh 2025", "ha tinh 2025"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_for_search(raw: str | None, expected: str) -> None:
    assert fold_for_search(raw) == expected


def test_to_nfc() -> None:
    assert to_nfc(NFD("Hà Tĩnh")) == "Hà Tĩnh"
    assert to_nfc("  giữ  nguyên \n") == "  giữ  nguyên \n"  # only the normal form changes
    assert to_nfc(None) == ""


def test_fold_memo_stays_bounded() -> None:
    from pipelines import text as text_module
    text_module._FOLDED_WORDS.clear()
    words = " ".join(f"Đường{n}" for n in range(text_module._FOLDED_WORDS_MAX + 10))
    assert fold_for_search(words).startswith("duong0 duong1 ")
    assert len(text_module._FOLDED_WORDS) == text_module._FOLDED_WORDS_MAX + 10  # one text's words at most over
    fold_for_search("Phường Đức Thuận")  # a full memo is emptied before it grows further
    assert len(text_module._FOLDED_WORDS) <= 3


def test_clean_texts_cleans_each_text_as_clean_text_does():
    # A page's lines are cleaned in one go (joined by a private-use character): every text must
    # come out exactly as clean_text makes it, combining marks at the edges, invisible characters,
    # soft hyphens and the joining character itself included.
    import random

    from pipelines.text import clean_texts

    rng = random.Random(1)
    alphabet = ["a", "e", "\u0301", "\u0323", "\u0303", "\u00ad", "\u200b", "\ufeff", "\u2060", " ", "\n", "\xa0",
                "\ue000", "\x00", "Đ", "ơ", "x"]
    for _ in range(5000):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(0, 6))]
        assert clean_texts(texts) == [clean_text(t) for t in texts], texts
    assert clean_texts(["  Ủy ban\u00a0nhân dân ", "e\u0301", "\u0301x", ""]) == ["Ủy ban nhân dân", "é", "\u0301x", ""]
