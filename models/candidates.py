"""Single forecasting models with the statsforecast-like contract (numpy in, numpy out).

Each model keeps its hyperparameters in ``__init__``, ``fit(y) -> self``, and
``predict(h, levels=(80, 95)) -> {"mean", "lo-80", "hi-80", "lo-95", "hi-95"}``. They work on
whatever scale they are given (the pipeline passes log/logit values, ``models.transform``).

``DampedETS`` and ``Theta`` wrap statsmodels (``ETSModel`` with prediction intervals from
``get_prediction``, which needs a pandas index; ``ThetaModel``). A fit that raises, does not
converge to finite values or forecasts non-finite / absurd values (beyond ``ABSURD_SPANS``
ranges of the history) falls back to the next simpler model — damped ETS → Theta → naive —
and ``fallback`` records why. The batch pipeline uses the vectorised equivalents in
``models.fast`` (same equations, grid-fitted) for speed; these classes are the reference
implementations and the single-series API.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from skillpulse.models.fast import SEASON

ABSURD_SPANS = 3.0


def _z(level: int) -> float:
    return float(stats.norm.ppf(0.5 + level / 200))


def _pack(mean: np.ndarray, sd: np.ndarray, levels: tuple[int, ...]) -> dict[str, np.ndarray]:
    out = {"mean": np.asarray(mean, dtype=float)}
    for lv in levels:
        out[f"lo-{lv}"] = out["mean"] - _z(lv) * sd
        out[f"hi-{lv}"] = out["mean"] + _z(lv) * sd
    return out


def _index(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2000-01-01", periods=n, freq="MS")


class Naive:
    """Random walk: the last value; intervals ``σ √h`` from the one-step differences."""

    name = "naive"

    def __init__(self) -> None:
        self.fallback: str | None = None

    def fit(self, y: np.ndarray) -> Naive:
        y = np.asarray(y, dtype=float)
        self._last = float(y[-1])
        d = np.diff(y)
        self._sigma = float(np.sqrt(np.mean(d * d))) if d.size else 0.0
        return self

    def predict(self, h: int, levels: tuple[int, ...] = (80, 95)) -> dict[str, np.ndarray]:
        steps = np.arange(1, h + 1)
        return _pack(np.full(h, self._last), self._sigma * np.sqrt(steps), levels)


class SeasonalNaive:
    """The value one season ago; ``σ_s √⌈h/s⌉``. Falls back to naive with < 2 seasons."""

    name = "seasonal_naive"

    def __init__(self, season_length: int = SEASON) -> None:
        self.season_length = season_length
        self.fallback: str | None = None

    def fit(self, y: np.ndarray) -> SeasonalNaive:
        y = np.asarray(y, dtype=float)
        s = self.season_length
        if y.size < 2 * s:
            self.fallback = f"fewer than {2 * s} observations: naive"
            self._naive: Naive | None = Naive().fit(y)
            return self
        self._naive = None
        self._last = y[-s:]
        d = y[s:] - y[:-s]
        self._sigma = float(np.sqrt(np.mean(d * d)))
        return self

    def predict(self, h: int, levels: tuple[int, ...] = (80, 95)) -> dict[str, np.ndarray]:
        if self._naive is not None:
            return self._naive.predict(h, levels)
        s = self.season_length
        steps = np.arange(1, h + 1)
        mean = self._last[(steps - 1) % s]
        return _pack(mean, self._sigma * np.sqrt(np.ceil(steps / s)), levels)


class Theta:
    """statsmodels ``ThetaModel`` (θ = 2, no deseasonalising by default); naive on failure."""

    name = "theta"

    def __init__(self, theta: float = 2.0, deseasonalize: bool = False) -> None:
        self.theta = theta
        self.deseasonalize = deseasonalize
        self.fallback: str | None = None

    def fit(self, y: np.ndarray) -> Theta:
        from statsmodels.tsa.forecasting.theta import ThetaModel
        y = np.asarray(y, dtype=float)
        self._y = y
        self._naive: Naive | None = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = ThetaModel(pd.Series(y, index=_index(y.size)), period=SEASON,
                                   deseasonalize=self.deseasonalize)
                self._res = model.fit()
        except Exception as exc:  # statsmodels raises many kinds; any of them → naive
            self.fallback = f"theta failed ({type(exc).__name__}): naive"
            self._naive = Naive().fit(y)
        return self

    def predict(self, h: int, levels: tuple[int, ...] = (80, 95)) -> dict[str, np.ndarray]:
        if self._naive is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    mean = np.asarray(self._res.forecast(h), dtype=float)
                    out = {"mean": mean}
                    for lv in levels:
                        pi = np.asarray(self._res.prediction_intervals(h, alpha=1 - lv / 100))
                        out[f"lo-{lv}"], out[f"hi-{lv}"] = pi[:, 0], pi[:, 1]
                if _sane(out, self._y):
                    return out
                self.fallback = "theta forecast not finite or absurd: naive"
            except Exception as exc:
                self.fallback = f"theta forecast failed ({type(exc).__name__}): naive"
            self._naive = Naive().fit(self._y)
        return self._naive.predict(h, levels)


class DampedETS:
    """statsmodels ``ETSModel`` with additive error and damped additive trend (no season);
    intervals from ``get_prediction``. Falls back to Theta (then naive) and records why."""

    name = "ets"

    def __init__(self, damped: bool = True, maxiter: int = 200) -> None:
        self.damped = damped
        self.maxiter = maxiter
        self.fallback: str | None = None

    def fit(self, y: np.ndarray) -> DampedETS:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel
        y = np.asarray(y, dtype=float)
        self._y = y
        self._alt: Theta | None = None
        try:
            if y.size < 10:
                raise ValueError("fewer than 10 observations")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = ETSModel(pd.Series(y, index=_index(y.size)), error="add", trend="add",
                                 damped_trend=self.damped)
                self._res = model.fit(disp=False, maxiter=self.maxiter)
            if not np.all(np.isfinite(np.asarray(self._res.params, dtype=float))):
                raise FloatingPointError("non-finite parameters")
        except Exception as exc:
            self.fallback = f"ets failed ({type(exc).__name__}: {exc}): theta"
            self._alt = Theta().fit(y)
        return self

    @property
    def params(self) -> dict[str, float]:
        """Fitted smoothing parameters (alpha, beta, phi) when the ETS fit succeeded."""
        if self._alt is not None:
            return {}
        p = dict(zip(self._res.model.param_names, np.asarray(self._res.params, dtype=float),
                     strict=False))
        return {"alpha": p.get("smoothing_level", math.nan),
                "beta": p.get("smoothing_trend", math.nan), "phi": p.get("damping_trend", 1.0)}

    def predict(self, h: int, levels: tuple[int, ...] = (80, 95)) -> dict[str, np.ndarray]:
        if self._alt is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pred = self._res.get_prediction(start=self._y.size, end=self._y.size + h - 1)
                    out = {"mean": np.asarray(pred.predicted_mean, dtype=float)}
                    for lv in levels:
                        frame = pred.summary_frame(alpha=1 - lv / 100)
                        out[f"lo-{lv}"] = np.asarray(frame["pi_lower"], dtype=float)
                        out[f"hi-{lv}"] = np.asarray(frame["pi_upper"], dtype=float)
                if _sane(out, self._y):
                    return out
                self.fallback = "ets forecast not finite or absurd: theta"
            except Exception as exc:
                self.fallback = f"ets forecast failed ({type(exc).__name__}): theta"
            self._alt = Theta().fit(self._y)
        out = self._alt.predict(h, levels)
        if self._alt.fallback:
            self.fallback = f"{self.fallback}; {self._alt.fallback}"
        return out


def _sane(out: dict[str, np.ndarray], y: np.ndarray) -> bool:
    """Finite, and the point forecast within ``ABSURD_SPANS`` ranges of the history."""
    if not all(np.all(np.isfinite(v)) for v in out.values()):
        return False
    span = max(float(np.ptp(y)), 1e-6)
    lo, hi = float(y.min()) - ABSURD_SPANS * span, float(y.max()) + ABSURD_SPANS * span
    m = out["mean"]
    return bool(np.all((m >= lo) & (m <= hi)))


MODELS = {"naive": Naive, "seasonal_naive": SeasonalNaive, "theta": Theta, "ets": DampedETS}
