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
