"""Arithmetic on numbers as the record prints them, and the words the audit's findings share.

In:  counts, printed percentages, field paths, outcome labels.
Out: whether a percentage fits its counts at its printed precision, the denominators it implies,
     and short texts ("a denominator of 93 or 94", an outcome label without its parenthesis).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

from ..arithmetic import count_text, fraction, half_unit
from ..loader import format_path

EPS = 1e-9


def percent_fits(events: int, total: int, percent: float) -> bool:
    """True when ``100·events/total`` rounds to ``percent`` at the precision it was printed."""
    if total <= 0:
        return False
    return abs(Fraction(100 * events, total) - fraction(percent)) <= half_unit(percent)


def implied_denominators(events: int, percent: float) -> range | None:
    """Every whole n >= events (n >= 1) for which ``events/n`` is ``percent`` as printed.

    None when the set is unbounded (e.g. 0 events at 0%); an empty range when
    no whole number fits. The set is always a run of consecutive numbers.
    """
    p, h = fraction(percent), half_unit(percent)
    low, high = p - h, p + h
    if events == 0:
        return None if low <= 0 else range(0)
    if low <= 0:
        return None
    n_min = max(events, 1, math.ceil(Fraction(100 * events) / high))
    n_max = math.floor(Fraction(100 * events) / low)
    return range(n_min, max(n_min, n_max + 1))


def _path(*parts: str | int) -> str:
    return format_path(parts)


def _list_or(values: Iterable[object]) -> str:
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _denominators_text(ns: range) -> str:
    if len(ns) <= 4:
        return f"a denominator of {_list_or(count_text(n) for n in ns)}"
    return f"a denominator between {count_text(ns[0])} and {count_text(ns[-1])}"


def _short(label: str) -> str:
    """An outcome label without a trailing parenthesis: "DAS28-CRP remission (< 2.6)" -> "DAS28-CRP remission"."""
    text = " ".join(label.split())
    if text.endswith(")"):
        depth = 0
        for k in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[k], 0)
            if depth == 0:
                head = text[:k].rstrip(" ,;:")
                return head if head else text
    return text
