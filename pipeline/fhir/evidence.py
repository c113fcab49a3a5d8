"""Results -> R5 ``Evidence``: one per reported effect, one per arm's result.

In:  a v2 ``Study`` and the ``Entries`` being built (the variables are there).
Out: ``Evidence`` resources added to the Bundle, each naming its variables
     (population, and a subgroup's subpopulation; exposure and reference
     exposure, or the one arm; the measured outcome) and its statistics:

- an effect (of the whole population or of a subgroup level): its measure as the
  statistic type, the estimate as the quantity,
  the confidence interval as an attribute estimate with its level (95 -> 0.95),
  the P value as an attribute estimate (``<0.001`` -> comparator ``<``), the
  sample size and number of events of the two groups when both are reported,
  and as model characteristics: adjusted or not (and for what), the analysis
  population, a non-inferiority or equivalence margin;
- an arm: the percentage with its events and total (or the count), the rate,
  the Kaplan–Meier percentage, the mean (SD, SE, CI) and the median (IQR).

Every number is the record's ``Printed`` number as a ``Decimal``: 0.60 stays
0.60. A value the record marks ``not reported`` or ``not in sources`` is left
out and said in a note.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import ArmResult, Effect, Outcome, Study, known
from ..numbers import exact, printed
from .bundle import Entries
from .codes import UCUM, Json, attribute_type, concept, statistic_type, variable_role
from .study import outcome_key

_P = re.compile(r"^(?:p\s*)?(=|<|>|<=|>=|≤|≥)?\s*(\d*\.?\d+(?:[eE]-?\d+)?)$", re.I)
_COMPARATOR = {"≤": "<=", "≥": ">=", "=": None}


def add_evidence(study: Study, entries: Entries) -> None:
    for harm, outcome in [(False, o) for o in study.outcomes] + [(True, h) for h in study.harms]:
        key = outcome_key(outcome, harm)
        measured = {"variableRole": variable_role("measuredVariable"),
                    "observed": entries.ref("EvidenceVariable", key, outcome.label)}
        population = {"variableRole": variable_role("population"), "description": study.question.population}
        for i, effect in enumerate(outcome.effects, 1):
            _add_effect(study, entries, outcome, effect, outcome.results, f"{key}/effect-{i}", [population, measured])
        for si, subgroup in enumerate(outcome.subgroups, 1):
            for li, level in enumerate(subgroup.levels, 1):
                part = {"variableRole": variable_role("subpopulation"),
                        "description": f"{subgroup.variable}: {level.level}"}
                for ei, effect in enumerate(level.effects, 1):
                    _add_effect(study, entries, outcome, effect, level.results,
                                f"{key}/subgroup-{si}/level-{li}/effect-{ei}", [population, part, measured],
                                f"{subgroup.variable} {level.level}")
        for result in outcome.results:
            statistics = arm_statistics(outcome, result)
            if not statistics:
                continue
            label = study.group_label(result.arm)
            entries.add("Evidence", f"{key}/arm/{result.arm}", {
                "status": "active", "title": f"{outcome.label}: {label}",
                "variableDefinition": [
                    {"variableRole": variable_role("exposure"),
                     "observed": entries.ref("EvidenceVariable", f"group/{result.arm}", label)},
                    measured],
                "statistic": statistics,
                "relatedArtifact": _sources(study, entries),
            })


def _add_effect(study: Study, entries: Entries, outcome: Outcome, effect: Effect, results: list[ArmResult],
                key: str, variables: list[Json], subgroup: str | None = None) -> None:
    arm, reference = study.comparison(effect)
    detail = ", ".join(x for x in (subgroup, effect.label) if x)
    title = f"{outcome.label}: {study.group_label(arm)} vs {study.group_label(reference)}" + \
        (f" ({detail})" if detail else "")
    exposures = [{"variableRole": variable_role("exposure"),
                  "observed": entries.ref("EvidenceVariable", f"group/{arm}", study.group_label(arm))},
                 {"variableRole": variable_role("referenceExposure"),
                  "observed": entries.ref("EvidenceVariable", f"group/{reference}", study.group_label(reference))}]
    entries.add("Evidence", key, {
        "status": "active", "title": title,
        "variableDefinition": variables[:-1] + exposures + variables[-1:],
        "statistic": [effect_statistic(study, outcome, effect, results)],
        "relatedArtifact": _sources(study, entries),
    })


def effect_keys(study: Study, outcome: Outcome, harm: bool) -> list[str]:
    return [f"{outcome_key(outcome, harm)}/effect-{i}" for i in range(1, len(outcome.effects) + 1)]


def _sources(study: Study, entries: Entries) -> list[Json]:
    out = [{"type": "derived-from", "resourceReference": entries.ref("ResearchStudy", "study", study.title)}]
    if study.citation:
        out.append({"type": "cite-as", "resourceReference": entries.ref("Citation", "primary", study.citation.title)})
    return out


def _quantity(value: float, unit: str | None = None) -> Json:
    out: Json = {"value": exact(value)}
    if unit:
        out["unit"] = unit
    return out


def _missing(what: str, value: object) -> Json | None:
    return {"text": f"{what}: {value}"} if isinstance(value, str) else None


def effect_statistic(study: Study, outcome: Outcome, effect: Effect, results: list[ArmResult]) -> Json:
    stat: Json = {"statisticType": statistic_type(effect.measure)}
    notes = [n for n in (_missing("estimate", effect.estimate), _missing("confidence interval", effect.ci)) if n]
    if effect.estimate_value is not None:
        stat["quantity"] = _quantity(effect.estimate_value, effect.unit)
    estimates = []
    if effect.interval is not None:
        low, high = effect.interval
        estimates.append({"type": attribute_type("confidence interval"), "level": exact(effect.ci_level) / 100,
                          "range": {"low": _quantity(low, effect.unit), "high": _quantity(high, effect.unit)}})
    p = p_value(effect.p)
    if p is not None:
        estimates.append(p)
    elif isinstance(effect.p, str):
        notes.append({"text": f"P value: {effect.p}"})
    if estimates:
        stat["attributeEstimate"] = estimates
    pair = [next((r for r in results if r.arm == i), None) for i in study.comparison(effect)]
    totals = [known(r.total) if r else None for r in pair]
    events = [known(r.events) if r else None for r in pair]
    if None not in totals:
        stat["sampleSize"] = {"numberOfParticipants": sum(totals)}
    if outcome.kind != "continuous" and None not in events:
        stat["numberOfEvents"] = sum(events)
    characteristics = _model(study, outcome, effect)
    if characteristics:
        stat["modelCharacteristic"] = characteristics
    if effect.significant is not None:
        stat["description"] = "The authors call the effect statistically significant." if effect.significant \
            else "The authors call the effect not statistically significant."
    if notes:
        stat["note"] = notes
    return stat


def p_value(p: object) -> Json | None:
    """A P value as an attribute estimate: ``0.03`` or ``<0.001`` (comparator and value); None for other text."""
    if isinstance(p, float):
        return {"type": attribute_type("p-value"), "quantity": {"value": exact(p)}}
    if not isinstance(p, str):
        return None
    match = _P.match(p.strip())
    if not match:
        return None
    sign, digits = match.groups()
    quantity: Json = {"value": Decimal(digits)}
    comparator = _COMPARATOR.get(sign, sign)
    if comparator:
        quantity["comparator"] = comparator
    return {"type": attribute_type("p-value"), "quantity": quantity, "description": f"P {p.strip()}"}


def _model(study: Study, outcome: Outcome, effect: Effect) -> list[Json]:
    out = []
    if effect.adjusted is not None:
        text = ("Adjusted" + (f" for {effect.adjusted_for}" if effect.adjusted_for else "")) if effect.adjusted \
            else "Unadjusted"
        out.append({"code": concept(text=text)})
    population = effect.population or (study.design.analysis_population if outcome.primary else None)
    if population:
        out.append({"code": concept(text=f"Analysis population: {population}")})
    hypothesis = effect.hypothesis or (study.design.hypothesis if outcome.primary else "superiority")
    margin = effect.margin or (study.design.margin if outcome.primary else None)
    if hypothesis != "superiority":
        item: Json = {"code": concept(text=f"{hypothesis.capitalize()} margin" if margin else hypothesis)}
        if margin:
            item["value"] = _quantity(margin.value)
        out.append(item)
    return out


def arm_statistics(outcome: Outcome, r: ArmResult) -> list[Json]:
    out: list[Json] = []
    events, total = known(r.events), known(r.total)
    size = {"sampleSize": {"numberOfParticipants": total}} if total is not None else {}
    if isinstance(r.percent, float):
        stat: Json = {"statisticType": statistic_type("percentage"),
                "quantity": {"value": exact(r.percent), "unit": "%", "system": UCUM, "code": "%"}, **size}
        if events is not None:
            stat["numberOfEvents"] = events
        out.append(stat)
    elif events is not None:
        out.append({"statisticType": statistic_type("count"), "quantity": {"value": events}, **size,
                    "numberOfEvents": events})
    if r.rate is not None:
        rate: Json = {"statisticType": statistic_type("incidence rate"),
                      "quantity": _quantity(r.rate.value, r.rate.unit)}
        if r.person_time is not None:
            rate["note"] = [{"text": f"Person-time: {printed(r.person_time.value).text} {r.person_time.unit}"}]
        out.append(rate)
    if r.kaplan_meier is not None:
        out.append({"statisticType": statistic_type("percentage"),
                    "description": f"Kaplan–Meier estimate at {r.kaplan_meier.at}",
                    "quantity": {"value": exact(r.kaplan_meier.percent), "unit": "%", "system": UCUM, "code": "%"}})
    change = {"description": "Change from baseline"} if r.change else {}
    if isinstance(r.mean, float):
        estimates: list[Json] = []
        for name, value in (("standard deviation", r.sd), ("standard error", r.se)):
            if value is not None:
                estimates.append({"type": attribute_type(name), "quantity": _quantity(value, outcome.unit)})
        if r.ci is not None:
            estimates.append({"type": attribute_type("confidence interval"),
                              "range": {"low": _quantity(r.ci[0], outcome.unit),
                                        "high": _quantity(r.ci[1], outcome.unit)}})
        out.append({"statisticType": statistic_type("mean"), **change, "quantity": _quantity(r.mean, outcome.unit),
                    **size, **({"attributeEstimate": estimates} if estimates else {})})
    if r.median is not None:
        median: Json = {"statisticType": statistic_type("median"), **change,
                        "quantity": _quantity(r.median, outcome.unit), **size}
        if r.iqr is not None:
            median["attributeEstimate"] = [{"type": attribute_type("interquartile range"),
                                            "range": {"low": _quantity(r.iqr[0], outcome.unit),
                                                      "high": _quantity(r.iqr[1], outcome.unit)}}]
        out.append(median)
    return out
