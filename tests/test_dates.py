"""Date lines -> contract strings: one table row per catalogue format, label, variant and trap."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pipelines.dates import ParsedDate, parse_datetime_detail
from pipelines.normalize import VN_TZ, normalize_datetime, normalize_datetime_detail, now_vn

DATA = Path(__file__).parent / "data" / "date_strings.jsonl"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=VN_TZ)  # frozen "now" for every row without its own
REPO_ROOT = Path(__file__).resolve().parent.parent


def load_rows(path: Path) -> list[Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=f"{i:03d}-{row['note'][:40]}") for i, row in enumerate(rows)]


@pytest.mark.parametrize("row", load_rows(DATA))
def test_date_table(row: dict[str, Any]) -> None:
    now = datetime.fromisoformat(row["now"]) if "now" in row else NOW
    got = normalize_datetime(row["raw"], now=now, assume_utc=row.get("assume_utc", False))
    assert got == row["expected"], row["note"]


@pytest.mark.parametrize(
    ("raw", "iso", "precision"),
    [
        ("Tin đăng ngày: 3/9/2019 - Xem: 147", "2019-09-03", "day"),
        ("Thứ tư - 16/07/2025 09:42", "2025-07-16T09:42:00+07:00", "minute"),
        ("Lượt xem: 5281 | Gửi lúc: 19/08/2014 10:27:53", "2014-08-19T10:27:53+07:00", "second"),
        ("00:00 17/09/2018", "2018-09-17", "day"),
        ("2 giờ trước", "2026-11-28T08:00:00+07:00", "minute"),
        ("3 ngày trước", "2026-11-25", "day"),
        ("hôm qua", "2026-11-27", "day"),
        ("2025-07-16T02:42:31Z", "2025-07-16T09:42:31+07:00", "second"),
    ],
)
def test_precision_is_kept_beside_the_string(raw: str, iso: str, precision: str) -> None:
    got = normalize_datetime_detail(raw, now=NOW)
    assert got is not None
    assert (got.iso, got.precision) == (iso, precision)
    assert got.value.utcoffset() == timedelta(hours=7)


def test_day_precision_value_is_local_midnight_and_day_is_the_local_date() -> None:
    got = normalize_datetime_detail("2025-07-15T18:30:00Z", now=NOW)  # 01:30 on the 16th in Vietnam
    assert got == ParsedDate(datetime(2025, 7, 16, 1, 30, tzinfo=VN_TZ), "second")
    assert got.day == "2025-07-16"
    day = normalize_datetime_detail("27/04/2022", now=NOW)
    assert day is not None and day.value == datetime(2022, 4, 27, tzinfo=VN_TZ) and day.day == "2022-04-27"


def test_parsed_date_is_frozen() -> None:
    got = parse_datetime_detail("27/04/2022", NOW)
    with pytest.raises(AttributeError):
        got.precision = "minute"  # type: ignore[misc, union-attr]


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 28, 10, 0),  # naive: Vietnam local time
        datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc),  # aware: converted
        datetime(2026, 11, 28, 10, 0, tzinfo=VN_TZ),
    ],
)
def test_now_may_be_naive_or_aware(now: datetime) -> None:
    assert normalize_datetime("2 giờ trước", now=now) == "2026-11-28T08:00:00+07:00"


def test_now_none_means_the_current_time() -> None:
    before = now_vn()
    got = normalize_datetime("hôm qua")
    after = now_vn()  # the two differ only if the test runs across midnight
    assert before.utcoffset() == timedelta(hours=7)
    assert got in {(t - timedelta(days=1)).date().isoformat() for t in (before, after)}
    assert normalize_datetime("27/04/2022") == "2022-04-27"


@pytest.mark.parametrize("bad_now", ["2026-11-28", 12, object()])
def test_unusable_now_falls_back_to_the_current_time(bad_now: Any) -> None:
    assert normalize_datetime("27/04/2022", now=bad_now) == "2022-04-27"


@pytest.mark.parametrize("value", [None, "", 0, 12.5, b"27/04/2022", ["27/04/2022"]])
def test_non_text_gives_none(value: Any) -> None:
    assert normalize_datetime(value) is None
    assert normalize_datetime_detail(value) is None


def test_dateparser_fallback_results_are_bounded_too() -> None:
    assert normalize_datetime("12 Tháng Ba, 2020", now=NOW) == "2020-03-12"
    assert normalize_datetime("12 Tháng Ba, 2030", now=NOW) is None  # future
    assert normalize_datetime("31 Tháng Hai, 2020", now=NOW) is None  # not a date


def test_fallback_never_reads_a_relative_time() -> None:
    # The probe's silent error: dateparser's relative parser reads "16 giờ 25 phút" as "16 h 25 min ago".
    assert normalize_datetime("16 giờ 25 phút, năm 2019", now=NOW) is None


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout.strip()


def test_import_does_not_load_dateparser_or_scrapy() -> None:
    out = _run(
        "import sys, pipelines.normalize as n; n.normalize_datetime('Cập nhật lúc: 14:55 - 10/10/2018');"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dateparser', 'scrapy'}))"
    )
    assert out == "[]"


def test_dateparser_is_loaded_only_when_the_fast_path_gives_up() -> None:
    out = _run(
        "import sys, pipelines.normalize as n; r = n.normalize_datetime('năm 2020 tháng 3 ngày 5');"
        "print(r, 'dateparser' in sys.modules)"
    )
    assert out == "2020-03-05 True"
