"""The one fit search (``search``: the first attempt that fits, else the best ranked; ``largest_fit``: the same
search started from a guessed size), and what the diagrams share: the font sizes to try, the first layout
that fits, the overflow named.

In:  a diagram's layouts at each size, largest first, as ``Attempt``s (the diagram, whether a word had to
     be broken across lines, the record fields each box shows). Out: the diagram chosen, or the text of a
     ``LayoutError`` naming the fields in the tallest boxes of the last attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..errors import LayoutError
from .geometry import Diagram

T = TypeVar("T")


@dataclass(frozen=True)
class Attempt:
    diagram: Diagram
    broken: bool                      # a word had to be broken across lines
    fields: dict[str, list[str]]      # box id -> record fields shown in it


def sizes(base_size: float, min_size: float) -> list[float]:
    """Font sizes to try: ``base_size`` down to ``min_size`` in 0.5 pt steps."""
    if base_size < min_size:
        raise LayoutError(f"base size {base_size:g} pt is below the minimum {min_size:g} pt")
    out = []
    s = base_size
    while s >= min_size - 1e-9:
        out.append(round(s, 2))
        s -= 0.5
    if out[-1] > min_size:
        out.append(min_size)
    return out


def search(attempts: Iterable[T], fits: Callable[[T], bool],
           rank: Callable[[T], float | None] | None = None,
           floor: Callable[[T], float] | None = None) -> tuple[T | None, T | None]:
    """The one fit search (largest type first): the first attempt that ``fits``; else, of the attempts ``rank``
    ranks (not None), the lowest ranked, the first of equals; else None. The last attempt is returned too, for
    the error message. ``floor``, when given, is a cheap bound never above ``rank``: an attempt whose floor is
    no lower than the lowest rank so far cannot be chosen, so it is not ranked. Used by the diagrams
    (``first_fit``), the brief's page and the deck's slides."""
    best: T | None = None
    best_rank: float | None = None
    last: T | None = None
    for attempt in attempts:
        last = attempt
        if fits(attempt):
            return attempt, last
        if rank is None or (floor is not None and best_rank is not None and floor(attempt) >= best_rank):
            continue
        r = rank(attempt)
        if r is not None and (best_rank is None or r < best_rank):
            best, best_rank = attempt, r
    return best, last


def largest_fit(steps: Sequence[float], fit: Callable[[float], T | None], guess: Callable[[T], float]) -> T | None:
    """The one search started from a guess, for a layout whose every size is costly: ``fit`` at the largest of
    ``steps`` (largest first) where it gives a result (a smaller size never fits worse). ``fit`` at the smallest
    size first (None: nothing fits); then, from the size ``guess`` reads off that layout, down (``search``) to
    the first size that fits, and up while the next size fits too."""
    smallest = fit(steps[-1])
    if smallest is None:
        return None
    last = len(steps) - 1
    start = next((k for k, s in enumerate(steps) if s <= guess(smallest)), last)
    def fits(tried: tuple[int, T | None]) -> bool:
        return tried[1] is not None

    tries: Iterable[tuple[int, T | None]] = ((k, fit(steps[k]) if k < last else smallest)
                                              for k in range(start, last + 1))
    found = search(tries, fits)[0]
    i, best = found if found is not None else (last, smallest)
    while i > 0 and (up := fit(steps[i - 1])) is not None:
        i, best = i - 1, up
    return best


def first_fit(attempts: Iterable[Attempt], height: float) -> tuple[Diagram | None, Attempt | None]:
    """The first diagram, largest size first, that fits ``height`` without breaking a word; else the first
    that fits at all; else None. The last attempt is returned too, for the error message."""
    def fits(a: Attempt) -> bool:
        return a.diagram.height <= height and not a.broken

    def rank(a: Attempt) -> float | None:      # a word broken: only when nothing fits whole
        return 0.0 if a.diagram.height <= height else None

    found = search(attempts, fits, rank)     # (unpacked apart: mypy would read T as "Attempt | None")
    chosen, last = found
    return (chosen.diagram if chosen is not None else None), last


def too_long_message(what: str, width: float, height: float, min_size: float, last: Attempt | None) -> str:
    """Name the fields in the tallest boxes of a layout that did not fit."""
    if last is None:
        return f"{what}: nothing was laid out in {width:.0f} × {height:.0f} pt"
    diagram = last.diagram
    ranked = sorted(diagram.boxes, key=lambda b: len(b.lines), reverse=True)
    named: list[str] = []
    for box in ranked[:3]:
        for f in last.fields.get(box.id, []):
            if f not in named:
                named.append(f)
    names = ", ".join(named[:6]) or "the record"
    return (f"{what}: the content needs {diagram.height:.0f} pt of height but only {height:.0f} pt is available "
            f"at {width:.0f} pt wide, even with {min_size:g} pt text; shorten: {names}")
