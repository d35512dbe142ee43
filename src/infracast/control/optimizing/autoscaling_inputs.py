"""Autoscaling over a demand trace file (the library under ``infracast optimize
autoscaling``): read the trace into demand per interval, build the serving configuration
from flags or from the inference estimate and the price book, and replay every policy with
:func:`infracast.optimize.simulate_autoscaling`.

Trace files (the format is told by the header; ``.gz`` and a ``.tar.gz`` holding one CSV
are read as they are):

- a generic CSV ``timestamp,demand``: each row is an amount arriving at ``timestamp``
  (requests, or tokens), summed per interval; or ``timestamp,rate``: a rate per second
  sampled at ``timestamp``, held until the next sample. Timestamps are ISO 8601 text
  (UTC unless they say otherwise) or seconds since 1970;
- the Azure LLM inference trace 2023 (``TIMESTAMP,ContextTokens,GeneratedTokens``, one row
  per request): requests, or tokens (context + generated) per interval;
- the Alibaba GenAI 2026 request trace (``gmt_create,…``, one row per request): requests;
- the Alibaba GenAI 2026 ``qps.csv`` (``timestamp_anon,value,container_ip,request_type``,
  in ``qps.tar.gz``): the service's QPS, Σ over containers of each container's QPS held
  from one sample to its next (at most twice the median sampling gap; a container that
  stops reporting has stopped), for ``Generative Requests`` by default.

Intervals start at multiples of ``interval`` seconds since 1970 (minutes align with the
clock); an interval without rows has no demand.
"""

from __future__ import annotations

import gzip
import io
import math
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from infracast.catalog import PriceSelection
from infracast.errors import ConfigError, InputFileError
from infracast.optimize.autoscaling import (
    SLO,
    AutoscalingResult,
    DemandTrace,
    ScalingSettings,
    ServingConfig,
    Unit,
    simulate_autoscaling,
)
from infracast.optimize.autoscaling_policies import SCALING_POLICIES
from infracast.optimize.autoscaling_trace import binned_demand, held_rates
from infracast.specfiles import read_text

FORMATS: dict[str, tuple[str, ...]] = {
    "azure_llm": ("TIMESTAMP", "ContextTokens", "GeneratedTokens"),
    "alibaba_qps": ("timestamp_anon", "value", "container_ip", "request_type"),
    "alibaba_requests": ("gmt_create", "predict_type"),
    "demand": ("timestamp", "demand"),
    "rate": ("timestamp", "rate"),
}
_WHAT = "the trace"


@dataclass(frozen=True)
class TraceFile:
    """A trace read into demand per interval, with what the file told about requests."""

    trace: DemandTrace
    format: str
    rows: int
    mean_input_tokens: float | None = None
    mean_output_tokens: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AutoscalingAdvice:
    """The simulation with its context: the trace read and where the configuration came
    from (``serving``: replica size, batch, price line)."""

    trace: str
    format: str
    start: str | None
    serving: dict[str, Any]
    result: AutoscalingResult
    assumptions: list[str] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        return self.result.to_rows()

    def to_dict(self) -> dict[str, Any]:
        out = self.result.to_dict()
        notes = out.pop("assumptions")
        return {
            "trace": self.trace,
            "format": self.format,
            "start": self.start,
            **out,
            "serving": dict(self.serving),
            "assumptions": [*self.assumptions, *notes],
        }


def autoscaling(
    input: str | Path,
    *,
    interval: float = 60.0,
    unit: Unit = "requests",
    request_type: str = "Generative Requests",
    params: str | None = None,
    accelerator: str | None = None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    target_tpot_ms: float | None = None,
    target_latency_s: float | None = None,
    replica_throughput: float | None = None,
    price_per_hour: float | None = None,
    startup_seconds: float = 300.0,
    min_replicas: int = 1,
    max_replicas: int | None = None,
    target_utilization: float = 0.8,
    cooldown_seconds: float = 300.0,
    train_share: float = 0.5,
    max_violation_share: float = 0.01,
    max_delay_seconds: float = 2.0,
    delay_percentile: float = 99.0,
    prices: str | Path | None = None,
    provider: str | None = None,
    region: str | None = None,
    currency: str = "USD",
    policies: tuple[str, ...] = SCALING_POLICIES,
    forecast: np.ndarray | None = None,
) -> AutoscalingAdvice:
    """Replay the trace in ``input`` under every policy (see the module docstring): the
    replica's throughput and price given (``replica_throughput``, ``price_per_hour``), or
    from the inference estimate of ``params`` on ``accelerator`` and the price book."""
    read = read_trace(input, interval=interval, unit=unit, request_type=request_type)
    notes = list(read.notes)
    if replica_throughput is not None:
        if price_per_hour is None:
            raise ConfigError(
                "a replica throughput is given without its price.",
                hint="Add --price-per-hour (per replica-hour), or give --params and "
                "--accelerator to price it from the book.",
                field="price_per_hour",
            )
        serving: dict[str, Any] = {
            "source": "given",
            "replica_throughput": float(replica_throughput),
            "price_per_replica_hour": float(price_per_hour),
        }
        notes.append(f"replica: {replica_throughput:g} {unit}/s and {price_per_hour:g} "
                     f"{currency} an hour, given.")  # fmt: skip
    elif params is not None and accelerator is not None:
        serving = _estimated(
            read, unit, params, accelerator, input_tokens, output_tokens, target_tpot_ms,
            target_latency_s, price_per_hour, prices, provider, region, currency, notes,
        )  # fmt: skip
    else:
        raise ConfigError(
            "no serving configuration: the replica's throughput and price are needed.",
            hint="Give --replica-throughput X --price-per-hour P, or --params 8B "
            "--accelerator H100 to take them from the inference estimate and the price book.",
            field="replica_throughput",
        )
    try:
        config = ServingConfig(
            replica_throughput=serving["replica_throughput"],
            price_per_replica_hour=serving["price_per_replica_hour"],
            startup_seconds=startup_seconds,
            min_replicas=min_replicas,
            max_replicas=max_replicas,
            target_utilization=target_utilization,
            currency=currency,
        )
        slo = SLO(
            max_violation_share=max_violation_share,
            max_delay_seconds=max_delay_seconds,
            delay_percentile=delay_percentile,
        )
        settings = ScalingSettings(cooldown_seconds=cooldown_seconds, train_share=train_share)
    except ValueError as exc:  # pydantic's ValidationError
        raise _setting_error(exc) from None
    result = simulate_autoscaling(
        read.trace, config, slo, settings=settings, policies=policies, forecast=forecast
    )
    start = None if read.trace.start is None else read.trace.start.isoformat()
    return AutoscalingAdvice(str(input), read.format, start, serving, result, notes)


def _setting_error(exc: ValueError) -> ConfigError:
    errors: list[dict[str, Any]] = list(getattr(exc, "errors", lambda: [])())
    first = errors[0] if errors else {"loc": ("setting",), "msg": str(exc)}
    name = ".".join(str(x) for x in first["loc"])
    return ConfigError(
        f"{name}: {first['msg']}.",
        hint="Utilization is a share in (0, 1]; replicas, seconds and prices are ≥ 0; "
        "the violation share is in [0, 1]; the delay percentile in (0, 100].",
        field=name,
    )


def _estimated(
    read: TraceFile,
    unit: str,
    params: str,
    accelerator: str,
    input_tokens: int | None,
    output_tokens: int | None,
    tpot_ms: float | None,
    latency_s: float | None,
    price_per_hour: float | None,
    prices: str | Path | None,
    provider: str | None,
    region: str | None,
    currency: str,
    notes: list[str],
) -> dict[str, Any]:
    """Throughput and price of one replica from the inference estimate and the book."""
    from infracast.estimate import inference  # the estimate loads the catalog: on demand

    i_tok = input_tokens or _rounded(read.mean_input_tokens)
    o_tok = output_tokens or _rounded(read.mean_output_tokens)
    if i_tok is None or o_tok is None:
        raise ConfigError(
            "the inference estimate needs the tokens per request, and this trace has none.",
            hint="Give --input-tokens and --output-tokens (e.g. 1000 and 200).",
            field="input_tokens",
        )
    if input_tokens is None or output_tokens is None:
        notes.append(f"tokens per request: {i_tok} in, {o_tok} out (the trace's means).")
    selection = PriceSelection.of(prices=prices, provider=provider, region=region,
                                  pricing="on_demand")  # fmt: skip
    est = inference(
        params=params, accelerator=accelerator, input_tokens=i_tok, output_tokens=o_tok,
        requests_per_second=1.0, target_tpot_ms=tpot_ms, target_latency_s=latency_s,
        selection=selection,
    )  # fmt: skip
    per_request = 1.0 if unit == "requests" else float(i_tok + o_tok)
    throughput = est.replica_requests_per_second * per_request
    size = est.replica.accelerators
    line = next((c.price for c in est.cost if c.price.currency == currency), None)
    if price_per_hour is not None:
        price, source = float(price_per_hour), "given"
    elif line is None:
        raise ConfigError(
            f"the price book has no on-demand price of {est.accelerator} in {currency}.",
            hint="Give --price-per-hour (per replica-hour), or another --provider or --currency.",
            field="price_per_hour",
        )
    else:
        price = float(line.price_per_accelerator_hour) * size
        source = (f"{line.provider} {line.region or ''} on demand "
                  f"{line.price_per_accelerator_hour} {currency}/GPU-hour × {size}, "
                  f"{line.source}, as of {line.as_of}")  # fmt: skip
    latency = est.replica.latency_s(o_tok)
    notes.append(
        f"replica: {params} on {size} × {est.accelerator}, batch {est.replica.batch}, "
        f"{throughput:.4g} {unit}/s at {latency:.2f} s a request (the inference estimate); "
        f"price {price:.4g} {currency} an hour ({source})."
    )
    return {
        "source": "inference estimate",
        "replica_throughput": throughput,
        "price_per_replica_hour": price,
        "accelerator": est.accelerator,
        "accelerators_per_replica": size,
        "batch_size": est.replica.batch,
        "latency_s": latency,
        "input_tokens": i_tok,
        "output_tokens": o_tok,
        "price_source": source,
    }


def _rounded(value: float | None) -> int | None:
    return None if value is None else max(1, round(value))


# ---- reading traces -----------------------------------------------------------------------


def read_trace(
    path: str | Path,
    *,
    interval: float = 60.0,
    unit: Unit = "requests",
    request_type: str = "Generative Requests",
) -> TraceFile:
    """The demand per interval of the trace file at ``path`` (the module docstring)."""
    if not (math.isfinite(interval) and interval > 0):
        raise ConfigError(
            f"the interval is {interval} s; it must be positive.",
            hint="Give --interval in seconds, e.g. 60.",
            field="interval",
        )
    if unit not in ("requests", "tokens"):
        raise ConfigError(f'unknown unit "{unit}".', hint="Use requests or tokens.", field="unit")
    path = Path(path)
    frame = _frame(path)
    fmt = _format(frame, path)
    if frame.empty:
        raise InputFileError(
            f"{_WHAT}: {path} has a header but no rows.",
            hint="Give a trace with at least one row of demand.",
            file=path,
        )
    if unit == "tokens" and fmt in ("alibaba_qps", "alibaba_requests"):
        raise ConfigError(
            f"{path} ({fmt}) has no token counts.",
            hint="Use --unit requests for this trace.",
            field="unit",
        )
    notes: list[str] = []
    if fmt == "azure_llm":
        ts = _times(frame, "TIMESTAMP", path)
        ctx = _numbers(frame, "ContextTokens", path)
        gen = _numbers(frame, "GeneratedTokens", path)
        weights = ctx + gen if unit == "tokens" else np.ones(ts.size)
        trace = binned_demand(ts, weights, interval, unit)
        notes.append(f"demand: the Azure LLM trace's {unit} per {interval:g} s (one row a "
                     "request; tokens = context + generated).")  # fmt: skip
        return TraceFile(trace, fmt, ts.size, float(ctx.mean()), float(gen.mean()), notes)
    if fmt == "alibaba_requests":
        ts = _times(frame, "gmt_create", path)
        notes.append(f"demand: the Alibaba GenAI requests per {interval:g} s (one row a request).")
        return TraceFile(
            binned_demand(ts, np.ones(ts.size), interval, unit), fmt, ts.size, notes=notes
        )
    if fmt == "alibaba_qps":
        return _qps(frame, path, interval, request_type)
    ts = _times(frame, "timestamp", path)
    values = _numbers(frame, fmt, path)
    if fmt == "demand":
        trace = binned_demand(ts, values, interval, unit)
        notes.append(f"demand: the file's amounts summed per {interval:g} s, in {unit}.")
    else:
        trace = held_rates(ts, values, np.zeros(ts.size, dtype=np.int64), math.inf, interval, unit)
        notes.append(f"demand: the file's rates ({unit}/s), each held until the next sample, "
                     f"averaged per {interval:g} s.")  # fmt: skip
    return TraceFile(trace, fmt, ts.size, notes=notes)


def _frame(path: Path) -> pd.DataFrame:
    """The file's rows as text (a ``.tar.gz`` of one CSV, a ``.gz``, or plain CSV)."""
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz")) or name.endswith(".gz"):
        if not path.is_file():
            read_text(path, what=_WHAT)  # raises the reader's message (no such file, a folder)
        try:
            stream = _unpacked(path)
            return pd.read_csv(stream, dtype=str, keep_default_na=False)
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise InputFileError(
                f"{_WHAT}: {path} cannot be unpacked ({exc}).",
                hint="Give the CSV itself, or a .gz / .tar.gz holding one CSV.",
                file=path,
            ) from None
        except pd.errors.EmptyDataError:
            return _empty(path)
    text = read_text(path, what=_WHAT)
    if not text.strip():
        return _empty(path)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise InputFileError(
            f"{_WHAT}: {path} is not a CSV table ({str(exc).strip()}).",
            hint="Give a CSV with a header, e.g. timestamp,demand.",
            file=path,
        ) from None


def _unpacked(path: Path) -> io.BytesIO:
    if path.name.lower().endswith((".tar.gz", ".tgz")):
        with tarfile.open(path, "r:gz") as archive:
            members = [m for m in archive.getmembers()
                       if m.isfile() and m.name.endswith(".csv")]  # fmt: skip
            if len(members) != 1:
                raise tarfile.TarError(f"it holds {len(members)} CSV files, not one")
            extracted = archive.extractfile(members[0])
            assert extracted is not None  # a regular file member
            return io.BytesIO(extracted.read())
    with gzip.open(path, "rb") as packed:
        return io.BytesIO(packed.read())


def _empty(path: Path) -> pd.DataFrame:
    raise InputFileError(
        f"{_WHAT}: {path} is empty.",
        hint="Give a CSV with a header (timestamp,demand) and one row per observation.",
        file=path,
    )


def _format(frame: pd.DataFrame, path: Path) -> str:
    columns = {str(c).strip() for c in frame.columns}
    for fmt, needed in FORMATS.items():
        if set(needed) <= columns:
            return fmt
    missing = "demand (or rate)" if "timestamp" in columns else "timestamp"
    raise InputFileError(
        f"{_WHAT}: {path} has no {missing} column (its columns: "
        f"{', '.join(sorted(columns)) or 'none'}).",
        hint="A generic trace has the columns timestamp,demand (amounts) or timestamp,rate "
        "(per second); the Azure LLM and Alibaba GenAI traces are read as published.",
        file=path,
        field=missing.split()[0],
    )


def _numbers(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    text = frame[column].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputFileError(
            f"{_WHAT}: {path}, row {i + 2}: {column} is {text.iloc[i]!r}, not a number ≥ 0.",
            hint=f"Give {column} as a plain number (e.g. 12.5) in every row.",
            file=path,
            row=i + 2,
            field=column,
        )
    return values


def _times(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    """Seconds since 1970 (UTC) of each row: numbers as they are, else ISO 8601 text."""
    text = frame[column].astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    if numeric.notna().all():
        return numeric.to_numpy(dtype=float)
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputFileError(
            f"{_WHAT}: {path}, row {i + 2}: {column} is {text.iloc[i]!r}, not a time.",
            hint="Write times as ISO 8601 (2026-01-31 14:05:00) or seconds since 1970.",
            file=path,
            row=i + 2,
            field=column,
        )
    nanos = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return nanos / 1e9


def _qps(frame: pd.DataFrame, path: Path, interval: float, request_type: str) -> TraceFile:
    kinds = sorted(set(frame["request_type"]))
    if request_type not in kinds:
        raise ConfigError(
            f'{path} has no request type "{request_type}".',
            hint=f"Its request types: {', '.join(kinds)}.",
            field="request_type",
        )
    part = frame[frame["request_type"] == request_type]
    ts = _times(part, "timestamp_anon", path)
    values = _numbers(part, "value", path)
    ids = pd.factorize(part["container_ip"].astype(str))[0].astype(np.int64)
    order = np.lexsort((ts, ids))
    gaps = np.diff(ts[order])[np.diff(ids[order]) == 0]
    gap = float(np.median(gaps)) if gaps.size else interval
    trace = held_rates(ts, values, ids, 2 * gap, interval, "requests", last_hold=gap)
    notes = [
        f"demand: the Alibaba GenAI QPS of {request_type} (scaled by Alibaba, trend kept), "
        f"Σ over {int(ids.max()) + 1} containers of each one's QPS held from a sample to its "
        f"next (median gap {gap:g} s, held at most {2 * gap:g} s), averaged per {interval:g} s.",
        "the QPS trace's timestamps are shifted: its hours of the day are not the real ones.",
    ]
    return TraceFile(trace, "alibaba_qps", int(ts.size), notes=notes)
