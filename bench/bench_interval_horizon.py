"""Coverage of the published intervals beyond the backtest horizon (months 1–24).

The backtest scores and calibrates the 80% / 95% intervals on horizons 1–12 and widens them
beyond 12 months by the growth of each series' own errors at 13–24 months (``models.backtest``);
``skillpulse forecast`` publishes 24 months by default, and the outlook's bounds are those at
the horizon. This benchmark checks
the exported intervals out of sample at every horizon 1..24: at yearly origins, each series is
analysed on its data up to the origin (``models.series.analyse``, the full per-series pipeline)
and the next 24 months are compared with the published ``lower_/upper_80`` and ``_95``.

Data: the real HN "Who is hiring" term shares (skipped when ``../shared`` is absent) and demo
shares. Baseline in the same run: the nominal levels (80% / 95%).

Run: ``.venv/bin/python bench/bench_interval_horizon.py [--origins 5] [--demo-skills 120]``
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing as mp
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_forecast_accuracy import HN, demo_matrix, hn_matrix, scored_series, yearly_origins
from skillpulse.models.series import analyse

H = 24
LEVELS = (80, 95)


def covered(args: tuple[np.ndarray, int]) -> list[np.ndarray]:
    """(levels, H) hit masks for every usable series at one origin."""
    mat, o = args
    out = []
    for hist, actual in scored_series(mat, o, H):
        r = analyse(hist, None, "share", horizon=H)
        out.append(np.stack([(actual >= r.bounds[f"lower_{lv}"] - 1e-12)
                             & (actual <= r.bounds[f"upper_{lv}"] + 1e-12) for lv in LEVELS]))
    return out


def report(label: str, mat: np.ndarray, n_months: int, origins: int, jobs: int) -> None:
    at = yearly_origins(n_months, origins, H)
    hits: list[np.ndarray] = []
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
        for part in pool.map(covered, [(mat, o) for o in at]):
            hits.extend(part)
    cov = np.mean(np.stack(hits), axis=0)  # (levels, H)
    print(f"\n{label}: {len(hits)} series×origins, {len(at)} yearly origins")
    for i, lv in enumerate(LEVELS):
        print(f"  {lv}% (nominal {lv}): h1-12 {100 * cov[i, :12].mean():5.1f}  "
              f"h13-24 {100 * cov[i, 12:].mean():5.1f}  h24 {100 * cov[i, -1]:5.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--origins", type=int, default=5)
    ap.add_argument("--demo-skills", type=int, default=120)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if HN.exists():
        names, months, mat = hn_matrix()
        report(f"HN who-is-hiring shares ({len(names)} terms)", mat, len(months), args.origins,
               args.jobs)
    else:
        print(f"real data not available: {HN}")
    names, months, mat = demo_matrix(args.demo_skills)
    report(f"demo shares ({len(names)} series)", mat, len(months), min(args.origins, 4), args.jobs)


if __name__ == "__main__":
    main()
