"""Validate a record: field checks (pydantic) and cross-field checks, located in the file.

In:  a path, or a ``loader.Source`` (a version-1 record is upgraded in memory
     first, see ``upgrade``; its problems still point at the user's lines).
Out: ``Checked(study, warnings)``; or ``RecordError`` holding every problem at
     once, each as ``file:line:column: field.path: message``.

Cross-field checks (refused):
- ids: arms, factorial groups and factors unique; arm and group ids disjoint;
  outcomes and harms share one namespace; ``component_of`` names another outcome;
- references: every ``arm`` of flow and of results (outcomes, harms, subgroup
  levels), every ``compares`` and every factorial group's ``arms`` name an arm
  (results and effects may also name a factorial group); ``compares`` names two
  different groups (of one factor) and is required when there are more than
  two arms or a factorial design;
- numbers: at most ``MAX_DECIMALS`` decimals as printed (P values aside);
  events ≤ total ≤ the arm's size; no percentage of 0 participants; per-arm fields fit the outcome's kind (rate, person-time, Kaplan–Meier for
  time-to-event; mean, SD, SE, CI, median, IQR, change for continuous; events
  and percent not for continuous); intervals and IQRs in order and holding
  their estimate; ratio measures (estimates, intervals, margins) within
  ``RATIO_RANGE`` so logarithms never fail downstream; a risk difference
  within everyone (1, 100 percentage points or 1,000 per 1,000);
- design: ``cluster`` ⇔ ``design.cluster``, ``factorial`` ⇔ ``design.factorial``,
  cluster counts; the allocation ratio has one part per arm; a margin only
  with a non-inferiority or equivalence hypothesis; thresholds in (0, 0.5);
- flow: counts within the arm, reasons within their total, sums match.

Warnings (never fatal): a version-1 record, importer placeholders, fewer than
three key messages, a record id that differs from its file name, arm sizes
that do not follow the allocation ratio, a non-inferiority or equivalence
hypothesis with no margin anywhere.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import rules
from .errors import Problem, RecordError
from .loader import Path_, Source, format_path, load_file, scalar_hint
from .model import RATIO_MEASURES, RATIO_RANGE, ArmResult, Effect, Margin, Outcome, Study, is_placeholder, known
from .numbers import Printed
from .upgrade import prepare

SHOWN_UNKNOWN = 20          # unknown fields listed one by one; the rest are summarised in one line
SHOWN_PROBLEMS = 200        # problems listed in all; the rest are summarised in one line
MAX_DECIMALS = 10           # of a printed number; P values and thresholds may have more
PROBABILITY_FIELDS = {"p", "interaction_p", "threshold"}
ALLOCATION_TOLERANCE = (0.05, 3)   # an arm may differ from the allocation ratio by 5% or 3 participants

TIME_TO_EVENT_FIELDS = ("person_time", "rate", "kaplan_meier")
CONTINUOUS_FIELDS = ("mean", "sd", "se", "ci", "median", "iqr", "change")
COUNT_FIELDS = ("events", "percent")
from .review import is_review


@dataclass(frozen=True)
class Checked:
    """A valid study and the warnings about it (``Problem`` objects)."""

    study: Study
    warnings: list[Problem] = field(default_factory=list)
    file: str = ""
    source: Source | None = field(default=None, compare=False, repr=False)  # the positions of its values


def load_study(path: str | Path) -> Checked:
    """Read, parse and validate the record at ``path``. Raises ``RecordError``."""
    return check_source(load_file(path))


def check_source(source: Source) -> Checked:
    """Validate a loaded record (either version). Raises ``RecordError`` with every problem."""
    if is_review(source.data):  # a systematic review or meta-analysis: its own model and checks
        from .review.validate import check_review
        return check_review(source)
    source, upgrade_notes = prepare(source)
    study, problems = parse_model(source, Study)
    cross_warnings: list[Problem] = []
    if study is not None:
        checks = _CrossChecks(source, study)
        checks.run()
        problems.extend(checks.errors)
        cross_warnings = checks.warnings
        problems.extend(_glyph_checks(source))
    if problems:
        raise RecordError(_capped(problems))
    assert study is not None
    return Checked(study, upgrade_notes + cross_warnings + _warnings(source, study), source.file, source)


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


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most ``SHOWN_PROBLEMS`` lines, the rest summarised in one."""
    problems = sorted(set(problems))
    if len(problems) <= SHOWN_PROBLEMS + 1:
        return problems
    rest = problems[SHOWN_PROBLEMS:]
    return problems[:SHOWN_PROBLEMS] + [Problem(rest[0].file, rest[0].line, rest[0].column, "",
                                                f"… and {len(rest):,} more problems from here on (not listed)")]


def is_review_checked(checked) -> bool:
    """True for what ``check_source`` returns for a review record (``review.validate.CheckedReview``)."""
    return getattr(getattr(checked, "study", None), "kind", None) == "review"


# --- pydantic errors -> located problems ---------------------------------

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
    grouped: dict[Path_, list[dict]] = {}
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
        elif isinstance(current, list) and isinstance(part, int) and err_type == "missing":
            path.append(part)   # a pair with one item: the second is missing
            break
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


def _problem_for(source: Source, path: Path_, errs: list[dict], listed: set[Path_],
                 root: type[BaseModel] = Study) -> Problem:
    kinds = {e["type"] for e in errs}
    value = _value_at(source.data, path)
    if isinstance(value, float) and not math.isfinite(value):
        return source.problem(path, "must be a finite number (not .nan or .inf)")
    if "missing" in kinds:
        parent = path[:-1]
        if isinstance(path[-1], int):
            return Problem(source.file, *source.position(parent), source.field_name(parent),
                           f"needs two values, [{'arm, reference arm' if parent[-1:] == ('compares',) else 'lower, upper'}]")
        return Problem(source.file, *source.position(parent, prefer_key=True), source.field_name(path),
                       f"required field {path[-1]!r} is missing")
    if "extra_forbidden" in kinds:
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


def _union_tail(errs: list[dict]) -> str:
    if any(e["type"] == "literal_error" and "not reported" in str(e.get("ctx", {}).get("expected", "")) for e in errs):
        return ", or 'not reported' / 'not in sources'"
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


# --- cross-field checks ---------------------------------------------------

def _ids(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


class _CrossChecks:
    """Every check that needs more than one field; ``errors`` refuse the record, ``warnings`` do not."""

    def __init__(self, source: Source, study: Study):
        self.source = source
        self.study = study
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.arm_ids = [a.id for a in study.arms]
        self.arms = {a.id: a for a in study.arms}
        self.groups = {g.id: g for g in study.factor_groups}
        self.factor_of = {g.id: f.id for f in (study.design.factorial.factors if study.design.factorial else ())
                          for g in f.groups}

    def refuse(self, path: Path_, message: str) -> None:
        self.errors.append(self.source.problem(path, message))

    def warn(self, path: Path_, message: str) -> None:
        self.warnings.append(self.source.problem(path, message))

    def run(self) -> None:
        self.precision()
        self.ids()
        self.design()
        self.factorial()
        self.flow()
        for kind, items in (("outcomes", self.study.outcomes), ("harms", self.study.harms)):
            for i, item in enumerate(items):
                self.outcome((kind, i), item)

    def precision(self) -> None:
        """No report prints a number with more than ``MAX_DECIMALS`` decimals (P values aside)."""
        for path, value in _walk(self.source.data, ()):
            if isinstance(value, Printed) and value.decimals > MAX_DECIMALS and not set(path) & PROBABILITY_FIELDS:
                self.refuse(path, f"{value.text} has {value.decimals} decimals; write the number as the paper "
                                  f"prints it (at most {MAX_DECIMALS} decimals)")

    # --- ids and references ---

    def ids(self) -> None:
        seen: dict[str, Path_] = {}
        for i, arm in enumerate(self.study.arms):
            self._unique(seen, ("arms", i, "id"), arm.id, "arm")
        design = self.study.design
        if design.factorial:
            factors: dict[str, Path_] = {}
            for f, factor in enumerate(design.factorial.factors):
                self._unique(factors, ("design", "factorial", "factors", f, "id"), factor.id, "factor")
                for g, group in enumerate(factor.groups):
                    self._unique(seen, ("design", "factorial", "factors", f, "groups", g, "id"), group.id, "group")
        names: dict[str, Path_] = {}
        for kind, items in (("outcomes", self.study.outcomes), ("harms", self.study.harms)):
            for i, item in enumerate(items):
                self._unique(names, (kind, i, "id"), item.id, "outcome")
        for kind, items in (("outcomes", self.study.outcomes), ("harms", self.study.harms)):
            for i, item in enumerate(items):
                if item.component_of is None:
                    continue
                path = (kind, i, "component_of")
                if item.component_of == item.id:
                    self.refuse(path, f"an outcome cannot be a component of itself ({item.id!r})")
                elif item.component_of not in names:
                    self.refuse(path, f"no outcome has the id {item.component_of!r}"
                                      f"{_did_you_mean(item.component_of, list(names))}")
                elif (cycle := self.composite_cycle(item.id)) is not None:
                    self.refuse(path, f"the components go round in a circle: {' → '.join(cycle)}")

    def composite_cycle(self, start: str) -> list[str] | None:
        """The ids from ``start`` back to itself through ``component_of``, if they form a circle."""
        parent = {o.id: o.component_of for o in [*self.study.outcomes, *self.study.harms]}
        chain = [start]
        while (up := parent.get(chain[-1])) is not None and up not in chain:
            chain.append(up)
        return chain + [start] if up == start else None

    def _unique(self, seen: dict[str, Path_], path: Path_, value: str, what: str) -> None:
        first = seen.get(value)
        if first is None:
            seen[value] = path
            return
        where = self.source.field_name(first[:-1])
        if what == "group" and first[0] == "arms":
            self.refuse(path, f"the factorial group id {value!r} is already the id of {where}; "
                              f"arms and groups need different ids")
        else:
            self.refuse(path, f"{what} id {value!r} is used twice (first by {where})")

    def arm_ref(self, path: Path_, ref: str, *, groups: bool = True) -> bool:
        """True when ``ref`` names an arm (or, with ``groups``, a factorial group)."""
        if ref in self.arms or (groups and ref in self.groups):
            return True
        choices = self.arm_ids + (list(self.groups) if groups else [])
        if groups and self.groups:
            listed = f"arms: {_ids(self.arm_ids)}; factorial groups: {_ids(list(self.groups))}"
            what = "arm or factorial group"
        else:
            listed, what = f"arms: {_ids(self.arm_ids)}", "arm"
        self.refuse(path, f"no {what} has the id {ref!r} ({listed}){_did_you_mean(ref, choices)}")
        return False

    # --- design ---

    def design(self) -> None:
        study, design = self.study, self.study.design
        if design.randomized and design.type != "single-group" and len(study.arms) < 2:
            self.refuse(("arms",), "a randomized design needs at least two arms (for one arm set "
                                   "design.type: single-group and design.randomized: false)")
        for kind, part, needs in (("cluster", design.cluster, "a cluster-randomized design needs design.cluster "
                                                               "(the unit randomized, e.g. {unit: village, number: 120})"),
                                  ("factorial", design.factorial, "a factorial design needs design.factorial (its "
                                                                  "factors, and which arms each level of each factor pools)")):
            if design.type == kind and part is None:
                self.refuse(("design", "type"), needs)
            if part is not None and design.type != kind:
                self.refuse(("design", kind), f"design.{kind} belongs to design.type: {kind} (this design is {design.type})")
        for i, arm in enumerate(study.arms):
            if arm.randomized == 0:
                self.refuse(("arms", i, "randomized"), "an arm with 0 randomized is not an arm; remove it, "
                                                       "or write the number randomized to it")
            if known(arm.clusters) is not None and design.cluster is None:
                self.refuse(("arms", i, "clusters"), "clusters per arm belong to a cluster-randomized design "
                                                     "(design.type: cluster with design.cluster)")
        if design.cluster is not None:
            number = known(design.cluster.number)
            counts = [known(a.clusters) for a in study.arms]
            if number is not None and all(c is not None for c in counts) and sum(counts) != number:  # type: ignore[arg-type]
                self.refuse(("design", "cluster", "number"),
                            f"the arms' clusters sum to {sum(counts)} ({' + '.join(map(str, counts))}), "  # type: ignore[arg-type]
                            f"not {number}")
        self.allocation()
        self.design_hypothesis()

    def allocation(self) -> None:
        design, arms = self.study.design, self.study.arms
        if design.allocation_ratio is None:
            return
        parts = [int(p) for p in design.allocation_ratio.split(":")]
        path = ("design", "allocation_ratio")
        if len(parts) != len(arms):
            self.refuse(path, f"the ratio {design.allocation_ratio} has {len(parts)} parts but the study has "
                              f"{len(arms)} arms; give one part per arm, in the order of arms")
            return
        sizes: list[int | None] = []
        for arm in arms:   # a cluster trial's ratio is of clusters
            af = self.study.arm_flow(arm.id)
            size = known(arm.clusters) if design.cluster else known(arm.randomized)
            if size is None and design.cluster is None and af is not None:
                size = known(af.allocated)
            sizes.append(size)
        if any(s is None for s in sizes) or sum(sizes) == 0:  # type: ignore[arg-type]
            return
        total = sum(sizes)  # type: ignore[arg-type]
        expected = [Fraction(total * p, sum(parts)) for p in parts]
        if all(_near(s, e) for s, e in zip(sizes, expected)):  # type: ignore[arg-type]
            return
        named = ", ".join(f"{a.short} {s}" for a, s in zip(arms, sizes))
        about = " and ".join(str(round(e)) for e in expected)
        what = "clusters per arm" if design.cluster else "arm sizes"
        message = (f"the {what} in the order of arms ({named}) do not follow the allocation ratio "
                   f"{design.allocation_ratio} (about {about} expected)")
        reverse = [Fraction(total * p, sum(parts)) for p in reversed(parts)]
        if len(parts) == 2 and all(_near(s, e) for s, e in zip(sizes, reverse)):  # type: ignore[arg-type]
            message += f"; they follow {':'.join(map(str, reversed(parts)))}: is the ratio in the order of arms?"
        self.warn(path, message)

    def design_hypothesis(self) -> None:
        design = self.study.design
        if design.margin is not None:
            if design.hypothesis == "superiority":
                self.refuse(("design", "margin"), "a margin belongs to a non-inferiority or equivalence hypothesis; "
                                                  "set design.hypothesis")
            else:
                measures = {design.margin.measure} if design.margin.measure else {
                    e.measure for o in self.study.primary_outcomes for e in o.effects
                    if e.margin is None and (e.hypothesis or design.hypothesis) != "superiority"}
                for measure in sorted(measures):
                    self.margin(("design", "margin"), design.margin, measure)
        elif design.hypothesis != "superiority":
            if not any(e.margin for o in self.study.primary_outcomes for e in o.effects):
                self.warn(("design", "hypothesis"),
                          f"{_a(design.hypothesis)} design without a margin: give design.margin (value, measure) so "
                          f"readers see what was to be shown; leave it out only if the paper gives none")

    def margin(self, path: Path_, margin: Margin, measure: str) -> None:
        value = margin.value
        if measure in RATIO_MEASURES:
            if not self.ratio_value(path + ("value",), value, f"{measure} margin"):
                return
            if value == 1:
                self.refuse(path + ("value",), f"{_a(measure)} margin of 1 is no margin (1 is no difference)")
        elif value == 0:
            self.refuse(path + ("value",), f"{_a(measure)} margin of 0 is no margin (0 is no difference)")

    def ratio_value(self, path: Path_, value: float, what: str) -> bool:
        low, high = RATIO_RANGE
        if value <= 0:
            self.refuse(path, f"{_a(what)} must be greater than 0 (got {_number_text(value)})")
            return False
        if not low <= value <= high:
            self.refuse(path, f"{_a(what)} of {_number_text(value)} is outside {low:g} to {high:g}; "
                              f"no trial reports one (a transcription error?)")
            return False
        return True

    # --- factorial structure ---

    def factorial(self) -> None:
        factorial = self.study.design.factorial
        if factorial is None:
            return
        for f, factor in enumerate(factorial.factors):
            owner: dict[str, str] = {}
            for g, group in enumerate(factor.groups):
                base = ("design", "factorial", "factors", f, "groups", g)
                for a, arm_id in enumerate(group.arms):
                    path = base + ("arms", a)
                    if not self.arm_ref(path, arm_id, groups=False):
                        continue
                    if group.arms.index(arm_id) != a:
                        self.refuse(path, f"arm {arm_id!r} appears twice in this group")
                    elif arm_id in owner:
                        self.refuse(path, f"arm {arm_id!r} is already in group {owner[arm_id]!r} of factor "
                                          f"{factor.id!r}; each arm receives one level of a factor")
                    else:
                        owner[arm_id] = group.id

    # --- flow ---

    def flow(self) -> None:
        study, flow = self.study, self.study.flow
        total_randomized = known(flow.randomized) if flow else None
        if (breach := rules.randomized_sum(study)) is not None:
            self.refuse(("flow", "randomized"), f"the arms' randomized counts sum to {breach.sum} "
                                                f"({' + '.join(map(str, breach.parts))}), not {breach.total}")
        if flow is None:
            return
        assessed, excluded = known(flow.assessed), known(flow.excluded)
        if assessed is not None and excluded is not None and excluded > assessed:
            self.refuse(("flow", "excluded"), f"{excluded} excluded is more than the {assessed} assessed")
        if assessed is not None and total_randomized is not None and total_randomized > assessed:
            self.refuse(("flow", "randomized"), f"{total_randomized} randomized is more than the {assessed} assessed")
        self.reasons(("flow", "excluded_reasons"), flow.excluded_reasons, excluded, "excluded")
        self.unique_arms(("flow", "arms"), [f.arm for f in flow.arms])
        if (breach := rules.allocated_sum(study)) is not None:
            self.refuse(("flow", "arms"), f"allocated counts sum to {breach.sum}, not the {breach.total} randomized")
        for i, af in enumerate(flow.arms):
            base = ("flow", "arms", i)
            if not self.arm_ref(base + ("arm",), af.arm, groups=False):
                continue
            randomized = known(study.arm(af.arm).randomized)
            allocated = known(af.allocated)
            if allocated is not None and randomized is not None and allocated > randomized:
                self.refuse(base + ("allocated",), f"{allocated} allocated is more than the {randomized} "
                                                   f"randomized to arm {af.arm!r}")
            self.reasons(base + ("discontinued_reasons",), af.discontinued_reasons, known(af.discontinued),
                         "discontinued")
            self.reasons(base + ("lost_reasons",), af.lost_reasons, known(af.lost), "lost")
        for excess in rules.flow_excesses(study):
            self.refuse(excess.path, f"{excess.value} {excess.name} is more than the {excess.ceiling.value} "
                                     f"{excess.ceiling.name}")
        for balance in rules.flow_balances(study):
            if balance.over:
                self.refuse(balance.base + ("completed",), f"completed + discontinued + lost = {balance.used}, "
                                                           f"more than the {balance.ceiling.value} "
                                                           f"{balance.ceiling.name}")

    def reasons(self, path: Path_, reasons, total: int | None, what: str) -> None:
        counts = [known(r.n) for r in reasons]
        if total is not None and counts and all(c is not None for c in counts) and sum(counts) > total:  # type: ignore[arg-type]
            self.refuse(path, f"the reasons add up to {sum(counts)}, more than the {total} {what}")  # type: ignore[arg-type]

    def unique_arms(self, base: Path_, refs: list[str]) -> None:
        for i, ref in enumerate(refs):
            if refs.index(ref) != i:
                self.refuse(base + (i, "arm"), f"{ref!r} appears twice in this list")

    # --- outcomes and harms ---

    def outcome(self, base: Path_, item: Outcome) -> None:
        what = "harm" if base[0] == "harms" else "outcome"
        self.results(base, item.results, item.kind, what)
        self.effects(base, item.effects, primary=item.primary and base[0] == "outcomes")
        self.named_once(base + ("subgroups",), [s.variable for s in item.subgroups], "variable", "subgroup")
        for s, subgroup in enumerate(item.subgroups):
            sbase = base + ("subgroups", s)
            self.named_once(sbase + ("levels",), [v.level for v in subgroup.levels], "level", "level",
                            f" in subgroup {subgroup.variable!r}")
            for v, level in enumerate(subgroup.levels):
                self.results(sbase + ("levels", v), level.results, item.kind, what)
                self.effects(sbase + ("levels", v), level.effects, primary=False)

    def named_once(self, base: Path_, names: list[str], key: str, what: str, where: str = "") -> None:
        """Each name once in the list at ``base`` (case and spacing aside)."""
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            folded = " ".join(name.casefold().split())
            if folded in first:
                self.refuse(base + (i, key), f"{what} {name!r} is given twice{where} (also {base[-1]}[{first[folded]}])")
            first.setdefault(folded, i)

    def results(self, base: Path_, results: list[ArmResult], kind: str, what: str) -> None:
        self.unique_arms(base + ("results",), [r.arm for r in results])
        for j, result in enumerate(results):
            path = base + ("results", j)
            self.result_kind(path, result, kind, what)
            if not self.arm_ref(path + ("arm",), result.arm):
                continue
            events, total = known(result.events), known(result.total)
            if events is not None and total is not None and events > total:
                self.refuse(path + ("events",), f"{events} events is more than the total of {total}")
            excess = rules.result_excess(self.study, path, result)
            if excess is not None:
                what = f"a total of {excess.value}" if excess.name == "total" else f"{excess.value} events"
                self.refuse(excess.path, f"{what} is more than the {excess.ceiling.value} {excess.ceiling.name} "
                                         f"of {result.arm!r}")
            if isinstance(result.percent, float):
                self.percent_base(path, result)
            if result.iqr is not None:
                q1, q3 = result.iqr
                if q1 > q3:
                    self.refuse(path + ("iqr",), f"the interquartile range [{_number_text(q1)}, {_number_text(q3)}] "
                                                 f"is reversed; write [Q1, Q3]")
                elif result.median is not None and not q1 <= result.median <= q3:
                    self.refuse(path + ("iqr",), f"the interquartile range [{_number_text(q1)}, {_number_text(q3)}] "
                                                 f"does not contain the median {_number_text(result.median)}")
            if result.ci is not None:
                mean = result.mean if isinstance(result.mean, float) else None
                self.interval(path + ("ci",), result.ci, mean, "mean")

    def result_kind(self, path: Path_, result: ArmResult, kind: str, what: str) -> None:
        given = [name for name in result.model_fields_set
                 if getattr(result, name) is not None and getattr(result, name) is not False]
        groups = [(TIME_TO_EVENT_FIELDS, ("time-to-event",), "time-to-event"),
                  (CONTINUOUS_FIELDS, ("continuous",), "continuous"),
                  (COUNT_FIELDS, ("binary", "time-to-event"), "binary and time-to-event")]
        for names, kinds, said in groups:
            if kind in kinds:
                continue
            for name in sorted(n for n in given if n in names):
                self.refuse(path + (name,), f"{name} belongs to {said} outcomes ({', '.join(names)}); "
                                            f"this {what} is {kind} (kind: {kind})")

    def percent_base(self, path: Path_, result: ArmResult) -> None:
        """A percentage of nobody: a total of 0, or an arm whose analysed (else completed) count is 0."""
        if known(result.total) == 0:
            self.refuse(path + ("percent",), "a percentage of a total of 0 participants; "
                                             "write total and events, or leave the percentage out")
            return
        af = self.study.arm_flow(result.arm) if result.arm in self.arms else None
        if af is None or known(result.total) is not None:
            return
        for name in ("analysed", "completed", "allocated"):
            n = known(getattr(af, name))
            if n == 0:
                self.refuse(path + ("percent",), f"a percentage in arm {result.arm!r}, whose flow counts 0 {name}; "
                                                 f"give the total it is a percentage of")
                return
            if n is not None:
                return

    def effects(self, base: Path_, effects: list[Effect], *, primary: bool) -> None:
        design = self.study.design
        factorial = design.factorial is not None
        for k, effect in enumerate(effects):
            path = base + ("effects", k)
            self.compares(path, effect, factorial)
            if effect.is_ratio:
                bad = False
                if effect.estimate_value is not None:
                    bad |= not self.ratio_value(path + ("estimate",), effect.estimate_value, effect.measure)
                for b, bound in enumerate(effect.interval or ()):
                    bad |= not self.ratio_value(path + ("ci", b), bound, f"{effect.measure}'s interval")
                if bad:
                    continue
            elif effect.measure == "risk difference" and not self.risk_difference(path, effect):
                continue
            if effect.interval is not None:
                self.interval(path + ("ci",), effect.interval, effect.estimate_value, "estimate")
            if effect.threshold is not None and not 0 < effect.threshold < 0.5:
                self.refuse(path + ("threshold",), f"a significance threshold of {_number_text(effect.threshold)} "
                                                   f"makes no sense; give it as a probability such as 0.05 or 0.0025")
            self.effect_hypothesis(path, effect, primary)

    def risk_difference(self, path: Path_, effect: Effect) -> bool:
        """Risks differ by at most everyone (1, 100 percentage points, 1,000 per 1,000)."""
        from .absolute import rd_scale

        scale = rd_scale(effect)
        unit = {1000: " per 1,000", 100: " percentage points", 1: ""}[scale]
        for where, value in [(("estimate",), effect.estimate_value),
                             *((("ci", b), bound) for b, bound in enumerate(effect.interval or ()))]:
            if value is not None and abs(value) > scale:
                self.refuse(path + where, f"a risk difference of {_number_text(value)}{unit} is impossible: "
                                          f"risks differ by at most {scale}{unit}")
                return False
        return True

    def compares(self, path: Path_, effect: Effect, factorial: bool) -> None:
        arms = len(self.study.arms)
        if effect.compares is None:
            if factorial:
                self.refuse(path, "compares is required in a factorial design: name the two groups (or arms) "
                                  "this effect compares, e.g. compares: [vitamin-d, vitamin-d-placebo]")
            elif arms > 2:
                self.refuse(path, f"compares is required: the study has {arms} arms, so name the two this effect "
                                  f"compares, e.g. compares: [{self.arm_ids[0]}, {self.arm_ids[-1]}]")
            elif arms < 2:
                self.refuse(path, "an effect compares two groups, but the study has one arm")
            return
        first, second = effect.compares
        known_refs = [self.arm_ref(path + ("compares", i), ref) for i, ref in enumerate(effect.compares)]
        if first == second:
            self.refuse(path + ("compares",), f"compares names {first!r} twice; an effect compares two different "
                                              f"groups, [arm, reference arm]")
        elif all(known_refs) and first in self.factor_of and second in self.factor_of \
                and self.factor_of[first] != self.factor_of[second]:
            self.refuse(path + ("compares",), f"{first!r} and {second!r} are levels of different factors "
                                              f"({self.factor_of[first]!r}, {self.factor_of[second]!r}); "
                                              f"an effect compares two levels of one factor")

    def interval(self, path: Path_, interval: tuple[float, float], estimate: float | None, what: str) -> None:
        low, high = interval
        if low > high:
            self.refuse(path, f"the interval [{_number_text(low)}, {_number_text(high)}] is reversed; "
                              f"write [lower, upper]")
        elif estimate is not None and not low <= estimate <= high:
            self.refuse(path, f"the interval [{_number_text(low)}, {_number_text(high)}] does not contain "
                              f"the {what} {_number_text(estimate)}")

    def effect_hypothesis(self, path: Path_, effect: Effect, primary: bool) -> None:
        design = self.study.design
        hypothesis = effect.hypothesis or (design.hypothesis if primary else "superiority")
        if effect.margin is not None:
            if hypothesis == "superiority":
                self.refuse(path + ("margin",), "a margin belongs to a non-inferiority or equivalence hypothesis; "
                                                "set hypothesis: non-inferiority (or equivalence) on this effect")
            else:
                self.margin(path + ("margin",), effect.margin, effect.margin.measure or effect.measure)
        elif effect.hypothesis in ("non-inferiority", "equivalence") and not (primary and design.margin):
            self.warn(path + ("hypothesis",), f"{_a(effect.hypothesis)} effect without a margin: give margin "
                                              f"(value, measure) so the forest plot can draw it; leave it out only "
                                              f"if the paper gives none")


def _a(words: str) -> str:
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def _near(size: int, expected: Fraction) -> bool:
    share, participants = ALLOCATION_TOLERANCE
    return abs(size - expected) <= max(participants, share * expected)


def _did_you_mean(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.4)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- text the font cannot draw, and warnings -----------------------------

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
