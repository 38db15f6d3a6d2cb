"""The ``hn-whoishiring`` format: monthly term shares from Hacker News "Who is hiring?" threads.

Input (ryanwi/hiringtrends, converted): ``month, num_comments, term, count, percentage, rank``
(``count`` and ``rank`` are not stored but, when present, must be numbers: count ≥ 0).
Each term becomes a ``share`` series (``value`` = percentage of that month's job comments,
``total`` = num_comments), source ``hn-whoishiring``. ``num_comments`` per month also becomes the
whole-market series (skill ``store.MARKET_SKILL``, measure ``count``): "did hiring fall, or did the
skill?". Terms that are not skills (work arrangement, seniority, enthusiasm) are excluded; the list
is :data:`EXCLUDED_TERMS`; so are skills whose term the upstream counts as an ordinary word in
every sense (:data:`AMBIGUOUS_TERMS`). Role words such as "Back End" or "Full Stack" are kept: they name a
competency profile that employers ask for.

Two terms that the taxonomy treats as one skill are merged by keeping the larger share.

If the upstream dictionary ``terms.dic`` sits next to the file, its aliases are added to the
taxonomy: ``Name/alias[A|B]`` gives aliases A and B; ``Name/js[X]`` (upstream: matches X, X.js and
XJS) gives aliases X, X.js and XJS.
"""
from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from skillpulse.data.errors import InputError
from skillpulse.data.ingest import checks
from skillpulse.data.ingest.detect import HN_REQUIRED
from skillpulse.data.ingest.frame import Parsed, assemble, spreadsheet_rows
from skillpulse.data.ingest.long import reject_duplicates
from skillpulse.data.ingest.monthly import to_monthly
from skillpulse.data.ingest.readers import RawTable
from skillpulse.data.settings import Settings
from skillpulse.data.store import MARKET_SKILL

SOURCE = "hn-whoishiring"
# Not skills: how or where people work, seniority and career stage, and enthusiasm words.
EXCLUDED_TERMS = (
    "Remote", "Onsite", "On-site", "On site", "Hybrid", "Relocation", "Visa",
    "Senior", "Staff", "Principal", "Junior", "Lead", "Intern", "Internship", "Graduate",
    "Full-time", "Part-time", "Contract", "Contractor", "Freelance",
    "passion", "passionate",
)
# Skills named by an ordinary word that the upstream counter matches in every sense, so the
# count is mostly not the skill: Processing (the creative-coding language) counts "data
# processing" and "payment processing" — 2.2% of job comments in 2024, as many as Java — and was
# proposed to every team as a large, stable language.
AMBIGUOUS_TERMS = ("Processing",)
_AMBIGUOUS_KEYS = frozenset(t.lower() for t in AMBIGUOUS_TERMS)
_EXCLUDED_KEYS = frozenset(t.lower() for t in EXCLUDED_TERMS) | _AMBIGUOUS_KEYS
_DIC_RE = re.compile(r"^(?P<name>[^/]+?)\s*(?:/(?P<kind>alias|js)\[(?P<list>[^\]]*)\])?\s*$")


def parse_terms_dic(path: Path) -> pl.DataFrame:
    """``name, aliases`` (``|``-separated) from an upstream ``terms.dic``; excluded terms dropped."""
    names: list[str] = []
    aliases: list[str] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _DIC_RE.match(line.strip())
        if not m or not m.group("name").strip():
            continue
        name = m.group("name").strip()
        if name.lower() in _EXCLUDED_KEYS:
            continue
        items = [a.strip() for a in (m.group("list") or "").split("|") if a.strip()]
        if m.group("kind") == "js":
            items = [v for x in items for v in (x, f"{x}.js", f"{x}JS")]
        items = [a for a in dict.fromkeys(items) if a.lower() != name.lower()]
        if items:
            names.append(name)
            aliases.append("|".join(items))
    return pl.DataFrame({"name": names, "aliases": aliases}, schema={"name": pl.String, "aliases": pl.String})


def parse_hn(raw: RawTable, *, source: str | None, settings: Settings) -> Parsed:
    """Validate the HN term file and return its ingest frame (term shares + the market series)."""
    checks.require_columns(raw, HN_REQUIRED, "hn-whoishiring")
    src = source or SOURCE
    term = checks.text_column(raw, "term", required=True, max_len=settings.max_skill_name,
                              what="a term")
    period, monthly = checks.period_column(raw, "month")
    pct = checks.number_column(raw, "percentage", required=True, minimum=0.0, maximum=100.0,
                               what="a percentage of comments (0–100)")
    comments = checks.number_column(raw, "num_comments", required=True, minimum=0.0,
                                    what="a number of comments")
    # Not stored (the percentage is), but a bad cell means a broken file: say where.
    if "count" in raw.frame.columns:
        checks.number_column(raw, "count", required=True, minimum=0.0,
                             what="a number of comments mentioning the term")
    if "rank" in raw.frame.columns:
        checks.number_column(raw, "rank", required=False, minimum=0.0, what="a rank (a number)")
    rows = spreadsheet_rows(raw.frame)
    _check_one_total_per_month(period, comments, rows, raw.label)

    keep = ~term.str.to_lowercase().is_in(list(_EXCLUDED_KEYS))
    excluded = sorted(set(term.filter(~keep).to_list()))
    terms = assemble(term.filter(keep), period.filter(keep), pct.filter(keep),
                     total=comments.filter(keep), source=src, region="", occupation="",
                     measure="share", rows=rows.filter(keep))
    market_src = pl.DataFrame({"period": period, "value": comments}).unique(
        subset="period", keep="first", maintain_order=True)
    market = assemble(pl.repeat(MARKET_SKILL, market_src.height, dtype=pl.String, eager=True),
                      market_src["period"], market_src["value"], total=None, source=src,
                      region="", occupation="", measure="count")
    ambiguous = [t for t in excluded if t.lower() in _AMBIGUOUS_KEYS]
    plain = [t for t in excluded if t.lower() not in _AMBIGUOUS_KEYS]
    notes = [f"excluded non-skill terms: {', '.join(plain)}"] if plain else []
    if ambiguous:
        notes.append(f"excluded terms counted as an ordinary word in every sense (not the skill): "
                     f"{', '.join(ambiguous)}")
    frame = pl.concat([terms, market.with_columns(pl.lit(None, dtype=pl.Int64).alias("_row"))]
                      if "_row" in terms.columns else [terms, market], how="vertical")
    if not monthly:
        reject_duplicates(terms, raw.label, "date")
        frame = to_monthly(frame, notes, label=raw.label)
    dic = raw.path.with_name("terms.dic")
    aliases = None
    if dic.is_file():
        aliases = _aliases_for(parse_terms_dic(dic), set(term.str.to_lowercase().unique().to_list()),
                               set(term.filter(keep).str.to_lowercase().unique().to_list()))
        notes.append(f"aliases from {dic.name} for {aliases.height} terms")
    # Two upstream terms may be one skill in the taxonomy (e.g. an old and a new name): the
    # share of comments mentioning either is at least the larger of the two, so keep that.
    return Parsed(frame=frame, fmt="hn-whoishiring", aliases=aliases, notes=notes, merge="max")


def _aliases_for(dic: pl.DataFrame, all_terms: set[str], kept: set[str]) -> pl.DataFrame:
    """Dictionary aliases for the kept terms of the file, minus aliases that are themselves terms
    of the file (each term is its own series; an alias must not fold one into another)."""
    pairs = (dic.filter(pl.col("name").str.to_lowercase().is_in(list(kept)))
             .with_columns(pl.col("aliases").str.split("|")).explode("aliases")
             .filter(~pl.col("aliases").str.to_lowercase().is_in(list(all_terms))))
    return (pairs.group_by("name", maintain_order=True)
            .agg(pl.col("aliases").str.join("|")))


def _check_one_total_per_month(period: pl.Series, comments: pl.Series, rows: pl.Series,
                               label: str) -> None:
    """Every row of a month must give the same num_comments (it is that month's total)."""
    df = pl.DataFrame({"period": period, "n": comments})
    first = df.select(pl.col("n").first().over("period")).to_series()
    idx = checks.first_true(first != comments)
    if idx is not None:
        raise InputError(f"num_comments is {comments[idx]:g} but an earlier row of month "
                         f"{period[idx]:%Y-%m} says {first[idx]:g}; a month has one number of "
                         "comments", file=label, row=int(rows[idx]), column="num_comments")
