"""Cross-field checks of the design: type against its parts, clusters, the allocation ratio, margins.

In:  a ``Source`` and its ``Study`` (through ``CrossBase``).
Out: refusals (a randomized design of one arm, a part that belongs to another design type, cluster
     counts that do not add up, a margin of no difference or with a superiority hypothesis, a ratio out
     of range) and warnings (arm sizes off the allocation ratio, a non-inferiority design without margin).
"""

from __future__ import annotations

from fractions import Fraction

from ..loader import Path_
from ..model import RATIO_MEASURES, RATIO_RANGE, Margin, known
from .base import CrossBase, _a
from .fields import _number_text

ALLOCATION_TOLERANCE = (0.05, 3)   # an arm may differ from the allocation ratio by 5% or 3 participants


class DesignChecks(CrossBase):
    def design(self) -> None:
        study, design = self.study, self.study.design
        if design.randomized and design.type != "single-group" and len(study.arms) < 2:
            self.refuse(("arms",), "a randomized design needs at least two arms (for one arm set "
                                   "design.type: single-group and design.randomized: false)")
        for kind, part, needs in (("cluster", design.cluster, "a cluster-randomized design needs design.cluster "
                                                               "(the unit randomized, e.g. {unit: village, number: "
                                                               "120})"),
                                  ("factorial", design.factorial, "a factorial design needs design.factorial (its "
                                                                  "factors, and which arms each level of each factor "
                                                                  "pools)")):
            if design.type == kind and part is None:
                self.refuse(("design", "type"), needs)
            if part is not None and design.type != kind:
                self.refuse(("design", kind), f"design.{kind} belongs to design.type: {kind} "
                                              f"(this design is {design.type})")
        for i, arm in enumerate(study.arms):
            if arm.randomized == 0:
                self.refuse(("arms", i, "randomized"), "an arm with 0 randomized is not an arm; remove it, "
                                                       "or write the number randomized to it")
            if known(arm.clusters) is not None and design.cluster is None:
                self.refuse(("arms", i, "clusters"), "clusters per arm belong to a cluster-randomized design "
                                                     "(design.type: cluster with design.cluster)")
        if design.cluster is not None:
            number = known(design.cluster.number)
            counts = [c for a in study.arms if (c := known(a.clusters)) is not None]
            if number is not None and len(counts) == len(study.arms) and sum(counts) != number:
                self.refuse(("design", "cluster", "number"),
                            f"the arms' clusters sum to {sum(counts)} ({' + '.join(map(str, counts))}), "
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
        sizes: list[int] = []
        for arm in arms:   # a cluster trial's ratio is of clusters
            af = self.study.arm_flow(arm.id)
            size = known(arm.clusters) if design.cluster else known(arm.randomized)
            if size is None and design.cluster is None and af is not None:
                size = known(af.allocated)
            if size is None:
                return
            sizes.append(size)
        total = sum(sizes)
        if total == 0:
            return
        expected = [Fraction(total * p, sum(parts)) for p in parts]
        if all(_near(s, e) for s, e in zip(sizes, expected, strict=True)):
            return
        named = ", ".join(f"{a.short} {s}" for a, s in zip(arms, sizes, strict=True))
        about = " and ".join(str(round(e)) for e in expected)
        what = "clusters per arm" if design.cluster else "arm sizes"
        message = (f"the {what} in the order of arms ({named}) do not follow the allocation ratio "
                   f"{design.allocation_ratio} (about {about} expected)")
        reverse = [Fraction(total * p, sum(parts)) for p in reversed(parts)]
        if len(parts) == 2 and all(_near(s, e) for s, e in zip(sizes, reverse, strict=True)):
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
        elif design.hypothesis != "superiority" and \
                not any(e.margin for o in self.study.primary_outcomes for e in o.effects):
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


def _near(size: int, expected: Fraction) -> bool:
    share, participants = ALLOCATION_TOLERANCE
    return abs(size - expected) <= max(participants, share * expected)
