"""skillpulse models: forecasting, backtests, outlook classification, batch runs (never imports Dash).

Modules (each docstring states its rules):
    transform   modelling scale (log / logit), gaps, zeros, unreliable months, outliers
    fast        vectorised candidates at every backtest origin (damped ETS, Theta, SES, trend, naive)
    candidates  the same models as single statsmodels-backed classes (fit/predict contract)
    backtest    rolling-origin MASE and coverage, headline choice, interval calibration
    trend       modified Mann-Kendall, Benjamini-Hochberg, half-life, acceleration
    series      the pure per-series analysis (forecast + evidence)
    outlook     the status rules
    bucket      the unit of work: a bucket of whole series (Arrow) → forecast, backtest, evidence
    engines     who runs the buckets: this process, the local pool, Dask
    runwide     run-wide steps on the gathered evidence: BH q-values, low-base level, statuses
    batch       runs: stream buckets from the store, run-wide step, one atomic write

The published ``mean`` is the back-transformed point forecast of the log/logit scale, i.e. a
median rather than an arithmetic mean of demand; bounds are back-transformed quantiles.
"""
