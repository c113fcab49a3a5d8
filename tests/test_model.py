"""The version-2 record: what the model and validation accept, what they refuse, and where they say so.

The records here are SYNTHETIC (arms "Drug A", "Drug B", "Placebo"); their
numbers describe no study. ``BASE`` is a three-arm non-inferiority trial with
every kind of outcome, subgroups and harms; ``FACTORIAL`` a 2×2 factorial and
``CLUSTER`` a cluster-randomized trial. Each case changes one thing and names
the field and the words of the problem it must give.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from pipeline.errors import RecordError
from pipeline.loader import load_bytes
from pipeline.model import RATIO_RANGE, Study, known
from pipeline.numbers import Printed
from pipeline.validate import SHOWN_PROBLEMS, SHOWN_UNKNOWN, check_source

DELETE = object()

BASE = {
    "record": 2,
    "id": "synthetic-three-arm",
    "title": "SYNTHETIC three-arm non-inferiority trial",
    "question": {"population": "Adults (SYNTHETIC)", "intervention": "Drug A or Drug B", "comparator": "Placebo"},
    "design": {"type": "parallel", "allocation_ratio": "1:1:1", "hypothesis": "non-inferiority",
               "margin": {"value": 1.46, "measure": "hazard ratio"}},
    "arms": [{"id": "drug-a", "label": "Drug A", "randomized": 100},
             {"id": "drug-b", "label": "Drug B", "randomized": 100},
             {"id": "placebo", "label": "Placebo", "randomized": 100}],
    "flow": {"randomized": 300, "arms": [{"arm": "drug-a", "allocated": 100, "completed": 90, "analysed": 95},
                                         {"arm": "drug-b", "allocated": 100, "completed": 91},
                                         {"arm": "placebo", "allocated": 100, "completed": 92}]},
    "outcomes": [
        {"id": "stroke", "label": "Stroke (SYNTHETIC)", "primary": True, "kind": "time-to-event",
         "results": [{"arm": "drug-a", "events": 10, "total": 100, "rate": {"value": 1.5, "unit": "% per year"},
                      "person_time": {"value": 666.7, "unit": "patient-years"},
                      "kaplan_meier": {"percent": 10.2, "at": "1 year"}},
                     {"arm": "placebo", "events": 20, "total": 100}],
         "effects": [{"compares": ["drug-a", "placebo"], "measure": "hazard ratio", "estimate": 0.50,
                      "ci": [0.30, 0.85], "p": 0.01, "threshold": 0.025},
                     {"compares": ["drug-b", "placebo"], "measure": "hazard ratio", "estimate": 0.90,
                      "ci": [0.60, 1.35], "hypothesis": "superiority"}],
         "subgroups": [{"variable": "Age", "interaction_p": 0.4,
                        "levels": [{"level": "<75 years",
                                    "results": [{"arm": "drug-a", "events": 4, "total": 60}],
                                    "effects": [{"compares": ["drug-a", "placebo"], "measure": "hazard ratio",
                                                 "estimate": 0.45, "ci": [0.2, 1.01]}]},
                                   {"level": "≥75 years"}]}]},
        {"id": "weight", "label": "Weight change (SYNTHETIC)", "kind": "continuous", "unit": "kg",
         "results": [{"arm": "drug-a", "total": 95, "mean": -5.2, "sd": 3.1, "change": True,
                      "median": -5.0, "iqr": [-7.5, -2.5], "ci": [-5.8, -4.6]},
                     {"arm": "placebo", "total": 92, "mean": -1.0, "se": 0.4, "change": True}],
         "effects": [{"compares": ["drug-a", "placebo"], "measure": "mean difference", "estimate": -4.2,
                      "ci": [-5.0, -3.4], "unit": "kg"}]},
        {"id": "mi", "label": "Myocardial infarction (SYNTHETIC)", "kind": "binary", "component_of": "stroke",
         "results": [{"arm": "drug-a", "events": 3, "total": 100, "percent": 3.0}]},
    ],
    "harms": [{"id": "bleeding", "label": "Major bleeding (SYNTHETIC)", "serious": True,
               "results": [{"arm": "drug-a", "events": 5, "total": 100}, {"arm": "placebo", "events": 2, "total": 100}],
               "effects": [{"compares": ["drug-a", "placebo"], "measure": "risk ratio", "estimate": 2.5,
                            "ci": [0.5, 12.6]}]}],
    "conclusions": {"bottom_line": "SYNTHETIC.", "key_messages": ["One", "Two", "Three"]},
}

FACTORIAL = {
    "record": 2, "id": "synthetic-factorial", "title": "SYNTHETIC 2×2 factorial trial",
    "question": {"population": "Adults (SYNTHETIC)", "intervention": "Drug A, Drug B"},
    "design": {"type": "factorial", "allocation_ratio": "1:1:1:1", "factorial": {"factors": [
        {"id": "a", "label": "Drug A vs placebo", "groups": [
            {"id": "drug-a", "label": "Drug A", "arms": ["a-b", "a-only"]},
            {"id": "no-a", "label": "Placebo A", "arms": ["b-only", "neither"]}]},
        {"id": "b", "label": "Drug B vs placebo", "groups": [
            {"id": "drug-b", "label": "Drug B", "arms": ["a-b", "b-only"]},
            {"id": "no-b", "label": "Placebo B", "arms": ["a-only", "neither"]}]}]}},
    "arms": [{"id": i, "label": f"SYNTHETIC {i}", "randomized": 50} for i in ("a-b", "a-only", "b-only", "neither")],
    "outcomes": [{"id": "cancer", "label": "Cancer (SYNTHETIC)", "primary": True, "kind": "binary",
                  "results": [{"arm": "drug-a", "events": 10, "total": 100},
                              {"arm": "no-a", "events": 12, "total": 100}],
                  "effects": [{"compares": ["drug-a", "no-a"], "measure": "hazard ratio", "estimate": 0.8,
                               "ci": [0.4, 1.6]}]}],
    "conclusions": {"bottom_line": "SYNTHETIC.", "key_messages": ["One", "Two", "Three"]},
}

CLUSTER = {
    "record": 2, "id": "synthetic-cluster", "title": "SYNTHETIC cluster-randomized trial",
    "question": {"population": "Villages (SYNTHETIC)", "intervention": "Salt substitute"},
    "design": {"type": "cluster", "cluster": {"unit": "village", "number": 20}},
    "arms": [{"id": "salt", "label": "Salt substitute", "clusters": 10, "randomized": 500},
             {"id": "usual", "label": "Usual salt", "clusters": 10, "randomized": 500}],
    "outcomes": [{"id": "stroke", "label": "Stroke (SYNTHETIC)", "primary": True, "kind": "time-to-event",
                  "results": [{"arm": "salt", "events": 30, "rate": {"value": 29.1, "unit": "per 1000 person-years"}}],
                  "effects": [{"measure": "rate ratio", "estimate": 0.86, "ci": [0.77, 0.96]}]}],
    "conclusions": {"bottom_line": "SYNTHETIC.", "key_messages": ["One", "Two", "Three"]},
}


def changed(base: dict, changes: dict) -> dict:
    data = copy.deepcopy(base)
    for dotted, value in changes.items():
        target = data
        *parents, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
        for part in parents:
            target = target[part]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return data


def text_of(data: dict) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def check(data: dict, name: str = "record.yaml"):
    return check_source(load_bytes(text_of(data), name))


def refused(data: dict) -> list[str]:
    with pytest.raises(RecordError) as caught:
        check(data)
    return [str(p) for p in caught.value.problems]


# --- valid records ----------------------------------------------------------

@pytest.mark.parametrize("base", [BASE, FACTORIAL, CLUSTER], ids=["three-arm", "factorial", "cluster"])
def test_synthetic_bases_are_valid_without_warnings(base):
    checked = check(base, f"{base['id']}.yaml")
    assert checked.warnings == []
    assert isinstance(checked.study, Study)


def test_numbers_keep_the_text_they_were_printed_with():
    study = check(BASE, "synthetic-three-arm.yaml").study
    effect = study.outcomes[0].effects[0]
    assert isinstance(effect.estimate, Printed) and effect.estimate.text == "0.5"  # PyYAML wrote 0.5
    text = text_of(BASE).decode().replace("estimate: 0.5\n", "estimate: 0.50\n", 1).replace("- 0.3\n", "- 0.30\n", 1)
    study = check_source(load_bytes(text.encode(), "synthetic-three-arm.yaml")).study
    effect = study.outcomes[0].effects[0]
    assert (effect.estimate.text, effect.ci[0].text, effect.estimate.decimals) == ("0.50", "0.30", 2)
    assert study.outcomes[1].results[0].sd.text == "3.1" and study.arms[0].randomized == 100
    assert study.outcomes[0].effects[0].ci_level.text == "95"


def test_p_values_may_have_many_decimals():
    data = changed(BASE, {"outcomes.0.effects.0.p": 1e-30, "outcomes.0.subgroups.0.interaction_p": 1e-12})
    assert check(data, "synthetic-three-arm.yaml").study.outcomes[0].effects[0].p.text == "1.0e-30"


def test_known_counts():
    assert [known(v) for v in (3, 0, "not reported", "not in sources", None)] == [3, 0, None, None, None]


def test_lookups():
    study = check(FACTORIAL, "synthetic-factorial.yaml").study
    assert [g.id for g in study.factor_groups] == ["drug-a", "no-a", "drug-b", "no-b"]
    assert study.group_label("drug-a") == "Drug A" and study.group_label("a-b") == "SYNTHETIC a-b"
    two_arm = check(CLUSTER, "synthetic-cluster.yaml").study
    assert two_arm.comparison(two_arm.outcomes[0].effects[0]) == ("salt", "usual")


# --- refused: one change, one located problem ------------------------------------

CASES = [
    # ids and references
    (BASE, {"arms.1.id": "drug-a"}, "arms[1].id", "arm id 'drug-a' is used twice (first by arms[0])"),
    (BASE, {"harms.0.id": "weight"}, "harms[0].id", "outcome id 'weight' is used twice (first by outcomes[1])"),
    (FACTORIAL, {"design.factorial.factors.1.groups.0.id": "a-b"}, "design.factorial.factors[1].groups[0].id",
     "the factorial group id 'a-b' is already the id of arms[0]; arms and groups need different ids"),
    (FACTORIAL, {"design.factorial.factors.1.groups.0.id": "drug-a"}, "design.factorial.factors[1].groups[0].id",
     "group id 'drug-a' is used twice"),
    (BASE, {"outcomes.2.component_of": "strok"}, "outcomes[2].component_of",
     "no outcome has the id 'strok'; did you mean 'stroke'?"),
    (BASE, {"outcomes.2.component_of": "mi"}, "outcomes[2].component_of", "cannot be a component of itself"),
    (BASE, {"outcomes.0.component_of": "weight", "outcomes.1.component_of": "mi"}, "outcomes[1].component_of",
     "the components go round in a circle: weight → mi → stroke → weight"),
    (BASE, {"outcomes.0.results.1.arm": "placebos"}, "outcomes[0].results[1].arm",
     "no arm has the id 'placebos' (arms: drug-a, drug-b, placebo); did you mean 'placebo'?"),
    (BASE, {"outcomes.0.effects.1.compares": ["drug-b", "plcebo"]}, "outcomes[0].effects[1].compares[1]",
     "no arm has the id 'plcebo'"),
    (BASE, {"outcomes.0.subgroups.0.levels.0.results.0.arm": "drug-c"},
     "outcomes[0].subgroups[0].levels[0].results[0].arm", "no arm has the id 'drug-c'"),
    (BASE, {"outcomes.0.subgroups.0.levels.0.effects.0.compares": ["drug-a", "drug-z"]},
     "outcomes[0].subgroups[0].levels[0].effects[0].compares[1]", "no arm has the id 'drug-z'"),
    (BASE, {"harms.0.effects.0.compares": ["drug-a", "drug-a"]}, "harms[0].effects[0].compares",
     "compares names 'drug-a' twice"),
    (BASE, {"outcomes.1.results.1.arm": "drug-a"}, "outcomes[1].results[1].arm", "'drug-a' appears twice in this list"),
    (BASE, {"flow.arms.2.arm": "drug-a"}, "flow.arms[2].arm", "'drug-a' appears twice"),
    (FACTORIAL, {"outcomes.0.results.0.arm": "drug-c"}, "outcomes[0].results[0].arm",
     "no arm or factorial group has the id 'drug-c' (arms: a-b, a-only, b-only, neither; factorial groups: drug-a, "
     "no-a, drug-b, no-b); did you mean 'drug-b'?"),
    (FACTORIAL, {"design.factorial.factors.0.groups.0.arms": ["a-b", "drug-b"]},
     "design.factorial.factors[0].groups[0].arms[1]", "no arm has the id 'drug-b'"),
    (FACTORIAL, {"design.factorial.factors.0.groups.1.arms": ["b-only", "a-b"]},
     "design.factorial.factors[0].groups[1].arms[1]", "arm 'a-b' is already in group 'drug-a' of factor 'a'"),
    (FACTORIAL, {"outcomes.0.effects.0.compares": ["drug-a", "no-b"]}, "outcomes[0].effects[0].compares",
     "'drug-a' and 'no-b' are levels of different factors ('a', 'b')"),
    # compares required
    (BASE, {"outcomes.1.effects.0.compares": DELETE}, "outcomes[1].effects[0]",
     "compares is required: the study has 3 arms"),
    (FACTORIAL, {"outcomes.0.effects.0.compares": DELETE}, "outcomes[0].effects[0]",
     "compares is required in a factorial design"),
    # counts
    (BASE, {"outcomes.0.results.0.events": 101}, "outcomes[0].results[0].events",
     "101 events is more than the total of 100"),
    (BASE, {"outcomes.0.results.0.total": 101}, "outcomes[0].results[0].total",
     "a total of 101 is more than the 100 allocated of 'drug-a'"),
    (FACTORIAL, {"outcomes.0.results.0.total": 101}, "outcomes[0].results[0].total",
     "a total of 101 is more than the 100 in its arms of 'drug-a'"),
    (BASE, {"outcomes.2.results.0.total": 0, "outcomes.2.results.0.events": 0}, "outcomes[2].results[0].percent",
     "a percentage of a total of 0 participants"),
    (BASE, {"outcomes.2.results.0.total": DELETE, "flow.arms.0.analysed": 0}, "outcomes[2].results[0].percent",
     "a percentage in arm 'drug-a', whose flow counts 0 analysed"),
    (BASE, {"flow.arms.0.completed": 101}, "flow.arms[0].completed", "101 completed is more than the 100 allocated"),
    (BASE, {"arms.0.randomized": 0}, "arms[0].randomized", "an arm with 0 randomized is not an arm"),
    # per-arm fields by kind
    (BASE, {"outcomes.2.results.0.rate": {"value": 1.0, "unit": "per year"}}, "outcomes[2].results[0].rate",
     "rate belongs to time-to-event outcomes (person_time, rate, kaplan_meier); this outcome is binary"),
    (BASE, {"outcomes.0.results.1.mean": 2.0}, "outcomes[0].results[1].mean",
     "mean belongs to continuous outcomes (mean, sd, se, ci, median, iqr, change); this outcome is time-to-event"),
    (BASE, {"outcomes.1.results.0.events": 4}, "outcomes[1].results[0].events",
     "events belongs to binary and time-to-event outcomes (events, percent); this outcome is continuous"),
    (BASE, {"outcomes.1.results.0.kaplan_meier": {"percent": 5.0, "at": "1 year"}},
     "outcomes[1].results[0].kaplan_meier", "kaplan_meier belongs to time-to-event outcomes"),
    (BASE, {"harms.0.results.0.sd": 1.0}, "harms[0].results[0].sd", "this harm is binary (kind: binary)"),
    # intervals
    (BASE, {"outcomes.0.effects.0.ci": [0.85, 0.30]}, "outcomes[0].effects[0].ci",
     "the interval [0.85, 0.3] is reversed"),
    (BASE, {"outcomes.1.effects.0.ci": [-4.0, -3.4]}, "outcomes[1].effects[0].ci",
     "the interval [-4.0, -3.4] does not contain the estimate -4.2"),
    (BASE, {"outcomes.1.results.0.iqr": [-2.5, -7.5]}, "outcomes[1].results[0].iqr", "is reversed; write [Q1, Q3]"),
    (BASE, {"outcomes.1.results.0.iqr": [-4.5, -2.5]}, "outcomes[1].results[0].iqr",
     "does not contain the median -5.0"),
    (BASE, {"outcomes.1.results.0.ci": [-5.0, -4.6]}, "outcomes[1].results[0].ci", "does not contain the mean -5.2"),
    # ratio measures
    (BASE, {"outcomes.0.effects.0.estimate": 0.0}, "outcomes[0].effects[0].estimate",
     "a hazard ratio must be greater than 0"),
    (BASE, {"outcomes.0.effects.0.estimate": 5e-324}, "outcomes[0].effects[0].estimate",
     "a hazard ratio of 5.0e-324 is outside 1e-06 to 1e+06; no trial reports one"),
    (BASE, {"harms.0.effects.0.ci": [1e-200, 12.6]}, "harms[0].effects[0].ci[0]",
     "a risk ratio's interval of 1.0e-200 is outside 1e-06 to 1e+06"),
    (BASE, {"harms.0.effects.0.ci": [1e-200, 1e200]}, "harms[0].effects[0].ci[1]", "must be ≤ 1e+12 (got 1.0e+200)"),
    (BASE, {"design.margin.value": -1.46}, "design.margin.value", "a hazard ratio margin must be greater than 0"),
    (BASE, {"design.margin.value": 1}, "design.margin.value", "a hazard ratio margin of 1 is no margin"),
    (BASE, {"outcomes.1.effects.0.hypothesis": "non-inferiority", "outcomes.1.effects.0.margin": {"value": 0}},
     "outcomes[1].effects[0].margin.value", "a mean difference margin of 0 is no margin"),
    (BASE, {"harms.0.effects.0": {"compares": ["drug-a", "placebo"], "measure": "risk difference", "estimate": 3.0,
                                  "ci": [-2.0, 101.5], "unit": "percentage points"}}, "harms[0].effects[0].ci[1]",
     "a risk difference of 101.5 percentage points is impossible: risks differ by at most 100 percentage points"),
    (BASE, {"outcomes.2.results.0.percent": 1e-300}, "outcomes[2].results[0].percent",
     "1.0e-300 has 301 decimals; write the number as the paper prints it (at most 10 decimals)"),
    # hypothesis and margin
    (BASE, {"design.hypothesis": "superiority"}, "design.margin",
     "a margin belongs to a non-inferiority or equivalence"),
    (BASE, {"outcomes.1.effects.0.margin": {"value": 1.0}}, "outcomes[1].effects[0].margin",
     "set hypothesis: non-inferiority (or equivalence) on this effect"),
    (BASE, {"outcomes.0.effects.1.margin": {"value": 1.2}}, "outcomes[0].effects[1].margin",
     "a margin belongs to a non-inferiority or equivalence hypothesis"),
    (BASE, {"outcomes.0.effects.0.threshold": 0}, "outcomes[0].effects[0].threshold",
     "a significance threshold of 0 makes no sense"),
    (BASE, {"outcomes.0.effects.0.threshold": 0.5}, "outcomes[0].effects[0].threshold",
     "a significance threshold of 0.5 makes no sense"),
    # subgroups
    (BASE, {"outcomes.0.subgroups.0.levels.1.level": " <75 Years"}, "outcomes[0].subgroups[0].levels[1].level",
     "level ' <75 Years' is given twice in subgroup 'Age' (also levels[0])"),
    (BASE, {"outcomes.0.subgroups": [BASE["outcomes"][0]["subgroups"][0]] * 2}, "outcomes[0].subgroups[1].variable",
     "subgroup 'Age' is given twice"),
    # design
    (BASE, {"design.allocation_ratio": "1:1"}, "design.allocation_ratio",
     "the ratio 1:1 has 2 parts but the study has 3 arms"),
    (BASE, {"design.allocation_ratio": "0:0:0"}, "design.allocation_ratio",
     "must be a ratio of whole numbers from 1 up"),
    (CLUSTER, {"design.type": "parallel"}, "design.cluster", "design.cluster belongs to design.type: cluster"),
    (CLUSTER, {"design.cluster": DELETE, "arms.0.clusters": DELETE, "arms.1.clusters": DELETE}, "design.type",
     "a cluster-randomized design needs design.cluster"),
    (CLUSTER, {"design.cluster.number": 21}, "design.cluster.number", "the arms' clusters sum to 20 (10 + 10), not 21"),
    (BASE, {"arms.0.clusters": 5}, "arms[0].clusters", "clusters per arm belong to a cluster-randomized design"),
    (FACTORIAL, {"design.type": "parallel"}, "design.factorial", "design.factorial belongs to design.type: factorial"),
    (FACTORIAL, {"design.factorial": DELETE}, "design.type", "a factorial design needs design.factorial"),
    (BASE, {"flow.randomized": 301}, "flow.randomized", "sum to 300 (100 + 100 + 100), not 301"),
    # field-level refusals
    (BASE, {"outcomes.0.effects.0.compares": ["drug-a"]}, "outcomes[0].effects[0].compares",
     "needs two values, [arm, reference arm]"),
    (BASE, {"outcomes.0.effects.0.estimate": 10 ** 400}, "outcomes[0].effects[0].estimate",
     "a whole number of 401 digits is far outside any range this field allows"),
    (BASE, {"outcomes.0.results.0.events": 10 ** 20}, "outcomes[0].results[0].events",
     "must be ≤ 100000000 (got a whole number of 21 digits)"),
    (BASE, {"record": 2.5}, "record", "version 2.5 is not one evidence-brief reads"),
    (BASE, {"outcomes.1.effects.0.estimate": "1e-7"}, "outcomes[1].effects[0].estimate",
     "YAML 1.1 reads '1e-7' as text: write a number with a decimal point, such as 1.0e-7"),
]


@pytest.mark.parametrize("base, changes, field, fragment", CASES,
                         ids=[f"{i:02d}-{c[2]}" for i, c in enumerate(CASES)])
def test_one_change_gives_one_located_problem(base, changes, field, fragment):
    messages = refused(changed(base, changes))
    hits = [m for m in messages if f": {field}: " in m and fragment in m]
    assert hits, messages


def test_every_rule_above_fails_on_its_own():
    """Each case's record differs from a valid base by its change alone (so each case tests its rule)."""
    for base in (BASE, FACTORIAL, CLUSTER):
        check(base, f"{base['id']}.yaml")
    assert len({(c[2], c[3]) for c in CASES}) == len(CASES)


def test_all_problems_are_reported_at_once():
    messages = refused(changed(BASE, {"outcomes.0.results.0.events": 101, "outcomes.1.effects.0.ci": [-4.0, -3.4],
                                      "harms.0.effects.0.compares": ["drug-a", "drug-a"],
                                      "design.allocation_ratio": "1:1"}))
    assert len(messages) == 4
    fields = {m.split(": ")[1] for m in messages}
    assert fields == {"outcomes[0].results[0].events", "outcomes[1].effects[0].ci", "harms[0].effects[0].compares",
                      "design.allocation_ratio"}
    messages = refused(changed(BASE, {"title": "", "acronym": 5, "design.type": "zigzag"}))
    assert {m.split(": ")[1] for m in messages} == {"title", "acronym", "design.type"}


def test_messages_never_say_a_number_is_not_a_number():
    messages = refused(changed(BASE, {"outcomes.0.effects.0.ci_level": 10 ** 30, "outcomes.0.effects.0.p": 10 ** 400}))
    assert not any("expected a number, got the number" in m for m in messages), messages
    assert any("outcomes[0].effects[0].ci_level: must be < 100 (got a whole number of 31 digits)" in m
               for m in messages), messages


def test_an_integer_over_pythons_digit_limit_is_a_located_problem():
    text = text_of(BASE).decode().replace("estimate: 0.5\n", "estimate: " + "9" * 5000 + "\n", 1)
    with pytest.raises(RecordError) as caught:
        check_source(load_bytes(text.encode(), "synthetic-three-arm.yaml"))
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "9999" in row)
    assert [str(p) for p in caught.value.problems] == [
        f"synthetic-three-arm.yaml:{line}:15: outcomes[0].effects[0].estimate: a whole number of 5,000 characters; "
        f"no field holds a number this long"]


def test_forty_thousand_unknown_fields_are_summarised():
    extra = "".join(f"unknown_{i}: 1\n" for i in range(40_000))
    text = text_of(BASE).decode() + extra
    with pytest.raises(RecordError) as caught:
        check_source(load_bytes(text.encode(), "synthetic-three-arm.yaml"))
    lines = [str(p) for p in caught.value.problems]
    first = len(text_of(BASE).decode().splitlines()) + 1
    assert lines[0].startswith(f"synthetic-three-arm.yaml:{first}:1: unknown_0: unknown field 'unknown_0'; ")
    assert len(lines) == SHOWN_UNKNOWN + 1
    assert lines[-1] == (f"synthetic-three-arm.yaml:{first + SHOWN_UNKNOWN}:1: … and 39,980 more unknown fields from "
                         f"here on (not listed); is this a study record?")


def test_hundreds_of_problems_are_listed_up_to_a_limit():
    outcomes = [{"id": f"o{i}", "label": f"SYNTHETIC {i}", "kind": "binary",
                 "results": [{"arm": f"arm-{k}", "events": 1} for k in range(6)]} for i in range(40)]
    messages = refused(changed(BASE, {"outcomes": outcomes, "harms": []}))
    assert len(messages) == SHOWN_PROBLEMS + 1
    assert all("no arm has the id" in m for m in messages[:-1])
    assert messages[-1].endswith(": … and 40 more problems from here on (not listed)")


def test_unknown_field_names_the_closest():
    messages = refused(changed(BASE, {"outcomes.0.effects.0.compare": ["drug-a", "placebo"]}))
    assert any("outcomes[0].effects[0].compare: unknown field 'compare'; did you mean 'compares'?" in m
               for m in messages), messages


# --- warnings ------------------------------------------------------------------

def warnings_of(data: dict) -> list[str]:
    return [str(w) for w in check(data, f"{data['id']}.yaml").warnings]


def test_allocation_ratio_against_arm_sizes_is_a_warning_with_tolerance():
    # Within 5% (or 3 participants) of the ratio: blocked randomization, no warning.
    assert warnings_of(changed(BASE, {"arms.0.randomized": 103, "flow": DELETE})) == []
    two_to_one = changed(CLUSTER, {"design": {"type": "parallel", "allocation_ratio": "2:1"}, "arms.0.clusters": DELETE,
                                   "arms.1.clusters": DELETE, "arms.0.randomized": 668, "arms.1.randomized": 330})
    assert warnings_of(two_to_one) == []
    reversed_order = changed(two_to_one, {"arms.0.randomized": 330, "arms.1.randomized": 668})
    [warning] = warnings_of(reversed_order)
    assert ": design.allocation_ratio: the arm sizes in the order of arms (Salt substitute 330, Usual salt 668) do " \
           "not follow the allocation ratio 2:1 (about 665 and 333 expected); they follow 1:2: is the ratio in the " \
           "order of arms?" in warning


def test_a_cluster_trials_allocation_ratio_is_of_clusters():
    ratio = changed(CLUSTER, {"design.allocation_ratio": "1:1", "arms.0.randomized": 700})
    assert warnings_of(ratio) == []   # 700 vs 500 participants, but 10 and 10 villages
    [warning] = warnings_of(changed(ratio, {"arms.0.clusters": 20, "design.cluster.number": 30}))
    assert "design.allocation_ratio: the clusters per arm in the order of arms (Salt substitute 20, Usual salt 10)" \
           in warning


def test_a_non_inferiority_hypothesis_without_a_margin_is_a_warning():
    no_margin = changed(BASE, {"design.margin": DELETE})
    [warning] = warnings_of(no_margin)
    assert ": design.hypothesis: a non-inferiority design without a margin" in warning
    effect_margin = changed(no_margin, {"outcomes.0.effects.0.margin": {"value": 1.46}})
    assert warnings_of(effect_margin) == []
    secondary = changed(BASE, {"outcomes.1.effects.0.hypothesis": "equivalence"})
    [warning] = warnings_of(secondary)
    assert ": outcomes[1].effects[0].hypothesis: an equivalence effect without a margin" in warning


def test_placeholders_and_few_key_messages_are_warnings():
    data = changed(BASE, {"conclusions": {"bottom_line": "TODO: write the bottom line", "key_messages": ["TODO: one"]}})
    warnings = warnings_of(data)
    assert any("conclusions.bottom_line: placeholder not yet written" in w for w in warnings)
    assert any("conclusions.key_messages: a brief reads best with 3 to 5 key messages" in w for w in warnings)


def test_a_study_dumps_without_warnings_and_reads_back_equal():
    study = check(BASE, "synthetic-three-arm.yaml").study
    dumped = study.model_dump()   # pytest turns a serialization warning into an error
    again = Study.model_validate(dumped)
    assert again == study and again.outcomes[0].effects[0].estimate.text == "0.5"
    assert Study.model_validate_json(study.model_dump_json()) == study


def test_ratio_range_is_what_validation_uses():
    low, high = RATIO_RANGE
    assert check(changed(BASE, {"harms.0.effects.0.ci": [low, high], "harms.0.effects.0.estimate": 1.0}),
                 "synthetic-three-arm.yaml").study


# --- no mistake in a record is an internal error ------------------------------------

ODD_VALUES = [None, True, 0, -1, 1, 10 ** 20, 10 ** 400, 0.0, -0.0, 5e-324, 1e200, -1e200, 1.5, 100.0001,
              "", " ", "not reported", "not in sources", "x" * 6000, "drug-a", "placebo", "no-a", "\u202e", [],
              [1], [1, 2], [2, 1], [-1, 1], ["drug-a", "drug-a"], {}, {"value": 0}, {"value": 1.0},
              {"unit": ""}, {"percent": 5.0, "at": "1 year"}]


def leaf_paths(data, path=()):
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaf_paths(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaf_paths(value, path + (i,))


OLD_IMAGINE = yaml.safe_load((Path(__file__).parent / "fixtures" / "v1" / "imagine-ra.yaml").read_text("utf-8"))
OLD_IMAGINE["appraisal"]["grade"] = {"certainty": "low", "outcome": "DAS28-CRP remission (< 2.6)", "reasons": "x"}


@pytest.mark.parametrize("seed", range(8))
def test_random_mistakes_are_refused_or_accepted_never_crash(seed):
    """Records (version 2, and a version-1 one upgraded when read) with a few values replaced by odd
    ones each validate or are refused with located problems; nothing else escapes."""
    import random

    rng = random.Random(seed)
    for _ in range(40):
        base = rng.choice([BASE, FACTORIAL, CLUSTER, OLD_IMAGINE])
        data = copy.deepcopy(base)
        for _ in range(rng.randint(1, 3)):
            path = rng.choice([p for p in leaf_paths(data) if p])
            target = data
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
        try:
            check(data, f"{data.get('id', 'x')}.yaml")
        except RecordError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.line >= 1 and problem.message and "\n" not in problem.message, problem
