"""Benchmark: forecasts of GPU demand on public cluster traces, rolling-origin backtest.

Data (``../shared/data/traces/``, read in place; each folder's README gives the figures):

- ``helios_earth_2020``: SenseTime Helios "Earth" cluster, May 2020, per-minute busy GPUs
  (``running_gpu_num``) of 16 virtual clusters (GitHub ``S-Lab-System-Group/HeliosArtifact``;
  Hu et al., SC 2021). Summed over the VCs, averaged per hour: 744 hours. Also
  ``Earth_gpu_number.csv``: GPUs assigned to the VCs per day, 2020-04-01 to 09-28 (181 days).
- ``alibaba_gpu_v2023``: Alibaba "openb" GPU cluster pod list (GitHub ``alibaba/clusterdata``,
  ``cluster-trace-gpu-v2023``; Weng et al., ATC 2023). Busy GPUs, time-weighted per hour,
  each pod from ``scheduled_time`` to ``deletion_time`` demanding ``gpu_milli / 1000`` when it
  asks for one (shared) GPU, else ``num_gpu``: 3,585 hours (149 days; origin undisclosed,
  taken as 2023-01-01 00:00).
- ``alibaba_dlrm_v2025``: Alibaba GPU-disaggregated DLRM serving (``alibaba/clusterdata``,
  ``cluster-trace-gpu-v2025``; Yang et al., NSDI 2025). Busy GPUs of the ``HN`` instances,
  time-weighted per hour (NaN start = trace start, NaN end = trace end): 744 hours.
- ``alibaba_genai_v2026``: Alibaba diffusion-model serving (``alibaba/clusterdata``,
  ``cluster-trace-v2026-GenAI``; Lin et al., SoCC 2025). GPU-seconds demanded per hour
  (``exec_time_seconds`` summed by request creation hour, one GPU per request): 552 hours.

Not scored, and why: ``azure_llm_inference_2023`` spans one hour (no hourly or daily series);
``alibaba_spot_gpu_v2026`` is a node inventory without jobs. Daily series of the 31- and
23-day traces are too short for a daily backtest with a weekly season (fewer than
``DAILY_MIN_TRAIN`` days before the first cutoff): the script says so.

Methods, on the same windows (``--hourly-windows`` / ``--daily-windows`` cutoffs ``h``
apart, the last ending at the series' end, fewer when the history before the first would be
under two weeks of hours or eight weeks of days; hourly ``h=24``, daily ``h=7``):

- seasonal naive with a weekly season (168 hours, 7 days), the baseline;
- statsforecast ``AutoETS``: season 24 for hourly data (statsforecast refuses seasons above
  24, so a weekly hourly season is not available to it), 7 for daily; refitted per window;
- ``infracast.forecast.forecast(model="auto")`` on the history before each cutoff (its own
  inner backtest chooses the model and rescales its intervals: 3 windows of 7 days for daily
  data, up to 7 of 24 hours for hourly; nested, nothing from the scored window is seen).

Reported per trace and grain: MASE (mean absolute error over the mean absolute weekly
seasonal difference of the window's history, averaged over the windows; the same scale for
every method), coverage of the 80% and 95% intervals over every held-out point, wall time.

``--demo LEDGER`` also scores the daily usage cost by team of a ledger (give a copy: DuckDB
has one writer), averaged over its series.

    python -m bench.traces
    python -m bench.traces --only helios_earth_2020
    python -m bench.traces --demo /tmp/copy-of-demo/infracast.duckdb
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TRACES = Path(os.environ.get("INFRACAST_SHARED_DATA", ROOT.parent / "shared" / "data")) / "traces"
WEEK = {"h": 168, "D": 7}
HORIZON = {"h": 24, "D": 7}
DAILY_MIN_TRAIN = 8 * 7  # eight weeks of days before the first cutoff
LEVELS = (80, 95)


def _busy(start: np.ndarray, end: np.ndarray, weight: np.ndarray, hours: int) -> np.ndarray:
    """Time-weighted busy units per hour: ``sum_p w_p * |[s_p, e_p) ∩ hour| / 3600``."""
    edges = np.arange(hours + 1, dtype=float) * 3600.0
    total = np.zeros(hours + 1)
    for i in range(0, len(start), 2000):  # the running integral of demand at each hour edge
        s, e, w = start[i : i + 2000, None], end[i : i + 2000, None], weight[i : i + 2000, None]
        total += (w * np.clip(edges[None, :] - s, 0.0, e - s)).sum(axis=0)
    return np.diff(total) / 3600.0


def helios_hourly(trace: Path = TRACES / "helios_earth_2020") -> pd.Series:
    """Busy GPUs of the Earth cluster per hour (mean of the minutes, summed over the VCs)."""
    total: pd.Series | None = None
    for path in sorted(trace.glob("vc*/cluster_sequence_vc.csv.gz")):
        with gzip.open(path, "rt") as fh:
            vc = pd.read_csv(fh, usecols=["time", "running_gpu_num"], parse_dates=["time"])
        busy = vc.set_index("time")["running_gpu_num"].astype(float)
        total = busy if total is None else total.add(busy, fill_value=0.0)
    assert total is not None, f"no VC files under {trace}"
    return total.resample("h").mean()


def helios_assigned_daily(trace: Path = TRACES / "helios_earth_2020") -> pd.Series:
    """GPUs assigned to the Earth cluster's VCs per day (``total``), 181 days."""
    frame = pd.read_csv(trace / "Earth_gpu_number.csv", parse_dates=["date"])
    return frame.set_index("date")["total"].astype(float).asfreq("D")


def alibaba_gpu_hourly(trace: Path = TRACES / "alibaba_gpu_v2023") -> pd.Series:
    """Sharing-aware busy GPUs per hour of the openb pod list."""
    pods = pd.read_csv(trace / "openb_pod_list_default.csv")
    pods = pods[(pods["num_gpu"] > 0) & pods["scheduled_time"].notna()]
    share = np.where(pods["num_gpu"] == 1, pods["gpu_milli"] / 1000.0, pods["num_gpu"])
    end = pods["deletion_time"].to_numpy(float)
    hours = int(np.ceil(np.nanmax(end) / 3600.0))
    busy = _busy(pods["scheduled_time"].to_numpy(float), end, share.astype(float), hours)
    return pd.Series(busy, index=pd.date_range("2023-01-01", periods=hours, freq="h"))


def alibaba_dlrm_hourly(trace: Path = TRACES / "alibaba_dlrm_v2025") -> pd.Series:
    """Busy GPUs per hour of the DLRM serving instances on GPU nodes."""
    rows = pd.read_csv(trace / "disaggregated_DLRM_trace.csv")
    last = float(rows[["creation_time", "scheduled_time", "deletion_time"]].max().max())
    hn = rows[rows["role"] == "HN"]
    start = hn["scheduled_time"].fillna(0.0).to_numpy(float)
    end = hn["deletion_time"].fillna(last).to_numpy(float)
    hours = int(np.floor(last / 3600.0))  # whole hours only
    busy = _busy(start, end, hn["gpu_request"].to_numpy(float), hours)
    return pd.Series(busy, index=pd.date_range("2025-01-01", periods=hours, freq="h"))


def genai_hourly(trace: Path = TRACES / "alibaba_genai_v2026") -> pd.Series:
    """GPU-seconds demanded per hour by diffusion requests (by creation hour)."""
    rows = pd.read_csv(trace / "lora_request_trace.csv", parse_dates=["gmt_create"])
    hourly = rows.set_index("gmt_create")["exec_time_seconds"].fillna(0.0).resample("h").sum()
    return hourly.iloc[1:-1]  # the first and last hours are partial


SOURCES: dict[str, Callable[[], dict[str, pd.Series]]] = {
    "helios_earth_2020": lambda: {
        "h": helios_hourly(),
        "D": helios_assigned_daily(),
    },
    "alibaba_gpu_v2023": lambda: {"h": (s := alibaba_gpu_hourly()), "D": s.resample("D").mean()},
    "alibaba_dlrm_v2025": lambda: {"h": (s := alibaba_dlrm_hourly()), "D": s.resample("D").mean()},
    "alibaba_genai_v2026": lambda: {"h": (s := genai_hourly()), "D": s.resample("D").sum()},
}
WHAT = {
    ("helios_earth_2020", "h"): "busy GPUs",
    ("helios_earth_2020", "D"): "GPUs assigned",
    ("alibaba_gpu_v2023", "h"): "busy GPUs",
    ("alibaba_gpu_v2023", "D"): "busy GPUs",
    ("alibaba_dlrm_v2025", "h"): "busy GPUs",
    ("alibaba_dlrm_v2025", "D"): "busy GPUs",
    ("alibaba_genai_v2026", "h"): "GPU-seconds",
    ("alibaba_genai_v2026", "D"): "GPU-seconds",
}


@dataclass
class Scores:
    mase: float
    cover80: float
    cover95: float
    seconds: float
    chosen: list[str] = field(default_factory=list)  # auto: the model of each window

    @property
    def note(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in pd.Series(self.chosen).value_counts().items())


def _cutoffs(n: int, h: int, windows: int) -> list[int]:
    """Rows of history before each cutoff; the last window ends at the series' end."""
    return [n - h - (windows - 1 - k) * h for k in range(windows)]


def _scale(train: np.ndarray, season: int) -> float:
    return float(np.mean(np.abs(train[season:] - train[:-season])))


def _score(y: np.ndarray, cuts: list[int], h: int, season: int, out: list[dict]) -> Scores:
    """MASE per window averaged; coverage over every held-out point."""
    mases, inside = [], {lv: [] for lv in LEVELS}
    for cut, fc in zip(cuts, out, strict=True):
        actual = y[cut : cut + h]
        mases.append(float(np.mean(np.abs(actual - fc["yhat"]))) / _scale(y[:cut], season))
        for lv in LEVELS:
            if f"lo{lv}" in fc:
                inside[lv] += list((actual >= fc[f"lo{lv}"]) & (actual <= fc[f"hi{lv}"]))
    cover = {lv: float(np.mean(v)) if v else float("nan") for lv, v in inside.items()}
    return Scores(float(np.mean(mases)), cover[80], cover[95], 0.0)


def seasonal_naive(y: np.ndarray, cut: int, h: int, season: int) -> dict:
    return {"yhat": y[cut - season + np.arange(h) % season]}


def autoets(series: pd.Series, freq: str, h: int, windows: int) -> list[dict]:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    df = pd.DataFrame({"unique_id": "s", "ds": series.index, "y": series.to_numpy()})
    sf = StatsForecast(models=[AutoETS(season_length=min(WEEK[freq], 24))], freq=freq, n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv = sf.cross_validation(h=h, df=df, n_windows=windows, step_size=h, level=list(LEVELS))
    out = []
    for _, window in cv.groupby("cutoff", sort=True):
        fc = {"yhat": window["AutoETS"].to_numpy()}
        for lv in LEVELS:
            fc[f"lo{lv}"] = window[f"AutoETS-lo-{lv}"].to_numpy()
            fc[f"hi{lv}"] = window[f"AutoETS-hi-{lv}"].to_numpy()
        out.append(fc)
    return out


def auto(series: pd.Series, freq: str, cut: int, h: int) -> tuple[dict, str]:
    from infracast.forecast import forecast

    train = pd.DataFrame({"ds": series.index[:cut], "y": series.to_numpy()[:cut]})
    result = forecast(train, h, freq=freq, level=LEVELS)
    fc = {c: result.forecast[c].to_numpy() for c in ("yhat", "lo80", "hi80", "lo95", "hi95")}
    return fc, str(result.choices["model"].iloc[0])


def evaluate(
    series: pd.Series, freq: str, windows: int, with_autoets: bool = True
) -> dict[str, Scores]:
    """The three methods (AutoETS optional) on the same ``windows`` cutoffs of one series."""
    y = series.to_numpy(float)
    h, season = HORIZON[freq], WEEK[freq]
    cuts = _cutoffs(len(y), h, windows)
    results: dict[str, Scores] = {}

    start = time.perf_counter()
    out = [seasonal_naive(y, cut, h, season) for cut in cuts]
    results["seasonal_naive"] = _score(y, cuts, h, season, out)
    results["seasonal_naive"].seconds = time.perf_counter() - start

    if with_autoets:
        start = time.perf_counter()
        out = autoets(series, freq, h, windows)
        results["AutoETS"] = _score(y, cuts, h, season, out)
        results["AutoETS"].seconds = time.perf_counter() - start

    start = time.perf_counter()
    picked = [auto(series, freq, cut, h) for cut in cuts]
    results["auto"] = _score(y, cuts, h, season, [p[0] for p in picked])
    results["auto"].seconds = time.perf_counter() - start
    results["auto"].chosen = [p[1] for p in picked]
    return results


def demo_usage(ledger_path: str) -> dict[str, pd.Series]:
    """The usage part of the daily cost by team of a ledger (what forecasts model)."""
    from infracast.analytics.series import cost_series
    from infracast.ledger.connection import Ledger

    with Ledger.open(ledger_path) as led:
        frame = cost_series(led, "team", "day", parts=True).frame
    usage = frame[frame["part"] == "usage"]
    return {
        str(uid): group.set_index("ds")["y"].astype(float).asfreq("D")
        for uid, group in usage.groupby("unique_id")
    }


def evaluate_many(series: dict[str, pd.Series], freq: str, windows: int) -> dict[str, Scores]:
    """:func:`evaluate` per series; MASE and coverage averaged (equal points per series)."""
    each = [evaluate(s, freq, windows) for s in series.values()]
    out = {}
    for method in each[0]:
        scores = [e[method] for e in each]
        out[method] = Scores(
            float(np.mean([s.mase for s in scores])),
            float(np.mean([s.cover80 for s in scores])),
            float(np.mean([s.cover95 for s in scores])),
            float(np.sum([s.seconds for s in scores])),
            [c for s in scores for c in s.chosen],
        )
    return out


def windows_for(n: int, freq: str, wanted: int) -> int:
    """``wanted`` windows, fewer when the history before the first cutoff would be too short
    (hourly: two weeks; daily: ``DAILY_MIN_TRAIN`` days); 0 when not even one fits."""
    need = 2 * WEEK[freq] if freq == "h" else DAILY_MIN_TRAIN
    fits = (n - need) // HORIZON[freq]
    return max(0, min(wanted, fits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(SOURCES), default=sorted(SOURCES))
    parser.add_argument("--hourly-windows", type=int, default=14, help="cutoffs 24 h apart")
    parser.add_argument("--daily-windows", type=int, default=8, help="cutoffs 7 days apart")
    parser.add_argument(
        "--demo",
        metavar="LEDGER",
        help="also score the usage cost by team of this ledger (a copy: DuckDB has one writer)",
    )
    args = parser.parse_args()
    import statsforecast

    print(
        f"statsforecast {statsforecast.__version__}, numpy {np.__version__}, "
        f"python {platform.python_version()}, {os.cpu_count()} cores; data {TRACES}"
    )
    header = (
        f"{'trace':<20} {'grain':<6} {'series':<13} {'n':>5} {'win':>4} {'method':<15}"
        f" {'MASE':>7} {'cover80':>8} {'cover95':>8} {'wall s':>7}  chosen"
    )
    print(header)
    for name in args.only:
        for freq, series in SOURCES[name]().items():
            series = series.dropna()
            wanted = args.hourly_windows if freq == "h" else args.daily_windows
            windows = windows_for(len(series), freq, wanted)
            what = WHAT[(name, freq)]
            if windows == 0:
                print(
                    f"{name:<20} {freq:<6} {what:<13} {len(series):>5}    -  too short for a "
                    f"{'daily' if freq == 'D' else 'hourly'} backtest with a weekly season"
                )
                continue
            for method, s in evaluate(series, freq, windows).items():
                print(
                    f"{name:<20} {freq:<6} {what:<13} {len(series):>5} {windows:>4} {method:<15}"
                    f" {s.mase:7.3f} {s.cover80:8.3f} {s.cover95:8.3f} {s.seconds:7.1f}  {s.note}",
                    flush=True,
                )
    if args.demo:
        usage = demo_usage(args.demo)
        n = min(len(s) for s in usage.values())
        windows = windows_for(n, "D", args.daily_windows)
        for method, s in evaluate_many(usage, "D", windows).items():
            print(
                f"{'demo usage by team':<20} {'D':<6} {f'{len(usage)} series':<13} {n:>5} "
                f"{windows:>4} {method:<15} {s.mase:7.3f} {s.cover80:8.3f} {s.cover95:8.3f} "
                f"{s.seconds:7.1f}  {s.note}",
                flush=True,
            )
    print("not scored: azure_llm_inference_2023 (one hour long), alibaba_spot_gpu_v2026 (no jobs)")


if __name__ == "__main__":
    main()
