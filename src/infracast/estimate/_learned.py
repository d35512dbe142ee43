"""The learned estimator: a cost model fitted on the organisation's past projects.

:func:`fit_estimator` tries five candidates on the same seeded K-fold split
and keeps the one with the lowest cross-validated mean absolute percentage
error (MAPE), out-of-fold, on the original scale:

- ``median``: the training median (the baseline every model must beat);
- ``linear``: ridge regression on standardized features and one-hot
  categories, the penalty chosen by efficient leave-one-out (``RidgeCV``);
- ``linear_log``: the same on log(cost), with wide-ranging positive features
  logged too (a power law: log cost = a + Σ b·log size);
- ``gradient_boosting``: scikit-learn gradient-boosted trees on log(cost);
- ``random_forest``: a random forest on log(cost).

Prediction intervals are CV+ (Barber, Candès, Ramdas & Tibshirani, "Predictive
inference with the jackknife+", Ann. Statist. 2021, §3): each training row's
out-of-fold residual is added to (and taken from) the prediction of the fold
model that did not see it, and the interval runs between the ⌊α(n+1)⌋-th
smallest and ⌈(1−α)(n+1)⌉-th smallest of those, α = 1 − coverage; for
log-target models this happens on the log scale, so intervals are
multiplicative. The guarantee is 1 − 2α in the worst case and about 1 − α in
practice. A prediction far from the training data says so (see
:meth:`LearnedEstimator.predict`). Fitting is deterministic for a given seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from infracast.errors import EstimateError, did_you_mean
from infracast.estimate.learned_table import (
    Encoding,
    Feature,
    as_number,
    category_matrix,
    numeric_matrix,
    profile_features,
    read_rows,
    target_values,
)
from infracast.estimate.learned_warnings import extrapolation_warnings

MIN_ROWS = 8


@dataclass(frozen=True)
class Candidate:
    """A model the estimator may choose: how to build it and on which scale it fits."""

    name: str
    description: str
    log_target: bool
    log_features: bool
    make: Callable[[int], Any] | None  # seed → unfitted scikit-learn regressor; None: median


def candidates() -> tuple[Candidate, ...]:
    """The candidates, simplest first (ties go to the simpler)."""
    from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
    from sklearn.linear_model import RidgeCV

    def ridge(_: int) -> Any:
        return RidgeCV(alphas=np.logspace(-4, 2, 13))

    def boosting(seed: int) -> Any:
        return GradientBoostingRegressor(
            n_estimators=200, max_depth=2, learning_rate=0.05, random_state=seed
        )

    def forest(seed: int) -> Any:
        return RandomForestRegressor(
            n_estimators=100, min_samples_leaf=2, random_state=seed, n_jobs=1
        )

    return (
        Candidate("median", "the training median (baseline)", False, False, None),
        Candidate("linear", "ridge regression on cost", False, False, ridge),
        Candidate(
            "linear_log", "ridge regression on log(cost), wide features logged", True, True, ridge
        ),
        Candidate(
            "gradient_boosting", "gradient-boosted trees on log(cost)", True, False, boosting
        ),
        Candidate("random_forest", "random forest on log(cost)", True, False, forest),
    )


@dataclass
class _Fitted:
    """A candidate fitted on some rows: its encoding and model (None: the median)."""

    candidate: Candidate
    encoding: Encoding
    model: Any
    median: float

    def predict(self, num: np.ndarray, cats: list[list[str]]) -> np.ndarray:
        """Predictions on the candidate's scale (log for log-target models)."""
        if self.model is None:
            return np.full(num.shape[0], self.median)
        return np.asarray(self.model.predict(self.encoding.transform(num, cats)), dtype=float)


def _fit(
    candidate: Candidate,
    features: Sequence[Feature],
    num: np.ndarray,
    cats: list[list[str]],
    t: np.ndarray,
    seed: int,
) -> _Fitted:
    encoding = Encoding.fit(features, num, cats, candidate.log_features)
    model = None
    if candidate.make is not None:
        model = candidate.make(seed)
        model.fit(encoding.transform(num, cats), t)
    return _Fitted(candidate, encoding, model, float(np.median(t)))


@dataclass(frozen=True)
class CandidateScore:
    """A candidate's cross-validated MAPE (a fraction: 0.12 is 12%)."""

    name: str
    description: str
    cv_mape: float
    chosen: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "cv_mape": self.cv_mape,
            "chosen": self.chosen,
        }


@dataclass(frozen=True)
class EstimatorSummary:
    """What was fitted on what, how each candidate scored, and what was assumed."""

    target: str
    n_rows: int
    features: tuple[Feature, ...]
    folds: int
    folds_requested: int
    seed: int
    coverage: float
    interval_method: str
    candidates: tuple[CandidateScore, ...]
    chosen: str
    chosen_cv_mape: float
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "n_rows": self.n_rows,
            "features": [f.to_dict() for f in self.features],
            "folds": self.folds,
            "folds_requested": self.folds_requested,
            "seed": self.seed,
            "coverage": self.coverage,
            "interval_method": self.interval_method,
            "candidates": [c.to_dict() for c in self.candidates],
            "chosen": self.chosen,
            "chosen_cv_mape": self.chosen_cv_mape,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Prediction:
    """A predicted cost with its interval and the warnings about how far it extrapolates."""

    value: float
    low: float
    high: float
    coverage: float
    model: str
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "coverage": self.coverage,
            "model": self.model,
            "warnings": list(self.warnings),
        }


def rows_needed(coverage: float) -> int:
    """The fewest rows for a finite CV+ interval at ``coverage``, and never fewer than MIN_ROWS."""
    # ⌈c(n+1)⌉ ≤ n and ⌊(1−c)(n+1)⌋ ≥ 1 both hold exactly when n ≥ c / (1 − c).
    level = Fraction(str(coverage))
    return max(MIN_ROWS, math.ceil(level / (1 - level)))


class LearnedEstimator:
    """A fitted estimator: the chosen candidate on all rows, and its fold models for intervals."""

    def __init__(
        self,
        summary: EstimatorSummary,
        full: _Fitted,
        folds: list[_Fitted],
        fold_of: np.ndarray,
        residuals: np.ndarray,
        train_num: np.ndarray,
    ) -> None:
        self._summary = summary
        self._full = full
        self._folds = folds
        self._fold_of = fold_of
        self._residuals = residuals
        self._train_num = train_num

    def summary(self) -> EstimatorSummary:
        return self._summary

    @property
    def features(self) -> tuple[Feature, ...]:
        return self._summary.features

    def predict(self, row: Mapping[str, Any], *, coverage: float | None = None) -> Prediction:
        """The cost of ``row`` (a mapping with every feature), with a CV+ interval.

        Warnings name each feature outside the training data: a numeric value
        beyond the observed range by more than 10% of it (a factor, for logged
        features), a category never seen, or a combination of numeric values
        with high leverage.
        """
        level = self._summary.coverage if coverage is None else coverage
        _check_coverage(level, self._summary.n_rows)
        missing = [f.name for f in self.features if f.name not in row]
        if missing:
            raise EstimateError(
                f"the row lacks {', '.join(repr(m) for m in missing)}.",
                hint=f"Give every feature the estimator was fitted on: "
                f"{', '.join(f.name for f in self.features)}.",
            )
        num = numeric_matrix(self.features, [row])
        cats = category_matrix(self.features, [row])
        warnings = extrapolation_warnings(self.features, row, self._train_num, num)
        value = float(self._full.predict(num, cats)[0])
        per_fold = np.array([float(f.predict(num, cats)[0]) for f in self._folds])
        centres = per_fold[self._fold_of]
        n = len(self._residuals)
        alpha = 1 - Fraction(str(level))
        lo_k, hi_k = math.floor(alpha * (n + 1)), math.ceil((1 - alpha) * (n + 1))
        low = float(np.sort(centres - self._residuals)[lo_k - 1])
        high = float(np.sort(centres + self._residuals)[hi_k - 1])
        out = [self._back(value), self._back(low), self._back(high)]
        slack = 1e-3 * abs(out[0])  # a gap under 0.1% of the cost is not worth a warning
        if not out[1] - slack <= out[0] <= out[2] + slack:
            warnings.append(
                "the full-data prediction lies outside the CV+ interval of the fold models; "
                f"the interval was widened to include it ({_show(out[1])}–{_show(out[2])} before)."
            )
        out[1], out[2] = min(out[1], out[0]), max(out[2], out[0])
        for i, what in enumerate(("prediction", "interval's low end", "interval's high end")):
            if out[i] < 0:
                warnings.append(f"the {what} {_show(out[i])} was clipped at 0 (a cost).")
                out[i] = 0.0
        model = self._full.candidate.name
        return Prediction(out[0], out[1], out[2], level, model, tuple(warnings))

    def _back(self, value: float) -> float:
        return math.exp(value) if self._full.candidate.log_target else value


def _show(value: float) -> str:
    return f"{value:,.6g}"


def _check_coverage(coverage: float, n_rows: int) -> None:
    if not 0 < coverage < 1:
        raise EstimateError(
            f"coverage must be between 0 and 1 (got {coverage}).", hint="E.g. 0.8 for 80%."
        )
    needed = rows_needed(coverage)
    if n_rows < needed:
        raise EstimateError(
            f"{coverage:.0%} prediction intervals need at least {needed} past projects; "
            f"there are {n_rows}.",
            hint="Add past projects, or ask for a lower coverage (e.g. 0.8).",
        )


def fit_estimator(
    rows: Any,
    target: str = "actual_cost",
    features: Sequence[str] | None = None,
    *,
    categorical: Sequence[str] = (),
    folds: int = 5,
    coverage: float = 0.8,
    seed: int = 0,
) -> LearnedEstimator:
    """Fit the candidates on ``rows`` (past projects), choose one by K-fold CV MAPE.

    ``features`` defaults to every column but the target; ``categorical``
    forces columns to be categories even when they read as numbers. Folds are
    ``min(folds, rows)`` (leave-one-out when the rows are fewer), shuffled
    with ``seed``; the summary says how many were used.
    """
    table = read_rows(rows)
    kept, y, notes = target_values(table, target)
    table = [table[i] for i in kept]
    names = _feature_names(table, target, features, categorical)
    if features is None:
        names, dropped = _drop_identifiers(table, names, categorical)
        notes += [
            f"{name} was left out: it has a different text value in every row (an identifier "
            "cannot generalise); name it in features= to keep it."
            for name in dropped
        ]
    needed = rows_needed(coverage)
    if len(table) < needed:
        raise EstimateError(
            f"{len(table)} past projects with {target} are too few to fit and cross-validate "
            f"an estimator; at least {needed} are needed"
            + (f" for {coverage:.0%} intervals." if needed > MIN_ROWS else "."),
            hint="Add more past projects (or, for intervals, lower coverage=).",
        )
    _check_coverage(coverage, len(table))
    if folds < 2:
        raise EstimateError(f"folds must be at least 2 (got {folds}).", hint="The default is 5.")
    profiled, feature_notes = profile_features(table, names, categorical)
    num, cats = numeric_matrix(profiled, table), category_matrix(profiled, table)
    k = min(folds, len(table))
    if k < folds:
        notes.append(f"{folds} folds were asked for; {k} were used (leave-one-out): {k} rows.")
    from sklearn.model_selection import KFold

    splits = list(KFold(n_splits=k, shuffle=True, random_state=seed).split(num))
    fold_of = np.empty(len(table), dtype=int)
    for f, (_, test) in enumerate(splits):
        fold_of[test] = f
    scores, fitted = [], []
    for candidate in candidates():
        t = np.log(y) if candidate.log_target else y
        oof = np.empty(len(table))
        models = []
        for train, test in splits:
            sub_cats = [[c[i] for i in train] for c in cats]
            model = _fit(candidate, profiled, num[train], sub_cats, t[train], seed)
            oof[test] = model.predict(num[test], [[c[i] for i in test] for c in cats])
            models.append(model)
        back = np.exp(oof) if candidate.log_target else oof
        scores.append(float(np.mean(np.abs(y - back) / y)))
        fitted.append((candidate, models, np.abs(t - oof)))
    best = int(np.argmin(scores))
    candidate, models, residuals = fitted[best]
    t = np.log(y) if candidate.log_target else y
    full = _fit(candidate, profiled, num, cats, t, seed)
    summary = EstimatorSummary(
        target=target,
        n_rows=len(table),
        features=tuple(profiled),
        folds=k,
        folds_requested=folds,
        seed=seed,
        coverage=coverage,
        interval_method="CV+ (Barber et al. 2021) on the chosen model's out-of-fold residuals",
        candidates=tuple(
            CandidateScore(c.name, c.description, s, i == best)
            for i, (c, s) in enumerate(zip(candidates(), scores, strict=True))
        ),
        chosen=candidate.name,
        chosen_cv_mape=scores[best],
        notes=tuple(notes + feature_notes),
    )
    return LearnedEstimator(summary, full, models, fold_of, residuals, num)


def _drop_identifiers(
    table: list[dict[str, Any]], names: list[str], categorical: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Split off text columns with a different value in every row (project ids, names)."""
    kept: list[str] = []
    dropped: list[str] = []
    for name in names:
        values = [r.get(name) for r in table]
        texts = [v for v in values if isinstance(v, str) and v.strip()]
        unique = len(texts) == len(values) > 5 and len(set(texts)) == len(texts)
        is_text = any(as_number(v) is None for v in texts)
        (dropped if unique and is_text and name not in categorical else kept).append(name)
    return kept, dropped


def _feature_names(
    table: list[dict[str, Any]],
    target: str,
    features: Sequence[str] | None,
    categorical: Sequence[str],
) -> list[str]:
    columns = list(dict.fromkeys(k for r in table for k in r))
    names = [c for c in columns if c != target] if features is None else list(features)
    unknown = [n for n in [*names, *categorical] if n not in columns]
    if unknown:
        raise EstimateError(
            f"no column named {unknown[0]!r} in the rows." + did_you_mean(unknown[0], columns),
            hint=f"Columns: {', '.join(columns)}.",
        )
    if target in names:
        raise EstimateError(
            f"the target {target!r} cannot also be a feature.", hint="Drop it from features=."
        )
    if not names:
        raise EstimateError("there are no features to learn from.", hint="Name them in features=.")
    return names
