"""The L&D rules of ``models.planning`` with their numbers: every documented formula (expected
change, confidence, demand at stake, catalogue score, gap priority, acquire weight), every reason
sentence and every view, checked against values worked out by hand from the documentation.

A changed weight, threshold or comparison changes a score, an order or a sentence here.
"""
from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from skillpulse.models.planning import Evidence, plan_gaps, skill_evidence, triage_catalogue

SCHEMA = {"skill": pl.String, "category": pl.String, "status": pl.String, "growth_pct": pl.Float64,
          "growth_lower_80": pl.Float64, "growth_upper_80": pl.Float64, "horizon": pl.Int64,
          "mentions_12m": pl.Float64, "growth_basis": pl.String, "backtest_mase": pl.Float64,
          "peak_ratio": pl.Float64, "half_life_months": pl.Float64, "half_life_lower": pl.Float64,
          "half_life_upper": pl.Float64, "market_relative_growth_pct": pl.Float64}


def row(skill: str, category: str, status: str, growth: float | None = None,
        lo: float | None = None, hi: float | None = None, per_month: float | None = None,
        **extra: object) -> dict:
    """One ``planning_outlook`` row (growth and its interval in %, mentions a month)."""
    out: dict[str, object] = dict.fromkeys(SCHEMA)
    out.update(skill=skill, category=category, status=status, growth_pct=growth,
               growth_lower_80=lo, growth_upper_80=hi, horizon=24, growth_basis="share",
               mentions_12m=None if per_month is None else 12.0 * per_month)
    out.update(extra)
    return out


def evidence(rows: list[dict], taxonomy: list[tuple[str, str]] = (),  # type: ignore[assignment]
             successors: dict[str, str] | None = None,
             near: dict[str, str] | None = None) -> dict[str, Evidence]:
    names = [r["skill"] for r in rows] + [s for s, _ in taxonomy]
    cats = [r["category"] for r in rows] + [c for _, c in taxonomy]
    skills = pl.DataFrame({"skill": names, "category": cats,
                           "successors": [(successors or {}).get(n) for n in names],
                           "near": [(near or {}).get(n) for n in names]},
                          schema={"skill": pl.String, "category": pl.String,
                                  "successors": pl.String, "near": pl.String})
    return skill_evidence(pl.DataFrame(rows, schema=SCHEMA), skills)


def conf(lo: float, hi: float) -> float:
    """The documented confidence of a decided status with no backtest penalty: 1 / (1 + w), w the
    width of the 80% interval on the log scale."""
    return 1.0 / (1.0 + math.log1p(hi / 100) - math.log1p(lo / 100))


# ---------------------------------------------------------------------------- skill evidence

def test_status_classes() -> None:
    statuses = ["emerging", "rising", "stable", "declining", "obsolescent", "uncertain",
                "insufficient-history"]
    # the declining skill is the smallest: not "declining but still large" (see the L tests)
    # a decline's interval below zero (one above zero is a bounce: the next tests)
    ev = evidence([row(s, "C", s, *((-10, -15, -5) if s in ("declining", "obsolescent") else (10, 5, 15)),
                       5 if s == "declining" else 50) for s in statuses],
                  taxonomy=[("Unrated", "C")])
    assert {s: ev[s].cls for s in statuses} == {
        "emerging": "R", "rising": "R", "stable": "S", "declining": "D", "obsolescent": "D",
        "uncertain": "U", "insufficient-history": "U"}
    unrated = ev["Unrated"]
    assert (unrated.status, unrated.cls, unrated.x, unrated.confidence) == ("no demand data", "U", 0, 0)
    assert unrated.phrase == "Unrated (no demand data)"


def test_confidence_is_interval_width_backtest_and_status() -> None:
    c = conf(20, 80)
    ev = evidence([row("Rising", "C", "rising", 45, 20, 80, 12),
                   row("Lost to naive", "C", "rising", 45, 20, 80, 12, backtest_mase=2.0),
                   row("Beat naive", "C", "rising", 45, 20, 80, 12, backtest_mase=0.8),
                   row("Uncertain", "C", "uncertain", 45, 20, 80, 12),
                   row("Short", "C", "insufficient-history", 45, 20, 80, 12),
                   row("No interval", "C", "stable", 2, None, None, 12),
                   row("Point interval", "C", "stable", 2, 2, 2, 12)])
    assert ev["Rising"].x == pytest.approx(math.log(1.45))
    assert ev["Rising"].confidence == pytest.approx(c)
    assert ev["Lost to naive"].confidence == pytest.approx(c / 2)
    assert ev["Beat naive"].confidence == pytest.approx(c)  # beating naive earns no bonus
    assert ev["Uncertain"].confidence == pytest.approx(c / 2)
    assert ev["Short"].confidence == pytest.approx(c / 4)
    assert ev["No interval"].confidence == pytest.approx(0.5)  # unknown width counts as 1
    assert ev["Point interval"].confidence == pytest.approx(1.0)


def test_expected_change_volume_and_demand_at_stake() -> None:
    ev = evidence([row("Doubling", "C", "rising", 100, 50, 150, 24),
                   row("Halving", "C", "declining", -50, -60, -40, 24),
                   row("Index", "C", "rising", 100, 50, 150, None),
                   row("Gone", "C", "declining", -150, -200, -120, 24),
                   row("No forecast", "C", "stable", None, None, None, 24)])
    assert ev["Doubling"].x == pytest.approx(math.log(2))
    assert ev["Doubling"].volume == pytest.approx(24)
    assert ev["Doubling"].stake == pytest.approx(24)   # 24 a month × (2 − 1)
    assert ev["Halving"].stake == pytest.approx(-12)
    assert ev["Index"].volume is None and ev["Index"].stake == pytest.approx(math.log(2))
    assert ev["Gone"].x == pytest.approx(math.log(0.01))  # a fall beyond −99% counts as −99%
    assert ev["No forecast"].x == 0 and ev["No forecast"].stake == 0


def test_thin_below_two_mentions_a_month() -> None:
    ev = evidence([row("Under", "C", "rising", 10, 5, 15, 1.99), row("At", "C", "rising", 10, 5, 15, 2.0),
                   row("Unknown", "C", "rising", 10, 5, 15, None)])
    assert ev["Under"].thin and not ev["At"].thin and not ev["Unknown"].thin


def test_obsolescent_skill_counts_its_loss_from_the_peak() -> None:
    ev = evidence([row("Flat low", "C", "obsolescent", 0.4, -5, 5, 10, peak_ratio=0.03),
                   row("Half", "C", "obsolescent", 0.4, -5, 5, 10, peak_ratio=0.5),
                   row("Falling", "C", "obsolescent", -80, -85, -70, 10, peak_ratio=0.5),
                   row("At peak", "C", "obsolescent", 0.4, -5, 5, 10, peak_ratio=1.0),
                   row("No peak", "C", "obsolescent", 0.4, -5, 5, 10, peak_ratio=0.0),
                   row("Declining", "C", "declining", 0.4, -5, 5, 10, peak_ratio=0.03)])
    assert ev["Flat low"].x == pytest.approx(math.log(0.1))  # floored at a 90% loss
    assert ev["Half"].x == pytest.approx(math.log(0.5))
    assert ev["Falling"].x == pytest.approx(math.log(0.2))  # the larger loss of the two
    assert ev["At peak"].x == pytest.approx(math.log(1.004))
    assert ev["No peak"].x == pytest.approx(math.log(1.004))
    assert ev["Declining"].x == pytest.approx(math.log(1.004))


def test_phrases_cite_growth_interval_volume_peak_and_half_life() -> None:
    ev = evidence([
        row("Kubernetes", "C", "rising", 45, 20, 80, 12, market_relative_growth_pct=5.0),
        row("jQuery", "C", "obsolescent", -60, -75, -40, 0.6, peak_ratio=0.034,
            half_life_months=18.0, half_life_lower=12.0, half_life_upper=30.0),
        row("Perl", "C", "declining", -20, -30, -10, 1234, half_life_months=240.0,
            half_life_lower=100.0, half_life_upper=math.inf, growth_basis="count", horizon=None),
        row("Slow", "C", "declining", -5, -8, -2, 10, half_life_months=241.0),
        row("Objective-C", "C", "declining", -60, -70, -50, 1.1, half_life_months=34.0,
            half_life_lower=17.0, half_life_upper=1419.0),
        row("At the cap", "C", "declining", -60, -70, -50, 1.1, half_life_months=34.0,
            half_life_lower=17.0, half_life_upper=240.0),
        row("Peaked", "C", "obsolescent", -5, -8, -2, None, peak_ratio=1.0),
        row("Steady", "C", "stable", None, None, None, None, half_life_months=20.0),
        row("Unsure", "C", "uncertain", 12, None, None, 9.96),
    ])
    assert ev["Kubernetes"].phrase == ("Kubernetes (rising, +45% in 24 months (share of postings) "
                                       "[80%: +20% to +80%], +5% vs the market, 12 postings a month)")
    assert ev["jQuery"].phrase == ("jQuery (obsolescent, -60% in 24 months (share of postings) "
                                   "[80%: -75% to -40%], 0.6 postings a month, at 3% of its peak, "
                                   "halving every 18 months on its 3-year trend [12–30])")
    assert ev["Perl"].phrase == ("Perl (declining, -20% [80%: -30% to -10%], 1,234 postings a month, "
                                 "halving every 240 months on its 3-year trend)")
    assert ev["Slow"].phrase.endswith("10 postings a month)")  # 20+ years: no half-life quoted
    # an upper bound of 118 years says only "maybe very slow"
    assert ev["Objective-C"].phrase.endswith("halving every 34 months on its 3-year trend [17 to over 240])")
    assert ev["At the cap"].phrase.endswith("halving every 34 months on its 3-year trend [17–240])")
    assert ev["Peaked"].phrase == ("Peaked (obsolescent, -5% in 24 months (share of postings) "
                                   "[80%: -8% to -2%])")
    assert ev["Steady"].phrase == "Steady (stable)"
    assert ev["Unsure"].phrase == ("Unsure (uncertain, +12% in 24 months (share of postings), "
                                   "10.0 postings a month)")


def test_phrase_without_status_or_with_an_open_interval() -> None:
    ev = evidence([row("Nothing", "C", None), row("Half open", "C", "rising", 30, 10, math.nan, 20)])
    assert ev["Nothing"].phrase == "Nothing (no demand data)"
    assert ev["Half open"].phrase == ("Half open (rising, +30% in 24 months (share of postings) "
                                      "[80%: +10% to n/a], 20 postings a month)")


def test_a_peak_is_quoted_for_an_obsolescent_skill_and_a_declining_one_that_collapsed() -> None:
    """MySQL on HN: declining because it collapsed to 13% of its peak while its forecast moves
    little (-5% [-17% to +9%]); the fall is the reason and the sentence says it."""
    ev = evidence([row("Slipped", "C", "obsolescent", -5, -8, -2, 10, peak_ratio=0.9),
                   row("Dropping", "C", "declining", -20, -30, -10, 10, peak_ratio=0.5),
                   row("Fell", "C", "declining", -5, -17, 9, 10, peak_ratio=0.13),
                   row("At the line", "C", "declining", -5, -17, 9, 10, peak_ratio=0.25),
                   row("New", "C", "emerging", 200, 100, 300, 10, peak_ratio=0.1)])
    assert ev["Slipped"].phrase.endswith("10 postings a month, at 90% of its peak)")
    assert ev["Dropping"].phrase == ("Dropping (declining, -20% in 24 months (share of postings) "
                                     "[80%: -30% to -10%], 10 postings a month)")
    assert ev["Fell"].phrase.endswith("10 postings a month, at 13% of its peak)")
    assert "peak" not in ev["At the line"].phrase  # below a quarter of the peak, as the rule
    assert "peak" not in ev["New"].phrase


def test_an_interval_is_quoted_only_with_both_bounds() -> None:
    ev = evidence([row("Low only", "C", "rising", 30, 10, None, 20),
                   row("High only", "C", "rising", 30, None, 50, 20)])
    assert ev["Low only"].phrase == ("Low only (rising, +30% in 24 months (share of postings), "
                                     "20 postings a month)")
    assert ev["High only"].phrase == ("High only (rising, +30% in 24 months (share of postings), "
                                      "20 postings a month)")


def test_confidence_never_exceeds_one_even_on_an_inverted_interval() -> None:
    ev = evidence([row("Inverted", "C", "rising", 30, 50, 10, 20)])  # lower bound above the upper
    assert ev["Inverted"].confidence == pytest.approx(1.0)


# ---------------------------------------------------------------------------- catalogue

def _courses(*rows: tuple[str, str, str], updated: list[dt.date | None] | None = None
             ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(course_id, title, "a|b")`` → courses and their skill links (``?name``: not in the
    taxonomy)."""
    data: dict[str, list] = {"course_id": [r[0] for r in rows], "title": [r[1] for r in rows]}
    if updated is not None:
        data["last_updated"] = updated
    links = [(cid, w.lstrip("?"), None if w.startswith("?") else w)
             for cid, _, s in rows for w in s.split("|")]
    return (pl.DataFrame(data),
            pl.DataFrame(links, schema={"course_id": pl.String, "written": pl.String,
                                        "skill": pl.String}, orient="row"))


CATALOGUE = [row("Old", "Legacy", "obsolescent", -50, -60, -40, 24),
             row("Fading", "Legacy", "declining", -25, -35, -15, 40),
             row("Steady", "Web", "stable", 0, -10, 10, 100),
             row("Hot", "Web", "rising", 50, 20, 80, 20),
             row("Fresh", "Data", "rising", 30, 10, 50, 10),
             row("Vague", "Data", "uncertain", 5, -20, 30, 10)]


def _scores(table: pl.DataFrame) -> dict[str, tuple[str, float]]:
    return {(c or t): (a, s)
            for c, t, a, s in table.select("course_id", "title", "action", "score").iter_rows()}


def test_catalogue_scores_follow_the_documented_formulas() -> None:
    ev = evidence(CATALOGUE)
    c_old, c_fad, c_st, c_hot = conf(-60, -40), conf(-35, -15), conf(-10, 10), conf(20, 80)
    table = triage_catalogue(*_courses(("R1", "old only", "Old"), ("R2", "mostly old", "Old|Fading|Steady"),
                                       ("F1", "half old", "Fading|Steady"), ("K1", "current", "Steady|Hot"),
                                       ("S1", "web basics", "Steady"), ("U1", "vague", "Vague")), ev)
    got = _scores(table)
    expected = {
        "R1": ("retire", 12 * c_old),                                   # 24 a month × 50% lost
        "R2": ("retire", 2 / 3 * (12 + 10) / 2 * (c_old + c_fad) / 2),  # 2 of 3 declining
        "F1": ("refresh", (0.5 * 10 + 10) * (c_fad + c_hot) / 2),      # half declining + Hot near
        "K1": ("keep", (0 + 10) / 2 * (c_st + c_hot) / 2),
        "S1": ("refresh", 10 * c_hot),                                  # outdated next to Hot
        "U1": ("keep", 0.0),
        "Fresh": ("build", 3 * conf(10, 50)),                            # 10 a month × 30%
    }
    assert set(got) == set(expected)
    for key, (action, score) in expected.items():
        assert got[key][0] == action, key
        assert got[key][1] == pytest.approx(score, abs=1e-4), key
    order = [k for k, _ in sorted(expected.items(), key=lambda kv: -kv[1][1])]
    assert [c or t for c, t in table.select("course_id", "title").iter_rows()] == order


def test_catalogue_reasons() -> None:
    ev = evidence(CATALOGUE)
    table = triage_catalogue(*_courses(("R2", "mostly old", "Old|Fading|Steady"),
                                       ("R3", "both old", "Old|Fading"), ("R1", "old", "Old|?Cobol 2"),
                                       ("F1", "half old", "Fading|Steady"), ("K1", "current", "Steady|Hot"),
                                       ("S1", "web basics", "Steady"), ("U1", "vague", "Vague"),
                                       ("N1", "unknown", "?Basket weaving")), ev)
    reason = dict(zip([c or t for c, t in table.select("course_id", "title").iter_rows()],
                      table["reason"], strict=True))
    p = {k: e.phrase for k, e in ev.items()}
    assert reason["R2"] == (f"Retire: 2 of 3 skills taught are declining or obsolescent — {p['Old']}; "
                            f"{p['Fading']}. Also teaches {p['Steady']}.")
    assert reason["R3"] == (f"Retire: 2 of 2 skills taught are declining or obsolescent — {p['Old']}; "
                            f"{p['Fading']}.")
    assert reason["R1"] == (f"Retire: 1 of 1 skills taught is declining or obsolescent — {p['Old']}. "
                            "Not in the taxonomy (ignored): 'Cobol 2'.")
    assert reason["F1"] == (f"Refresh: 1 of 2 skills taught is declining — {p['Fading']}; the rest hold — "
                            f"{p['Steady']}; while {p['Hot']} in the same category (Web) is not covered "
                            "(no update date given).")
    assert reason["K1"] == f"Keep: no skill taught is declining — {p['Steady']}; {p['Hot']}."
    assert reason["S1"] == (f"Refresh: teaches {p['Steady']}, while {p['Hot']} in the same category (Web) "
                            "is not covered (no update date given).")
    assert reason["U1"] == f"Keep for now: none of its skills has a decided outlook — {p['Vague']}."
    assert reason["N1"] == ("Keep for now: none of its skills is in the taxonomy. Not in the taxonomy "
                            "(ignored): 'Basket weaving'.")
    assert reason["Fresh"] == f"Build: {p['Fresh']} in Data, and no course in the catalogue teaches it."


def test_two_declining_of_four_is_a_refresh_three_of_five_a_retire() -> None:
    rows = [*CATALOGUE, row("Older", "Legacy", "declining", -30, -40, -20, 10),
            row("Calm", "Web", "stable", 1, -5, 5, 50)]
    ev = evidence(rows)
    table = triage_catalogue(*_courses(("A", "a", "Old|Fading|Steady|Calm"),
                                       ("B", "b", "Old|Fading|Older|Steady|Calm")), ev)
    actions = dict(zip(table["course_id"], table["action"], strict=True))
    assert actions["A"] == "refresh" and actions["B"] == "retire"


def test_outdated_means_more_than_stale_months_before_the_data() -> None:
    ev = evidence(CATALOGUE)
    as_of = dt.date(2024, 6, 1)
    dates = [dt.date(2022, 6, 1), dt.date(2022, 5, 1), dt.date(2022, 7, 1), dt.date(2021, 12, 1), None]
    table = triage_catalogue(*_courses(*[(f"C{i}", "web", "Steady") for i in range(len(dates))],
                                       updated=dates), ev, as_of=as_of).filter(pl.col("course_id") != "")
    actions = dict(zip(table["course_id"], table["action"], strict=True))
    assert actions == {"C0": "keep", "C1": "refresh", "C2": "keep", "C3": "refresh", "C4": "refresh"}
    reason = dict(zip(table["course_id"], table["reason"], strict=True))
    assert reason["C1"].endswith("is not covered (last updated 2022-05).")
    assert reason["C4"].endswith("is not covered (no update date given).")
    shorter = triage_catalogue(*_courses(("C", "web", "Steady"), updated=[dt.date(2023, 6, 1)]), ev,
                               as_of=as_of, stale_months=6)
    assert shorter["action"].to_list()[:1] == ["refresh"]
    undated_run = triage_catalogue(*_courses(("C", "web", "Steady"), updated=[dt.date(2024, 1, 1)]), ev)
    assert undated_run["action"].to_list()[:1] == ["refresh"]  # no as-of: cannot call it recent


def test_the_neighbour_is_a_named_successor_first_then_the_biggest_sound_rising_skill() -> None:
    rows = [row("Legacy", "Web", "stable", 0, -5, 5, 50),
            row("Big", "Web", "rising", 50, 20, 80, 40),          # stake 20
            row("Small", "Web", "rising", 20, 10, 30, 10),        # stake 2
            row("Named", "Mobile", "rising", 10, 5, 15, 20),      # stake 2, another category
            row("Together", "Data", "rising", 100, 50, 150, 10),  # stake 10, co-mentioned
            row("Thin", "Web", "rising", 900, 100, 2000, 1.5),
            row("Unsure", "Web", "rising", 300, 0, 600, 50),      # interval reaches no change
            row("Far", "Ops", "rising", 500, 100, 900, 100)]      # not near at all

    def neighbour(successors: dict[str, str] | None = None, near: dict[str, str] | None = None,
                  drop: tuple[str, ...] = ()) -> str:
        ev = evidence([r for r in rows if r["skill"] not in drop], successors=successors, near=near)
        table = triage_catalogue(*_courses(("C", "legacy", "Legacy")), ev)
        course = table.filter(pl.col("course_id") == "C").row(0, named=True)
        assert course["action"] == "refresh"
        return next(e.skill for e in ev.values() if e.phrase in course["reason"] and e.skill != "Legacy")

    assert neighbour() == "Big"
    assert neighbour(drop=("Big",)) == "Small"
    assert neighbour(successors={"Legacy": "Named"}) == "Named"
    assert neighbour(near={"Legacy": "Together"}, drop=("Big",)) == "Together"  # 10 a month > 2
    ev = evidence(rows, successors={"Legacy": "Named"})
    table = triage_catalogue(*_courses(("C", "legacy", "Legacy")), ev)
    reason = table.filter(pl.col("course_id") == "C")["reason"].item()
    assert f"while {ev['Named'].phrase} which succeeds Legacy, is not covered" in reason


def test_equal_scores_order_by_action_then_course() -> None:
    ev = evidence([row("Flat", "X", "obsolescent", 0, -5, 5, 10),
                   row("Vague", "Y", "uncertain", 1, -5, 5, 10),
                   row("Calm", "Z", "stable", -30, -40, -20, 10)])
    table = triage_catalogue(*_courses(("B", "keep b", "Vague"), ("Z", "retire", "Flat"),
                                       ("A", "keep a", "Vague"), ("K", "keep calm", "Calm")), ev)
    assert table["course_id"].to_list() == ["Z", "A", "B", "K"]
    assert table["score"].to_list() == [0.0, 0.0, 0.0, 0.0]  # a falling stable skill: no negative keep


def test_build_rows_skip_taught_thin_and_non_rising_skills() -> None:
    ev = evidence([*CATALOGUE, row("Tiny", "Data", "emerging", 400, 100, 900, 1.0),
                   row("New", "Data", "emerging", 100, 50, 150, 2.0)])
    table = triage_catalogue(*_courses(("K", "hot", "Hot")), ev)
    builds = table.filter(pl.col("action") == "build")
    assert sorted(builds["title"]) == ["Fresh", "New"]
    assert builds.filter(pl.col("title") == "New")["score"].item() == pytest.approx(
        2.0 * conf(50, 150), abs=1e-4)
    assert (builds["skills"] == builds["title"]).all() and (builds["course_id"] == "").all()


def test_a_course_lists_its_written_skills() -> None:
    table = triage_catalogue(*_courses(("C", "web", "Steady|?Frontpage|Hot")), evidence(CATALOGUE))
    assert table.filter(pl.col("course_id") == "C")["skills"].item() == "Steady, Frontpage, Hot"


def test_a_course_with_no_decided_outlook_scores_an_unsigned_zero() -> None:
    """No "-0.0" in the exported catalogue for a keep-for-now course."""
    table = triage_catalogue(*_courses(("U1", "vague", "Vague"), ("N1", "unknown", "?Basket weaving")),
                             evidence(CATALOGUE)).filter(pl.col("course_id") != "")
    assert [str(s) for s in table["score"]] == ["0.0", "0.0"]


def test_a_retire_on_a_collapsed_skill_that_edges_up_scores_zero_not_below() -> None:
    ev = evidence([row("Flat", "Legacy", "obsolescent", 1, -5, 5, 10)])  # +0.1 postings a month
    table = triage_catalogue(*_courses(("R", "flat", "Flat")), ev)
    assert table["action"].to_list() == ["retire"] and [str(s) for s in table["score"]] == ["0.0"]


def test_equal_build_rows_are_listed_by_skill_name() -> None:
    ev = evidence([row(name, "Data", "rising", 30, 10, 50, 10) for name in ("Beta", "Alpha", "Gamma")])
    table = triage_catalogue(*_courses(("C", "none", "?Nothing")), ev)
    assert table.filter(pl.col("action") == "build")["title"].to_list() == ["Alpha", "Beta", "Gamma"]


def test_a_course_whose_skills_the_evidence_lacks_is_kept_for_now() -> None:
    """Evidence built without the taxonomy knows only the skills with an outlook."""
    table = triage_catalogue(*_courses(("C", "web", "Steady|Unrated")), evidence(CATALOGUE))
    course = table.filter(pl.col("course_id") == "C").row(0, named=True)
    assert course["action"] == "refresh" and "Unrated" not in course["reason"]
    alone = triage_catalogue(*_courses(("U", "unrated", "Unrated")), evidence(CATALOGUE))
    assert alone.filter(pl.col("course_id") == "U")["reason"].item() == (
        "Keep for now: none of its skills is in the taxonomy.")


# ---------------------------------------------------------------------------- gap plans

def _inventory(*held: tuple[str, str, int | None], team: str = "") -> pl.DataFrame:
    return pl.DataFrame({"person": [p for p, _, _ in held], "team": [team] * len(held),
                         "written": [s for _, s, _ in held], "skill": [s for _, s, _ in held],
                         "proficiency": [v for _, _, v in held]},
                        schema={"person": pl.String, "team": pl.String, "written": pl.String,
                                "skill": pl.String, "proficiency": pl.Int64})


GAPS = [row("Old", "Legacy", "obsolescent", -50, -60, -40, 24),      # stake −12
        row("Fading", "Legacy", "declining", -25, -35, -15, 40),     # stake −10
        row("Steady", "Web", "stable", 0, -10, 10, 100),
        row("Calm", "Web", "stable", 0, -10, 10, 10),
        row("Hot", "Web", "rising", 50, 20, 80, 20),                 # stake +10
        row("Fresh", "Legacy", "rising", 30, 10, 50, 10),            # stake +3
        row("Big", "Data", "stable", 0, -4, 4, 200)]                 # large and stable


def _rows(plan, person: str) -> dict[tuple[str, str], dict]:  # type: ignore[no-untyped-def]
    return {(r["kind"], r["skill"]): r for r in plan.rows.filter(pl.col("person") == person)
            .iter_rows(named=True)}


def test_retire_and_deepen_priorities() -> None:
    ev = evidence(GAPS)
    plan = plan_gaps(_inventory(("Ana", "Old", 4), ("Ana", "Fading", None), ("Ana", "Hot", 2),
                                ("Bo", "Hot", 3), ("Cy", "Hot", None), ("Cy", "Fresh", 1)), ev)
    ana = _rows(plan, "Ana")
    assert ana[("retire", "Old")]["priority"] == pytest.approx(12 * conf(-60, -40) * 0.8, abs=1e-4)
    assert ana[("retire", "Fading")]["priority"] == pytest.approx(10 * conf(-35, -15) * 0.6, abs=1e-4)
    assert ana[("deepen", "Hot")]["priority"] == pytest.approx(10 * conf(20, 80) * 1.2, abs=1e-4)
    assert not any(k == "deepen" for k, _ in _rows(plan, "Bo"))   # held at 3: nothing to deepen
    cy = _rows(plan, "Cy")
    assert ("deepen", "Hot") not in cy and ("deepen", "Fresh") in cy
    assert ana[("retire", "Old")]["reason"] == (
        f"{ev['Old'].phrase}; relied on at proficiency 4/5. Plan to phase it out — a rising skill in "
        f"Legacy: {ev['Fresh'].phrase}.")
    assert ana[("retire", "Fading")]["reason"].startswith(
        f"{ev['Fading'].phrase}; relied on at listed proficiency unknown.")
    assert ana[("deepen", "Hot")]["reason"] == (f"{ev['Hot'].phrase}, held at proficiency 2/5: deepen it "
                                                "— it builds on what is already there.")
    assert [r["status"] for r in plan.rows.iter_rows(named=True) if r["skill"] == "Old"] == ["obsolescent"]


def test_a_retire_without_a_successor_says_only_to_phase_out() -> None:
    ev = evidence([row("Old", "Legacy", "obsolescent", -50, -60, -40, 24),
                   row("Gone too", "Legacy", "obsolescent", -50, -60, -40, 24),
                   row("Thin", "Legacy", "declining", -50, -60, -40, 1.0)],
                  successors={"Old": "Gone too|Thin"})
    reason = plan_gaps(_inventory(("Ana", "Old", 5)), ev).rows["reason"].item()
    assert reason == f"{ev['Old'].phrase}; relied on at proficiency 5/5. Plan to phase it out."


def test_a_declining_successor_is_named_as_such_when_nothing_better_replaces_it() -> None:
    """Objective-C → Swift while the whole platform declines: the successor is still what
    replaces it, said to decline too; a rising skill of the category comes first."""
    rows = [row("Old", "Legacy", "obsolescent", -50, -60, -40, 24),
            row("Next", "Legacy", "declining", -20, -30, -10, 24)]
    ev = evidence(rows, successors={"Old": "Next"})
    reason = plan_gaps(_inventory(("Ana", "Old", 5)), ev).rows["reason"].item()
    assert reason == (f"{ev['Old'].phrase}; relied on at proficiency 5/5. Plan to phase it out — "
                      f"what replaces it, itself declining: {ev['Next'].phrase}.")
    ev = evidence([*rows, row("Riser", "Legacy", "rising", 30, 10, 50, 10)], successors={"Old": "Next"})
    reason = plan_gaps(_inventory(("Ana", "Old", 5)), ev).rows.filter(
        pl.col("kind") == "retire")["reason"].item()
    assert reason.endswith(f"— a rising skill in Legacy: {ev['Riser'].phrase}.")


def test_successor_of_a_retired_skill_skips_held_declining_and_thin_ones() -> None:
    rows = [row("Old", "Legacy", "obsolescent", -50, -60, -40, 24),
            row("Held", "Web", "stable", 0, -10, 10, 30),
            row("Falling", "Web", "declining", -20, -30, -10, 30),
            row("Thin", "Web", "stable", 0, -10, 10, 1.0), row("Next", "Web", "stable", 0, -10, 10, 30),
            row("Riser", "Legacy", "rising", 30, 10, 50, 10),
            row("Riser 2", "Legacy", "rising", 40, 20, 60, 10)]
    ev = evidence(rows, successors={"Old": "Missing|Held|Falling|Thin|Next"})
    reason = plan_gaps(_inventory(("Ana", "Old", 5), ("Ana", "Held", 3)), ev).rows.filter(
        pl.col("kind") == "retire")["reason"].item()
    assert reason.endswith(f"— what replaces it: {ev['Next'].phrase}.")
    ev = evidence(rows)  # no successors named: the strongest rising skill of its category
    reason = plan_gaps(_inventory(("Ana", "Old", 5), ("Ana", "Riser 2", 1)), ev).rows.filter(
        pl.col("kind") == "retire")["reason"].item()
    assert reason.endswith(f"— a rising skill in Legacy: {ev['Riser'].phrase}.")
    reason = plan_gaps(_inventory(("Ana", "Old", 5)), ev).rows.filter(
        pl.col("kind") == "retire")["reason"].item()
    assert reason.endswith(f"— a rising skill in Legacy: {ev['Riser 2'].phrase}.")


def test_acquire_weights_category_share_declining_cover_and_bonuses() -> None:
    ev = evidence(GAPS, successors={"Old": "Hot"}, near={"Calm": "Big"})
    plan = plan_gaps(_inventory(("Ana", "Calm", 3), ("Ana", "Steady", 3), ("Ana", "Fading", 3)), ev)
    ana = _rows(plan, "Ana")
    # 2 of her 3 skills in Web, 1 in Legacy where she holds a declining skill
    assert ana[("acquire", "Hot")]["priority"] == pytest.approx(10 * conf(20, 80) * (0.5 + 0.5 * 2 / 3),
                                                                 abs=1e-4)
    assert ana[("acquire", "Fresh")]["priority"] == pytest.approx(3 * conf(10, 50) * (0.5 + 0.5 / 3 + 0.25),
                                                                   abs=1e-4)
    assert ana[("acquire", "Big")]["priority"] == pytest.approx(0.05 * 200 * conf(-4, 4) * (0.5 + 0.25),
                                                                 abs=1e-4)
    assert ana[("acquire", "Hot")]["reason"] == f"{ev['Hot'].phrase}: rising, in Web next to Calm, Steady."
    assert ana[("acquire", "Fresh")]["reason"] == (f"{ev['Fresh'].phrase}: rising, in Legacy next to "
                                                   "Fading (declining).")
    assert ana[("acquire", "Big")]["reason"] == (f"{ev['Big'].phrase}: large and stable; often in the same "
                                                 "postings as Calm.")
    bo = _rows(plan_gaps(_inventory(("Bo", "Old", None)), ev), "Bo")
    assert bo[("acquire", "Hot")]["priority"] == pytest.approx(10 * conf(20, 80) * (0.5 + 0.5), abs=1e-4)
    assert bo[("acquire", "Hot")]["reason"] == f"{ev['Hot'].phrase}: rising; it succeeds Old."
    assert bo[("acquire", "Fresh")]["priority"] == pytest.approx(
        3 * conf(10, 50) * (0.5 + 0.5 + 0.25), abs=1e-4)


def test_rows_are_ordered_and_capped_and_plan_steps_skip_retires() -> None:
    rows = [row("Held", "Web", "stable", 0, -10, 10, 30),
            row("Old", "Web", "obsolescent", -90, -95, -85, 300)]
    rows += [row(f"R{i}", "Web", "rising", 10.0 * i, 5, 15 * i, 50) for i in range(1, 8)]
    ev = evidence(rows)
    plan = plan_gaps(_inventory(("Ana", "Held", 3), ("Ana", "Old", 5), ("Ana", "R1", 1)), ev,
                     max_acquire=3, plan_steps=2)
    ana = plan.rows.filter(pl.col("person") == "Ana")
    assert ana["priority"].to_list() == sorted(ana["priority"].to_list(), reverse=True)
    assert ana["skill"].to_list()[0] == "Old"
    assert sorted(ana.filter(pl.col("kind") == "acquire")["skill"]) == ["R5", "R6", "R7"]
    steps = plan.plan.filter(pl.col("person") == "Ana")
    assert steps["step"].to_list() == [1, 2]
    assert steps["skill"].to_list() == ana.filter(pl.col("kind") != "retire")["skill"].to_list()[:2]
    assert steps["why"].to_list() == ana.filter(pl.col("kind") != "retire")["reason"].to_list()[:2]


def test_equal_priorities_order_by_kind_then_skill() -> None:
    ev = evidence([row("Held", "Web", "stable", 0, -10, 10, 30), row("B", "Web", "rising", 20, 10, 30, 50),
                   row("A", "Web", "rising", 20, 10, 30, 50)])
    plan = plan_gaps(_inventory(("Ana", "Held", 3)), ev)
    assert plan.rows["skill"].to_list() == ["A", "B"]


def test_people_view_profiles() -> None:
    cats = [row(f"S{i}", f"Cat{i % 4}", "stable", 0, -10, 10, 10) for i in range(8)]
    ev = evidence(cats)
    inv = _inventory(("T", "S0", 5), ("T", "S1", 4), ("T", "S2", 1),                    # 3 cats, 2 deep
                     ("G", "S0", 2), ("G", "S1", 2), ("G", "S2", 3),                    # 3 cats, none deep
                     ("P", "S0", 4), ("P", "S4", 3),                                    # 1 cat, 1 deep of 2
                     ("D", "S0", 4), ("D", "S4", 3), ("D", "S1", 3), ("D", "S5", 3),  # 1 deep of 4
                     ("B", "S0", None), ("B", "S1", None), ("B", "S2", None),
                     ("F", "S0", None), ("F", "S4", None))
    people = {r["person"]: r for r in plan_gaps(inv, ev).people.iter_rows(named=True)}
    assert {p: r["profile"] for p, r in people.items()} == {
        "T": "T-shaped: broad, with deep expertise", "G": "generalist: many shallow skills",
        "P": "specialist: few deep skills", "D": "developing: few skills, none deep yet",
        "B": "broad", "F": "focused"}
    assert (people["T"]["deep"], people["T"]["shallow"], people["T"]["categories"]) == (2, 1, 3)
    assert people["T"]["mean_proficiency"] == pytest.approx(3.33)
    assert people["T"]["breadth_depth"] == pytest.approx(-0.33)
    assert people["G"]["breadth_depth"] == pytest.approx(0.67)
    assert (people["D"]["skills"], people["D"]["categories"], people["D"]["deep"]) == (4, 2, 1)
    assert people["B"]["mean_proficiency"] is None and people["B"]["breadth_depth"] is None


def test_deep_is_four_and_up_shallow_two_and_down() -> None:
    ev = evidence([row(f"S{i}", "C", "stable", 0, -10, 10, 10) for i in range(6)])
    inv = _inventory(*[("X", f"S{i}", p) for i, p in enumerate([1, 2, 3, 4, 5])])
    person = plan_gaps(inv, ev).people.row(0, named=True)
    assert (person["deep"], person["shallow"], person["mean_proficiency"]) == (2, 2, 3.0)
    two = plan_gaps(_inventory(("Y", "S0", 4), ("Y", "S1", 3), ("Y", "S2", 3), ("Y", "S3", 3)),
                    ev).people.row(0, named=True)
    assert two["profile"].startswith("developing")  # one deep skill among four
    three = plan_gaps(_inventory(("Z", "S0", 4), ("Z", "S1", 3), ("Z", "S2", 3)),
                      ev).people.row(0, named=True)
    assert three["profile"].startswith("specialist")  # one deep skill among three


def test_team_view_counts_holders_and_recommendations() -> None:
    ev = evidence(GAPS)
    inv = pl.concat([_inventory(("Ana", "Old", 4), ("Ana", "Steady", 2), team="Core"),
                     _inventory(("Bo", "Old", 2), ("Bo", "Hot", 1), team="Core"),
                     _inventory(("Cy", "Steady", 5), team="")])
    team = plan_gaps(inv, ev).team
    core = {r["skill"]: r for r in team.filter(pl.col("team") == "Core").iter_rows(named=True)}
    assert (core["Old"]["holders"], core["Old"]["retire"], core["Old"]["mean_proficiency"]) == (2, 2, 3.0)
    assert core["Old"]["status"] == "obsolescent"
    assert (core["Hot"]["deepen"], core["Hot"]["holders"]) == (1, 1)
    assert core["Fresh"]["holders"] == 0 and core["Fresh"]["acquire"] == 2  # both near Legacy
    assert set(team["team"]) == {"Core", "All"}  # no team given: "All"
    teams = team["team"].to_list()
    assert teams == sorted(teams)
    first = team.filter(pl.col("team") == "Core").row(0, named=True)
    assert first["acquire"] == max(core[s]["acquire"] for s in core)


def test_scores_and_priorities_are_given_to_four_decimals() -> None:
    ev = evidence(CATALOGUE)
    table = triage_catalogue(*_courses(("R1", "old", "Old"), ("K1", "current", "Steady|Hot")), ev)
    assert all(s == round(s, 4) for s in table["score"]) and len(set(table["score"])) == 3
    assert table.filter(pl.col("action") == "build")["score"].item() == pytest.approx(
        3 * conf(10, 50), abs=1e-4)
    plan = plan_gaps(_inventory(("Ana", "Old", 4), ("Ana", "Calm", 3), ("Ana", "Hot", 1)), evidence(GAPS))
    priorities = plan.rows["priority"].to_list()
    assert all(p == round(p, 4) for p in priorities) and len(set(priorities)) == len(priorities)


def test_a_small_rise_held_shallow_is_still_worth_deepening_by_its_size() -> None:
    ev = evidence([row("Niche", "C", "rising", 10, 5, 15, 2.0),          # 0.2 postings a month gained
                   row("Odd", "C", "rising", -10, -15, -5, 20.0)])      # a "rise" that loses demand
    rows = _rows(plan_gaps(_inventory(("Ana", "Niche", 1), ("Ana", "Odd", 2)), ev), "Ana")
    assert rows[("deepen", "Niche")]["priority"] == pytest.approx(0.2 * conf(5, 15) * 1.2, abs=1e-4)
    assert rows[("deepen", "Odd")]["priority"] == 0.0


def test_reasons_name_up_to_three_held_skills() -> None:
    held = [row(f"H{i}", "Web", "stable", 0, -10, 10, 10) for i in range(4)]
    ev = evidence([*held, row("Hot", "Web", "rising", 50, 20, 80, 20),
                   row("Far", "Data", "rising", 50, 20, 80, 20)],
                  near={f"H{i}": "Far" for i in range(4)})
    rows = _rows(plan_gaps(_inventory(*[("Ana", f"H{i}", 3) for i in range(4)]), ev), "Ana")
    assert rows[("acquire", "Hot")]["reason"].endswith(": rising, in Web next to H0, H1, H2.")
    assert rows[("acquire", "Far")]["reason"].endswith("; often in the same postings as H0, H1, H2.")


def test_evidence_with_partial_numbers() -> None:
    ev = evidence([row("Half interval", "C", "stable", 2, None, 10, 12),
                   row("Bad backtest", "C", "stable", 2, -10, 10, 12, backtest_mase=math.nan),
                   row("No count", "C", "stable", 2, -10, 10, math.nan)])
    assert ev["Half interval"].confidence == pytest.approx(0.5)
    assert ev["Bad backtest"].confidence == pytest.approx(conf(-10, 10))
    assert ev["No count"].volume is None and not ev["No count"].thin


def test_taxonomy_names_are_trimmed_and_optional() -> None:
    rows = [row("Old", "Legacy", "obsolescent", -50, -60, -40, 24),
            row("Next", "Web", "stable", 0, -10, 10, 30)]
    ev = evidence(rows, successors={"Old": " Next | |"}, near={"Next": "Old|"})
    assert ev["Old"].successors == ("Next",) and ev["Next"].near == ("Old",)
    bare = skill_evidence(pl.DataFrame(rows, schema=SCHEMA),
                          pl.DataFrame({"skill": ["Old", "Next", "Extra"],
                                        "category": ["Legacy", "Web", "Web"]}))
    assert bare["Old"].successors == () and bare["Extra"].status == "no demand data"


def test_a_course_teaching_a_rising_skill_is_kept_even_beside_another_riser() -> None:
    ev = evidence([*CATALOGUE, row("Hot 2", "Web", "rising", 80, 40, 120, 30)])
    table = triage_catalogue(*_courses(("K", "current", "Steady|Hot"), ("S", "basics", "Steady")), ev)
    actions = dict(zip(table["course_id"], table["action"], strict=True))
    assert actions["K"] == "keep" and actions["S"] == "refresh"


def test_refresh_value_of_a_small_decline() -> None:
    ev = evidence([row("Dip", "Legacy", "declining", -10, -15, -5, 5),   # 0.5 postings a month lost
                   row("Steady", "Legacy", "stable", 0, -10, 10, 100)])
    table = triage_catalogue(*_courses(("F", "mixed", "Dip|Steady")), ev)
    assert table["action"].to_list() == ["refresh"]
    assert table["score"].item() == pytest.approx(0.5 * 0.5 * conf(-15, -5), abs=1e-4)


def test_profiles_at_their_edges() -> None:
    ev = evidence([row(f"S{i}", f"Cat{i % 4}", "stable", 0, -10, 10, 10) for i in range(8)])
    inv = _inventory(("Two cats", "S0", None), ("Two cats", "S1", None),
                     ("Deep four", "S0", 5), ("Deep four", "S1", 4), ("Deep four", "S2", 1),
                     ("Deep four", "S4", 1),
                     ("Deep in one", "S0", 5), ("Deep in one", "S4", 4), ("Deep in one", "S1", 3),
                     ("Deep in one", "S5", 3))
    people = {r["person"]: r["profile"] for r in plan_gaps(inv, ev).people.iter_rows(named=True)}
    assert people == {"Two cats": "focused", "Deep four": "T-shaped: broad, with deep expertise",
                      "Deep in one": "specialist: few deep skills"}


def test_held_skills_are_never_proposed_and_unknown_ones_are_ignored() -> None:
    ev = evidence(GAPS)
    inv = _inventory(("Ana", "Hot", 5), ("Ana", "Steady", 3), ("Ana", "Not rated", 3))
    plan = plan_gaps(inv, ev)
    assert plan.rows.filter(pl.col("skill").is_in(["Hot", "Steady", "Not rated"])).height == 0
    assert plan.people["skills"].item() == 3 and plan.people["categories"].item() == 1


def test_no_negative_zero_priority() -> None:
    # an obsolescent skill whose flat level still edges up: nothing left to lose, priority 0.0
    ev = evidence([row("Flat", "Legacy", "obsolescent", 1, -5, 5, 10),
                   row("Riser", "Web", "rising", 20, 10, 30, 50),
                   row("Other", "Web", "rising", 20, 10, 30, 50)])
    plan = plan_gaps(_inventory(("Ana", "Flat", 3), ("Ana", "Riser", 1)), ev)
    rows = {r["skill"]: r for r in plan.rows.iter_rows(named=True)}
    assert str(rows["Flat"]["priority"]) == "0.0"
    assert plan.rows["kind"].to_list() == ["deepen", "acquire", "retire"]


def test_large_and_stable_means_the_larger_half_even_of_two_and_never_uncertain() -> None:
    ev = evidence([row("Held", "Tools", "stable", 0, -10, 10, None),
                   row("Small", "Tools", "stable", 0, -10, 10, 10),
                   row("Big", "Tools", "stable", 0, -10, 10, 100)])
    assert _acquired_skills(plan_gaps(_inventory(("Ana", "Held", 3)), ev)) == ["Big"]
    ev = evidence([row("Held", "Tools", "stable", 0, -10, 10, 5),
                   row("Unsure", "Tools", "uncertain", 0, -10, 10, 500),
                   row("Short", "Tools", "insufficient-history", 0, -10, 10, 400)])
    assert _acquired_skills(plan_gaps(_inventory(("Ana", "Held", 3)), ev)) == []


def _acquired_skills(plan) -> list[str]:  # type: ignore[no-untyped-def]
    return plan.rows.filter(pl.col("kind") == "acquire")["skill"].to_list()


def test_an_acquire_step_says_which_held_skills_of_its_category_decline_not_that_it_replaces_them(
        ) -> None:
    """Python is not what replaces Objective-C because both are programming languages: a
    category neighbour names the declining skills held there (first, with their status); only a
    named successor "succeeds"."""
    ev = evidence([*GAPS, row("Web old", "Web", "declining", -30, -40, -20, 30)])
    rows = _rows(plan_gaps(_inventory(("Ana", "Calm", 3), ("Ana", "Fading", 3), ("Ana", "Web old", 3),
                                      ("Ana", "Old", 3)), ev), "Ana")
    assert rows[("acquire", "Fresh")]["reason"].endswith(
        ": rising, in Legacy next to Fading (declining), Old (obsolescent).")
    assert rows[("acquire", "Hot")]["reason"].endswith(": rising, in Web next to Web old (declining), Calm.")
    assert not any("replace" in r["reason"] for r in rows.values() if r["kind"] == "acquire")


def test_three_deep_skills_among_many_are_deep_expertise() -> None:
    ev = evidence([row(f"S{i}", "One", "stable", 0, -10, 10, 10) for i in range(5)])
    inv = _inventory(*[("Ana", f"S{i}", p) for i, p in enumerate([5, 5, 4, 3, 3])])
    assert plan_gaps(inv, ev).people["profile"].item() == "specialist: few deep skills"


def test_a_build_row_is_never_scored_below_zero() -> None:
    ev = evidence([row("Odd", "Data", "rising", -10, -15, -5, 20.0)])  # a "rise" that loses demand
    empty = pl.DataFrame({"course_id": [], "written": [], "skill": []},
                         schema={"course_id": pl.String, "written": pl.String, "skill": pl.String})
    built = triage_catalogue(pl.DataFrame({"course_id": [], "title": []},
                                          schema={"course_id": pl.String, "title": pl.String}), empty, ev)
    assert built["title"].to_list() == ["Odd"] and built["score"].to_list() == [0.0]


def test_only_a_rising_skill_can_make_a_course_outdated() -> None:
    ev = evidence([row("Steady", "Web", "stable", 0, -10, 10, 100),
                   row("Falling", "Web", "declining", -30, None, None, 50),
                   row("Calm", "Web", "stable", 5, None, None, 50)])
    table = triage_catalogue(*_courses(("C", "web basics", "Steady")), ev)
    assert table["action"].to_list() == ["keep"]


def test_the_neighbour_is_the_most_demand_at_stake_times_confidence() -> None:
    """A (+2 postings a month, narrow interval: 1.71) loses to B (+3, wider: 2.11); a lower bound
    of +0.5% is above no change."""
    rows = [row("Legacy", "Web", "stable", 0, -5, 5, 50),
            row("A", "Web", "rising", 20, 10, 30, 10), row("B", "Web", "rising", 30, 5, 60, 10)]
    table = triage_catalogue(*_courses(("C", "legacy", "Legacy")), evidence(rows))
    reason = table.filter(pl.col("course_id") == "C")["reason"].item()
    assert "while B (rising" in reason
    rows = [row("Legacy", "Web", "stable", 0, -5, 5, 50),
            row("Barely", "Web", "rising", 20, 0.5, 40, 10),
            row("Shaky", "Web", "rising", 90, -5, 300, 50)]  # its interval reaches below no change
    table = triage_catalogue(*_courses(("C", "legacy", "Legacy")), evidence(rows))
    assert "while Barely (rising" in table.filter(pl.col("course_id") == "C")["reason"].item()


def test_a_large_stable_skill_is_not_named_as_the_rising_replacement() -> None:
    ev = evidence([row("Old", "Legacy", "obsolescent", -50, -60, -40, 24),
                   row("Big", "Legacy", "stable", 0, -4, 4, 200),
                   row("Small", "Other", "stable", 0, -4, 4, 3)])
    reason = plan_gaps(_inventory(("Ana", "Old", 5)), ev).rows.filter(pl.col("kind") == "retire")["reason"]
    assert reason.item().endswith("relied on at proficiency 5/5. Plan to phase it out.")


def test_five_acquire_steps_by_default_and_unrated_skills_skip_only_themselves() -> None:
    rows = [row("Held", "Web", "stable", 0, -10, 10, 30),
            row("Old", "Web", "obsolescent", -50, -60, -40, 24)]
    rows += [row(f"R{i}", "Web", "rising", 10.0 * i, 5, 15 * i, 50) for i in range(1, 8)]
    inv = _inventory(("Ana", "Not rated", 3), ("Ana", "Held", 3), ("Ana", "Old", 4))
    plan = plan_gaps(inv, evidence(rows))
    kinds = plan.rows["kind"].to_list()
    assert kinds.count("acquire") == 5 and kinds.count("retire") == 1


def test_the_neighbour_does_not_depend_on_the_order_of_skills() -> None:
    rows = [row("Legacy", "Web", "stable", 0, -5, 5, 50),
            row("B", "Web", "rising", 30, 5, 60, 10), row("A", "Web", "rising", 20, 10, 30, 10)]
    table = triage_catalogue(*_courses(("C", "legacy", "Legacy")), evidence(rows))
    assert "while B (rising" in table.filter(pl.col("course_id") == "C")["reason"].item()


def test_of_two_equal_neighbours_the_first_by_name_is_named() -> None:
    """A tie goes to the skill first by name, whatever order the evidence comes in."""
    rows = [row("Alpha", "Web", "rising", 30, 10, 50, 10), row("Beta", "Web", "rising", 30, 10, 50, 10),
            row("Alphabet", "Web", "rising", 30, 10, 50, 10), row("Legacy", "Web", "stable", 0, -5, 5, 50)]
    for order in (rows, rows[::-1], [rows[1], rows[2], rows[0], rows[3]]):
        table = triage_catalogue(*_courses(("C", "legacy", "Legacy")), evidence(order))
        assert "while Alpha (rising" in table.filter(pl.col("course_id") == "C")["reason"].item()


def test_a_flat_collapsed_skill_adds_nothing_to_a_refresh() -> None:
    ev = evidence([row("Flat", "Legacy", "obsolescent", 1, -5, 5, 10),
                   row("Steady", "Legacy", "stable", 0, -10, 10, 100)])
    table = triage_catalogue(*_courses(("F", "mixed", "Flat|Steady")), ev)
    assert table["action"].to_list() == ["refresh"] and table["score"].to_list() == [0.0]


def test_the_rising_replacement_is_the_most_demand_at_stake_times_confidence() -> None:
    ev = evidence([row("Old", "Legacy", "obsolescent", -50, -60, -40, 24),
                   row("Sure", "Legacy", "rising", 30, 28, 32, 10),     # 3 a month, confidence 0.97
                   row("Loose", "Legacy", "rising", 35, 5, 200, 10)])   # 3.5 a month, confidence 0.49
    rows = plan_gaps(_inventory(("Ana", "Old", 5)), ev).rows
    reason = rows.filter(pl.col("kind") == "retire")["reason"].item()
    assert reason.endswith(f"— a rising skill in Legacy: {ev['Sure'].phrase}.")


def test_team_view_lists_more_holders_first() -> None:
    ev = evidence([row(s, "C", "stable", 0, -10, 10, None) for s in ("S1", "S2", "S3")])
    inv = _inventory(("A", "S1", 3), ("A", "S3", 3), ("B", "S1", 3), ("B", "S2", 3), team="Core")
    team = plan_gaps(inv, ev).team
    assert team["skill"].to_list() == ["S1", "S2", "S3"] and team["holders"].to_list() == [2, 1, 1]


def test_only_a_rising_skill_held_shallow_is_deepened() -> None:
    ev = evidence(GAPS)
    plan = plan_gaps(_inventory(("Bo", "Steady", 1), ("Bo", "Big", 2), ("Bo", "Fading", 1)), ev)
    assert "deepen" not in plan.rows["kind"].to_list()


def test_a_plan_has_five_steps_by_default() -> None:
    rows = [row("Held", "Web", "stable", 0, -10, 10, 30)]
    rows += [row(f"R{i}", "Web", "rising", 10.0 * i, 5, 15 * i, 50) for i in range(1, 8)]
    plan = plan_gaps(_inventory(("Ana", "Held", 3), ("Ana", "R1", 1)), evidence(rows))
    assert plan.rows["kind"].to_list().count("deepen") == 1 and plan.rows.height == 6
    assert plan.plan["step"].to_list() == [1, 2, 3, 4, 5]


def test_a_small_rise_is_worth_acquiring_by_its_size() -> None:
    ev = evidence([row("Held", "Web", "stable", 0, -10, 10, 30),
                   row("Niche", "Web", "rising", 10, 5, 15, 2.0)])   # 0.2 postings a month gained
    rows = _rows(plan_gaps(_inventory(("Ana", "Held", 3)), ev), "Ana")
    assert rows[("acquire", "Niche")]["priority"] == pytest.approx(0.2 * conf(5, 15) * 1.0, abs=1e-4)


def test_a_rise_that_loses_demand_is_worth_nothing_to_acquire() -> None:
    ev = evidence([row("Held", "Web", "stable", 0, -10, 10, 30),
                   row("Odd", "Web", "rising", -10, -15, -5, 20.0)])   # 2 postings a month lost
    rows = _rows(plan_gaps(_inventory(("Ana", "Held", 3)), ev), "Ana")
    assert str(rows[("acquire", "Odd")]["priority"]) == "0.0"


def test_four_categories_are_broad_too() -> None:
    ev = evidence([row(f"S{i}", f"Cat{i}", "stable", 0, -10, 10, 10) for i in range(4)])
    inv = _inventory(*[("Shallow", f"S{i}", 2) for i in range(4)],
                     *[("Unrated", f"S{i}", None) for i in range(4)],
                     ("Deep", "S0", 5), ("Deep", "S1", 4), ("Deep", "S2", 3), ("Deep", "S3", 3))
    people = {r["person"]: r["profile"] for r in plan_gaps(inv, ev).people.iter_rows(named=True)}
    assert people == {"Shallow": "generalist: many shallow skills", "Unrated": "broad",
                      "Deep": "T-shaped: broad, with deep expertise"}


def test_team_view_counts_each_kind_apart_and_zero_when_nobody_is_told() -> None:
    ev = evidence(GAPS)
    inv = _inventory(("Ana", "Hot", 1), ("Bo", "Calm", 4), ("Cy", "Calm", 4), ("Di", "Calm", 5),
                     team="Core")
    core = {r["skill"]: r for r in plan_gaps(inv, ev).team.iter_rows(named=True)}
    assert (core["Hot"]["acquire"], core["Hot"]["deepen"], core["Hot"]["retire"]) == (3, 1, 0)
    assert (core["Calm"]["acquire"], core["Calm"]["deepen"], core["Calm"]["retire"]) == (0, 0, 0)
    assert core["Calm"]["mean_proficiency"] == 4.33 and core["Calm"]["holders"] == 3


def test_team_view_lists_more_retires_first_among_equal_acquires() -> None:
    ev = evidence(GAPS)
    inv = _inventory(("Ana", "Old", 3), ("Ana", "Steady", 3), ("Bo", "Steady", 3), team="Core")
    team = plan_gaps(inv, ev).team.filter(pl.col("acquire") == 0)
    assert team["skill"].to_list() == ["Old", "Steady"]
    assert team["retire"].to_list() == [1, 0] and team["holders"].to_list() == [1, 2]


# ------------------------------------------------------------- declining but still large (L)

# Volumes a month today, 17 skills: the run's top quarter (the value at rank int(0.75 × 17) = 12
# in ascending order, HOLDING_QUANTILE) starts at 40.
LARGE_RUN = [row("Giant", "Web", "declining", -12, -17, -6, 100),    # 88 a month at the horizon
             row("Edge", "Web", "declining", -5, -9, -1, 45),        # 42.75: still large
             row("Slipping", "Web", "declining", -20, -30, -10, 45),  # 36: under 40
             row("Big gone", "Web", "obsolescent", 0, -5, 5, 60),     # never L
             row("Small", "Web", "declining", -20, -30, -10, 10),
             row("Peer", "Web", "stable", 0, -5, 5, 40),
             row("Next", "Web", "rising", 30, 10, 50, 8),
             row("Tiny", "Web", "stable", 0, -5, 5, 3),
             *[row(f"Filler {i}", "Data", "stable", 0, -5, 5, 2 + i) for i in range(9)]]


def test_a_declining_skill_still_in_the_top_quarter_at_the_horizon_is_large() -> None:
    """Class L: declining, and the mentions a month at the horizon (volume × (1 + growth)) are at
    least the run's 0.75 quantile of volumes today; the horizon counts, not today's volume."""
    ev = evidence(LARGE_RUN)
    assert {k: e.cls for k, e in ev.items() if not k.startswith("Filler")} == {
        "Giant": "L", "Edge": "L", "Slipping": "D", "Big gone": "D", "Small": "D", "Peer": "S",
        "Next": "R", "Tiny": "S"}
    # without volumes nothing is large: the declining skills are D as before
    bare = evidence([{**r, "mentions_12m": None} for r in LARGE_RUN])
    assert [k for k, e in bare.items() if e.cls == "L"] == []


def test_a_course_of_large_declining_skills_is_kept_and_says_why() -> None:
    ev = evidence(LARGE_RUN)
    table = triage_catalogue(
        *_courses(("K1", "giant", "Giant|Edge"), ("R1", "slipping", "Slipping|Small"),
                  ("F1", "mixed", "Giant|Small"), ("R2", "gone", "Big gone"),
                  updated=[dt.date(2024, 1, 1)] * 4), ev, as_of=dt.date(2024, 5, 1))
    got = {c: (a, r) for c, a, r in table.select("course_id", "action", "reason").iter_rows() if c}
    p = {k: e.phrase for k, e in ev.items()}
    assert got["K1"] == ("keep", "Keep: Giant, Edge are declining but still among the run's largest "
                                 "skills at the forecast horizon (its top quarter by postings a month), "
                                 f"and no skill taught is fading — {p['Giant']}; {p['Edge']}.")
    assert got["R1"][0] == "retire" and got["R2"][0] == "retire"
    # "the rest hold" next to a skill called declining would contradict itself: it says why
    assert got["F1"] == ("refresh", f"Refresh: 1 of 2 skills taught is declining — {p['Small']}; "
                                    f"the rest hold — {p['Giant']}; Giant is declining but still "
                                    "among the run's largest skills at the forecast horizon (its top "
                                    "quarter by postings a month).")


def test_a_person_is_not_told_to_phase_out_a_large_declining_skill() -> None:
    """No retire step for an L skill; it still counts as declining for what replaces it."""
    ev = evidence(LARGE_RUN, successors={"Slipping": "Edge|Peer"})
    plan = plan_gaps(_inventory(("Ana", "Giant", 5), ("Ana", "Slipping", 4), ("Bo", "Giant", 1)), ev)
    ana = _rows(plan, "Ana")
    assert ("retire", "Giant") not in ana and ("retire", "Slipping") in ana
    assert not [k for k in _rows(plan, "Bo") if k[1] == "Giant"]  # held shallow: not deepened either
    # the named successor that is itself declining (large or not) is skipped
    assert ana[("retire", "Slipping")]["reason"].endswith(f"what replaces it: {ev['Peer'].phrase}.")
    assert ana[("acquire", "Next")]["reason"] == (
        f"{ev['Next'].phrase}: rising, in Web next to Giant (declining), Slipping (declining).")


def test_the_top_quarter_at_the_horizon_is_counted_in_mentions_a_month_and_includes_its_edge(
        ) -> None:
    """Volumes a month today 1..9, 40, 40 and 47: the top quarter (rank int(0.75 × 12) = 9) starts
    at 40 mentions a month. A declining skill with 40 a month at the horizon is still large (the
    edge counts); one with 47 × 0.8 = 37.6 is not."""
    ev = evidence([*[row(f"Filler {i}", "Data", "stable", 0, -5, 5, i) for i in range(1, 10)],
                   row("Peer", "Web", "stable", 0, -5, 5, 40),
                   row("Edge", "Web", "declining", 0, -5, -1, 40),
                   row("Under", "Web", "declining", -20, -30, -10, 47)])
    assert (ev["Edge"].cls, ev["Under"].cls) == ("L", "D")


def test_a_refresh_of_two_declining_skills_says_are() -> None:
    ev = evidence([row("Old", "Web", "declining", -20, -30, -10, 10),
                   row("Older", "Web", "obsolescent", -50, -60, -40, 10),
                   *[row(f"Fine {i}", "Web", "stable", 0, -5, 5, 10) for i in range(3)]])
    table = triage_catalogue(*_courses(("R", "mixed", "Old|Older|Fine 0|Fine 1|Fine 2"),
                                       updated=[dt.date(2024, 1, 1)]), ev, as_of=dt.date(2024, 5, 1))
    row_ = table.filter(pl.col("course_id") == "R").row(0, named=True)
    assert row_["action"] == "refresh"
    assert row_["reason"].startswith("Refresh: 2 of 5 skills taught are declining — ")


def test_a_half_life_range_needs_both_bounds() -> None:
    ev = evidence([row("One bound", "C", "declining", -20, -30, -10, 10, half_life_months=30.0,
                       half_life_lower=20.0)])
    assert ev["One bound"].phrase.endswith(
        "10 postings a month, halving every 30 months on its 3-year trend)")


def _with_unknown(inv: pl.DataFrame, person: str, written: str) -> pl.DataFrame:
    """``inv`` plus a name ``person`` wrote that resolved to no taxonomy skill."""
    extra = pl.DataFrame({"person": [person], "team": [""], "written": [written], "skill": [None],
                          "proficiency": [3]}, schema=inv.schema)
    return pl.concat([inv, extra])


def test_a_person_with_nothing_near_still_gets_one_acquire_step_saying_why() -> None:
    """An acceptance run on HN: an Excel-only analyst (Excel: no demand data in the run) and a
    person whose skills were all unknown got no rows at all, silently. Each now gets the run's
    strongest rising skill (by demand at stake × confidence, at half the weight of a near one),
    with the reason why nothing nearer was found; a person with a near skill gets no such row."""
    ev = evidence([row("Hot", "Web", "rising", 40, 20, 60, 50),          # stake 20 a month
                   row("Warm", "Data", "rising", 20, 10, 30, 50),        # stake 10 a month
                   row("Big", "Data", "stable", 0, -5, 5, 400),
                   row("Near", "Office", "rising", 10, 5, 15, 30),
                   row("Sheet", "Office", "stable", 0, -5, 5, 30),
                   row("Web old", "Web", "stable", 0, -5, 5, 1)],
                  taxonomy=[("Excel", "Spreadsheets")])
    inv = _with_unknown(_inventory(("Erin", "Excel", 5), ("Omar", "Sheet", 3), ("Wes", "Web old", 3)),
                        "Harry", "Frobnicate")
    plan = plan_gaps(inv, ev)
    rows = {p: g for (p,), g in plan.rows.group_by("person")}
    erin = rows["Erin"].row(0, named=True)
    assert rows["Erin"].height == 1 and (erin["kind"], erin["skill"]) == ("acquire", "Hot")
    assert erin["reason"].endswith("the run's strongest rising skill; nothing near this profile "
                                   "to build on (Excel: no demand data in this run).")
    near_hot = rows["Wes"].filter(pl.col("skill") == "Hot")["priority"].item()  # weight 1: all Web
    assert erin["priority"] == pytest.approx(near_hot / 2, rel=1e-3)
    harry = rows["Harry"].row(0, named=True)
    assert harry["skill"] == "Hot" and "'Frobnicate': not in the taxonomy" in harry["reason"]
    assert "Harry" in plan.people["person"].to_list()
    assert rows["Omar"]["skill"].to_list() == ["Near"]  # near: no fallback beside it
    nothing = plan_gaps(_inventory(("Erin", "Excel", 5)), evidence(
        [row("Vague", "Office", "uncertain", 5, -20, 30, 30)], taxonomy=[("Excel", "Spreadsheets")]))
    assert nothing.rows.height == 0 and nothing.people["person"].to_list() == ["Erin"]


def test_a_decline_whose_own_interval_expects_growth_is_neither_retired_nor_proposed() -> None:
    """R on HN as of 2024-05: obsolescent after its collapse, beside +21% (80%: +3% to +40%).
    "Retire R" next to that interval contradicts the row; the plan leaves it alone (class U)."""
    rows = [row("R", "Data", "obsolescent", 21, 3, 40, 1.5, peak_ratio=0.08),
            row("Gone", "Data", "obsolescent", -40, -60, -20, 1.5, peak_ratio=0.08),
            row("Edge", "Data", "obsolescent", 21, -1, 40, 1.5, peak_ratio=0.08)]
    ev = evidence(rows)
    assert (ev["R"].cls, ev["Gone"].cls, ev["Edge"].cls) == ("U", "D", "D")
    plan = plan_gaps(_inventory(("Bob", "R", 4), ("Bob", "Gone", 4), ("Bob", "Edge", 4)), ev)
    retired = plan.rows.filter(pl.col("kind") == "retire")["skill"].sort().to_list()
    assert retired == ["Edge", "Gone"]
    table = triage_catalogue(*_courses(("C08", "Statistics with R", "R")), ev)
    assert table["action"].to_list() == ["keep"]
    assert table["reason"].item().startswith(
        "Keep for now: R is obsolescent after a fall from its peak, but the judged interval beside "
        "it does not expect a further fall — R (obsolescent, +21% in 24 months")
    mixed = triage_catalogue(*_courses(("M", "Mixed", "Gone|R")), ev)["reason"].item()
    assert mixed.startswith("Retire: 1 of 2 skills taught is declining or obsolescent — Gone")
    kept = triage_catalogue(*_courses(("K", "Kept", "R|Steady")), evidence(
        [*rows, row("Steady", "Data", "stable", 0, -5, 5, 30)]))["reason"].item()
    assert kept.startswith("Keep: R is obsolescent after a fall from its peak, but the judged "
                           "interval beside it does not expect a further fall, and no skill")


def test_a_decline_whose_interval_reaches_zero_is_not_retired() -> None:
    """Statistics on HN as of 2024-05: declining after its collapse (not a trend), beside -15%
    (80%: -50% to +45%); "phase out Statistics" for a statistician. A declining skill is retired
    only when its judged interval lies below zero; an obsolescent one keeps its retire row."""
    ev = evidence([row("Stat", "Data", "declining", -15, -50, 45, 1.6),
                   row("Fall", "Data", "declining", -15, -25, -0.5, 1.6),
                   row("Zero", "Data", "declining", -15, -25, 0.5, 1.6),
                   row("Marginal", "Data", "obsolescent", -15, -50, 45, 1.6, peak_ratio=0.1)])
    assert {k: ev[k].cls for k in ("Stat", "Fall", "Zero", "Marginal")} == {
        "Stat": "U", "Fall": "D", "Zero": "U", "Marginal": "D"}
    plan = plan_gaps(_inventory(*[("Bob", s, 5) for s in ("Stat", "Fall", "Zero", "Marginal")]), ev)
    assert plan.rows.filter(pl.col("kind") == "retire")["skill"].sort().to_list() == ["Fall", "Marginal"]


def test_a_trickle_is_below_one_percent_of_its_peak_not_at_zero() -> None:
    ev = evidence([row("Trickle", "Data", "obsolescent", -50, -60, -40, 0.2, peak_ratio=0.004),
                   row("Little", "Data", "obsolescent", -50, -60, -40, 0.2, peak_ratio=0.006)])
    assert "below 1% of its peak" in ev["Trickle"].phrase
    assert "at 1% of its peak" in ev["Little"].phrase


def test_a_course_teaching_a_skill_still_among_the_largest_is_refreshed_not_retired() -> None:
    """AWS Solutions Architect on HN: AWS Lambda and EC2 decline, AWS itself declines but is
    still among the largest skills (class L, 36 postings a month): the course keeps its audience,
    so it is refreshed, not retired; counted over every skill taught ("2 of 3")."""
    rows = [row("Cloud", "Cloud", "declining", -10, -15, -5, 36),
            row("Lambda", "Cloud", "declining", -16, -29, -1, 2.7),
            row("VMs", "Cloud", "obsolescent", -25, -40, -5, 1.4, peak_ratio=0.16),
            *[row(f"Small {i}", "Other", "stable", 0, -5, 5, 10) for i in range(12)]]
    ev = evidence(rows)
    assert (ev["Cloud"].cls, ev["Lambda"].cls, ev["VMs"].cls) == ("L", "D", "D")
    table = triage_catalogue(*_courses(("C13", "Cloud architect", "Cloud|Lambda|VMs")), ev)
    assert table["action"].item() == "refresh"
    assert table["reason"].item().startswith("Refresh: 2 of 3 skills taught are declining — ")
    gone = triage_catalogue(*_courses(("C13", "Cloud architect", "Lambda|VMs|Small 0")), ev)
    assert gone["action"].item() == "retire"


def test_the_fall_a_trend_implies_is_given_only_beside_a_forecast_less_than_half_as_steep() -> None:
    """``trend_fall_pct`` (the explorer card's "the forecast expects the fall to slow"): MySQL on
    HN, halving every 26 months, -5% forecast in 24 months against -47% if the trend held."""
    from skillpulse.models.planning import trend_fall_pct

    implied = 100 * (2 ** (-24 / 26) - 1)
    assert trend_fall_pct(26.0, -5.0, 24) == pytest.approx(implied)
    assert round(implied) == -47
    assert trend_fall_pct(26.0, -23.0, 24) == pytest.approx(implied)   # less than half as steep
    assert trend_fall_pct(26.0, -24.0, 24) is None                       # half or more: consistent
    assert trend_fall_pct(12.0, -5.0, 12) == pytest.approx(-50.0)
    assert trend_fall_pct(24.0, -25.0, 24) is None  # exactly half of -50%: not "slower"
    assert trend_fall_pct(24.0, -24.9, 24) == -50.0
    for bad in [(None, -5.0, 24), (26.0, None, 24), (26.0, -5.0, None), (26.0, -5.0, 0),
                (math.inf, -5.0, 24), (math.nan, -5.0, 24), (0.0, -5.0, 24), (-3.0, -5.0, 24),
                (26.0, math.nan, 24), (0.5, -5.0, 24)]:
        expected = None if bad != (0.5, -5.0, 24) else 100 * (2 ** (-48) - 1)
        got = trend_fall_pct(*bad)  # type: ignore[arg-type]
        assert (got is None) if expected is None else got == pytest.approx(expected), bad


def test_the_fallback_acquire_step_picks_by_demand_times_confidence_and_says_why_precisely() -> None:
    """``_acquire_anyway``: the best of the run by stake × confidence (not their sum or ratio);
    the reason lists at most three untracked and three unknown names, and only skills without
    demand data count as untracked (an obsolescent or declining one is tracked)."""
    ev = evidence([row("Sure", "Web", "rising", 40, 35, 45, 50),     # stake 20, confidence 0.93
                   row("Loose", "Web", "rising", 60, 5, 200, 50),    # stake 30, confidence 0.49
                   row("Gone", "Old", "obsolescent", -50, -60, -40, 0.5),
                   row("Down", "Old2", "declining", -30, -40, -20, 0.5)],
                  taxonomy=[(f"Tool {i}", "Office") for i in range(5)])
    inv = _inventory(("Erin", "Down", 3), ("Erin", "Gone", 3),  # tracked: never "no demand data"
                     *[("Erin", f"Tool {i}", 3) for i in range(4)])
    for w in ("X1", "X2", "X3", "X4"):
        inv = _with_unknown(inv, "Erin", w)
    step = plan_gaps(inv, ev).rows.filter(pl.col("kind") == "acquire").row(0, named=True)
    assert step["skill"] == "Sure"
    assert step["reason"].endswith(
        "nothing near this profile to build on (Tool 0, Tool 1, Tool 2: no demand data in this "
        "run; 'X1', 'X2', 'X3': not in the taxonomy).")
    stable = evidence([row("Big", "Data", "stable", 0, -5, 5, 400),
                       row("Gone", "Old", "obsolescent", -50, -60, -40, 0.5)])
    only = plan_gaps(_inventory(("Ola", "Gone", 3)), stable).rows.filter(pl.col("kind") == "acquire")
    assert only["reason"].item().endswith(
        "the run's strongest large and stable skill; nothing near this profile to build on "
        "(nothing rising or large and stable in its categories).")


def test_not_falling_names_two_skills_in_the_plural() -> None:
    ev = evidence([row("R", "Data", "obsolescent", 21, 3, 40, 1.5, peak_ratio=0.08),
                   row("Stat", "Data", "declining", -15, -50, 45, 1.6)])
    reason = triage_catalogue(*_courses(("C", "Stats", "R|Stat")), ev)["reason"].item()
    assert reason.startswith("Keep for now: R, Stat are declining or obsolescent after a fall from "
                             "their peak, but the judged interval beside them does not expect a "
                             "further fall — ")


def test_the_edges_of_not_expecting_a_fall() -> None:
    """An obsolescent skill's interval starting exactly at zero is still a fall (class D); a
    declining skill's interval ending exactly at zero reaches no change (class U)."""
    ev = evidence([row("Lo0", "Data", "obsolescent", 5, 0, 40, 1.5, peak_ratio=0.08),
                   row("Hi0", "Data", "declining", -15, -50, 0, 1.6)])
    assert (ev["Lo0"].cls, ev["Hi0"].cls) == ("D", "U")
