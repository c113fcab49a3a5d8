"""`export fhir`: every record and every SYNTHETIC shape as a FHIR R5 Bundle that fhir.resources accepts,
with every number exactly as the record printed it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from fhir.resources.bundle import Bundle

from conftest import ROOT
from pipeline.cli import main
from pipeline.fhir import bundle_json, export_bundle
from pipeline.fhir.bundle import Entries
from pipeline.fhir.codes import ROB_WORDS
from pipeline.fhir.evidence import p_value
from pipeline.fhir.jsonout import dumps
from pipeline.fhir.review import export_review_bundle
from pipeline.loader import load_file
from pipeline.model import Study, known
from pipeline.numbers import Printed, exact
from pipeline.validate import load_study
from shapes import HUGE, shapes
from test_make import make, repo  # noqa: F401  (repo is a fixture)

ALL_SOURCES = sorted((ROOT / "sources").glob("*.yaml"))
SOURCES = [p for p in ALL_SOURCES if load_file(p).data.get("kind") != "review"]   # trials
REVIEWS = [p for p in ALL_SOURCES if p not in SOURCES]
SHAPES = shapes()


def _parse(text: str) -> dict:
    Bundle.model_validate_json(text)  # the R5 models: structure, types, cardinality, no unknown elements
    return json.loads(text, parse_float=Decimal)


def _resources(bundle: dict) -> dict[str, dict]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def _same(found, printed) -> bool:
    """The exported number is the record's, digit for digit (0.60 stays 0.60)."""
    expected = exact(printed) if isinstance(printed, float) else Decimal(printed)
    return isinstance(found, (Decimal, int)) and format(Decimal(found), "f") == format(expected, "f")


def check_numbers(study: Study, bundle: dict) -> int:
    """Every effect and per-arm number of ``study`` is in ``bundle``; returns how many were compared."""
    by_url = _resources(bundle)
    entries = Entries(study.id)

    def evidence(key: str) -> dict:
        return by_url[entries.ref("Evidence", key)["reference"]]

    compared = 0
    for harm, outcome in [(False, o) for o in study.outcomes] + [(True, h) for h in study.harms]:
        key = f"{'harm' if harm else 'outcome'}/{outcome.id}"
        effects = [(f"{key}/effect-{i}", e, outcome.results) for i, e in enumerate(outcome.effects, 1)]
        effects += [(f"{key}/subgroup-{si}/level-{li}/effect-{ei}", e, level.results)
                    for si, sg in enumerate(outcome.subgroups, 1) for li, level in enumerate(sg.levels, 1)
                    for ei, e in enumerate(level.effects, 1)]
        for evidence_key, effect, arm_results in effects:
            stat = evidence(evidence_key)["statistic"][0]
            assert stat["statisticType"]["text"] == effect.measure
            if effect.estimate_value is not None:
                assert _same(stat["quantity"]["value"], effect.estimate_value)
                compared += 1
            else:
                assert "quantity" not in stat and any("estimate: " in n["text"] for n in stat["note"])
            estimates = {a["type"]["text"]: a for a in stat.get("attributeEstimate", [])}
            if effect.interval is not None:
                ci = estimates["confidence interval"]
                assert _same(ci["range"]["low"]["value"], effect.interval[0])
                assert _same(ci["range"]["high"]["value"], effect.interval[1])
                assert ci["level"] == exact(effect.ci_level) / 100
                compared += 3
            else:
                assert "confidence interval" not in estimates
            if isinstance(effect.p, float):
                assert _same(estimates["p-value"]["quantity"]["value"], effect.p)
                compared += 1
            ids = study.comparison(effect)
            results = [next((r for r in arm_results if r.arm == i), None) for i in ids]
            totals = [known(r.total) if r else None for r in results]
            if None not in totals:
                assert stat["sampleSize"]["numberOfParticipants"] == sum(totals)
        for result in outcome.results:
            url = entries.ref("Evidence", f"{key}/arm/{result.arm}")["reference"]
            if url not in by_url:
                continue
            stats = by_url[url]["statistic"]
            by_type = {}
            for s in stats:
                by_type.setdefault(s["statisticType"]["text"], []).append(s)
            if isinstance(result.percent, float):
                share = by_type["percentage"][0]
                assert _same(share["quantity"]["value"], result.percent) and share["quantity"]["unit"] == "%"
                if known(result.events) is not None:
                    assert share["numberOfEvents"] == result.events
                if known(result.total) is not None:
                    assert share["sampleSize"]["numberOfParticipants"] == result.total
                compared += 1
            if isinstance(result.mean, float):
                mean = by_type["mean"][0]
                assert _same(mean["quantity"]["value"], result.mean)
                spread = {a["type"]["text"]: a for a in mean.get("attributeEstimate", [])}
                if result.sd is not None:
                    assert _same(spread["standard deviation"]["quantity"]["value"], result.sd)
                if result.se is not None:
                    assert _same(spread["standard error"]["quantity"]["value"], result.se)
                if result.ci is not None:
                    assert _same(spread["confidence interval"]["range"]["low"]["value"], result.ci[0])
                    assert _same(spread["confidence interval"]["range"]["high"]["value"], result.ci[1])
                compared += 1
            if result.median is not None:
                median = by_type["median"][0]
                assert _same(median["quantity"]["value"], result.median)
                if result.iqr is not None:
                    iqr = median["attributeEstimate"][0]["range"]
                    assert _same(iqr["low"]["value"], result.iqr[0]) and _same(iqr["high"]["value"], result.iqr[1])
                compared += 1
            if result.rate is not None:
                rate = by_type["incidence rate"][0]
                assert _same(rate["quantity"]["value"], result.rate.value)
                assert rate["quantity"]["unit"] == result.rate.unit
                compared += 1
            if result.kaplan_meier is not None:
                km = next(s for s in by_type["percentage"] if "Kaplan" in s.get("description", ""))
                assert _same(km["quantity"]["value"], result.kaplan_meier.percent)
                compared += 1
    return compared


def check_references(bundle: dict) -> None:
    """Every reference in the Bundle points at one of its entries."""
    urls = {e["fullUrl"] for e in bundle["entry"]}

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("reference"), str):
                assert value["reference"] in urls, value
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(bundle)


def check_resources(study: Study, bundle: dict) -> None:
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("ResearchStudy") == 1
    assert kinds.count("Citation") == (1 if study.citation else 0)
    assert kinds.count("EvidenceVariable") == len(study.arms) + len(study.factor_groups) + len(study.outcomes) \
        + len(study.harms)
    effects = sum(len(o.effects) + sum(len(level.effects) for sg in o.subgroups for level in sg.levels)
                  for o in study.outcomes + study.harms)
    assert effects <= kinds.count("Evidence") <= effects + sum(len(o.results) for o in study.outcomes + study.harms)
    research = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "ResearchStudy")
    assert [g["linkId"] for g in research["comparisonGroup"]] == [a.id for a in study.arms]
    assert [i["value"] for i in research.get("identifier", [])] == [r.identifier for r in study.registrations]
    assessments = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "ArtifactAssessment"]
    grades = [a for a in assessments if a["content"][0]["type"]["text"] == "GRADE"]
    assert len(grades) == sum(1 for o in study.outcomes + study.harms if o.certainty)
    robs = [a for a in assessments if a["content"][0]["type"]["text"] == "RoB 2"]
    expected_robs = (1 if study.appraisal and study.appraisal.rob2 and study.appraisal.rob2.domains() else 0) + \
        sum(1 for o in study.outcomes + study.harms if o.risk_of_bias and o.risk_of_bias.domains())
    assert len(robs) == expected_robs


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_shipped_record_exports_a_valid_bundle_with_its_numbers(path):
    study = load_study(path).study
    text = bundle_json(study)
    bundle = _parse(text)
    check_resources(study, bundle)
    check_references(bundle)
    assert check_numbers(study, bundle) > 0
    assert bundle_json(study) == text  # the same record, the same text


@pytest.mark.parametrize("name", sorted(set(SHAPES) - HUGE))
def test_every_synthetic_shape_exports_a_valid_bundle_with_its_numbers(name):
    study = Study.model_validate(SHAPES[name])
    bundle = _parse(bundle_json(study))
    check_resources(study, bundle)
    check_references(bundle)
    check_numbers(study, bundle)


def _synthetic() -> Study:
    """A SYNTHETIC two-arm record with the values the export treats specially."""
    def n(text: str) -> Printed:
        return Printed(float(text), text)

    return Study.model_validate({
        "record": 2, "id": "synthetic-fhir", "acronym": "SYNTHETIC-FHIR", "title": "SYNTHETIC Drug A vs Drug B",
        "citation": {"authors": ["Example A", "Sample B"], "et_al": True, "group": "SYNTHETIC Trial Group",
                     "title": "SYNTHETIC report.", "journal": "Synthetic J", "year": 2020, "volume": "1",
                     "pages": "10–19", "doi": "10.5555/synthetic.3", "pmid": "99999999"},
        "registrations": [{"registry": "ClinicalTrials.gov", "identifier": "NCT00000000"},
                          {"registry": "SYNTHETIC registry", "identifier": "S-1"}],
        "question": {"population": "SYNTHETIC adults", "intervention": "Drug A", "comparator": "Drug B"},
        "design": {"type": "parallel", "phase": "3", "hypothesis": "non-inferiority",
                   "margin": {"value": n("1.30")}},
        "arms": [{"id": "a", "label": "Drug A", "role": "intervention"}, {"id": "b", "label": "Drug B", "role": "control"}],
        "flow": {"randomized": 200},
        "outcomes": [{
            "id": "event", "label": "SYNTHETIC event", "primary": True, "kind": "binary", "timepoint": "1 year",
            "results": [{"arm": "a", "events": 30, "total": 100, "percent": n("30.0")},
                        {"arm": "b", "events": 50, "total": 100, "percent": n("50.0")}],
            "effects": [{"compares": ["a", "b"], "measure": "risk ratio", "estimate": n("0.60"),
                         "ci": [n("0.40"), n("0.90")], "ci_level": n("97.5"), "p": "<0.001", "significant": True,
                         "adjusted": True, "adjusted_for": "age"}],
            "certainty": {"level": "low", "reasons": [{"domain": "imprecision", "levels": -2, "note": "SYNTHETIC"}]},
            "risk_of_bias": {"measurement": {"judgement": "high", "support": "SYNTHETIC: unmasked"}},
        }],
        "appraisal": {"assessed_by": "tests", "rob2": {"overall": {"judgement": "some concerns", "support": "SYNTHETIC"},
                                                       "randomization": {"judgement": "low", "support": "SYNTHETIC"}}},
        "conclusions": {"bottom_line": "SYNTHETIC", "key_messages": ["SYNTHETIC"]},
    })


def test_subgroup_effects_name_their_subpopulation():
    study = Study.model_validate(SHAPES["subgroups"])
    bundle = _parse(bundle_json(study))
    subgroup_evidence = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Evidence"
                         and any(v["variableRole"]["coding"][0]["code"] == "subpopulation"
                                 for v in e["resource"]["variableDefinition"])]
    levels = [(sg.variable, level.level) for o in study.outcomes for sg in o.subgroups for level in sg.levels
              for _ in level.effects]
    assert len(subgroup_evidence) == len(levels) > 0
    assert [next(v["description"] for v in r["variableDefinition"] if v["variableRole"]["coding"][0]["code"]
                 == "subpopulation") for r in subgroup_evidence] == [f"{v}: {lv}" for v, lv in levels]


def test_numbers_codes_and_judgements_of_a_synthetic_record():
    study = _synthetic()
    text = bundle_json(study)
    assert '"value": 0.60' in text and '"value": 0.40' in text and '"value": 30.0' in text  # as printed
    bundle = _parse(text)
    assert check_numbers(study, bundle) == 6  # estimate, CI low, high and level, two percentages
    by_type: dict[str, list] = {}
    for e in bundle["entry"]:
        by_type.setdefault(e["resource"]["resourceType"], []).append(e["resource"])
    stat = next(r for r in by_type["Evidence"] if r["title"] == "SYNTHETIC event: Drug A vs Drug B")["statistic"][0]
    assert {c["code"] for c in stat["statisticType"]["coding"]} == {"C93152", "STATO:0000245"}
    ci, p = stat["attributeEstimate"]
    assert ci["level"] == Decimal("0.975") and ci["type"]["coding"][0]["code"] == "C53324"
    assert p["quantity"] == {"value": Decimal("0.001"), "comparator": "<"}
    assert stat["sampleSize"] == {"numberOfParticipants": 200} and stat["numberOfEvents"] == 80
    models = [m["code"]["text"] for m in stat["modelCharacteristic"]]
    assert models == ["Adjusted for age", "Non-inferiority margin"]
    assert stat["modelCharacteristic"][1]["value"]["value"] == Decimal("1.30")
    citation = by_type["Citation"][0]["citedArtifact"]
    assert {i["value"] for i in citation["identifier"]} == {"10.5555/synthetic.3", "99999999"}
    assert citation["contributorship"]["complete"] is False
    assert [e["contributor"]["display"] for e in citation["contributorship"]["entry"]] == \
        ["Example A", "Sample B", "SYNTHETIC Trial Group"]
    assert citation["publicationForm"][0]["articleDate"] == "2020"
    research = by_type["ResearchStudy"][0]
    assert research["phase"]["coding"][0]["code"] == "phase-3" and research["recruitment"]["actualNumber"] == 200
    assert research["identifier"][0]["system"] == "https://clinicaltrials.gov" and "system" not in research["identifier"][1]
    grade = next(a for a in by_type["ArtifactAssessment"] if a["content"][0]["type"]["text"] == "GRADE")["content"][0]
    assert grade["classifier"][0]["coding"][0]["code"] == "low"
    assert grade["component"][0]["type"]["coding"][0]["code"] == "Imprecision"
    assert grade["component"][0]["classifier"][0]["coding"][0]["code"] == "downcode2"
    robs = [a for a in by_type["ArtifactAssessment"] if a["content"][0]["type"]["text"] == "RoB 2"]
    study_rob = next(a for a in robs if a["artifactReference"]["type"] == "ResearchStudy")["content"][0]
    assert study_rob["classifier"][0]["text"] == "Some concerns"
    assert [c["type"]["text"] for c in study_rob["component"]] == ["Randomization process"]
    outcome_rob = next(a for a in robs if a["artifactReference"]["type"] == "Evidence")
    assert outcome_rob["content"][0]["component"][0]["classifier"][0]["text"] == "High risk of bias"


@pytest.mark.parametrize("text, expected", [
    ("<0.001", {"value": Decimal("0.001"), "comparator": "<"}), ("≤0.05", {"value": Decimal("0.05"), "comparator": "<="}),
    ("P = .04", {"value": Decimal("0.04")}), ("0.30", {"value": Decimal("0.30")}),
])
def test_p_values_as_printed(text, expected):
    assert p_value(text)["quantity"] == expected


@pytest.mark.parametrize("text", ["not reported", "not in sources", "NS", "0.03 (one-sided)"])
def test_p_value_text_that_is_not_a_number_stays_a_note(text):
    assert p_value(text) is None


def test_cli_writes_one_file_or_one_per_record(tmp_path, capsys):
    out = tmp_path / "imagine-ra.fhir.json"
    assert main(["export", "fhir", str(SOURCES[0]), "-o", str(out)]) == 0
    Bundle.model_validate_json(out.read_text(encoding="utf-8"))
    assert main(["export", "fhir", *map(str, ALL_SOURCES), "--out", str(tmp_path / "outputs")]) == 0
    for path in SOURCES:
        study = load_study(path).study
        assert (tmp_path / "outputs" / study.id / "fhir.json").read_text(encoding="utf-8") == bundle_json(study)
    for path in REVIEWS:
        review = load_study(path).study
        assert (tmp_path / "outputs" / review.id / "fhir.json").read_text(encoding="utf-8") == \
            dumps(export_review_bundle(review))
    assert main(["export", "fhir", *map(str, SOURCES[:2]), "-o", str(out)]) == 1
    assert "-o takes one record" in capsys.readouterr().err


def test_cli_refuses_an_invalid_record_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SOURCES[0].read_text(encoding="utf-8").replace("record: 2\n", "record: 2\nbogus: 1\n", 1),
                   encoding="utf-8")
    assert main(["export", "fhir", str(bad), "-o", str(tmp_path / "x.json")]) == 2
    assert f"{bad}:" in capsys.readouterr().err and not (tmp_path / "x.json").exists()


def test_export_is_plain_data_without_floats():
    def walk(value):
        assert not isinstance(value, float), value
        for v in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
            walk(v)

    walk(export_bundle(_synthetic()))


def test_make_fhir_writes_a_bundle_per_record(repo):
    result = make(repo, "fhir")
    assert result.returncode == 0, result.stderr
    for path in (repo / "sources").glob("*.yaml"):
        study = load_study(path).study
        Bundle.model_validate_json((repo / "outputs" / study.id / "fhir.json").read_text(encoding="utf-8"))
    assert "make fhir " in make(repo).stdout


@pytest.mark.parametrize("path", REVIEWS, ids=lambda p: p.stem)
def test_review_exports_with_its_pooled_numbers(path):
    review = load_study(path).study
    bundle = _parse(dumps(export_review_bundle(review)))
    by_url = _resources(bundle)
    entries = Entries(review.id)
    compared = 0
    for outcome in review.outcomes:
        for i, pooled in enumerate(outcome.pooled, 1):
            evidence = by_url[entries.ref("Evidence", f"outcome/{outcome.id}/pooled-{i}")["reference"]]
            assert evidence["synthesisType"]["text"] == {"common": "Fixed-effect model",
                                                         "random": "Random-effects model"}[pooled.model]
            stat = evidence["statistic"][0]
            assert _same(stat["quantity"]["value"], pooled.estimate)
            compared += 1
            estimates = {e["type"]["text"]: e for e in stat.get("attributeEstimate", [])}
            if pooled.ci is not None:
                ci = estimates["confidence interval"]
                assert _same(ci["range"]["low"]["value"], pooled.ci[0])
                assert _same(ci["range"]["high"]["value"], pooled.ci[1])
                assert ci["level"] == Decimal(pooled.ci_level) / 100
                compared += 2
            for name, value in (("I-squared (%)", pooled.i2), ("tau-squared", pooled.tau2)):
                if isinstance(value, (int, float)):
                    assert _same(estimates[name]["quantity"]["value"], value)
                    compared += 1
            if pooled.studies is not None:
                assert stat["sampleSize"]["numberOfStudies"] == pooled.studies
            if pooled.participants is not None:
                assert stat["sampleSize"]["numberOfParticipants"] == pooled.participants
        if outcome.certainty and outcome.pooled:
            assessment = by_url[entries.ref("ArtifactAssessment", f"outcome/{outcome.id}/certainty")["reference"]]
            assert assessment["content"][0]["classifier"][0]["text"] == outcome.certainty.level
    assert compared >= 3
    studies = {entries.ref("Citation", f"study/{s.id}")["reference"]: s for s in review.studies}
    assert all(by_url[url]["title"] == s.label for url, s in studies.items())
    for outcome in review.outcomes:
        for i, _ in enumerate(outcome.pooled, 1):
            evidence = by_url[entries.ref("Evidence", f"outcome/{outcome.id}/pooled-{i}")["reference"]]
            parts = [a["resourceReference"]["reference"] for a in evidence["relatedArtifact"] if a["type"] == "composed-of"]
            assert [studies[u].id for u in parts] == [r.study for r in outcome.studies]


def test_review_with_per_study_risk_of_bias_exports_it():
    from pipeline.loader import load_bytes
    from pipeline.validate import check_source
    from test_review_layout import synthetic_review

    review = check_source(load_bytes(synthetic_review(3, 4, 2).encode(), "SYNTHETIC.yaml")).study
    bundle = _parse(dumps(export_review_bundle(review)))
    by_url = _resources(bundle)
    entries = Entries(review.id)
    for study in review.studies:
        rob = by_url[entries.ref("ArtifactAssessment", f"study/{study.id}/rob")["reference"]]
        assert rob["artifactReference"]["reference"] == entries.ref("Citation", f"study/{study.id}")["reference"]
        found = [c["classifier"][0]["text"] for c in rob["content"][0]["component"]]
        assert found == [ROB_WORDS[j.judgement] for j in study.rob]
