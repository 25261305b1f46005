"""Benchmark: `normalize_datetime` against `dateparser.parse` on the same corpus of date lines.

Run from the repository root: ``python bench/bench_dates.py [--lines N] [--seed S]``.

The corpus is every raw line of tests/data/date_strings.jsonl plus generated variants (random
moments written in the layouts of the catalogue, with labels, weekdays and trailing view counts).
Both parsers are warmed up first (dateparser's first call loads its language data), then timed on
the same lines in the same run. The script prints µs per call for both, the ratio, how many lines
our normalizer sent to its dateparser fallback, and where the two answers differ once dateparser's
datetime is written in the contract format. It prints figures only; it is not a test.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # a fresh clone has no installed package
    sys.path.insert(0, str(REPO_ROOT))

from pipelines import dates as dates_module  # noqa: E402
from pipelines.normalize import VN_TZ, normalize_datetime  # noqa: E402

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=VN_TZ)
TABLE = REPO_ROOT / "tests" / "data" / "date_strings.jsonl"
DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "RELATIVE_BASE": NOW.replace(tzinfo=None),
    "PREFER_DATES_FROM": "past",
}
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
CATEGORIES = ["Văn hóa", "Kinh tế", "Tin tức - Sự kiện", "Xã hội"]
PLACES = ["Hải Phòng", "Hà Tĩnh", "Hồng Lĩnh"]
MONTH_WORDS = ["Một", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một", "Mười Hai"]


def dmy(v: datetime) -> str:
    return f"{v.day:02d}/{v.month:02d}/{v.year}"


def weekday(v: datetime) -> str:
    return WEEKDAYS[v.weekday()]


# One generator per catalogue format (portal-platforms.md, "Date-format catalogue"), with the label
# and companions seen with it, so that the generated lines keep the catalogue's mix of formats.
LAYOUTS: list[Callable[[datetime, random.Random], str]] = [
    lambda v, r: f"Đăng lúc: {v:%H:%M:%S} {dmy(v)} (GMT+7)",  # 1
    lambda v, r: f"Lượt xem: {r.randint(1, 9999)} | Gửi lúc: {dmy(v)} {v:%H:%M:%S}",  # 2
    lambda v, r: f"Tin đăng ngày: {v.day}/{v.month}/{v.year} - Xem: {r.randint(1, 999)}",  # 3
    lambda v, r: f"Ngày đăng: {dmy(v)}",  # 4
    lambda v, r: f"Ngày: {dmy(v)}",  # 5
    lambda v, r: f"Ngày cập nhật : {dmy(v)}",  # 6
    lambda v, r: f"{weekday(v)} - {dmy(v)} {v:%H:%M}",  # 7
    lambda v, r: v.isoformat(timespec="seconds"),  # 8
    lambda v, r: f"{dmy(v)}, {v:%H:%M}",  # 9
    lambda v, r: f"{dmy(v)} {v:%H:%M}",  # 10
    lambda v, r: f"{v:%H:%M} {dmy(v)}",  # 11
    lambda v, r: f"{v:%H:%M:%S} {dmy(v)}",  # 12
    lambda v, r: f"{dmy(v)} - {v:%H:%M}",  # 13
    lambda v, r: f"T. Hà - {v:%H:%M}, {dmy(v)}",  # 14
    lambda v, r: f"{weekday(v)}, {v.day}/{v.month}/{v.year}, {v:%H:%M} (GMT+7)",  # 15
    lambda v, r: f"{weekday(v).upper()}, {dmy(v)} {v:%H:%M:%S}",  # 16
    lambda v, r: f"{weekday(v)}: {v:%H:%M} ngày {dmy(v)}",  # 17
    lambda v, r: f"{weekday(v)}, ngày {v.day} tháng {v.month} năm {v.year} | {v:%H:%M}",  # 18
    lambda v, r: f"{weekday(v)}, ngày {v:%d} tháng {v:%m} năm {v.year}\n{v:%H:%M} (GMT +7)",  # 19
    lambda v, r: f"{v:%d-%m-%Y}, {v:%H:%M} (GMT+7)",  # 20
    lambda v, r: f"{v:%H:%M} | {v:%d-%m-%Y} | {r.choice(CATEGORIES)}",  # 21
    lambda v, r: f"({dmy(v)})",  # 22
    lambda v, r: f"({dmy(v)}, {v:%H:%M})",  # 23
    lambda v, r: f"{v:%d %m %Y}",  # 24
    lambda v, r: dmy(v),  # 25
    lambda v, r: f"00:00 {dmy(v)}",  # 26
    lambda v, r: f"{r.choice(PLACES)}, ngày {v:%d} tháng {v:%m} năm {v.year}",  # 27
    lambda v, r: f"{r.choice(CATEGORIES)} - {v.day:02d}/{v.month:02d} {v:%H:%M}",  # 28, no year
    lambda v, r: f"{r.randint(1, 23)} giờ trước",  # relative forms
    lambda v, r: f"{r.randint(1, 30)} ngày trước",
    lambda v, r: f"Cập nhật lúc: {v:%H:%M} - {dmy(v)} Lượt xem: {r.randint(1, 999)}",  # seed article
    # Forms seen on portal pages after the catalogue was written.
    lambda v, r: f"({v.astimezone(UTC):%Y-%m-%dT%H:%M:%S}.000Z)",  # SharePoint, UTC
    lambda v, r: f"Tháng {MONTH_WORDS[v.month - 1]} {v.day}, {v.year}, {v:%H:%M}",  # WordPress F j, Y
    lambda v, r: f"{v.day} Tháng {MONTH_WORDS[v.month - 1]}, {v.year}",  # WordPress j F, Y
    lambda v, r: f"{v:%d/%m/%y %H:%M}",  # two-digit year
    lambda v, r: f"{v:%I:%M} {'SA' if v.hour < 12 else 'CH'} {dmy(v)}",  # 12-hour clock, SA/CH
    lambda v, r: f"Hôm qua: {r.randint(100, 9999)}",  # visitor counter: not a date
]


def build_corpus(n_generated: int, seed: int) -> tuple[list[str], int]:
    """(the table's raw lines + `n_generated` generated lines, how many came from the table)."""
    text = TABLE.read_text(encoding="utf-8")
    table = [json.loads(line)["raw"] for line in text.splitlines() if line.strip()]
    rng = random.Random(seed)
    span = int((NOW - datetime(1995, 1, 1, tzinfo=VN_TZ)).total_seconds())
    generated = [
        rng.choice(LAYOUTS)(NOW - timedelta(seconds=rng.randrange(span)), rng) for _ in range(n_generated)
    ]
    return table + generated, len(table)


def contract(value: datetime | None) -> str | None:
    """dateparser's datetime written as our contract string (midnight read as day-only)."""
    if value is None:
        return None
    value = value.astimezone(VN_TZ) if value.tzinfo else value.replace(tzinfo=VN_TZ)
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date().isoformat()
    return value.replace(microsecond=0).isoformat(timespec="seconds")


def time_per_call(fn: Callable[[str], object], lines: list[str], rounds: int) -> float:
    """Best-of-`rounds` mean seconds per call over the corpus."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for line in lines:
            fn(line)
        best = min(best, (time.perf_counter() - start) / len(lines))
    return best


def count_fallbacks(lines: list[str]) -> int:
    """How many lines our normalizer actually hands to dateparser (its last-resort fallback)."""
    module = dates_module._load_dateparser()
    if module is None:
        return 0
    calls = 0
    original = module.parse

    def counting(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    module.parse = counting
    try:
        for line in lines:
            normalize_datetime(line, now=NOW)
    finally:
        module.parse = original
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=3000, help="generated lines besides the table")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--show", type=int, default=25, help="rows of the difference table (default 25)")
    args = parser.parse_args()

    import dateparser

    lines, n_table = build_corpus(args.lines, args.seed)
    ours = lambda s: normalize_datetime(s, now=NOW)  # noqa: E731
    theirs = lambda s: dateparser.parse(s, languages=["vi"], settings=DATEPARSER_SETTINGS)  # noqa: E731

    for line in lines[:50]:  # warm-up: dateparser loads its data on the first call
        ours(line)
        theirs(line)

    print(f"corpus: {len(lines)} date lines ({n_table} from {TABLE.relative_to(REPO_ROOT)}, {args.lines} "
          f"generated in the {len(LAYOUTS)} catalogue layouts, seed {args.seed}); now = {NOW.isoformat()}")
    print(f"{'':18} {'normalize_datetime':>20} {'dateparser.parse':>18} {'ratio':>8}")
    subsets = {"table rows": lines[:n_table], "generated": lines[n_table:]}
    timed = {
        label: (time_per_call(ours, subset, rounds=5), time_per_call(theirs, subset, rounds=2))
        for label, subset in subsets.items()
    }
    # All lines: the two subsets' totals over the whole corpus (no third, slow dateparser pass).
    timed["all lines"] = tuple(  # type: ignore[assignment]
        sum(timed[label][i] * len(subset) for label, subset in subsets.items()) / len(lines) for i in (0, 1)
    )
    for label in ("all lines", "table rows", "generated"):
        ours_s, theirs_s = timed[label]
        print(f"{label:18} {ours_s * 1e6:15.2f} µs {theirs_s * 1e6:15.1f} µs {theirs_s / ours_s:7.0f}x")
    print("(µs per call, best of 5 rounds for normalize_datetime and 2 for dateparser.parse(text,")
    print(" languages=['vi'], settings={'DATE_ORDER': 'DMY', 'RELATIVE_BASE': now,")
    print(" 'PREFER_DATES_FROM': 'past'}))")
    fallbacks = count_fallbacks(lines)
    print(f"fallback           : {fallbacks} of {len(lines)} lines reached dateparser inside "
          "normalize_datetime")

    report_differences(lines, ours, lambda s: contract(theirs(s)), args.show)


def report_differences(
    lines: list[str], ours: Callable[[str], str | None], theirs: Callable[[str], str | None], show: int
) -> None:
    """Count agreements and print the distinct lines where the answers differ, worst kind first."""
    kinds = ("both, different", "only dateparser", "only ours")
    counts = dict.fromkeys(("agree", *kinds), 0)
    rows: dict[str, list[tuple[str, str | None, str | None]]] = {kind: [] for kind in kinds}
    seen: set[str] = set()
    for line in lines:
        a, b = ours(line), theirs(line)
        if a == b:
            kind = "agree"
        else:
            kind = "only ours" if b is None else "only dateparser" if a is None else kinds[0]
        counts[kind] += 1
        if kind != "agree" and line not in seen:
            seen.add(line)
            rows[kind].append((line, a, b))
    print("answers            : " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    shown = [(kind, *row) for kind in kinds for row in rows[kind][: max(1, show // 3)]][:show]
    print(f"\nwhere they differ ({len(seen)} distinct lines; up to {show // 3} of each kind):")
    print(f"{'kind':<16} {'line':<50} {'normalize_datetime':<26} dateparser")
    for kind, line, a, b in shown:
        text = " ".join(line.split())
        text = text if len(text) <= 48 else text[:47] + "…"
        print(f"{kind:<16} {text:<50} {a or '-':<26} {b or '-'}")


if __name__ == "__main__":
    main()
