"""Regressions of the matcher: English phrases built on ambiguous names never count (rule 5)."""
from __future__ import annotations

import pytest
from skillpulse.data.extract import Matcher, common_phrases
from skillpulse.data.taxonomy_io import project_taxonomy, triples

# Spark and SQL (two other skills) and "developer" satisfy the context rules in every case.
CONTEXT = "Data developer: Spark and SQL daily. "


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(triples(project_taxonomy()))


def found(m: Matcher, text: str) -> set[str]:
    return set(m.find_names(text))


def test_go_to_the_office_is_not_go(m: Matcher) -> None:
    text = "Data engineer. Go to the office 3 days a week. Spark and SQL required."
    assert found(m, text) == {"Apache Spark", "SQL"}


@pytest.mark.parametrize(("phrase", "skill"), [
    ("Go to the office 3 days a week.", "Go"),
    ("Go ahead and apply.", "Go"),
    ("Go the extra mile.", "Go"),
    ("Go above and beyond.", "Go"),
    ("Go live in March.", "Go"),
    ("Our Go-to person for data.", "Go"),
    ("Based in the Rust belt.", "Rust"),
    ("You will Excel at teamwork.", "Microsoft Excel"),
    ("Excel in a fast-paced team.", "Microsoft Excel"),
    ("Swift response to incidents.", "Swift"),
    ("Spring break is respected.", "Spring"),
    ("Spring season hiring.", "Spring"),
    ("Spring/summer internships.", "Spring"),
    ("Starts next Spring.", "Spring"),
    ("Head Chef wanted.", "Chef"),
    ("Shell service station.", "Shell scripting"),
    ("Express your interest today.", "Express.js"),
    ("React to changing priorities.", "React"),
])
def test_english_phrases_never_count_even_with_context(m: Matcher, phrase: str, skill: str) -> None:
    assert skill not in found(m, CONTEXT + phrase)


@pytest.mark.parametrize(("text", "skill"), [
    ("Services in Go and Rust on Kubernetes.", "Go"),
    ("Port services from Python to Go for latency.", "Go"),
    ("Rust or Go for high-performance services.", "Rust"),
    ("Advanced Excel skills and SQL.", "Microsoft Excel"),
    ("Spring and Hibernate developer.", "Spring"),
    ("Swift and SwiftUI developer.", "Swift"),
    ("Go, Kubernetes and Terraform.", "Go"),
    ("Go (Golang) back-end services.", "Go"),
])
def test_technical_uses_still_count(m: Matcher, text: str, skill: str) -> None:
    assert skill in found(m, text)


def test_phrases_apply_to_a_users_taxonomy_too() -> None:
    mm = Matcher([("Go", "Languages", "Go"), ("Kubernetes", "Cloud", "Kubernetes"),
                  ("Terraform", "Cloud", "Terraform")])
    assert mm.find_names("Kubernetes, Terraform. Go to the office.") == ["Kubernetes", "Terraform"]
    assert "Go" in mm.find_names("Kubernetes, Terraform and Go.")


def test_phrase_lists_are_lower_case_and_only_for_listed_words() -> None:
    phrases = common_phrases()
    assert "to" in phrases["go"][0] and "belt" in phrases["rust"][0] and "head" in phrases["chef"][1]
    assert all(p == p.lower() and p.strip() == p for after, before in phrases.values()
               for p in (*after, *before))
