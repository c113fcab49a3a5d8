"""Numbers as they were printed.

In:  the text of a number as a record writes it (``14.0``, ``0.60``, ``1e-7``).
Out: ``Printed``, a float that remembers that text, so every output can show
     the number with the decimals the paper printed, and ``exact`` gives the
     ``Decimal`` to do exact arithmetic with.

The loader makes a ``Printed`` of every YAML float; the model's number fields
turn ints and plain floats (from the registry importer, from tests) into one, so
every number in a ``Study`` has its text. Arithmetic on a ``Printed`` gives a
plain float: a computed value has no printed text until ``content`` formats it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


class Printed(float):
    """A float with the text it was written as."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, value: float | int | str, text: str | None = None) -> Printed:
        number = super().__new__(cls, value)
        number.text = _normal_text(text if text is not None else _shortest(value))
        return number

    # float's stub says tuple[float]; pickle passes any tuple to __new__, and the text must survive it.
    def __getnewargs__(self) -> tuple[float, str]:  # type: ignore[override]
        return (float(self), self.text)

    def __repr__(self) -> str:
        return f"Printed({self.text!r})"

    @property
    def decimals(self) -> int:
        """Digits after the decimal point as printed (``0.60`` → 2, ``1e-7`` → 7, ``12`` → 0)."""
        exponent = exact(self).as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0


def printed(value: float | int | str, text: str | None = None) -> Printed:
    """``value`` as a ``Printed``; one that already is keeps its text."""
    if isinstance(value, Printed) and text is None:
        return value
    return Printed(value, text)


def exact(value: float | int) -> Decimal:
    """The exact decimal a number was printed as (for a plain float, its shortest repr)."""
    text = value.text if isinstance(value, Printed) else _shortest(value)
    try:
        return Decimal(text)
    except InvalidOperation:  # a text that is not plain decimal notation (never made here)
        return Decimal(repr(float(value)))


def decimals(value: float | int) -> int:
    """Digits after the decimal point as printed."""
    return printed(value).decimals if isinstance(value, (Printed, float, int)) else 0


def _shortest(value: float | int | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    number = float(value)
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def _normal_text(text: str) -> str:
    """YAML spellings of the same number made plain: ``+1.5`` → ``1.5``, ``1_000.5`` → ``1000.5``, ``.5`` → ``0.5``."""
    text = text.strip().replace("_", "")
    if text.startswith("+"):
        text = text[1:]
    if text.startswith("."):
        text = "0" + text
    elif text.startswith("-."):
        text = "-0" + text[1:]
    return text
