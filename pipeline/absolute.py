"""Absolute effects per 1,000, made from the effect the paper reports (GRADE's method and words).

In:  a ``Study``, one of its outcomes or harms and one of that item's effects;
     or, for a comparison with no reported effect, a crude risk difference
     (``stats.Estimate``) the audit recomputed from the per-arm counts.
Out: ``Absolute``: the figure per 1,000 with its interval, worded as GRADE
     words it ("48 fewer per 1,000 (95% CI 60 fewer to 35 fewer)"), and the
     method that made it, with its numbers (``method``, for the audit) and
     without them (``said``, for a page whose table states them); or None when
     the record gives no honest way.

Methods, in order of preference:

* a reported risk difference, rescaled (percentage points × 10), each figure
  with the precision its number was printed with (−4.8 points: 48 fewer);
* a reported risk, odds or hazard ratio applied to the reference arm's risk
  (GRADE): its Kaplan–Meier percentage for a hazard ratio, else its
  events/total, else its printed percentage of participants
  (``stats.difference_from_ratio``), in whole numbers;
* a reported ratio applied to the reference arm's rate when the arm has a rate
  and no risk: ``(ratio − 1) × rate``, per 1,000 of the rate's person-time
  ("5 fewer per 1,000 person-years"; "% per year" reads "per 1,000 per year").

The crude difference of printed percentages is never made here: it belongs
to the audit's findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from . import stats
from .arithmetic import as_printed, count_text, decimals, exact_decimal, fixed, fraction, number_or_none, percent_text
from .model import ArmResult, Effect, Outcome, Study, known, rd_scale

MEASURE_SHORT = {
    "risk difference": "RD", "risk ratio": "RR", "odds ratio": "OR", "hazard ratio": "HR", "rate ratio": "rate ratio",
    "mean difference": "MD", "standardized mean difference": "SMD", "median difference": "median difference",
    "incidence rate difference": "rate difference", "win ratio": "win ratio",
}


@dataclass(frozen=True)
class Absolute:
    """An absolute effect per 1,000 participants for one comparison, and the method that made it.

    ``value``/``lower``/``upper`` are per 1,000 (intervention minus reference;
    the limits None without a reported interval), shown with ``places``
    decimals. ``effect`` indexes the outcome's ``effects`` it came from (None
    when recomputed from the per-arm counts). ``text`` is worded as GRADE
    does ("48 fewer per 1,000 (95% CI 60 fewer to 35 fewer)"); ``method``
    says how ("from the reported risk difference").
    """

    comparison: tuple[str, str]
    label: str
    value: float
    lower: float | None
    upper: float | None
    places: int
    level: float
    text: str
    method: str
    effect: int | None = None
    basis: str = ""    # the method without the numbers a page states beside it (falls back to ``method``)

    @property
    def said(self) -> str:
        """The method as a page beside the table says it: "GRADE's method: reported HR applied to the
        Placebo arm's risk" (the HR and the risk are in the table)."""
        return self.basis or self.method

    @property
    def recomputed(self) -> bool:
        return self.effect is None

    def __str__(self) -> str:
        return f"{self.text} ({self.method})"


def per_1000_words(value: float | Decimal, places: int = 0) -> str:
    """GRADE's wording of an absolute effect: "48 fewer", "12 more", "0" for none."""
    text = fixed(abs(value) if not isinstance(value, Decimal) else value.copy_abs(), places)
    if value < 0:
        return f"{text} fewer"
    if value > 0:
        return f"{text} more"
    return text


def comparison_label(study: Study, comparison: tuple[str, str]) -> str:
    """ "Drug A vs Placebo": the short labels of the arms (or factorial groups) compared."""
    return f"{study.group_label(comparison[0])} vs {study.group_label(comparison[1])}"


def rate_scale(unit: str) -> tuple[Decimal, str] | None:
    """How a printed rate unit reads per 1,000: "% per year" -> (10, "per 1,000 per year");
    "per 100 patient-years" -> (10, "per 1,000 patient-years"); None for a unit not understood."""
    words = " ".join(unit.replace(",", "").split())
    match = re.fullmatch(r"%\s*per\s+(.+)", words) or re.fullmatch(r"per\s+100\s+(.+)", words)
    if match:
        return Decimal(10), f"per 1,000 {'per ' if words.startswith('%') else ''}{match.group(1)}"
    match = re.fullmatch(r"per\s+1000\s+(.+)", words)
    if match:
        return Decimal(1), f"per 1,000 {match.group(1)}"
    return None


def control_risk(result: ArmResult, effect: Effect) -> tuple[Fraction, str, str] | None:
    """The reference arm's risk, how it reads, and what kind of risk it is: a Kaplan–Meier percentage
    (for a hazard ratio), else events/total, else the printed percentage of participants."""
    km = result.kaplan_meier
    if effect.measure == "hazard ratio" and km is not None:
        return (fraction(km.percent) / 100, f"{percent_text(km.percent)} at {km.at}, Kaplan–Meier",
                f"Kaplan–Meier risk at {km.at}")
    events, total = known(result.events), known(result.total)
    if events is not None and total:
        return Fraction(events, total), f"{count_text(events)} of {count_text(total)}", "risk"
    percent = number_or_none(result.percent)
    if percent is not None:
        return fraction(percent) / 100, percent_text(percent), "risk"
    return None


def from_effect(study: Study, outcome: Outcome, k: int, effect: Effect) -> Absolute | None:
    """The absolute effect of ``outcome.effects[k]``, or None when the record gives no way to make one."""
    est = effect.estimate_value
    if est is None or outcome.kind == "continuous":
        return None
    comparison = study.comparison(effect)
    numbers = (est, *(effect.interval or ()))
    if effect.measure == "risk difference":
        factor = Decimal(1000) / rd_scale(effect)
        shift = len(str(int(factor))) - 1
        # Each figure keeps the precision its reported number was printed with.
        values = [(exact_decimal(v) * factor, max(0, decimals(v) - shift)) for v in numbers]
        return _absolute(study, k, effect, comparison, values, "per 1,000", "from the reported risk difference")
    if not effect.is_ratio or effect.measure == "win ratio":
        return None
    reference = next((r for r in outcome.results if r.arm == comparison[1]), None)
    if reference is None:
        return None
    risk = control_risk(reference, effect) if effect.measure != "rate ratio" else None
    if risk is None:
        return _from_rate(study, k, effect, comparison, reference, est)
    r0, how, kind = risk
    measure = effect.measure
    if not stats.is_risk_ratio(measure):
        return None  # a measure difference_from_ratio refuses
    try:
        values = [(Decimal(repr(stats.difference_from_ratio(measure, float(v), float(r0)) * 1000)), 0)
                  for v in numbers]
    except ValueError:
        return None  # a risk ratio that would give a risk above 1: no absolute effect
    arm, short = study.group_label(comparison[1]), MEASURE_SHORT[effect.measure]
    method = f"GRADE's method: reported {short} {as_printed(est)} applied to the {arm} arm's risk, {how}"
    basis = f"GRADE's method: reported {short} applied to the {arm} arm's {kind}"
    return _absolute(study, k, effect, comparison, values, "per 1,000", method, basis)


def _from_rate(study: Study, k: int, effect: Effect, comparison: tuple[str, str],
               reference: ArmResult, est: float) -> Absolute | None:
    rate = reference.rate
    scale = rate_scale(rate.unit) if rate is not None else None
    if rate is None or scale is None:
        return None
    factor, per = scale
    base = exact_decimal(rate.value) * factor
    values = [((exact_decimal(v) - 1) * base, 0) for v in (est, *(effect.interval or ()))]
    method = (f"GRADE's method: reported {MEASURE_SHORT[effect.measure]} {as_printed(est)} "
              f"applied to the {study.group_label(comparison[1])} arm's rate, {as_printed(rate.value)}"
              f"{'' if rate.unit.startswith('%') else ' '}{rate.unit}")
    basis = (f"GRADE's method: reported {MEASURE_SHORT[effect.measure]} applied to the "
             f"{study.group_label(comparison[1])} arm's rate")
    return _absolute(study, k, effect, comparison, values, per, method, basis)


def _absolute(study: Study, k: int, effect: Effect, comparison: tuple[str, str],
              values: list[tuple[Decimal, int]], per: str, method: str, basis: str = "") -> Absolute:
    (value, places), bounds = values[0], sorted(values[1:])
    text = f"{per_1000_words(value, places)} {per}"
    lower = upper = None
    if bounds:
        (lower, low_places), (upper, up_places) = bounds
        text += (f" ({as_printed(effect.ci_level)}% CI {per_1000_words(lower, low_places)} to "
                 f"{per_1000_words(upper, up_places)})")
    return Absolute(comparison, comparison_label(study, comparison), float(value),
                    None if lower is None else float(lower), None if upper is None else float(upper), places,
                    float(effect.ci_level), text, method, k, basis)


def from_risk_difference(study: Study, comparison: tuple[str, str], rd: stats.Estimate, method: str) -> Absolute:
    """A crude risk difference the audit recomputed (no reported effect), per 1,000 in whole numbers."""
    pk = stats.per_1000(rd)
    text = (f"{per_1000_words(pk.value)} per 1,000 ({fixed(rd.level * 100, 0)}% CI {per_1000_words(pk.lower)} to "
            f"{per_1000_words(pk.upper)})")
    return Absolute(comparison, comparison_label(study, comparison), pk.value, pk.lower, pk.upper, 0,
                    round(rd.level * 100, 10), text, method)
