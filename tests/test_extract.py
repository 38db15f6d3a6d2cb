"""The skill matcher: word boundaries, longest match, hard names, ambiguity and boilerplate rules."""
from __future__ import annotations

import pytest
from skillpulse.data.extract import (
    CONTEXT,
    EXACT,
    PLAIN,
    STRICT,
    AliasConflict,
    Matcher,
    alias_mode,
)
from skillpulse.data.posting_text import clean_text, remove_boilerplate, strip_html
from skillpulse.data.taxonomy_io import project_taxonomy, triples


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(triples(project_taxonomy()))


def found(m: Matcher, text: str) -> set[str]:
    return set(m.find_names(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("Experience with C/C++ and Python.", {"C", "C++", "Python"}),
    ("Write C# services on .NET 8.", {"C#", ".NET Core"}),
    ("ASP.NET MVC and jQuery.", {"ASP.NET MVC", "jQuery"}),
    ("Node.js, Objective-C and Swift developer.", {"Node.js", "Objective-C", "Swift"}),
    ("Golang microservices on k8s.", {"Go", "Microservices", "Kubernetes"}),
    ("Statistical analysis in R or Python.", {"Statistics", "R", "Python"}),
    ("Proficiency in R programming.", {"R"}),
    ("JS and TypeScript.", {"JavaScript", "TypeScript"}),
])
def test_hard_names_are_found(m: Matcher, text: str, expected: set[str]) -> None:
    assert found(m, text) == expected


@pytest.mark.parametrize("text", [
    "Reports to the C-suite; Grade C or above in Maths.",
    "Vitamin C research, Plan B and Part C.",
    "We invest in R&D.",
    "Ready to go? Own our go-to-market plan.",
    "You will excel at building relationships.",
    "Excellent attitude; visit careers.example.net.",
    "Swift response to customer enquiries.",
    "Apply before our spring hiring window closes.",
])
def test_ordinary_english_is_not_a_skill(m: Matcher, text: str) -> None:
    assert found(m, text) == set()


def test_longest_match_wins(m: Matcher) -> None:
    assert found(m, "We hire a React Native developer.") >= {"React Native"}
    assert "React" not in found(m, "We hire a React Native developer.")
    assert found(m, "Migrate AngularJS to Angular 17.") == {"AngularJS", "Angular"}
    assert found(m, "Write reusable Terraform modules.") == {"Terraform modules"}
    assert "C" not in found(m, "Objective-C only")
    assert found(m, "Spring Boot services") == {"Spring Boot"}


def test_word_boundaries_and_case_insensitivity(m: Matcher) -> None:
    assert found(m, "KUBERNETES and postgresql") == {"Kubernetes", "PostgreSQL"}
    assert found(m, "javascript") == {"JavaScript"}
    assert "Java" not in found(m, "javascript only")
    assert "Scala" not in found(m, "scalable systems")
    assert "Microsoft Excel" not in found(m, "excellent results")
    assert "Vue.js" in found(m, "Vue.js")


def test_ambiguous_names_need_context(m: Matcher) -> None:
    assert "Go" not in found(m, "Go")                     # no context
    assert "Go" in found(m, "Backend developer: Go")       # cue word
    assert "Go" in found(m, "Python, Go")                  # same-category neighbour
    assert "Go" in found(m, "Go, Kubernetes and Terraform")  # two other skills
    assert "Go" not in found(m, "go with Kubernetes")      # wrong case
    assert "Microsoft Excel" in found(m, "Advanced Excel skills")
    assert "Microsoft Excel" not in found(m, "Excel in a fast-paced environment")
    assert "Rust" in found(m, "Rust or Go for high-performance services")
    assert "Go" in found(m, "Rust or Go for high-performance services")  # Rust anchors Go


def test_alias_modes() -> None:
    assert alias_mode("C") == STRICT
    assert alias_mode("Go") == STRICT
    assert alias_mode("Swift") == CONTEXT
    assert alias_mode("AI") == EXACT
    assert alias_mode("Kubernetes") == PLAIN
    assert alias_mode("Golang") == PLAIN


def test_plural_of_plain_alias(m: Matcher) -> None:
    assert "GDPR impact assessment" in found(m, "run data protection impact assessments")
    assert "Unit testing" in found(m, "write unit tests")


def test_html_is_stripped() -> None:
    text = strip_html("<p>Use <b>Kubernetes</b> &amp; Helm</p><ul><li>Go</li></ul>")
    assert "<" not in text and "Kubernetes & Helm" in text and "\nGo" in text


def test_benefits_about_and_eeo_are_removed(m: Matcher) -> None:
    text = ("Requirements:\n- Java and SQL\nAcme is an equal opportunity employer. We use Docker.\n\n"
            "Benefits:\n- Free Python courses\n- Kubernetes meetups\n\nAbout us\nWe build Rust tooling.")
    cleaned = remove_boilerplate(text)
    assert "Python" not in cleaned and "Rust" not in cleaned and "equal opportunity" not in cleaned
    assert "We use Docker." in cleaned
    assert found(m, text) == {"Java", "SQL", "Docker"}


def test_inline_benefits_heading_ends_at_next_content_heading(m: Matcher) -> None:
    text = "We build things. Benefits: Excel courses and Go karting. Requirements: Spring Boot."
    assert found(m, text) == {"Spring Boot"}


def test_html_headings_delimit_boilerplate(m: Matcher) -> None:
    html = ("<h2>About the role</h2><p>Maintain Django apps.</p><h2>Perks</h2><ul><li>AWS budget</li>"
            "</ul><h2>Requirements</h2><p>Celery</p>")
    assert found(m, html) == {"Django", "Celery"}
    assert "AWS" not in clean_text(html)


def test_conflicting_aliases_are_rejected() -> None:
    with pytest.raises(AliasConflict, match="'JS'"):
        Matcher([("JavaScript", "", "JavaScript"), ("JavaScript", "", "JS"), ("JSON", "", "JS")])


def test_each_skill_counts_once_and_extract_many(m: Matcher) -> None:
    res = m.extract_many(["Python, python and PYTHON", "", "nothing here"])
    assert [[m.skills[i] for i in r] for r in res] == [["Python"], [], []]


def test_user_taxonomy_with_symbols() -> None:
    mm = Matcher.from_pairs([("C++", "cpp"), ("Node.js", "node.js"), ("Excel", "Microsoft Excel")])
    assert set(mm.find_names("cpp, Node.js and Microsoft Excel")) == {"C++", "Node.js", "Excel"}


def test_question_heading_starts_boilerplate(m: Matcher) -> None:
    text = "Why join us? We offer Python courses.\nRequirements:\n- Salesforce administration"
    assert found(m, text) == {"Salesforce"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Little Rock, AR. TS/SCI clearance required. RAG status reports.", set()),
    ("AR/VR experiences for training", {"Augmented reality", "Virtual reality"}),
    ("JS/TS developer", {"JavaScript", "TypeScript"}),
    ("Build RAG pipelines with LangChain", {"Retrieval-augmented generation", "LangChain"}),
])
def test_abbreviations_that_are_also_places_or_status_words(m: Matcher, text: str,
                                                            expected: set[str]) -> None:
    assert found(m, text) == expected
