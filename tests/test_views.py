"""View-count texts -> int: one table row per label, separator, abbreviation and trap."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipelines.normalize import normalize_view_count

DATA = Path(__file__).parent / "data" / "view_strings.jsonl"


def load_rows(path: Path) -> list[Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=f"{i:03d}-{row['note'][:40]}") for i, row in enumerate(rows)]


@pytest.mark.parametrize("row", load_rows(DATA))
def test_view_table(row: dict[str, Any]) -> None:
    assert normalize_view_count(row["raw"]) == row["expected"], row["note"]


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), (162, 162), (0, 0), (-5, None), (True, None), (1.5, None)]
)
def test_non_text_values(value: Any, expected: int | None) -> None:
    assert normalize_view_count(value) == expected


@pytest.mark.parametrize(
    "raw", ["9" * 5000, "Lượt xem: " + "9" * 5000, "9" * 5000 + "k", "1" + ".000" * 2000]
)
def test_huge_numbers_are_not_counts_and_do_not_raise(raw: str) -> None:
    assert normalize_view_count(raw) is None
