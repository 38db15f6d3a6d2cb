"""Property-based tests (hypothesis) for every parser: any bytes end in a result or one
``InputError`` (never another exception), names come out clean and visible, and well-formed input
round-trips. Example counts are small and fixed (``derandomize``) so the suite stays fast and
deterministic."""
from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skillpulse.data.errors import InputError
from skillpulse.data.guards import clean_name, is_invisible
from skillpulse.data.ingest.checks import _parse_distinct
from skillpulse.data.ingest.detect import detect_format
from skillpulse.data.ingest.pipeline import _parse
from skillpulse.data.ingest.readers import read_header
from skillpulse.data.planning_io import decode_upload, parse_courses, parse_inventory
from skillpulse.data.postings_read import read_postings
from skillpulse.data.settings import Settings
from skillpulse.data.taxonomy_io import read_taxonomy

FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
# Text a hostile file may hold: any code point but surrogates (NUL, bidi, zero-width included).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
NAME = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=',"|;'),
               min_size=1, max_size=20)
CSV_BYTES = st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(ANY_TEXT, min_size=1, max_size=4), min_size=1, max_size=5).map(
        lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8")),
)


def _file(data: bytes, suffix: str = ".csv") -> Path:
    folder = Path(tempfile.mkdtemp(prefix="prop-", dir=Path(tempfile.gettempdir())))
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return path


def _visible_clean(names: list[str]) -> None:
    for n in names:
        assert n == clean_name(n) and not is_invisible(n), repr(n)


@FAST
@given(ANY_TEXT)
def test_clean_name_is_idempotent_and_leaves_no_invisible_controls(text: str) -> None:
    once = clean_name(text)
    assert clean_name(once) == once
    assert unicodedata.normalize("NFKC", once) == once or not once.isprintable()
    assert not any(unicodedata.category(ch) == "Cf" for ch in once)
    assert once == once.strip() and "  " not in once


@FAST
@given(NAME, st.sampled_from(["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u00ad"]),
       st.integers(0, 20))
def test_a_name_with_an_invisible_character_inserted_is_the_same_name(name: str, mark: str, at: int
                                                                     ) -> None:
    at = min(at, len(name))
    assert clean_name(name[:at] + mark + name[at:]) == clean_name(name)


@FAST
@given(st.integers(1970, 2100), st.integers(1, 12))
def test_every_month_layout_parses_to_its_month(year: int, month: int) -> None:
    want = dt.date(year, month, 1)
    name = dt.date(year, month, 1).strftime("%B")
    texts = [f"{year}-{month:02d}", f"{year}-{month:02d}-01", f"{year}/{month}", f"{month:02d}/{year}",
             f"{name} {year}", f"{name[:3]} {year}", f"{year}{month:02d}", f"01/{month:02d}/{year}"]
    texts = list(dict.fromkeys(texts))  # "May 2020" is both layouts
    parsed, ambiguous = _parse_distinct(pl.Series(texts, dtype=pl.String))
    assert parsed.to_list() == [want] * len(texts) and not ambiguous


def _ingest_parse(path: Path) -> None:
    _kind, header = read_header(path)
    fmt = detect_format(header, path.name)
    if fmt == "postings":
        return
    parsed = _parse(path, path.name, fmt, source=None, measure=None, settings=Settings(),
                    header=header)
    _visible_clean(parsed.frame["skill"].unique().to_list())


@FAST
@given(CSV_BYTES)
def test_table_ingest_of_any_bytes_is_a_result_or_one_input_error(data: bytes) -> None:
    try:
        _ingest_parse(_file(data))
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc).strip()


@FAST
@given(st.lists(st.tuples(NAME, st.integers(0, 59), st.floats(0, 1e6, allow_nan=False)),
                min_size=1, max_size=12, unique_by=lambda t: (clean_name(t[0]).lower(), t[1])))
def test_a_valid_long_file_round_trips(rows: list[tuple[str, int, float]]) -> None:
    visible = [r for r in rows if not is_invisible(r[0])]
    if len(visible) != len(rows):
        return  # an invisible name is refused (the corpus checks that)
    text = "skill,period,value\n" + "".join(
        f"{name},{2020 + m // 12}-{m % 12 + 1:02d},{value!r}\n" for name, m, value in rows)
    path = _file(text.encode())
    try:
        _kind, header = read_header(path)
        parsed = _parse(path, path.name, "long", source=None, measure=None, settings=Settings(),
                        header=header)
    except InputError as exc:  # a spike beyond the modelling scale is refused with its row
        assert "median" in str(exc) or "not a number" in str(exc), str(exc)
        return
    got = {(s.lower(), p, v) for s, p, v in parsed.frame.select("skill", "period", "value").rows()}
    want = {(clean_name(n).lower(), dt.date(2020 + m // 12, m % 12 + 1, 1), float(repr(v)))
            for n, m, v in rows}
    assert got == want


@FAST
@given(CSV_BYTES, st.sampled_from([".csv", ".jsonl"]))
def test_postings_of_any_bytes_stream_or_raise_one_input_error(data: bytes, suffix: str) -> None:
    try:
        for frame in read_postings(_file(data, suffix), chunk_rows=5, block_bytes=64):
            assert isinstance(frame, pl.DataFrame)
    except InputError as exc:
        assert str(exc)


@FAST
@given(CSV_BYTES)
def test_taxonomy_of_any_bytes_is_clean_names_or_one_input_error(data: bytes) -> None:
    try:
        df, _kind = read_taxonomy(_file(b"skill,category,aliases\n" + data))
    except InputError as exc:
        assert str(exc)
        return
    _visible_clean(df["name"].to_list())
    _visible_clean([a for cell in df["aliases"].to_list() for a in cell.split("|") if a])


def _catalogue_skills(data: bytes) -> pl.DataFrame:
    df = parse_courses(b"course_id,title,skills,hours\n" + data, "c.csv")
    assert all(h is None or 0 <= h <= 10_000 for h in df["hours"].to_list())
    return df.select(pl.col("skills").explode().alias("skill"))


def _inventory_skills(data: bytes) -> pl.DataFrame:
    df = parse_inventory(b"person,skill,proficiency\n" + data, "i.csv")
    assert all(p is None or 1 <= p <= 5 for p in df["proficiency"].to_list())
    return df


@pytest.mark.parametrize("parse", [_catalogue_skills, _inventory_skills], ids=["catalogue", "inventory"])
@FAST
@given(data=CSV_BYTES)
def test_plans_of_any_bytes_are_clean_skills_or_one_input_error(parse: object, data: bytes) -> None:
    try:
        df = parse(data)  # type: ignore[operator]
    except InputError as exc:
        assert str(exc)
        return
    _visible_clean(df["skill"].drop_nulls().to_list())


@FAST
@given(st.one_of(st.none(), ANY_TEXT, st.binary(max_size=200).map(
    lambda b: "data:text/csv;base64," + __import__("base64").b64encode(b).decode())))
def test_uploads_decode_within_the_limit_or_raise_one_input_error(contents: str | None) -> None:
    try:
        data, name = decode_upload(contents, "x.csv", max_bytes=100)
    except InputError as exc:
        assert str(exc)
        return
    assert len(data) <= 100 and name == "x.csv"


@pytest.mark.parametrize("order", ["01/02/2020", "1/2/2020"])
def test_an_ambiguous_slash_date_says_which_order_was_used(order: str) -> None:
    path = _file(f"skill,period,value\nGo,{order},1\nGo,01/03/2020,2\n".encode())
    _kind, header = read_header(path)
    parsed = _parse(path, path.name, "long", source=None, measure=None, settings=Settings(),
                    header=header)
    assert parsed.frame["period"].to_list() == [dt.date(2020, 2, 1), dt.date(2020, 3, 1)]
    assert any("read as day/month/year (DD/MM/YYYY)" in n for n in parsed.notes), parsed.notes
