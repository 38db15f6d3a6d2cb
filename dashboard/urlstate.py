"""Page state ⇄ query string: parse and validate every parameter against allow-lists.

Used twice with the same rules: by page layouts (query-string arguments of a shared link) and by
callbacks (any JSON can be posted to a callback, so its inputs are validated the same way).
Problems never raise: they come back as sentences for a friendly alert, and the default is used.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

if TYPE_CHECKING:
    import polars as pl

SCALES = ("share", "count", "index")
VIEWS = ("absolute", "relative")
HORIZONS = (6, 12, 24, 36, 60)
DEFAULT_HORIZON = 24
MAX_SKILLS = 8
MAX_TEXT = 200
EXPLORER_KEYS = ("skill", "horizon", "scale", "view", "source", "region", "occupation", "run",
                 "compare")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ExplorerState:
    """What the explorer shows; every field has a query-string parameter of the same name."""

    skills: tuple[str, ...] = ()
    horizon: int = DEFAULT_HORIZON
    scale: str = "share"
    view: str = "absolute"
    source: str | None = None
    region: str | None = None
    occupation: str | None = None
    run: int | None = None
    compare: int | None = None  # another run whose forecast fan is drawn too


def _values(raw: Any) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return list(raw)
    return [raw]


def _one(raw: Any, name: str, problems: list[str]) -> Any:
    vals = _values(raw)
    if len(vals) > 1:
        problems.append(f"'{name}' was given {len(vals)} times; the first value is used.")
    return vals[0] if vals else None


def clean_text(raw: Any, name: str, problems: list[str]) -> str | None:
    """A short printable string, or None (with a problem when it was not acceptable)."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        problems.append(f"'{name}' must be text; it was ignored.")
        return None
    text = raw.strip()
    if len(text) > MAX_TEXT or _CONTROL.search(text):
        problems.append(f"'{name}' is not a valid value; it was ignored.")
        return None
    return text


def parse_int(raw: Any, name: str, problems: list[str], *, allowed: Iterable[int] | None = None,
              lo: int = 1, hi: int = 10**9) -> int | None:
    """An integer within bounds (and an allow-list), or None with a problem."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        problems.append(f"'{name}' must be a whole number.")
        return None
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        shown = str(raw)[:40]
        problems.append(f"'{name}={shown}' is not a whole number; the default is used.")
        return None
    allowed_set = set(allowed) if allowed is not None else None
    if not lo <= value <= hi or (allowed_set is not None and value not in allowed_set):
        choices = ", ".join(str(a) for a in sorted(allowed_set)) if allowed_set else f"{lo}–{hi}"
        problems.append(f"'{name}={value}' is out of range (choose {choices}); the default is used.")
        return None
    return value


def parse_choice(raw: Any, name: str, choices: tuple[str, ...], problems: list[str]) -> str | None:
    value = clean_text(raw, name, problems)
    if value is None or value == "":
        return None
    if value.lower() not in choices:
        problems.append(f"'{name}={value[:40]}' is not one of {', '.join(choices)}; "
                        f"'{choices[0]}' is used.")
        return None
    return value.lower()


def parse_run(raw: Any, problems: list[str]) -> int | None:
    return parse_int(_one(raw, "run", problems), "run", problems)


def report_unknown(names: Iterable[str], problems: list[str]) -> None:
    """Name (sorted, at most five, each clipped) query parameters a page does not know."""
    unknown = sorted(names)
    if unknown:
        problems.append("Unknown parameter(s) ignored: " + ", ".join(k[:40] for k in unknown[:5]) + ".")


def parse_explorer(args: Mapping[str, Any]) -> tuple[ExplorerState, list[str]]:
    """Explorer state from query-string arguments or callback values (lists or scalars).

    Unknown parameter names are reported; each known one is validated independently.
    """
    problems: list[str] = []
    report_unknown((k for k in args if k not in EXPLORER_KEYS), problems)
    skills: list[str] = []
    for raw in _values(args.get("skill")):
        name = clean_text(raw, "skill", problems)
        if name and name.lower() not in {s.lower() for s in skills}:
            skills.append(name)
    if len(skills) > MAX_SKILLS:
        problems.append(f"At most {MAX_SKILLS} skills can be compared; the first {MAX_SKILLS} are shown.")
        skills = skills[:MAX_SKILLS]
    horizon = parse_int(_one(args.get("horizon"), "horizon", problems), "horizon", problems,
                        allowed=HORIZONS)
    state = ExplorerState(
        skills=tuple(skills),
        horizon=horizon or DEFAULT_HORIZON,
        scale=parse_choice(_one(args.get("scale"), "scale", problems), "scale", SCALES, problems)
        or "share",
        view=parse_choice(_one(args.get("view"), "view", problems), "view", VIEWS, problems)
        or "absolute",
        source=clean_text(_one(args.get("source"), "source", problems), "source", problems),
        region=clean_text(_one(args.get("region"), "region", problems), "region", problems),
        occupation=clean_text(_one(args.get("occupation"), "occupation", problems), "occupation",
                              problems),
        run=parse_run(args.get("run"), problems),
        compare=parse_int(_one(args.get("compare"), "compare", problems), "compare", problems),
    )
    return state, problems


def with_segment_check(state: ExplorerState, options: Mapping[str, Iterable[str]],
                       problems: list[str]) -> ExplorerState:
    """Drop segment values that are not in the database (``options``: field → allowed values)."""
    changes: dict[str, Any] = {}
    for field in ("source", "region", "occupation"):
        value = getattr(state, field)
        if value is not None and value not in set(options.get(field, ())):
            problems.append(f"No data for {field} '{value[:40]}'; showing all.")
            changes[field] = None
    return replace(state, **changes) if changes else state


def explorer_search(state: ExplorerState) -> str:
    """The canonical query string (``?…``) for a state: defaults are left out, skills repeat."""
    pairs: list[tuple[str, str]] = [("skill", s) for s in state.skills]
    if state.horizon != DEFAULT_HORIZON:
        pairs.append(("horizon", str(state.horizon)))
    if state.scale != "share":
        pairs.append(("scale", state.scale))
    if state.view != "absolute":
        pairs.append(("view", state.view))
    for field in ("source", "region", "occupation"):
        value = getattr(state, field)
        if value is not None:
            pairs.append((field, value))
    if state.run is not None:
        pairs.append(("run", str(state.run)))
    if state.compare is not None:
        pairs.append(("compare", str(state.compare)))
    # %20, not "+": a link is often embedded again (markdown cells), where "+" is ambiguous
    return "?" + urlencode(pairs, quote_via=quote) if pairs else ""


def skills_href(names: Iterable[str]) -> str:
    """Link to the explorer showing ``names``."""
    return "/skills" + explorer_search(ExplorerState(skills=tuple(names)))


def parse_changes(args: Mapping[str, Any]) -> tuple[int | None, int | None, list[str]]:
    """``/changes`` state: the earlier (``from``) and later (``to``) run ids, None = default."""
    problems: list[str] = []
    report_unknown((k for k in args if k not in ("from", "to")), problems)
    before = parse_int(_one(args.get("from"), "from", problems), "from", problems)
    after = parse_int(_one(args.get("to"), "to", problems), "to", problems)
    return before, after, problems


def changes_search(before: int | None, after: int | None) -> str:
    """The ``/changes`` query string for a pair of runs (either may be left to its default)."""
    pairs = [(k, str(v)) for k, v in (("from", before), ("to", after)) if v is not None]
    return "?" + urlencode(pairs) if pairs else ""


def validate_run(requested: int | None, available: Iterable[int], problems: list[str]) -> int | None:
    """``requested`` if it is a stored run, else None (= newest) with a problem."""
    if requested is None or requested == 0:
        return None
    if requested not in set(available):
        problems.append(f"There is no forecast run {requested}; the newest run is shown.")
        return None
    return requested


def requested_run(raw: Any, runs: pl.DataFrame, problems: list[str]) -> int | None:
    """The ``run`` URL value if it is one of ``runs`` (a frame with ``run_id``), else None
    (= newest) with a problem."""
    return validate_run(parse_run(raw, problems), runs["run_id"].to_list(), problems)


def query_args(search: str | None) -> dict[str, Any]:
    """Query-string arguments like Dash pages passes them to a layout (repeats become lists)."""
    from urllib.parse import parse_qs

    if not search or not search.startswith("?"):
        return {}
    parsed = parse_qs(search[1:], keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}
