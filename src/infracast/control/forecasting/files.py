"""Series from a user's file (``--input``): CSV or Parquet in the long format, forecast
without the ledger; nothing is stored."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from infracast.control.forecasting.result import CostForecast, rounded
from infracast.errors import InputFileError
from infracast.specfiles import read_csv_rows, read_text


def read_series_file(path: str | Path) -> pd.DataFrame:
    """A CSV or Parquet file of series as a frame of text or typed columns."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        if not path.exists():
            read_text(path, what="--input")  # raises the missing-file error with its hint
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise InputFileError(
                f"--input {path} is not a readable Parquet file: {exc}.",
                hint="Write it again with pandas or pyarrow, or give a CSV.",
                file=path,
            ) from None
    header, rows = read_csv_rows(path, what="--input")
    return pd.DataFrame([values for _, values in rows], columns=header)


def file_history(
    frame: pd.DataFrame, freq: str | None, id_col: str, time_col: str, target_col: str, name: str
) -> pd.DataFrame:
    """The file's series as checked by the forecast (``unique_id, ds, y``), for charts."""
    from infracast import forecast as fc

    series = fc.prepare(
        frame, freq=freq, id_col=id_col, time_col=time_col, target_col=target_col,
        default_id=name, drivers=[],
    )  # fmt: skip
    return series.df[["unique_id", "ds", "y"]]


def forecast_file(
    path: str | Path,
    horizon: int = 30,
    freq: str | None = None,
    model: str = "auto",
    level: Sequence[int] = (80, 95),
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
) -> CostForecast:
    """Forecast every series of a long-format file (a file without ``id_col`` is one series
    named after the file); nothing is stored."""
    from infracast import forecast as fc

    frame = read_series_file(path)
    name = Path(path).stem
    result = fc.forecast(
        frame,
        horizon,
        freq=freq,
        model=model,
        level=level,
        id_col=id_col,
        time_col=time_col,
        target_col=target_col,
        default_id=name,
    )
    scope = {"input": str(path), "id_col": id_col, "time_col": time_col, "target_col": target_col}
    return CostForecast(
        0,
        False,
        scope,
        result.freq,
        horizon,
        result.level,
        result.forecast,
        rounded(result.to_dict()["choices"]),
        list(result.notes),
        kind="series",
        history=file_history(frame, result.freq, id_col, time_col, target_col, name),
    )
