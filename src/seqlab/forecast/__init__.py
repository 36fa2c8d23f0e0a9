"""Forecasting real series: settings chosen from the data, a hybrid LSTM ensemble with
prediction intervals, classical baselines, rolling-origin backtests and bundles.

    from seqlab.forecast import Forecaster, read_csv, save, load, backtest

    data = read_csv("sales.csv")                 # dates detected, frequency inferred
    forecaster = Forecaster(horizon=12).fit(data)
    table = forecaster.predict()                 # date, series, forecast, lower, upper
    save(forecaster, "sales-forecaster")         # JSON + safetensors, no code
"""

from seqlab.forecast.backtesting import BacktestResult, backtest
from seqlab.forecast.data import SeriesData, prepare, read_csv, season_length_of
from seqlab.forecast.figure import backtest_figure
from seqlab.forecast.forecaster import FitReport, Forecaster
from seqlab.forecast.persist import load, save

__all__ = ["Forecaster", "FitReport", "SeriesData", "prepare", "read_csv", "season_length_of",
           "backtest", "BacktestResult", "backtest_figure", "save", "load"]
