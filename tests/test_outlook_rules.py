"""Every rule and threshold of the outlook status logic, pinned on both sides.

Each test puts one piece of evidence just inside and just outside one threshold, everything else
well clear of every other rule: removing the threshold (0) or doubling it flips one of the two
verdicts, so the test fails.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from skillpulse.models import outlook, runwide
from skillpulse.models.series import Evidence


def _rising(**kw: object) -> Evidence:
    """A clear, large, well-counted rise (rising under every rule); ``kw`` overrides fields."""
    base = Evidence(n_months=60, constant=False, growth=0.3, growth_lo80=0.1, growth_hi80=0.5,
                    trend_growth=0.3, judged_lo80=0.1, judged_hi80=0.5, width_ratio=2.0,
                    p_value=1e-6, slope=0.01, peak_ratio=1.0, months_since_peak=0,
                    quad_t=0.0, base_ratio=1.3, level_now=0.05, start_level=0.04, kind="logit",
                    basis="share", mentions_12m=600.0, mentions_rate=50.0)
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def _falling(**kw: object) -> Evidence:
    """A clear, material, long-half-life decline (declining under every rule)."""
    base = dict(growth=-0.3, growth_lo80=-0.5, growth_hi80=-0.1, trend_growth=-0.3,
                judged_lo80=-0.5, judged_hi80=-0.1, slope=-0.01, half_life=(60.0, 40.0, 90.0),
                base_ratio=0.7)
    base.update(kw)
    return _rising(**base)


def _collapsed(**kw: object) -> Evidence:
    """Flat at the bottom after a collapse (obsolescent when marginal)."""
    base = dict(growth=-0.02, growth_lo80=-0.1, growth_hi80=0.06, trend_growth=-0.02,
                judged_lo80=-0.1, judged_hi80=0.06, p_value=0.5, slope=-0.001,
                peak_ratio=0.1, months_since_peak=40, collapse_p=1e-4, collapse_slope=-0.02,
                base_ratio=0.98)
    base.update(kw)
    return _rising(**base)


def status(ev: Evidence, q: float | None = None, **kw: object) -> str:
    return outlook.classify(ev, ev.p_value if q is None else q, **kw)[0]  # type: ignore[arg-type]


def test_fdr() -> None:
    assert status(_rising(), q=0.04) == "rising"
    assert status(_rising(), q=0.06) != "rising"


def test_material() -> None:
    assert status(_rising(growth=0.12, trend_growth=0.12)) == "rising"
    assert status(_rising(growth=0.08, trend_growth=0.08)) != "rising"
    assert status(_falling(growth=-0.12, trend_growth=-0.12)) == "declining"
    assert status(_falling(growth=-0.08, trend_growth=-0.08)) != "declining"


def test_agree() -> None:
    assert status(_rising(growth=0.12, trend_growth=0.06)) == "rising"
    assert status(_rising(growth=0.12, trend_growth=0.03)) != "rising"


def test_judged_interval_must_exclude_no_change() -> None:
    assert status(_rising(judged_lo80=0.01)) == "rising"
    assert status(_rising(judged_lo80=-0.01)) == "uncertain"
    assert status(_falling(judged_hi80=0.01)) == "uncertain"


def test_short_half_life_is_obsolescent_only_when_marginal() -> None:
    assert status(_falling(half_life=(15.0, 10.0, 20.0))) == "obsolescent"
    assert status(_falling(half_life=(24.0, 20.0, 30.0))) == "declining"
    big = status(_falling(half_life=(15.0, 10.0, 20.0)), marginal_level=0.01)
    assert big == "declining"


def test_wide_ratio() -> None:
    quiet = dict(growth=0.02, trend_growth=0.02, judged_lo80=-0.05, p_value=0.5)
    assert status(_rising(width_ratio=3.5, **quiet)) == "stable"  # type: ignore[arg-type]
    assert status(_rising(width_ratio=4.5, **quiet)) == "uncertain"  # type: ignore[arg-type]


def test_collapse_ratio_months_and_p() -> None:
    assert status(_collapsed()) == "obsolescent"
    assert status(_collapsed(peak_ratio=0.2)) == "obsolescent"
    assert status(_collapsed(peak_ratio=0.3)) != "obsolescent"
    assert status(_collapsed(months_since_peak=14)) == "obsolescent"
    assert status(_collapsed(months_since_peak=10)) != "obsolescent"
    assert status(_collapsed(collapse_p=0.005)) == "obsolescent"
    assert status(_collapsed(collapse_p=0.015)) != "obsolescent"


def test_collapsed_but_large_is_declining_with_its_fall_and_half_life() -> None:
    st, reason = outlook.classify(_collapsed(half_life=(30.0, 20.0, 50.0)), 0.5,
                                  marginal_level=0.01)
    assert st == "declining"
    assert "10% of its peak" in reason and "half-life 30 months" in reason


def test_emerging_base_ratio_and_acceleration() -> None:
    em = dict(base_ratio=5.0, quad_t=2.5, start_level=0.01)
    assert status(_rising(**em)) == "emerging"  # type: ignore[arg-type]
    assert status(_rising(**{**em, "base_ratio": 3.0})) == "rising"  # type: ignore[arg-type]
    assert status(_rising(**{**em, "quad_t": 1.5})) == "rising"  # type: ignore[arg-type]


def test_min_mentions_gates_up_calls_not_declines() -> None:
    assert status(_rising(mentions_rate=2.5)) == "rising"
    st, reason = outlook.classify(_rising(mentions_rate=1.5), 1e-6)
    assert st == "uncertain" and "too few mentions" in reason and "1.5 a month" in reason
    em = dict(base_ratio=5.0, quad_t=2.5, start_level=0.01)
    assert status(_rising(mentions_rate=2.5, **em)) == "emerging"  # type: ignore[arg-type]
    assert status(_rising(mentions_rate=1.5, **em)) == "uncertain"  # type: ignore[arg-type]
    assert status(_falling(mentions_rate=1.0)) == "declining"
    assert status(_rising(mentions_rate=math.nan)) == "rising"  # no counts: no gate


def statuses(evidence: list[Evidence], groups: list[str] | None = None) -> list[str]:
    """The run-wide step (``models.runwide``) over ``evidence``: BH, level quantiles, verdicts."""
    keys = groups or [runwide.group_key(e.kind, None, e.basis) for e in evidence]
    p = np.array([e.p_value if e.n_months >= 24 else np.nan for e in evidence])
    run = runwide.gather(p, keys, np.array([e.level_now for e in evidence]),
                         [False] * len(evidence))
    return [runwide.verdict(e, q, run, min_history=24, group=k)[0]
            for e, q, k in zip(evidence, run.q_values, keys, strict=True)]


def _run(subject: Evidence, fillers: int = 100) -> str:
    """``subject``'s status in a run with ``fillers`` series at levels 1..fillers (per 1000)."""
    others = [_rising(n_months=12, level_now=(i + 1) / 1000) for i in range(fillers)]
    return statuses([subject, *others])[0]


def test_marginal_quantile() -> None:
    assert _run(_collapsed(level_now=0.040)) == "obsolescent"
    assert _run(_collapsed(level_now=0.060)) == "declining"


def test_a_mention_or_so_a_month_is_marginal_whatever_its_rank() -> None:
    assert _run(_collapsed(level_now=0.060, mentions_rate=1.5)) == "obsolescent"
    assert _run(_collapsed(level_now=0.060, mentions_rate=2.5)) == "declining"


def test_deep_collapse_outside_the_top_quarter_is_marginal() -> None:
    # run levels 0.001..0.100: median about 0.05, top quarter from about 0.075
    assert _run(_collapsed(level_now=0.060, peak_ratio=0.08)) == "obsolescent"
    assert _run(_collapsed(level_now=0.060, peak_ratio=0.12)) == "declining"
    assert _run(_collapsed(level_now=0.090, peak_ratio=0.08)) == "declining"  # top quarter


def test_material_change_that_an_interval_separates_is_never_stable() -> None:
    """'stable' beside "-14% (80%: -22% to -4%)" contradicts itself: such a series is uncertain."""
    ev = _rising(growth=-0.14, trend_growth=-0.06, judged_lo80=-0.22, judged_hi80=-0.045,
                 growth_lo80=-0.3, growth_hi80=0.05, p_value=0.14, slope=-0.001, base_ratio=0.9)
    assert status(ev) == "uncertain"
    assert status(dataclasses.replace(ev, judged_hi80=0.01)) == "stable"
    assert status(dataclasses.replace(ev, growth=-0.08, trend_growth=-0.05)) == "stable"


def test_low_base_quantile() -> None:
    em = dict(base_ratio=5.0, quad_t=2.5, level_now=0.08)
    assert _run(_rising(start_level=0.020, **em)) == "emerging"  # type: ignore[arg-type]
    assert _run(_rising(start_level=0.030, **em)) == "rising"  # type: ignore[arg-type]


def test_levels_compare_within_groups_only() -> None:
    subject = _collapsed(level_now=0.06)
    others = [_rising(n_months=12, level_now=(i + 1) / 1000) for i in range(100)]
    groups = ["a"] + ["b"] * 100
    # alone in its group: nothing larger to compare with
    assert statuses([subject, *others], groups)[0] == "obsolescent"


@pytest.mark.parametrize("name", ["FDR", "MATERIAL", "AGREE", "SHORT_HALF_LIFE", "WIDE_RATIO",
                                  "COLLAPSE_RATIO", "COLLAPSE_MONTHS", "COLLAPSE_P",
                                  "EMERGING_BASE_RATIO", "LOW_BASE_QUANTILE",
                                  "MARGINAL_QUANTILE", "MIN_MENTIONS", "ACCEL_T",
                                  "LARGE_QUANTILE", "DEEP_COLLAPSE_RATIO"])
@pytest.mark.parametrize("factor", [0.0, 2.0, 10.0])
def test_each_threshold_is_pinned(monkeypatch: pytest.MonkeyPatch, name: str,
                                  factor: float) -> None:
    """Removing (×0), doubling or multiplying any threshold by 10 breaks one of the tests above."""
    monkeypatch.setattr(outlook, name, getattr(outlook, name) * factor)
    checks = [test_fdr, test_material, test_agree, test_short_half_life_is_obsolescent_only_when_marginal,
              test_wide_ratio, test_collapse_ratio_months_and_p, test_emerging_base_ratio_and_acceleration,
              test_min_mentions_gates_up_calls_not_declines, test_marginal_quantile,
              test_low_base_quantile, test_a_mention_or_so_a_month_is_marginal_whatever_its_rank,
              test_deep_collapse_outside_the_top_quarter_is_marginal,
              test_material_change_that_an_interval_separates_is_never_stable]
    failed = 0
    for check in checks:
        try:
            check()
        except (AssertionError, ValueError):  # a quantile above 1 is also a failure
            failed += 1
    assert failed, f"{name} × {factor} left every rule test green"
