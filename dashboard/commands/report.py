"""``skillpulse report``: the executive brief as one self-contained HTML file (and a PDF)."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from functools import partial
from pathlib import Path

import click
from skillpulse.dashboard.brief import render
from skillpulse.dashboard.commands.common import db_option
from skillpulse.data import store
from skillpulse.data.errors import UsageError
from skillpulse.data.settings import Settings, get_settings
from skillpulse.services.brief import build_brief

PDF_TIMEOUT = 120  # seconds for Chromium to load, render and print the brief


def write_text_atomically(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file in the same folder (all or nothing)."""
    if not target.parent.is_dir():
        raise UsageError(f"{target}: {target.parent} is not an existing folder")
    if target.is_dir():
        raise UsageError(f"{target}: is a folder; pass --out a file path")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def print_pdf(html_path: Path, pdf_path: Path, settings: Settings) -> None:
    """Print the brief to PDF with headless Chromium (the page as a browser shows it)."""
    chromium = shutil.which(settings.chromium) or shutil.which("chromium")
    if not chromium:
        raise UsageError(f"--pdf needs Chromium, which is not installed ({settings.chromium} not "
                         "found): install it (Debian: apt-get install chromium) or set "
                         "SKILLPULSE_CHROMIUM, or open the HTML brief and print it from a browser")
    with tempfile.TemporaryDirectory(prefix="skillpulse-pdf-") as profile:
        tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", f"--user-data-dir={profile}", "--window-size=1000,1400",
               "--virtual-time-budget=15000", "--run-all-compositor-stages-before-draw",
               "--no-pdf-header-footer", f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            tmp.unlink(missing_ok=True)
            raise UsageError(f"Chromium did not print the brief within {PDF_TIMEOUT} s") from exc
        if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            tmp.unlink(missing_ok=True)
            detail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise UsageError(f"Chromium could not print the brief to PDF ({detail[0][:200]})")
        os.replace(tmp, pdf_path)


@click.command("report")
@db_option
@click.option("--out", "out", type=click.Path(dir_okay=False), default="brief.html",
              show_default=True, help="The HTML file to write (one self-contained file).")
@click.option("--run", "run", type=click.IntRange(min=1), default=None, metavar="N",
              help="The forecast run to brief on (default: the newest).")
@click.option("--skill", "skills", multiple=True, metavar="S",
              help="A skill to chart with its forecast fan (repeat for several; aliases and any "
                   "case accepted). Default: the top risers and decliners.")
@click.option("--pdf", is_flag=True, help="Also print the brief to PDF (same name, .pdf) with "
                                          "headless Chromium.")
def report_cmd(db: str, out: str, run: int | None, skills: tuple[str, ...], pdf: bool) -> None:
    """Write the executive brief: one HTML file that opens offline, anywhere.

    \b
    Contents: status counts; top risers and decliners with their 80% intervals and volume;
    what changed since the previous run (status flips, new series, months outside the 95%
    interval the previous run published); history and forecast fans of the chosen skills;
    the backtest scorecard in one sentence; how to read it. plotly.js is embedded once (the
    file is about 1.6 MB), nothing is fetched from the network.

    \b
    Share it as an e-mail attachment or on an intranet page; --pdf prints the same page.
    Examples:
      skillpulse report --db skills.duckdb --out brief.html
      skillpulse report --db skills.duckdb --skill Python --skill k8s --pdf
    """
    settings = get_settings()
    store.ensure_current(db)
    with store.read(db) as con:
        brief = build_brief(partial(store.query, con), run, skills)
    target = Path(out)
    write_text_atomically(target, render(brief))
    size = target.stat().st_size / 1e6
    click.echo(f"wrote the brief for run {brief.run_id} to {target} ({size:.1f} MB)", err=True)
    if pdf:
        pdf_path = target.with_suffix(".pdf")
        print_pdf(target, pdf_path, settings)
        click.echo(f"wrote {pdf_path}", err=True)
