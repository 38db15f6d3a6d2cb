"""The forecast's unit of work: a bucket of whole series (Arrow in) → forecast, backtest and
evidence rows (Arrow out).

``forecast_bucket`` is pure: no I/O, no global state, BLAS/OpenMP pinned to one thread for the
call, and the same input table always gives the same output tables. Whoever runs it — this
process, the local process pool, a Dask worker, a Spark ``applyInArrow`` UDF — gets identical
rows, so an engine only decides *who* calls it. Run-wide steps (Benjamini-Hochberg, low-base
quantiles, market-relative growth, the status rules) are not done here: they run once on the
gathered evidence (``models.runwide``).

Input (``INPUT_SCHEMA``, one row per series): ``values`` one entry per month from
``first_month`` (months since year 0) to the last month, NaN for a gap; ``totals`` the market
denominator per month (null list when none is known); the market's forecast path on the log
scale (``market_*``, null when the series has none: a flat market is then assumed, noted).

Output (``BucketOutput``): ``forecast`` (every month of the horizon), ``backtest`` (one row per
candidate and the headline) and ``evidence`` (one row per series: the outlook columns that do
not depend on the run, ``p_value`` — NaN when the series is too short to judge — and the
``models.series.Evidence`` fields as ``ev_<field>`` columns, read back by ``evidence_records``).
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from skillpulse.models.series import Evidence, MarketPath, SeriesResult, analyse

LEVELS = (80, 95)
BOUNDS = ("lower_80", "upper_80", "lower_95", "upper_95")
_F64_LIST = pa.list_(pa.float64())

INPUT_SCHEMA = pa.schema([
    ("series_id", pa.int32()), ("measure", pa.string()), ("is_market", pa.bool_()),
    ("source", pa.string()), ("region", pa.string()), ("first_month", pa.int64()),
    ("values", _F64_LIST), ("totals", _F64_LIST),
    ("market_log_mean", _F64_LIST), ("market_hw_80", _F64_LIST), ("market_hw_95", _F64_LIST),
    ("market_log_level", pa.float64()),
])

FORECAST_SCHEMA = pa.schema([
    ("series_id", pa.int32()), ("period", pa.date32()), ("mean", pa.float64()),
    *[(c, pa.float64()) for c in BOUNDS]])

BACKTEST_SCHEMA = pa.schema([
    ("series_id", pa.int32()), ("model", pa.string()), ("mase", pa.float64()),
    ("coverage_80", pa.float64()), ("coverage_95", pa.float64()), ("origins", pa.int32())])


def _arrow_type(annotation: str) -> pa.DataType:
    """Arrow type of an ``Evidence`` field from its (string) annotation."""
    if annotation.startswith("tuple"):
        return _F64_LIST
    for prefix, typ in (("float", pa.float64()), ("int", pa.int64()), ("bool", pa.bool_()),
                        ("str", pa.string())):
        if annotation.startswith(prefix):
            return typ
    raise TypeError(f"Evidence field annotation {annotation!r} has no Arrow type")


EVIDENCE_FIELDS = [(f.name, _arrow_type(str(f.type))) for f in dataclasses.fields(Evidence)]

EVIDENCE_SCHEMA = pa.schema([
    ("series_id", pa.int32()), ("is_market", pa.bool_()), ("source", pa.string()),
    ("region", pa.string()), ("first_month", pa.int64()), ("last_month", pa.int64()),
    ("n_months", pa.int64()), ("last_value", pa.float64()), ("forecast", pa.float64()),
    *[(c, pa.float64()) for c in BOUNDS],
    ("growth_pct", pa.float64()), ("p_value", pa.float64()), ("model", pa.string()),
    ("backtest_mase", pa.float64()), ("coverage_80", pa.float64()), ("coverage_95", pa.float64()),
    ("notes", pa.string()), ("has_evidence", pa.bool_()),
    *[(f"ev_{name}", typ) for name, typ in EVIDENCE_FIELDS],
    # the whole market's path (market series only): joined onto the buckets of its segment
    ("market_log_mean", _F64_LIST), ("market_hw_80", _F64_LIST), ("market_hw_95", _F64_LIST),
    ("market_log_level", pa.float64()),
])


@dataclass
class BucketOutput:
    """The three Arrow tables one bucket contributes to a run."""

    forecast: pa.Table
    backtest: pa.Table
    evidence: pa.Table


def _lists(table: pa.Table, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat values, offsets, is-null) of a list<double> column."""
    arr = table.column(name).combine_chunks()
    if isinstance(arr, pa.ChunkedArray):  # an empty table
        arr = pa.array([], type=_F64_LIST)
    flat = arr.values.to_numpy(zero_copy_only=False).astype(float, copy=False)
    return flat, arr.offsets.to_numpy(), arr.is_null().to_numpy(zero_copy_only=False)


def _market(i: int, cols: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
            level: list[float | None]) -> MarketPath | None:
    flat, offs, null = cols["market_log_mean"]
    lvl = level[i]
    if null[i] or lvl is None:
        return None
    hw = {}
    for lv in LEVELS:
        f, o, _ = cols[f"market_hw_{lv}"]
        hw[lv] = f[o[i]:o[i + 1]].copy()
    return MarketPath(log_mean=flat[offs[i]:offs[i + 1]].copy(), log_hw=hw, log_level=float(lvl))


def iter_results(table: pa.Table, *, horizon: int, min_history: int) -> Iterator[SeriesResult]:
    """``models.series.analyse`` for each row of a bucket table, in order."""
    measures = table.column("measure").to_pylist()
    flags = table.column("is_market").to_pylist()
    v_flat, v_off, _ = _lists(table, "values")
    t_flat, t_off, t_null = _lists(table, "totals")
    cols = {c: _lists(table, c) for c in ("market_log_mean", "market_hw_80", "market_hw_95")}
    level = table.column("market_log_level").to_pylist()
    for i in range(table.num_rows):
        tot = None if t_null[i] else t_flat[t_off[i]:t_off[i + 1]]
        if tot is not None and not np.isfinite(tot).any():
            tot = None
        yield analyse(v_flat[v_off[i]:v_off[i + 1]], tot, measures[i], horizon=horizon,
                      min_history=min_history, is_market=bool(flags[i]), market=_market(i, cols, level))


def month_dates(months: np.ndarray) -> np.ndarray:
    """Months since year 0 → first days of those months (``datetime64[D]``)."""
    return (np.asarray(months, dtype=np.int64) - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _evidence_values(ev: Evidence | None) -> list[object]:
    if ev is None:
        return [None] * len(EVIDENCE_FIELDS)
    out: list[object] = []
    for name, _ in EVIDENCE_FIELDS:
        v = getattr(ev, name)
        out.append(list(v) if isinstance(v, tuple) else v)
    return out


def forecast_bucket(table: pa.Table, *, horizon: int, min_history: int = 24) -> BucketOutput:
    """Forecast, backtest and collect the evidence of every series of a bucket.

    Args:
        table: one row per whole series (``INPUT_SCHEMA``; extra columns are ignored).
        horizon: months to forecast.
        min_history: fewer months → no backtest and no trend evidence (``p_value`` NaN).

    Returns:
        ``BucketOutput`` with the forecast, backtest and evidence rows, series in input order.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _forecast_bucket(table, horizon=horizon, min_history=min_history)


def _forecast_bucket(table: pa.Table, *, horizon: int, min_history: int) -> BucketOutput:
    sids = table.column("series_id").to_numpy(zero_copy_only=False).astype(np.int32)
    first = table.column("first_month").to_numpy(zero_copy_only=False).astype(np.int64)
    _, v_off, _ = _lists(table, "values")
    last = first + np.diff(v_off) - 1
    f_sid: list[np.ndarray] = []
    f_month: list[np.ndarray] = []
    f_cols: dict[str, list[np.ndarray]] = {c: [] for c in ("mean", *BOUNDS)}
    b_rows: list[tuple] = []
    e_rows: list[list[object]] = []
    for i, r in enumerate(iter_results(table, horizon=horizon, min_history=min_history)):
        sid = int(sids[i])
        at_h: list[float | None] = [None] * 5
        if r.mean is not None:
            f_sid.append(np.full(r.mean.size, sid, dtype=np.int32))
            f_month.append(int(last[i]) + 1 + np.arange(r.mean.size))
            f_cols["mean"].append(np.asarray(r.mean, dtype=float))
            for c in BOUNDS:
                f_cols[c].append(np.asarray(r.bounds[c], dtype=float))
            at_h = [float(r.mean[-1]), *(float(r.bounds[c][-1]) for c in BOUNDS)]
        ev = r.evidence
        p = ev.p_value if ev is not None and r.n_months >= min_history else math.nan
        mp = r.market_path
        e_rows.append([
            sid, None, None, None, int(first[i]), int(last[i]), r.n_months, _num(r.last_value),
            *at_h, r.growth_pct, p, r.model or None, r.mase, r.coverage.get(80), r.coverage.get(95),
            "; ".join(r.notes), ev is not None, *_evidence_values(ev),
            None if mp is None else mp.log_mean.tolist(),
            None if mp is None else mp.log_hw[80].tolist(),
            None if mp is None else mp.log_hw[95].tolist(),
            None if mp is None else float(mp.log_level)])
        for name, mase, c80, c95, n_o in r.backtest_rows:
            b_rows.append((sid, name, _num(mase), _num(c80), _num(c95), n_o))
    forecast = pa.table({
        "series_id": pa.array(np.concatenate(f_sid) if f_sid else np.empty(0, np.int32), pa.int32()),
        "period": pa.array(month_dates(np.concatenate(f_month) if f_month else np.empty(0, np.int64)),
                           pa.date32()),
        **{c: pa.array(np.concatenate(v) if v else np.empty(0), pa.float64()) for c, v in f_cols.items()},
    }, schema=FORECAST_SCHEMA)
    backtest = pa.Table.from_pylist(
        [dict(zip(BACKTEST_SCHEMA.names, row, strict=True)) for row in b_rows], schema=BACKTEST_SCHEMA)
    columns: list[list[object]] = ([list(c) for c in zip(*e_rows, strict=True)] if e_rows
                                   else [[] for _ in EVIDENCE_SCHEMA.names])
    evidence = pa.table([pa.array(col, type=f.type) for col, f in
                         zip(columns, EVIDENCE_SCHEMA, strict=True)], schema=EVIDENCE_SCHEMA)
    # segment keys and the market flag pass through from the input
    for name in ("is_market", "source", "region"):
        evidence = evidence.set_column(EVIDENCE_SCHEMA.get_field_index(name), name,
                                       table.column(name).cast(EVIDENCE_SCHEMA.field(name).type))
    return BucketOutput(forecast=forecast, backtest=backtest, evidence=evidence)


def evidence_records(evidence: pa.Table) -> list[Evidence | None]:
    """The ``Evidence`` of every row of an evidence table (None where a series had none)."""
    present = evidence.column("has_evidence").to_pylist()
    cols = [evidence.column(f"ev_{name}").to_pylist() for name, _ in EVIDENCE_FIELDS]
    names = [name for name, _ in EVIDENCE_FIELDS]
    out: list[Evidence | None] = []
    for i, ok in enumerate(present):
        if not ok:
            out.append(None)
            continue
        kw = {}
        for name, col in zip(names, cols, strict=True):
            v = col[i]
            kw[name] = tuple(v) if isinstance(v, list) else v
        out.append(Evidence(**kw))  # type: ignore[arg-type]
    return out


def market_path(evidence: pa.Table, i: int) -> MarketPath | None:
    """The market path a market series' evidence row carries (None when it has none)."""
    cols = {c: _lists(evidence, c) for c in ("market_log_mean", "market_hw_80", "market_hw_95")}
    return _market(i, cols, evidence.column("market_log_level").to_pylist())
