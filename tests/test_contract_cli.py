"""End-to-end checks of the public CLI contract (DESIGN.md "CLI contract"), through a subprocess.

Every test runs the installed ``skillpulse`` console script (or ``python -m dashboard.cli``) exactly
as a user or a script would, on files written here (a deterministic long-format file of 7 series)
and, marked ``integration``, on the real Hacker News "Who is hiring" file. Checked: exit codes
(0 ok, 2 bad usage/input with a message naming file, row and column, never 1 or a traceback), the
exact output columns and their order, the status vocabulary, bound ordering, finite numbers, alias
resolution, atomicity of a failed ingest, and ``--db`` defaulting to ``$SKILLPULSE_DB``.
(``demo --no-serve`` is covered by test_demo_cli.py.)
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import real_file

OUTLOOK_COLUMNS = ["skill", "category", "source", "region", "occupation", "status", "last_period",
                   "last_value", "horizon", "forecast", "lower_80", "upper_80", "lower_95",
                   "upper_95", "growth_pct", "p_value", "q_value", "half_life_months",
                   "changepoint", "model", "backtest_mase", "coverage_80", "growth_basis",
                   "growth_lower_80", "growth_upper_80", "mentions_12m"]
FORECAST_COLUMNS = ["skill", "source", "region", "occupation", "period", "mean", "lower_80",
                    "upper_80", "lower_95", "upper_95"]
SERIES_COLUMNS = ["skill", "category", "source", "region", "occupation", "measure", "period",
                  "value", "total"]
STATUSES = {"emerging", "rising", "stable", "declining", "obsolescent", "uncertain",
            "insufficient-history"}
BOUNDS = ["lower_95", "lower_80", "forecast", "upper_80", "upper_95"]

MONTHS = 36
START = dt.date(2021, 1, 1)
# name in the file -> (shape, base level); "WDG" is an alias of Widgetry (taxonomy imported below)
SHAPES = {"Climber": ("up", 60.0), "Faller": ("down", 400.0), "Steady": ("flat", 200.0),
          "Sprout": ("emerging", 1.5), "Jitter": ("noisy", 120.0), "WDG": ("up", 80.0)}
SHORT_SKILL = "Newcomer"  # 12 months only: insufficient-history


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("skillpulse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "skillpulse"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SKILLPULSE_") and k != "PYTEST_XDIST_WORKER"}
    env.update(extra)
    return env


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``skillpulse ARGS``; never an internal error (exit 1) nor a traceback."""
    proc = subprocess.run([*_cli(), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env or _env(), timeout=timeout)
    assert proc.returncode != 1, f"internal error for {args}: {proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc


def ok(*args: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    proc = run(*args, **kw)  # type: ignore[arg-type]
    assert proc.returncode == 0, f"{args} exited {proc.returncode}: {proc.stderr[-2000:]}"
    return proc


def _month(i: int) -> dt.date:
    return dt.date(START.year + (START.month - 1 + i) // 12, (START.month - 1 + i) % 12 + 1, 1)


def _value(shape: str, base: float, i: int) -> float:
    wiggle = 1 + 0.03 * math.sin(1.7 * i)  # deterministic small noise
    if shape == "up":
        return base * math.exp(0.045 * i) * wiggle
    if shape == "down":
        return base * math.exp(-0.07 * i) * wiggle
    if shape == "emerging":
        return base * math.exp(0.13 * i) * wiggle
    if shape == "noisy":
        return base * (1 + 0.45 * math.sin(2.3 * i))
    return base * wiggle


def write_long(path: Path) -> pl.DataFrame:
    """6 skills x 36 months + a 12-month skill, periods as YYYY-MM, mixed-case header."""
    rows = [(name, _month(i).strftime("%Y-%m"), round(_value(shape, base, i), 3))
            for name, (shape, base) in SHAPES.items() for i in range(MONTHS)]
    rows += [(SHORT_SKILL, _month(MONTHS - 12 + i).strftime("%Y-%m"), 10.0 + i) for i in range(12)]
    frame = pl.DataFrame(rows, schema=["Skill", "Period", "VALUE"], orient="row")
    frame.write_csv(path)
    return frame


def read_csv(text_or_path: str | Path) -> pl.DataFrame:
    src = Path(text_or_path) if isinstance(text_or_path, Path) else text_or_path.encode()
    return pl.read_csv(src, infer_schema_length=None)


def _finite(df: pl.DataFrame, cols: list[str]) -> None:
    for col in cols:
        values = df[col].drop_nulls().cast(pl.Float64)
        assert values.is_finite().all(), f"{col} has NaN or inf"


def _ordered(df: pl.DataFrame, mid: str) -> None:
    cols = [c if c != "forecast" else mid for c in BOUNDS]
    bad = df.filter(pl.col(mid).is_not_null()).filter(
        ~((pl.col(cols[0]) <= pl.col(cols[1]) + 1e-9) & (pl.col(cols[1]) <= pl.col(cols[2]) + 1e-9)
          & (pl.col(cols[2]) <= pl.col(cols[3]) + 1e-9) & (pl.col(cols[3]) <= pl.col(cols[4]) + 1e-9)))
    assert bad.height == 0, f"bounds out of order: {bad.head(3).rows()}"
    assert (df[cols[0]].drop_nulls() >= 0).all(), "a demand bound below zero"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("contract")
    write_long(root / "terms.csv")
    (root / "taxonomy.csv").write_text(
        "skill,category,aliases\nWidgetry,Tooling,wdg|widget making\nFaller,Legacy,\n")
    return root


@pytest.fixture(scope="module")
def db(work: Path) -> Path:
    """taxonomy import -> ingest -> forecast --horizon 12 --jobs 1, each exiting 0."""
    path = work / "skills.duckdb"
    ok("taxonomy", "import", work / "taxonomy.csv", "--db", path)
    ok("ingest", work / "terms.csv", "--db", path)
    ok("forecast", "--db", path, "--horizon", "12", "--jobs", "1")
    return path


@pytest.fixture(scope="module")
def series_text(db: Path) -> str:
    """``export series`` of the module database (no test changes its data)."""
    return ok("export", "series", "--db", db).stdout


@pytest.fixture(scope="module")
def outlook_text(db: Path) -> str:
    """``export outlook`` of the module database (no test adds a run to it)."""
    return ok("export", "outlook", "--db", db).stdout


def export(path: Path, kind: str, *extra: str | Path) -> pl.DataFrame:
    return read_csv(ok("export", kind, "--db", path, *extra).stdout)


def test_export_series_contract_and_alias_resolution(series_text: str) -> None:
    df = read_csv(series_text)
    assert df.columns == SERIES_COLUMNS
    assert df.height == len(SHAPES) * MONTHS + 12
    names = set(df["skill"])
    assert "Widgetry" in names and not {"WDG", "wdg"} & names, names
    assert df.filter(pl.col("skill") == "Widgetry")["category"].unique().to_list() == ["Tooling"]
    assert set(df["measure"]) == {"count"}
    assert df["period"].cast(pl.String).str.contains(r"^\d{4}-\d{2}-01$").all()
    assert df.filter(pl.col("skill") == "Climber").sort("period")["period"].cast(pl.String)[0] \
        == START.isoformat()


def test_reingest_same_file_changes_nothing(db: Path, work: Path, series_text: str) -> None:
    ok("ingest", work / "terms.csv", "--db", db)
    assert ok("export", "series", "--db", db).stdout == series_text


def test_export_outlook_contract(outlook_text: str) -> None:
    df = read_csv(outlook_text)
    assert df.columns == OUTLOOK_COLUMNS
    assert df.height == len(SHAPES) + 1  # one row per series
    assert set(df["status"]) <= STATUSES, set(df["status"])
    status = dict(zip(df["skill"], df["status"], strict=True))
    assert status[SHORT_SKILL] == "insufficient-history"
    assert status["Climber"] in {"rising", "emerging"}
    assert status["Widgetry"] in {"rising", "emerging"}
    assert status["Faller"] in {"declining", "obsolescent"}
    assert status["Steady"] in {"stable", "uncertain"}
    assert (df["horizon"] == 12).all()
    assert (df["last_period"].cast(pl.String) == _month(MONTHS - 1).isoformat()).all()
    full = df.filter(pl.col("status") != "insufficient-history")
    for col in ["last_value", "forecast", "lower_80", "upper_80", "lower_95", "upper_95",
                "growth_pct", "p_value", "q_value", "backtest_mase", "coverage_80", "model"]:
        assert full[col].null_count() == 0, f"{col} missing"
    _finite(df, [c for c in OUTLOOK_COLUMNS if df[c].dtype.is_numeric()])
    _ordered(df, "forecast")
    for col in ["p_value", "q_value", "coverage_80"]:
        assert full[col].is_between(0, 1).all(), col
    growth = dict(zip(df["skill"], df["growth_pct"], strict=True))
    assert growth["Climber"] > 0 > growth["Faller"]
    hl = df.filter(pl.col("skill") == "Faller")["half_life_months"][0]
    assert hl is not None and hl > 0


def test_export_forecast_contract(db: Path) -> None:
    df = export(db, "forecast")
    assert df.columns == FORECAST_COLUMNS
    per = df.group_by("skill").agg(pl.col("period").cast(pl.String).sort().alias("p"))
    assert per.height == len(SHAPES) + 1
    expected = [_month(MONTHS + i).isoformat() for i in range(12)]
    for skill, periods in per.iter_rows():
        assert periods == expected, skill
    _finite(df, ["mean", "lower_80", "upper_80", "lower_95", "upper_95"])
    assert df.select(pl.col(FORECAST_COLUMNS[5:]).null_count()).row(0) == (0,) * 5
    _ordered(df, "mean")


def test_export_backtest_and_file_formats(db: Path, work: Path, outlook_text: str) -> None:
    back = export(db, "backtest")
    assert back.height > 0 and {"skill", "model"} <= set(back.columns)
    csv = read_csv(outlook_text)
    for suffix in ("parquet", "json"):  # CSV: the stdout fixtures above
        out = work / f"outlook.{suffix}"
        ok("export", "outlook", "--db", db, "--out", out)
        got = (pl.read_parquet(out) if suffix == "parquet" else
               pl.DataFrame(json.loads(out.read_text())))
        assert got.columns == OUTLOOK_COLUMNS and got.height == csv.height, suffix
    # --as wins over the suffix; JSON to stdout
    odd = work / "series.txt"
    ok("export", "series", "--db", db, "--as", "parquet", "--out", odd)
    assert pl.read_parquet(odd).columns == SERIES_COLUMNS
    rows = json.loads(ok("export", "forecast", "--db", db, "--as", "json").stdout)
    assert list(rows[0]) == FORECAST_COLUMNS


BAD_FILES = {  # name -> (content, row, column) the message must name
    "nonnumeric.csv": ("skill,period,value\nA,2021-01,5\nA,2021-02,abc\n", 3, "value"),
    "badperiod.csv": ("skill,period,value\nA,2021-01,5\nA,2021-13,6\n", 3, "period"),
    "novalue.csv": ("skill,period\nA,2021-01\n", 1, "value"),
    "negative.csv": ("skill,period,value\nA,2021-01,-4\n", 2, "value"),
}


def test_bad_input_exits_2_naming_file_row_column_and_changes_nothing(
        db: Path, work: Path, series_text: str) -> None:
    for name, (content, row, column) in BAD_FILES.items():
        bad = work / name
        bad.write_text(content)
        proc = run("ingest", bad, "--db", db)
        assert proc.returncode == 2, (name, proc.stderr)
        message = proc.stderr.strip()
        assert name in message and f"row {row}" in message and column in message, message
        assert len(message.splitlines()) == 1, message
    assert ok("export", "series", "--db", db).stdout == series_text


def test_failing_multi_file_ingest_is_all_or_nothing(db: Path, work: Path,
                                                    series_text: str) -> None:
    good = work / "more.csv"
    good.write_text("skill,period,value\nClimber,2024-01,1\nBrandNewSkill,2024-01,3\n")
    bad = work / "bad_tail.csv"
    bad.write_text("skill,period,value\nSteady,2024-01,x\n")
    assert run("ingest", good, bad, "--db", db).returncode == 2
    assert ok("export", "series", "--db", db).stdout == series_text


def test_bad_usage_exits_2(db: Path, outlook_text: str) -> None:
    for args in (["forecast", "--as-of", "2019-13"], ["forecast", "--horizon", "0"],
                 ["export", "everything"], ["ingest", "missing_file.csv"]):
        proc = run(*args, "--db", db)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.strip(), f"no message for {args}"
    assert ok("export", "outlook", "--db", db).stdout == outlook_text
    proc = run("export", "series", "--db", db.parent / "nothing.duckdb")
    assert proc.returncode == 2 and "nothing.duckdb" in proc.stderr


def test_db_defaults_to_env_then_working_directory(db: Path, work: Path, tmp_path: Path,
                                                   series_text: str) -> None:
    assert ok("export", "series", env=_env(SKILLPULSE_DB=str(db))).stdout == series_text
    ok("ingest", work / "terms.csv", cwd=tmp_path)
    local = tmp_path / "skillpulse.duckdb"
    assert local.exists()
    from_cwd = read_csv(ok("export", "series", cwd=tmp_path).stdout)
    # same data; categories differ (no taxonomy imported here) and the alias stays a name
    assert from_cwd.height == read_csv(series_text).height
    assert "WDG" in set(from_cwd["skill"])


def test_as_of_and_horizon(work: Path, tmp_path: Path) -> None:
    path = tmp_path / "asof.duckdb"
    ok("ingest", work / "terms.csv", "--db", path)
    ok("forecast", "--db", path, "--as-of", "2023-06", "--horizon", "6", "--jobs", "2")
    df = export(path, "outlook")
    assert (df["last_period"].cast(pl.String) == "2023-06-01").all()
    assert (df["horizon"] == 6).all()
    # the 12-month skill starts 2023-01: 6 months by 2023-06
    assert df.filter(pl.col("skill") == SHORT_SKILL)["status"].to_list() == ["insufficient-history"]
    fc = export(path, "forecast")
    assert fc["period"].cast(pl.String).min() == "2023-07-01"
    assert fc["period"].cast(pl.String).max() == "2023-12-01"


def test_extract_catalogue_and_gaps(db: Path, work: Path, outlook_text: str) -> None:
    posts = work / "postings.csv"
    posts.write_text("id,posted_at,title,description\n"
                     "p1,2024-01-05,Engineer,\"We need widget making and Faller experience.\"\n"
                     "p2,2024-01-06,Clerk,\"We are an equal opportunity employer.\"\n")
    ext = read_csv(ok("extract", posts, "--taxonomy", work / "taxonomy.csv").stdout)
    assert ext.columns == ["id", "skill"]
    assert set(ext.rows()) == {("p1", "Widgetry"), ("p1", "Faller")}
    via_db = read_csv(ok("extract", posts, "--db", db).stdout)
    assert ("p1", "Widgetry") in set(via_db.rows())

    status = dict(read_csv(outlook_text).select("skill", "status").iter_rows())
    courses = work / "courses.csv"
    courses.write_text("course_id,title,skills,last_updated\n"
                       "C1,Old tricks,faller,2019-01-01\nC2,Steady work,STEADY,2024-01-01\n")
    cat = read_csv(ok("catalogue", courses, "--db", db).stdout)
    assert cat.columns == ["course_id", "title", "action", "score", "reason"]
    assert set(cat["action"]) <= {"retire", "refresh", "keep", "build"}
    action = {r["course_id"]: r["action"] for r in cat.iter_rows(named=True) if r["course_id"]}
    assert action["C1"] in {"retire", "refresh"}
    builds = cat.filter(pl.col("action") == "build")
    assert builds["course_id"].fill_null("").eq("").all()
    rising = {s for s, v in status.items() if v in {"rising", "emerging"}}
    assert set(builds["title"]) <= rising and builds.height > 0

    inventory = work / "inventory.csv"
    inventory.write_text("person,skill,proficiency\nana,faller,4\nana,wdg,1\nbo,Steady,3\n")
    gaps = read_csv(ok("gaps", inventory, "--db", db).stdout)
    assert gaps.columns == ["person", "skill", "kind", "priority", "reason"]
    assert set(gaps["kind"]) <= {"acquire", "deepen", "retire"}
    kinds = {(r["person"], r["skill"]): r["kind"] for r in gaps.iter_rows(named=True)}
    assert kinds.get(("ana", "Faller")) == "retire"
    assert kinds.get(("ana", "Widgetry")) == "deepen"  # alias resolved, rising, held at 1
    assert gaps["priority"].is_finite().all()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(db: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen([*_cli(), "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_answers_routes(served: str) -> None:
    for route in ("/", "/skills?skill=wdg", "/skills?skill=Climber&skill=faller", "/methodology"):
        with urllib.request.urlopen(served + route, timeout=10) as resp:
            assert resp.status == 200, route
            assert b"<html" in resp.read().lower()


@pytest.mark.integration
@pytest.mark.slow
def test_real_hn_file_end_to_end(tmp_path: Path) -> None:
    src = real_file("hn_whoishiring", "hn_whoishiring_terms_monthly.csv")
    local = tmp_path / src.name  # terms.dic next to it is optional; copy both when present
    shutil.copy(src, local)
    if (src.parent / "terms.dic").exists():
        shutil.copy(src.parent / "terms.dic", tmp_path / "terms.dic")
    path = tmp_path / "hn.duckdb"
    ok("ingest", local, "--db", path)
    raw = pl.read_csv(src)
    series_csv = ok("export", "series", "--db", path).stdout
    series = read_csv(series_csv)
    assert series.columns == SERIES_COLUMNS
    shares = series.filter(pl.col("measure") == "share")
    assert shares.height > 0 and shares["value"].is_between(0, 100).all()
    assert series["period"].cast(pl.String).max() == str(raw["month"].max())[:7] + "-01"

    ok("forecast", "--db", path, "--jobs", "2")
    out = export(path, "outlook")
    assert out.columns == OUTLOOK_COLUMNS
    assert out.height == series.select("skill", "source", "region", "occupation").unique().height
    assert set(out["status"]) <= STATUSES
    _finite(out, [c for c in OUTLOOK_COLUMNS if out[c].dtype.is_numeric()])
    _ordered(out, "forecast")
    by_skill = {s.lower(): st for s, st in out.select("skill", "status").iter_rows()}
    for name in ("typescript", "python", "jquery", "go"):  # resolved names of real HN terms
        assert name in by_skill, name
    fc = export(path, "forecast")
    assert fc.columns == FORECAST_COLUMNS
    assert fc.group_by("skill", "source", "region", "occupation").len()["len"].unique().to_list() \
        == [24]
    _ordered(fc, "mean")
    assert export(path, "backtest").height > 0

    bad = tmp_path / "hn_bad.csv"
    bad.write_text(src.read_text().splitlines()[0] + "\n2024-06-01,300,Python,3,banana,7\n")
    proc = run("ingest", bad, "--db", path)
    assert proc.returncode == 2 and "hn_bad.csv" in proc.stderr and "row 2" in proc.stderr
    assert ok("export", "series", "--db", path).stdout == series_csv
