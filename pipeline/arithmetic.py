"""Exact arithmetic on numbers as they were printed, and their plain text.

In:  numbers from a record (``numbers.Printed``, which keep their printed
     text) or computed ones (float, ``Decimal``, ``Fraction``).
Out: the exact value a printed number stands for (``fraction``), what its
     rounding may hide (``half_unit``: 14.0 hides 0.05, 14 hides 0.5), and
     text for the audit's messages and the absolute effects: fixed decimals
     with U+2212 for minus and never "−0", signs, counts with thousands
     separators. ``content`` formats what the outputs show; this module only
     serves the audit's own sentences, so the two never disagree on a rule
     that matters to a reader (decimals as printed, the minus sign).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .numbers import decimals as _printed_decimals
from .numbers import exact as _exact_decimal

MINUS = "\u2212"
Exact = float | Decimal | Fraction


def decimals(value: float) -> int:
    """Decimal places a number was printed with: 85 -> 0, 14.0 -> 1 (a ``Printed``), 0.05 -> 2."""
    return _printed_decimals(value)


def half_unit(value: float) -> Fraction:
    """Half a unit in the last printed place: what rounding may hide."""
    return Fraction(1, 2 * 10 ** decimals(value))


def fraction(value: float) -> Fraction:
    """The exact value a number was printed as."""
    return Fraction(_exact_decimal(value))


def exact_decimal(value: float) -> Decimal:
    """The exact decimal a number was printed as."""
    return _exact_decimal(value)


def rounded(value: Exact, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals."""
    q = Decimal(1).scaleb(-places)
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    elif not isinstance(value, Decimal):
        value = _exact_decimal(value) if hasattr(value, "text") else Decimal(repr(float(value)))
    return value.quantize(q, rounding=ROUND_HALF_UP)


def fixed(value: Exact, places: int) -> str:
    """Fixed decimals, U+2212 for minus, never "−0"."""
    d = rounded(value, places)
    if d == 0:
        d = abs(d)
    return f"{d:,f}".replace("-", MINUS) if abs(d) >= 10000 else f"{d:f}".replace("-", MINUS)


def signed(value: Exact, places: int) -> str:
    """Fixed decimals with "+" before a positive value."""
    text = fixed(value, places)
    return f"+{text}" if rounded(value, places) > 0 else text


def as_printed(value: float) -> str:
    """A number as printed: 85 -> 85, 14.0 -> 14.0, -4.8 -> −4.8."""
    return fixed(value, decimals(value))


def as_printed_signed(value: float) -> str:
    return signed(value, decimals(value))


def count_text(n: int) -> str:
    """A count as readers see it elsewhere: 1306 -> 1,306."""
    return f"{n:,}"


def percent_text(value: float) -> str:
    return f"{as_printed(value)}%"


def number_or_none(value: object) -> float | None:
    """A number field's value, or None for absent / "not reported" / "not in sources"."""
    return value if isinstance(value, float) else None
