"""skillpulse models: forecasting, backtests, outlook classification, batch runs (never imports Dash)."""
