"""The audit's state and what every check shares: findings said once, flow counts, comparisons.

In:  a ``model.Study``.
Out: ``AuditBase``, which the checks (``flow``, ``counts``, ``crude``, ``effects``) extend; it
     collects ``Finding`` objects and the derived values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..absolute import Absolute, comparison_label
from ..loader import Path_
from ..model import ArmResult, Effect, Margin, Outcome, Study, known
from .findings import Finding, Severity
from .printed import _path

_OUTCOME_ORDER = ("analysed", "completed", "received", "allocated", "randomized")
_HARM_ORDER = ("received", "allocated", "randomized", "analysed", "completed")
_MEASURED = ("analysed", "completed")
_MEASURED_HARM = ("received", "analysed", "completed")
_LABELS = {
    "analysed": "analysed",
    "completed": "who completed",
    "received": "who received the allocated intervention",
    "allocated": "allocated",
    "randomized": "randomized",
}


@dataclass(frozen=True)
class _Count:
    name: str       # analysed, completed, ...
    value: int
    field: str      # dotted path

    @property
    def label(self) -> str:
        return _LABELS[self.name]


@dataclass(frozen=True)
class _Denominator:
    n: int
    exact: bool         # True: the record's total; False: a flow count that fits the percentage
    source: str = ""    # e.g. "allocated" when inferred


@dataclass(frozen=True)
class _Item:
    """An outcome or a harm, with where it sits in the record."""

    key: str             # outcome or harm id
    base: Path_          # ("outcomes", i) or ("harms", i)
    outcome: Outcome
    harm: bool


Pair = tuple[tuple[int, ArmResult], tuple[int, ArmResult]]   # (index, result) of each side of a comparison


class AuditBase:
    def __init__(self, study: Study):
        self.study = study
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str, str]] = set()
        self.derived: dict[str, tuple[str, ...]] = {}
        self.absolute: dict[str, tuple[Absolute, ...]] = {}
        self.recomputed: dict[str, tuple[str, ...]] = {}

    def add(self, severity: Severity, code: str, message: str, fields: Iterable[str], detail: str = "",
            fragment: str = "", comparison: str = "", beside: str = "") -> None:
        """Record a finding once: the same observation reached twice (e.g. through a
        non-inferiority and a superiority entry of one comparison) is said once."""
        key = (severity, code, message)
        if key in self.seen:
            return
        self.seen.add(key)
        self.findings.append(Finding(severity, code, message, tuple(fields), detail, fragment, comparison,
                                     beside=beside))

    # --- participant flow ---------------------------------------------------

    def flow_counts(self, arm_id: str, order: tuple[str, ...]) -> list[_Count]:
        study = self.study
        out: list[_Count] = []
        flows = study.flow.arms if study.flow else []
        flow_index = next((k for k, f in enumerate(flows) if f.arm == arm_id), None)
        arm_index = next((k for k, a in enumerate(study.arms) if a.id == arm_id), None)
        for name in order:
            if name == "randomized":
                if arm_index is not None:
                    value = known(study.arms[arm_index].randomized)
                    if value is not None:
                        out.append(_Count(name, value, _path("arms", arm_index, "randomized")))
                continue
            if flow_index is None:
                continue
            value = known(getattr(flows[flow_index], name))
            if value is not None:
                out.append(_Count(name, value, _path("flow", "arms", flow_index, name)))
        return out

    def label_of(self, group_id: str) -> str:
        return self.study.group_label(group_id)

    # --- comparisons ----------------------------------------------------------

    def comparison_label(self, comparison: tuple[str, str]) -> str:
        return comparison_label(self.study, comparison)

    def default_comparisons(self) -> list[tuple[str, str]]:
        """The comparisons a result without a reported effect is read for: each arm against the
        one control arm; the two levels of each two-level factor; the first two of two arms."""
        study = self.study
        if study.design.factorial is not None:
            return [(f.groups[0].id, f.groups[1].id) for f in study.design.factorial.factors if len(f.groups) == 2]
        controls = [a.id for a in study.arms if a.role == "control"]
        if len(controls) == 1:
            return [(a.id, controls[0]) for a in study.arms if a.id != controls[0]]
        if len(study.arms) == 2:
            return [(study.arms[0].id, study.arms[1].id)]
        return []

    @staticmethod
    def pair(results: list[ArmResult], comparison: tuple[str, str]) -> Pair | None:
        """The (index, result) of each side of ``comparison``, when both arms have a result."""
        if comparison[0] == comparison[1]:
            return None
        found: list[tuple[int, ArmResult]] = []
        for arm_id in comparison:
            match = next(((j, r) for j, r in enumerate(results) if r.arm == arm_id), None)
            if match is None:
                return None
            found.append(match)
        return found[0], found[1]

    def hypothesis(self, item: _Item, effect: Effect) -> tuple[str, Margin | None]:
        """The effect's hypothesis and margin; a primary outcome inherits the design's."""
        design = self.study.design
        primary = item.outcome.primary and not item.harm
        hypothesis = effect.hypothesis or (design.hypothesis if primary else "superiority")
        margin = effect.margin
        if margin is None and primary and hypothesis != "superiority" and hypothesis == design.hypothesis:
            margin = design.margin
        return hypothesis, margin
