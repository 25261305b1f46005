"""Bylines -> person names and source: one table row per form, label, unit, placeholder and trap."""
from __future__ import annotations

import dataclasses
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from pipelines.normalize import Byline, normalize_authors, split_byline

DATA = Path(__file__).parent / "data" / "byline_strings.jsonl"


def load_rows(path: Path) -> list[Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=f"{i:03d}-{row['note'][:40]}") for i, row in enumerate(rows)]


@pytest.mark.parametrize("row", load_rows(DATA))
def test_byline_table(row: dict[str, Any]) -> None:
    assert split_byline(row["raw"]) == Byline(tuple(row["expected"]), row["source"]), row["note"]
    assert normalize_authors(row["raw"]) == row["expected"]


def test_names_come_out_nfc() -> None:
    for name in normalize_authors(unicodedata.normalize("NFD", "MINH ĐỨC - HOÀNG LONG")):
        assert unicodedata.is_normalized("NFC", name)


def test_byline_is_a_frozen_value() -> None:
    byline = split_byline("Tác giả: T.Q.L - Nguồn: BQLDA. HT")
    assert byline == Byline(("T.Q.L",), "BQLDA. HT")
    with pytest.raises(dataclasses.FrozenInstanceError):
        byline.source = None  # type: ignore[misc]
    assert hash(byline) == hash(Byline(("T.Q.L",), "BQLDA. HT"))


@pytest.mark.parametrize("value", [None, "", "   ", 12, "Thanh Hà".encode(), ["Thanh Hà"]])
def test_non_text_gives_nothing(value: Any) -> None:
    assert split_byline(value) == Byline()
    assert normalize_authors(value) == []


def test_normalize_authors_returns_a_new_list_each_time() -> None:
    first = normalize_authors("Thanh Trúc")
    first.append("x")
    assert normalize_authors("Thanh Trúc") == ["Thanh Trúc"]
