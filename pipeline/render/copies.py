"""Dataclass instances copied cheaply, for the renderers' hot loops.

In:  an instance of a plain dataclass (no ``__post_init__``, no ``__slots__``) and field changes. Out: a new
instance with the changes, made without ``dataclasses.replace``'s cost (it checks every field and runs
``__init__``, about five times slower): the brief moves tens of thousands of drawing operations as its blocks
are stacked, and the deck's fitting cuts thousands of table cells a study.
"""

from __future__ import annotations

from typing import Any, TypeVar

_Item = TypeVar("_Item")


def copied(item: _Item, **changes: Any) -> _Item:
    """``replace(item, **changes)``; a change to no field is refused (``TypeError``), as ``replace`` refuses it."""
    if changes and (unknown := changes.keys() - item.__dict__.keys()):
        raise TypeError(f"{type(item).__name__} has no field {', '.join(sorted(unknown))}")
    out = object.__new__(type(item))
    out.__dict__.update(item.__dict__, **changes)
    return out
