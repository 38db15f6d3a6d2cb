"""Demo L&D inputs: a sample course catalogue (~40 courses) and team skill inventory (~25 people).

Built from the demo truth table (``data.demo.generate_series``) with a seeded generator so the
``catalogue`` and ``gaps`` commands and pages have something realistic to triage: courses that
teach collapsing skills, mixed ones, current ones; rising skills nobody teaches; people who rely
on declining skills or hold rising ones only shallowly. Some skills are written as taxonomy
aliases (``k8s``) to show alias matching. Files live next to the database
(``<db stem>_courses.csv``, ``<db stem>_inventory.csv``).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
from skillpulse.data.statuses import DECLINING as _DECLINING
from skillpulse.data.statuses import RISING as _RISING
from skillpulse.data.taxonomy_io import project_taxonomy

PROVIDERS = ("Internal Academy", "Coursera", "LinkedIn Learning", "Pluralsight", "O'Reilly")
FIRST = ("Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
         "Liam", "Maya", "Noor", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Viktor",
         "Wen", "Ximena", "Yusuf", "Zoe", "Arjun", "Bea")
LAST = "ABCDEFGHJKLMNPRSTVWZ"


def sample_paths(db: str | Path) -> tuple[Path, Path]:
    """Where the demo puts its sample catalogue and inventory for database ``db``."""
    p = Path(db)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    return p.with_name(f"{stem}_courses.csv"), p.with_name(f"{stem}_inventory.csv")


def _aliases() -> dict[str, str]:
    """A short alias per skill name (lower-case key), from the taxonomy when it has any."""
    out: dict[str, str] = {}
    for n, a in project_taxonomy().select("name", "aliases").iter_rows():
        first = [x.strip() for x in (a or "").split("|") if x.strip()]
        if n and first:
            out[n.lower()] = first[0]
    return out


def _pools(truth: pl.DataFrame) -> dict[str, dict[str, list[str]]]:
    """category -> lifecycle -> skill names."""
    pools: dict[str, dict[str, list[str]]] = {}
    for skill, cat, life in truth.select("skill", "category", "lifecycle").iter_rows():
        pools.setdefault(cat, {}).setdefault(life, []).append(skill)
    return pools


def _take(pool: dict[str, list[str]], kinds: tuple[str, ...], rng: np.random.Generator
          ) -> str | None:
    options = [s for k in kinds for s in pool.get(k, [])]
    return str(options[int(rng.integers(len(options)))]) if options else None


# (pattern name, lifecycles of the course's skills); several patterns per action on purpose.
_COURSE_PATTERNS: list[tuple[str, tuple[tuple[str, ...], ...]]] = [
    ("legacy", (_DECLINING[1:],)),
    ("legacy", (_DECLINING, _DECLINING)),
    ("mixed", (_DECLINING, ("stable",), _RISING)),
    ("mixed", (_DECLINING, ("stable",))),
    ("current", (_RISING, ("stable",))),
    ("current", (_RISING, _RISING)),
    ("core", (("stable",), ("stable",))),
    ("core", (("stable",),)),
]


def generate_catalogue(truth: pl.DataFrame, *, seed: int = 7, n_courses: int = 40,
                       today: dt.date = dt.date(2025, 12, 1)) -> pl.DataFrame:
    """A course catalogue ``course_id, title, skills, hours, provider, last_updated``.

    Rising/emerging skills of some categories are left untaught on purpose (``build`` rows).
    """
    rng = np.random.default_rng(seed + 101)
    aliases = _aliases()
    pools = _pools(truth)
    cats = sorted(c for c in pools if sum(len(v) for v in pools[c].values()) >= 3)
    rows: list[dict[str, object]] = []
    used_titles: set[str] = set()
    used_leads: set[str] = set()
    i = 0
    while len(rows) < n_courses and i < n_courses * 20:
        pattern, kinds = _COURSE_PATTERNS[i % len(_COURSE_PATTERNS)]
        cat = cats[int(rng.integers(len(cats)))]
        i += 1
        skills: list[str] = []
        for k in kinds:
            s = _take(pools[cat], k, rng)
            if s and s not in skills:
                skills.append(s)
        if len(skills) < max(1, len(kinds) - 1) or skills[0] in used_leads:
            continue
        lead = skills[0]
        used_leads.add(lead)
        title = {"legacy": f"{lead} essentials", "mixed": f"{cat}: {lead} and beyond",
                 "current": f"Hands-on {lead}", "core": f"{lead} fundamentals"}[pattern]
        if title in used_titles:
            title = f"{title} (part {len([t for t in used_titles if t.startswith(title)]) + 1})"
        used_titles.add(title)
        written = [aliases.get(s.lower(), s) if rng.random() < 0.25 else s for s in skills]
        age_days = int(rng.integers(30, 365 * (6 if pattern == "legacy" else 4)))
        rows.append({
            "course_id": f"C{len(rows) + 1:03d}",
            "title": title,
            "skills": "|".join(written),
            "hours": float(rng.choice([2, 4, 6, 8, 12, 16, 24, 40])),
            "provider": PROVIDERS[int(rng.integers(len(PROVIDERS)))],
            "last_updated": today - dt.timedelta(days=age_days),
        })
    return pl.DataFrame(rows, schema={"course_id": pl.String, "title": pl.String,
                                      "skills": pl.String, "hours": pl.Float64,
                                      "provider": pl.String, "last_updated": pl.Date})


def generate_inventory(truth: pl.DataFrame, *, seed: int = 7, n_people: int = 25,
                       n_teams: int = 4) -> pl.DataFrame:
    """A team skill inventory ``person, team, skill, proficiency`` (proficiency 1–5).

    Each team draws most skills from three categories; some people lean on declining skills
    (high proficiency), some hold rising skills only shallowly (proficiency 1–2).
    """
    rng = np.random.default_rng(seed + 202)
    pools = _pools(truth)
    cats = sorted(pools, key=lambda c: (-sum(len(v) for v in pools[c].values()), c))
    groups = [[cats[(j * n_teams + k) % len(cats)] for j in range(3)] for k in range(n_teams)]
    team_names = tuple(f"{g[0]} team" for g in groups)
    team_cats = dict(zip(team_names, groups, strict=True))
    rows: list[dict[str, object]] = []
    kinds: tuple[str, ...]
    for p in range(n_people):
        person = f"{FIRST[p % len(FIRST)]} {LAST[(p * 7) % len(LAST)]}."
        team = team_names[p % n_teams]
        held: dict[str, int] = {}
        n_skills = int(rng.integers(4, 9))
        legacy = rng.random() < 0.45
        attempts = 0
        while len(held) < n_skills and attempts < 60:
            attempts += 1
            cat = team_cats[team][int(rng.integers(3))] if rng.random() < 0.85 else \
                cats[int(rng.integers(len(cats)))]
            r = rng.random()
            if legacy and r < 0.3:
                kinds, prof = _DECLINING, int(rng.integers(3, 6))
            elif r < 0.55:
                kinds, prof = ("stable",), int(rng.integers(2, 6))
            elif r < 0.8:
                kinds, prof = _RISING, int(rng.integers(1, 3))
            else:
                kinds, prof = (*_RISING, "stable"), int(rng.integers(3, 6))
            s = _take(pools[cat], kinds, rng)
            if s and s not in held:
                held[s] = prof
        rows.extend({"person": person, "team": team, "skill": s, "proficiency": v}
                    for s, v in held.items())
    return pl.DataFrame(rows, schema={"person": pl.String, "team": pl.String,
                                      "skill": pl.String, "proficiency": pl.Int64})


def write_samples(db: str | Path, truth: pl.DataFrame, *, seed: int = 7) -> tuple[Path, Path]:
    """Write the sample catalogue and inventory CSVs next to ``db``; returns their paths."""
    from skillpulse.data.tables import write_table

    courses_path, inventory_path = sample_paths(db)
    write_table(generate_catalogue(truth, seed=seed), str(courses_path), "csv")
    write_table(generate_inventory(truth, seed=seed), str(inventory_path), "csv")
    return courses_path, inventory_path
