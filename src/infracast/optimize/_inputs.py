"""Checking the optimizers' inputs: items (models or mappings) validated into Pydantic models
with every problem named, names that must be unique, and plain numbers out of the solver."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from infracast.optimize.exceptions import OptimizeError
from infracast.validation import problem, problems_message

M = TypeVar("M", bound=BaseModel)


def _not_a_bool(value: Any) -> Any:
    # pydantic reads true as 1.0 in a float field: a demand of "true" is a mistake, not 1
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {str(value).lower()}")
    return value


Number = Annotated[float, BeforeValidator(_not_a_bool)]
"""A float field that refuses true and false (pydantic would read them as 1 and 0)."""
NonNegative = Annotated[float, Field(ge=0), BeforeValidator(_not_a_bool)]
"""A :data:`Number` ≥ 0. The bound comes before the validator so that inside ``X | None``
it still reaches the JSON schema as ``minimum`` (``Field(ge=0)`` on the union, or after
the validator, writes a raw ``ge`` that no client reads)."""


def validate_item(model: type[M], item: Any, what: str, number: int, name_key: str) -> M:
    """``item`` (a ``model`` or a mapping of its fields) as a ``model``; an OptimizeError
    naming the item (``what`` and its ``number``, with its name under ``name_key``) and every
    problem of it at once."""
    if isinstance(item, model):
        return item
    if not isinstance(item, Mapping):
        raise OptimizeError(
            f"{what} {number} is a {type(item).__name__}, not a mapping of its fields.",
            hint=f"Give each {what} as a mapping (a CSV row, a YAML entry) or a {model.__name__}.",
        )
    name = item.get(name_key)
    label = f"{what} {number}" + (f" ({name!r})" if name not in (None, "") else "")
    try:
        return model.model_validate(dict(item))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            said = problem(err, model.model_fields)
            place = ".".join(str(p) for p in err["loc"])
            problems.append(f"{place}: {said}" if place else said)
        fields = ", ".join(f"{n}*" if f.is_required() else n for n, f in model.model_fields.items())
        first = exc.errors()[0]["loc"]
        raise OptimizeError(
            problems_message(label, problems),
            hint=f"A {what} has the fields {fields} (* = required); "
            "docs/optimize.md describes each.",
            field=str(first[0]) if first else None,
        ) from None


def validate_items(
    model: type[M], items: Iterable[Any], what: str, name_key: str = "name"
) -> list[M]:
    """:func:`validate_item` of each of ``items``, numbered from 1."""
    return [validate_item(model, x, what, i, name_key) for i, x in enumerate(items, start=1)]


def check_unique(names: Sequence[str], what: str) -> None:
    """An OptimizeError when two ``what``s share a name."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise OptimizeError(
                f'two {what}s are named "{name}".',
                hint=f"Give each {what} a unique name.",
                field=what,
            )
        seen.add(name)


def plain(value: float) -> float:
    """A plain float rounded to 9 decimals (solver noise), with -0.0 as 0.0."""
    out = round(float(value), 9)
    return 0.0 if out == 0 else out
