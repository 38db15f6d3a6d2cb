"""Verdict benchmark: are the statuses right?

1. Demo data whose generator knows each skill's life cycle: confusion matrix of status vs truth
   (``noisy`` skills should be ``stable`` or ``uncertain``), recall per life cycle and the number
   of verdicts pointing the wrong way.
2. Real HN "Who is hiring" term shares: runs as of 2017-12, 2019-12, 2021-12 and 2024-05
   (``--as-of``: only data up to that month) and prints what the tool said for a few well-known
   terms, with what happened next where the data shows it. For every term with a known future it
   scores the directional verdicts (rising/emerging vs declining/obsolescent) against the change
   of the mean share over the next 24 months vs the last 12: right direction, and wrong by more
   than 10%. No term is special-cased anywhere in the code.

Run: ``.venv/bin/python bench/bench_verdicts.py``
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skillpulse.data import demo, store
from skillpulse.data.ingest.load import ingest_frame
from skillpulse.data.skills import upsert_taxonomy
from skillpulse.models import batch

HN = (Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real" / "hn_whoishiring"
      / "hn_whoishiring_terms_monthly.csv")
TERMS = ["TypeScript", "Rust", "AngularJS", "jQuery", "AI", "Rails", "Java", "Ruby", "JavaScript",
         "iOS", "Android", "Agile", "Meteor", "Data Mining", "GPT"]
MIN_MENTIONS = 2.0  # mentions a month below which an up call stands on count noise
STATUSES = ["emerging", "rising", "stable", "declining", "obsolescent", "uncertain", "insufficient-history"]
pl.Config.set_tbl_rows(60)
pl.Config.set_tbl_width_chars(400)
pl.Config.set_tbl_cols(20)
pl.Config.set_fmt_str_lengths(60)


def outlook(db: Path, run_id: int) -> pl.DataFrame:
    with store.read(db) as con:
        cur = con.cursor()
        try:
            return cur.sql(
                "SELECT k.name AS skill, k.category, o.* FROM outlook o JOIN series s USING (series_id) "
                "JOIN skill k USING (skill_id) WHERE o.run_id = $r", params={"r": run_id}).pl()
        finally:
            cur.close()


def demo_confusion(tmp: Path) -> None:
    db = tmp / "demo.duckdb"
    frame, truth = demo.generate_series(seed=7, n_skills=320, months=132)
    with store.write(db) as con:
        upsert_taxonomy(con, demo.taxonomy_frame(truth).with_columns(
            pl.lit("").alias("aliases"), pl.lit("").alias("description")))
        ingest_frame(con, frame, source_file="demo", sha256="verdicts", fmt="demo")
    run = batch.run_forecast(db, horizon=24, jobs=2)
    out = outlook(db, run).join(truth.select("skill", "lifecycle"), on="skill", how="inner")
    cm = (out.group_by("lifecycle", "status").len()
          .pivot(on="status", index="lifecycle", values="len").fill_null(0))
    cols = ["lifecycle", *[s for s in STATUSES if s in cm.columns]]
    print("demo (seed 7, 320 skills, 132 months): rows = truth, columns = status")
    print(cm.select(cols).sort("lifecycle"))
    ok = {"emerging": {"emerging"}, "rising": {"rising", "emerging"}, "stable": {"stable"},
          "declining": {"declining", "obsolescent"}, "obsolescent": {"obsolescent"},
          "noisy": {"stable", "uncertain"}}
    wrong_way = {"emerging": {"declining", "obsolescent"}, "rising": {"declining", "obsolescent"},
                 "declining": {"rising", "emerging"}, "obsolescent": {"rising", "emerging"},
                 "stable": {"rising", "emerging", "declining", "obsolescent"},
                 "noisy": {"rising", "emerging", "declining", "obsolescent"}}
    for life, good in ok.items():
        sub = out.filter(pl.col("lifecycle") == life)
        if sub.height:
            hit = sub.filter(pl.col("status").is_in(list(good))).height
            bad = sub.filter(pl.col("status").is_in(list(wrong_way[life]))).height
            print(f"  {life:12s} n={sub.height:3d} right={100 * hit / sub.height:5.1f}%  "
                  f"uncertain={100 * sub.filter(pl.col('status') == 'uncertain').height / sub.height:5.1f}%  "
                  f"wrong way={bad}")
    right = sum(out.filter((pl.col("lifecycle") == k) & pl.col("status").is_in(list(v))).height
                for k, v in ok.items())
    print(f"  overall right: {100 * right / out.height:.1f}% of {out.height}")


def hn_frame() -> pl.DataFrame:
    df = pl.read_csv(HN, try_parse_dates=True)
    return df.select(pl.col("term").alias("skill"), pl.col("month").cast(pl.Date).alias("period"),
                     pl.col("percentage").cast(pl.Float64).alias("value"),
                     pl.col("num_comments").cast(pl.Float64).alias("total"),
                     pl.lit("hn-whoishiring").alias("source"), pl.lit("").alias("region"),
                     pl.lit("").alias("occupation"), pl.lit("share").alias("measure"))


def hn_verdicts(tmp: Path) -> None:
    if not HN.exists():
        print(f"real data not available: {HN}")
        return
    db = tmp / "hn.duckdb"
    frame = hn_frame()
    with store.write(db) as con:
        ingest_frame(con, frame, source_file=str(HN), sha256="hn", fmt="hn-whoishiring")
    wide = frame.select("skill", "period", "value")
    for as_of in (dt.date(2017, 12, 1), dt.date(2019, 12, 1), dt.date(2021, 12, 1),
                  dt.date(2024, 5, 1)):
        run = batch.run_forecast(db, horizon=24, as_of=as_of, jobs=2)
        out = outlook(db, run)
        print(f"\nHN who-is-hiring shares as of {as_of:%Y-%m} ({out.height} terms): "
              + ", ".join(f"{s} {n}" for s, n in out.group_by("status").len().sort("len", descending=True)
                          .iter_rows()))
        print("  " + directional(out, wide, as_of))
        print("  " + volume_checks(out, frame, as_of))
        moving = out.filter(pl.col("status").is_in(["rising", "declining"]))
        level = pl.col("forecast") / (1 + pl.col("growth_pct") / 100)
        inside = moving.filter((pl.col("lower_80") <= level) & (level <= pl.col("upper_80"))).height
        judged = moving.filter(((pl.col("status") == "rising") & (pl.col("growth_lower_80") > 0))
                               | ((pl.col("status") == "declining") & (pl.col("growth_upper_80") < 0)))
        print(f"  rising/declining {moving.height}: judged 80% interval (growth_lower/upper_80) "
              f"excludes no change for {judged.height}; the monthly 80% interval at the horizon "
              f"(exported lower/upper_80) contains the level for {inside}")
        rows = []
        for term in TERMS:
            r = out.filter(pl.col("skill").str.to_lowercase() == term.lower())
            if r.height == 0:
                continue
            hist = wide.filter(pl.col("skill") == term).sort("period")
            year_before = dt.date(as_of.year - 1, as_of.month, 1)
            before = hist.filter((pl.col("period") <= as_of)
                                 & (pl.col("period") > year_before))["value"].mean()
            after = hist.filter((pl.col("period") > as_of)
                                & (pl.col("period") <= dt.date(as_of.year + 2, as_of.month, 1)))["value"]
            nxt = (f"{100 * (after.mean() / before - 1):+.0f}%" if after.len() and before else "n/a")
            x = r.row(0, named=True)
            rows.append({"term": term, "status": x["status"], "last 12m %": round(before or 0, 2),
                         "growth_pct": _r(x["growth_pct"]), "g_lo80": _r(x["growth_lower_80"]),
                         "g_hi80": _r(x["growth_upper_80"]), "q": _r(x["q_value"], 6),
                         "half_life": _r(x["half_life_months"]), "peak_ratio": _r(x["peak_ratio"], 2),
                         "model": x["model"], "next 24m vs last 12m": nxt})
        print(pl.DataFrame(rows))
        for term in TERMS:
            r = out.filter(pl.col("skill").str.to_lowercase() == term.lower())
            if r.height:
                print(f"  {term}: {r['note'][0]}")


def directional(out: pl.DataFrame, wide: pl.DataFrame, as_of: dt.date) -> str:
    """Directional verdicts vs the next 24 months' mean share over the last 12 months'."""
    year_before = dt.date(as_of.year - 1, as_of.month, 1)
    two_after = dt.date(as_of.year + 2, as_of.month, 1)
    if wide["period"].max() < two_after:  # type: ignore[operator]
        return "future not in the data yet: no directional score"
    before = (wide.filter((pl.col("period") <= as_of) & (pl.col("period") > year_before))
              .group_by("skill").agg(pl.col("value").mean().alias("before")))
    after = (wide.filter((pl.col("period") > as_of) & (pl.col("period") <= two_after))
             .group_by("skill").agg(pl.col("value").mean().alias("after")))
    ch = (before.join(after, on="skill").filter(pl.col("before") > 0)
          .with_columns((pl.col("after") / pl.col("before") - 1).alias("change")))
    j = out.select("skill", "status").join(ch, on="skill")
    up = j.filter(pl.col("status").is_in(["rising", "emerging"]))
    down = j.filter(pl.col("status").is_in(["declining", "obsolescent"]))
    right = up.filter(pl.col("change") > 0).height + down.filter(pl.col("change") < 0).height
    wrong = up.filter(pl.col("change") < -0.1).height + down.filter(pl.col("change") > 0.1).height
    n = up.height + down.height
    return (f"directional verdicts {n} (up {up.height}, down {down.height}): right direction "
            f"{right} ({100 * right / max(n, 1):.0f}%), wrong by >10% {wrong}")


def volume_checks(out: pl.DataFrame, frame: pl.DataFrame, as_of: dt.date) -> str:
    """Up calls on fewer than ``MIN_MENTIONS`` mentions a month (last 6 months, mentions = share ×
    postings, from the file itself) and obsolescent calls among the top quarter of terms by their
    mean share over the last 12 months."""
    six = dt.date(as_of.year - (1 if as_of.month <= 5 else 0), (as_of.month - 6) % 12 + 1, 1)
    year_before = dt.date(as_of.year - 1, as_of.month, 1)
    hist = frame.filter(pl.col("period") <= as_of)
    rate = (hist.filter(pl.col("period") >= six).group_by("skill")
            .agg((pl.col("value") * pl.col("total") / 100).round().mean().alias("rate")))
    level = (hist.filter(pl.col("period") > year_before).group_by("skill")
             .agg(pl.col("value").mean().alias("level")))
    j = out.select("skill", "status").join(rate, on="skill").join(level, on="skill")
    up = j.filter(pl.col("status").is_in(["rising", "emerging"]))
    thin = up.filter(pl.col("rate") < MIN_MENTIONS)
    cut = j["level"].quantile(0.75)
    top = j.filter(pl.col("level") >= cut)
    obs = top.filter(pl.col("status") == "obsolescent")
    return (f"up calls on < {MIN_MENTIONS:.0f} mentions/month: {thin.height} of {up.height} "
            f"{sorted(thin['skill'].to_list())}; top-quarter terms obsolescent: {obs.height} of "
            f"{top.height} {sorted(obs['skill'].to_list())}")


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        demo_confusion(Path(tmp))
        hn_verdicts(Path(tmp))


if __name__ == "__main__":
    main()
