"""Files that are no demand table are named for what they are, with what to do instead: an O*NET
Technology Skills file is a taxonomy (``taxonomy import``), another O*NET table no skill data,
JavaScript or JSON data (the raw hiringtrends ``data-YYYYMMDD.js``) not a table. Exit 2, nothing
written."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import real_file
from tests.test_ingest_support import run_cli, write

ONET_SKILLS = ("O*NET-SOC Code\tTitle\tExample\tCommodity Code\tCommodity Title\tHot Technology\t"
               "In Demand\n11-1011.00\tChief Executives\tAdobe Acrobat\t43232202\tDocument "
               "management software\tY\tN\n")
ONET_OCCUPATIONS = ("O*NET-SOC Code\tTitle\tDescription\n11-1011.00\tChief Executives\t"
                    "Determine and formulate policies.\n")
HIRINGTRENDS = ('data=[{month:"May24",num_comments:409,points:549,terms:{".NET":{count:9,'
                'percentage:2.2,full_term:".NET",rank:48},Agile:{count:5,percentage:1.22,'
                'full_term:"Agile",rank:63}}}];\n')

CASES = {  # file name -> (content, phrase the message must hold)
    "Technology Skills.txt": (ONET_SKILLS, "is an O*NET Technology Skills file: a skill taxonomy, "
                              "not demand series; load it with 'skillpulse taxonomy import FILE "
                              "--db PATH'"),
    "Occupation Data.txt": (ONET_OCCUPATIONS, "is an O*NET database table, not demand series"),
    "data-20240501.js": (HIRINGTRENDS, "is the raw JavaScript data of the Hacker News 'Who is "
                         "hiring' trends (hiringtrends), not a table; ingest the monthly terms "
                         "table instead: columns month, num_comments, term, count, percentage, "
                         "rank (the format of hn_whoishiring_terms_monthly.csv)"),
    "trends.js": ('var series = [{"skill": "Python", "2020-01": 3}, {"skill": "Go"}];\n',
                  "is JavaScript or JSON data, not a table; save the series as CSV"),
    "series.json": ('[{"skill": "Python", "period": "2020-01", "value": 3},\n {"skill": "Go"}]\n',
                    "is JavaScript or JSON data, not a table"),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("fmt", ["auto", "long"])
def test_a_file_that_is_no_table_says_what_it_is(tmp_path: Path, name: str, fmt: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    content, phrase = CASES[name]
    src = write(tmp_path / name, content)
    db = tmp_path / "x.duckdb"
    code, _, err = run_cli(["ingest", src, "--db", db, "--format", fmt], capsys)
    assert code == 2, err
    assert err.startswith(f"error: {src}, row 1: {phrase}"), err
    assert "commas" not in err and "twice" not in err and err.count("\n") == 1, err
    assert not db.exists()


def test_a_tab_separated_table_still_asks_for_commas(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path / "terms.tsv", "skill\tperiod\tvalue\nPython\t2020-01\t3\n")
    code, _, err = run_cli(["ingest", src, "--db", tmp_path / "x.duckdb"], capsys)
    assert code == 2 and "separated by tab, not commas" in err, err


@pytest.mark.integration
@pytest.mark.parametrize(("parts", "phrase"), [
    (("onet_29.3", "Technology Skills.txt"), "skillpulse taxonomy import FILE --db PATH"),
    (("hn_whoishiring", "data-20240501.js"), "hn_whoishiring_terms_monthly.csv"),
])
def test_the_real_files(tmp_path: Path, parts: tuple[str, str], phrase: str,
                        capsys: pytest.CaptureFixture[str]) -> None:
    src = real_file(*parts)
    code, _, err = run_cli(["ingest", src, "--db", tmp_path / "x.duckdb"], capsys)
    assert code == 2 and phrase in err, err
