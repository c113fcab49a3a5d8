"""Pydantic's field errors as located problems a person can act on.

In:  a loaded ``Source`` and the record's model class (``Study``, or ``Review``).
Out: ``parse_model``: the model (or None) and every problem, each at its line and column, saying what
     was expected, what was found and, where it helps, the fix ("did you mean 'label'?", a YAML 1.1 trap).
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem
from ..loader import Path_, Source, scalar_hint
from ..model import Study
from ..numbers import Printed

SHOWN_UNKNOWN = 20          # unknown fields listed one by one; the rest are summarised in one line


def parse_model(source: Source, root: type[BaseModel]) -> tuple[Any, list[Problem]]:
    """``source.data`` as a ``root`` model (or None), and the loader's and the fields' problems."""
    problems = list(source.problems)
    try:
        return root.model_validate(source.data), problems
    except ValidationError as exc:
        field_problems = _translate(source, exc, root)
    # A field error at the same spot as a loader note says it better; keep one. Except where
    # the loader refused the value (a tag): "got nothing" would hide why.
    refused = {source.field_name(path) for path in source.refused}
    field_problems = [p for p in field_problems if p.field not in refused]
    spots = {(p.line, p.column, p.field) for p in field_problems}
    return None, [p for p in problems if (p.line, p.column, p.field) not in spots] + field_problems


_PATTERN_MESSAGES = {
    "^[a-z0-9][a-z0-9-]{0,62}$": "must be a short name of lower-case letters, digits and hyphens, "
                                  "safe as a folder name (e.g. 'imagine-ra'); no '/', '..' or spaces",
    r"^10\.\d{4,9}/\S+$": "must be a DOI such as 10.1001/jama.2018.21362 (without https://doi.org/)",
    r"^https?://\S+$": "must be a web address starting with https://",
    r"^[1-9]\d*(:[1-9]\d*)+$": "must be a ratio of whole numbers from 1 up, such as 1:1 or 2:1 (in quotes: \"2:1\")",
    r"^PMC\d+$": "must be a PubMed Central id such as PMC6440221",
    r"^\d{1,9}$": "must be a PubMed id of digits only, in quotes (e.g. \"30747957\")",
}
_TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "float_type": "a number",
    "bool_type": "true or false", "literal_error": None, "list_type": "a list",
    "model_type": "a mapping of fields", "dict_type": "a mapping of fields", "tuple_type": "a list of two values",
    "model_attributes_type": "a mapping of fields",
}


def _translate(source: Source, exc: ValidationError, root: type[BaseModel] = Study) -> list[Problem]:
    """Pydantic's errors as located problems; ``root`` is the record's model (for "did you mean")."""
    grouped: dict[Path_, list[ErrorDetails]] = {}
    for err in exc.errors(include_url=False):
        path = _data_path(source.data, err["loc"], err["type"])
        grouped.setdefault(path, []).append(err)
    summary: list[Problem] = []
    unknown = [path for path, errs in grouped.items() if any(e["type"] == "extra_forbidden" for e in errs)]
    if len(unknown) > SHOWN_UNKNOWN + 1:  # list the first few; 40,000 lines would bury everything else
        unknown.sort(key=lambda path: source.position(path, prefer_key=True))
        hidden = unknown[SHOWN_UNKNOWN:]
        for path in hidden:
            del grouped[path]
        summary.append(Problem(source.file, *source.position(hidden[0], prefer_key=True), "",
                               f"… and {len(hidden):,} more unknown fields from here on (not listed); "
                               f"is this a study record?"))
    deeper = {path[:n] for path in grouped for n in range(len(path))}
    listed: set[Path_] = set()   # parents whose valid fields were listed once already
    out = summary
    for path, errs in grouped.items():
        if path in deeper and all(e["type"] in _TYPE_WORDS for e in errs):
            continue  # a union's "expected one of ..." at a value whose own parts are wrong says nothing
        out.append(_problem_for(source, path, errs, listed, root))
    return out


def _data_path(data: Any, loc: tuple[int | str, ...], err_type: str) -> Path_:
    """Keep the parts of pydantic's loc that name real keys/indices (drop union tags)."""
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(current, dict) and isinstance(part, str):
            if part in current:
                path.append(part)
                current = current[part]
            elif last and err_type in ("missing", "extra_forbidden"):
                path.append(part)
        elif isinstance(current, list) and isinstance(part, int):
            if 0 <= part < len(current):
                path.append(part)
                current = current[part]
            elif err_type == "missing":
                path.append(part)   # a pair with one item: the second is missing
                break
    return tuple(path)


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _problem_for(source: Source, path: Path_, errs: list[ErrorDetails], listed: set[Path_],
                 root: type[BaseModel] = Study) -> Problem:
    kinds = {e["type"] for e in errs}
    value = _value_at(source.data, path)
    if isinstance(value, float) and not math.isfinite(value):
        return source.problem(path, "must be a finite number (not .nan or .inf)")
    if "missing" in kinds:
        parent = path[:-1]
        if isinstance(path[-1], int):
            return Problem(source.file, *source.position(parent), source.field_name(parent),
                           "needs two values, "
                           f"[{'arm, reference arm' if parent[-1:] == ('compares',) else 'lower, upper'}]")
        return Problem(source.file, *source.position(parent, prefer_key=True), source.field_name(path),
                       f"required field {path[-1]!r} is missing")
    if "extra_forbidden" in kinds:
        import difflib  # only a record with a problem needs it

        valid = _field_names(path[:-1], root)
        close = difflib.get_close_matches(str(path[-1]), valid, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else \
            f"; valid fields here: {', '.join(valid)}" if path[:-1] not in listed else ""
        listed.add(path[:-1])
        return source.problem(path, f"unknown field {str(path[-1])[:60]!r}{hint}", prefer_key=True)
    if _is_huge(value):
        return source.problem(path, f"{_describe(value)} is far outside any range this field allows")
    specific = [e for e in errs if e["type"] not in _TYPE_WORDS and e["type"] != "none_required"]
    if specific:
        return source.problem(path, _message(specific[0], value) + _union_tail(errs))
    expected = _expected(errs)
    got = _describe(value)
    hint = scalar_hint(source, path, value) if "string_type" in kinds else ""
    if "float_type" in kinds and isinstance(value, str) and _looks_like_a_number(value):
        hint = f" (YAML 1.1 reads {value!r} as text: write a number with a decimal point, such as 1.0e-7)"
    return source.problem(path, f"expected {expected}, got {got}{hint}")


def _looks_like_a_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_huge(value: Any) -> bool:
    """A number too large for a float (pydantic says "not a valid number" of it)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return abs(value) > 10 ** 300


def _message(err: ErrorDetails, value: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        return _PATTERN_MESSAGES.get(ctx.get("pattern", ""), f"does not have the expected form ({ctx.get('pattern')})")
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "finite_number":
        return "must be a finite number (not .nan or .inf)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        bound_text = f"{bound:g}" if isinstance(bound, float) else str(bound)
        return f"must be {sign} {bound_text} (got {_number_text(value)})"
    if kind == "too_short" and "min_length" in ctx and "actual_length" in ctx:
        need = ctx["min_length"]
        return f"needs at least {need} item{'s' if need != 1 else ''} (got {ctx['actual_length']})"
    if kind == "too_long" and "max_length" in ctx and "actual_length" in ctx:
        return f"may have at most {ctx['max_length']} items (got {ctx['actual_length']})"
    if kind in ("too_short", "too_long"):
        return err["msg"].replace("List", "the list").replace("Tuple", "the list")
    if kind == "string_too_long":
        return f"is too long ({len(value)} characters; at most {ctx.get('max_length')})"
    return err["msg"]


def _union_tail(errs: list[ErrorDetails]) -> str:
    if any(e["type"] == "literal_error" and "not reported" in str(e.get("ctx", {}).get("expected", "")) for e in errs):
        return ", or 'not reported' / 'not in sources'"
    return ""


def _expected(errs: list[ErrorDetails]) -> str:
    words: list[str] = []
    for e in errs:
        if e["type"] == "literal_error":
            word = "one of " + str(e["ctx"]["expected"])
        else:
            word = _TYPE_WORDS.get(e["type"]) or e["msg"]
        if word not in words:
            words.append(word)
    return " or ".join(words)


def _number_text(value: Any) -> str:
    """A number as the record wrote it; a very long whole number by its length."""
    if isinstance(value, Printed):
        return value.text
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 15:
        return f"a whole number of {len(str(abs(value))):,} digits"
    return repr(value) if isinstance(value, (int, float)) else str(value)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int) and abs(value) >= 10 ** 15:
        return _number_text(value)
    if isinstance(value, (int, float)):
        return f"the number {_number_text(value)}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _field_names(path: Path_, root: type[BaseModel] = Study) -> list[str]:
    """The valid field names of the model at ``path`` (indices skipped)."""
    model: type[BaseModel] | None = root
    for part in path:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        model = _inner_model(info.annotation) if info else None
    return list(model.model_fields) if model else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_model(typing.get_args(annotation)[0])
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found:
                return found
    return None
