"""Pure figure builders and frame transforms, tested without a server."""
from __future__ import annotations

import datetime as dt
from html import unescape

import plotly.graph_objects as go
import polars as pl
import pytest
from skillpulse.dashboard import figures
from skillpulse.dashboard.transforms import (
    FC_COLS,
    Y_TITLES,
    log_axis,
    scale_series,
    series_labels,
    sparkline,
)


def months(n: int, start: dt.date = dt.date(2020, 1, 1)) -> list[dt.date]:
    return [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
            for i in range(n)]


def history(series_id: int = 1, n: int = 24, measure: str = "count") -> pl.DataFrame:
    return pl.DataFrame({
        "series_id": [series_id] * n, "measure": [measure] * n, "period": months(n),
        "value": [float(10 + i) for i in range(n)], "total": [1000.0] * n,
    })


def forecast(series_id: int = 1, n: int = 6) -> pl.DataFrame:
    per = months(n, dt.date(2022, 1, 1))
    return pl.DataFrame({"series_id": [series_id] * n, "period": per, "mean": [40.0] * n,
                         "lower_80": [35.0] * n, "upper_80": [45.0] * n,
                         "lower_95": [30.0] * n, "upper_95": [50.0] * n})


def test_share_of_counts_uses_totals_and_last_total_for_forecast() -> None:
    out = scale_series(history(), forecast(), {1: "Python"}, scale="share", view="absolute", market=None)
    assert out.y_title == Y_TITLES["share"]
    assert out.history["value"][0] == pytest.approx(1.0)  # 10 of 1000 postings = 1%
    assert out.forecast["mean"][0] == pytest.approx(4.0)
    assert out.history["label"].unique().to_list() == ["Python"]
    assert any("market size of the last month" in n for n in out.notes)


def test_index_is_100_at_the_last_twelve_months() -> None:
    out = scale_series(history(), forecast(), {1: "X"}, scale="index", view="absolute", market=None)
    assert out.history["value"].tail(12).mean() == pytest.approx(100.0)
    base = sum(range(22, 34)) / 12
    assert out.forecast["upper_95"][0] == pytest.approx(50.0 / base * 100)


def test_count_of_a_share_series_without_totals_falls_back_with_a_note() -> None:
    h = history(measure="share").with_columns(pl.lit(None, dtype=pl.Float64).alias("total"))
    out = scale_series(h, forecast(), {1: "X"}, scale="count", view="absolute", market=None)
    assert out.history["value"].to_list() == h["value"].to_list()
    assert any("cannot be shown as a count" in n for n in out.notes)


def test_market_relative_is_flat_when_the_skill_moves_with_the_market() -> None:
    h = history()
    market = pl.concat([
        h.select("period", pl.col("value") * 7, pl.lit("history").alias("kind")),
        forecast().select("period", (pl.col("mean") * 7).alias("value"), pl.lit("forecast").alias("kind")),
    ])
    out = scale_series(h, forecast(), {1: "X"}, scale="share", view="relative", market=market)
    assert out.y_title == Y_TITLES["relative"]
    assert out.history["value"].to_list() == pytest.approx([100.0] * 24)
    assert out.forecast["mean"].to_list() == pytest.approx([100.0] * 6)


def test_market_relative_of_a_share_is_the_index_of_the_share() -> None:
    """A share of postings is already relative to the market: relative to the market it is the
    index of the share, not the share divided by the market's postings once more (a month with
    a thin market read as a share of 2 million)."""
    h = history(measure="share").with_columns((pl.col("value") / 10).alias("value"))
    market = pl.DataFrame({"period": months(24), "value": [3.0 if i == 5 else 1000.0 for i in range(24)],
                           "kind": ["history"] * 24})
    out = scale_series(h, forecast(), {1: "X"}, scale="share", view="relative", market=market)
    index = scale_series(h, forecast(), {1: "X"}, scale="index", view="absolute", market=None)
    assert out.y_title == Y_TITLES["relative"]
    assert out.history["value"].to_list() == index.history["value"].to_list()
    assert out.forecast["mean"].to_list() == index.forecast["mean"].to_list()
    assert max(out.history["value"].to_list()) < 200
    # a count in the same market is divided by it: the thin month stands out
    counts = scale_series(history(), forecast(), {1: "X"}, scale="count", view="relative",
                          market=market)
    assert max(counts.history["value"].to_list()) > 1000


def test_relative_without_a_market_says_so() -> None:
    out = scale_series(history(), forecast(), {1: "X"}, scale="share", view="relative", market=None)
    assert any("No whole-market series" in n for n in out.notes)
    assert out.y_title == Y_TITLES["share"]


def test_labels_add_segments_only_when_a_skill_has_several_series() -> None:
    series = pl.DataFrame({"skill": ["Go", "Go", "SQL"], "series_id": [1, 2, 3],
                           "source": ["hn", "indeed", "hn"], "region": ["", "US", ""],
                           "occupation": ["", "", ""], "measure": ["count", "share", "count"]})
    labels = series_labels(series)
    assert labels[3] == "SQL"
    assert labels[1] == "Go (hn, count)" and labels[2] == "Go (indeed · US, share)"


def test_sparkline() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, 5]) == "▁▁"
    assert sparkline([]) == ""
    assert sparkline(list(range(36))) == sparkline([2 * i + 0.5 for i in range(18)])
    assert len(sparkline(list(range(36)))) == 18


def test_fan_chart_has_history_fans_mean_and_changepoint() -> None:
    out = scale_series(history(), forecast(), {1: "Python"}, scale="count", view="absolute", market=None)
    fig = figures.fan_chart(out.history, out.forecast, y_title=out.y_title,
                            changepoints={"Python": dt.date(2020, 6, 1)}, as_of=dt.date(2021, 12, 1))
    assert isinstance(fig, figures.Figure)
    names = [t.name for t in fig.data]
    assert "Python" in names and "Python forecast" in names and "Python changepoint" in names
    assert "Python 95% interval" in names and "Python 80% interval" in names
    band = next(t for t in fig.data if t.name == "Python 95% interval")
    assert max(band.y) == 50.0 and min(band.y) == 30.0
    mean = next(t for t in fig.data if t.name == "Python forecast")
    assert mean.y[0] == 33.0  # joined to the last observation
    assert fig.layout.yaxis.title.text == Y_TITLES["count"]


def test_fan_chart_history_only_and_empty() -> None:
    empty_fc = forecast().head(0)
    out = scale_series(history(), empty_fc, {1: "X"}, scale="count", view="absolute", market=None)
    fig = figures.fan_chart(out.history, out.forecast, y_title="y")
    assert [t.name for t in fig.data] == ["X"]
    blank = figures.fan_chart(out.history.head(0), out.forecast, y_title="y")
    assert blank.layout.annotations[0].text == "No data for this selection"


def test_market_context_heatmap_scorecard() -> None:
    groups = pl.DataFrame({"period": months(3) * 2, "grp": ["Rising & emerging"] * 3 + ["Stable & other"] * 3,
                           "idx": [90.0, 100, 110, 100, 100, 100]})
    postings = pl.DataFrame({"period": months(3), "postings": [1e4, 2e4, 3e4]})
    fig = figures.market_context(groups, postings)
    # names reach plotly escaped (it renders them as HTML) and are shown as written
    assert [unescape(t.name) for t in fig.data] == ["All job postings (right axis)", "Rising & emerging",
                                                    "Stable & other"]
    assert fig.data[0].yaxis == "y2"
    growth = pl.DataFrame({"category": ["A", "A", "B", "B"], "year": [2020, 2021, 2020, 2021],
                           "growth_pct": [None, 12.0, None, -8.0]})
    heat = figures.category_heatmap(growth)
    assert list(heat.data[0].x) == ["2021"] and sorted(heat.data[0].y) == ["A", "B"]
    assert heat.data[0].zmid == 0
    scale = heat.data[0].colorscale
    assert scale[0][1] == "rgb(127,59,8)" and scale[-1][1] == "rgb(45,0,75)"  # orange low, purple high
    card = pl.DataFrame({"model": ["naive", "headline"], "median_mase": [1.2, 0.8],
                         "coverage_80": [70.0, 79.0]})
    sc = figures.scorecard(card)
    assert list(sc.data[0].y) == ["headline", "naive"]
    assert figures.scorecard(card.head(0)).layout.annotations[0].text == "No backtest in this run"


def test_forecast_columns_constant() -> None:
    assert set(FC_COLS) <= set(forecast().columns)


def test_share_forecast_uses_the_market_forecast_when_there_is_one() -> None:
    fc = forecast()
    market = fc.select("period", pl.Series("value", [2000.0, 4000.0, 2000.0, 4000.0, 2000.0, 4000.0]),
                       pl.lit("forecast").alias("kind"))
    out = scale_series(history(), fc, {1: "X"}, scale="share", view="absolute", market=market)
    assert out.forecast["mean"].to_list() == pytest.approx([2.0, 1.0] * 3)
    assert not any("last month" in n for n in out.notes)


def test_figures_serialise_to_plotlys_own_dict() -> None:
    """``figures.Figure.to_plotly_json`` skips plotly's trace objects and deep copy, not a
    property: the same dict as plotly's ``to_dict`` of the figure for every builder, and changes
    made through the plotly API show in it."""
    two = pl.concat([history(1), history(2).with_columns(pl.lit(15.0).alias("value"))])
    out = scale_series(two, pl.concat([forecast(1), forecast(2)]), {1: "A<b>", 2: "B & C"},
                       scale="count", view="absolute", market=None)
    actuals = out.history.tail(3)
    built = [
        figures.fan_chart(out.history, out.forecast, y_title="y", changepoints={"A<b>": dt.date(2020, 6, 1)},
                          as_of=dt.date(2021, 12, 1), actuals=actuals, earlier=out.forecast,
                          earlier_name="run 1", title="A<b> and B & C"),
        figures.market_context(pl.DataFrame({"period": months(2), "grp": ["Rising & emerging"] * 2,
                                             "idx": [90.0, 110.0]}),
                               pl.DataFrame({"period": months(2), "postings": [1e4, 2e4]})),
        figures.category_heatmap(pl.DataFrame({"category": ["A", "A"], "year": [2020, 2021],
                                               "growth_pct": [None, 12.0]})),
        figures.scorecard(pl.DataFrame({"model": ["naive"], "median_mase": [1.2], "coverage_80": [70.0]})),
        figures.empty_figure("nothing <here>"),
    ]
    for fig in built:
        assert isinstance(fig, figures.Figure)
        sent = fig.to_plotly_json()
        assert sent == go.Figure.to_dict(fig.plotly()) == fig.to_plotly_json()
    built[0].update_layout(height=123)
    assert built[0].to_plotly_json()["layout"]["height"] == 123
    labels = {t["name"] for t in built[0].to_plotly_json()["data"]}
    assert "A&lt;b&gt;" in labels and "B &amp; C" in labels  # still escaped


def test_a_view_spanning_more_than_a_hundredfold_is_drawn_on_a_log_axis() -> None:
    """An index or market-relative view of a decayed skill reads in the thousands early on and
    flattens every other line: past ``LOG_SPAN`` (100×) between its positive values it is drawn on
    a log axis, with a note; counts and shares, and narrower spans, stay linear."""
    decayed = history().with_columns(pl.Series("value", [18000.0] + [100.0] * 22 + [0.0]))
    h = decayed.select("series_id", "period", "value").with_columns(pl.lit("X").alias("label"))
    note = log_axis(h, scale="index", view="absolute")
    assert note is not None and "more than 100×" in note and "months at zero are not drawn" in note
    assert log_axis(h, scale="share", view="relative") == note  # market-relative
    assert log_axis(h, scale="share", view="absolute") is None
    assert log_axis(h, scale="count", view="absolute") is None
    edge = h.with_columns(pl.Series("value", [10000.0] + [100.0] * 23))  # exactly 100×: linear
    assert log_axis(edge, scale="index", view="absolute") is None
    assert log_axis(h.head(1), scale="index", view="absolute") is None  # one value: no span
    assert log_axis(h.head(0), scale="index", view="absolute") is None
    fig = figures.fan_chart(h, forecast().with_columns(pl.lit("X").alias("label")), y_title="i",
                            log_y=True).to_plotly_json()
    assert fig["layout"]["yaxis"]["type"] == "log" and "rangemode" not in fig["layout"]["yaxis"]
    linear = figures.fan_chart(h, forecast().with_columns(pl.lit("X").alias("label")),
                               y_title="i").to_plotly_json()
    assert "type" not in linear["layout"]["yaxis"] and linear["layout"]["yaxis"]["rangemode"] == "tozero"


def test_a_category_year_of_fewer_than_three_series_is_not_coloured() -> None:
    """One term's yearly swing is not a category trend: a cell of fewer than
    ``THIN_CATEGORY_SERIES`` (3) series is drawn plain grey in a second heatmap, its number marked
    ·, says why on hover and does not stretch the colour scale; 3 series and more are coloured."""
    growth = pl.DataFrame({"category": ["Thin", "Thin", "Solid", "Solid"], "year": [2020, 2021] * 2,
                           "series": [2, 1, 3, 12], "growth_pct": [406.0, -72.0, 20.0, -5.0]})
    solid, thin = figures.category_heatmap(growth).to_plotly_json()["data"]
    assert solid["y"] == thin["y"] == ["Thin", "Solid"] and solid["x"] == ["2020", "2021"]
    assert solid["z"] == [[None, None], [20.0, -5.0]] and thin["z"] == [[406.0, -72.0], [None, None]]
    assert solid["text"] == [["", ""], ["+20%", "-5%"]] and thin["text"] == [["+406% ·", "-72% ·"], ["", ""]]
    assert len({c for _, c in thin["colorscale"]}) == 1 and thin["showscale"] is False
    assert solid["customdata"][0][0] == ("2 series — too few for a category trend (under 3), "
                                         "not coloured")
    assert solid["customdata"][1] == ["3 series", "12 series"]
    assert solid["zmax"] == pytest.approx(max(10.0, pl.Series([20.0, 5.0]).quantile(0.95)))
    only = figures.category_heatmap(growth.drop("series")).to_plotly_json()["data"]
    assert len(only) == 1 and only[0]["z"] == [[406.0, -72.0], [20.0, -5.0]]  # no counts: all coloured
    every_thin = figures.category_heatmap(growth.with_columns(pl.lit(1).alias("series")))
    assert [t["z"] for t in every_thin.to_plotly_json()["data"]][1] == [[406.0, -72.0], [20.0, -5.0]]
