"""Each reported effect: possible values, its interval, its P value and claim, its margin; primary
outcomes' completeness; subgroups lightly.

In:  an outcome's effects (through ``AuditBase``).
Out: findings ``effect-impossible``, ``ci-excludes-estimate``, ``ci-p-mismatch``,
     ``significance-claim``, ``margin``/``margin-not-checked``, ``primary-no-effect``/``-no-ci``.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ..absolute import MEASURE_SHORT
from ..arithmetic import as_printed, as_printed_signed, decimals, fixed, fraction, half_unit, number_or_none
from ..loader import Path_
from ..model import NOT_IN_SOURCES, Effect, Margin, known, rd_scale
from .base import _Denominator, _Item
from .counts import CountChecks
from .crude import CrudeChecks
from .printed import EPS, _path, _short


def _parse_p(p: float | str | None) -> tuple[float, float] | None:
    """The range a printed P value stands for: 0.04 -> (0.035, 0.045); "<0.001" -> (0, 0.001)."""
    if p is None:
        return None
    if not isinstance(p, str):
        h = float(half_unit(p))
        return max(0.0, p - h), min(1.0, p + h)
    text = p.strip().lower().replace(" ", "").replace("≤", "<").replace("≥", ">")
    if text.startswith("p"):
        text = text[1:]
    op = ""
    if text[:1] in "<>=":
        op, text = text[0], text[1:].lstrip("=")
    try:
        value = float(text)
    except ValueError:
        return None
    if not 0.0 <= value <= 1.0:
        return None
    if op == "<":
        return 0.0, value
    if op == ">":
        return value, 1.0
    exponent = Decimal(text).as_tuple().exponent   # an int: the text is a finite number
    h = float(Fraction(1, 2 * 10 ** max(0, -exponent if isinstance(exponent, int) else 0)))
    return max(0.0, value - h), min(1.0, value + h)


def _p_text(p: float | str | None) -> str:
    if p is None:
        return ""
    if isinstance(p, str):
        text = p.strip()
        if text[:1].lower() == "p":
            text = text[1:].strip()
        if text[:1] in "<>=≤≥":
            return f"P {text[0]} {text[1:].strip()}"
        return f"P = {text}"
    return f"P = {as_printed(p)}"


class EffectChecks(CountChecks, CrudeChecks):
    def check_shape(self, where: str, base: Path_, effect: Effect, comparison: str) -> bool:
        """Impossible values and an estimate outside its interval. False when the effect is impossible."""
        est, ci = effect.estimate_value, effect.interval
        values = [(v, "estimate") for v in (est,) if v is not None] + [(v, "ci") for v in (ci or ())]
        if effect.is_ratio:
            bad = [(v, name) for v, name in values if v <= 0]
            if bad:
                self.add("error", "effect-impossible",
                         f"{where}a {effect.measure} of {as_printed(bad[0][0])} is impossible: a ratio is above 0.",
                         [_path(*base, bad[0][1])], comparison=comparison)
                return False
        if effect.measure == "risk difference":
            scale = rd_scale(effect)
            bad = [(v, name) for v, name in values if abs(v) > scale + EPS]
            if bad:
                unit = {100: " percentage points", 1000: " per 1,000", 1: ""}[scale]
                self.add("error", "effect-impossible",
                         f"{where}a risk difference of {as_printed_signed(bad[0][0])}{unit} is impossible: risks "
                         "differ "
                         f"by at most {scale}{unit}.",
                         [_path(*base, bad[0][1])], comparison=comparison)
                return False
        if est is not None and ci is not None:
            low, high = ci
            slack = half_unit(est)
            if not fraction(low) - half_unit(low) - slack <= fraction(est) <= fraction(high) + half_unit(high) + slack:
                self.add("warning", "ci-excludes-estimate",
                         f"{where}the estimate {as_printed(est)} lies outside its interval {as_printed(low)} to "
                         f"{as_printed(high)}.",
                         [_path(*base, "estimate"), _path(*base, "ci")],
                         "An estimate always lies inside its own confidence interval; one of the numbers is "
                         "probably mistyped, or the limits are swapped.", comparison=comparison)
        return True

    def check_effect(self, item: _Item, k: int, effect: Effect, comparison: tuple[str, str],
                     denominators: dict[str, _Denominator], first: bool) -> None:
        base = (*item.base, "effects", k)
        label = self.comparison_label(comparison)
        where = f"{_short(item.outcome.label)}, {label}: "
        if not self.check_shape(where, base, effect, label):
            return
        pair = self.pair(item.outcome.results, comparison)
        if first and pair is not None and effect.estimate_value is not None:
            self.check_crude(item, base, where, label, effect, pair, denominators)
        hypothesis, margin = self.hypothesis(item, effect)
        if hypothesis == "superiority":
            self.check_ci_p(where, base, effect, label)
        else:
            self.check_margin(where, base, effect, hypothesis, margin, label)

    def check_ci_p(self, where: str, base: Path_, effect: Effect, label: str) -> None:
        null = effect.null_value
        alpha = 1.0 - effect.ci_level / 100.0
        threshold = effect.threshold if effect.threshold is not None else None
        level = as_printed(effect.ci_level)
        p_range = _parse_p(effect.p)
        p_text = _p_text(effect.p)

        def below(limit: float) -> bool | None:
            if p_range is None:
                return None
            if p_range[1] < limit - EPS:
                return True
            if p_range[0] >= limit - EPS:
                return False
            return None

        ci_sig: bool | None = None
        ci_text = ""
        interval = effect.interval
        if interval is not None:
            low, high = interval
            ci_text = f"{level}% CI {as_printed(low)} to {as_printed(high)}"
            # A limit exactly at the no-effect value is borderline: no verdict.
            if low > null or high < null:
                ci_sig = True
            elif low < null < high:
                ci_sig = False
        null_text = f"no effect ({as_printed(null)})"
        p_sig = below(alpha)
        if ci_sig is not None and p_sig is not None and ci_sig != p_sig:
            if ci_sig:
                msg = (f"{where}the {ci_text} excludes {null_text}, yet {p_text}; an interval that "
                       f"excludes no effect usually goes with P < {fixed(alpha, 2)}.")
            else:
                msg = (f"{where}the {ci_text} includes {null_text}, yet {p_text}; a P value below "
                       f"{fixed(alpha, 2)} usually goes with an interval that excludes no effect.")
            self.add("warning", "ci-p-mismatch", msg, [_path(*base, "ci"), _path(*base, "p")],
                     "A confidence interval and a P value from the same analysis agree: the interval excludes "
                     "the no-effect value exactly when P is below 1 − the confidence level. When they disagree, "
                     "they may come from different analyses (an exact test and an approximate interval, an "
                     "adjusted and an unadjusted model), or one of them may be mistyped.", comparison=label)
        claim = effect.significant
        if claim is None:
            return
        said = "statistically significant" if claim else "not statistically significant"
        if threshold is None or abs(threshold - alpha) <= EPS:
            judge = threshold if threshold is not None else alpha
            ci_verdict = ci_sig
        else:
            # The interval is a test at 1 − level only: it settles a claim at a stricter threshold only
            # when it includes no effect, and at a looser one only when it excludes it.
            judge = threshold
            ci_verdict = (False if ci_sig is False and threshold < alpha else
                          True if ci_sig is True and threshold > alpha else None)
        p_verdict = below(judge)
        at = f" at the threshold of {as_printed(threshold)}" if threshold is not None else ""
        if p_verdict is not None and p_verdict != claim:
            evidence = f"{p_text}{at}"
            fields = [_path(*base, "significant"), _path(*base, "p")]
        elif p_verdict is None and ci_verdict is not None and ci_verdict != claim:
            evidence = f"its {ci_text} {'excludes' if ci_verdict else 'includes'} {null_text}"
            fields = [_path(*base, "significant"), _path(*base, "ci")]
        else:
            return
        self.add("warning", "significance-claim",
                 f"{where}the record calls the effect {said}, but {evidence}.",
                 fields,
                 f"An effect is statistically significant when P is below the threshold it is judged at "
                 f"({as_printed(judge)} here); at the {level}% level its interval then excludes the no-effect value "
                 f"({as_printed(null)}). Check the source for which statement is right.", comparison=label)

    def check_margin(self, where: str, base: Path_, effect: Effect, hypothesis: str, margin: Margin | None,
                     label: str) -> None:
        """A non-inferiority / equivalence interval against its margin, in words (never a contradiction)."""
        interval = effect.interval
        if margin is None or interval is None:
            return
        if margin.measure is not None and margin.measure != effect.measure:
            self.add("info", "margin-not-checked",
                     f"{where}the margin ({as_printed(margin.value)}) is on the {margin.measure} scale and the effect "
                     f"is a {effect.measure}, so the interval is not checked against it.",
                     [_path(*base, "margin"), _path(*base, "ci")], comparison=label)
            return
        low, high = interval
        m, null = margin.value, effect.null_value
        level = as_printed(effect.ci_level)
        if hypothesis == "equivalence":
            # The mirror image of the margin: 1/m on a ratio scale, −m on a difference scale.
            mirror = 1 / m if effect.is_ratio else -m
            mirror_text = fixed(mirror, max(2, decimals(m)) if effect.is_ratio else decimals(m))
            (bottom, bottom_text), (top, top_text) = sorted([(m, as_printed(m)), (mirror, mirror_text)])
            shown = bottom < low and high < top
            msg = (f"the {level}% CI {as_printed(low)} to {as_printed(high)} {'lies' if shown else 'does not lie'} "
                   "within "
                   f"the equivalence margins {bottom_text} to {top_text}: equivalence "
                   f"{'shown' if shown else 'not shown'}.")
        elif m > null:
            shown = high < m
            msg = (f"upper {level}% CI bound {as_printed(high)} {'<' if shown else '≥'} margin {as_printed(m)}: "
                   f"non-inferiority {'shown' if shown else 'not shown'}.")
        else:
            shown = low > m
            msg = (f"lower {level}% CI bound {as_printed(low)} {'>' if shown else '≤'} margin {as_printed(m)}: "
                   f"non-inferiority {'shown' if shown else 'not shown'}.")
        self.add("info", "margin", where + msg, [_path(*base, "ci"), _path(*base, "margin")],
                 "Non-inferiority is shown when the whole confidence interval lies on the acceptable side of "
                 "the margin; a P value for superiority answers a different question.", comparison=label)

    def check_completeness(self, item: _Item, has_derived: bool) -> None:
        outcome = item.outcome
        if item.harm or not outcome.primary or len(self.study.arms) < 2:
            return  # a single-group study has no between-arm effect to report
        path = _path(*item.base, "effects")
        estimates = [e for e in outcome.effects if e.estimate_value is not None]
        if not estimates:
            gap = any(e.estimate == NOT_IN_SOURCES for e in outcome.effects)
            if gap:
                self.add("info", "primary-no-effect",
                         f"{_short(outcome.label)}: the sources used for this record do not give the between-arm "
                         f"effect estimate of this primary outcome.", [path])
                return
            shown = "; the recomputed crude effect is shown instead" if has_derived else ""
            self.add("warning", "primary-no-effect",
                     f"{_short(outcome.label)}: the record gives no between-arm effect estimate for this primary "
                     f"outcome{shown}.",
                     [path],
                     "A trial report should give, for each primary outcome, the estimated effect and its "
                     "precision (CONSORT item 17a).")
            return
        for k, effect in enumerate(outcome.effects):
            if effect.estimate_value is None or effect.interval is not None:
                continue
            est = effect.estimate_value
            label = self.comparison_label(self.study.comparison(effect))
            unit = f" {effect.unit}" if effect.unit else ""
            shown = (f"{MEASURE_SHORT.get(effect.measure, effect.measure)} "
                     f"{as_printed(est) if effect.is_ratio else as_printed_signed(est)}{unit}")
            if effect.ci == NOT_IN_SOURCES:
                msg = (f"{_short(outcome.label)}, {label}: the sources used for this record do not give the "
                       f"confidence interval ({shown}).")
            else:
                missing = "confidence interval or P value" if effect.p is None else "confidence interval"
                msg = (f"{_short(outcome.label)}, {label}: the record gives no {missing} for this primary "
                       f"outcome ({shown}), so its precision cannot be judged from the record.")
            self.add("info", "primary-no-ci", msg, [_path(*item.base, "effects", k, "ci")],
                     "Without an interval a reader cannot tell a precise null result from an imprecise one "
                     "(CONSORT item 17a asks for the effect size and its precision).", comparison=label)

    def check_subgroups(self, item: _Item) -> None:
        """Light checks: per-arm percentages, ratio signs, each estimate inside its interval."""
        for s, subgroup in enumerate(item.outcome.subgroups):
            for lv, level in enumerate(subgroup.levels):
                base = (*item.base, "subgroups", s, "levels", lv)
                name = f"{_short(item.outcome.label)} ({subgroup.variable} {level.level})"
                for j, result in enumerate(level.results):
                    events, total, percent = known(result.events), known(result.total), number_or_none(result.percent)
                    if events is not None and total and percent is not None:
                        r = (*base, "results", j)
                        self.check_percent(f"{name}, {self.label_of(result.arm)}: ", events, total, percent,
                                           [_path(*r, "percent"), _path(*r, "events"), _path(*r, "total")])
                for k, effect in enumerate(level.effects):
                    label = self.comparison_label(self.study.comparison(effect))
                    self.check_shape(f"{name}, {label}: ", (*base, "effects", k), effect, label)
