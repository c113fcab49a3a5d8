"""Fill the ``citation`` of an existing record, keeping the rest of the file as it is.

In:  the record's path, the citation (``Node`` from ``fields.citation_node``),
     the citation file's name, and ``force``.
Out: ``Merge``: the new text of the record (validated; nothing is written
     here), the fields added or replaced, and the ``Conflict``s: fields whose
     value differs from the file's. A conflict keeps the record's value unless
     ``force``; either way it is reported, located in the record.

The record is edited with ruamel.yaml's round trip, so its comments, order,
quoting and block styles stay; only the citation's fields change.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..ctgov.yamlout import Node
from ..errors import Problem, RecordError
from ..loader import load_bytes, load_file
from ..model import Citation
from ..validate import check_source

_BEFORE_CITATION = ("id", "acronym", "title")


@dataclass(frozen=True)
class Conflict:
    where: str  # file:line:column
    key: str
    record: object
    file: object
    replaced: bool

    def __str__(self) -> str:
        action = "replaced (--force)" if self.replaced else "kept the record's; --force to take the file's"
        return f"{self.where}: citation.{self.key}: the record has {self.record!r}, the file {self.file!r}: {action}"


@dataclass
class Merge:
    text: str
    filled: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the lines of the record
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _same(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()) == " ".join(b.split())
    return a == b and type(a) is type(b)


def _yaml_value(key: str, value: object) -> object:
    if isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    if key in ("volume", "issue") and isinstance(value, str):
        return DoubleQuotedScalarString(value)  # "321": quoted, or YAML reads a number
    return value


def merge_citation(record: Path, citation: Node, origin: str, *, force: bool = False) -> Merge:
    source = load_file(record)  # located errors for a record that cannot be read at all
    yaml = _yaml()
    try:
        data = yaml.load(record.read_text(encoding="utf-8-sig"))
    except YAMLError as exc:  # pragma: no cover - load_file has already refused what ruamel refuses
        raise RecordError([Problem(str(record), 0, 0, "", f"cannot be read: {exc}")]) from None
    result = Merge("")
    target = data.get("citation")
    if target is not None and not isinstance(target, CommentedMap):
        raise RecordError([source.problem(("citation",), "must be a mapping (authors, title, journal, …) to be "
                                                         "filled; correct or remove it first")])
    if target is None:
        target = CommentedMap()
        if "citation" in data:  # `citation:` with nothing after it
            data["citation"] = target
        else:
            position = max((i + 1 for i, k in enumerate(data) if k in _BEFORE_CITATION), default=0)
            data.insert(position, "citation", target)
        data.yaml_set_comment_before_after_key("citation", before=origin)
    for key, value in citation.items():
        if key not in target:
            target.insert(_position(target, key), key, _yaml_value(key, value))
            result.filled.append(key)
        elif not _same(target[key], value):
            line, column = source.position(("citation", key))
            result.conflicts.append(Conflict(f"{record}:{line}:{column}", key, _plain(target[key]), value, force))
            if force:
                target[key] = _yaml_value(key, value)
                result.filled.append(key)
    for key, lines in citation.notes.items():
        if key in target and key in result.filled:
            target.yaml_set_comment_before_after_key(key, before="\n".join(lines), indent=2)
    out = io.StringIO()
    yaml.dump(data, out)
    result.text = out.getvalue()
    check_source(load_bytes(result.text.encode("utf-8"), str(record)))  # e.g. a doi the model refuses
    return result


def _position(target: CommentedMap, key: str) -> int:
    """Where ``key`` goes among the keys already there: after those the model puts before it."""
    order = list(Citation.model_fields)
    rank = order.index(key) if key in order else len(order)
    return max((i + 1 for i, k in enumerate(target) if k in order and order.index(k) < rank), default=0)


def _plain(value: object) -> object:
    return list(value) if isinstance(value, list) else str(value) if isinstance(value, str) else value
