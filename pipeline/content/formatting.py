"""Numbers and short texts as a reader sees them: the one formatter.

In:  values of the record (``Printed`` numbers, counts, P values, the missing-value words).
Out: strings: ``number``/``signed``/``count``/``interval``/``p_value`` and the per-arm cell
     (``arm_cell``), with the conventions the package's docstring states.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..model import NOT_IN_SOURCES, NOT_REPORTED, ArmResult, is_placeholder, known
from ..numbers import Printed

NR = "not reported"
NIS = "not in our sources"
NOT_YET = "not yet written"
MINUS = "\u2212"
MISSING_WORDS = {NOT_REPORTED: NR, NOT_IN_SOURCES: NIS}
ABSENT = (NR, NIS)


# --- numbers ------------------------------------------------------------------

def missing(value: object) -> str:
    """The reader's words for a value the record marks missing (or leaves out)."""
    return MISSING_WORDS.get(value, NR) if isinstance(value, str) else NR


def number(value: float | int | str | None, decimals: int | None = None) -> str:
    """A number as printed: ``Printed('14.0')`` -> "14.0", ``-4.8`` -> "−4.8"; ``decimals`` fixes the
    places of a computed value; None or a missing marker -> "not reported" / "not in our sources"."""
    if value is None or isinstance(value, str):
        return missing(value)
    if decimals is not None:
        text = f"{float(value):.{decimals}f}"
        if float(text) == 0:
            text = text.lstrip("-")
    elif isinstance(value, Printed):
        text = _plain(value.text, value)
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif float(value).is_integer() and abs(value) < 1e16:
        text = str(int(value))
    else:
        text = _plain(repr(float(value)), value)
    return text.replace("-", MINUS)


def _plain(text: str, value: float) -> str:
    """Decimal notation for a printed text (``1e-7`` -> ``0.0000001``)."""
    if "e" not in text.lower():
        return text
    try:
        return format(Decimal(text), "f")
    except InvalidOperation:  # never made by numbers.Printed; kept total for plain floats
        return f"{value:f}"


def signed(value: float | str | None, decimals: int | None = None) -> str:
    """Like ``number`` with an explicit + for positive values (differences)."""
    text = number(value, decimals)
    return f"+{text}" if isinstance(value, (int, float)) and value > 0 else text


def count(value: int | str | None) -> str:
    """A count with thousands separators: 12,345; or why it is missing."""
    n = known(value)
    return missing(value) if n is None else f"{n:,}"


def n_equals(value: int | str | None) -> str:
    """"n = 1,234"; "n not reported"; "n not in our sources"."""
    n = known(value)
    return f"n = {n:,}" if n is not None else f"n {missing(value)}"


def interval(lower: float, upper: float) -> str:
    """"0.60 to 0.90" (never a dash, which would read as a minus)."""
    return f"{number(lower)} to {number(upper)}"


def p_value(p: float | str | None) -> str:
    """"P = 0.01", "P < 0.001" (as printed), or why it is missing."""
    if p is None:
        return NR
    if isinstance(p, str):
        p = " ".join(p.split())
        if p.lower() in (NOT_REPORTED, NOT_IN_SOURCES):
            return missing(p.lower())
        if p.upper().startswith("P"):
            return p
        if p[0] in "<>=≤≥":
            return f"P {p[0]} {p[1:].strip()}" if p[1:].strip() else f"P {p}"
        return f"P = {p}"
    return f"P = {number(p)}"


def text_or_placeholder(value: str | None) -> str | None:
    """Free text on one line (white space folded), "not yet written" for a placeholder, the reader's words
    for a text that only says "not reported" / "not in sources", None for None."""
    if value is None:
        return None
    if is_placeholder(value):
        return NOT_YET
    text = _flat(value)
    return MISSING_WORDS.get(text.lower(), text)


def _flat(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


# --- per-arm results ------------------------------------------------------------

def rate_text(value: float, unit: str) -> str:
    """"1.69% per year", "29.14 per 1000 person-years"."""
    unit = _flat(unit)
    return f"{number(value)}{unit}" if unit.startswith("%") else f"{number(value)} {unit}"


def with_unit(text: str, unit: str | None) -> str:
    """"−14.9" + "%" -> "−14.9%"; + "kg" -> "−14.9 kg"."""
    if not unit or text in ABSENT:
        return text
    unit = _flat(unit)
    return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}"


def arm_cell(result: ArmResult | None, kind: str = "binary", unit: str | None = None) -> str:
    """One arm's result as reported, said for what it is: "64/76 (84.2%)", "386 (1.69% per year)",
    "15.1% at 3 years", "change −14.9% (SD 2.1), n = 1306", "median 3 kg (IQR 1 to 5)" (``unit``: of a
    continuous outcome's values)."""
    if result is None:
        return NR
    events, total = known(result.events), known(result.total)
    parts: list[str] = []
    extras: list[str] = []
    if isinstance(result.percent, (int, float)):
        extras.append(f"{number(result.percent)}%")
    if result.rate is not None:
        extras.append(rate_text(result.rate.value, result.rate.unit))
    if result.kaplan_meier is not None:
        extras.append(f"{number(result.kaplan_meier.percent)}% at {_flat(result.kaplan_meier.at)}")
    if events is not None:
        head = f"{events:,}/{total:,}" if total is not None else f"{events:,}"
        if result.person_time is not None:
            head += f" in {number(result.person_time.value)} {_flat(result.person_time.unit)}"
        parts.append(head + (f" ({'; '.join(extras)})" if extras else ""))
    elif extras:
        parts.append("; ".join(extras) + (f", n = {total:,}" if total is not None and result.mean is None
                                          and result.median is None else ""))
    if result.mean is not None:
        word = "change" if result.change else "mean"
        spread = ""
        if result.sd is not None:
            spread = f" (SD {number(result.sd)})"
        elif result.se is not None:
            spread = f" (SE {number(result.se)})"
        elif result.ci is not None:
            spread = f" (95% CI {interval(*result.ci)})"
        n = f", n = {total:,}" if total is not None else ""
        parts.append(f"{word} {with_unit(number(result.mean), unit)}{spread}{n}" if not isinstance(result.mean, str)
                     else f"{word} {missing(result.mean)}")
    if result.median is not None:
        word = "median change" if result.change else "median"
        iqr = f" (IQR {interval(*result.iqr)})" if result.iqr else ""
        n = f", n = {total:,}" if total is not None and result.mean is None else ""
        parts.append(f"{word} {with_unit(number(result.median), unit)}{iqr}{n}")
    if parts:
        return "; ".join(parts)
    for value in (result.percent, result.mean, result.events):
        if isinstance(value, str):
            return missing(value)
    if total is not None:
        return f"n = {total:,}"
    return NR
