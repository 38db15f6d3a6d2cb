"""One decoder for every input kind: the same file is accepted (or refused, with the same
sentence) by ingest, catalogue, inventory, taxonomy import and the postings reader."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from skillpulse.data.errors import InputError
from skillpulse.data.ingest.readers import read_table
from skillpulse.data.planning_io import parse_courses, parse_inventory
from skillpulse.data.postings import extract_file
from skillpulse.data.taxonomy_io import read_taxonomy
from skillpulse.data.text import Utf8Stream, decode_text, open_utf8

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
LONG = "skill,period,value\nCafé ML,2020-01,1\n"
COURSES = "course_id,title,skills\nC1,Café basics,Python|SQL\n"
INVENTORY = "person,skill\nRenée,Python\n"
TAXONOMY = "skill,category,aliases\nCafé ML,AI,cml\n"
POSTINGS = "id,posted_at,description\n1,2024-01-05,Python and SQL at the Café\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_input_kind_reads_every_encoding_the_same(tmp_path: Path, encoding: str) -> None:
    assert decode_text(LONG.encode(encoding), "x.csv") == LONG
    frame = read_table(_write(tmp_path, "long.csv", LONG.encode(encoding))).frame
    assert frame["skill"].to_list() == ["Café ML"]
    assert parse_courses(COURSES.encode(encoding), "c.csv")["title"].to_list() == ["Café basics"]
    assert parse_inventory(INVENTORY.encode(encoding), "i.csv")["person"].to_list() == ["Renée"]
    tax, _ = read_taxonomy(_write(tmp_path, "t.csv", TAXONOMY.encode(encoding)))
    assert tax["name"].to_list() == ["Café ML"]
    skills = extract_file(_write(tmp_path, "p.csv", POSTINGS.encode(encoding)),
                          [("Python", "Languages", "Python"), ("SQL", "Data", "SQL")])
    assert sorted(skills["skill"].to_list()) == ["Python", "SQL"]


def test_a_byte_that_is_not_utf8_is_the_same_error_everywhere(tmp_path: Path) -> None:
    """Latin-1 é in row 2, column 2: every table reader names the same row and column."""
    bad = "skill,category,value\nJava,Caf\xe9,1\n".encode("latin-1")
    errors = []
    for read in (lambda: decode_text(bad, "f.csv"),
                 lambda: read_table(_write(tmp_path, "f.csv", bad)),
                 lambda: read_taxonomy(_write(tmp_path, "f.csv", bad))):
        with pytest.raises(InputError) as err:
            read()
        errors.append((err.value.row, err.value.column, err.value.detail))
    assert errors[0] == (2, "category", errors[0][2]) and "0xE9" in errors[0][2]
    assert errors == [errors[0]] * 3
    for parse, text in ((parse_courses, b"course_id,title,skills\nC1,Caf\xe9,Go\n"),
                        (parse_inventory, b"person,skill\nRen\xe9e,Go\n")):
        with pytest.raises(InputError, match=r"\(0xE9\) that is not UTF-8") as err:
            parse(text, "f.csv")
        assert err.value.row == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_the_stream_hands_out_utf8_in_small_reads_and_lines(tmp_path: Path, encoding: str) -> None:
    text = "id,text\n" + "".join(f"{i},naïve café {i} ✓\n" for i in range(500))
    path = _write(tmp_path, "s.csv", text.encode(encoding))
    with open_utf8(path) as fh:
        assert isinstance(fh, Utf8Stream)
        out = io.BytesIO()
        while chunk := fh.read(7):
            assert len(chunk) <= 7
            out.write(chunk)
    assert out.getvalue().decode("utf-8") == text
    with open_utf8(path) as fh:
        assert b"".join(fh).decode("utf-8") == text
    with open_utf8(_write(tmp_path, "u.csv", text.encode())) as fh:
        assert not isinstance(fh, Utf8Stream) and fh.read().decode() == text
