"""Match the registry's result groups (flow, outcome, adverse-event groups) to arms.

In:  arms as ``ArmKey`` (id and the names it goes by) and a list of groups
     (``{"id": "OG000", "title": "Placebo (FAS)", "description": ...}``).
Out: ``{group id: arm id}`` for the groups that are the arms; the rest are not
     arms (switch groups such as "Placebo->OL CZP", extensions, totals).

Each module numbers and titles its groups its own way ("Placebo",
"Placebo (FAS)", "1 Placebo", "Patients Who Received Placebo"), and the order
can differ between outcome measures, so groups are matched by name, never by
position: equal names after tidying, then one name contained in the other,
then similar text (difflib) of names and descriptions; one group per arm.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

THRESHOLD = 0.6
_SWITCH = re.compile(r"->|→|=>|\bswitch|\bto\s+(ol|open[- ]label)\b|\bre-?randomi[sz]ed\b", re.I)
_EXTENSION = re.compile(r"\b(sfe|ole|ol|open[- ]label|extension|follow[- ]?up|long[- ]term|rollover|total|overall)\b",
                        re.I)
_NUMBERING = re.compile(r"^\s*(\d{1,2}|[a-z])\s*[.):]\s+|^\s*\d\s+(?!(mg|g|ml|mcg|µg|kg|iu|units?|x|times|doses?|"
                        r"days?|weeks?|months?|years?|hours?|h|min)\b)(?=[a-z])", re.I)


def strip_numbering(title: str) -> str:
    """``"2. repaglinide"`` -> ``"repaglinide"``, ``"1 Placebo"`` -> ``"Placebo"``."""
    stripped = _NUMBERING.sub("", title, count=1).strip()
    return stripped or title.strip()


def norm(title: str | None) -> str:
    t = strip_numbering(title or "").lower()
    t = re.sub(r"\s*\((fas|ss|itt|mitt|pps?|rs|safety set|full analysis set|per protocol set|"
               r"intention[- ]to[- ]treat|randomi[sz]ed set)\)\s*$", "", t)
    return " ".join(re.sub(r"[^\w%+]+", " ", t).split())


def _tokens(text: str) -> set[str]:
    return set(text.split())


@dataclass
class ArmKey:
    id: str
    names: list[str] = field(default_factory=list)
    description: str = ""


def score(title: str, description: str | None, arm: ArmKey) -> float:
    """How well a group named ``title`` stands for ``arm`` (0 to 1)."""
    return _score(title, description, tuple(arm.names), arm.description)


@lru_cache(maxsize=4096)
def _score(title: str, description: str | None, names: tuple[str, ...], arm_description: str) -> float:
    group = norm(title)
    if not group:
        return 0.0
    best = 0.0
    switch = bool(_SWITCH.search(title))
    for name in names:
        alias = norm(name)
        if not alias:
            continue
        if group == alias:
            return 1.0
        if switch and not _SWITCH.search(name):
            continue
        s = difflib.SequenceMatcher(None, group, alias).ratio()
        tg, ta = _tokens(group), _tokens(alias)
        if tg and ta:
            if ta <= tg or tg <= ta:
                s = max(s, 0.85)
            s = max(s, len(tg & ta) / len(tg | ta))
        if _EXTENSION.search(title) and not _EXTENSION.search(name):
            s *= 0.5
        best = max(best, s)
    if switch:
        return best
    if description and arm_description:
        d = difflib.SequenceMatcher(None, norm(description)[:500], norm(arm_description)[:500]).ratio()
        if d >= 0.8 and not _EXTENSION.search(title):
            best = max(best, d)
    return best


def assign(groups: list[dict[str, Any]], arms: list[ArmKey], threshold: float = THRESHOLD) -> dict[str, str]:
    """One group per arm, best matches first. Returns ``{group id: arm id}``."""
    pairs: list[tuple[float, str, str]] = []
    for g in groups:
        gid, title = g.get("id"), g.get("title")
        if not isinstance(gid, str) or not isinstance(title, str):
            continue
        for arm in arms:
            s = score(title, g.get("description") if isinstance(g.get("description"), str) else None, arm)
            if s >= threshold:
                pairs.append((s, gid, arm.id))
    return best_pairs(pairs)


_Left = TypeVar("_Left", bound=Hashable)
_Right = TypeVar("_Right", bound=Hashable)


def best_pairs(pairs: Iterable[tuple[float, _Left, _Right]]) -> dict[_Left, _Right]:
    """Greedy one-to-one matching: ``(score, left, right)`` pairs, best score first, each side used once.
    Returns ``{left: right}``."""
    out: dict[_Left, _Right] = {}
    taken: set[_Right] = set()
    for _, left, right in sorted(pairs, key=lambda p: -p[0]):
        if left in out or right in taken:
            continue
        out[left] = right
        taken.add(right)
    return out


def subgroups(groups: list[dict[str, Any]], arm: ArmKey, threshold: float = THRESHOLD) -> list[tuple[str, str]]:
    """For a one-arm study: every group of ``arm`` with what sets it apart.

    ``"Healthy Participants: Carrot"`` -> ``("OG000", "Carrot")``; a group that is
    the arm itself gives an empty suffix.
    """
    out = []
    for g in groups:
        gid, title = g.get("id"), g.get("title")
        if not isinstance(gid, str) or not isinstance(title, str):
            continue
        if score(title, g.get("description") if isinstance(g.get("description"), str) else None, arm) < threshold:
            continue
        suffix = title.strip()
        for name in sorted(arm.names, key=len, reverse=True):
            if norm(title) == norm(name):
                suffix = ""
                break
            if title.lower().startswith(name.lower()):
                suffix = title[len(name):].strip(" :-–,;")
                break
        out.append((gid, suffix))
    return out
