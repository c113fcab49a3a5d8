"""Cross-field checks of outcomes and harms: per-arm results, effects and subgroups.

In:  a ``Source`` and its ``Study`` (through ``CrossBase``; ratio and margin checks from ``DesignChecks``).
Out: refusals (unknown arms, fields of another kind of outcome, counts beyond their total or arm, a
     percentage of nobody, reversed or estimate-excluding intervals, impossible risk differences, missing or
     wrong ``compares``, a margin with a superiority hypothesis) and warnings (an NI effect without margin).
"""

from __future__ import annotations

from .. import rules
from ..loader import Path_
from ..model import ArmResult, Effect, Outcome, known, rd_scale
from .base import _a
from .design import DesignChecks
from .fields import _number_text

TIME_TO_EVENT_FIELDS = ("person_time", "rate", "kaplan_meier")
CONTINUOUS_FIELDS = ("mean", "sd", "se", "ci", "median", "iqr", "change")
COUNT_FIELDS = ("events", "percent")


class OutcomeChecks(DesignChecks):
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
