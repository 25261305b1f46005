"""Generic extraction of this tree against another revision, on the same pages, in the same run.

The reference machine shares its host: extraction figures moved by up to 2x within minutes, and a
change of 10 % could only be told by running both codes alternately and keeping each page's best
time. This does that: the other revision is checked out into a temporary git worktree, and both
sides are timed in child processes (the same harness, this file's `--worker` mode, run with each
checkout as its working directory), alternately, `runs` times each; each page's best time over
all rounds counts.

    python bench/bench_generic.py --skip-crawl --baseline HEAD~3    # from bench_generic
    python bench/extraction_ab.py --baseline 4179297                # alone: real pages only

The worker times what `bench_generic.timed_extraction` times (verdict, fields of articles, links,
pager) in the thread's CPU time, emptying the chrome-block cache before each round when the
revision has one. It also times each whole round (every page in order, each page's tree freed,
the cache emptied at the end, inside the clock): a change can move work from one page to another
(a cache that keeps what a page read for later pages) or out of the per-page clocks (freeing),
and the median of per-page ratios does not see that; the sum of the round does. Both figures are
printed; a change is an improvement when both say so.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from statistics import median

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

Page = tuple[str, str, str]  # (url, html, what it is)


SPEEDUPS_LIB = ".speedups-lib"  # where a checkout's own C walk is built (see `checkout`)


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """`revision` of this repository in a temporary worktree (removed afterwards). A revision with
    a speedups/ package gets its own build of it, in the worktree's `SPEEDUPS_LIB` (the one
    installed in this environment is built from this tree's walk.pyx, and the revision's
    lines.py would refuse it and run its Python walk)."""
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        path = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(path), revision],
                       check=True)
        try:
            if (path / "speedups" / "setup.py").is_file():
                print(f"building the C walk of {revision} ...", flush=True)
                subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                                str(path / SPEEDUPS_LIB), str(path / "speedups")], check=True)
            yield path
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False)


def _timed(root: Path, pages_file: Path, rounds: int, now: str) -> tuple[list[float], float, str]:
    """Each page's best extraction time (seconds) over `rounds`, the fastest whole round, and
    which line walk ran ("C" or "Python"), by the code of checkout `root`."""
    path = [str(root / SPEEDUPS_LIB), str(root)] if (root / SPEEDUPS_LIB).is_dir() else [str(root)]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(pages_file), out.name,
                        "--rounds", str(rounds), "--now", now], cwd=root, check=True,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(path)})
        result = json.loads(Path(out.name).read_text())
        return list(result["pages"]), float(result["round"]), str(result["walk"])


def compare(label: str, pages: list[Page], baseline: Path, name: str, runs: int = 2,
            rounds: int = 3) -> tuple[float, float, float, float]:
    """Per-page best times and whole rounds of this tree and of `baseline` (alternating, `runs`
    times each): prints and returns (median here, median there, median of the per-page ratios
    here / there, ratio of the fastest whole rounds here / there)."""
    from pipelines.normalize import now_vn

    now = now_vn().isoformat()
    here: list[list[float]] = []
    there: list[list[float]] = []
    rounds_here: list[float] = []
    rounds_there: list[float] = []
    walks: dict[Path, str] = {}
    with tempfile.NamedTemporaryFile(suffix=".pickle") as pages_file:
        pickle.dump(pages, pages_file)
        pages_file.flush()
        for _ in range(runs):
            for times, whole, tree in ((here, rounds_here, ROOT), (there, rounds_there, baseline)):
                per_page, fastest_round, walks[tree] = _timed(tree, Path(pages_file.name), rounds, now)
                times.append(per_page)
                whole.append(fastest_round)
    best_here = [min(times) for times in zip(*here, strict=True)]
    best_there = [min(times) for times in zip(*there, strict=True)]
    ratio = median(a / b for a, b in zip(best_here, best_there, strict=True) if b > 0)
    whole_ratio = min(rounds_here) / min(rounds_there)
    print(f"{label} against {name}: median {median(best_here) * 1000:.2f} ms here, {median(best_there) * 1000:.2f} ms "
          f"there; per page, this tree takes {ratio:.2f}x the time; a whole round of the {len(pages)} pages "
          f"{min(rounds_here) * 1000:.0f} ms here, {min(rounds_there) * 1000:.0f} ms there ({whole_ratio:.2f}x) "
          f"(best of {runs} x {rounds} rounds a side, alternating; line walk: {walks[ROOT]} here, "
          f"{walks[baseline]} there)")
    return median(best_here), median(best_there), ratio, whole_ratio


def _worker(pages_file: Path, out: Path, rounds: int, now: str) -> None:
    """Run in a checkout (cwd): time its generic extraction on the pickled pages."""
    sys.path.insert(0, os.getcwd())
    from datetime import datetime

    from crawler.generic import ARTICLE, GenericPage

    try:
        from crawler.generic.lines import forget_chrome_blocks
    except ImportError:  # a revision before the chrome-block cache
        def forget_chrome_blocks() -> None:
            pass

    pages: list[Page] = pickle.loads(pages_file.read_bytes())
    when = datetime.fromisoformat(now)
    best = [float("inf")] * len(pages)
    fastest_round = float("inf")
    for _ in range(rounds):
        forget_chrome_blocks()
        round_started = time.thread_time()
        for i, (url, html, _what) in enumerate(pages):
            started = time.thread_time()
            page = GenericPage(url, html, now=when)
            if page.verdict.kind == ARTICLE:
                page.fields  # noqa: B018 - the work being timed
            page.links  # noqa: B018
            page.pager  # noqa: B018
            best[i] = min(best[i], time.thread_time() - started)
            del page  # freed inside the round's clock
        forget_chrome_blocks()  # and whatever the cache kept
        fastest_round = min(fastest_round, time.thread_time() - round_started)
    from crawler.generic import lines

    walk = "C" if getattr(lines, "C_WALK", None) is not None else "Python"  # (no C_WALK before speedups/)
    out.write_text(json.dumps({"pages": best, "round": fastest_round, "walk": walk}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision to compare with (e.g. HEAD~1, a commit)")
    parser.add_argument("--runs", type=int, default=2, help="timed runs a side, alternating (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the pages in each run (default 3)")
    parser.add_argument("--real-pages", type=Path, default=ROOT.parent / "shared" / "real-pages")
    parser.add_argument("--worker", nargs=2, type=Path, metavar=("PAGES", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--now", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(*args.worker, args.rounds, args.now)
        return 0
    if not args.baseline:
        parser.error("give --baseline REV")
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(ROOT))
    from bench_generic import real_pages

    pages = real_pages(args.real_pages)
    if not pages:
        print(f"no real pages at {args.real_pages} (kept outside the repository)")
        return 1
    with checkout(args.baseline) as tree:
        compare("real pages", pages, tree, args.baseline, args.runs, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
