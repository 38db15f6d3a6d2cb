"""Deterministic demo demand data: monthly posting counts per skill with known life cycles.

``generate_series`` returns a frame ready for ``data.ingest.load.ingest_frame`` (measure ``count``,
``total`` = market postings that month, so shares follow) and a truth table
``skill, category, lifecycle``. Everything is drawn from one seeded ``numpy.random.Generator``:
the same arguments give an identical frame.

How a series is made (per skill ``k`` and month ``t``)::

    share_k(t)   = life-cycle curve (fraction of postings mentioning the skill)
                   × skill seasonality × exp(AR(1) noise)
    total(t)     = market postings: trend × hiring seasonality × slump (a COVID-like crash that
                   recovers, then a milder lasting softening)
    count_k(t)   ~ Poisson(share_k(t) × total(t))

Life cycles: ``emerging`` (absent, then appears mid-history and accelerates from ~0), ``rising``,
``stable`` (flat or an early rise that plateaued), ``declining``, ``obsolescent`` (peaked, then
collapsed below a quarter of the peak, sometimes flat since — the market moved on), ``noisy``
(a few postings a month). Abrupt breaks: pairs in one category where a new technology appears and
takes most of the share of an old one (old = ``obsolescent``; new = ``emerging`` while the
takeover still shows in the last ``TAKEOVER_WINDOW`` months — the curve at least doubled there —
else ``stable``: a takeover that ended years ago leaves a plateau, an early rise that plateaued).
The whole-market series (``store.MARKET_SKILL``) carries the slump, so "the market fell" and
"the skill fell" differ. Months before a skill is first seen are left out (real data starts when a
term first appears).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from skillpulse.data.store import MARKET_CATEGORY, MARKET_SKILL
from skillpulse.data.taxonomy_io import project_taxonomy

LIFECYCLES = ("emerging", "rising", "stable", "declining", "obsolescent", "noisy")
START = dt.date(2015, 1, 1)
SOURCE = "demo"

# Well-known names get the life cycle the world gave them when the taxonomy contains them, so the
# demo tells a familiar story (jQuery collapsed, LLMs emerged); the rest are assigned at random.
_HINT_GROUPS: dict[str, tuple[str, ...]] = {
    "obsolescent": ("jQuery", "AngularJS", "Backbone.js", "Knockout.js", "CoffeeScript",
                    "ActionScript", "Adobe Flash", "Flash", "Silverlight", "Subversion", "SVN",
                    "Apache Pig", "MapReduce", "Apache Mahout", "Classic ASP", "WCF", "Struts",
                    "Grunt", "Bower", "MSMQ", "Flux", "Windows Phone", "PhoneGap"),
    "declining": ("Perl", "COBOL", "Visual Basic", "VBA", "Objective-C", "Apache Hadoop", "Hadoop",
                  "Apache Hive", "SOAP", "XML Schema", "Java EE", "JSP", "WinForms", "WPF", "Puppet",
                  "Chef", "Vagrant", "Ruby on Rails", "CakePHP", "CodeIgniter", "Delphi", "SPSS",
                  "SAS", "Octave", "Heroku", "Meteor", "Less", "Pentaho", "SSIS", "ActiveMQ",
                  "Resque", "Ember.js", "Apache Cordova", "Xamarin", "Ionic"),
    "rising": ("Kubernetes", "Rust", "TypeScript", "Terraform", "PyTorch", "Snowflake", "dbt", "Go",
               "Python", "Databricks", "Apache Airflow", "Apache Iceberg", "Delta Lake", "DuckDB",
               "Polars", "FastAPI", "Next.js", "Tailwind CSS", "Svelte", "Vite", "GitHub Actions",
               "Argo CD", "GitOps", "MLOps", "Pulumi", "Google BigQuery", "Apache Kafka",
               "Amazon EKS", "Supabase", "Kotlin", "Cloud cost management", "Data governance",
               "Machine learning", "Deep learning", "React", "Apache Spark", "GraphQL"),
    "emerging": ("Large language models", "LLM", "Generative AI", "Prompt engineering",
                 "Retrieval-augmented generation", "RAG", "LangChain", "LlamaIndex",
                 "Vector databases", "AI agents", "LLM evaluation", "Fine-tuning LLMs",
                 "Anthropic Claude", "AI-assisted coding", "Mojo", "OpenAI API", "ChatGPT", "Llama"),
    "stable": ("SQL", "Excel", "Java", "Linux", "HTML", "CSS", "Git", "JavaScript", "C", "C++", "C#",
               "Statistics", "Data analysis", "REST APIs", "JSON", "Bash", "Docker",
               "Amazon Web Services", "Microsoft Azure", "Project management", "Agile", "Scrum",
               "Data science", "NumPy", "Pandas", "Bootstrap", "Angular", "Vue.js", "Node.js",
               "Webpack", "Spring Boot", "Django", "Flask", ".NET", "PHP", "Ruby", "Scala", "R",
               "MATLAB", "PostgreSQL", "MySQL", "MongoDB", "Redis", "Jira", "Tableau", "Power BI",
               "Jenkins", "Ansible", "Microservices"),
    "noisy": ("Prolog", "OCaml", "Crystal", "HaXe", "Scheme", "Common Lisp", "Elm", "Processing",
              "Apache Samza", "NServiceBus", "EDI"),
}
_HINTS: dict[str, str] = {n.lower(): life for life, names in _HINT_GROUPS.items() for n in names}
# Known technology shifts: (old, new) — the new one appears and takes the old one's share.
_KNOWN_BREAKS = (("GPT-3", "GPT-4"), ("Apache Storm", "Apache Flink"))
# Shares of skills by life cycle (the rest of the skills are break pairs, ~8%).
_MIX = {"emerging": 0.09, "rising": 0.20, "stable": 0.27, "declining": 0.17,
        "obsolescent": 0.09, "noisy": 0.10}
_FALLBACK_CATEGORIES = (
    "Programming languages", "Web development", "Data engineering", "Data science", "Cloud",
    "DevOps", "Databases", "Security", "Mobile", "AI and machine learning", "Design",
    "Project management", "Finance", "Marketing", "Office tools", "Communication", "Testing",
)


def periods(months: int, start: dt.date = START) -> list[dt.date]:
    """``months`` first-of-month dates from ``start``."""
    return [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
            for i in range(months)]


def load_taxonomy() -> pl.DataFrame:
    """The project taxonomy as ``name, category`` (non-market skills), or an empty frame."""
    return (project_taxonomy().select("name", "category")
            .filter(pl.col("category") != MARKET_CATEGORY))


def pick_skills(n_skills: int, taxonomy: pl.DataFrame | None = None) -> pl.DataFrame:
    """``n_skills`` names and categories: the taxonomy's, round-robin over categories so every
    category is represented, then generated names when the taxonomy is short."""
    tax = load_taxonomy() if taxonomy is None else taxonomy
    names: list[str] = []
    cats: list[str] = []
    if tax.height:
        by_cat: dict[str, list[str]] = {}
        for name, cat in tax.select("name", "category").iter_rows():
            by_cat.setdefault(cat, []).append(name)
        # well-known names with a known history first, so the demo tells a familiar story
        known = _HINTS.keys() | {n.lower() for pair in _KNOWN_BREAKS for n in pair}
        queues = [sorted(v, key=lambda n: n.lower() not in known) for _, v in sorted(by_cat.items())]
        keys = sorted(by_cat)
        while len(names) < n_skills and any(queues):
            for cat, q in zip(keys, queues, strict=True):
                if q and len(names) < n_skills:
                    names.append(q.pop(0))
                    cats.append(cat)
    i = 0
    taken = {n.lower() for n in names}
    while len(names) < n_skills:
        cat = _FALLBACK_CATEGORIES[i % len(_FALLBACK_CATEGORIES)]
        name = f"{cat} skill {i // len(_FALLBACK_CATEGORIES) + 1:03d}"
        i += 1
        if name.lower() in taken:
            continue
        names.append(name)
        cats.append(cat)
    return pl.DataFrame({"skill": names, "category": cats})


def _assign_lifecycles(skills: pl.DataFrame, rng: np.random.Generator
                       ) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Life cycle per skill (array of str) and break pairs (old index, new index)."""
    n = skills.height
    life = np.array([""] * n, dtype=object)
    names = [s.lower() for s in skills["skill"].to_list()]
    pairs: list[tuple[int, int]] = []
    index = {nm: i for i, nm in enumerate(names)}
    for old, new in _KNOWN_BREAKS:
        if old.lower() in index and new.lower() in index:
            o, w = index[old.lower()], index[new.lower()]
            pairs.append((o, w))
            life[o], life[w] = "obsolescent", "emerging"
    for i, nm in enumerate(names):
        if nm in _HINTS and not life[i]:
            life[i] = _HINTS[nm]
    free = [i for i in range(n) if not life[i]]
    order = rng.permutation(free)
    cats = skills["category"].to_list()
    # Break pairs: two free skills of the same category (about 4% of skills each side).
    n_pairs = max(1, round(n * 0.04)) if n >= 10 else 0
    used: set[int] = {i for pair in pairs for i in pair}
    by_cat: dict[str, list[int]] = {}
    for i in order:
        by_cat.setdefault(cats[int(i)], []).append(int(i))
    for members in by_cat.values():
        if len(pairs) >= n_pairs:
            break
        if len(members) >= 4:
            o, w = members[0], members[1]
            pairs.append((o, w))
            used.update((o, w))
            life[o], life[w] = "obsolescent", "emerging"
    rest = [int(i) for i in order if int(i) not in used]
    counts = {k: round(v * n) for k, v in _MIX.items()}
    pos = 0
    for kind in LIFECYCLES:
        already = int((life == kind).sum())
        take = max(0, counts[kind] - already)
        for i in rest[pos:pos + take]:
            life[i] = kind
        pos += take
    for i in rest[pos:]:
        life[i] = "stable"
    _calm_soft_skills(life, cats, names, pairs)
    return life, pairs


_SOFT = ("soft", "office", "business", "project", "privacy", "design", "communication", "finance")


def _calm_soft_skills(life: np.ndarray, cats: list[str], names: list[str],
                      pairs: list[tuple[int, int]]) -> None:
    """Professional skills rarely emerge or collapse: swap such random draws with stable tech ones
    (counts per life cycle unchanged)."""
    fixed = {i for pair in pairs for i in pair} | {i for i, nm in enumerate(names) if nm in _HINTS}
    soft = [any(w in c.lower() for w in _SOFT) for c in cats]
    donors = [i for i in range(life.size) if life[i] == "stable" and not soft[i] and i not in fixed]
    for i in range(life.size):
        if soft[i] and i not in fixed and life[i] in ("emerging", "obsolescent") and donors:
            j = donors.pop()
            life[i], life[j] = "stable", life[i]


def _log_curves(life: np.ndarray, pairs: list[tuple[int, int]], months: int,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Log share curves (n × months) before noise, and the first month each skill exists."""
    n = life.size
    t = np.arange(months, dtype=float)
    tau = t / 12.0
    T = months - 1
    end_tau = T / 12.0
    lo, hi = np.log(LEVEL_RANGE)
    log_level = rng.uniform(float(lo), float(hi), n)  # share at the end (or the peak)
    out = np.empty((n, months))
    first = np.zeros(n, dtype=int)
    for k in range(n):
        kind = life[k]
        if kind == "rising":
            g = rng.uniform(0.08, 0.28)
            out[k] = log_level[k] + g * (tau - end_tau)
        elif kind == "stable":
            if rng.random() < 0.5:  # an early rise that plateaued
                mid, width = rng.uniform(0.05, 0.35) * T, rng.uniform(4, 10)
                depth = rng.uniform(0.5, 1.5)
                out[k] = log_level[k] - depth / (1 + np.exp((t - mid) / width))
            else:
                out[k] = log_level[k] + np.cumsum(rng.normal(0, 0.004, months))
        elif kind == "emerging":
            t0 = int(rng.uniform(0.5, 0.72) * T)
            g = rng.uniform(0.7, 1.3)
            lvl = log_level[k] + rng.uniform(-1.5, -0.5)  # a low base
            out[k] = lvl + g * (tau - end_tau)
            first[k] = t0
        elif kind == "declining":
            peak = rng.uniform(0.0, 0.3) * T
            end_ratio = rng.uniform(0.38, 0.7)
            d = -np.log(end_ratio) / max(1.0, (T - peak) / 12.0)
            out[k] = log_level[k] - d * np.clip(tau - peak / 12.0, 0, None) \
                - 0.05 * np.clip(peak / 12.0 - tau, 0, None)
        elif kind == "obsolescent":
            peak = rng.uniform(0.08, 0.4) * T
            flat_from = rng.uniform(0.75, 0.95) * T  # the collapse stops; demand stays low
            end_ratio = rng.uniform(0.05, 0.15)
            span = max(6.0, flat_from - peak)
            drop = np.clip((t - peak) / span, 0, 1) * np.log(end_ratio)
            rise = -0.15 * np.clip((peak - t) / 12.0, 0, None)
            out[k] = _obsolete_peak(log_level[k]) + drop + rise
        else:  # noisy: a handful of postings a month; level fixed later against the market
            out[k] = rng.normal(0, 0.002, months).cumsum()
    for old, new in pairs:  # the new technology takes most of the old one's share
        tb = rng.uniform(0.45, 0.7) * T
        width = rng.uniform(2.0, 5.0)
        take = rng.uniform(0.85, 0.95)
        f = 1 / (1 + np.exp(-(t - tb) / width))
        base = _obsolete_peak(log_level[old]) - 0.5
        out[old] = base + np.log1p(-take * f)
        out[new] = base + np.log(np.maximum(take * f, 1e-9)) + 0.04 * np.clip(tau - tb / 12, 0, None)
        first[new] = int(max(0, tb - 5 * width))
    return out, first


TAKEOVER_WINDOW = 36
TAKEOVER_RISE = 2.0


def _label_takeovers(life: np.ndarray, pairs: list[tuple[int, int]], log_share: np.ndarray) -> None:
    """A break pair's new skill is ``emerging`` only while its (noiseless) curve still rose by
    ``TAKEOVER_RISE`` or more over the last ``TAKEOVER_WINDOW`` months; a takeover finished before
    that leaves a plateau (a slow drift of 4% a year), whose truth is ``stable``. The curves and
    every random draw are unchanged; only the truth label follows the curve."""
    w = min(TAKEOVER_WINDOW, log_share.shape[1] - 1)
    for _old, new in pairs:
        if log_share[new, -1] - log_share[new, -1 - w] < np.log(TAKEOVER_RISE):
            life[new] = "stable"


LEVEL_RANGE = (0.002, 0.06)  # shares of postings at the end of a life cycle (or at its peak)
OBSOLETE_PEAK_MAX = 0.04


def _obsolete_peak(log_level: float) -> float:
    """Log share at the peak of an obsolescent skill: the level range mapped onto
    ``[e^0.8 × min, OBSOLETE_PEAK_MAX]``, so after the collapse (5–15% of the peak) the skill
    is marginal — the market moved on (a skill still large after a fall is only declining)."""
    lo, hi = (float(np.log(v)) for v in LEVEL_RANGE)
    top = float(np.log(OBSOLETE_PEAK_MAX))
    return lo + 0.8 + (log_level - lo) * (top - lo - 0.8) / (hi - lo)


def _market(months: int, rng: np.random.Generator, scale: float) -> np.ndarray:
    """Monthly market postings: growth, hiring seasonality, a crash that recovers, a softening."""
    t = np.arange(months, dtype=float)
    season = np.array([1.06, 1.09, 1.07, 1.03, 1.01, 0.98, 0.97, 1.00, 1.04, 1.02, 0.95, 0.78])
    month_idx = (np.arange(months) + START.month - 1) % 12
    trend = np.exp(0.045 * t / 12)
    crash_at = int(0.48 * months)
    s = t - crash_at
    crash = np.where(s < 0, 0.0, np.where(s < 2, 0.4 * (s + 1) / 3, 0.4 * np.exp(-(s - 2) / 7)))
    soft_at = 0.8 * months
    soft = 0.10 / (1 + np.exp(-(t - soft_at) / 3))
    noise = np.exp(rng.normal(0, 0.015, months))
    return scale * trend * season[month_idx] * (1 - crash) * (1 - soft) * noise


def generate_series(seed: int = 7, n_skills: int = 320, months: int = 132, segments: int = 1
                    ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Demo demand series and their truth.

    Args:
        seed: seed of the ``numpy.random.Generator``; same arguments, identical output.
        n_skills: number of skills (market series excluded).
        months: monthly periods from 2015-01.
        segments: regions; > 1 repeats every skill per region (``Region 01``…) with its own
            market size and noise, to scale series counts up for benchmarks.

    Returns:
        ``(frame, truth)``: frame columns ``skill, period, value, total, source, region,
        occupation, measure`` (measure ``count``; the market series has value = total);
        truth columns ``skill, category, lifecycle``.
    """
    if n_skills < 1 or months < 2 or segments < 1:
        raise ValueError("n_skills, segments must be >= 1 and months >= 2")
    rng = np.random.default_rng(seed)
    skills = pick_skills(n_skills)
    life, pairs = _assign_lifecycles(skills, rng)
    log_share, first = _log_curves(life, pairs, months, rng)
    _label_takeovers(life, pairs, log_share)
    n = skills.height
    month_idx = (np.arange(months) + START.month - 1) % 12
    # Some skills have their own seasonality (e.g. graduate and internship hiring).
    amp = np.where(rng.random(n) < 0.15, rng.uniform(0.05, 0.2, n), 0.0)
    phase = rng.integers(0, 12, n)
    seasonal = amp[:, None] * np.cos(2 * np.pi * (month_idx[None, :] - phase[:, None]) / 12)
    noisy = life == "noisy"

    region_names = [""] if segments == 1 else [f"Region {i + 1:02d}" for i in range(segments)]
    per = periods(months)
    values: list[np.ndarray] = []
    totals: list[np.ndarray] = []
    for _seg in range(segments):
        scale = 60_000.0 if segments == 1 else float(np.exp(rng.uniform(np.log(5e3), np.log(8e4))))
        total = np.round(_market(months, rng, scale))
        # AR(1) log noise per skill: persistent wiggles, not white noise only.
        eps = rng.normal(0, 0.05, (n, months))
        ar = np.empty_like(eps)
        ar[:, 0] = eps[:, 0]
        for j in range(1, months):
            ar[:, j] = 0.6 * ar[:, j - 1] + eps[:, j]
        jitter = rng.normal(0, 0.15, n)[:, None]
        share = np.exp(log_share + seasonal + ar + jitter)
        lam = share * total[None, :]
        # noisy skills: 1–8 expected postings a month whatever the market size
        lam[noisy] = rng.uniform(1, 8, int(noisy.sum()))[:, None] * np.exp(
            log_share[noisy] + ar[noisy] * 2) * (total / total.mean())[None, :]
        counts = rng.poisson(np.clip(lam, 0, 1e12)).astype(float)
        values.append(counts)
        totals.append(total)
    return _to_frames(skills, life, first, per, region_names, values, totals)


def _to_frames(skills: pl.DataFrame, life: np.ndarray, first: np.ndarray, per: list[dt.date],
               region_names: list[str], values: list[np.ndarray], totals: list[np.ndarray]
               ) -> tuple[pl.DataFrame, pl.DataFrame]:
    n, months = values[0].shape
    names = [*skills["skill"].to_list(), MARKET_SKILL]
    skill_idx, period_idx, region_idx, vals, tots = [], [], [], [], []
    keep = np.arange(months)[None, :] >= first[:, None]  # months after the skill first appears
    for r, (counts, total) in enumerate(zip(values, totals, strict=True)):
        ii, jj = np.nonzero(keep)
        skill_idx.append(ii)
        period_idx.append(jj)
        vals.append(counts[ii, jj])
        tots.append(total[jj])
        region_idx.append(np.full(ii.size, r))
        skill_idx.append(np.full(months, n))  # the market series
        period_idx.append(np.arange(months))
        vals.append(total)
        tots.append(total)
        region_idx.append(np.full(months, r))
    s_idx = np.concatenate(skill_idx)
    p_idx = np.concatenate(period_idx)
    r_idx = np.concatenate(region_idx)
    frame = pl.DataFrame({
        "skill": pl.Series(names, dtype=pl.String).gather(s_idx),
        "period": pl.Series(per, dtype=pl.Date).gather(p_idx),
        "value": np.concatenate(vals).astype(np.float64),
        "total": np.concatenate(tots).astype(np.float64),
        "source": pl.repeat(SOURCE, s_idx.size, eager=True, dtype=pl.String),
        "region": pl.Series(region_names, dtype=pl.String).gather(r_idx),
        "occupation": pl.repeat("", s_idx.size, eager=True, dtype=pl.String),
        "measure": pl.repeat("count", s_idx.size, eager=True, dtype=pl.String),
    })
    truth = skills.with_columns(pl.Series("lifecycle", life.tolist(), dtype=pl.String))
    return frame, truth


def taxonomy_frame(truth: pl.DataFrame) -> pl.DataFrame:
    """``name, category`` for ``skills.upsert_taxonomy``: the demo skills plus the market series."""
    return pl.concat([
        truth.select(pl.col("skill").alias("name"), "category"),
        pl.DataFrame({"name": [MARKET_SKILL], "category": [MARKET_CATEGORY]}),
    ])
