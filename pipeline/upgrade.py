"""Version-1 study records, upgraded to version 2.

In:  a ``loader.Source`` of any version (``prepare``, used by ``validate``), or
     a record file (``upgrade_file``, the ``evidence-brief upgrade`` command).
Out: ``prepare``: the Source to validate and its warnings. A version-2 record
     is returned as it is; a version-1 one (no ``record:`` key, or
     ``record: 1``) as an ``UpgradedSource``: version-2 data whose positions and
     field names are those of the user's file, so every problem still points at
     the line the user wrote. Any other version is a located error.
     ``upgrade_file``: the file rewritten in place as version 2 (comments, key
     order and quoting kept, by ruamel.yaml's round trip), written atomically,
     only when the upgraded record validates to exactly the study that
     validating the version-1 file gives.

The mapping (version 1 -> version 2):
- ``record: 2`` and ``kind: trial`` at the top;
- ``registration: {...}`` -> ``registrations: [{...}]``;
- ``design.type: non-inferiority`` -> ``type: parallel`` and ``hypothesis: non-inferiority``;
- ``outcomes[i].effect: {...}`` -> ``outcomes[i].effects: [{...}]``; in a study of
  more than two arms an effect without ``compares`` compared the first two arms,
  which it now says;
- each harm gains an ``id``: the slug of its label, unique among outcome and harm ids;
- ``appraisal.grade {certainty, outcome, reasons}`` -> ``certainty {level, note}`` on
  the outcome whose label is ``grade.outcome`` (else the first primary outcome,
  else the first outcome);
- everything else is unchanged.
"""

from __future__ import annotations

import copy
import io
import os
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, RecordError
from .loader import Path_, Source, format_path, load_bytes, read_record_bytes
from .slugs import unique_slug

CURRENT = 2


# --- the mapping, on plain data or on ruamel.yaml's round-trip data ---------------

_Map = dict[str, Any]   # a mapping of the record: a dict, or ruamel.yaml's CommentedMap

@dataclass
class _Shape:
    """How to build and edit mappings and lists of one kind of data (plain, or round-trip)."""

    new_map: Callable[[], _Map]
    new_seq: Callable[[list[Any]], list[Any]]

    def insert(self, mapping: _Map, pos: int, key: str, value: Any) -> None:
        if hasattr(mapping, "insert"):   # ruamel's CommentedMap keeps its comments through insert
            mapping.insert(pos, key, value)
            return
        items = list(mapping.items())
        items.insert(pos, (key, value))
        mapping.clear()
        mapping.update(items)

    def rename(self, mapping: _Map, old: str, new: str, value: Any) -> None:
        """Replace key ``old`` by ``new`` (with ``value``) at the same place, keeping its comments."""
        pos = list(mapping).index(old)
        comments = getattr(mapping, "ca", None)
        comment = comments.items.pop(old, None) if comments is not None else None
        del mapping[old]
        self.insert(mapping, pos, new, value)
        if comments is not None and comment is not None:
            comments.items[new] = comment


_PLAIN = _Shape(new_map=dict, new_seq=list)


@dataclass
class Upgrade:
    """What upgrading did: version-2 paths moved from version-1 paths, and notes on both."""

    moved: list[tuple[Path_, Path_]] = field(default_factory=list)    # (v2 path, v1 path): the same value
    placed: list[tuple[Path_, Path_]] = field(default_factory=list)   # (v2 path, v1 path): a new value shown there
    warnings: list[tuple[Path_, str]] = field(default_factory=list)   # at version-1 paths
    problems: list[tuple[Path_, str]] = field(default_factory=list)   # at version-1 paths


def upgrade_data(data: _Map, shape: _Shape = _PLAIN) -> Upgrade:
    """Upgrade version-1 ``data`` to version 2 in place."""
    done = Upgrade()
    had_record = "record" in data
    if had_record:
        data["record"] = CURRENT
    else:
        shape.insert(data, 0, "record", CURRENT)
        done.placed.append((("record",), ()))
    if "kind" not in data:
        shape.insert(data, list(data).index("record") + 1, "kind", "trial")
        done.placed.append((("kind",), ("record",) if had_record else ()))

    if "registration" in data and "registrations" not in data:
        value = data["registration"]
        shape.rename(data, "registration", "registrations", shape.new_seq([] if value is None else [value]))
        done.moved.append((("registrations", 0), ("registration",)))
        done.placed.append((("registrations",), ("registration",)))

    design = data.get("design")
    if isinstance(design, dict) and design.get("type") == "non-inferiority":
        design["type"] = "parallel"
        if "hypothesis" not in design:
            shape.insert(design, list(design).index("type") + 1, "hypothesis", "non-inferiority")
            done.placed.append((("design", "hypothesis"), ("design", "type")))

    outcomes = found if isinstance(found := data.get("outcomes"), list) else []
    arms = found if isinstance(found := data.get("arms"), list) else []
    arm_ids = [a.get("id") for a in arms if isinstance(a, dict)]
    for i, outcome in enumerate(outcomes):
        if not isinstance(outcome, dict) or "effect" not in outcome or "effects" in outcome:
            continue
        effect = outcome["effect"]
        shape.rename(outcome, "effect", "effects", shape.new_seq([] if effect is None else [effect]))
        done.moved.append((("outcomes", i, "effects", 0), ("outcomes", i, "effect")))
        done.placed.append((("outcomes", i, "effects"), ("outcomes", i, "effect")))
        if isinstance(effect, dict) and effect.get("compares") is None and len(arm_ids) > 2 \
                and all(isinstance(a, str) for a in arm_ids[:2]):
            effect["compares"] = shape.new_seq(arm_ids[:2])
            done.placed.append((("outcomes", i, "effects", 0, "compares"), ("outcomes", i, "effect")))

    _harm_ids(data, shape, done, outcomes)
    _grade(data, shape, done, outcomes)
    return done


def _harm_ids(data: _Map, shape: _Shape, done: Upgrade, outcomes: list[Any]) -> None:
    harms = found if isinstance(found := data.get("harms"), list) else []
    taken = {i for o in outcomes + harms if isinstance(o, dict) and isinstance(i := o.get("id"), str)}
    for i, harm in enumerate(harms):
        if not isinstance(harm, dict) or "id" in harm:
            continue
        label = harm.get("label")
        harm_id = unique_slug(label if isinstance(label, str) else "", taken, prefix="harm")
        shape.insert(harm, 0, "id", harm_id)
        done.placed.append((("harms", i, "id"), ("harms", i, "label") if "label" in harm else ("harms", i)))


def _grade(data: _Map, shape: _Shape, done: Upgrade, outcomes: list[Any]) -> None:
    appraisal = data.get("appraisal")
    if not isinstance(appraisal, dict) or not isinstance(appraisal.get("grade"), dict):
        return
    grade = appraisal["grade"]
    where = ("appraisal", "grade")
    candidates = [(i, o) for i, o in enumerate(outcomes) if isinstance(o, dict)]
    if not candidates:
        done.problems.append((where, "version 2 keeps the GRADE certainty on the outcome it rates, and this record "
                                     "has no outcome; add the outcome, or remove appraisal.grade"))
        return
    named = grade.get("outcome")
    wanted = _words(named) if isinstance(named, str) else None
    match = next((i for i, o in candidates
                  if wanted and isinstance(o.get("label"), str) and _words(o["label"]) == wanted), None)
    if match is None:
        match = next((i for i, o in candidates if o.get("primary") is True), candidates[0][0])
        if wanted:
            done.warnings.append((where + ("outcome",),
                                  f"no outcome is labelled {named!r}; the GRADE certainty now sits on "
                                  f"outcomes[{match}] ({outcomes[match].get('label')!r}): move it if that is wrong"))
    target = outcomes[match]
    if "certainty" in target:
        done.problems.append((where, f"outcomes[{match}] already has a certainty; keep one of the two"))
        return
    certainty = shape.new_map()
    base = ("outcomes", match, "certainty")
    for old, new in (("certainty", "level"), ("reasons", "note")):
        if old in grade:
            certainty[new] = grade[old]
            done.moved.append((base + (new,), where + (old,)))
    for key, value in grade.items():   # anything else (unknown in version 1 too) is reported where it was
        if key not in ("certainty", "reasons", "outcome"):
            certainty[key] = value
            done.moved.append((base + (key,), where + (key,)))
    done.placed.append((base, where))
    keys = list(target)
    shape.insert(target, keys.index("note") if "note" in keys else len(keys), "certainty", certainty)
    _move_comments(appraisal, grade, certainty)
    del appraisal["grade"]


def _move_comments(appraisal: _Map, grade: _Map, certainty: _Map) -> None:
    """Round trip: the end-of-line comments of grade's keys go with them; comment lines after it stay in place."""
    comments = getattr(grade, "ca", None)
    if comments is None:
        return
    from ruamel.yaml.comments import CommentedMap  # a round trip: ruamel.yaml is loaded already

    if not isinstance(appraisal, CommentedMap) or not isinstance(certainty, CommentedMap):
        return
    renamed = {"certainty": "level", "reasons": "note"}
    lines: list[str] = []
    for key, entry in comments.items.items():
        token = entry[2] if len(entry) > 2 else None
        if token is None:
            continue
        first, _, rest = token.value.partition("\n")
        if first.strip() and renamed.get(key, key) in certainty:
            certainty.yaml_add_eol_comment(first.strip(), renamed.get(key, key))
        lines += [line.strip()[1:].strip() for line in rest.splitlines() if line.strip().startswith("#")]
    keys = list(appraisal)
    following = keys[keys.index("grade") + 1:]
    if lines and following:
        column = appraisal.lc.key(following[0])[1] if hasattr(appraisal, "lc") else 0
        appraisal.yaml_set_comment_before_after_key(following[0], before="\n".join(lines), indent=column)


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


# --- validation of a version-1 file, located in the user's lines ---------------------

def _translate(path: Path_, pairs: list[tuple[Path_, Path_]], *, reverse: bool = False) -> Path_:
    """``path`` with its longest matching prefix replaced (version 2 -> 1, or 1 -> 2 with ``reverse``)."""
    best: tuple[Path_, Path_] | None = None
    for new, old in pairs:
        src, dst = (old, new) if reverse else (new, old)
        if path[:len(src)] == src and (best is None or len(src) > len(best[0])):
            best = (src, dst)
    if best is None:
        return path
    return best[1] + path[len(best[0]):]


@dataclass
class UpgradedSource(Source):
    """A version-1 file's Source holding version-2 data; positions and field names stay the file's."""

    renames: list[tuple[Path_, Path_]] = field(default_factory=list)

    def original(self, path: Path_) -> Path_:
        return _translate(tuple(path), self.renames)

    def position(self, path: Path_, *, prefer_key: bool = False) -> tuple[int, int]:
        return super().position(self.original(path), prefer_key=prefer_key)

    def field_name(self, path: Path_) -> str:
        return format_path(self.original(path))


def version_of(source: Source) -> int:
    """The record version of ``source`` (1 when it has no ``record`` key); a located error for any other."""
    if "record" not in source.data:
        return 1
    value = source.data["record"]
    if isinstance(value, int) and not isinstance(value, bool) and value in (1, CURRENT):
        return value
    shown = source.scalars.get(("record",), repr(value))
    raise RecordError(source.problems + [source.problem(
        ("record",), f"version {shown[:40]} is not one evidence-brief reads; write record: {CURRENT} "
                     f"(a version-1 record has no record key, or record: 1)")])


def prepare(source: Source) -> tuple[Source, list[Problem]]:
    """The Source to validate (a version-1 record upgraded in memory) and warnings about the upgrade."""
    if version_of(source) == CURRENT:
        return source, []
    data = copy.deepcopy(source.data)
    done = upgrade_data(data)
    moved = done.moved
    upgraded = UpgradedSource(
        file=source.file, data=data, values=source.values, keys=source.keys,
        scalars={_translate(p, moved, reverse=True): raw for p, raw in source.scalars.items()},
        problems=source.problems + [source.problem(p, m) for p, m in done.problems],
        refused={_translate(p, moved, reverse=True) for p in source.refused},
        renames=moved + done.placed)
    command = f"evidence-brief upgrade {shlex.quote(source.file)}"
    warnings = [source.problem(("record",) if "record" in source.data else (),
                               f"version-1 record; run `{command}` to rewrite it as version {CURRENT}")]
    warnings += [source.problem(p, m) for p, m in done.warnings]
    return upgraded, warnings


# --- rewriting a file ------------------------------------------------------------

def upgrade_file(path: str | Path) -> str:
    """Rewrite the version-1 record at ``path`` as version 2; return what was done, in one line.

    Raises ``RecordError`` (located in the file as it is) when the record does not
    validate; a version-2 record is left untouched.
    """
    from .atomic import write_files
    from .validate import check_source

    path = Path(path)
    raw = read_record_bytes(path)
    source = load_bytes(raw, str(path))
    if version_of(source) == CURRENT:
        return f"{path}: already version {CURRENT}; left as it is"
    expected = check_source(source).study
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    new_text = rewrite(text)
    if "\r\n" in text:
        new_text = new_text.replace("\r\n", "\n").replace("\n", "\r\n")
    new_raw = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    again = check_source(load_bytes(new_raw, str(path)))
    if again.study != expected:  # pragma: no cover - a bug in the rewrite, never the user's
        raise AssertionError(f"the rewritten {path} does not hold the same record as the version-1 file")
    mode = path.stat().st_mode & 0o7777
    write_files({path: new_raw})
    os.chmod(path, mode)
    return f"{path}: upgraded to version {CURRENT}"


def rewrite(text: str) -> str:
    """The version-1 YAML ``text`` as version 2, keeping comments, key order, quoting and layout."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    mapping, offset = _indentation(text)

    def seq(items: list[Any]) -> CommentedSeq:
        out = CommentedSeq(items)
        if all(not isinstance(item, (dict, list)) for item in items) and items:
            out.fa.set_flow_style()   # a pair such as compares: [a, b]
        for item in items:
            if isinstance(item, CommentedMap):   # a mapping moved into a list, two columns to the right
                item.ca.comment = None            # its key's end-of-line comment stays with the key
                _shift_comments(item, offset + 2 - mapping)
        return out

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096   # never re-wrap a line the user wrote
    rt.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    data = rt.load(text)
    upgrade_data(data, _Shape(new_map=CommentedMap, new_seq=seq))
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def _shift_comments(node: Any, by: int) -> None:
    """Move the full-line comments inside ``node`` ``by`` columns, as its values moved."""
    if by <= 0:
        return
    tokens: list[Any] = []
    comments = getattr(node, "ca", None)
    if comments is not None:
        for entry in [comments.comment, *comments.items.values()]:
            tokens += [t for t in (entry or []) if t is not None and not isinstance(t, list)]
    for token in tokens:
        token.value = re.sub(r"\n( *)#", lambda m: "\n" + m.group(1) + " " * by + "#", token.value)
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        _shift_comments(child, by)


def _indentation(text: str) -> tuple[int, int]:
    """(mapping indent, offset of a list's dash) as the file writes them; 2 and 2 when it does not say."""
    mapping = offset = None
    previous = ""
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        parent = len(previous) - len(previous.lstrip(" "))
        if previous.rstrip().endswith(":") and not previous.lstrip().startswith("- "):
            if stripped.startswith("- ") and offset is None:
                offset = indent - parent
            elif not stripped.startswith("- ") and mapping is None and indent > parent:
                mapping = indent - parent
        previous = line
        if mapping is not None and offset is not None:
            break
    return (mapping or 2, max(0, offset if offset is not None else 2))
