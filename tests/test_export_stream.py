"""``skillpulse export`` streams: the contract tables go out in chunks (bounded memory at a million
series) with the same bytes as the whole table written at once, formulas neutralised in every
chunk."""
from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from skillpulse.dashboard.commands.export import KINDS, export_chunks
from skillpulse.data import store
from skillpulse.data.tables import write_chunks, write_table

from tests import fixtures_app as fx

dash_db = fx.dash_db


def _bytes(path: Path, write: object, *args: object) -> bytes:
    write(*args, str(path))  # type: ignore[operator]
    return path.read_bytes()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_chunks_write_the_same_bytes_as_the_whole_table(dash_db: Path, tmp_path: Path, kind: str,
                                                        fmt: str) -> None:
    with store.read(dash_db) as con:
        whole = pl.concat(list(export_chunks(con, kind, rows=1_000_000)))
        chunked = _bytes(tmp_path / f"c.{fmt}", write_chunks,
                         export_chunks(con, kind, rows=7, part_series=2))
    assert whole.height > 7 * 3
    assert chunked == _bytes(tmp_path / f"w.{fmt}", write_table, whole)


def test_parquet_chunks_read_back_equal(dash_db: Path, tmp_path: Path) -> None:
    with store.read(dash_db) as con:
        whole = pl.concat(list(export_chunks(con, "outlook", rows=1_000_000)))
        write_chunks(export_chunks(con, "outlook", rows=50), str(tmp_path / "o.parquet"))
    assert_frame_equal(pl.read_parquet(tmp_path / "o.parquet"), whole)


def test_formulas_are_neutralised_in_every_chunk(tmp_path: Path) -> None:
    chunks = [pl.DataFrame({"skill": ["ok", "=1+1"], "n": [1, 2]}),
              pl.DataFrame({"skill": ["@SUM(A1)", "-x"], "n": [3, 4]})]
    out = tmp_path / "f.csv"
    write_chunks(iter(chunks), str(out))
    assert out.read_bytes() == b"skill,n\nok,1\n'=1+1,2\n'@SUM(A1),3\n'-x,4\n"
    write_chunks(iter(chunks), str(tmp_path / "f.json"))
    assert pl.read_json(io.BytesIO((tmp_path / "f.json").read_bytes()))["n"].to_list() == [1, 2, 3, 4]


def test_an_empty_result_still_has_its_header(tmp_path: Path) -> None:
    con = store.memory()
    chunks = list(store.query_chunks(con, "export_series", 10, first=None, last=None))
    assert len(chunks) == 1 and chunks[0].height == 0
    write_chunks(iter(chunks), str(tmp_path / "e.csv"))
    assert (tmp_path / "e.csv").read_text().startswith("skill,category,source,region")
    write_chunks(iter(chunks), str(tmp_path / "e.json"))
    assert (tmp_path / "e.json").read_text() == "[]"


def test_export_reads_with_duckdb_capped(dash_db: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Uncapped, DuckDB would keep every block the parts' queries read (memory growing with the
    table); the export opens the store under the run's cap (``SKILLPULSE_RUN_DUCKDB_MEMORY``)."""
    from click.testing import CliRunner
    from skillpulse.dashboard.commands import export

    seen: list[str] = []
    real = export.export_chunks

    def spy(con, kind):  # type: ignore[no-untyped-def]
        seen.append(str(con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0]))
        return real(con, kind)

    monkeypatch.setattr(export, "export_chunks", spy)
    monkeypatch.setenv("SKILLPULSE_RUN_DUCKDB_MEMORY", "48MB")
    out = tmp_path / "o.csv"
    done = CliRunner().invoke(export.export_cmd, ["outlook", "--db", str(dash_db), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert seen == ["45.7 MiB"] and out.stat().st_size > 0
