"""Ids made from labels: the one slug rule of evidence-brief.

In:  text (an acronym, an arm or outcome label) and the ids already taken.
Out: a slug of lower-case letters, digits and hyphens (the model's ``Slug``),
     unique among ``taken``, that YAML reads back as text.
"""

from __future__ import annotations

import re

import yaml


def slug(text: str, limit: int = 40) -> str:
    """``"Serious adverse events"`` -> ``serious-adverse-events``, cut at a hyphen near ``limit``."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(s) > limit:
        s = s[:limit]
        s = s.rsplit("-", 1)[0] if "-" in s[limit // 2:] else s
    s = s.strip("-")
    return s if s and s[0].isalnum() else f"x-{s}".strip("-") or "x"


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``; added to ``taken``."""
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: 63 - len(suffix)].rstrip("-") + suffix
        n += 1
    taken.add(candidate)
    return candidate


def unique_slug(text: str, taken: set[str], *, prefix: str) -> str:
    """A new id for ``text``; ``prefix`` starts it when the slug alone would read as a number or boolean."""
    base = slug(text) if text.strip() else prefix
    if yaml.safe_load(base) != base:   # "no", "2019", "1e3" read back as a boolean or a number
        base = f"{prefix}-{base}"
    return unique(base, taken)
