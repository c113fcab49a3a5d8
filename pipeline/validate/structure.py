"""Cross-field checks of the record's structure: printed precision, ids, factorial groups, the flow.

In:  a ``Source`` and its ``Study`` (through ``CrossBase``).
Out: refusals: too many decimals; ids not unique or not found; a component of itself or a circle;
     an arm in two groups of a factor; flow counts beyond their arm, sums that do not add up (``rules``).
"""

from __future__ import annotations

from .. import rules
from ..loader import Path_
from ..model import known
from ..numbers import Printed
from .base import CrossBase, _did_you_mean
from .text import walk

MAX_DECIMALS = 10           # of a printed number; P values and thresholds may have more
PROBABILITY_FIELDS = {"p", "interaction_p", "threshold"}


class StructureChecks(CrossBase):
    def precision(self) -> None:
        """No report prints a number with more than ``MAX_DECIMALS`` decimals (P values aside)."""
        for path, value in walk(self.source.data, ()):
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
