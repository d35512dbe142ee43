"""Forecasts of the ledger's cost, stored with what made them (the library under
``infracast forecast``).

:func:`forecast_costs` reads the cost series of a scope from the ledger
(:func:`infracast.analytics.cost_series`, split by the structure of the cost), forecasts
the **usage** part with :func:`infracast.forecast.forecast` (the model chosen per series
by backtest), adds the **recurring** fees on their schedule
(:func:`infracast.forecast.recurring_forecast`) and never extrapolates **one-time**
charges. The intervals are usage's, shifted by the recurring fees (which are known).

``infracast.forecast`` (statsforecast, mlforecast, LightGBM) is imported when a forecast
runs, not with this module, so commands that do not forecast start as fast as before.

Every forecast is stored in the ledger (schema 4) under a key made of its scope, the
data it was fitted on and its settings; asking again with the same inputs returns the
stored forecast (``reused``) instead of fitting again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from infracast.analytics.filters import Filter
from infracast.analytics.periods import Instant
from infracast.analytics.series import SEP, cost_series
from infracast.errors import ConfigError, InputFileError, QueryError, did_you_mean
from infracast.ledger.connection import Ledger
from infracast.ledger.stores import forecasts as store
from infracast.specfiles import read_csv_rows, read_text

# --freq of a ledger forecast -> the grain of its cost series
LEDGER_FREQS: dict[str, str] = {"D": "day", "W": "week", "W-MON": "week", "MS": "month"}


@dataclass(frozen=True)
class CostForecast:
    """A forecast of cost with its provenance: the stored id, whether it was reused,
    and per series the model and its backtest error."""

    forecast_id: int
    reused: bool
    scope: dict[str, Any]
    freq: str
    horizon: int
    level: tuple[int, ...]
    forecast: pd.DataFrame  # unique_id, ds, yhat, lo.., hi.., model
    choices: list[dict[str, Any]]  # unique_id, model, reason, train window, mase, coverage
    notes: list[str] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        """The CSV rows: ``unique_id, ds, yhat, lo80, hi80, lo95, hi95, model``."""
        rows = []
        for row in self.forecast.to_dict(orient="records"):
            rows.append({k: _plain(v) for k, v in row.items()})
        return rows

    def to_json(self) -> dict[str, Any]:
        return {
            "forecast_id": self.forecast_id,
            "reused": self.reused,
            "scope": self.scope,
            "freq": self.freq,
            "horizon": self.horizon,
            "level": list(self.level),
            "forecast": self.to_rows(),
            "choices": self.choices,
            "notes": self.notes,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6)
    return value


def _rounded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Backtest figures to 6 decimals: the digits beyond are float noise."""
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def ledger_freq(freq: str | None) -> str:
    """The pandas frequency of a ledger forecast: day (default), week or month."""
    from infracast import forecast as fc

    if freq is None:
        return "D"
    name = fc.normalise_freq(freq)
    if name.startswith("W"):  # the ledger's weeks start on Monday (ISO)
        return "W-MON"
    if name not in LEDGER_FREQS:
        raise QueryError(
            f'a ledger forecast cannot use the frequency "{freq}".'
            + did_you_mean(name, list(LEDGER_FREQS)),
            hint="Cost is forecast by day (D), week (W) or month (MS); hourly GPU demand "
            "reads usage samples (a file with --input takes any frequency).",
            field="freq",
        )
    return name


def forecast_costs(
    ledger: Ledger,
    by: Sequence[str] | str = (),
    horizon: int = 30,
    freq: str | None = None,
    model: str = "auto",
    level: Sequence[int] = (80, 95),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    basis: str = "effective",
    store_it: bool = True,
) -> CostForecast:
    """Forecast the cost of ``by`` groups ``horizon`` periods past the data (see module)."""
    from infracast import forecast as fc

    pandas_freq = ledger_freq(freq)
    grain = LEDGER_FREQS[pandas_freq]
    names = [by] if isinstance(by, str) else list(by)
    names = [n.strip() for item in names for n in item.split(",") if n.strip()]
    filter_list = [filters] if isinstance(filters, str) else [str(f) for f in filters]
    series = cost_series(ledger, names, grain, start, end, filter_list, basis=basis, parts=True)
    frame = series.frame
    if frame.empty:
        raise QueryError(
            "there are no charges to forecast in this scope.",
            hint="Ingest bills first (infracast ingest FILE) or loosen --filter/--from/--to.",
        )
    frame = frame.assign(series_id=frame["unique_id"].str.rsplit(SEP, n=1).str[0])
    scope = {
        "by": names,
        "grain": grain,
        "start": None if start is None else str(start),
        "end": None if end is None else str(end),
        "filters": filter_list,
        "basis": basis,
    }
    levels = tuple(sorted({int(v) for v in level}))
    key = _input_key(scope, frame, model, horizon, levels)
    found = store.find(ledger.con, key)
    if found is not None:
        return _stored(ledger, found)
    usage = frame[frame["part"] == "usage"]
    recurring = frame[frame["part"] == "recurring"]
    one_time = frame[frame["part"] == "one_time"]
    notes = list(series.notes)
    if not one_time.empty and one_time["y"].abs().sum() > 0:
        notes.append(
            f"one-time charges (purchases, adjustments: {one_time['y'].sum():,.2f} in the "
            "history) are not extrapolated"
        )
    result = fc.forecast(
        usage[["series_id", "ds", "y"]].rename(columns={"series_id": "unique_id"}),
        horizon,
        freq=pandas_freq,
        model=model,
        level=levels,
    )
    out = _add_recurring(result.forecast, recurring, pandas_freq, levels)
    if (usage["y"] >= 0).all():  # no credits in the history: a cost does not go below zero
        bounds = [c for c in out.columns if c[:2] in ("lo", "hi") or c == "yhat"]
        if (out[bounds] < 0).any().any():
            out[bounds] = out[bounds].clip(lower=0.0)
            notes.append(
                "forecasts and bounds below zero are shown as zero (no credits in the history)"
            )
    if not recurring.empty and recurring["y"].abs().sum() > 0:
        notes.append("recurring fees continue on their schedule (added to the usage forecast)")
    notes.extend(result.notes)
    choices = _rounded(result.to_dict()["choices"])
    created = datetime.now(UTC).replace(tzinfo=None)
    row = {
        "input_key": key,
        "kind": "cost",
        "scope": scope,
        "model": model,
        "params": {"levels": list(levels), "season_length": result.season_length},
        "freq": pandas_freq,
        "horizon": horizon,
        "levels": [float(v) for v in levels],
        "train_start": frame["ds"].min().to_pydatetime(),
        "train_end": frame["ds"].max().to_pydatetime(),
        "series": int(out["unique_id"].nunique()),
        "backtest": choices,
        "notes": notes,
        "created_at": created,
    }
    points = [
        (
            r["unique_id"],
            r["ds"].to_pydatetime(),
            r["model"],
            float(r["yhat"]),
            [float(r[f"lo{v}"]) for v in levels],
            [float(r[f"hi{v}"]) for v in levels],
        )
        for r in out.to_dict(orient="records")
    ]
    forecast_id = 0
    if store_it:
        with ledger.transaction() as con:
            forecast_id = store.insert(con, row, points)
    return CostForecast(
        forecast_id, False, scope, pandas_freq, horizon, levels, out, choices, notes
    )


def _add_recurring(
    usage_fc: pd.DataFrame, recurring: pd.DataFrame, freq: str, levels: tuple[int, ...]
) -> pd.DataFrame:
    """The usage forecast plus each series' recurring fees on the same dates."""
    from infracast import forecast as fc

    out = usage_fc.copy()
    if recurring.empty:
        return out
    for sid, history in recurring.groupby("series_id", sort=True):
        rows = out["unique_id"] == sid
        if not rows.any():
            continue
        fees = fc.recurring_forecast(
            history[["ds", "y"]], pd.DatetimeIndex(out.loc[rows, "ds"]), freq
        )
        if not fees.any():
            continue
        add = fees.to_numpy()
        for column in ["yhat", *(f"{side}{v}" for v in levels for side in ("lo", "hi"))]:
            out.loc[rows, column] = out.loc[rows, column].to_numpy() + add
        out.loc[rows, "model"] = out.loc[rows, "model"] + "+recurring"
    return out


def _input_key(
    scope: dict[str, Any], frame: pd.DataFrame, model: str, horizon: int, levels: tuple[int, ...]
) -> str:
    """A hash of what a forecast depends on: its scope, its data and its settings."""
    data = pd.util.hash_pandas_object(
        frame[["unique_id", "ds", "y"]].round({"y": 9}), index=False
    ).to_numpy()
    digest = hashlib.sha256(data.tobytes())
    digest.update(json.dumps([scope, model, horizon, list(levels)], sort_keys=True).encode())
    return digest.hexdigest()


def _stored(ledger: Ledger, found: dict[str, Any]) -> CostForecast:
    """A stored forecast, as :func:`forecast_costs` returned it."""
    levels = tuple(int(v) for v in found["levels"])
    rows = []
    for p in store.points(ledger.con, int(found["forecast_id"])):
        row = {"unique_id": p["unique_id"], "ds": pd.Timestamp(p["ds"]), "yhat": p["yhat"]}
        for i, v in enumerate(levels):
            row[f"lo{v}"], row[f"hi{v}"] = p["lo"][i], p["hi"][i]
        row["model"] = p["model"]
        rows.append(row)
    frame = pd.DataFrame(rows)
    notes = [*found["notes"], f"reused forecast {found['forecast_id']} made {found['created_at']}"]
    return CostForecast(
        int(found["forecast_id"]),
        True,
        found["scope"],
        found["freq"],
        int(found["horizon"]),
        levels,
        frame,
        found["backtest"],
        notes,
    )


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
    result = fc.forecast(
        frame,
        horizon,
        freq=freq,
        model=model,
        level=level,
        id_col=id_col,
        time_col=time_col,
        target_col=target_col,
        default_id=Path(path).stem,
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
        _rounded(result.to_dict()["choices"]),
        list(result.notes),
    )


def forecast(
    ledger: Ledger | None = None,
    *,
    input: str | Path | None = None,
    by: Sequence[str] | str = (),
    horizon: int = 30,
    freq: str | None = None,
    model: str = "auto",
    level: Sequence[int] = (80, 95),
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Iterable[str | Filter] | str = (),
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
) -> CostForecast:
    """``infracast forecast``: a file's series with ``input``, else the ledger's cost by
    ``by`` (:func:`forecast_file`, :func:`forecast_costs`)."""
    if input is not None:
        ledger_only = [
            flag
            for flag, given in (
                ("--by", by),
                ("--from", start),
                ("--to", end),
                ("--filter", filters),
            )
            if given
        ]
        if ledger_only:
            raise ConfigError(
                f"{', '.join(ledger_only)} select ledger charges, but --input reads a file.",
                hint="Leave them out with --input, or drop --input to forecast the ledger.",
            )
        return forecast_file(input, horizon, freq, model, level, id_col, time_col, target_col)
    if ledger is None:
        raise ConfigError(
            "no ledger and no --input: nothing to forecast.",
            hint="Pass a ledger (--ledger PATH) or a file of series (--input FILE).",
        )
    return forecast_costs(ledger, by, horizon, freq, model, level, start, end, filters)
