"""Counts beyond what a record can hold, left out of an imported record.

In:  the record the importer built (``Node`` mappings and lists).
Out: the same record, changed in place: every count above ``model.MAX_COUNT`` (a registry
     value such as a STARTED of 1,000,000,000, or a sum of such values) becomes "not reported"
     with a ``registry:`` comment on its key, and each is reported through ``warn``.

The registry's numbers are checked where they are read (unparseable text, a count larger than
the arm it belongs to); this is the one bound every count shares, applied once to what was built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..loader import Path_, format_path
from ..model import MAX_COUNT, NOT_REPORTED
from .yamlout import Node


def leave_out_huge_counts(data: Any, warn: Callable[[str], None], path: Path_ = ()) -> None:
    """Replace every int above ``MAX_COUNT`` under ``data`` by "not reported", with a comment and a warning."""
    keyed: list[tuple[Any, Any]] = (list(data.items()) if isinstance(data, dict)
                                    else list(enumerate(data)) if isinstance(data, list) else [])
    for key, value in keyed:
        here = (*path, key)
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_COUNT:
            data[key] = NOT_REPORTED
            if isinstance(data, Node):
                data.note(key, f"registry: {value:,} is more than a record can hold (at most {MAX_COUNT:,}); "
                               "left out")
            warn(f"{format_path(here)}: {value:,} is more than a record can hold (at most {MAX_COUNT:,}); left out")
        else:
            leave_out_huge_counts(value, warn, here)
