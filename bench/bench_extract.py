"""Benchmark: skill extraction quality and end-to-end postings throughput against a per-alias ``re`` loop.

Run: ``.venv/bin/python bench/bench_extract.py [--n 100000] [--baseline-n 2000]``

1. Precision/recall on ``tests/eval/postings_eval.jsonl`` for the matcher (``data.extract``) and for
   the baseline: HTML stripped, then one word-bounded ``re.search`` per alias on the lower-cased
   text (skipped when the alias is not a substring).
2. End to end (read CSV → extract → aggregate monthly → ``ingest_frame`` into a DuckDB file in one
   ``store.write``) on synthetic ~2 KB postings, with 1 and 2 worker processes, and the same
   pipeline with the baseline matcher (in-process, on a smaller sample: it is slow). Figures are
   postings per second of wall time, measured in this run; the machine is shared, so they are noisy.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skillpulse.data import postings, store  # noqa: E402
from skillpulse.data.demo_postings import generate_postings  # noqa: E402
from skillpulse.data.extract import Matcher  # noqa: E402
from skillpulse.data.ingest.load import ingest_frame  # noqa: E402
from skillpulse.data.posting_text import strip_html  # noqa: E402
from skillpulse.data.taxonomy_io import project_taxonomy, triples  # noqa: E402

EVAL = ROOT / "tests" / "eval" / "postings_eval.jsonl"


class RegexLoopMatcher:
    """The baseline: a loop over every alias with one word-bounded regex each.

    Made reasonably fast rather than naive: the text is lower-cased once, and a cheap substring
    test skips the regex for aliases that do not occur (20x faster than IGNORECASE searches).
    No boilerplate removal, no ambiguity rules, no longest-match resolution.
    """

    def __init__(self, tri: list[tuple[str, str, str]]) -> None:
        self.skills: list[str] = []
        index: dict[str, int] = {}
        self.patterns: list[tuple[str, re.Pattern[str], int]] = []
        for skill, _cat, alias in tri:
            if skill not in index:
                index[skill] = len(self.skills)
                self.skills.append(skill)
            key = alias.lower()
            pat = re.compile(r"(?<![\w.+#-])" + re.escape(key) + r"(?![\w+#])")
            self.patterns.append((key, pat, index[skill]))

    def find(self, text: str) -> list[int]:
        low = text.lower()
        return list(dict.fromkeys(k for key, pat, k in self.patterns if key in low and pat.search(low)))

    def find_names(self, text: str) -> list[str]:
        return [self.skills[k] for k in self.find(strip_html(text))]

    def extract_many(self, texts: list[str]) -> list[list[int]]:
        return [self.find(strip_html(t)) for t in texts]


def quality(matcher: object) -> tuple[float, float]:
    tp = fp = fn = 0
    for line in EVAL.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        got = set(matcher.find_names(item["text"]))  # type: ignore[attr-defined]
        want = set(item["skills"])
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
    return tp / (tp + fp), tp / (tp + fn)


def make_postings(n: int, path: Path) -> float:
    """~2 KB synthetic postings (a demo posting plus part of another); returns mean bytes."""
    df = generate_postings(n + 1, 2024, dt.date(2016, 1, 1), 96)
    extra = df["description"].shift(-1).str.slice(0, 900)
    df = df.head(n).with_columns((pl.col("description") + "\n\n" + extra.head(n)).alias("description"))
    df.write_csv(path)
    return float((df["title"].str.len_bytes() + df["description"].str.len_bytes()).mean())  # type: ignore[arg-type]


_WORKER_CPU: list[float] = []


def _proc_cpu(pid: int) -> float:
    """User+system CPU seconds of a live process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measuring_close(self: postings._Extractor) -> None:
    """Record the workers' CPU time before the pool is terminated (they are forkserver children,
    so RUSAGE_CHILDREN does not see them)."""
    if self.pool is not None:
        _WORKER_CPU.append(sum(_proc_cpu(p.pid) for p in self.pool._pool))  # type: ignore[attr-defined]
    _ORIGINAL_CLOSE(self)


_ORIGINAL_CLOSE = postings._Extractor.close
postings._Extractor.close = _measuring_close  # type: ignore[method-assign]


def _children_cpu() -> float:
    return sum(_WORKER_CPU)


def end_to_end(path: Path, db: Path, *, jobs: int) -> tuple[float, float, float, dict]:
    """(wall s, CPU s of this process, CPU s of worker processes, stats)."""
    t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
    with store.write(db) as con:
        frame, stats = postings.postings_to_frame(path, con, source="bench", jobs=jobs)
        ingest_frame(con, frame, source_file=str(path), sha256=f"bench-{time.time_ns()}", fmt="postings")
    return time.perf_counter() - t0, time.process_time() - c0, _children_cpu() - k0, stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="postings for the throughput runs")
    ap.add_argument("--baseline-n", type=int, default=2_000, help="postings for the baseline run")
    args = ap.parse_args()

    tri = triples(project_taxonomy())
    fast = Matcher(tri)
    slow = RegexLoopMatcher(tri)
    print(f"taxonomy: {len(fast.skills)} skills, {len(tri)} names and aliases")
    p_fast, r_fast = quality(fast)
    p_slow, r_slow = quality(slow)
    print(f"eval set ({EVAL.name}): matcher precision {p_fast:.3f} recall {r_fast:.3f} | "
          f"per-alias re loop precision {p_slow:.3f} recall {r_slow:.3f}")

    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "postings.csv", Path(tmp) / "postings_small.csv"
        t0 = time.perf_counter()
        size = make_postings(args.n, big)
        make_postings(args.baseline_n, small)
        print(f"generated {args.n:,} postings, mean {size:,.0f} bytes, "
              f"file {big.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - t0:.1f} s")
        rates = {}
        for jobs in (1, 2):
            secs, cpu, kids, stats = end_to_end(big, Path(tmp) / f"db{jobs}.duckdb", jobs=jobs)
            rates[jobs] = args.n / secs
            print(f"end to end, matcher, {'2 worker processes + reader' if jobs > 1 else 'in-process'}: "
                  f"{secs:.2f} s wall = {rates[jobs]:,.0f} postings/s; CPU: main {cpu:.2f} s, "
                  f"workers {kids:.2f} s ({args.n / (cpu + kids):,.0f} postings per CPU-second; "
                  f"{stats['postings']:,} kept, {stats['mentions']:,} mentions)")
        original = postings.Matcher
        postings.Matcher = RegexLoopMatcher  # type: ignore[misc,assignment]
        try:
            secs, cpu, _, _ = end_to_end(small, Path(tmp) / "db_base.duckdb", jobs=1)
        finally:
            postings.Matcher = original  # type: ignore[misc]
        base = args.baseline_n / secs
        print(f"end to end, per-alias re loop baseline, in-process: {secs:.2f} s wall for "
              f"{args.baseline_n:,} = {base:,.0f} postings/s ({args.baseline_n / cpu:,.0f} per CPU-second)")
        best = max(rates.values())
        print(f"speed-up vs baseline: {rates[1] / base:,.0f}x in-process, {rates[2] / base:,.0f}x with 2 "
              f"workers; goal 10,000 postings/s: {'met' if best >= 10_000 else 'NOT met'} ({best:,.0f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:,.0f} MB (file {args.n:,} postings)")


if __name__ == "__main__":
    main()
