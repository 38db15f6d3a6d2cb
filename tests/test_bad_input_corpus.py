"""The hostile-input corpus over every input kind: each file exits 2 with one sentence naming the
file (and its row and column where there is one), never a traceback, and the database is unchanged.

Kinds: long, wide, HN, Indeed (``ingest``), job postings (``ingest --format postings``), taxonomy
(``taxonomy import``), catalogue (``catalogue``), inventory (``gaps``). ``test_ingest_errors``
holds the ordinary mistakes of the table formats; this corpus adds hostile ones (binary bytes,
invisible and look-alike names, absurd values, ambiguous dates, sizes) and the other kinds.
"""
from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_ingest_errors import GOOD, _assert_one_sentence, seeded
from tests.test_ingest_support import fingerprint, run_cli, write

ZW, RLO, PDF, FILLER = "\u200b", "\u202e", "\u202c", "\u3164"
NULS = b"\x00" * 70_000
LONG = GOOD
WIDE = "month,Zebralang,Quokkascript\n2020-01,3,4\n2020-02,5,6\n"
HN = "month,num_comments,term,count,percentage,rank\n"
INDEED = "date,jobcountry,indeed_job_postings_index_SA\n"
POSTINGS = "id,posted_at,title,description\n"
TAXONOMY = "skill,category,aliases\n"
COURSES = "course_id,title,skills,hours\n"
INVENTORY = "person,skill,proficiency\n"
SPIKE = "skill,period,value\n" + "".join(f"Go,2020-{m:02d},{5 + m % 3}\n" for m in range(1, 10))

__all__ = ["seeded"]  # the fixture: a database holding one good batch


def _broken_utf16(header: str) -> bytes:
    """UTF-16 with a lone surrogate on the first data row (UTF-16 itself is accepted)."""
    return codecs.BOM_UTF16_LE + header.encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le")


KIND_ARGS = {"long": ["ingest"], "wide": ["ingest"], "hn": ["ingest"], "indeed": ["ingest"],
             "postings": ["ingest", "--format", "postings"], "taxonomy": ["taxonomy", "import"],
             "catalogue": ["catalogue"], "inventory": ["gaps"]}

# id, kind, content, expected row, expected column, phrase in the message
CORPUS: list[tuple[str, str, str | bytes, int | None, str | None, str]] = [
    # long
    ("long-nul-filled", "long", NULS, 1, None, "filled with NUL bytes"),
    ("long-nul-after-header", "long", b"skill,period,value\n" + NULS, 2, None, "NUL byte"),
    ("long-zero-width-name", "long", LONG + f"{ZW}{ZW},2020-03,3\n", 4, "skill", "no visible character"),
    ("long-bidi-only-name", "long", LONG + f"{RLO}{PDF},2020-03,3\n", 4, "skill", "no visible character"),
    ("long-filler-name", "long", LONG + f"{FILLER},2020-03,3\n", 4, "skill", "no visible character"),
    ("long-1e300", "long", LONG + "Python,2020-03,1e300\n", 4, "value", "beyond any plausible"),
    ("long-spike", "long", SPIKE + "Go,2020-10,90000000\n", 11, "value", "times this series' median"),
    ("long-1e309", "long", LONG + "Python,2020-03,1e309\n", 4, "value", "infinite"),
    ("long-ambiguous-dates", "long", "skill,period,value\nGo,03/04/2020,1\nGo,05/06/2020,2\n", 2,
     "period", "read as day/month and as month/day alike"),
    ("long-year-9999", "long", LONG + "Python,9999-01,3\n", 4, "period", "year outside"),
    ("long-utf16-bad", "long", codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", None, None, "UTF-16"),
    ("long-control-in-name", "long", LONG + "Py\x07thon,2020-03,3\n", 4, "skill", "control character"),
    # wide
    ("wide-1e300", "wide", WIDE + "2020-03,1e300,7\n", 4, "value", "beyond any plausible"),
    ("wide-negative", "wide", WIDE + "2020-03,-1,7\n", 4, "zebralang", "≥ 0"),
    ("wide-nul", "wide", WIDE.encode() + b"2020-03,\x00,7\n" + NULS, 4, None, "NUL byte"),
    ("wide-text-value", "wide", WIDE + "2020-03,lots,7\n", 4, "zebralang", "'lots' is not a number"),
    # HN
    ("hn-1e300", "hn", HN + "2024-05-01,300,Python,9,3.0,1\n2024-06-01,1e300,Python,9,5.0,1\n",
     None, "value", "beyond any plausible"),
    ("hn-zero-width-term", "hn", HN + f"2024-06-01,300,{ZW},15,5.0,1\n", 2, "term", "no visible character"),
    ("hn-nul", "hn", HN.encode() + NULS, 2, None, "NUL byte"),
    ("hn-month-bad", "hn", HN + "June,300,Python,15,5.0,1\n", 2, "month", "is not a period"),
    # Indeed
    ("indeed-1e300", "indeed", INDEED + "2020-02-01,US,100\n2020-02-02,US,1e300\n", None, "value",
     "beyond any plausible"),
    ("indeed-invisible-country", "indeed", INDEED + f"2020-02-01,{ZW},100\n", 2, "jobcountry",
     "no visible character"),
    ("indeed-nul", "indeed", INDEED.encode() + NULS, 2, None, "NUL byte"),
    ("indeed-index-text", "indeed", INDEED + "2020-02-01,US,high\n", 2, "indeed_job_postings_index_sa",
     "'high' is not a number"),
    # postings
    ("postings-nul-filled", "postings", NULS, 1, None, "filled with NUL bytes"),
    ("postings-nul-jsonl", "postings", b'{"id": 1, "posted_at": "2024-01-01", "description": "\x00"}\n',
     1, None, "NUL byte"),
    ("postings-no-description", "postings", "id,posted_at,title\n1,2024-01-01,Engineer\n", 1,
     "description", "no 'description' column"),
    ("postings-bad-json", "postings", b'{"id": 1, "posted_at": "2024-01-01", "description": "x"}\n{oops\n',
     2, None, "not valid JSON"),
    ("postings-utf16-broken", "postings", _broken_utf16(POSTINGS), None, None,
     "UTF-16"),
    # taxonomy
    ("taxonomy-nul", "taxonomy", TAXONOMY.encode() + NULS, 2, None, "NUL byte"),
    ("taxonomy-invisible-name", "taxonomy", TAXONOMY + f"{ZW}{RLO},Tools,\n", 2, "skill",
     "no visible character"),
    ("taxonomy-look-alike-twice", "taxonomy", TAXONOMY + f"Python,Languages,\nPy{ZW}thon,Languages,\n",
     3, "skill", "listed twice"),
    ("taxonomy-full-width-twice", "taxonomy", TAXONOMY + "Go,Languages,\n\uff27\uff4f,Languages,\n",
     3, "skill", "listed twice"),
    ("taxonomy-utf16-broken", "taxonomy", _broken_utf16(TAXONOMY), None, None,
     "UTF-16"),
    # catalogue
    ("catalogue-nul", "catalogue", COURSES.encode() + NULS, 2, None, "NUL byte"),
    ("catalogue-invisible-skill", "catalogue", COURSES + f"C1,Intro,Python|{ZW},10\n", 2, "skills",
     "no visible character"),
    ("catalogue-1e300-hours", "catalogue", COURSES + "C1,Intro,Python,1e300\n", 2, "hours",
     "not a number of hours"),
    ("catalogue-duplicate-id", "catalogue", COURSES + "C1,Intro,Python,10\nc1,More,Java,5\n", 3,
     "course_id", "already used"),
    ("catalogue-no-skills", "catalogue", COURSES + "C1,Intro,|,10\n", 2, "skills", "no skill names"),
    # inventory
    ("inventory-nul", "inventory", INVENTORY.encode() + NULS, 2, None, "NUL byte"),
    ("inventory-invisible-skill", "inventory", INVENTORY + f"Ana,{FILLER},3\n", 2, "skill",
     "no visible character"),
    ("inventory-look-alike-twice", "inventory",
     INVENTORY + "Ana,Python,3\nAna,\uff30\uff59\uff54\uff48\uff4f\uff4e,4\n", 3, "skill", "already lists"),
    ("inventory-1e300-proficiency", "inventory", INVENTORY + "Ana,Python,1e300\n", 2, "proficiency",
     "not a proficiency"),
    ("inventory-utf16-broken", "inventory", _broken_utf16(INVENTORY), None, None,
     "UTF-16"),
]


def test_the_corpus_covers_every_input_kind() -> None:
    assert len(CORPUS) >= 40
    assert {kind for _, kind, *_ in CORPUS} == set(KIND_ARGS)


@pytest.mark.parametrize(("case", "kind", "content", "row", "column", "phrase"), CORPUS,
                         ids=[c[0] for c in CORPUS])
def test_hostile_file_exits_2_with_one_sentence_and_changes_nothing(
        case: str, kind: str, content: str | bytes, row: int | None, column: str | None,
        phrase: str, seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = isinstance(content, bytes) and content.startswith(b"{")
    path = write(tmp_path / f"{case}.{'jsonl' if jsonl else 'csv'}", content)
    before = fingerprint(seeded)
    code, out, err = run_cli([*KIND_ARGS[kind], path, "--db", seeded], capsys)
    assert code == 2, (out, err)
    _assert_one_sentence(err, path.name, row, column, phrase)
    assert fingerprint(seeded) == before


def test_a_table_over_the_size_limit_is_refused_before_reading(
        seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLPULSE_MAX_TABLE_BYTES", "20")
    path = write(tmp_path / "big.csv", LONG + "Python,2020-03,3\n")
    before = fingerprint(seeded)
    code, _, err = run_cli(["ingest", path, "--db", seeded], capsys)
    assert code == 2
    _assert_one_sentence(err, "big.csv", None, None, "SKILLPULSE_MAX_TABLE_BYTES")
    assert fingerprint(seeded) == before


_PEAK = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(proc.returncode, peak_kb, proc.stderr.strip().replace("\\n", " | "))
"""


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["long", "postings", "taxonomy", "catalogue"])
def test_a_256_mb_nul_file_is_refused_in_bounded_memory(kind: str, tmp_path: Path) -> None:
    big = tmp_path / "z.csv"
    with big.open("wb") as fh:
        fh.truncate(256 * 1024 * 1024)  # sparse: costs no disk
    cli = Path(sys.executable).with_name("skillpulse")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLPULSE_")}
    proc = subprocess.run([sys.executable, "-c", _PEAK, str(cli), *KIND_ARGS[kind], str(big),
                           "--db", str(tmp_path / "db.duckdb")], capture_output=True, text=True,
                          env=env, timeout=300)
    code, peak_kb, message = proc.stdout.split(" ", 2)
    assert code == "2", proc.stdout + proc.stderr
    assert "NUL" in message and "Traceback" not in message
    assert int(peak_kb) * 1024 < 1024**3 / 2, f"peak RSS {int(peak_kb) / 1024:.0f} MB"
