"""Date lines -> contract strings: one table row per catalogue format, label, variant and trap."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipelines.dates import ParsedDate, parse_datetime_detail
from pipelines.normalize import VN_TZ, normalize_datetime, normalize_datetime_detail, now_vn

DATA = Path(__file__).parent / "data" / "date_strings.jsonl"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=VN_TZ)  # frozen "now" for every row without its own
REPO_ROOT = Path(__file__).resolve().parent.parent
# Rows of the shared table whose rule has since changed, with the answer that holds now. The
# table file is edited separately; drop an entry once its row says the same.

def load_rows(path: Path) -> list[Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=f"{i:03d}-{row['note'][:40]}") for i, row in enumerate(rows)]


@pytest.mark.parametrize("row", load_rows(DATA))
def test_date_table(row: dict[str, Any]) -> None:
    now = datetime.fromisoformat(row["now"]) if "now" in row else NOW
    got = normalize_datetime(row["raw"], now=now, assume_utc=row.get("assume_utc", False))
    assert got == row["expected"], row["note"]


# Forms seen on real portal pages (raw line, expected contract string, note), against NOW.
PORTAL_FORMS = [
    # dotted dates in parentheses, time after
    ("(05.08.2019 16:32)", "2019-08-05T16:32:00+07:00", "dotted, parenthesised, time after"),
    ("(14.04.2019 17:09)", "2019-04-14T17:09:00+07:00", "dotted, parenthesised, time after"),
    # ISO UTC as SharePoint prints it: converted to Vietnam time
    ("(2019-05-17T02:49:00.000Z)", "2019-05-17T09:49:00+07:00", "SharePoint UTC, milliseconds, parentheses"),
    ("2018-05-14T07:30:00Z", "2018-05-14T14:30:00+07:00", "UTC Z converted"),
    ("()", None, "empty parentheses"),
    ("( )", None, "parentheses around a space"),
    # WordPress word months, both orders, with and without diacritics, any case
    ("28 Tháng Ba, 2021", "2021-03-28", "WordPress j F, Y"),
    ("Tháng Mười Hai 29, 2013, 14:14", "2013-12-29T14:14:00+07:00", "WordPress F j, Y, H:i"),
    ("Tháng Một 5, 2020", "2020-01-05", "WordPress F j, Y"),
    ("Tháng Giêng 5, 2020", "2020-01-05", "Giêng in WordPress's month-first layout is January"),
    ("5 Tháng Giêng, 2020", "2020-01-05", "Giêng in WordPress's day-first layout is January"),
    ("ngày 5 tháng Giêng năm 2020", None, "Giêng in prose is the lunar month: not read"),
    ("Tháng Mười Một 5, 2020", "2020-11-05", "two-word month first"),
    ("THÁNG TƯ 30, 2015", "2015-04-30", "capitals"),
    ("Tháng Mười Hai 29, 2013 lúc 9:05 PM", "2013-12-29T21:05:00+07:00", "month first, lúc, 12-hour clock"),
    ("tháng 12 29, 2013", "2013-12-29", "WordPress month first with a numeric month"),
    ("ngày 27 tháng 9 năm 2017", "2017-09-27", "long form"),
    ("ngay 27 thang 9 nam 2017", "2017-09-27", "long form without diacritics"),
    ("thang muoi hai 29, 2013", "2013-12-29", "month first without diacritics"),
    ("thang tu 30, 2015", "2015-04-30", "month first without diacritics"),
    ("5 thang gieng, 2020", "2020-01-05", "gieng without diacritics, WordPress layout"),
    ("ngay 5 thang nam nam 2020", "2020-05-05", "month 'nam' then the year's 'nam'"),
    ("28 thang mot, 2021", "2021-01-28", "Một without diacritics"),
    ("28 Tháng Hai, 2021", "2021-02-28", "Hai"),
    ("28 tháng bốn, 2021", "2021-04-28", "Bốn"),
    ("28 thang bon, 2021", "2021-04-28", "Bốn without diacritics"),
    ("28 Tháng Năm, 2021", "2021-05-28", "Năm"),
    ("28 Tháng Sáu, 2021", "2021-06-28", "Sáu"),
    ("28 thang sau, 2021", "2021-06-28", "Sáu without diacritics"),
    ("28 Tháng Bảy, 2021", "2021-07-28", "Bảy"),
    ("28 thang bay, 2021", "2021-07-28", "Bảy without diacritics"),
    ("28 Tháng Tám, 2021", "2021-08-28", "Tám"),
    ("28 thang tam, 2021", "2021-08-28", "Tám without diacritics"),
    ("28 Tháng Chín, 2021", "2021-09-28", "Chín"),
    ("28 thang chin, 2021", "2021-09-28", "Chín without diacritics"),
    ("28 Tháng Mười, 2021", "2021-10-28", "Mười"),
    ("28 thang muoi, 2021", "2021-10-28", "Mười without diacritics"),
    ("28 thang muoi mot, 2021", "2021-11-28", "Mười Một without diacritics"),
    ("1 Tháng Mười Hai, 2020", "2020-12-01", "Mười Hai"),
    # two-digit years, slashes only
    ("10/10/18", "2018-10-10", "two-digit year: 20yy"),
    ("05/03/19 08:30", "2019-03-05T08:30:00+07:00", "two-digit year with a time"),
    ("31/12/99", "1999-12-31", "20yy would be ahead of now: 19yy"),
    ("01/01/00", "2000-01-01", "year 00 is 2000"),
    ("10/10/26", "2026-10-10", "this year"),
    ("10/12/26", None, "this year, but after now + 1 day"),
    ("1/2/3", None, "one-digit year: not a date"),
    ("10/10/18/QĐ", None, "a slash after: a document number, not a date"),
    ("Số 12/10/18 ngày 10/10/2019", "2019-10-10", "a four-digit date beats an earlier two-digit one"),
    # 12-hour clocks
    ("8/4/2019 1:05 PM", "2019-04-08T13:05:00+07:00", "PM"),
    ("8/4/2019 12:10 AM", "2019-04-08T00:10:00+07:00", "12 AM is just after midnight"),
    ("08:45 CH 14/03/2024", "2024-03-14T20:45:00+07:00", "CH (chiều) = PM, time before the date"),
    ("Thứ hai, 8/4/2019-13:1 PM", "2019-04-08", "header clock with a one-digit minute: the day"),
    # placeholders
    ("31/12/9999", None, "placeholder"),
    ("Ngày: 31/12/9999", None, "labelled placeholder"),
    ("01/01/0001", None, "placeholder"),
    ("01/01/1900", None, "placeholder, before the floor"),
    # site counters, and the relative forms that stay dates
    (".Hôm qua: 1441", None, "visitor counter"),
    ("Hôm nay: 427", None, "visitor counter"),
    ("Hôm qua: 1.441", None, "visitor counter, thousands separator"),
    ("Hôm qua : 1441", None, "visitor counter, space before the colon"),
    ("Hôm qua: 2032", None, "visitor counter that looks like a year"),
    ("Trong tuần: 5892", None, "visitor counter"),
    ("Đang online: 12 Hôm nay: 427 Hôm qua: 1441 Trong tuần: 5892", None, "the whole counter box"),
    ("2 giờ trước", "2026-11-28T08:00:00+07:00", "hours ago"),
    ("Hôm qua, 08:30", "2026-11-27T08:30:00+07:00", "yesterday with a time"),
    ("hôm nay lúc 14:00", "2026-11-28T14:00:00+07:00", "today with lúc and a time"),
    ("Hôm nay: 08:30", "2026-11-28T08:30:00+07:00", "a clock after the colon is a time, not a count"),
    ("Hôm nay: 14h30", "2026-11-28T14:30:00+07:00", "14h30 after the colon is a time"),
    # repeated separators
    ("04//7/2019", "2019-07-04", "doubled slash"),
    ("04..7.2019", "2019-07-04", "doubled dot"),
    ("http://example.com/2021//05/07/abc", "2021-05-07", "doubled slash in a URL date"),
    # dates at the end of a category row or a title
    ("tin nổi bật | 11/06/2019", "2019-06-11", "category | date"),
    ("tin nổi bật 11/06/2019", "2019-06-11", "category date"),
    ("Trình tự thủ tục về công chúng (05.08.2019 16:32)", "2019-08-05T16:32:00+07:00", "title (date time)"),
    # day and month without a year
    ("V/v chuyển đơn kiến nghị của bà Hoàng Thị Hoa (13/04)", None, "title with day/month only"),
    ("ngày nhà giáo Việt Nam 20-11", None, "holiday name with day-month only"),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [pytest.param(raw, want, id=note) for raw, want, note in PORTAL_FORMS]
)
def test_portal_forms(raw: str, expected: str | None) -> None:
    assert normalize_datetime(raw, now=NOW) == expected


@pytest.mark.parametrize("raw", [raw for raw, _, _ in PORTAL_FORMS])
def test_portal_forms_stay_on_the_fast_path(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelines.dates as dates

    def refuse(s: str, now: datetime) -> None:
        raise AssertionError(f"dateparser fallback reached for {s!r}")

    monkeypatch.setattr(dates, "_fallback", refuse)
    normalize_datetime(raw, now=NOW)


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
        datetime(2026, 11, 28, 3, 0, tzinfo=UTC),  # aware: converted
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
