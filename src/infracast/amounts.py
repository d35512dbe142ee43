"""The one way infracast reads a number a user wrote: flags, YAML, CSV and Python values.

Accepted (docs/numbers.md):

- text: ``1000000``, ``1234.56``, ``.5``, ``1e6``, ``2.5E+6``, ``1_000_000``
  (underscores between digits, as in Python), ``1,000,000`` (a comma between
  groups of three digits of the whole part; ``.`` starts the decimals), and a
  leading ``-`` where a negative amount means something;
- numbers: ``int``, ``float`` (read through its shortest repr, so ``0.1`` is
  0.1 and not 0.1000000000000000055…) and ``Decimal``.

Everything else (``1.000.000``, ``1,00``, ``$5``, ``5 USD``, ``nan``, ``inf``,
an empty text, ``true``) is refused with one message that lists these forms.
A value is finite, less than 10^18 in size (:data:`LIMIT`) and, for money, has
at most 12 decimal places (:data:`PLACES`, what the ledger keeps); more is
refused, never rounded. The result is a plain Decimal (no exponent: ``1e6`` is
``Decimal('1000000')``), the form the ledger binds correctly (DuckDB reads the
digits of ``Decimal('1E+6')`` and drops the exponent, storing 1).

YAML is read with :class:`TextNumberLoader`, which keeps numbers as the text
written, so YAML amounts reach this parser digit for digit (``0100`` is 100, not
YAML 1.1's octal 64, and ``12345678901234.567`` is not rounded through a float).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext
from typing import Annotated, Any

import yaml
from pydantic import BeforeValidator, ValidationInfo

from infracast.errors import InfracastError

LIMIT = Decimal(10) ** 18  # exclusive: every amount is less than this in size
PLACES = 12  # decimal places the ledger keeps for budgets, projects, plans and registers
FORMS = (
    "write it as 1000000, 1e6, 1_000_000 or 1,000,000 "
    "(commas between groups of three digits; '.' starts the decimals, as in 1234.56)"
)

_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+"
_NUMBER = re.compile(
    rf"-?(?:(?:{_GROUPED}|{_DIGITS})(?:\.{_DIGITS})?|\.{_DIGITS})(?:[eE][+-]?[0-9]+)?",
    re.ASCII,
)


class AmountError(InfracastError, ValueError):
    """A number that is not written in a form infracast reads, or is out of range."""


def _refuse(name: str, where: str | None, text: str) -> AmountError:
    prefix = f"{where}: " if where else ""
    return AmountError(
        f"{prefix}{name} {text}" if name else f"{prefix}{text}",
        hint="docs/numbers.md shows every form an amount may take and its range.",
        field=name or None,
    )


def _decimal(value: Any, name: str, where: str | None) -> Decimal:
    """``value`` as an exact Decimal, or an AmountError listing the accepted forms."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        raise _refuse(name, where, f"{shown} is not a number: {FORMS}.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)  # its shortest repr; nan and inf are refused below
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _refuse(name, where, f"{value} is not a finite number: {FORMS}.")
        return value
    text = value.strip()
    if not _NUMBER.fullmatch(text):
        what = f"{value!r} is not a number" if text else ("is empty" if name else "empty")
        raise _refuse(name, where, f"{what}: {FORMS}.")
    try:
        return Decimal(text.replace("_", "").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise _refuse(name, where, f"{value!r} is not a number: {FORMS}.") from None


def _places(value: Decimal) -> int:
    """Decimal places that carry a digit (``1.500`` has 1), counted without rounding."""
    if value.is_zero():
        return 0
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing))


def _plain(value: Decimal, places: int | None) -> Decimal:
    """The same number with an exponent of 0 or less (``1E+6`` → ``1000000``); ``-0`` → ``0``.

    With ``places``, trailing zeros beyond them go (``1.5000`` with 2 places → ``1.50``).
    """
    if value.is_zero():
        return Decimal(0)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    with localcontext() as ctx:
        ctx.prec = 60  # exact for every value below LIMIT with up to PLACES places
        if exponent > 0:
            return value.quantize(Decimal(1))
        if places is not None and exponent < -places:
            return value.quantize(Decimal(1).scaleb(-places))
    return value


def parse_number(
    value: Any,
    *,
    name: str = "value",
    where: str | None = None,
    allow_negative: bool = True,
    allow_zero: bool = True,
    max_places: int | None = None,
) -> Decimal:
    """A number written by a user (see the module's docstring) as a plain, finite Decimal.

    ``where`` (a file and line, a flag) starts the message, then ``name`` (may be
    empty when ``where`` names the field). Raises
    :class:`AmountError` for a form that is not accepted, a value whose size is
    10^18 or more, a negative or zero value where it is not allowed, and more
    than ``max_places`` decimal places (None: any).
    """
    number = _decimal(value, name, where)
    shown = value.strip() if isinstance(value, str) else str(value)
    if number.copy_abs() >= LIMIT:
        raise _refuse(
            name,
            where,
            f"{shown} is beyond what the ledger stores: an amount is less than 10^18 "
            "(1,000,000,000,000,000,000) in size.",
        )
    if number < 0 and not allow_negative:
        more = "more than 0" if not allow_zero else "0 or more"
        raise _refuse(name, where, f"{shown} is negative; it must be {more}.")
    if number.is_zero() and not allow_zero:
        raise _refuse(name, where, f"{shown} is zero; it must be more than 0.")
    if max_places is not None and _places(number) > max_places:
        raise _refuse(
            name,
            where,
            f"{shown} has {_places(number)} decimal places; the ledger keeps {max_places}: "
            f"round it to {max_places} or fewer.",
        )
    return _plain(number, max_places)


def parse_amount(
    value: Any,
    *,
    name: str = "amount",
    where: str | None = None,
    allow_negative: bool = False,
    allow_zero: bool = True,
) -> Decimal:
    """An amount of money: :func:`parse_number` with at most :data:`PLACES` decimal places.

    Zero or more by default; ``allow_zero=False`` asks for more than 0 and
    ``allow_negative=True`` admits a leading ``-``.

    >>> parse_amount("1e6"), parse_amount("1,234.50"), parse_amount(0.1)
    (Decimal('1000000'), Decimal('1234.50'), Decimal('0.1'))
    """
    return parse_number(
        value,
        name=name,
        where=where,
        allow_negative=allow_negative,
        allow_zero=allow_zero,
        max_places=PLACES,
    )


def _validator(
    *, allow_negative: bool, allow_zero: bool, max_places: int | None
) -> BeforeValidator:
    def check(value: Any, info: ValidationInfo) -> Decimal:
        try:
            return parse_number(
                value,
                name=info.field_name or "value",
                allow_negative=allow_negative,
                allow_zero=allow_zero,
                max_places=max_places,
            )
        except AmountError as exc:
            raise ValueError(exc.message) from None  # Pydantic reports it under the field

    return BeforeValidator(check)


Amount = Annotated[Decimal, _validator(allow_negative=False, allow_zero=True, max_places=PLACES)]
"""Money of zero or more, read by :func:`parse_amount` (a Pydantic field type)."""

PositiveAmount = Annotated[
    Decimal, _validator(allow_negative=False, allow_zero=False, max_places=PLACES)
]
"""Money of more than zero, read by :func:`parse_amount`."""

SignedAmount = Annotated[
    Decimal, _validator(allow_negative=True, allow_zero=True, max_places=PLACES)
]
"""Money of any sign, read by :func:`parse_amount`."""

Number = Annotated[Decimal, _validator(allow_negative=True, allow_zero=True, max_places=None)]
"""A number that is not money (a ratio, a power, a count of years), read by
:func:`parse_number`; its field sets its own bounds."""


class TextNumberLoader(yaml.SafeLoader):
    """YAML's safe loader, but numbers stay the text written (the fields parse them)."""


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
TextNumberLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _NUMBER_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
