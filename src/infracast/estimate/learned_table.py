"""The table of past projects a learned estimator fits on: rows read, columns typed, encoded.

Rows come as a sequence of mappings, a pandas DataFrame or a pyarrow Table
(reading the file is the caller's job). A feature is *numeric* when every
value it has is a number or text that reads as one, else *categorical*
(``categorical=`` forces it). A positive numeric feature whose largest value
is at least :data:`LOG_SPAN` times its smallest is log-transformed for the
log-linear model (costs scale as power laws of sizes). Missing numeric values
take the feature's median; missing categories become ``(missing)``; both are
listed in the summary's notes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np

from infracast.errors import EstimateError, did_you_mean

LOG_SPAN = 10.0  # max/min ratio from which a positive numeric feature is log-transformed
MISSING = "(missing)"


def read_rows(rows: Any) -> list[dict[str, Any]]:
    """The rows of a DataFrame, an Arrow table or a sequence of mappings, as dicts."""
    if hasattr(rows, "to_pylist"):  # pyarrow.Table
        return [dict(r) for r in rows.to_pylist()]
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # pandas.DataFrame
        return [dict(r) for r in rows.to_dict(orient="records")]
    if isinstance(rows, Sequence) and all(isinstance(r, Mapping) for r in rows):
        return [dict(r) for r in rows]
    raise EstimateError(
        f"cannot read the training rows from a {type(rows).__name__}.",
        hint="Pass a list of dicts (e.g. csv.DictReader rows), a pandas DataFrame or a "
        "pyarrow Table.",
    )


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def as_number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal | np.integer | np.floating):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace("_", ""))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Feature:
    """One feature as fitted: its kind, transform, observed range or levels, fill value."""

    name: str
    kind: Literal["numeric", "categorical"]
    log: bool = False  # log-transformed for the log-linear model
    low: float = 0.0  # observed range (numeric)
    high: float = 0.0
    fill: float = 0.0  # the median, for missing values
    levels: tuple[str, ...] = ()  # observed categories (categorical)

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "numeric":
            return {
                "name": self.name,
                "kind": self.kind,
                "log": self.log,
                "low": self.low,
                "high": self.high,
            }
        return {"name": self.name, "kind": self.kind, "levels": list(self.levels)}


def target_values(
    rows: list[dict[str, Any]], target: str
) -> tuple[list[int], np.ndarray, list[str]]:
    """The rows that have a target, their positive target values, and notes on rows left out."""
    if not rows:
        raise EstimateError("there are no training rows.", hint="Pass the past projects' table.")
    columns = list(rows[0])
    if not any(target in r for r in rows):
        raise EstimateError(
            f"the rows have no target column {target!r}." + did_you_mean(target, columns),
            hint=f"Name the column that holds the actual cost with target= (columns: "
            f"{', '.join(columns)}).",
        )
    kept, values, empty, bad, non_positive = [], [], [], [], []
    for i, row in enumerate(rows, start=1):
        raw = row.get(target)
        if is_missing(raw):
            empty.append(i)
            continue
        number = as_number(raw)
        if number is None:
            bad.append(f"row {i} ({raw!r})")
        elif number <= 0:
            non_positive.append(f"row {i} ({raw!r})")
        else:
            kept.append(i - 1)
            values.append(number)
    if bad:
        raise EstimateError(
            f"the target {target!r} must be a number; it is not in {_few(bad)}.",
            hint="Fix those cells (no currency symbols or thousands separators) or drop the rows.",
        )
    if non_positive:
        raise EstimateError(
            f"the target {target!r} must be above 0 (a cost); it is not in {_few(non_positive)}.",
            hint="Drop rows of projects that cost nothing; percentage errors need costs above 0.",
        )
    notes = []
    if empty:
        notes.append(f"{len(empty)} rows without {target} were left out: {_few(empty)}.")
    return kept, np.asarray(values, dtype=float), notes


def _few(items: Sequence[Any], limit: int = 5) -> str:
    shown = ", ".join(str(x) for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def profile_features(
    rows: list[dict[str, Any]], names: Sequence[str], categorical: Sequence[str]
) -> tuple[list[Feature], list[str]]:
    """Type every feature, refuse constant ones, and note the missing values filled in."""
    features, notes, constant = [], [], []
    for name in names:
        values = [r.get(name) for r in rows]
        present = [v for v in values if not is_missing(v)]
        numbers = [as_number(v) for v in present]
        numeric = name not in categorical and present and all(x is not None for x in numbers)
        missing = len(values) - len(present)
        if numeric:
            data = np.asarray(numbers, dtype=float)
            low, high = float(data.min()), float(data.max())
            if low == high:
                constant.append(f"{name!r} (always {present[0]!r})")
                continue
            fill = float(np.median(data))
            if missing:
                notes.append(f"{name}: {missing} missing values filled with the median {fill:g}.")
            wide = low > 0 and high / low >= LOG_SPAN
            features.append(Feature(name, "numeric", wide, low, high, fill))
        else:
            levels = sorted({MISSING if is_missing(v) else str(v) for v in values})
            if len(levels) < 2:
                constant.append(f"{name!r} (always {levels[0]!r})")
                continue
            if missing:
                notes.append(f"{name}: {missing} missing values kept as the category {MISSING!r}.")
            if len(levels) == len(values) > 5:
                notes.append(
                    f"{name} has a different value in every row; if it is an identifier, "
                    "leave it out of features= (it cannot generalise)."
                )
            features.append(Feature(name, "categorical", levels=tuple(levels)))
    if constant:
        raise EstimateError(
            f"constant features cannot explain a cost: {', '.join(constant)}.",
            hint="Leave them out of features=, or add past projects where they differ.",
        )
    return features, notes


def numeric_matrix(features: Sequence[Feature], rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """The numeric features of ``rows`` as floats (missing: the fitted median)."""
    numeric = [f for f in features if f.kind == "numeric"]
    out = np.empty((len(rows), len(numeric)))
    for i, row in enumerate(rows):
        for j, f in enumerate(numeric):
            value = row.get(f.name)
            number = None if is_missing(value) else as_number(value)
            out[i, j] = f.fill if number is None else number
    return out


def category_matrix(
    features: Sequence[Feature], rows: Sequence[Mapping[str, Any]]
) -> list[list[str]]:
    """The categorical features of ``rows`` as text, one list per feature."""
    return [
        [MISSING if is_missing(r.get(f.name)) else str(r.get(f.name)) for r in rows]
        for f in features
        if f.kind == "categorical"
    ]


@dataclass(frozen=True)
class Encoding:
    """Standardized numeric columns (logged where chosen) and one-hot categories, as fitted."""

    log: tuple[bool, ...]
    mean: np.ndarray
    scale: np.ndarray
    levels: tuple[tuple[str, ...], ...]

    @classmethod
    def fit(
        cls, features: Sequence[Feature], num: np.ndarray, cats: list[list[str]], use_log: bool
    ) -> Encoding:
        log = tuple(use_log and f.log for f in features if f.kind == "numeric")
        values = _logged(num, log)
        mean = values.mean(axis=0) if len(values) else np.zeros(num.shape[1])
        scale = values.std(axis=0) if len(values) else np.ones(num.shape[1])
        scale = np.where(scale > 0, scale, 1.0)
        levels = tuple(tuple(sorted(set(column))) for column in cats)
        return cls(log, mean, scale, levels)

    def transform(self, num: np.ndarray, cats: list[list[str]]) -> np.ndarray:
        parts = [(_logged(num, self.log) - self.mean) / self.scale]
        for column, levels in zip(cats, self.levels, strict=True):
            column_array = np.asarray(column, dtype=object)
            parts.append(np.column_stack([column_array == lv for lv in levels]).astype(float))
        return np.hstack(parts) if parts else np.empty((num.shape[0], 0))


def _logged(num: np.ndarray, log: tuple[bool, ...]) -> np.ndarray:
    out = num.astype(float, copy=True)
    for j, flag in enumerate(log):
        if flag:
            out[:, j] = np.log(np.maximum(out[:, j], np.finfo(float).tiny))
    return out
