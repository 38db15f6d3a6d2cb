"""Read skill taxonomies (the project CSV, a user's CSV, O*NET Technology Skills) and import them.

Formats, detected from the header:

- **skills CSV**: columns ``skill, category, aliases`` (+ optional ``description``); aliases are
  ``|``-separated. Column names are case-insensitive; ``name`` is accepted for ``skill``.
- **O*NET Technology Skills** (tab-separated, as ``Technology Skills.txt`` of the O*NET database):
  skill = ``Example``, category = ``Commodity Title``. An example listed under several commodity
  titles takes the most frequent one (ties: alphabetical). Occupations are not imported as
  skills; the description records how many O*NET occupations list the skill and whether O*NET
  marks it a hot technology. No aliases.

Rules for conflicts (never a partial write; the import runs in one ``store.write``):

- Within a file, a skill named twice or an alias naming two skills is an ``InputError`` that
  names the row and column.
- Against the database: a file's skill whose *name* is already an alias of another stored skill
  is merged into that skill (names resolve through aliases, as everywhere). A file's *alias* that
  already belongs to a different stored skill is an ``InputError`` (rename or drop the alias).
- Categories and descriptions from the file replace stored ones (``uncategorised`` never does).
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import polars as pl

from data.errors import InputError
from data.settings import get_settings
from data.skills import DEFAULT_TAXONOMY, upsert_taxonomy
from data.store import MARKET_CATEGORY, query

ONET_COLUMNS = ("Example", "Commodity Title")
TAXONOMY_COLUMNS = ("name", "category", "aliases", "description")


def _decode(path: Path) -> str:
    label = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=label) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the file is UTF-16; save it as UTF-8", file=label)
    if not raw.strip():
        raise InputError("the file is empty; expected a header row", file=label, row=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
                         file=label, row=line) from exc


def _split(aliases: str) -> list[str]:
    return [a.strip() for a in aliases.split("|") if a.strip()]


def _check(rows: list[tuple[int, str, str, list[str], str]], label: str, *, name_col: str
           ) -> pl.DataFrame:
    """Validate (row, name, category, aliases, description) rows; returns the taxonomy frame."""
    max_len = get_settings().max_skill_name
    owner: dict[str, tuple[str, int]] = {}
    for row, name, _cat, _aliases, _desc in rows:
        if not name:
            raise InputError("the skill name is empty", file=label, row=row, column=name_col)
        if len(name) > max_len:
            raise InputError(f"the skill name is {len(name)} characters long; at most {max_len} "
                             "are allowed", file=label, row=row, column=name_col)
        key = name.lower()
        if key in owner:
            first, first_row = owner[key]
            if first.lower() == key and first_row != row:
                raise InputError(f"skill '{name}' is listed twice (first on row {first_row})",
                                 file=label, row=row, column=name_col)
            raise InputError(f"skill '{name}' is already an alias of '{first}' (row {first_row})",
                             file=label, row=row, column=name_col)
        owner[key] = (name, row)
    for row, name, _cat, aliases, _desc in rows:
        for alias in aliases:
            if len(alias) > max_len:
                raise InputError(f"alias '{alias[:40]}…' is longer than {max_len} characters",
                                 file=label, row=row, column="aliases")
            key = alias.lower()
            if key in owner and owner[key][0].lower() != name.lower():
                other, other_row = owner[key]
                raise InputError(f"alias '{alias}' of '{name}' also names '{other}' (row {other_row}); "
                                 "an alias may name one skill only", file=label, row=row,
                                 column="aliases")
            owner.setdefault(key, (name, row))
    return pl.DataFrame(
        {"name": [r[1] for r in rows], "category": [r[2] or "uncategorised" for r in rows],
         "aliases": ["|".join(r[3]) for r in rows], "description": [r[4] or None for r in rows],
         "_row": [r[0] for r in rows]},
        schema={**{c: pl.String for c in TAXONOMY_COLUMNS}, "_row": pl.Int64})


def _read_csv(text: str, label: str) -> pl.DataFrame:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the file is empty; expected a header row", file=label, row=1) from None
    except csv.Error as exc:
        raise InputError(f"cannot parse the header ({exc})", file=label, row=1) from exc
    cols = [h.strip().lower() for h in header]
    if len(cols) == 1 and (";" in cols[0] or "\t" in cols[0]):
        raise InputError("the file is not comma-separated (found ';' or tabs in the header); "
                         "expected columns skill, category, aliases", file=label, row=1)
    name_col = "skill" if "skill" in cols else "name" if "name" in cols else None
    if name_col is None:
        raise InputError("no 'skill' column; expected a skills CSV (skill, category, aliases) or "
                         "an O*NET Technology Skills file", file=label, row=1, column="skill")
    idx = {c: cols.index(c) for c in (name_col, "category", "aliases", "description") if c in cols}
    rows: list[tuple[int, str, str, list[str], str]] = []
    try:
        for i, rec in enumerate(reader, start=2):
            if not any(c.strip() for c in rec):
                continue
            if len(rec) != len(cols):
                raise InputError(f"has {len(rec)} fields but the header has {len(cols)}; check "
                                 "quoting and delimiters", file=label, row=i)

            def get(col: str, rec: list[str] = rec) -> str:
                return rec[idx[col]].strip() if col in idx else ""
            rows.append((i, get(name_col), get("category"), _split(get("aliases")),
                         get("description")))
    except csv.Error as exc:
        raise InputError(f"cannot parse the CSV ({exc}); check for an unterminated quote",
                         file=label, row=reader.line_num) from exc
    if not rows:
        raise InputError("the file has a header but no skills", file=label, row=2)
    return _check(rows, label, name_col=name_col)


def _read_onet(text: str, label: str) -> pl.DataFrame:
    lines = text.splitlines()
    header = lines[0].split("\t")
    try:
        ex, ct = header.index("Example"), header.index("Commodity Title")
    except ValueError:
        raise InputError("an O*NET file needs the columns Example and Commodity Title",
                         file=label, row=1) from None
    title = header.index("Title") if "Title" in header else None
    hot = header.index("Hot Technology") if "Hot Technology" in header else None
    cats: dict[str, Counter[str]] = defaultdict(Counter)
    occupations: dict[str, set[str]] = defaultdict(set)
    is_hot: dict[str, bool] = {}
    spelling: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for i, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        rec = line.split("\t")
        if len(rec) < len(header):
            raise InputError(f"has {len(rec)} tab-separated fields but the header has {len(header)}",
                             file=label, row=i)
        name, cat = rec[ex].strip(), rec[ct].strip()
        if not name:
            raise InputError("the Example (skill) is empty", file=label, row=i, column="Example")
        key = name.lower()
        spelling.setdefault(key, name)
        first_row.setdefault(key, i)
        cats[key][cat] += 1
        if title is not None:
            occupations[key].add(rec[title].strip())
        if hot is not None and rec[hot].strip().upper() == "Y":
            is_hot[key] = True
    rows: list[tuple[int, str, str, list[str], str]] = []
    for key, name in spelling.items():
        category = sorted(cats[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        n_occ = len(occupations[key])
        desc = f"O*NET technology skill listed for {n_occ} occupation{'s' if n_occ != 1 else ''}"
        if is_hot.get(key):
            desc += "; O*NET hot technology"
        rows.append((first_row[key], name, category, [], desc))
    if not rows:
        raise InputError("the O*NET file has a header but no rows", file=label, row=2)
    return _check(rows, label, name_col="Example")


def read_taxonomy(path: str | Path) -> tuple[pl.DataFrame, str]:
    """A taxonomy file as ``name, category, aliases, description`` and its kind ('csv'|'onet')."""
    path = Path(path)
    text = _decode(path)
    first = text.split("\n", 1)[0]
    if "\t" in first and all(c in first.split("\t") for c in ONET_COLUMNS):
        return _read_onet(text, str(path)), "onet"
    return _read_csv(text, str(path)), "csv"


def project_taxonomy() -> pl.DataFrame:
    """The project's own taxonomy (``data/taxonomy/skills.csv``)."""
    return read_taxonomy(DEFAULT_TAXONOMY)[0]


def triples(df: pl.DataFrame) -> list[tuple[str, str, str]]:
    """``(skill, category, alias)`` for a matcher, the skill's own name included."""
    out: list[tuple[str, str, str]] = []
    for name, cat, aliases in df.select("name", "category", "aliases").iter_rows():
        out.append((name, cat or "", name))
        out.extend((name, cat or "", a) for a in _split(aliases or ""))
    return out


def db_triples(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """``(skill, category, alias)`` for every stored alias (the market series excluded)."""
    df = query(con, "taxonomy_aliases", market=MARKET_CATEGORY)
    return list(df.select("skill", "category", "alias").iter_rows())


def import_taxonomy(con: duckdb.DuckDBPyConnection, df: pl.DataFrame, label: str) -> dict[str, int]:
    """Merge a validated taxonomy into the store (inside an open ``store.write``); a summary."""
    stored = query(con, "taxonomy_aliases", market="")
    alias_owner = dict(zip(stored["alias_key"].to_list(), stored["skill"].to_list(), strict=True))
    names = set(stored["name_key"].to_list())
    merged = new = 0
    combined: dict[str, dict[str, str | None]] = {}
    for rec in df.iter_rows(named=True):
        name = rec["name"]
        key = name.lower()
        owner = alias_owner.get(key)
        if owner is not None and owner.lower() != key:
            name = owner   # the name is an alias of a stored skill: merge into it
            merged += 1
        elif key not in names:
            new += 1
        for alias in _split(rec["aliases"] or ""):
            other = alias_owner.get(alias.lower())
            if other is not None and other.lower() != name.lower():
                raise InputError(f"alias '{alias}' of '{rec['name']}' already names the stored skill "
                                 f"'{other}'; an alias may name one skill only", file=label,
                                 row=rec.get("_row"), column="aliases")
        into = combined.setdefault(name.lower(), {"name": name, "category": rec["category"],
                                                  "aliases": "", "description": rec["description"]})
        into["aliases"] = "|".join(filter(None, [into["aliases"], rec["aliases"]]))
    out = pl.DataFrame(list(combined.values()), schema={c: pl.String for c in TAXONOMY_COLUMNS})
    upsert_taxonomy(con, out)
    n_alias = sum(len(_split(a or "")) for a in out["aliases"].to_list())
    return {"skills": out.height, "new": new, "updated": df.height - new - merged, "merged": merged,
            "aliases": n_alias, "categories": out["category"].n_unique()}
