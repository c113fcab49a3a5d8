"""Read a study record file into plain data, remembering where every value stands.

In:  a path (or bytes and a display name).
Out: ``Source``: the plain data (dicts, lists, str, int, float, bool, None) as
     ``yaml.safe_load`` would give (each finite float a ``numbers.Printed``
     that keeps the text it was written as), plus the line and column of every key and
     value, and the original text of every scalar (to explain YAML 1.1 traps).

Stricter than ``yaml.safe_load``:
- at most 1 MiB, strict UTF-8 (a byte-order mark is accepted), exactly one
  document, a mapping at the top, at most ``MAX_DEPTH`` levels of nesting and
  ``MAX_VALUES`` values after aliases are expanded (no alias bombs);
- no tags beyond YAML's plain ones (``!!python/object`` never constructs);
- duplicate keys are an error naming both lines;
- keys are taken as written (``no:`` is the key "no", not False);
- numbers that YAML 1.1 reads surprisingly (``010`` as octal 8, ``12:30`` as
  750) are an error with a hint to quote them.

Problems the file cannot be read past raise ``RecordError`` at once; the rest
are returned in ``Source.problems`` so validation can report everything together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader

from .errors import Problem, RecordError
from .inputfile import NotReadable, looks_like_utf16, read_limited
from .numbers import Printed

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 40
MAX_VALUES = 50_000

Path_ = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}
_NON_PRINTABLE = Reader.NON_PRINTABLE
_SURPRISING_NUMBER = re.compile(r"^[-+]?(0[0-9_]+|0o[0-7]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$")


@dataclass
class Source:
    """A record file read into plain data with positions (1-based line, column)."""

    file: str
    data: dict[str, Any]
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    scalars: dict[Path_, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refused: set[Path_] = field(default_factory=set)  # values the loader replaced by None (with a problem)

    def position(self, path: Path_, *, prefer_key: bool = False) -> tuple[int, int]:
        """Line and column of ``path``, or of its nearest ancestor that exists."""
        path = tuple(path)
        while True:
            if prefer_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: Path_, message: str, *, prefer_key: bool = False) -> Problem:
        line, column = self.position(path, prefer_key=prefer_key)
        return Problem(self.file, line, column, self.field_name(path), message)

    def field_name(self, path: Path_) -> str:
        """The field ``path`` as the user wrote it, e.g. ``arms[0].label``."""
        return format_path(path)


def format_path(path: Path_) -> str:
    """``('arms', 0, 'label')`` -> ``arms[0].label``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_path(text: str) -> Path_:
    """``arms[0].label`` -> ``('arms', 0, 'label')`` (the inverse of ``format_path``)."""
    out: list[str | int] = []
    for piece in text.split("."):
        name, _, rest = piece.partition("[")
        if name:
            out.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            out.append(int(index))
            rest = rest.lstrip("[")
    return tuple(out)


def load_file(path: str | Path) -> Source:
    """Read and parse the record at ``path``. Raises ``RecordError`` if unreadable."""
    return load_bytes(read_record_bytes(path), str(path))


def read_record_bytes(path: str | Path) -> bytes:
    """The bytes of the record file at ``path`` (a regular file of at most ``MAX_BYTES``). Raises ``RecordError``."""
    name = str(path)
    try:
        return read_limited(path, MAX_BYTES, "record")
    except NotReadable as exc:
        raise RecordError([Problem(name, 0, 0, "", str(exc))]) from None


def load_bytes(raw: bytes, name: str) -> Source:
    """Parse record bytes; ``name`` is used in messages. Raises ``RecordError``."""
    if len(raw) > MAX_BYTES:
        raise RecordError([_too_big(name, len(raw))])
    text = _decode(raw, name)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise RecordError([Problem(name, 1, 1, "", "the file is empty; a record is a YAML mapping "
                                                   "(see schema/study-record.schema.json)")])
    _check_printable(text, name)
    node = _compose(text, name)
    if node is None:
        raise RecordError([Problem(name, 1, 1, "", "the file holds no values; a record is a YAML mapping "
                                                   "(see schema/study-record.schema.json)")])
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        raise RecordError([Problem(name, node.start_mark.line + 1, node.start_mark.column + 1, "",
                                   f"the top level is {kind}; a record must be a mapping of fields "
                                   "(id: ..., title: ...)")])
    source = Source(file=name, data={})
    walker = _Walker(source)
    source.data = walker.build(node, ())
    return source


# libyaml (PyYAML's C reader) reads a record about twenty times faster than the pure-Python reader. A file
# it refuses is read again by the pure-Python reader, whose messages (and marks) the problems have always used.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str, name: str) -> Node | None:
    """The record's node tree; its event stream bounded first (``_check_events``). Raises ``RecordError``."""
    if _FAST_LOADER is not None:
        try:
            _check_events(text, name, _FAST_LOADER)
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    try:
        _check_events(text, name, yaml.SafeLoader)
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise RecordError([_yaml_problem(name, exc, text)]) from None


def _too_big(name: str, size: int) -> Problem:
    return Problem(name, 0, 0, "", f"the file is {size:,} bytes; a record may be at most {MAX_BYTES:,} bytes (1 MiB)")


def _decode(raw: bytes, name: str) -> str:
    if looks_like_utf16(raw):
        raise RecordError([Problem(name, 1, 1, "", "the file is not UTF-8, it looks like UTF-16 "
                                                   "(as some Windows editors save); save it as UTF-8")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        lenient = raw.decode("utf-8-sig", errors="replace")
        index = len(raw[: exc.start].decode("utf-8-sig", errors="replace"))
        raise RecordError([Problem(name, line, column, _field_at(lenient, index),
                                   f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02X}); "
                                   "save it as UTF-8")]) from None


def _check_printable(text: str, name: str) -> None:
    """Raw control characters (the YAML reader refuses them) as a located problem, not a crash."""
    match = _NON_PRINTABLE.search(text)
    if match is None:
        return
    index = match.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    code = ord(match.group())
    what = "non-character" if code >= 0x80 else "control character"
    raise RecordError([Problem(name, line, column, _field_at(text, index),
                               f"the file contains the invisible {what} U+{code:04X}, which YAML does not allow; "
                               "remove it")])


@dataclass(slots=True)
class _Frame:
    """An open mapping or sequence while walking events: its path and where in it the walk stands."""

    path: Path_
    mapping: bool
    expecting_key: bool = True
    key: str = "?"      # a mapping's current key
    index: int = 0      # a sequence's next index


def _located_events(text: str, loader: Any = yaml.SafeLoader) -> Iterator[tuple[yaml.Event, Path_ | None]]:
    """Parse events with the path of every node they start (a key scalar gets its key's path)."""
    stack: list[_Frame] = []
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if not stack:
                path: Path_ = ()
            else:
                frame = stack[-1]
                if not frame.mapping:
                    path = (*frame.path, frame.index)
                    frame.index += 1
                elif frame.expecting_key:
                    frame.key = event.value if isinstance(event, yaml.ScalarEvent) else "?"
                    path = (*frame.path, frame.key)
                    frame.expecting_key = False
                else:
                    path = (*frame.path, frame.key)
                    frame.expecting_key = True
            yield event, path
            if isinstance(event, yaml.MappingStartEvent):
                stack.append(_Frame(path, mapping=True))
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append(_Frame(path, mapping=False, expecting_key=False))
        else:
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)) and stack:
                stack.pop()
            yield event, None


def _field_at(text: str, index: int) -> str:
    """The field (dotted path) of the last value or key that starts at or before ``index``."""
    found: Path_ = ()
    try:
        for event, path in _located_events(_NON_PRINTABLE.sub(" ", text)):
            if event.start_mark is not None and event.start_mark.index > index:
                break
            if path is not None:
                found = path
    except yaml.YAMLError:
        pass
    return format_path(found)


def _check_events(text: str, name: str, loader: Any) -> None:
    """One pass over the event stream (no recursion, no construction) to bound the input; the reader's own
    errors (``yaml.YAMLError``) pass through."""
    depth = 0
    documents = 0
    for event, path in _located_events(text, loader):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                line, column = _place(event.start_mark)
                raise RecordError([Problem(name, line, column, "",
                                           "a second YAML document starts here; a record file holds exactly one "
                                           "document (remove the extra '---')")])
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _place(event.start_mark)
                raise RecordError([Problem(name, line, column, _short_path(path or ()),
                                           f"values are nested more than {MAX_DEPTH} levels deep; "
                                           "a record needs far fewer")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _short_path(path: Path_) -> str:
    """A field path, with a long run of list indices elided (deep nesting)."""
    text = format_path(path)
    return text if len(text) <= 60 else text[:40] + "…" + text[-12:]


class _Mark(Protocol):
    """Where an event or node starts (PyYAML's pure-Python and C parsers each have a Mark class)."""

    line: int
    column: int


def _place(mark: _Mark | None) -> tuple[int, int]:
    """Line and column (from 1) of a mark; 0, 0 without one."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _yaml_problem(name: str, exc: yaml.MarkedYAMLError, text: str | None = None) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "invalid YAML"
    if exc.context and "quoted scalar" in exc.context and exc.context_mark and "end of stream" in what:
        # An unclosed quote runs to the end of the file: point at where it opened.
        mark = exc.context_mark
        what = "a quoted value starts here but its closing quote is missing"
    line, column = _place(mark)
    if "\t" in what or "'\\t'" in what:
        what += " (YAML does not allow tabs for indentation; use spaces)"
    context = f" ({exc.context})" if exc.context and exc.context not in what and "closing quote" not in what else ""
    field_ = _field_at(text, mark.index) if text is not None and mark is not None else ""
    return Problem(name, line, column, field_, f"YAML syntax: {what}{context}")


class _Walker:
    """Turns composed nodes into plain data, recording positions and raw scalars."""

    def __init__(self, source: Source):
        self.source = source
        self.constructor = SafeConstructor()
        self.count = 0

    def build(self, node: Any, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            mark = node.start_mark
            raise RecordError([Problem(self.source.file, mark.line + 1, mark.column + 1, _short_path(path),
                                       f"the record expands to more than {MAX_VALUES:,} values (YAML aliases?); "
                                       "a record needs far fewer")])
        if len(path) > MAX_DEPTH:  # only reachable through aliases (the event pass bounds written nesting)
            mark = node.start_mark
            raise RecordError([Problem(self.source.file, mark.line + 1, mark.column + 1, _short_path(path[:MAX_DEPTH]),
                                       f"values nest more than {MAX_DEPTH} levels deep once YAML aliases are expanded "
                                       f"(an alias refers to itself?); write the values out")])
        self.source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _PLAIN_TAGS:
            self.source.problems.append(self.source.problem(
                path, f"the YAML tag {node.tag!r} is not allowed; write plain values"))
            self.source.refused.add(path)
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.source.problems.append(
                    self.source.problem(path, "a key must be a plain word, not a list or mapping"))
                continue
            key = key_node.value
            key_path = path + (key,)
            position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in out:
                first = self.source.keys[key_path]
                self.source.problems.append(Problem(
                    self.source.file, position[0], position[1], format_path(key_path),
                    f"duplicate key {key!r}: first given at line {first[0]}, again at line {position[0]}; keep one"))
                continue
            self.source.keys[key_path] = position
            out[key] = self.build(value_node, key_path)
        return out

    def _scalar(self, node: ScalarNode, path: Path_) -> Any:
        self.source.scalars[path] = node.value
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates stay text; fields that want dates say so
        try:
            value = self.constructor.construct_object(node)
        except yaml.MarkedYAMLError as exc:
            self.source.problems.append(_yaml_problem(self.source.file, exc))
            return None
        except ValueError:  # int() refuses more than sys.get_int_max_str_digits() digits
            self.source.problems.append(self.source.problem(
                path, f"a whole number of {len(node.value.strip()):,} characters; no field holds a number this long"))
            self.source.refused.add(path)
            return None
        if (isinstance(value, (int, float)) and not isinstance(value, bool) and not node.style
                and _SURPRISING_NUMBER.match(node.value.strip())):
            self.source.problems.append(self.source.problem(
                path, f"YAML 1.1 reads {node.value!r} as the number {value!r}; "
                      f"put it in quotes if it is text, or write the number plainly"))
        if isinstance(value, float) and math.isfinite(value):
            return Printed(value, node.value)
        return value


def scalar_hint(source: Source, path: Path_, value: Any) -> str:
    """Why a non-string value was read where text was expected, with the fix."""
    raw = source.scalars.get(tuple(path))
    if raw is None:
        return ""
    if isinstance(value, bool):
        return f" (YAML 1.1 reads {raw!r} as {str(value).lower()}; put it in quotes: \"{raw}\")"
    if value is None:
        if raw == "":
            return " (the value is empty; write the text, or remove the key)"
        return f" (YAML reads {raw!r} as empty; put it in quotes)"
    if isinstance(value, (int, float)):
        return f" (YAML reads {raw!r} as the number {value!r}; put it in quotes: \"{raw}\")"
    return ""
