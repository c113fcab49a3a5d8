"""Write a record as YAML that is pleasant to edit, with comments.

In:  plain data built from ``Node`` (a dict that carries comments for its keys)
     and lists; header comment lines.
Out: YAML text: block style, keys in the order given, Unicode as is, long text
     folded (``>-``) at about ``WIDTH`` columns, multi-line text literal
     (``|-``), pairs such as ``ci`` in flow style (``[1.2, 3.4]``), numbers
     with the text they were printed with (``0.60``), and the comments above
     the keys they explain.

PyYAML cannot emit comments, so the structure is written here; every scalar
goes through ``yaml.safe_dump`` so quoting is YAML's own (``'NO'``, ``'010'``,
``'12:30'`` and ``'1:1'`` come out quoted). ``dump`` reads its output back and
refuses to return text that does not load to the same data.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import yaml

from ..numbers import Printed

WIDTH = 88
FLOW_KEYS = {"ci", "compares", "iqr"}


class Node(dict[str, Any]):
    """A mapping whose keys can carry comment lines (written above the key).

    ``note("", ...)`` puts a comment above the mapping itself (used for list items).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes: dict[str, list[str]] = {}

    def note(self, key: str, text: str) -> Node:
        text = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in str(text))
        for line in text.splitlines() or [""]:
            self.notes.setdefault(key, []).append(line.rstrip())
        return self

    def put(self, key: str, value: Any) -> Node:
        """Set ``key`` unless ``value`` is None or an empty list/mapping."""
        if value is None or (isinstance(value, (list, dict)) and not value):
            return self
        self[key] = value
        return self


def scalar(value: Any) -> str:
    """One scalar as YAML would write it in flow context (quoted when needed); a number as it was printed."""
    if isinstance(value, Printed):
        if yaml.safe_load(value.text) == value:   # "0.60" reads back as the same number
            return value.text
        value = float(value)
    text = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_flow_style=True, sort_keys=False)
    if text.endswith("\n...\n"):
        text = text[:-5]
    return text.rstrip("\n")


def dump(data: Node, header: Sequence[str] = (), blank_before: AbstractSet[str] = frozenset()) -> str:
    out: list[str] = []
    _comments(list(header), 0, out)
    _mapping(data, 0, out, blank_before)
    text = "\n".join(out) + "\n"
    loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if loaded != _plain(data):  # pragma: no cover - a bug in this writer, never bad input
        raise AssertionError("the YAML writer produced text that does not read back to the same record")
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _comments(lines: list[str], indent: int, out: list[str]) -> None:
    pad = " " * indent
    width = max(40, WIDTH - indent - 2)
    for line in lines:
        if not line:
            out.append(f"{pad}#")
            continue
        lead = line[: len(line) - len(line.lstrip())]
        for part in textwrap.wrap(line.lstrip(), width=width, initial_indent=lead, subsequent_indent=lead or "  ",
                                  break_long_words=False, break_on_hyphens=False) or [line]:
            out.append(f"{pad}# {part}".rstrip())


def _mapping(data: dict[str, Any], indent: int, out: list[str], blank_before: AbstractSet[str] = frozenset()) -> None:
    notes = getattr(data, "notes", {})
    for key, value in data.items():
        if key in blank_before and out:
            out.append("")
        _comments(notes.get(key, []), indent, out)
        if isinstance(value, Node):
            _comments(value.notes.get("", []), indent, out)
        _value(value, f"{' ' * indent}{key}:", indent, indent + 2, out, key)


def _value(value: Any, prefix: str, indent: int, content_indent: int, out: list[str], key: Any = None) -> None:
    """Write ``value`` after ``prefix`` (``key:`` or ``-``); nested blocks indent from ``indent``."""
    if isinstance(value, dict):
        if not value:
            out.append(f"{prefix} {{}}")
            return
        out.append(prefix)
        _mapping(value, indent + 2, out)
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append(f"{prefix} []")
        elif key in FLOW_KEYS and all(not isinstance(v, (dict, list, tuple)) for v in value):
            out.append(f"{prefix} [{', '.join(scalar(v) for v in value)}]")
        else:
            out.append(prefix)
            _sequence(value, indent + 2, out)
    elif isinstance(value, str):
        _string(value, prefix, content_indent, out)
    else:
        out.append(f"{prefix} {scalar(value)}")


def _sequence(items: Sequence[Any], indent: int, out: list[str]) -> None:
    notes = getattr(items, "notes", {})
    for i, item in enumerate(items):
        _comments(notes.get(i, []), indent, out)
        if isinstance(item, dict) and item:
            _comments(getattr(item, "notes", {}).get("", []), indent, out)
            lines: list[str] = []
            _mapping(item, indent + 2, lines)
            first = next(j for j, line in enumerate(lines) if not line.lstrip().startswith("#"))
            for line in lines[:first]:  # comments on the first key go above the dash
                out.append(" " * indent + line.lstrip())
            out.append(" " * indent + "- " + lines[first][indent + 2:])
            out.extend(lines[first + 1:])
        else:
            _value(item, " " * indent + "-", indent, indent + 2, out)


def _string(text: str, prefix: str, content_indent: int, out: list[str]) -> None:
    pad = " " * content_indent
    if "\n" in text:
        lines = text.split("\n")
        if not lines[0].startswith(" ") and all(line == line.rstrip() for line in lines):
            out.append(f"{prefix} |-")
            out.extend(f"{pad}{line}" if line else "" for line in lines)
            return
        out.append(f"{prefix} {scalar(text)}")
        return
    plain = scalar(text)
    if len(prefix) + 1 + len(plain) <= WIDTH or " " not in text or "  " in text or text != text.strip():
        out.append(f"{prefix} {plain}")
        return
    out.append(f"{prefix} >-")
    width = max(40, WIDTH - content_indent)
    for line in textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False):
        out.append(f"{pad}{line}")
