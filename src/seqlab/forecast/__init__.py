"""Forecasting real series: every series of a file forecast by the method that validates
best on it (the global LSTM hybrid, statsforecast's ETS/ARIMA/Theta/CES, naives, or a
combination), with prediction intervals, rolling-origin backtests and bundles.

    from seqlab.forecast import Forecaster, read_csv, save, load, backtest

    data = read_csv("sales.csv")                 # wide or long; dates detected
    forecaster = Forecaster(horizon=12).fit(data)
    table = forecaster.predict()     # date, series, forecast, lower, upper, method
    save(forecaster, "sales-forecaster")         # JSON + safetensors, no code
"""

from seqlab.forecast.backtesting import BacktestResult, backtest
from seqlab.forecast.data import SeriesData, prepare, read_csv, read_future_covariates
from seqlab.forecast.figure import backtest_figure
from seqlab.forecast.forecaster import METHODS, FitReport, Forecaster
from seqlab.forecast.persist import load, save

__all__ = ["Forecaster", "FitReport", "METHODS", "SeriesData", "prepare", "read_csv",
           "read_future_covariates", "backtest", "BacktestResult", "backtest_figure", "save",
           "load"]
