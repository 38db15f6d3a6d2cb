"""Read skill taxonomies (the project CSV, a user's CSV, O*NET Technology Skills) and import them.

Formats, detected from the header:

- **skills CSV**: columns ``skill, category, aliases`` (+ optional ``description`` and
  ``successors``: ``|``-separated names of the skills that replace it, e.g. AngularJS →
  ``Angular|React|TypeScript``, used by the plans); aliases are
  ``|``-separated. Column names are case-insensitive; ``name`` is accepted for ``skill``.
- **O*NET Technology Skills** (tab-separated, as ``Technology Skills.txt`` of the O*NET database):
  skill = ``Example``, category = ``Commodity Title``. An example listed under several commodity
  titles takes the most frequent one (ties: alphabetical). Occupations are not imported as
  skills; the description records how many O*NET occupations list the skill and whether O*NET
  marks it a hot technology. No aliases.

Rules for conflicts (never a partial write; the import runs in one ``store.write``). The order
of imports does not matter (O*NET then the project CSV, or the other way round):

- Within a file, a skill named twice or an alias naming two skills is an ``InputError`` that
  names the row and column — the only conflict that is an error.
- Against the database, names are compared case-, space- and punctuation-insensitively
  (:func:`loose_key`: "Objective-C" = "Objective C"; "C", "C++", "C#" stay apart). A file's skill
  that is not stored under its own name is merged with a stored skill, first match wins:
  (1) its name is an alias of a stored skill → merged into it (the stored name stays, the file's
  name becomes an alias); (2) one of its aliases is a stored skill's *name* → that stored skill
  takes the file's name (the old name stays an alias), so "SQL" with alias "Transact-SQL" ends
  up as one skill "SQL" whichever file came first; (3) its name is a stored name up to case,
  spaces and punctuation → merged, the stored spelling stays. A loose match naming several
  stored skills merges nothing. Stored skills are never merged with each other.
- A file's alias that already names a different stored skill stays with the stored skill (it is
  not moved) and is reported.
- Merges and kept aliases are listed in the summary ``skillpulse taxonomy import`` prints.
- Categories and descriptions from the file replace stored ones (``uncategorised`` never does),
  except an O*NET file's commodity titles (``keep_categories``): they only categorise skills new
  to the database. Plans look for a person's neighbours in their skills' categories; O*NET's
  generic titles ("Application server software" for Kubernetes, "Development environment
  software" for Go) replaced the curated ones and changed every plan. Import order still does
  not matter: a skills CSV sets the category whenever it comes.
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from skillpulse.data.errors import InputError
from skillpulse.data.guards import clean_name, is_invisible, shown
from skillpulse.data.settings import get_settings
from skillpulse.data.skills import DEFAULT_TAXONOMY, upsert_taxonomy
from skillpulse.data.store import MARKET_CATEGORY, execute, query
from skillpulse.data.text import decode_text, read_bytes

ONET_COLUMNS = ("Example", "Commodity Title")
TAXONOMY_COLUMNS = ("name", "category", "aliases", "description")


def _decode(path: Path) -> str:
    label = str(path)
    text = decode_text(read_bytes(path), label)
    if not text.strip():
        raise InputError("the file is empty; expected a header row", file=label, row=1)
    return text


def _split(aliases: str) -> list[str]:
    return [a.strip() for a in aliases.split("|") if a.strip()]


def _check(rows: list[tuple[int, str, str, list[str], str]], label: str, *, name_col: str
           ) -> pl.DataFrame:
    """Validate (row, name, category, aliases, description) rows; returns the taxonomy frame."""
    max_len = get_settings().max_skill_name
    owner: dict[str, tuple[str, int]] = {}
    for row, name, _cat, _aliases, _desc in rows:
        if name and is_invisible(name):
            raise InputError(f"the skill name '{shown(name)}' has no visible character",
                             file=label, row=row, column=name_col)
    rows = [(row, clean_name(name), cat, [a for a in map(clean_name, aliases) if a], desc)
            for row, name, cat, aliases, desc in rows]
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
    idx = {c: cols.index(c) for c in (name_col, "category", "aliases", "description", "successors")
           if c in cols}
    rows: list[tuple[int, str, str, list[str], str]] = []
    successors: list[str | None] = []
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
            successors.append("|".join(clean_name(x) for x in _split(get("successors"))) or None)
    except csv.Error as exc:
        raise InputError(f"cannot parse the CSV ({exc}); check for an unterminated quote",
                         file=label, row=reader.line_num) from exc
    if not rows:
        raise InputError("the file has a header but no skills", file=label, row=2)
    frame = _check(rows, label, name_col=name_col)
    return frame.with_columns(pl.Series("successors", successors, dtype=pl.String))


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
    """The project's own taxonomy (``data/taxonomy/skills.csv``): ``name, category, aliases,
    description``, validated like any imported file. The one reader of the shipped CSV."""
    return read_taxonomy(DEFAULT_TAXONOMY)[0]


def ensure_default_taxonomy(con: duckdb.DuckDBPyConnection) -> None:
    """Seed the project's taxonomy into an empty store (no-op once any skill exists)."""
    if query(con, "skill_count")["n"][0] == 0:
        upsert_taxonomy(con, project_taxonomy())


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


_LOOSE_DROP = str.maketrans("", "", " \t\n\r\u00a0-_/',’")


def loose_key(name: str) -> str:
    """A name compared case-, space- and punctuation-insensitively: "Objective-C" and
    "objective c" agree, and so do "Node.js" and "NodeJS"; the symbols that tell names apart
    (``+``, ``#``, ``&``, a leading ``.``) are kept, so "C", "C++", "C#" and ".NET" stay distinct."""
    key = name.strip().lower()
    lead = "." if key.startswith(".") else ""
    return lead + key.translate(_LOOSE_DROP).replace(".", "")


class _Stored:
    """The stored taxonomy's names and aliases, exact and loose (:func:`loose_key`), and the
    renames decided so far during one import."""

    def __init__(self, stored: pl.DataFrame) -> None:
        self.names: dict[str, str] = {}
        self.aliases_of: dict[str, str] = {}
        self.loose_names: dict[str, set[str]] = defaultdict(set)
        self.loose_aliases: dict[str, set[str]] = defaultdict(set)
        self.category_of: dict[str, str] = {}  # stored skill (lower) -> its category
        for skill, name_key, alias, alias_key, category in stored.select(
                "skill", "name_key", "alias", "alias_key", "category").iter_rows():
            self.names[name_key] = skill
            self.category_of[skill.lower()] = category
            if alias_key == name_key:
                self.loose_names[loose_key(alias)].add(skill)
            else:
                self.aliases_of[alias_key] = skill
                self.loose_aliases[loose_key(alias)].add(skill)
        self.every = {**self.names, **self.aliases_of}
        self.renamed: dict[str, str] = {}   # stored name (lower) -> the file's name it takes

    @staticmethod
    def _find(text: str, exact: dict[str, str], loose: dict[str, set[str]]) -> str | None:
        """The stored skill ``text`` names exactly, else loosely when only one skill matches."""
        hit = exact.get(text.strip().lower())
        if hit is not None:
            return hit
        cands = loose.get(loose_key(text), set())
        return next(iter(cands)) if len(cands) == 1 else None

    def by_name(self, text: str) -> str | None:
        return self._find(text, self.names, self.loose_names)

    def by_alias(self, text: str) -> str | None:
        return self._find(text, self.aliases_of, self.loose_aliases)

    def current(self, skill: str) -> str:
        return self.renamed.get(skill.lower(), skill)

    def target(self, name: str, aliases: list[str]) -> tuple[str | None, str, str | None]:
        """``(stored skill, why, renamed)``: the skill a file's skill merges into and why (rules
        1-3 of the module docstring, first match wins; ``why`` is empty for the same name);
        ``renamed`` is the stored name rule 2 renames to ``name``. ``None`` for a new skill."""
        hit = self.names.get(name.lower())
        if hit is not None:
            return hit, "", None
        hit = self.by_alias(name)
        if hit is not None:
            return hit, f"'{name}' is an alias of '{hit}'", None
        for alias in aliases:
            hit = self.by_name(alias)
            if hit is not None and hit.lower() not in self.renamed:
                self.renamed[hit.lower()] = name
                return name, (f"the file lists '{alias}' as an alias of '{name}': '{hit}' is "
                              f"renamed '{name}'"), hit
        hit = self.by_name(name)
        return hit, (f"same name as '{hit}'" if hit else ""), None

    def alias_owner(self, alias: str) -> str | None:
        """The stored skill that already has ``alias`` as a name or alias (after renames)."""
        other = self.every.get(alias.strip().lower())
        if other is None:
            other = self.by_name(alias) or self.by_alias(alias)
        return None if other is None else self.current(other)


def import_taxonomy(con: duckdb.DuckDBPyConnection, df: pl.DataFrame, label: str, *,
                    keep_categories: bool = False) -> dict[str, Any]:
    """Merge a validated taxonomy into the store (inside an open ``store.write``); a summary.
    ``keep_categories``: a stored skill keeps its category (an O*NET file; module docstring).

    See the module docstring for the rules. The summary counts skills (``new``, ``updated``,
    ``merged``) and lists ``merges`` as ``(file's name, stored skill, why)``, ``renamed`` as
    ``(old stored name, new name)`` and ``kept_aliases`` as ``(alias, stored skill that keeps
    it, file's skill)``.
    """
    del label   # every conflict left is within the file, reported by read_taxonomy
    st = _Stored(query(con, "taxonomy_aliases", market=""))
    merges: list[tuple[str, str, str]] = []
    kept: list[tuple[str, str, str]] = []
    new = updated = 0
    combined: dict[str, dict[str, str | None]] = {}
    for rec in df.iter_rows(named=True):
        name = rec["name"]
        aliases = _split(rec["aliases"] or "")
        target, why, renamed = st.target(name, aliases)
        stored = None if target is None else st.category_of.get((renamed or target).lower())
        if target is None:
            target = name
            new += 1
        elif renamed is not None:   # rule 2: the stored skill takes the file's name
            merges.append((name, renamed, why))
        elif why:
            target = st.current(target)
            merges.append((name, target, why))
        else:
            target = st.current(target)
            updated += 1
        keep = [name] if target.lower() != name.lower() else []
        for alias in aliases:
            owner = st.alias_owner(alias)
            if owner is not None and owner.lower() != target.lower():
                kept.append((alias, owner, name))   # the stored skill keeps its alias
            else:
                keep.append(alias)
        category = stored if keep_categories and stored else rec["category"]
        into = combined.setdefault(target.lower(), {"name": target, "category": category,
                                                    "aliases": "", "description": rec["description"],
                                                    "successors": None})
        into["aliases"] = "|".join(filter(None, [into["aliases"], *keep]))
        into["successors"] = rec.get("successors") or into["successors"]
    for old, new_name in st.renamed.items():
        execute(con, "taxonomy_rename_skill", old_name=old, new_name=new_name)
        early = combined.pop(old, None)   # rows merged into the old name before the rename
        if early is not None:
            into = combined[new_name.lower()]
            into["aliases"] = "|".join(filter(None, [into["aliases"], early["aliases"]]))
    out = pl.DataFrame(list(combined.values()),
                       schema={c: pl.String for c in (*TAXONOMY_COLUMNS, "successors")})
    upsert_taxonomy(con, out)
    n_alias = sum(len(_split(a or "")) for a in out["aliases"].to_list())
    return {"skills": out.height, "new": new, "updated": updated, "merged": len(merges),
            "aliases": n_alias, "categories": out["category"].n_unique(), "merges": merges,
            "renamed": [(st.names.get(old, old), n) for old, n in st.renamed.items()],
            "kept_aliases": kept}
