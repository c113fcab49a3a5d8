"""SYNTHETIC version-2 study records of every shape, for tests.

In:  nothing; every record is drawn from a ``random.Random`` seeded with the
     shape's name, so the same name always gives the same record.
Out: ``shapes()``: {name: record} for every shape (1–6 arms, each measure, each
     per-arm summary kind, subgroups, margins, factorial, cluster, stopped early,
     several registrations, citations without authors, long labels, missing
     values, no primary outcome); ``HUGE``: the names whose record is deliberately too big, so a
     build may refuse it with ``LayoutError``; ``dump(record)``: YAML text that
     keeps every number's printed text (``0.60`` stays ``0.60``);
     ``printed_numbers(record)``: the printed text of every number in the record.

Every record is labelled SYNTHETIC (title, acronym) and its arms are "Drug A",
"Drug B" …; no number in them describes a real study. Numbers are consistent
where a reader or the audit can check them (percent = events/total at the
printed decimals, a CI contains its estimate, arm sizes add up).
"""

from __future__ import annotations

import math
import random
import zlib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Iterator

import yaml

from pipeline.model import MEASURES, RATIO_MEASURES
from pipeline.numbers import Printed

ARM_LETTERS = "ABCDEF"
NOT_REPORTED = "not reported"
NOT_IN_SOURCES = "not in sources"
HUGE = frozenset({"huge"})

BINARY_MEASURES = ("risk difference", "risk ratio", "odds ratio")
TIME_TO_EVENT_MEASURES = ("hazard ratio", "rate ratio", "incidence rate difference")
CONTINUOUS_MEASURES = ("mean difference", "standardized mean difference", "median difference", "win ratio")
assert set(BINARY_MEASURES + TIME_TO_EVENT_MEASURES + CONTINUOUS_MEASURES) == set(MEASURES)

Record = dict[str, Any]


def number(value: float | Decimal, decimals: int) -> Printed:
    """``value`` rounded half up to ``decimals`` places, printed with exactly those places."""
    quantum = Decimal(1).scaleb(-decimals)
    text = str(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]
    return Printed(float(text), text)


def percent(events: int, total: int, decimals: int) -> Printed:
    return number(Decimal(events) * 100 / Decimal(total), decimals)


# --- the parts of a record -----------------------------------------------------

def arm_ids(count: int) -> list[str]:
    return [f"drug-{letter.lower()}" for letter in ARM_LETTERS[:count]]


def make_arms(rng: random.Random, weights: tuple[int, ...], *, long_labels: bool = False) -> list[Record]:
    """Arms sized by ``weights`` (the allocation ratio), give or take a couple of participants."""
    unit = rng.randint(40, 300)
    count = len(weights)
    arms = []
    for index, arm_id in enumerate(arm_ids(count)):
        letter = ARM_LETTERS[index]
        label = f"Drug {letter} {5 * (index + 1)} mg once daily"
        if long_labels:
            label += (" taken with food after a two-week run-in on a lower dose, with the dose adjusted to"
                      " kidney function and halved for anyone over 75 years of age (SYNTHETIC)")
        arms.append({
            "id": arm_id,
            "label": label,
            "short_label": f"Drug {letter}",
            "role": "control" if index == count - 1 and count > 1 else "intervention",
            "description": f"Drug {letter} by mouth (SYNTHETIC arm).",
            "randomized": unit * weights[index] + rng.randint(-2, 2),
        })
    return arms


def make_flow(rng: random.Random, arms: list[Record]) -> Record:
    randomized = sum(arm["randomized"] for arm in arms)
    excluded = rng.randint(10, 200)
    flows = []
    for arm in arms:
        allocated = arm["randomized"]
        discontinued = rng.randint(0, allocated // 10)
        lost = rng.randint(0, allocated // 20)
        completed = allocated - discontinued - lost
        flows.append({
            "arm": arm["id"], "allocated": allocated, "received": allocated - rng.randint(0, 2),
            "discontinued": discontinued,
            "discontinued_reasons": [{"reason": "Adverse event", "n": discontinued}] if discontinued else [],
            "lost": lost, "completed": completed, "analysed": allocated,
        })
    return {"assessed": randomized + excluded, "excluded": excluded,
            "excluded_reasons": [{"reason": "Did not meet inclusion criteria", "n": excluded}],
            "randomized": randomized, "arms": flows}


def p_value(effect: Record, margin: float | None = None) -> Printed | str:
    """The Wald P that agrees with the effect's printed estimate and 95% CI, as a paper would print it.

    Without a margin: two-sided against no effect, below 0.05 exactly when the
    interval excludes no effect. With a (harm-side) non-inferiority margin:
    one-sided against the margin, below 0.025 exactly when the interval stays below it.
    """
    ratio = effect["measure"] in RATIO_MEASURES
    scale = math.log if ratio else float
    estimate, (low, high) = scale(effect["estimate"]), (scale(bound) for bound in effect["ci"])
    se = max((high - low) / (2 * 1.96), 1e-9)
    if margin is None:
        null = 0.0
        p = math.erfc(abs(estimate - null) / se / math.sqrt(2))
        p = min(p, 0.049) if low > null or high < null else max(p, 0.051)
    else:
        bound = scale(margin)
        p = math.erfc((bound - estimate) / se / math.sqrt(2)) / 2
        p = min(p, 0.024) if high < bound else max(p, 0.026)
    return "<0.001" if p < 0.001 else number(p, 3)


def interval(estimate: float, half_width: float, decimals: int, *, ratio: bool) -> tuple[Printed, Printed, Printed]:
    """An estimate and a CI around it (on the log scale for a ratio), all at ``decimals`` places."""
    if ratio:
        low, high = estimate * math.exp(-half_width), estimate * math.exp(half_width)
    else:
        low, high = estimate - half_width, estimate + half_width
    est, lo, hi = number(estimate, decimals), number(low, decimals), number(high, decimals)
    return est, min(lo, est, key=float), max(hi, est, key=float)


def binary_results(rng: random.Random, arms: list[Record], decimals: int) -> list[Record]:
    results = []
    for arm in arms:
        total = arm["randomized"] - rng.randint(0, 3)
        events = rng.randint(max(1, total // 10), max(2, total * 7 // 10))
        results.append({"arm": arm["id"], "events": events, "total": total, "percent": percent(events, total, decimals)})
    return results


def binary_effect(measure: str, result: Record, reference: Record) -> Record:
    e1, n1, e2, n2 = result["events"], result["total"], reference["events"], reference["total"]
    p1, p2 = e1 / n1, e2 / n2
    if measure == "risk difference":
        se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) * 100
        est, lo, hi = interval((p1 - p2) * 100, 1.96 * se, 1, ratio=False)
        return {"measure": measure, "estimate": est, "ci": [lo, hi], "unit": "percentage points"}
    if measure == "risk ratio":
        se = math.sqrt(1 / e1 - 1 / n1 + 1 / e2 - 1 / n2)
        est, lo, hi = interval(p1 / p2, 1.96 * se, 2, ratio=True)
    else:
        se = math.sqrt(1 / e1 + 1 / (n1 - e1) + 1 / e2 + 1 / (n2 - e2))
        est, lo, hi = interval((e1 / (n1 - e1)) / (e2 / (n2 - e2)), 1.96 * se, 2, ratio=True)
    return {"measure": measure, "estimate": est, "ci": [lo, hi]}


def time_to_event_results(rng: random.Random, arms: list[Record], summaries: tuple[str, ...]) -> list[Record]:
    results = []
    for arm in arms:
        total = arm["randomized"]
        events = rng.randint(max(1, total // 20), max(2, total // 3))
        years = number(total * rng.uniform(1.5, 3.0), 1)
        entry: Record = {"arm": arm["id"], "events": events, "total": total}
        if "person_time" in summaries:
            entry["person_time"] = {"value": years, "unit": "patient-years"}
        if "rate" in summaries:
            entry["rate"] = {"value": number(Decimal(events) * 100 / Decimal(years.text), 2), "unit": "per 100 patient-years"}
        if "kaplan_meier" in summaries:
            entry["kaplan_meier"] = {"percent": number(min(99.0, events * 100 / total * 1.1), 1), "at": "3 years"}
        if "percent" in summaries:
            entry["percent"] = percent(events, total, 1)
        results.append(entry)
    return results


def _person_years(result: Record) -> float:
    """The person-time behind a result: as given, else implied by its printed rate, else two years each."""
    if "person_time" in result:
        return float(result["person_time"]["value"])
    if "rate" in result:
        return result["events"] * 100 / float(result["rate"]["value"])
    return result["total"] * 2.0


def time_to_event_effect(measure: str, result: Record, reference: Record) -> Record:
    e1, e2 = result["events"], reference["events"]
    t1, t2 = _person_years(result), _person_years(reference)
    if measure == "incidence rate difference":
        r1, r2 = e1 / t1 * 100, e2 / t2 * 100
        se = math.sqrt(e1 / t1 ** 2 + e2 / t2 ** 2) * 100
        est, lo, hi = interval(r1 - r2, 1.96 * se, 2, ratio=False)
        return {"measure": measure, "estimate": est, "ci": [lo, hi], "unit": "per 100 patient-years"}
    est, lo, hi = interval((e1 / t1) / (e2 / t2), 1.96 * math.sqrt(1 / e1 + 1 / e2), 2, ratio=True)
    return {"measure": measure, "estimate": est, "ci": [lo, hi]}


def continuous_results(rng: random.Random, arms: list[Record], spread: str, *, change: bool) -> list[Record]:
    results = []
    for arm in arms:
        total = arm["randomized"] - rng.randint(0, 5)
        centre = rng.uniform(-12.0, -1.0) if change else rng.uniform(20.0, 80.0)
        sd = rng.uniform(4.0, 15.0)
        entry: Record = {"arm": arm["id"], "total": total}
        if spread == "median-iqr":
            median = number(centre, 1)
            entry["median"] = median
            entry["iqr"] = [number(float(median) - sd * 0.67, 1), number(float(median) + sd * 0.67, 1)]
        else:
            mean = number(centre, 1)
            entry["mean"] = mean
            if spread == "sd":
                entry["sd"] = number(sd, 1)
            elif spread == "se":
                entry["se"] = number(sd / math.sqrt(total), 2)
            else:
                half = 1.96 * sd / math.sqrt(total)
                entry["ci"] = [number(float(mean) - half, 1), number(float(mean) + half, 1)]
        if change:
            entry["change"] = True
        results.append(entry)
    return results


def continuous_effect(rng: random.Random, measure: str, result: Record, reference: Record, unit: str) -> Record:
    key = "median" if "median" in result else "mean"
    difference = float(result[key]) - float(reference[key])
    n1, n2 = result["total"], reference["total"]
    if measure == "standardized mean difference":
        smd = difference / 10.0
        se = math.sqrt((n1 + n2) / (n1 * n2) + smd ** 2 / (2 * (n1 + n2)))
        est, lo, hi = interval(smd, 1.96 * se, 2, ratio=False)
        return {"measure": measure, "estimate": est, "ci": [lo, hi]}
    if measure == "win ratio":
        est, lo, hi = interval(rng.uniform(0.7, 1.6), 0.2, 2, ratio=True)
        return {"measure": measure, "estimate": est, "ci": [lo, hi]}
    est, lo, hi = interval(difference, 1.96 * 10.0 * math.sqrt(1 / n1 + 1 / n2), 1, ratio=False)
    return {"measure": measure, "estimate": est, "ci": [lo, hi], "unit": unit}


def effects_against_control(results: list[Record], make: Any, *, with_p: bool = True) -> list[Record]:
    """One effect per non-control arm, each against the last arm (the control)."""
    reference = results[-1]
    effects = []
    for result in results[:-1]:
        effect = {"compares": [result["arm"], reference["arm"]], **make(result, reference)}
        if with_p:
            effect["p"] = p_value(effect)
        effects.append(effect)
    return effects


def outcome(rng: random.Random, arms: list[Record], kind: str, measure: str | None, index: int, *,
            primary: bool = False, summaries: tuple[str, ...] = ("rate", "person_time"),
            spread: str = "sd", change: bool = False, percent_decimals: int = 1) -> Record:
    """A SYNTHETIC outcome of ``kind`` with per-arm results and, given a measure, effects against the control."""
    out: Record = {"id": f"outcome-{index}", "label": f"SYNTHETIC outcome {index + 1} ({kind})",
                   "primary": primary, "timepoint": "12 months", "kind": kind}
    if kind == "binary":
        out["higher_is_better"] = False
        results = binary_results(rng, arms, percent_decimals)
        make = lambda r, ref: binary_effect(measure, r, ref)  # noqa: E731
    elif kind == "time-to-event":
        out["higher_is_better"] = False
        results = time_to_event_results(rng, arms, summaries)
        make = lambda r, ref: time_to_event_effect(measure, r, ref)  # noqa: E731
    else:
        out["unit"] = "points"
        out["higher_is_better"] = True
        results = continuous_results(rng, arms, spread, change=change)
        make = lambda r, ref: continuous_effect(rng, measure, r, ref, "points")  # noqa: E731
    out["results"] = results
    if measure is not None and len(arms) > 1:
        out["effects"] = effects_against_control(results, make)
    return out


def base(name: str, rng: random.Random, n_arms: int = 2, *, long_labels: bool = False,
         weights: tuple[int, ...] | None = None) -> Record:
    """A SYNTHETIC record with ``n_arms`` arms (allocated by ``weights``, default equal), flow and conclusions."""
    weights = weights or (1,) * n_arms
    arms = make_arms(rng, weights, long_labels=long_labels)
    single = n_arms == 1
    ratio = ":".join(str(w) for w in weights) if not single else None
    record: Record = {
        "record": 2,
        "kind": "trial",
        "id": name,
        "acronym": f"SYNTH-{name.upper()}"[:40],
        "title": f"SYNTHETIC test record: {name} (not a real study)",
        "citation": {"authors": ["Author A", "Author B"], "et_al": True,
                     "title": f"SYNTHETIC report for the {name} shape", "journal": "Journal of Test Records",
                     "year": 2024, "volume": "1", "pages": "1–10"},
        "registrations": [{"registry": "ClinicalTrials.gov", "identifier": f"NCT{rng.randint(10**7, 10**8 - 1)}"}],
        "funding": "None (SYNTHETIC record).",
        "sources": "Generated by tests/shapes.py; every number is SYNTHETIC.",
        "question": {
            "population": "Adults with a SYNTHETIC condition",
            "eligibility": ["Age ≥18 years", "Score ± 2 of the norm"],
            "intervention": arms[0]["label"],
            "outcomes": ["SYNTHETIC outcomes"],
            "setting": "Nowhere: SYNTHETIC",
        },
        "design": {"type": "single-group" if single else "parallel", "randomized": not single,
                   "masking": "Double-blind (SYNTHETIC)", "centres": rng.randint(1, 40),
                   "follow_up": "12 months"},
        "arms": arms,
        "flow": make_flow(rng, arms),
        "outcomes": [],
        "appraisal": {
            "assessed_by": "tests/shapes.py (SYNTHETIC)",
            "rob2": {"randomization": {"judgement": "low", "support": "SYNTHETIC support."},
                     "overall": {"judgement": "some concerns", "support": "SYNTHETIC support."}},
            "strengths": ["SYNTHETIC strength"],
            "limitations": ["SYNTHETIC limitation"],
        },
        "conclusions": {"bottom_line": f"SYNTHETIC bottom line for {name}.",
                        "key_messages": ["SYNTHETIC message one.", "SYNTHETIC message two.", "SYNTHETIC message three."]},
        "discussion_questions": ["A SYNTHETIC question?",
                                 {"question": "Another SYNTHETIC question?", "answer": "A SYNTHETIC answer."}],
    }
    if ratio:
        record["design"]["allocation_ratio"] = ratio
    if not single:
        record["question"]["comparator"] = arms[-1]["label"]
    return record


# --- the shapes ------------------------------------------------------------------

def start(name: str, n_arms: int = 2, **options: Any) -> tuple[Record, random.Random]:
    """The base record of a shape and the random generator seeded with its name."""
    rng = random.Random(zlib.crc32(name.encode("utf-8")))
    return base(name, rng, n_arms, **options), rng


def simple(name: str, kind: str, measure: str, n_arms: int = 2, **options: Any) -> Record:
    """A shape with one primary outcome of ``kind``, its effects measured by ``measure``."""
    record, rng = start(name, n_arms)
    record["outcomes"] = [outcome(rng, record["arms"], kind, measure, 0, primary=True, **options)]
    return record


def _arm_counts() -> Iterator[tuple[str, Record]]:
    for count in range(1, 7):
        name = f"arms-{count}"
        record, rng = start(name, count, weights=(2, 1) if count == 2 else None)
        arms = record["arms"]
        measure = None if count == 1 else "risk difference"
        record["outcomes"] = [outcome(rng, arms, "binary", measure, 0, primary=True),
                              outcome(rng, arms, "continuous", None if count == 1 else "mean difference", 1)]
        yield name, record


def _measures() -> Iterator[tuple[str, Record]]:
    for measure in MEASURES:
        name = "measure-" + measure.replace(" ", "-")
        kind = ("binary" if measure in BINARY_MEASURES else
                "time-to-event" if measure in TIME_TO_EVENT_MEASURES else "continuous")
        yield name, simple(name, kind, measure)


def _summaries() -> Iterator[tuple[str, Record]]:
    variants: list[tuple[str, dict[str, Any]]] = [
        ("binary-whole-percent", {"kind": "binary", "percent_decimals": 0}),
        ("binary-two-decimals", {"kind": "binary", "percent_decimals": 2}),
        ("tte-rates", {"kind": "time-to-event", "summaries": ("rate",)}),
        ("tte-person-time", {"kind": "time-to-event", "summaries": ("person_time", "percent")}),
        ("tte-kaplan-meier", {"kind": "time-to-event", "summaries": ("kaplan_meier",)}),
        ("tte-all", {"kind": "time-to-event", "summaries": ("rate", "person_time", "kaplan_meier", "percent")}),
        ("continuous-mean-sd", {"kind": "continuous", "spread": "sd"}),
        ("continuous-mean-se", {"kind": "continuous", "spread": "se"}),
        ("continuous-mean-ci", {"kind": "continuous", "spread": "ci"}),
        ("continuous-median-iqr", {"kind": "continuous", "spread": "median-iqr"}),
        ("continuous-change", {"kind": "continuous", "spread": "sd", "change": True}),
    ]
    for name, options in variants:
        kind = options.pop("kind")
        measure = {"binary": "risk ratio", "time-to-event": "hazard ratio", "continuous": "mean difference"}[kind]
        if options.get("spread") == "median-iqr":
            measure = "median difference"
        yield name, simple(name, kind, measure, 3, **options)


def _subgroups() -> Record:
    name = "subgroups"
    record, rng = start(name, 2)
    main = outcome(rng, record["arms"], "binary", "risk ratio", 0, primary=True)
    subgroups = []
    for variable, levels in (("Age", ["<65 years", "≥65 years"]), ("Sex", ["Female", "Male"]),
                             ("Region", ["Europe", "Asia", "Americas"])):
        level_entries = []
        for level in levels:
            fake_arms = [{**arm, "randomized": arm["randomized"] // len(levels)} for arm in record["arms"]]
            results = binary_results(rng, fake_arms, 1)
            effects = effects_against_control(results, lambda r, ref: binary_effect("risk ratio", r, ref), with_p=False)
            level_entries.append({"level": level, "results": results, "effects": effects})
        subgroups.append({"variable": variable, "interaction_p": number(rng.uniform(0.05, 0.95), 2), "levels": level_entries})
    main["subgroups"] = subgroups
    record["outcomes"] = [main]
    return record


def _non_inferiority() -> Record:
    name = "non-inferiority"
    record, rng = start(name, 3)
    record["design"].update({"hypothesis": "non-inferiority", "analysis_population": "per-protocol",
                             "margin": {"value": number(1.38, 2), "measure": "hazard ratio",
                                        "note": "SYNTHETIC margin, set for the test."}})
    main = outcome(rng, record["arms"], "time-to-event", "hazard ratio", 0, primary=True, summaries=("rate",))
    superiority = []
    for effect in main["effects"]:
        superiority.append({**effect, "hypothesis": "superiority", "label": "Superiority",
                            "population": "intention-to-treat", "threshold": number(0.0025, 4),
                            "adjusted": True, "adjusted_for": "age and region"})
        effect.update({"hypothesis": "non-inferiority", "label": "Non-inferiority", "population": "per-protocol",
                       "p": p_value(effect, margin=1.38)})
    main["effects"] = main["effects"] + superiority
    record["outcomes"] = [main]
    return record


def _equivalence() -> Record:
    name = "equivalence"
    record, rng = start(name, 2)
    main = outcome(rng, record["arms"], "continuous", "mean difference", 0, primary=True)
    for effect in main["effects"]:
        effect.update({"hypothesis": "equivalence",
                       "margin": {"value": number(15.0, 1), "measure": "mean difference", "note": NOT_REPORTED}})
    record["design"]["hypothesis"] = "equivalence"
    record["outcomes"] = [main]
    return record


def _factorial(name: str, levels: tuple[int, int]) -> Record:
    record, rng = start(name, levels[0] * levels[1])
    arms = record["arms"]
    record["design"]["type"] = "factorial"
    grid = [[arms[i * levels[1] + j]["id"] for j in range(levels[1])] for i in range(levels[0])]
    first = [{"id": f"factor-1-level-{i + 1}", "label": f"Drug X level {i + 1} (SYNTHETIC)",
              "short_label": f"X{i + 1}", "arms": grid[i]} for i in range(levels[0])]
    second = [{"id": f"factor-2-level-{j + 1}", "label": f"Drug Y level {j + 1} (SYNTHETIC)",
               "short_label": f"Y{j + 1}", "arms": [row[j] for row in grid]} for j in range(levels[1])]
    record["design"]["factorial"] = {
        "factors": [{"id": "factor-1", "label": "Drug X vs its placebo", "groups": first},
                    {"id": "factor-2", "label": "Drug Y vs its placebo", "groups": second}],
        "interaction": f"P = {number(rng.uniform(0.1, 0.9), 2).text} for interaction (SYNTHETIC)",
    }
    groups = first + second
    group_arms = [{"id": g["id"], "randomized": sum(a["randomized"] for a in arms if a["id"] in g["arms"])} for g in groups]
    results = binary_results(rng, group_arms, 1)
    effects = []
    for factor_groups in (first, second):
        ids = [g["id"] for g in factor_groups]
        factor_results = [r for r in results if r["arm"] in ids]
        effects += effects_against_control(factor_results, lambda r, ref: binary_effect("risk ratio", r, ref))
    record["outcomes"] = [{"id": "outcome-0", "label": "SYNTHETIC factorial outcome", "primary": True,
                           "kind": "binary", "higher_is_better": False, "results": results, "effects": effects}]
    return record


def _cluster() -> Record:
    name = "cluster"
    record, rng = start(name, 2)
    record["design"]["type"] = "cluster"
    record["design"]["cluster"] = {"unit": "village", "number": 74, "icc": number(0.031, 3)}
    for arm in record["arms"]:
        arm["clusters"] = 37
    main = outcome(rng, record["arms"], "time-to-event", "rate ratio", 0, primary=True, summaries=("rate", "person_time"))
    for result in main["results"]:
        years = Decimal(result["person_time"]["value"].text)
        result["rate"] = {"value": number(Decimal(result["events"]) * 1000 / years, 2), "unit": "per 1000 person-years"}
    record["outcomes"] = [main]
    return record


def _stopped_early() -> Record:
    record = simple("stopped-early", "time-to-event", "hazard ratio", summaries=("kaplan_meier",))
    record["design"]["stopped_early"] = {"reason": "Stopped for benefit at the second interim analysis (SYNTHETIC).",
                                         "when": "After 60% of the planned events"}
    return record


def _registrations_and_citations() -> Iterator[tuple[str, Record]]:
    record = simple("registrations", "binary", "odds ratio")
    record["registrations"] = [{"registry": "ClinicalTrials.gov", "identifier": "NCT00000001"},
                               {"registry": "EU Clinical Trials Register", "identifier": "2010-000001-01"},
                               {"registry": "ISRCTN", "identifier": "ISRCTN00000001",
                                "url": "https://example.org/isrctn/00000001"}]
    record["related"] = [{"relation": "Correction", "journal": "Journal of Test Records", "year": 2025}]
    yield record["id"], record

    record = simple("citation-without-authors", "binary", "risk ratio")
    record["citation"] = {"title": "SYNTHETIC report without authors", "journal": "Journal of Test Records", "year": 2023}
    record["registrations"] = []
    yield record["id"], record

    record = simple("citation-group-author", "binary", "risk difference")
    record["citation"] = {"group": "SYNTHETIC Trial Investigators", "journal": "Journal of Test Records", "year": 2022,
                          "doi": "10.1234/synthetic.2022.1", "pmid": "12345678"}
    yield record["id"], record


def _missing_values() -> Record:
    name = "missing-values"
    record, rng = start(name, 3)
    main = outcome(rng, record["arms"], "binary", "risk difference", 0, primary=True)
    continuous = outcome(rng, record["arms"], "continuous", "mean difference", 1)
    flow = record["flow"]
    flow["assessed"] = NOT_IN_SOURCES
    flow["excluded"] = NOT_REPORTED
    flow["excluded_reasons"] = []
    for arm_flow in flow["arms"]:
        arm_flow["analysed"] = NOT_IN_SOURCES
        arm_flow["lost"] = NOT_REPORTED
    record["arms"][1]["randomized"] = NOT_IN_SOURCES
    flow["arms"][1]["allocated"] = NOT_IN_SOURCES
    flow["randomized"] = NOT_REPORTED
    main["results"][1] = {"arm": record["arms"][1]["id"], "events": NOT_IN_SOURCES, "total": NOT_REPORTED,
                          "percent": NOT_IN_SOURCES}
    main["results"][0]["total"] = NOT_IN_SOURCES
    flow["arms"][0]["completed"] = NOT_REPORTED
    main["effects"][0].update({"ci": NOT_IN_SOURCES, "p": NOT_REPORTED})
    main["effects"][1].update({"estimate": NOT_REPORTED, "ci": NOT_REPORTED, "p": NOT_IN_SOURCES})
    continuous["results"][0]["mean"] = NOT_REPORTED
    del continuous["results"][0]["sd"]
    record["outcomes"] = [main, continuous]
    record["appraisal"]["rob2"]["randomization"] = {"judgement": "no information", "support": "Not in the SYNTHETIC sources."}
    return record


def _harms_and_certainty() -> Record:
    name = "harms-and-certainty"
    record, rng = start(name, 3)
    arms = record["arms"]
    composite = outcome(rng, arms, "time-to-event", "hazard ratio", 0, primary=True, summaries=("rate", "percent"))
    composite["certainty"] = {"level": "moderate", "assessed_by": "tests/shapes.py",
                              "reasons": [{"domain": "imprecision", "levels": -1, "note": "SYNTHETIC: wide interval."}]}
    composite["risk_of_bias"] = {"measurement": {"judgement": "high", "support": "SYNTHETIC: unmasked assessors."}}
    component = outcome(rng, arms, "time-to-event", "hazard ratio", 1, summaries=("percent",))
    component["component_of"] = composite["id"]
    harm = outcome(rng, arms, "binary", "risk ratio", 2)
    harm.update({"id": "serious-harm", "label": "SYNTHETIC serious adverse events", "serious": True})
    tte_harm = outcome(rng, arms, "time-to-event", "rate ratio", 3, summaries=("rate",))
    tte_harm.update({"id": "bleeding", "label": "SYNTHETIC bleeding"})
    record["outcomes"] = [composite, component]
    record["harms"] = [harm, tte_harm]
    record["harms_note"] = "Other SYNTHETIC harms were rare."
    return record


def _long_labels() -> Record:
    name = "long-labels"
    record, rng = start(name, 3, long_labels=True)
    main = outcome(rng, record["arms"], "binary", "risk difference", 0, primary=True)
    main["label"] = ("SYNTHETIC composite of death from any cause, hospitalization for any reason lasting more than"
                     " 24 hours, or an urgent visit needing intravenous therapy, adjudicated by a masked committee")
    record["outcomes"] = [main]
    record["title"] = ("SYNTHETIC test record with long labels: Drug A, Drug B or Drug C, each given for twelve months"
                       " in adults with a long-named condition (Møller-Bisgaard syndrome, κ ≥ 0.6 ± 0.1)")
    return record


def _no_primary() -> Record:
    """No primary outcome, no outcomes in the question, no follow-up: the design has nothing to show after the
    arms (an empty column right of them)."""
    name = "no-primary"
    record, rng = start(name, 2)
    del record["design"]["follow_up"]
    del record["question"]["outcomes"]
    record["outcomes"] = [outcome(rng, record["arms"], "binary", "risk ratio", 0)]
    return record


def _huge() -> Record:
    name = "huge"
    record, rng = start(name, 6, long_labels=True)
    arms = record["arms"]
    kinds = ("binary", "time-to-event", "continuous")
    measures = {"binary": "risk ratio", "time-to-event": "hazard ratio", "continuous": "mean difference"}
    record["outcomes"] = [outcome(rng, arms, kinds[i % 3], measures[kinds[i % 3]], i, primary=i < 4)
                          for i in range(40)]
    record["conclusions"]["key_messages"] = ["SYNTHETIC message that goes on for a long while. " * 8] * 5
    return record


def shapes() -> dict[str, Record]:
    """Every SYNTHETIC shape, by name (also the record id)."""
    found: dict[str, Record] = {}
    singles = (_subgroups(), _non_inferiority(), _equivalence(), _factorial("factorial-2x2", (2, 2)),
               _factorial("factorial-2x3", (2, 3)), _cluster(), _stopped_early(), _missing_values(),
               _harms_and_certainty(), _long_labels(), _no_primary(), _huge())
    for name, record in [*_arm_counts(), *_measures(), *_summaries(), *_registrations_and_citations(),
                         *((r["id"], r) for r in singles)]:
        assert name not in found, name
        found[name] = record
    return found


# --- writing and reading back ------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    pass


def _represent_printed(dumper: yaml.SafeDumper, value: Printed) -> yaml.ScalarNode:
    text = value.text
    tag = "tag:yaml.org,2002:int" if text.lstrip("-").isdigit() else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Printed, _represent_printed)
_Dumper.add_representer(tuple, lambda dumper, value: dumper.represent_list(list(value)))


def dump(record: Record) -> str:
    """The record as YAML, each number written with its printed text."""
    return yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def record_file(name: str, folder: Path) -> Path:
    """The file of a record by name: a shape written into ``folder``, else ``sources/<name>.yaml``."""
    every = shapes()
    if name not in every:
        return Path(__file__).resolve().parents[1] / "sources" / f"{name}.yaml"
    path = folder / f"{name}.yaml"
    path.write_text(dump(every[name]), encoding="utf-8")
    return path


_NUMBER_FIELDS = {"randomized", "clusters", "allocated", "received", "discontinued", "lost", "completed", "analysed",
                  "assessed", "excluded", "n", "events", "total", "percent", "value", "mean", "sd", "se", "median",
                  "estimate", "ci", "iqr", "p", "interaction_p", "number", "icc", "threshold"}
_SKIP = {"citation", "related", "registrations", "conclusions", "discussion_questions", "question", "appraisal",
         "certainty", "risk_of_bias"}


def printed_numbers(record: Any) -> dict[str, str]:
    """{field path: printed text} of every number in the record's data (counts, results, effects, flow, design).

    A P value written as text (``<0.001``) gives its number (``0.001``). Years,
    volumes, ids and numbers inside free text are not numbers a reader looks up.
    """
    found: dict[str, str] = {}
    _collect(record, "", None, found)
    return found


def _collect(value: Any, path: str, key: str | None, found: dict[str, str]) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            if name not in _SKIP:
                _collect(item, f"{path}.{name}" if path else name, name, found)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _collect(item, f"{path}[{index}]", key, found)
    elif key in _NUMBER_FIELDS and not isinstance(value, bool):
        if isinstance(value, Printed):
            found[path] = value.text
        elif isinstance(value, (int, float)):
            found[path] = str(value)
        elif key == "p" and isinstance(value, str) and value.lstrip("<>≤≥= ").replace(".", "", 1).isdigit():
            found[path] = value.lstrip("<>≤≥= ")
