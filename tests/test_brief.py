"""``skillpulse report``: one self-contained HTML brief (plotly.js once, no external requests, under
10 MB, hostile skill names shown as text), opened offline in Chromium with no console errors and
its figures drawn, and printed to PDF whose first page shows the status counts."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from skillpulse.dashboard.brief import render
from skillpulse.data import store
from skillpulse.services.brief import build_brief, scorecard_sentence

from tests.browser_support import chromium, chromium_available
from tests.fixtures_app import demo_frames, load_frame, synthesize_run

HOSTILE = "<img src=x onerror=\"window.__xss=1\">C++ & </script><script>window.__xss=2</script>"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """24 demo skills plus one with a hostile name, two synthetic runs a year apart."""
    path = tmp_path_factory.mktemp("brief") / "b.duckdb"
    frame, taxonomy = demo_frames(n_skills=24)
    first = frame["skill"].unique().sort()[0]
    hostile = frame.filter(pl.col("skill") == first).with_columns(pl.lit(HOSTILE).alias("skill"))
    last = frame["period"].max()
    with store.write(path) as con:
        load_frame(con, pl.concat([frame, hostile]), taxonomy)
        synthesize_run(con, as_of=dt.date(last.year - 1, last.month, 1))
        synthesize_run(con)
    return path


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("skillpulse")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "skillpulse"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def brief_file(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief-out") / "brief.html"
    proc = cli("report", "--db", db, "--out", out, "--skill", HOSTILE.lower(), "--skill", "fixture alias")
    assert proc.returncode == 0, proc.stderr
    return out


def test_one_self_contained_file(brief_file: Path) -> None:
    text = brief_file.read_text(encoding="utf-8")
    assert brief_file.stat().st_size < 10 * 1024 * 1024
    assert text.count("window.Plotly = Plotly") == 1  # plotly.js embedded once
    markup = re.sub(r"<script>.*?</script>", "", text, flags=re.S)  # the page around the scripts
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup, re.I)
    assert "<link" not in markup and "@import" not in markup and "url(" not in markup
    for section in ("status-counts", "movers", "changes", "charts", "backtest", "how-to-read"):
        assert f'id="{section}"' in text or f"id='{section}'" in text, section
    assert "What changed since the previous run" in text and "Since run 1" in text
    assert text.count("class='chart'") == 2


def test_hostile_names_are_text(brief_file: Path) -> None:
    text = brief_file.read_text(encoding="utf-8")
    assert "<img" not in text and "window.__xss=2</script>" not in text
    assert "&lt;img src=x onerror=" in text  # shown, escaped
    body_scripts = re.findall(r"<script>(.*?)</script>", text, re.S)
    assert len(body_scripts) == 2  # plotly.js and the figures: nothing a name could open


def test_content_matches_the_run(db: Path) -> None:
    with store.read(db) as con:
        q = partial(store.query, con)
        brief = build_brief(q)
        counts = dict(q("dash_status_counts", run_id=2, market="market").iter_rows())
    assert brief.run_id == 2 and brief.counts == counts
    assert brief.changes is not None and brief.changes.pair.before == 1
    assert not brief.chosen and 1 <= len(brief.charts) <= 4
    html = render(brief)
    for status, n in counts.items():
        assert f"<div class=\"n\">{n:,}</div>" in html, status


def test_first_run_and_errors(db: Path, tmp_path: Path) -> None:
    with store.read(db) as con:
        first = build_brief(partial(store.query, con), run=1)
    assert first.changes is None and "first forecast run" in first.notes[0]
    assert "first forecast run" in render(first)
    proc = cli("report", "--db", db, "--out", tmp_path / "b.html", "--skill", "No Such Skill")
    assert proc.returncode == 2 and "'No Such Skill'" in proc.stderr
    assert not (tmp_path / "b.html").exists()
    proc = cli("report", "--db", db, "--out", tmp_path / "b.html", "--run", "9")
    assert proc.returncode == 2 and "no forecast run 9" in proc.stderr


def test_scorecard_sentence() -> None:
    card = pl.DataFrame({"model": ["headline", "naive"], "series": [200, 200],
                         "median_mase": [0.8, 1.0], "mean_mase": [0.9, 1.1],
                         "pct_beats_snaive": [61.0, 40.0], "coverage_80": [78.0, 70.0],
                         "coverage_95": [93.0, 90.0], "origins": [10, 10]})
    text = scorecard_sentence(card)
    assert "median MASE 0.80 (20% lower error than the naive forecast)" in text
    assert "61% of series" in text and "held 78% and 93%" in text
    assert scorecard_sentence(card.head(0)) == "No backtest was stored with this run."


# ---- in Chromium -----------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not chromium_available(),
                                    reason="Debian chromium or the playwright package is missing")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("width", [1200, 390])
def test_opens_offline_and_draws(brief_file: Path, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, offline=True)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(brief_file.as_uri())
    page.wait_for_function("document.querySelectorAll('.chart .main-svg').length >= 2", timeout=20_000)
    assert requests == [brief_file.as_uri()]
    assert not errors, errors
    assert page.evaluate("window.__xss") is None
    for i in range(2):
        assert page.locator(f"#chart-{i} .scatterlayer .trace").count() >= 3  # fans, forecast, history
    legend = page.locator("#chart-0 .legendtext").all_text_contents()
    assert legend == [HOSTILE]  # the name as typed, never markup
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.browser
@needs_chromium
def test_pdf_first_page_shows_the_status_counts(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    proc = cli("report", "--db", db, "--out", out, "--pdf")
    assert proc.returncode == 0, proc.stderr
    pdf = out.with_suffix(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    with store.read(db) as con:
        counts = dict(store.query(con, "dash_status_counts", run_id=2, market="market").iter_rows())
    if not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) not installed: PDF page not inspected")
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", pdf, "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"Status of {sum(counts.values())} skill series" in text
    for status in ("EMERGING", "RISING", "STABLE", "DECLINING", "OBSOLESCENT", "UNCERTAIN"):
        assert status in text
    numbers = set(re.findall(r"\b\d+\b", text))
    assert {str(n) for n in counts.values()} <= numbers
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-png", pdf, tmp_path / "p"],
                   check=True)
    png = next(tmp_path.glob("p*.png"))
    assert png.stat().st_size > 5_000  # a drawn page, not a blank one


def test_pdf_without_chromium_is_a_clear_error(db: Path, tmp_path: Path) -> None:
    import os

    env = {**os.environ, "SKILLPULSE_CHROMIUM": "/nonexistent/chromium", "PATH": "/usr/local/bin"}
    script = Path(sys.executable).with_name("skillpulse")
    proc = subprocess.run([str(script), "report", "--db", str(db), "--out", str(tmp_path / "b.html"),
                           "--pdf"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 2 and "--pdf needs Chromium" in proc.stderr
    assert (tmp_path / "b.html").exists() and not (tmp_path / "b.pdf").exists()
