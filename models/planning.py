"""L&D decisions from the outlook: course catalogue triage and per-person skill-gap plans.

Pure polars/Python over small frames (a catalogue, a team); no database, no Dash.

Evidence per skill (``skill_evidence``), from the representative series of the latest run:

- class: ``D`` declining/obsolescent, ``R`` rising/emerging, ``S`` stable, ``U`` the rest
  (uncertain, insufficient-history, no demand data); except ``L`` — declining but still large —
  for a declining (not obsolescent) skill whose mentions a month at the horizon (``volume ×
  e^x``) are still at least the run's ``HOLDING_QUANTILE`` quantile of mention volumes today
  (HN as of 2024-05: React, −12% in share, about 60 postings a month in two years; the run's top
  quarter starts at 4). Such a skill keeps its audience for years: its courses are kept (or
  refreshed for a rising neighbour, as any course) and a person holding it is not told to phase
  it out; it still counts as declining where a successor is looked for. A plan does not retire
  what the interval beside it does not expect to fall, nor propose it: ``U`` for an obsolescent
  skill whose judged 80% growth interval lies above zero (a collapse whose forecast bounces: R
  on HN as of 2024-05, +21% [+3% to +40%]) and for a declining one (after a collapse, not a
  trend) whose interval reaches zero (Statistics on HN, −15% [−50% to +45%]: "phase out
  Statistics" for a statistician).
- expected change ``x = ln(1 + growth_pct/100)``: growth at the forecast horizon on a log scale, so
  a halving (−0.69) and a doubling (+0.69) weigh the same and a +900% emerging skill does not swamp
  everything (+2.3).
- confidence ``c = 1 / (1 + w) × a × s`` in (0, 1]: ``w`` the width of the 80% growth interval on the
  same log scale (narrow interval → c near 1), ``a = min(1, 1/MASE)`` penalises a headline model that
  lost to seasonal naive in the backtest, ``s`` = 1 for a decided status, 0.5 ``uncertain``,
  0.25 ``insufficient-history``.

- demand at stake ``stake = volume × (e^x − 1)``: postings a month gained (+) or lost (−) at the
  horizon, ``volume`` = mentions a month over the last 12 months (``mentions_12m / 12``); a +900%
  on one posting a month weighs less than +5% of a skill in 200 postings a month. Without counts
  (an index) the stake is ``x`` itself. Skills under ``MIN_MENTIONS_MONTH`` mentions a month are
  never proposed (acquire, build, refresh neighbour).

Catalogue score = demand at stake × confidence: retire — share of declining skills × their mean
``−stake``; refresh — the same for a mixed course, plus the near rising skill's stake when the
course is outdated (near = a named successor of a skill taught, else the same category); keep —
the mean stake of its skills (≥ 0); build — the uncovered rising skill's stake. Confidence is the
mean ``c`` of the skills the value comes from. Rows are sorted by score, highest first.

Gap priority = value × ``c`` × weight: retire — the stake lost × reliance (proficiency/5, 0.6 when
unknown), naming what replaces it (its taxonomy ``successors``, else the strongest rising skill of
its category, else a successor that declines too, said so); deepen — the stake gained × 1.2
(cheaper than starting anew); acquire — rising skills (their stake) and large, stable ones
(``STABLE_RETURN`` × volume, for stable skills at least at the run's ``LARGE_QUANTILE`` of
volumes) near the person: in a category they work in or a named
successor of a skill they hold, or often in the same postings as one they hold (co-mentions stored
at postings ingest); weight ``0.5 + 0.5 × adjacency`` (the share of the person's skills
in the candidate's category) + 0.25 when they hold a declining skill in that category, +
``SUCCESSOR_BONUS`` for a named successor, + ``NEAR_BONUS`` for a co-mentioned one. Everyone
with such a skill near them gets an acquire step.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import polars as pl
from skillpulse.data.statuses import COLLAPSE_RATIO, DECLINING, RISING, halving, of_peak

CATALOGUE_COLUMNS = ("course_id", "title", "action", "score", "reason")
# A half-life is spelled out up to 20 years; beyond that the decay is too slow to plan around and
# the number is mostly extrapolation ("a slow decay"). The reasons here and the explorer page agree.
HALF_LIFE_SHOWN_MONTHS = 240
NO_DATA = "no demand data"  # the status of a taxonomy skill without an outlook in the run
GAP_COLUMNS = ("person", "skill", "kind", "priority", "reason")
ACTIONS = ("retire", "refresh", "keep", "build")
KINDS = ("acquire", "deepen", "retire")
_STATUS_FACTOR = {"uncertain": 0.5, "insufficient-history": 0.25}
# Plans never point at a skill mentioned in fewer postings than this a month (count noise: the
# outlook's own volume gate), when mentions are known.
MIN_MENTIONS_MONTH = 2.0
# "Large and stable": a stable skill at least at this quantile of the run's mention volumes is
# worth acquiring for the demand it already has; it is valued at STABLE_RETURN of its volume.
LARGE_QUANTILE = 0.5
STABLE_RETURN = 0.05
SUCCESSOR_BONUS = 0.5  # acquire weight for a named successor of a skill the person holds
NEAR_BONUS = 0.25      # … for a skill often in the same postings as one they hold (co-mentions)
# "Declining but still large" (class L): a declining skill whose mentions a month at the horizon
# are at least this quantile of the run's mention volumes today is not retired.
HOLDING_QUANTILE = 0.75


@dataclass(frozen=True)
class Evidence:
    """What the outlook says about one skill, ready for decisions and sentences."""

    skill: str
    category: str
    status: str
    cls: str
    x: float  # expected log change at the horizon
    confidence: float
    growth_lower: float | None
    phrase: str
    volume: float | None = None  # mentions a month (last 12 months); None without counts
    successors: tuple[str, ...] = ()
    near: tuple[str, ...] = ()  # most co-mentioned skills in postings, most first

    @property
    def stake(self) -> float:
        """Demand at stake: mentions a month gained (+) or lost (−) at the horizon
        (``volume × (e^x − 1)``); without counts, the expected log change ``x`` itself."""
        if self.volume is None:
            return self.x
        return self.volume * math.expm1(self.x)

    @property
    def declines(self) -> bool:
        """Declining or obsolescent, large or not (classes ``D`` and ``L``)."""
        return self.cls in ("D", "L")

    @property
    def thin(self) -> bool:
        """Too few mentions to plan on (``MIN_MENTIONS_MONTH``)."""
        return self.volume is not None and self.volume < MIN_MENTIONS_MONTH


def _pct(v: float | None) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{v:+.0f}%"


def _phrase(row: dict) -> str:
    """``Kubernetes (rising, +45% in 24 months [80%: +20% to +80%], …)``; a declining skill's
    ``…, halving every 26 months on its 3-year trend [17–40])``."""
    status = row.get("status") or NO_DATA
    parts = [status]
    g = row.get("growth_pct")
    if g is not None and math.isfinite(g):
        lo, hi = row.get("growth_lower_80"), row.get("growth_upper_80")
        horizon = row.get("horizon")
        span = f" in {int(horizon)} months" if horizon else ""
        interval = f" [80%: {_pct(lo)} to {_pct(hi)}]" if lo is not None and hi is not None else ""
        rel = row.get("market_relative_growth_pct")
        vs_market = (f", {_pct(rel)} vs the market" if rel is not None and math.isfinite(rel)
                     else "")
        basis = row.get("growth_basis")
        on = " (share of postings)" if basis == "share" else ""
        parts.append(f"{_pct(g)}{span}{on}{interval}{vs_market}")
    m12 = row.get("mentions_12m")
    if m12 is not None and math.isfinite(m12):
        parts.append(f"{_count(m12 / 12)} postings a month")
    peak = row.get("peak_ratio")
    # obsolescent: how far it fell; declining after a collapse (a large skill far below its
    # peak, rule 3 of ``models.outlook``): the fall is why, when its forecast moves little
    if (status in DECLINING and peak is not None and math.isfinite(peak)
            and peak < (1 if status == "obsolescent" else COLLAPSE_RATIO)):
        parts.append(of_peak(peak))
    hl = row.get("half_life_months")
    if status in DECLINING and hl is not None and math.isfinite(hl) and hl <= HALF_LIFE_SHOWN_MONTHS:
        lo, hi = row.get("half_life_lower"), row.get("half_life_upper")
        rng = half_life_range(lo, hi)
        parts.append(halving(hl) + (f" [{rng}]" if rng else ""))
    return f"{row['skill']} ({', '.join(parts)})"


def trend_fall_pct(half_life: float | None, growth_pct: float | None,
                   horizon: int | None) -> float | None:
    """The change in % over ``horizon`` months that the trend's half-life implies, when the
    forecast's change (``growth_pct``) is less than half as steep: the damped forecast expects
    the fall to slow, and a reader needs both numbers (MySQL on HN: halving every 26 months on
    its trend, -47% in 24 months if it held; the forecast -5%). None otherwise."""
    if half_life is None or growth_pct is None or not horizon or not (
            math.isfinite(half_life) and half_life > 0 and math.isfinite(growth_pct)):
        return None
    implied = 100 * (2 ** (-horizon / half_life) - 1)
    return implied if growth_pct > implied / 2 else None


def half_life_range(lo: float | None, hi: float | None) -> str:
    """``12–30`` (months); an upper bound beyond ``HALF_LIFE_SHOWN_MONTHS`` reads ``17 to over
    240`` (a bound of 1,419 months says only that the decay may be very slow); "" when either
    bound is unknown."""
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return ""
    if hi > HALF_LIFE_SHOWN_MONTHS:
        return f"{lo:.0f} to over {HALF_LIFE_SHOWN_MONTHS}"
    return f"{lo:.0f}–{hi:.0f}"


def _count(v: float) -> str:
    """A count for people: ``0.4``, ``12``, ``1,234``."""
    return f"{v:.1f}" if v < 10 else f"{v:,.0f}"


def _log1p_pct(v: float | None) -> float | None:
    if v is None or not math.isfinite(v):
        return None
    return math.log1p(max(v, -99.0) / 100.0)


def skill_evidence(outlook: pl.DataFrame, skills: pl.DataFrame | None = None) -> dict[str, Evidence]:
    """Evidence per canonical skill name from ``planning_outlook`` rows; taxonomy skills without an
    outlook (``skills``: ``skill, category`` and optional ``successors``, ``near``) get class
    ``U``."""
    successors, near = _names(skills, "successors"), _names(skills, "near")
    m12s = outlook["mentions_12m"].to_list() if "mentions_12m" in outlook.columns else []
    holding = _quantile([m / 12 for m in m12s if m is not None and math.isfinite(m)],
                        HOLDING_QUANTILE)
    out: dict[str, Evidence] = {}
    for row in outlook.iter_rows(named=True):
        status = row["status"]
        cls = ("D" if status in DECLINING else "R" if status in RISING
               else "S" if status == "stable" else "U")
        x = _log1p_pct(row.get("growth_pct")) or 0.0
        peak = row.get("peak_ratio")
        if status == "obsolescent" and peak is not None and math.isfinite(peak) and 0 < peak < 1:
            # Collapsed demand that now sits flat still lost most of its market: the loss from the
            # peak (log scale, floored at a 90% loss) is the case for retiring, not the last trend.
            x = min(x, max(math.log(peak), math.log(0.1)))
        lo, hi = _log1p_pct(row.get("growth_lower_80")), _log1p_pct(row.get("growth_upper_80"))
        width = (hi - lo) if lo is not None and hi is not None else 1.0
        mase = row.get("backtest_mase")
        acc = 1.0 if mase is None or not math.isfinite(mase) or mase <= 1 else 1.0 / mase
        conf = (1.0 / (1.0 + max(width, 0.0))) * acc * _STATUS_FACTOR.get(status, 1.0)
        m12 = row.get("mentions_12m")
        volume = m12 / 12 if m12 is not None and math.isfinite(m12) else None
        if status == "declining" and volume is not None and volume * math.exp(x) >= holding:
            cls = "L"
        if cls == "D" and lo is not None and (lo > 0 or (status == "declining" and hi is not None
                                                         and hi >= 0)):
            cls = "U"  # the interval beside it does not expect a fall: neither retire nor propose
        out[row["skill"]] = Evidence(row["skill"], row["category"], status, cls, x, conf,
                                     row.get("growth_lower_80"), _phrase(row), volume,
                                     successors.get(row["skill"], ()), near.get(row["skill"], ()))
    if skills is not None:
        for skill, category in skills.select("skill", "category").iter_rows():
            if skill not in out:
                out[skill] = Evidence(skill, category, NO_DATA, "U", 0.0, 0.0, None,
                                      f"{skill} (no demand data)",
                                      successors=successors.get(skill, ()),
                                      near=near.get(skill, ()))
    return out


def _quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (the value at rank ``int(q × n)`` in ascending order, as
    ``acquire_pool``); infinite when there are none."""
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else math.inf


def _names(skills: pl.DataFrame | None, column: str) -> dict[str, tuple[str, ...]]:
    """Skill → the ``|``-separated names of ``column`` (``successors``, ``near``)."""
    if skills is None or column not in skills.columns:
        return {}
    return {k: tuple(x.strip() for x in v.split("|") if x.strip())
            for k, v in skills.select("skill", column).iter_rows() if v}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def _neighbour(course_skills: list[Evidence], ev: dict[str, Evidence], taught: set[str]
               ) -> Evidence | None:
    """The rising skill with the most demand at stake (× confidence) that the course does not
    teach, near it: a named successor of a skill it teaches, a skill often in the same postings as
    one it teaches, or in a category it teaches; whose
    80% interval excludes no change and that is not mentioned too rarely to plan on."""
    cats = {e.category for e in course_skills}
    named = {n for e in course_skills for n in e.successors}
    together = {n for e in course_skills for n in e.near}
    best: Evidence | None = None
    for e in ev.values():
        if (e.cls == "R" and (e.category in cats or e.skill in named or e.skill in together)
                and e.skill not in taught
                and not e.thin and (e.growth_lower is None or e.growth_lower > 0)
                and (best is None or _better_neighbour(e, best, named))):
            best = e
    return best


def _better_neighbour(e: Evidence, best: Evidence, named: set[str]) -> bool:
    """Named successors first, then demand at stake × confidence; a tie goes to the skill first
    by name, whatever the order of the evidence."""
    rank, rank_best = (e.skill in named, e.stake * e.confidence), (best.skill in named,
                                                                  best.stake * best.confidence)
    return rank > rank_best or (rank == rank_best and e.skill < best.skill)


def _still_large(items: list[Evidence], lead: str = "") -> str:
    """Why a declining skill among ``items`` does not count as declining (class ``L``), or ""."""
    large = [e for e in items if e.cls == "L"]
    if not large:
        return ""
    return (f"{lead}{_names_of(large)} {'is' if len(large) == 1 else 'are'} declining but still "
            "among the run's largest skills at the forecast horizon (its top quarter by postings a "
            "month)")


def _not_falling(items: list[Evidence], lead: str = "") -> str:
    """Why a declining or obsolescent skill among ``items`` does not count as one (class ``U``:
    the judged interval beside it does not expect a fall), or ""."""
    odd = [e for e in items if e.cls == "U" and e.status in DECLINING]
    if not odd:
        return ""
    one = len(odd) == 1
    said = " or ".join(sorted({e.status for e in odd}))
    return (f"{lead}{_names_of(odd)} {'is' if one else 'are'} {said} after a fall from "
            f"{'its' if one else 'their'} peak, but the judged interval beside "
            f"{'it' if one else 'them'} does not expect a further fall")


def _names_of(items: list[Evidence]) -> str:
    return ", ".join(e.skill for e in items)


def _join(items: list[Evidence]) -> str:
    return "; ".join(e.phrase for e in items)


def triage_catalogue(courses: pl.DataFrame, links: pl.DataFrame, ev: dict[str, Evidence], *,
                     as_of: dt.date | None = None, stale_months: int = 24) -> pl.DataFrame:
    """One row per course (retire | refresh | keep) plus ``build`` rows for untaught rising skills.

    Args:
        courses: ``course_id, title`` and optional ``last_updated``.
        links: ``course_id, written, skill`` (canonical name, null when the taxonomy lacks it).
        ev: ``skill_evidence`` output.
        as_of: the data's last month; a course updated within ``stale_months`` of it is not
            called outdated by the rising-neighbour rule.

    Returns:
        ``course_id, title, action, score, reason, skills`` sorted by score (highest first).
    """
    by_course: dict[str, list[tuple[str, str | None]]] = {}
    for cid, written, skill in links.select("course_id", "written", "skill").iter_rows():
        by_course.setdefault(cid, []).append((written, skill))
    taught_all = {s for s in links["skill"].drop_nulls().to_list()}
    has_updated = "last_updated" in courses.columns
    rows = []
    for course in courses.iter_rows(named=True):
        cid = course["course_id"]
        pairs = by_course.get(cid, [])
        unmatched = [w for w, s in pairs if s is None]
        # A course may list one skill under two aliases (typescript|TS): judge and cite it once.
        items = list({s: ev[s] for _, s in pairs if s is not None and s in ev}.values())
        taught = {e.skill for e in items}
        D = [e for e in items if e.cls == "D"]
        R = [e for e in items if e.cls == "R"]
        judged = [e for e in items if e.cls in ("D", "R", "S", "L")]
        updated = course.get("last_updated") if has_updated else None
        stale = updated is None or as_of is None or _months_between(updated, as_of) > stale_months
        nb = _neighbour(items, ev, taught) if not R and stale and judged else None
        if not judged:
            action, value, conf = "keep", 0.0, 0.0
            what = ((_not_falling(items) or "none of its skills has a decided outlook") if items
                    else "none of its skills is in the taxonomy")
            reason = f"Keep for now: {what}" + (f" — {_join(items)}." if items else ".")
        elif len(D) / len(judged) > 0.5 and not any(e.cls == "L" for e in items):
            # (a course teaching a skill still among the largest keeps its audience: refreshed)
            action = "retire"
            # An obsolescent skill can sit flat at a collapsed level (x ≈ 0 or slightly > 0):
            # the retire case then rests on the status, not on further decline, so value ≥ 0.
            value = len(D) / len(judged) * max(0.0, _mean([-e.stake for e in D]))
            conf = _mean([e.confidence for e in D])
            reason = (f"Retire: {len(D)} of {len(items)} skills taught "
                      f"{'is' if len(D) == 1 else 'are'} declining or obsolescent — {_join(D)}.")
            rest = [e for e in items if e.cls != "D"]
            if rest:
                reason += f" Also teaches {_join(rest)}."
        elif D or nb is not None:
            action = "refresh"
            parts: list[str] = []
            values: list[float] = []
            confs: list[float] = []
            if D:
                values.append(len(D) / len(judged) * max(0.0, _mean([-e.stake for e in D])))
                confs.extend(e.confidence for e in D)
                rest = [e for e in items if e.cls != "D"]
                parts.append(f"{len(D)} of {len(items)} skills taught "
                             f"{'is' if len(D) == 1 else 'are'} declining — {_join(D)}; "
                             f"the rest hold — {_join(rest)}{_still_large(rest, '; ')}"
                             f"{_not_falling(rest, '; ')}")
            if nb is not None:
                values.append(nb.stake)
                confs.append(nb.confidence)
                since = f"last updated {updated:%Y-%m}" if updated else "no update date given"
                lead = "" if D else f"teaches {_join(items)}, "
                old = [e.skill for e in items if nb.skill in e.successors]
                where = (f"which succeeds {', '.join(old)}," if old
                         else f"in the same category ({nb.category})")
                parts.append(f"{lead}while {nb.phrase} {where} is not covered ({since})")
            value, conf = sum(values), _mean(confs)
            reason = "Refresh: " + "; ".join(parts) + "."
        else:
            action = "keep"
            value = max(0.0, _mean([e.stake for e in judged]))
            conf = _mean([e.confidence for e in judged])
            still = "; ".join(w for w in (_still_large(items), _not_falling(items)) if w)
            reason = (f"Keep: {still}, and no skill taught is fading — {_join(items)}." if still
                      else f"Keep: no skill taught is declining — {_join(items)}.")
        if unmatched:
            reason += " Not in the taxonomy (ignored): " + ", ".join(f"'{w}'" for w in unmatched) + "."
        rows.append({"course_id": cid, "title": course["title"], "action": action,
                     "score": round(value * conf, 4), "reason": reason,
                     "skills": ", ".join(w for w, _ in pairs)})
    for e in ev.values():
        if e.cls == "R" and e.skill not in taught_all and not e.thin:
            rows.append({"course_id": "", "title": e.skill, "action": "build",
                         "score": round(max(e.stake, 0.0) * e.confidence, 4),
                         "reason": f"Build: {e.phrase} in {e.category}, and no course in the "
                                   "catalogue teaches it.",
                         "skills": e.skill})
    schema = {"course_id": pl.String, "title": pl.String, "action": pl.String,
              "score": pl.Float64, "reason": pl.String, "skills": pl.String}
    order = {a: i for i, a in enumerate(ACTIONS)}
    return (pl.DataFrame(rows, schema=schema)
            .with_columns(pl.col("action").replace_strict(order, return_dtype=pl.Int8).alias("_o"))
            .sort(["score", "_o", "course_id", "title"], descending=[True, False, False, False])
            .drop("_o"))


@dataclass(frozen=True)
class GapPlan:
    """Results of ``plan_gaps``: contract rows plus the team, person and plan views."""

    rows: pl.DataFrame    # person, skill, kind, priority, reason (+ team, status)
    people: pl.DataFrame  # person, team, skills, categories, mean_proficiency, deep, shallow,
    #                       breadth_depth, profile
    team: pl.DataFrame    # team, skill, status, holders, mean_proficiency, acquire, deepen, retire
    plan: pl.DataFrame    # person, step, skill, kind, why


def _profile(n: int, cats: int, deep: int, shallow: int, known: int) -> str:
    if known == 0:
        return "broad" if cats >= 3 else "focused"
    broad, is_deep = cats >= 3, deep >= 2 or (deep >= 1 and n <= 3)
    if broad and is_deep:
        return "T-shaped: broad, with deep expertise"
    if broad:
        return "generalist: many shallow skills"
    if is_deep:
        return "specialist: few deep skills"
    return "developing: few skills, none deep yet"


HeldEvidence = list[tuple[dict[str, Any], Evidence | None]]


def _successor_of(e: Evidence, ev: dict[str, Evidence], held_names: set[str],
                  pool_by_cat: dict[str, list[Evidence]]) -> Evidence | None:
    """What replaces a declining skill for this person: its first taxonomy successor that is not
    declining and not held, else the strongest rising skill of its category not held, else its
    first successor that is itself declining but still in use (not obsolescent, not thin: Swift
    for Objective-C when the whole platform declines; the reason says it declines too)."""
    named = [ev[n] for n in e.successors if n in ev and n not in held_names and not ev[n].thin]
    for s in named:
        if not s.declines:
            return s
    succ = _strongest([c for c in pool_by_cat.get(e.category, [])
                       if c.cls == "R" and c.skill not in held_names])
    if succ is not None:
        return succ
    return next((s for s in named if s.declines and s.status != "obsolescent"), None)


def _strongest(cands: list[Evidence]) -> Evidence | None:
    """The candidate with the most demand at stake × confidence (ties: the first by name)."""
    return min(cands, key=lambda c: (-_acquire_value(c) * c.confidence, c.skill), default=None)


def _acquire_value(c: Evidence) -> float:
    """Demand at stake behind acquiring ``c``: the mentions a month it gains (rising), or
    ``STABLE_RETURN`` of its mentions (large and stable)."""
    if c.cls == "R":
        return max(c.stake, 0.0)
    return STABLE_RETURN * (c.volume or 0.0)


def _retire_and_deepen(held_ev: HeldEvidence, held_names: set[str], ev: dict[str, Evidence],
                       pool_by_cat: dict[str, list[Evidence]]) -> list[dict[str, Any]]:
    """A person's held skills to retire (declining) or deepen (rising, held at proficiency <= 2)."""
    out: list[dict[str, Any]] = []
    for h, e in held_ev:
        if e is None:
            continue
        prof = h.get("proficiency")
        if e.cls == "D":
            reliance = prof / 5 if prof else 0.6
            succ = _successor_of(e, ev, held_names, pool_by_cat)
            level = f"proficiency {prof}/5" if prof else "listed proficiency unknown"
            reason = f"{e.phrase}; relied on at {level}. Plan to phase it out"
            if succ is None:
                reason += "."
            elif succ.skill in e.successors and succ.declines:
                reason += f" — what replaces it, itself declining: {succ.phrase}."
            elif succ.skill in e.successors:
                reason += f" — what replaces it: {succ.phrase}."
            else:
                reason += f" — a rising skill in {e.category}: {succ.phrase}."
            out.append({"skill": e.skill, "kind": "retire",
                        "priority": -min(e.stake, 0.0) * e.confidence * reliance, "reason": reason,
                        "status": e.status})
        elif e.cls == "R" and prof is not None and prof <= 2:
            out.append({"skill": e.skill, "kind": "deepen",
                        "priority": max(e.stake, 0.0) * e.confidence * 1.2,
                        "reason": f"{e.phrase}, held at proficiency {prof}/5: deepen it — "
                                  "it builds on what is already there.",
                        "status": e.status})
    return out


def _acquire(held_ev: HeldEvidence, held_names: set[str], cat_count: dict[str, int],
             pool_by_cat: dict[str, list[Evidence]], ev: dict[str, Evidence]
             ) -> list[dict[str, Any]]:
    """Acquirable skills near a person, best first: rising or large-and-stable skills (never on
    fewer than ``MIN_MENTIONS_MONTH`` mentions a month) in the categories they work in or named
    successors of skills they hold or skills often in the same postings as one they hold; weighted
    by how much of their work is in the category, more where what they hold there is declining,
    where the candidate is co-mentioned with or succeeds a held skill."""
    declining = [e for _, e in held_ev if e is not None and e.declines]
    declining_cats = {e.category for e in declining}
    succeeds: dict[str, list[str]] = {}
    for _, e in held_ev:
        if e is not None:
            for name in e.successors:
                succeeds.setdefault(name, []).append(e.skill)
    n_known = sum(cat_count.values()) or 1
    seen: dict[str, dict[str, Any]] = {}
    near: list[Evidence] = [c for cat in cat_count for c in pool_by_cat.get(cat, [])]
    pooled = {c.skill: c for cs in pool_by_cat.values() for c in cs}
    near += [pooled[n] for n in succeeds if n in pooled]
    together: dict[str, list[str]] = {}  # co-mentioned in postings with a skill they hold
    for _, e in held_ev:
        if e is not None:
            for name in e.near:
                together.setdefault(name, []).append(e.skill)
    near += [pooled[n] for n in together if n in pooled]
    for c in near:
        if c.skill in held_names or c.skill in seen:
            continue
        cat = c.category
        count = cat_count.get(cat, 0)
        weight = 0.5 + 0.5 * count / n_known + (0.25 if cat in declining_cats else 0.0)
        # what they hold in the category, the declining first and said so: a claim of fact, not
        # that the candidate replaces them (only a named successor does: "it succeeds")
        mine = [e for _, e in held_ev if e is not None and e.category == cat]
        mine.sort(key=lambda e: not e.declines)
        peers = [e.skill + (f" ({e.status})" if e.declines else "") for e in mine[:3]]
        why = "rising" if c.cls == "R" else "large and stable"
        reason = f"{c.phrase}: {why}" + (f", in {cat} next to {', '.join(peers)}" if peers else "")
        with_held = together.get(c.skill, [])
        if with_held:
            weight += NEAR_BONUS
            reason += f"; often in the same postings as {', '.join(with_held[:3])}"
        old = succeeds.get(c.skill, [])
        if old:
            weight += SUCCESSOR_BONUS
            reason += f"; it succeeds {', '.join(old)}"
        seen[c.skill] = {"skill": c.skill, "kind": "acquire",
                         "priority": _acquire_value(c) * c.confidence * weight,
                         "reason": reason + ".", "status": c.status}
    candidates = list(seen.values())
    candidates.sort(key=lambda r: (-r["priority"], r["skill"]))
    return candidates


def _acquire_anyway(held_ev: HeldEvidence, unknown: list[str], held_names: set[str],
                    pool_by_cat: dict[str, list[Evidence]]) -> list[dict[str, Any]]:
    """Nothing worth acquiring near a profile (its skills have no demand data in this run, are
    not in the taxonomy, or their categories hold nothing rising or large and stable): one
    acquire step all the same, the run's strongest rising skill (else its strongest large and
    stable one) at half weight, saying why — a plan for everyone, never a person left out."""
    pooled = [c for cs in pool_by_cat.values() for c in cs if c.skill not in held_names]
    best = _strongest([c for c in pooled if c.cls == "R"] or pooled)
    if best is None:
        return []
    untracked = [h["skill"] for h, e in held_ev if e is None or e.status == NO_DATA]
    why = [f"{', '.join(untracked[:3])}: no demand data in this run"] if untracked else []
    if unknown:
        why.append(", ".join(f"'{w}'" for w in unknown[:3]) + ": not in the taxonomy")
    if not why:
        why.append("nothing rising or large and stable in its categories")
    kind = "rising" if best.cls == "R" else "large and stable"
    return [{"skill": best.skill, "kind": "acquire",
             "priority": _acquire_value(best) * best.confidence * 0.5,
             "reason": f"{best.phrase}: the run's strongest {kind} skill; nothing near this profile "
                       f"to build on ({'; '.join(why)}).", "status": best.status}]


def acquire_pool(ev: dict[str, Evidence]) -> dict[str, list[Evidence]]:
    """Skills worth acquiring, by category: rising ones, and stable ones at least at the
    ``LARGE_QUANTILE`` of the run's mention volumes; never one on fewer than
    ``MIN_MENTIONS_MONTH`` mentions a month."""
    large = _quantile([e.volume for e in ev.values() if e.volume is not None], LARGE_QUANTILE)
    pool: dict[str, list[Evidence]] = {}
    for e in ev.values():
        if e.thin:
            continue
        if e.cls == "R" or (e.cls == "S" and e.volume is not None and e.volume >= large):
            pool.setdefault(e.category, []).append(e)
    return pool


def plan_gaps(inventory: pl.DataFrame, ev: dict[str, Evidence], *, max_acquire: int = 5,
              plan_steps: int = 5) -> GapPlan:
    """Acquire / deepen / retire rows per person, with team, breadth-depth and plan views.

    Args:
        inventory: ``person, team, written, skill, proficiency`` (``skill`` canonical or null).
        ev: ``skill_evidence`` output (should cover the taxonomy).
    """
    inv = inventory.filter(pl.col("skill").is_not_null())
    by_person: dict[str, list[dict]] = {}
    unknown: dict[str, list[str]] = {}  # names written that are not in the taxonomy
    team_of: dict[str, str] = {}
    for r in inventory.iter_rows(named=True):
        team_of.setdefault(r["person"], r.get("team") or "")
        by_person.setdefault(r["person"], [])
        if r["skill"] is None:
            unknown.setdefault(r["person"], []).append(str(r.get("written") or ""))
        else:
            by_person[r["person"]].append(r)
    pool_by_cat = acquire_pool(ev)
    rows: list[dict] = []
    people: list[dict] = []
    plan: list[dict] = []
    for person in sorted(by_person):
        held = by_person[person]
        held_names = {h["skill"] for h in held}
        held_ev = [(h, ev.get(h["skill"])) for h in held]
        cat_count: dict[str, int] = {}
        for _, e in held_ev:
            if e is not None:
                cat_count[e.category] = cat_count.get(e.category, 0) + 1
        out = _retire_and_deepen(held_ev, held_names, ev, pool_by_cat)
        out.extend(_acquire(held_ev, held_names, cat_count, pool_by_cat, ev)[:max_acquire])
        if not any(r["kind"] == "acquire" for r in out):
            out.extend(_acquire_anyway(held_ev, unknown.get(person, []), held_names, pool_by_cat))
        out.sort(key=lambda r: (-r["priority"], r["kind"], r["skill"]))
        for r in out:
            rows.append({"person": person, "team": team_of[person], **r,
                         "priority": round(r["priority"], 4) + 0.0})  # no "-0.0" in files
        steps = [r for r in out if r["kind"] != "retire"][:plan_steps]
        plan.extend({"person": person, "step": i + 1, "skill": r["skill"], "kind": r["kind"],
                     "why": r["reason"]} for i, r in enumerate(steps))
        profs = [h["proficiency"] for h in held if h.get("proficiency") is not None]
        deep = sum(p >= 4 for p in profs)
        shallow = sum(p <= 2 for p in profs)
        people.append({
            "person": person, "team": team_of[person], "skills": len(held),
            "categories": len(cat_count),
            "mean_proficiency": round(_mean([float(p) for p in profs]), 2) if profs else None,
            "deep": deep, "shallow": shallow,
            "breadth_depth": round((shallow - deep) / len(profs), 2) if profs else None,
            "profile": _profile(len(held), len(cat_count), deep, shallow, len(profs)),
        })
    rows_df = pl.DataFrame(rows, schema={"person": pl.String, "team": pl.String, "skill": pl.String,
                                         "kind": pl.String, "priority": pl.Float64,
                                         "reason": pl.String, "status": pl.String})
    rows_df = rows_df.select(*GAP_COLUMNS, "team", "status")
    people_df = pl.DataFrame(people, schema={
        "person": pl.String, "team": pl.String, "skills": pl.Int64, "categories": pl.Int64,
        "mean_proficiency": pl.Float64, "deep": pl.Int64, "shallow": pl.Int64,
        "breadth_depth": pl.Float64, "profile": pl.String})
    plan_df = pl.DataFrame(plan, schema={"person": pl.String, "step": pl.Int64, "skill": pl.String,
                                         "kind": pl.String, "why": pl.String})
    return GapPlan(rows_df, people_df, _team_view(inv, rows_df, ev), plan_df)


def _team_view(inv: pl.DataFrame, rows: pl.DataFrame, ev: dict[str, Evidence]) -> pl.DataFrame:
    """Per team and skill: holders, mean proficiency and how many plans say acquire/deepen/retire."""
    team_expr = pl.col("team").fill_null("").replace("", "All")
    held = (inv.with_columns(team_expr).group_by("team", "skill")
            .agg(pl.col("person").n_unique().alias("holders"),
                 pl.col("proficiency").mean().round(2).alias("mean_proficiency")))
    recs = (rows.with_columns(team_expr).group_by("team", "skill")
            .agg([(pl.col("kind") == k).sum().cast(pl.Int64).alias(k) for k in KINDS]))
    view = held.join(recs, on=["team", "skill"], how="full", coalesce=True).with_columns(
        pl.col("holders").fill_null(0), *[pl.col(k).fill_null(0) for k in KINDS])
    status = pl.DataFrame({"skill": list(ev), "status": [e.status for e in ev.values()]},
                          schema={"skill": pl.String, "status": pl.String})
    return (view.join(status, on="skill", how="left")
            .select("team", "skill", "status", "holders", "mean_proficiency", *KINDS)
            .sort(["team", "acquire", "retire", "holders", "skill"],
                  descending=[False, True, True, True, False]))
