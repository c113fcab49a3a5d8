"""JSON text with every number exactly as the record printed it.

In:  plain data whose numbers are ``Decimal`` (from ``numbers.exact``), int or bool.
Out: indented JSON text (UTF-8, names like Møller-Bisgaard as they are), in
     which ``Decimal("0.60")`` is written ``0.60``: the standard ``json`` module
     would write floats, and 0.60 would come out 0.6.
"""

from __future__ import annotations

import json
from decimal import Decimal


def dumps(value: object, indent: int = 2) -> str:
    return _dump(value, indent, 0) + "\n"


def _dump(value: object, indent: int, depth: int) -> str:
    pad, inner = " " * (indent * depth), " " * (indent * (depth + 1))
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_dump(v, indent, depth + 1)}"
                 for k, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_dump(v, indent, depth + 1)}" for v in value) + f"\n{pad}]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return format(value, "f")
    if isinstance(value, (str, bool, int)) or value is None:
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as exact JSON (numbers must be Decimal or int)")
