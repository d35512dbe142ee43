"""Warnings for a prediction far from the data a learned estimator was fitted on.

Three checks, each naming the feature and by how much:

- a numeric value beyond the observed range by more than :data:`RANGE_MARGIN`
  of the range (for a log-transformed feature: a factor beyond the largest or
  smallest value, since its range is judged on the log scale);
- a category never seen in training;
- a combination of numeric values with high leverage, h = x₀ᵀ(XᵀX)⁻¹x₀ on
  the standardized numeric features with an intercept, above 3p/n (p columns,
  n rows; the usual rule of thumb is 2p/n, 3p/n for small tables): each value
  may be within its range while the combination is not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from infracast.estimate.learned_table import MISSING, Feature, as_number, is_missing

RANGE_MARGIN = 0.10  # of the observed range (of its log, for logged features)


def _fmt(value: float) -> str:
    return f"{value:,.6g}"


def extrapolation_warnings(
    features: Sequence[Feature], row: Mapping[str, Any], train: np.ndarray, new: np.ndarray
) -> list[str]:
    """A sentence per feature of ``row`` outside the training data (range or categories), and
    one for a high-leverage combination when every numeric value is within its range.

    ``train`` and ``new`` are the numeric features of the training rows and of ``row``.
    """
    out: list[str] = []
    numeric_outside = False
    for f in features:
        said = _feature_warnings(f, row)
        numeric_outside = numeric_outside or (bool(said) and f.kind == "numeric")
        out += said
    if not numeric_outside:
        out += _leverage(features, train, new)
    return out


def _feature_warnings(f: Feature, row: Mapping[str, Any]) -> list[str]:
    """The warnings about one feature of ``row``."""
    value = row.get(f.name)
    if f.kind == "categorical":
        text = MISSING if is_missing(value) else str(value)
        if text in f.levels:
            return []
        return [
            f"{f.name} = {text!r} was never seen in training (seen: "
            f"{', '.join(f.levels)}); the model treats it as none of them."
        ]
    number = None if is_missing(value) else as_number(value)
    if number is None:
        what = "is missing" if is_missing(value) else f"= {value!r} is not a number"
        return [f"{f.name} {what}; the training median {_fmt(f.fill)} was used."]
    return _range_warning(f, number)


def _range_warning(f: Feature, x: float) -> list[str]:
    seen = f"the training data's {_fmt(f.low)}–{_fmt(f.high)}"
    if f.log:
        if x <= 0:
            return [f"{f.name} = {_fmt(x)} is not positive, unlike all of {seen}."]
        span = math.log(f.high / f.low)
        if math.log(x / f.high) > RANGE_MARGIN * span:
            return [f"{f.name} = {_fmt(x)} is {x / f.high:.3g}× the largest value in {seen}."]
        if math.log(f.low / x) > RANGE_MARGIN * span:
            return [f"{f.name} = {_fmt(x)} is 1/{f.low / x:.3g} of the smallest value in {seen}."]
        return []
    width = f.high - f.low
    if x > f.high + RANGE_MARGIN * width:
        return [
            f"{f.name} = {_fmt(x)} is above {seen} by {_fmt(x - f.high)} "
            f"({(x - f.high) / width:.0%} of the range)."
        ]
    if x < f.low - RANGE_MARGIN * width:
        return [
            f"{f.name} = {_fmt(x)} is below {seen} by {_fmt(f.low - x)} "
            f"({(f.low - x) / width:.0%} of the range)."
        ]
    return []


def _design(features: Sequence[Feature], num: np.ndarray) -> np.ndarray:
    logged = num.astype(float, copy=True)
    numeric = [f for f in features if f.kind == "numeric"]
    for j, f in enumerate(numeric):
        if f.log:
            logged[:, j] = np.log(np.maximum(logged[:, j], f.low))
    return logged


def _leverage(features: Sequence[Feature], train: np.ndarray, new: np.ndarray) -> list[str]:
    """A sentence when the numeric values of ``new`` (one row) have high leverage."""
    n, p = train.shape[0], train.shape[1] + 1
    if train.shape[1] < 2 or 3 * p >= n:
        return []  # one feature: the range check says it all; too few rows: no usable limit
    x_train, x_new = _design(features, train), _design(features, new)
    mean, scale = x_train.mean(axis=0), x_train.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    design = np.hstack([np.ones((n, 1)), (x_train - mean) / scale])
    point = np.concatenate([[1.0], ((x_new - mean) / scale)[0]])
    leverage = float(point @ np.linalg.pinv(design.T @ design) @ point)
    limit = 3 * p / n
    if leverage <= limit:
        return []
    names = ", ".join(f.name for f in features if f.kind == "numeric")
    return [
        f"the combination of {names} is unlike the training data: leverage {leverage:.2f} "
        f"is above 3p/n = {limit:.2f}, though each value is within its range."
    ]
