"""The single-model contract classes (statsmodels wrappers) and the vectorised equivalents."""
from __future__ import annotations

import numpy as np
import pytest
from skillpulse.models import candidates, fast


@pytest.fixture
def y() -> np.ndarray:
    rng = np.random.default_rng(11)
    return np.log(100 + np.cumsum(rng.normal(0.5, 2, 96)))


@pytest.mark.parametrize("name", list(candidates.MODELS))
def test_contract(name: str, y: np.ndarray) -> None:
    model = candidates.MODELS[name]()
    assert model.fit(y) is model
    out = model.predict(12, levels=(80, 95))
    assert set(out) == {"mean", "lo-80", "hi-80", "lo-95", "hi-95"}
    assert all(v.shape == (12,) and np.all(np.isfinite(v)) for v in out.values())
    assert np.all(out["lo-95"] <= out["lo-80"]) and np.all(out["lo-80"] <= out["mean"])
    assert np.all(out["mean"] <= out["hi-80"]) and np.all(out["hi-80"] <= out["hi-95"])


def test_fast_damped_ets_matches_statsmodels_equations(y: np.ndarray) -> None:
    """Same model: the grid fit lands near statsmodels' optimum and forecasts agree closely."""
    ref = candidates.DampedETS().fit(y)
    assert ref.fallback is None
    sm = ref.predict(12)["mean"]
    ours = fast.candidate_paths(y, np.array([y.size - 1]), 12)["ets"].mean[0]
    assert np.max(np.abs(sm - ours)) < 0.02


def test_fast_theta_matches_statsmodels(y: np.ndarray) -> None:
    sm = candidates.Theta().fit(y).predict(12)["mean"]
    ours = fast.candidate_paths(y, np.array([y.size - 1]), 12)["theta"].mean[0]
    assert np.max(np.abs(sm - ours)) < 0.01


def test_ets_failure_falls_back_and_says_why(monkeypatch: pytest.MonkeyPatch, y: np.ndarray) -> None:
    from statsmodels.tsa.exponential_smoothing import ets

    def boom(self, *a, **k):  # type: ignore[no-untyped-def]
        raise np.linalg.LinAlgError("singular")

    monkeypatch.setattr(ets.ETSModel, "fit", boom)
    model = candidates.DampedETS().fit(y)
    out = model.predict(6)
    assert model.fallback is not None and "LinAlgError" in model.fallback
    assert np.all(np.isfinite(out["mean"]))


def test_short_input_falls_back() -> None:
    model = candidates.DampedETS().fit(np.array([1.0, 2.0, 3.0]))
    assert model.fallback is not None
    assert np.all(np.isfinite(model.predict(3)["mean"]))
    assert candidates.SeasonalNaive().fit(np.arange(10.0)).fallback is not None
