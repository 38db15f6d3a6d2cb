"""Which column plays which role in a file we have never seen: synonyms, measures, skill names.

Names are compared by a key that ignores case, spaces, underscores, hyphens and dots
(``Skill Name`` = ``skill_name`` = ``skillname``). Within a role the FIRST synonym listed wins;
the others are reported as ignored columns.

- skill:      skill, skill_name, term, language, programming_language, technology, tech, tag,
              keyword, competency, topic, tag_name (Stack Exchange), language_name,
              technology_name, topic_name, the plurals (skills, tags, …), name, variable,
              metric, indicator, series (the last four name metrics such as "AI share of
              postings": each value is turned into the skill it measures like a column name
              is, ``skill_from_column``, and a measure all
              of them imply is used)
- period:     period, date, month, year_month, ds, time, week, day, quarter (values like 2020-Q1);
              ``year`` + ``quarter`` (1–4 or Q1–Q4) or ``year`` + ``month`` (1–12 or names) are
              combined into one period; ``year`` alone means yearly data
- region:     region, country, jobcountry, country_code, iso2_code, iso3_code, iso_code,
              country_name, geo, location, economy, entity (Our World in Data files), state,
              province, metro, msa, cbsa, cbsa_code, city, county; several geography columns
              are joined ("US / Austin"), leaving out one that only re-codes another
- occupation: occupation, sector, industry, display_name, job_family
- source:     source;  total (the market denominator): total, or a name starting ``total_``
- value:      ``value`` first; otherwise a value-like name (count, share, percentage, percent, pct,
              index, popularity, mentions, postings, frequency, score, interest, volume, n, or a
              name starting ``num_``/``n_``/``number_of_`` or ending ``_count``/``_share``/``_pct``/
              ``_percent``/``_percentage``/``_index``/``_mentions``/``_postings``). Two value-like
              columns and no ``value`` column is ambiguous (an error naming both); with no
              value-like column, the one remaining numeric column is the value (noted).
- never values: rank, id, code, fips, zip and ``*_id``/``*_code`` columns, year/quarter/month/
  week/day parts, and row indices
  written by pandas (an unnamed first column, ``Unnamed: 0``).

Measure from the value column's name (when ``--measure`` is not given): share, pct, percent,
percentage, proportion, fraction, ratio or a ``%`` → ``share`` (percent, 0–100); index, idx,
score, interest → ``index``; count, num_*, mentions, postings, … → ``count``. Names that say
nothing (``value``, ``popularity``, skill names in a wide table) are decided on the data: values
that add up to 100 (or 1) per period (per segment, ≥ 2 skills) are a ``share``; whole numbers
0–100 peaking at exactly 100 in a wide table are an ``index`` (Google Trends-like); a
``popularity`` column is an ``index``; otherwise ``count``. A share is scaled ×100 when
the name says fraction, ratio or proportion and no value exceeds 1, or when the values of each
period add up to 1; a share column whose values merely stay below 1 is kept as percent (AI is
well under 1 % of postings in many months). ``--measure`` always wins over the name and data.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

SKILL = ("skill", "skill_name", "term", "language", "programming_language", "technology", "tech",
         "tag", "keyword", "competency", "topic", "tag_name", "language_name", "technology_name",
         "topic_name", "skills", "terms", "languages", "technologies", "tags", "keywords", "name",
         "variable", "metric", "indicator", "series")
METRIC_COLUMNS = frozenset({"variable", "metric", "indicator", "series"})
PERIOD = ("period", "date", "month", "year_month", "ds", "time", "week", "day", "quarter")
REGION = ("region", "country", "jobcountry", "country_code", "iso2_code", "iso3_code", "iso_code",
          "country_name", "geo", "location", "economy", "entity", "state", "province", "metro",
          "msa", "cbsa", "cbsa_code", "city", "county")
OCCUPATION = ("occupation", "sector", "industry", "display_name", "job_family")
SOURCE = ("source",)
VALUE_NAMES = ("value", "count", "counts", "share", "percentage", "percent", "pct", "index",
               "popularity", "mentions", "postings", "frequency", "freq", "score", "interest",
               "volume", "n")
VALUE_PREFIXES = ("num_", "n_", "number_of_")
VALUE_SUFFIXES = ("_count", "_share", "_pct", "_percent", "_percentage", "_index", "_mentions",
                  "_postings")
NEVER_VALUE = ("rank", "id", "year", "quarter", "month", "week", "day")

SHARE_WORDS = frozenset({"share", "pct", "percent", "percentage", "proportion", "fraction", "ratio",
                         "%"})
FRACTION_WORDS = frozenset({"fraction", "ratio", "proportion", "frac"})
INDEX_WORDS = frozenset({"index", "idx", "score", "interest", "popularity"})
COUNT_WORDS = frozenset({"count", "counts", "num", "number", "n", "mentions", "postings",
                         "frequency", "freq", "volume", "jobs", "pushers", "users", "repos"})

# Words trimmed from the ends of a metric column's name to name the skill it measures.
METRIC_WORDS = frozenset({
    "share", "shares", "pct", "percent", "percentage", "proportion", "fraction", "ratio", "rate",
    "of", "in", "on", "the", "all", "among", "postings", "posting", "job", "jobs", "index", "idx",
    "count", "counts", "num", "number", "n", "mentions", "mention", "sa", "nsa", "total", "value",
    "values", "%", "score", "interest", "popularity", "demand", "trend", "smoothed", "avg",
    "mean", "mentioning", "mentioned", "requiring", "requires", "with", "for", "using",
    "listings", "listing", "vacancies", "ads", "openings"})
ACRONYMS = frozenset({"ai", "ml", "ui", "ux", "qa", "bi", "ar", "vr", "it", "hr", "nlp", "llm",
                      "api", "sql", "aws", "gcp", "genai", "ci", "cd", "iot", "devops"})


def key(name: str) -> str:
    """Comparison key: lower case, runs of space/underscore/hyphen/dot as one underscore."""
    return re.sub(r"[\s_\-.]+", "_", name.strip().lower()).strip("_")


def compact(name: str) -> str:
    return key(name).replace("_", "")


def find(columns: Iterable[str], synonyms: Iterable[str]) -> list[str]:
    """Columns (as given) matching ``synonyms``, in synonym priority order."""
    by_key: dict[str, str] = {}
    for c in columns:
        by_key.setdefault(compact(c), c)
    return [by_key[compact(s)] for s in synonyms if compact(s) in by_key]


def is_total(name: str) -> bool:
    k = key(name)
    return k == "total" or k.startswith("total_")


def is_value_like(name: str) -> bool:
    k = key(name)
    return (compact(k) in {compact(v) for v in VALUE_NAMES} or k.startswith(VALUE_PREFIXES)
            or k.endswith(VALUE_SUFFIXES))


def never_value(name: str) -> bool:
    k = key(name)
    return (k in NEVER_VALUE or k.endswith(("_id", "_rank", "_code")) or k.startswith("unnamed")
            or k in ("index_0", "level_0", "code", "fips", "zip", "zipcode", "postcode"))


def words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s_\-.()/:]+", name.strip().lower().replace("%", " % ")) if w]


def measure_from_name(name: str) -> str | None:
    """``share``/``index``/``count`` implied by a value column's name; ``None`` when the name says
    nothing (``value``, ``popularity``, a skill name in a wide table)."""
    ws = set(words(name))
    if ws & SHARE_WORDS:
        return "share"
    if ws & INDEX_WORDS - {"popularity"}:
        return "index"
    if ws & COUNT_WORDS or any(w.startswith("num") for w in ws):
        return "count"
    return None


def says_fraction(name: str) -> bool:
    return bool(set(words(name)) & FRACTION_WORDS)


def skill_from_column(name: str, fallback: str) -> str:
    """The skill a metric column measures: ``AI_share`` → ``AI``, ``Python: (Worldwide)`` →
    ``Python``, ``C/C++`` unchanged. Metric words (share, pct, postings, index, of …) are trimmed
    from both ends; underscores become spaces; an all-lower-case result gets a capital first
    letter and upper-case acronyms (``ai`` → ``AI``). Nothing left → ``fallback``."""
    text = re.sub(r":\s*\(.*\)\s*$", "", name.strip())  # Google Trends "Python: (Worldwide)"
    tokens = [t for t in re.split(r"[\s_]+", text) if t]
    trimmed = list(tokens)
    while trimmed and trimmed[0].lower().strip("()%") in METRIC_WORDS | {""}:
        trimmed.pop(0)
    while trimmed and trimmed[-1].lower().strip("()%") in METRIC_WORDS | {""}:
        trimmed.pop()
    if not trimmed:
        return fallback
    if trimmed == tokens and "_" not in text:
        return text  # nothing to trim: keep the header exactly ("C/C++", "Visual Basic")
    out = " ".join(trimmed)
    if out == out.lower():
        parts = [p.upper() if p in ACRONYMS else p for p in out.split(" ")]
        parts[0] = parts[0] if parts[0].isupper() else parts[0][:1].upper() + parts[0][1:]
        out = " ".join(parts)
    return out
