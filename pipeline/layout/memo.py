"""Lay out once per study: the brief, the deck, the figures and their alt text ask for the same
layouts (same width and font size) several times, e.g. while the brief tries heights for a band.

In:  a layout function of ``(study, *args)`` whose result depends only on them and is not changed
by its callers (layouts are frozen dataclasses). Out: the same function, remembering its results
for the study it was last given (by identity), so a long run over many studies holds one study's
layouts at a time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")


def per_study(layout: Callable[..., R]) -> Callable[..., R]:
    study_of_memo: list[Any] = [None]
    memo: dict[tuple[Any, ...], R] = {}

    @functools.wraps(layout)
    def remembered(study: Any, *args: Any) -> R:
        if study_of_memo[0] is not study:
            memo.clear()
            study_of_memo[0] = study
        if args not in memo:
            memo[args] = layout(study, *args)
        return memo[args]

    return remembered
