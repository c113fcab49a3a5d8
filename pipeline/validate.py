"""Validate a record: field checks (pydantic) and cross-field checks, located in the file.

In:  a path, or a ``loader.Source``.
Out: ``Checked(study, warnings)``; or ``RecordError`` holding every problem at
     once, each as ``file:line:column: field.path: message``.

Cross-field checks: arm ids used in flow, outcomes and harms exist; per arm
allocated ≤ randomized, completed and analysed ≤ allocated, completed +
discontinued + lost ≤ allocated; events ≤ total; a confidence interval
contains its estimate; arm sizes sum to the number randomized; excluded ≤
assessed. Warnings (never fatal): importer placeholders, fewer than three key
messages, a record id that differs from its file name.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem, RecordError
from .loader import Path_, Source, format_path, load_file, scalar_hint
from .model import Study, is_placeholder, known
from .review.model import is_review


@dataclass(frozen=True)
class Checked:
    """A valid study and the warnings about it (``Problem`` objects)."""

    study: Study
    warnings: list[Problem] = field(default_factory=list)
    file: str = ""


def load_study(path: str | Path) -> Checked:
    """Read, parse and validate the record at ``path``. Raises ``RecordError``."""
    return check_source(load_file(path))


def check_source(source: Source) -> Checked:
    if is_review(source.data):  # a systematic review or meta-analysis: its own model and checks
        from .review.validate import check_review
        return check_review(source)
    study, problems = parse_model(source, Study)
    if study is not None:
        problems.extend(_cross_checks(source, study))
        problems.extend(_glyph_checks(source))
    if problems:
        raise RecordError(problems)
    assert study is not None
    return Checked(study, _warnings(source, study), source.file)


def is_review_checked(checked) -> bool:
    """True for what ``check_source`` returns for a review record (``review.validate.CheckedReview``)."""
    return getattr(getattr(checked, "study", None), "kind", None) == "review"


def parse_model(source: Source, root: type[BaseModel]) -> tuple[Any, list[Problem]]:
    """``source.data`` as a ``root`` model (or None), and the loader's and the fields' problems."""
    problems = list(source.problems)
    try:
        return root.model_validate(source.data), problems
    except ValidationError as exc:
        field_problems = _translate(source, exc, root)
    # A field error at the same spot as a loader note says it better; keep one. Except where
    # the loader refused the value (a tag): "got nothing" would hide why.
    refused = {format_path(path) for path in source.refused}
    field_problems = [p for p in field_problems if p.field not in refused]
    spots = {(p.line, p.column, p.field) for p in field_problems}
    return None, [p for p in problems if (p.line, p.column, p.field) not in spots] + field_problems


# --- pydantic errors -> located problems ---------------------------------

_PATTERN_MESSAGES = {
    "^[a-z0-9][a-z0-9-]{0,62}$": "must be a short name of lower-case letters, digits and hyphens, "
                                  "safe as a folder name (e.g. 'imagine-ra'); no '/', '..' or spaces",
    r"^10\.\d{4,9}/\S+$": "must be a DOI such as 10.1001/jama.2018.21362 (without https://doi.org/)",
    r"^https?://\S+$": "must be a web address starting with https://",
    r"^\d+(:\d+)+$": "must be a ratio such as 1:1 or 2:1 (in quotes: \"1:1\")",
    r"^PMC\d+$": "must be a PubMed Central id such as PMC6440221",
}
_TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "float_type": "a number",
    "bool_type": "true or false", "literal_error": None, "list_type": "a list",
    "model_type": "a mapping of fields", "dict_type": "a mapping of fields", "tuple_type": "a list of two numbers",
    "model_attributes_type": "a mapping of fields",
}


def _translate(source: Source, exc: ValidationError, root: type[BaseModel] = Study) -> list[Problem]:
    """Pydantic's errors as located problems; ``root`` is the record's model (for "did you mean")."""
    grouped: dict[Path_, list[dict]] = {}
    for err in exc.errors(include_url=False):
        path = _data_path(source.data, err["loc"], err["type"])
        grouped.setdefault(path, []).append(err)
    return [_problem_for(source, path, errs, root) for path, errs in grouped.items()]


def _data_path(data: Any, loc: tuple, err_type: str) -> Path_:
    """Keep the parts of pydantic's loc that name real keys/indices (drop union tags)."""
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and last and err_type == "missing":
            path.append(part)
        elif isinstance(current, dict) and isinstance(part, str) and err_type == "extra_forbidden" and last:
            path.append(part)
    return tuple(path)


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _problem_for(source: Source, path: Path_, errs: list[dict], root: type[BaseModel] = Study) -> Problem:
    kinds = {e["type"] for e in errs}
    value = _value_at(source.data, path)
    if isinstance(value, float) and not math.isfinite(value):
        return source.problem(path, "must be a finite number (not .nan or .inf)")
    if "missing" in kinds:
        parent = path[:-1]
        return Problem(source.file, *source.position(parent, prefer_key=True), format_path(path),
                       f"required field {path[-1]!r} is missing")
    if "extra_forbidden" in kinds:
        valid = _field_names(path[:-1], root)
        close = difflib.get_close_matches(str(path[-1]), valid, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else f"; valid fields here: {', '.join(valid)}"
        return source.problem(path, f"unknown field {path[-1]!r}{hint}", prefer_key=True)
    specific = [e for e in errs if e["type"] not in _TYPE_WORDS and e["type"] != "none_required"]
    if specific:
        return source.problem(path, _message(specific[0], value) + _union_tail(errs))
    expected = _expected(errs)
    got = _describe(value)
    hint = scalar_hint(source, path, value) if "string_type" in kinds else ""
    return source.problem(path, f"expected {expected}, got {got}{hint}")


def _message(err: dict, value: Any) -> str:
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
        return f"must be {sign} {bound} (got {value!r})"
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


def _union_tail(errs: list[dict]) -> str:
    if any(e["type"] == "literal_error" and "not reported" in str(e.get("ctx", {}).get("expected", "")) for e in errs):
        return ", or 'not reported'"
    return ""


def _expected(errs: list[dict]) -> str:
    words: list[str] = []
    for e in errs:
        if e["type"] == "literal_error":
            word = "one of " + str(e["ctx"]["expected"])
        else:
            word = _TYPE_WORDS.get(e["type"]) or e["msg"]
        if word not in words:
            words.append(word)
    return " or ".join(words)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
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


# --- cross-field checks ---------------------------------------------------

def _cross_checks(source: Source, study: Study) -> list[Problem]:
    out: list[Problem] = []

    def add(path: Path_, message: str) -> None:
        out.append(source.problem(path, message))

    arm_ids = [a.id for a in study.arms]
    for i, arm_id in enumerate(arm_ids):
        if arm_ids.index(arm_id) != i:
            add(("arms", i, "id"), f"arm id {arm_id!r} is used twice")
    outcome_ids = [o.id for o in study.outcomes]
    for i, oid in enumerate(outcome_ids):
        if outcome_ids.index(oid) != i:
            add(("outcomes", i, "id"), f"outcome id {oid!r} is used twice")

    def check_arm_ref(path: Path_, arm_id: str) -> bool:
        if arm_id in arm_ids:
            return True
        close = difflib.get_close_matches(arm_id, arm_ids, n=1, cutoff=0.4)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        add(path, f"no arm has the id {arm_id!r} (arms: {', '.join(arm_ids)}){hint}")
        return False

    def check_unique(base: Path_, refs: list[str]) -> None:
        for i, ref in enumerate(refs):
            if refs.index(ref) != i:
                add(base + (i, "arm"), f"arm {ref!r} appears twice in this list")

    if not study.design.randomized or study.design.type == "single-group":
        pass
    elif len(study.arms) < 2:
        add(("arms",), "a randomized design needs at least two arms (for one arm set design.type: single-group and design.randomized: false)")

    # Arm sizes against the number randomized.
    sizes = [known(a.randomized) for a in study.arms]
    flow = study.flow
    total_randomized = known(flow.randomized) if flow else None
    if total_randomized is not None and all(s is not None for s in sizes) and sum(sizes) != total_randomized:
        add(("flow", "randomized"), f"the arms' randomized counts sum to {sum(sizes)} ({' + '.join(map(str, sizes))}), "
                                    f"not {total_randomized}")

    if flow:
        assessed, excluded = known(flow.assessed), known(flow.excluded)
        if assessed is not None and excluded is not None and excluded > assessed:
            add(("flow", "excluded"), f"{excluded} excluded is more than the {assessed} assessed")
        if assessed is not None and total_randomized is not None and total_randomized > assessed:
            add(("flow", "randomized"), f"{total_randomized} randomized is more than the {assessed} assessed")
        _check_reasons(add, ("flow", "excluded_reasons"), flow.excluded_reasons, excluded, "excluded")
        check_unique(("flow", "arms"), [f.arm for f in flow.arms])
        allocated_sum = [known(f.allocated) for f in flow.arms]
        if (total_randomized is not None and flow.arms and len(flow.arms) == len(study.arms)
                and all(a is not None for a in allocated_sum) and sum(allocated_sum) != total_randomized):
            add(("flow", "arms"), f"allocated counts sum to {sum(allocated_sum)}, not the {total_randomized} randomized")
        for i, af in enumerate(flow.arms):
            base = ("flow", "arms", i)
            if not check_arm_ref(base + ("arm",), af.arm):
                continue
            randomized = known(study.arm(af.arm).randomized)
            allocated = known(af.allocated)
            if allocated is not None and randomized is not None and allocated > randomized:
                add(base + ("allocated",), f"{allocated} allocated is more than the {randomized} randomized to arm {af.arm!r}")
            ceiling = allocated if allocated is not None else randomized
            what = "allocated" if allocated is not None else "randomized"
            for name in ("received", "completed", "analysed", "discontinued", "lost"):
                n = known(getattr(af, name))
                if n is not None and ceiling is not None and n > ceiling:
                    add(base + (name,), f"{n} {name} is more than the {ceiling} {what}")
            parts = [known(af.completed), known(af.discontinued), known(af.lost)]
            if ceiling is not None and all(p is not None for p in parts[:2]):
                used = sum(p for p in parts if p is not None)
                if used > ceiling:
                    add(base + ("completed",), f"completed + discontinued + lost = {used}, more than the {ceiling} {what}")
            _check_reasons(add, base + ("discontinued_reasons",), af.discontinued_reasons, known(af.discontinued), "discontinued")
            _check_reasons(add, base + ("lost_reasons",), af.lost_reasons, known(af.lost), "lost")

    for kind, items in (("outcomes", study.outcomes), ("harms", study.harms)):
        for i, item in enumerate(items):
            check_unique((kind, i, "results"), [r.arm for r in item.results])
            for j, result in enumerate(item.results):
                base = (kind, i, "results", j)
                if not check_arm_ref(base + ("arm",), result.arm):
                    continue
                events, total = known(result.events), known(result.total)
                if events is not None and total is not None and events > total:
                    add(base + ("events",), f"{events} events is more than the total of {total}")
                if total is not None:
                    af = study.arm_flow(result.arm)
                    ceiling = known(af.allocated) if af else None
                    ceiling = ceiling if ceiling is not None else known(study.arm(result.arm).randomized)
                    if ceiling is not None and total > ceiling:
                        add(base + ("total",), f"a total of {total} is more than the {ceiling} in arm {result.arm!r}")
                if result.iqr and result.iqr[0] > result.iqr[1]:
                    add(base + ("iqr",), f"the interquartile range [{result.iqr[0]}, {result.iqr[1]}] is reversed")

    for i, outcome in enumerate(study.outcomes):
        effect = outcome.effect
        if effect is None:
            continue
        base = ("outcomes", i, "effect")
        if effect.compares:
            for k, ref in enumerate(effect.compares):
                check_arm_ref(base + ("compares", k), ref)
        elif len(study.arms) < 2:
            add(base, "an effect compares two arms, but the study has one")
        if effect.is_ratio:
            values = [v for v in (effect.estimate, *(effect.ci or ())) if v is not None]
            if any(v <= 0 for v in values):
                where = "estimate" if effect.estimate is not None and effect.estimate <= 0 else "ci"
                add(base + (where,), f"a {effect.measure} and its interval must be greater than 0")
                continue
        if effect.ci:
            low, high = effect.ci
            if low > high:
                add(base + ("ci",), f"the interval [{low}, {high}] is reversed; write [lower, upper]")
            elif effect.estimate is not None and not (low <= effect.estimate <= high):
                add(base + ("ci",), f"the interval [{low}, {high}] does not contain the estimate {effect.estimate}")
    return out


def _check_reasons(add, path: Path_, reasons, total: int | None, what: str) -> None:
    counts = [known(r.n) for r in reasons]
    if total is not None and counts and all(c is not None for c in counts) and sum(counts) > total:
        add(path, f"the reasons add up to {sum(counts)}, more than the {total} {what}")


_RIGHT_TO_LEFT = {"R", "AL"}
_BIDI_CONTROLS = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def _glyph_checks(source: Source) -> list[Problem]:
    """Text the embedded font cannot draw would print as boxes, and right-to-left text would print
    backwards (the renderers neither reorder nor shape it): refuse both, naming the field."""
    import unicodedata

    from .layout.text import missing_glyphs

    out = []
    for path, value in _walk(source.data, ()):
        if not isinstance(value, str):
            continue
        classes = {ch: unicodedata.bidirectional(ch) for ch in set(value) if ord(ch) >= 0x0590}
        controls = sorted(ch for ch, kind in classes.items() if kind in _BIDI_CONTROLS or ch in "\u200e\u200f\u061c")
        rtl = [ch for ch in dict.fromkeys(value) if classes.get(ch) in _RIGHT_TO_LEFT and ch not in controls]
        missing = missing_glyphs(value)
        if controls:
            shown = ", ".join(f"U+{ord(ch):04X} ({unicodedata.name(ch, 'a bidirectional control')})"
                              for ch in controls[:3])
            out.append(source.problem(path, f"the invisible bidirectional control character {shown} can make "
                                            f"text show in another order than it is written; remove it"))
        elif rtl:
            first = f"U+{ord(rtl[0]):04X} {unicodedata.name(rtl[0], '')}".strip()
            out.append(source.problem(path, f"right-to-left text ({first}, …) is not supported: the brief, deck "
                                            f"and figures would print it backwards; transliterate it"))
        elif missing:
            shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing[:5])
            out.append(source.problem(path, f"the font (DejaVu Sans) cannot draw {shown}; "
                                            f"replace these characters or transliterate them"))
    return out


def _warnings(source: Source, study: Study) -> list[Problem]:
    out: list[Problem] = []
    stem = Path(source.file).stem
    if stem and stem != study.id and source.file.endswith((".yaml", ".yml")):
        out.append(source.problem(("id",), f"the id {study.id!r} differs from the file name {stem!r}; "
                                           f"outputs go to outputs/{study.id}/"))
    for path, value in _walk(source.data, ()):
        if is_placeholder(value):
            out.append(source.problem(path, f"placeholder not yet written: {value.strip()[:60]!r}"))
    if len(study.conclusions.key_messages) < 3:
        out.append(source.problem(("conclusions", "key_messages"), "a brief reads best with 3 to 5 key messages"))
    return out


def _walk(data: Any, path: Path_):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _walk(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk(v, path + (i,))
    else:
        yield path, data
