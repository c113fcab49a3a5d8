"""Between-group effects in words: measure, comparison, hypothesis, significance.

In:  a ``Study``, an outcome and one of its ``Effect`` s.
Out: ``EffectText`` (value, interval, P, the sentence a reader sees) and the measure's short names.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Effect, Margin, Outcome, Study
from .formatting import ABSENT, NIS, NR, _flat, interval, missing, number, p_value, signed

# --- effects --------------------------------------------------------------------

MEASURE_SHORT = {
    "risk difference": "RD", "risk ratio": "RR", "odds ratio": "OR", "hazard ratio": "HR",
    "rate ratio": "Rate ratio", "incidence rate difference": "IRD", "mean difference": "MD",
    "standardized mean difference": "SMD", "median difference": "Median difference", "win ratio": "Win ratio",
}


def measure_name(measure: str) -> str:
    return measure[0].upper() + measure[1:]


def margin_text(margin: Margin, measure: str) -> str:
    """"margin RR 1.46"."""
    scale = margin.measure or measure
    return f"margin {MEASURE_SHORT[scale]} {number(margin.value)}"


def hypothesis_text(hypothesis: str, margin: Margin | None, measure: str | None) -> str:
    """"Non-inferiority, margin RR 1.46"; "Superiority"."""
    head = measure_name(hypothesis)
    if margin is not None and (margin.measure or measure):
        head += ", " + margin_text(margin, margin.measure or measure or "")
    elif hypothesis != "superiority":
        head += ", margin not reported"
    return head


@dataclass(frozen=True)
class EffectText:
    """One between-group effect, formatted: every part a reader may see, each as printed."""

    comparison: str           # "Dabigatran 150 mg vs Warfarin"
    label: str | None         # which analysis, e.g. "Trial-product estimand"
    measure: str              # "hazard ratio"
    short: str                # "HR"
    ratio: bool
    value: str                # "0.66", "−4.8", "+4.7"; or not reported / not in our sources
    unit: str                 # "percentage points" or ""
    range: str                # "0.53 to 0.82"; or not reported / not in our sources
    level: str                # "95"
    p: str                    # "P < 0.001"; or not reported / not in our sources
    significance: str         # "statistically significant", "not statistically significant" or ""
    adjusted: str | None      # "adjusted for age", "adjusted", "unadjusted" or None
    population: str | None    # "per-protocol"
    hypothesis: str | None    # "Non-inferiority, margin RR 1.46" (None for plain superiority)
    threshold: str | None     # "judged at P < 0.0025"
    margin: float | None = None        # the margin's value on the effect's own scale, for the forest plot
    margin_label: str | None = None    # "NI margin 1.46"
    absolute_parts: tuple[tuple[str, str], ...] = ()   # (GRADE words, method) of the audit's absolute effects
    arm: str = ""                      # the compared arm's (or factorial group's) id
    reference: str = ""                # the reference's id

    @property
    def absolute(self) -> tuple[str, ...]:
        """"48 fewer per 1,000 (from the reported risk difference)", one per absolute effect."""
        return tuple(f"{words} ({method})" for words, method in self.absolute_parts)

    @property
    def absolute_short(self) -> tuple[str, ...]:
        """"6 fewer per 1,000 per year (95% CI 8 fewer to 3 fewer), by GRADE's method": the method named, not
        spelled out (for a table cell on a slide; ``absolute`` has it in full)."""
        return tuple(f"{words}, {'by ' if ':' in method else ''}{method.split(':')[0]}"
                     for words, method in self.absolute_parts)

    @property
    def estimate(self) -> str:
        """"RD −4.8 percentage points (adjusted for age)" or the missing words."""
        if self.value in ABSENT:
            return self.value
        unit = f" {self.unit}" if self.unit else ""
        adjusted = f" ({self.adjusted})" if self.adjusted and self.adjusted != "unadjusted" else ""
        return f"{self.short} {self.value}{unit}{adjusted}"

    @property
    def ci(self) -> str:
        """"95% CI 0.53 to 0.82" or the missing words."""
        return self.range if self.range in ABSENT else f"{self.level}% CI {self.range}"

    @property
    def ci_level_note(self) -> str:
        """"" at 95%, else "97.5% CI "."""
        return "" if self.level == "95" else f"{self.level}% CI "

    @property
    def headline(self) -> str:
        """"HR 0.66 (0.53 to 0.82)", with the level when it is not 95%."""
        if self.value in ABSENT:
            return f"{self.short} {self.value}"
        unit = f" {self.unit}" if self.unit else ""
        ci = f" ({self.ci_level_note}{self.range})" if self.range not in ABSENT else \
            (" (CI not reported)" if self.range == NR else f" (CI {NIS})")
        return f"{self.short} {self.value}{ci}{unit}"

    @property
    def qualifiers(self) -> tuple[str, ...]:
        """What else the reader must know: hypothesis, adjustment, population, threshold."""
        out = [self.hypothesis] if self.hypothesis else []
        out += [x for x in (self.adjusted, self.population, self.threshold) if x]
        return tuple(out)

    @property
    def sentence(self) -> str:
        """Everything on one line, for notes and alt text."""
        head = f"{self.comparison}" + (f" ({self.label})" if self.label else "")
        body = self.headline + (f", {self.p}" if self.p not in ABSENT else f", P {self.p}")
        extra = "; ".join(self.qualifiers + ((self.significance,) if self.significance else ()))
        return f"{head}: {body}" + (f"; {extra}" if extra else "")


def effect_hypothesis(study: Study, outcome: Outcome | None, effect: Effect) -> tuple[str, Margin | None]:
    """The hypothesis an effect tests and its margin: its own, else the design's for a primary outcome."""
    primary = outcome is not None and outcome.primary
    hypothesis = effect.hypothesis or (study.design.hypothesis if primary else "superiority")
    margin = effect.margin
    if margin is None and primary and hypothesis == study.design.hypothesis:
        margin = study.design.margin
    return hypothesis, margin


def significance_text(hypothesis: str, significant: bool | None) -> str:
    """The authors' verdict in the words of the test they ran: a non-inferiority P tests the margin, not
    no effect, so "P < 0.001" beside RR 0.91 (0.74 to 1.11) reads "non-inferiority shown", never
    "statistically significant"."""
    if significant is None:
        return ""
    if hypothesis == "superiority":
        return "statistically significant" if significant else "not statistically significant"
    return f"{hypothesis} shown" if significant else f"{hypothesis} not shown"


def comparison_text(study: Study, effect: Effect) -> str:
    arm, ref = study.comparison(effect)
    return f"{_flat(study.group_label(arm))} vs {_flat(study.group_label(ref))}"


def effect_text(study: Study, outcome: Outcome | None, effect: Effect,
                absolute: tuple[tuple[str, str], ...] = ()) -> EffectText:
    hypothesis, margin = effect_hypothesis(study, outcome, effect)
    est = effect.estimate
    if not isinstance(est, (int, float)):
        value = missing(est)
    elif effect.is_ratio:
        value = number(est)
    else:
        value = signed(est)
    ci = effect.ci
    rng = interval(*ci) if isinstance(ci, tuple) else missing(ci)
    adjusted = None
    if effect.adjusted:
        adjusted = f"adjusted for {_flat(effect.adjusted_for)}" if effect.adjusted_for else "adjusted"
    elif effect.adjusted_for:
        adjusted = f"adjusted for {_flat(effect.adjusted_for)}"
    elif effect.adjusted is False:
        adjusted = "unadjusted"
    significance = significance_text(hypothesis, effect.significant)
    hyp = hypothesis_text(hypothesis, margin, effect.measure) if hypothesis != "superiority" else None
    margin_value = margin_label = None
    if margin is not None and (margin.measure is None or margin.measure == effect.measure):
        margin_value = float(margin.value)
        word = "NI" if hypothesis == "non-inferiority" else "Equivalence" if hypothesis == "equivalence" else ""
        margin_label = f"{word} margin {number(margin.value)}".strip()
    return EffectText(
        comparison=comparison_text(study, effect), label=_flat(effect.label) or None, measure=effect.measure,
        short=MEASURE_SHORT[effect.measure], ratio=effect.is_ratio, value=value,
        unit=_flat(effect.unit) if effect.unit else "", range=rng, level=number(effect.ci_level),
        p=p_value(effect.p), significance=significance, adjusted=adjusted,
        population=effect.population,
        hypothesis=hyp,
        threshold=f"judged at P < {number(effect.threshold)}" if effect.threshold is not None else None,
        margin=margin_value, margin_label=margin_label, absolute_parts=absolute,
        arm=study.comparison(effect)[0], reference=study.comparison(effect)[1])


def split_shared_mark(derived: tuple[str, ...]) -> tuple[list[str], str | None]:
    """Recomputed values with the marking they all share said once:
    ("+110 per 1,000 (recomputed over …)", "NNTH 10 (recomputed over …)") ->
    (["+110 per 1,000", "NNTH 10"], "Recomputed over …"). Values stay whole (and the
    mark None) when they do not share one marking that says "recomputed"."""
    groups = [g for d in derived if (g := _trailing_group(d)) is not None and g[0]]
    if derived and len(groups) == len(derived) and len({g[1] for g in groups}) == 1 \
            and "recomputed" in groups[0][1].lower():
        mark = groups[0][1]
        return [g[0] for g in groups], mark[0].upper() + mark[1:]
    return list(derived), None


def _trailing_group(text: str) -> tuple[str, str] | None:
    """"a (b (c))" -> ("a", "b (c)"): the balanced parenthetical that ends ``text``, if any."""
    if not text.endswith(")"):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return text[:i].rstrip(), text[i + 1:-1]
    return None
