"""Every absolute effect a brief prints agrees with the effect it was made from (issue 12).

Each brief (every record in sources/ and every SYNTHETIC shape) is built and read back as text.
Every "48 fewer per 1,000 (95% CI 60 fewer to 35 fewer)" on it is checked against the record,
computed here independently of the pipeline:

* from a reported risk difference: the difference rescaled to per 1,000 (from its scale as the pipeline
  reads the unit: points, per 1,000 or a fraction);
* from a reported risk, odds or hazard ratio: the ratio applied to the reference arm's risk
  (its Kaplan–Meier percentage, events/total or printed percentage), GRADE's method;
* from a reported ratio and the reference arm's rate: (ratio − 1) × rate, per 1,000 of its time;
* with no reported effect, from the arms' events over their totals or, lacking one, the number allocated
  (the point only; the brief marks it recomputed).

A printed figure agrees when it is within half a unit of its last printed decimal of the exact
value; its interval limits likewise. Every primary outcome whose effect allows an absolute
effect has one on its brief.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

import shapes
from pipeline.build import BuildOptions, build_record
from pipeline.errors import LayoutError
from pipeline.model import Outcome, Study, known, rd_scale
from pipeline.validate import load_study
from readback import brief_text

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p.stem for p in (ROOT / "sources").glob("*.yaml"))
SHAPES = shapes.shapes()

_FIGURE = r"(\d[\d,]*(?:\.\d+)?)(?: (fewer|more))?"
ABSOLUTE = re.compile(r"(?<![\d,.−-])" + _FIGURE + r" per 1,000(?: (?:per )?[a-z]+(?:-[a-z]+)?)?"
                      r"(?: \(([\d.]+)% CI " + _FIGURE + " to " + _FIGURE + r"\))?")


@dataclass(frozen=True)
class Printed:
    value: Decimal
    places: int

    @classmethod
    def of(cls, number: str, word: str | None) -> Printed:
        value = Decimal(number.replace(",", ""))
        places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
        return cls(-value if word == "fewer" else value, places)

    def agrees(self, exact: float) -> bool:
        return abs(float(self.value) - exact) <= 0.5 * 10.0 ** -self.places + 1e-9


@dataclass(frozen=True)
class Expected:
    """What an absolute effect made one way must be: the exact point, and the limits when reported."""

    item: str
    value: float
    limits: tuple[float, float] | None   # None: not checked (recomputed from the counts)


def printed_effects(text: str) -> list[tuple[Printed, tuple[Printed, Printed] | None]]:
    found = []
    for m in ABSOLUTE.finditer(" ".join(text.replace("\u00ad", "").split())):
        value, word = m.group(1), m.group(2)
        if word is None and Decimal(value.replace(",", "")) != 0:
            continue  # "415 per 1,000" is a risk, not a difference
        limits = None
        if m.group(3):
            limits = (Printed.of(m.group(4), m.group(5)), Printed.of(m.group(6), m.group(7)))
        found.append((Printed.of(value, word), limits))
    return found


def _risk_after(measure: str, ratio: float, r0: float) -> float:
    if measure == "risk ratio":
        return ratio * r0
    if measure == "odds ratio":
        return ratio * r0 / (1 - r0 + ratio * r0)
    return 1 - (1 - r0) ** ratio   # hazard ratio


def _reference_risks(result, measure: str) -> list[float]:
    risks = []
    if measure == "hazard ratio" and result.kaplan_meier is not None:
        risks.append(float(result.kaplan_meier.percent) / 100)
    events, total = known(result.events), known(result.total)
    if events is not None and total:
        risks.append(events / total)
    if known(result.percent) is not None:
        risks.append(float(result.percent) / 100)
    return risks


def _rate_per_1000(result) -> float | None:
    rate = result.rate
    if rate is None:
        return None
    words = " ".join(rate.unit.replace(",", "").split())
    if words.startswith("%") or words.startswith("per 100 "):
        return float(rate.value) * 10
    if words.startswith("per 1000 "):
        return float(rate.value)
    return None


def expected_of(study: Study, outcome: Outcome) -> list[Expected]:
    """Every absolute effect per 1,000 the outcome's reported effects (or, lacking one, its counts) allow."""
    out: list[Expected] = []
    if outcome.kind == "continuous":
        return out
    by_arm = {r.arm: r for r in outcome.results}
    for effect in outcome.effects:
        estimate = effect.estimate_value
        if estimate is None:
            continue
        numbers = [float(estimate), *(float(v) for v in effect.interval or ())]
        interval = len(numbers) == 3
        if effect.measure == "risk difference":
            scaled = [v * 1000 / rd_scale(effect) for v in numbers]
            out.append(Expected(outcome.id, scaled[0], tuple(sorted(scaled[1:])) if interval else None))
            continue
        if effect.measure not in ("risk ratio", "odds ratio", "hazard ratio", "rate ratio"):
            continue
        reference = by_arm.get(study.comparison(effect)[1])
        if reference is None:
            continue
        if effect.measure != "rate ratio":
            for r0 in _reference_risks(reference, effect.measure):
                after = [_risk_after(effect.measure, v, r0) for v in numbers]
                if max(after) > 1:
                    continue  # a risk ratio giving a risk above 1 allows no absolute effect
                scaled = [1000 * (r1 - r0) for r1 in after]
                out.append(Expected(outcome.id, scaled[0], tuple(sorted(scaled[1:])) if interval else None))
        base = _rate_per_1000(reference)
        if base is not None:
            scaled = [(v - 1) * base for v in numbers]
            out.append(Expected(outcome.id, scaled[0], tuple(sorted(scaled[1:])) if interval else None))
    if not outcome.effects:
        allocated = {a.id: known(a.randomized) for a in study.arms}
        risks = {r.arm: known(r.events) / (known(r.total) or allocated.get(r.arm)) for r in outcome.results
                 if known(r.events) is not None and (known(r.total) or allocated.get(r.arm))}
        out += [Expected(outcome.id, 1000 * (a - b), None) for a in risks.values() for b in risks.values() if a != b]
    return out


def agrees(printed: tuple[Printed, tuple[Printed, Printed] | None], expected: Expected) -> bool:
    value, limits = printed
    if not value.agrees(expected.value):
        return False
    if expected.limits is None:
        return limits is None or float(limits[0].value) <= float(value.value) <= float(limits[1].value)
    return limits is not None and all(p.agrees(e) for p, e in zip(limits, expected.limits, strict=True))


@pytest.fixture(scope="module")
def brief_of(tmp_path_factory):
    """Build a record's brief once: (Study, brief text), or None when it is refused as too large."""
    root = tmp_path_factory.mktemp("briefs")
    cache: dict[str, tuple[Study, str] | None] = {}

    def build(name: str) -> tuple[Study, str] | None:
        if name not in cache:
            path = shapes.record_file(name, root)
            study = load_study(path).study
            try:
                result = build_record(path, root / "out", BuildOptions(only=("brief",)))
            except LayoutError:
                cache[name] = None
            else:
                cache[name] = study, brief_text((root / "out" / result.study_id / "brief.pdf").read_bytes())
        return cache[name]

    return build


@pytest.mark.parametrize("name", SOURCES + sorted(SHAPES))
def test_every_absolute_effect_agrees_with_its_reported_effect(name, brief_of):
    built = brief_of(name)
    if built is None:
        assert name in shapes.HUGE
        return
    study, text = built
    if not isinstance(study, Study):
        pytest.skip("a review brief prints corresponding risks, not absolute effects of one trial")
    items = [*study.outcomes, *study.harms]
    expected = [e for item in items for e in expected_of(study, item)]
    printed = printed_effects(text)
    wrong = [p for p in printed if not any(agrees(p, e) for e in expected)]
    assert not wrong, f"{name}: absolute effects that agree with no reported effect: {wrong}\nexpected: {expected}"
    for outcome in study.outcomes:
        mine = expected_of(study, outcome) if outcome.primary and outcome.effects else []
        if mine:
            assert any(agrees(p, e) for p in printed for e in mine), f"{name}: {outcome.id} has no absolute effect"


def test_the_check_finds_absolute_effects_and_refuses_a_wrong_one():
    assert printed_effects("RD −4.8 points; 48 fewer per 1,000 (95% CI 60 fewer to 35 fewer); 415 per 1,000") == [
        (Printed(Decimal(-48), 0), (Printed(Decimal(-60), 0), Printed(Decimal(-35), 0)))]
    rd = Expected("x", -48.0, (-60.0, -35.0))
    (right,) = printed_effects("48 fewer per 1,000 (95% CI 60 fewer to 35 fewer)")
    (crude,) = printed_effects("30 fewer per 1,000 (95% CI 60 fewer to 35 fewer)")
    (flipped,) = printed_effects("48 more per 1,000 (95% CI 60 fewer to 35 fewer)")
    assert agrees(right, rd) and not agrees(crude, rd) and not agrees(flipped, rd)
    (zero,) = printed_effects("0 more per 1,000 (95% CI 1 fewer to 1 more)")
    assert agrees(zero, Expected("x", 0.132, (-0.8, 1.2)))
