"""Import of ClinicalTrials.gov API v2 studies, and comparison of a record with its registry entry.

The three fixtures are real registry entries: NCT02552212 (C-axSpAnd: 11
primary outcome measures, 9 of them drug concentrations, and an open-label
extension group), NCT00763412 (a small pilot with no analyses) and NCT05594173
(a single-group observational study). Expected values are read from the JSON
in each test, and a few were checked by eye and are written out.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SHIPPED
from pipeline.cli import main
from pipeline.ctgov import compare_record, compare_study, import_ctgov_data, import_ctgov_file
from pipeline.ctgov.source import parse_p
from pipeline.ctgov.yamlout import WIDTH, Node, dump
from pipeline.errors import ImportSourceError
from pipeline.loader import load_bytes
from pipeline.model import NOT_REPORTED, is_placeholder, known
from pipeline.validate import check_source, load_study

pytestmark = pytest.mark.filterwarnings("error")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ctgov"
CZP = FIXTURES / "NCT02552212.json"
PILOT = FIXTURES / "NCT00763412.json"
CHEW = FIXTURES / "NCT05594173.json"
ALL = sorted(FIXTURES.glob("*.json"))


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _check(text: str, name: str = "imported.yaml"):
    return check_source(load_bytes(text.encode("utf-8"), name))


@pytest.fixture(scope="module")
def imported() -> dict[str, object]:
    return {p.stem: import_ctgov_file(p) for p in ALL}


# --- every fixture --------------------------------------------------------

def test_three_fixtures_are_shipped():
    assert [p.name for p in ALL] == ["NCT00763412.json", "NCT02552212.json", "NCT05594173.json"]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_each_fixture_imports_to_a_valid_record(path, imported):
    result = imported[path.stem]
    checked = _check(result.yaml_text, f"{result.record_id}.yaml")
    study = checked.study
    assert study == result.study
    assert study.registration.identifier == path.stem
    assert 1 <= len(study.arms) <= 6 and len(study.outcomes) <= 40
    lines = result.yaml_text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schema/study-record.schema.json"
    # The places the registry cannot fill are placeholders: the record builds, the brief says "not yet written".
    assert is_placeholder(study.conclusions.bottom_line)
    assert all(is_placeholder(m) for m in study.conclusions.key_messages)
    assert is_placeholder(study.appraisal.assessed_by)
    placeholder_fields = {p.field for p in checked.warnings if "placeholder" in p.message}
    assert {"conclusions.bottom_line", "conclusions.key_messages[0]"} <= placeholder_fields
    assert all(isinstance(w, str) and "\n" not in w for w in result.warnings)
    # Sections in the model's order.
    top = [line.split(":")[0] for line in lines if line and line[0].isalpha()]
    order = ["record", "kind", "id", "acronym", "title", "citation", "registrations", "protocol", "funding",
             "interests", "question", "design", "arms", "flow", "outcomes", "outcomes_note", "harms", "appraisal",
             "conclusions"]
    assert top == [key for key in order if key in top]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_written_yaml_is_block_style_and_folded(path, imported):
    text = imported[path.stem].yaml_text
    assert "{" not in "".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for line in text.splitlines():
        content = line.split(" # ")[0]
        if len(content) > WIDTH and not line.lstrip().startswith("#"):
            # only an unbreakable word may overflow
            assert " " not in content.strip().lstrip("- ").split(": ", 1)[-1].strip("'"), line
    assert "\t" not in text


# --- C-axSpAnd (NCT02552212) -----------------------------------------------

def test_czp_identification_design_and_arms(imported):
    data = _json(CZP)
    study = imported["NCT02552212"].study
    assert study.id == "c-axspand" and study.acronym == "C-AXSPAND"
    assert study.title == data["protocolSection"]["identificationModule"]["briefTitle"]
    assert "UCB BIOSCIENCES GmbH" in study.funding
    assert study.design.type == "parallel" and study.design.randomized is True
    assert study.design.masking.startswith("Quadruple")
    arm_groups = data["protocolSection"]["armsInterventionsModule"]["armGroups"]
    assert [a.label for a in study.arms] == [g["label"] for g in arm_groups]
    assert [a.role for a in study.arms] == ["intervention", "control"]
    assert study.arms[0].short_label == "CZP 200 mg Q2W"
    assert "Axial Spondyloarthritis" in study.question.population
    assert any("≥ 4" in e for e in study.question.eligibility)  # the registry's "\>= 4"


def test_czp_flow_started_and_completed_per_arm(imported):
    data = _json(CZP)
    study = imported["NCT02552212"].study
    pf = data["resultsSection"]["participantFlowModule"]
    first = pf["periods"][0]
    titles = {g["id"]: g["title"] for g in pf["groups"]}

    def milestone(kind):
        ms = next(m for m in first["milestones"] if m["type"] == kind)
        return {titles[a["groupId"]]: int(a["numSubjects"]) for a in ms["achievements"]}

    started, completed = milestone("STARTED"), milestone("COMPLETED")
    czp, placebo = study.arm_flow("czp-200-mg-q2w"), study.arm_flow("placebo")
    assert (czp.allocated, placebo.allocated) == (started["CZP 200 mg Q2W"], started["Placebo"]) == (159, 158)
    assert (czp.completed, placebo.completed) == (completed["CZP 200 mg Q2W"], completed["Placebo"]) == (142, 143)
    assert study.flow.randomized == 317 == data["protocolSection"]["designModule"]["enrollmentInfo"]["count"]
    # NOT COMPLETED 17 / 15, of whom 0 / 1 lost to follow-up.
    assert (czp.discontinued, czp.lost, placebo.discontinued, placebo.lost) == (17, 0, 14, 1)
    assert {r.reason: r.n for r in placebo.discontinued_reasons}["Adverse Event"] == 6
    # The open-label extension is not an arm: left out, with a comment and a warning.
    text = imported["NCT02552212"].yaml_text
    assert "'SFE OL CZP 200 mg Q2W' is not a randomized arm" in text
    assert any("SFE OL CZP" in w for w in imported["NCT02552212"].warnings)
    assert {a.arm for a in study.flow.arms} == {"czp-200-mg-q2w", "placebo"}


def test_czp_primary_outcome_analysis(imported):
    data = _json(CZP)
    study = imported["NCT02552212"].study
    measure = data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]
    analysis = measure["analyses"][0]
    first = study.outcomes[0]
    assert first.primary and first.timepoint == measure["timeFrame"] == "Week 52"
    assert f"{first.label} at {first.timepoint}" == measure["title"]  # the time frame is not said twice
    effect = first.effects[0]
    assert effect.measure == "odds ratio"
    assert effect.estimate == float(analysis["paramValue"]) == 15.231
    assert effect.ci == (float(analysis["ciLowerLimit"]), float(analysis["ciUpperLimit"])) == (7.336, 31.623)
    assert effect.ci_level == 95
    assert effect.p == analysis["pValue"] == "<0.001"
    assert effect.compares == ("czp-200-mg-q2w", "placebo")
    by_arm = {r.arm: r for r in first.results}
    assert (by_arm["czp-200-mg-q2w"].percent, by_arm["czp-200-mg-q2w"].total) == (47.2, 159)
    assert (by_arm["placebo"].percent, by_arm["placebo"].total) == (7.0, 158)
    # A continuous outcome: the difference keeps its sign and the arm order agrees with the arm means.
    basfi = next(o for o in study.outcomes if o.id == "basfi-week-12")
    assert basfi.kind == "continuous" and basfi.effects[0].measure == "mean difference"
    assert basfi.effects[0].estimate == -1.696 and basfi.effects[0].ci == (-2.11, -1.282)
    uveitis = next(o for o in study.outcomes if "Uveitis" in o.label)
    assert uveitis.effects[0].p == 0.247  # "=0.247"


def test_czp_outcomes_with_analyses_first_and_the_rest_summarised(imported):
    data = _json(CZP)
    study = imported["NCT02552212"].study
    measures = data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    assert sum(m["type"] == "PRIMARY" for m in measures) == 11
    analysed = [m["title"] for m in measures if m.get("analyses")]
    full = [f"{o.label} at {o.timepoint}" if o.timepoint.startswith("Week") else o.label for o in study.outcomes]
    assert full[: len(analysed)] == \
        [m["title"] for m in measures if m.get("analyses") and m["type"] == "PRIMARY"] + \
        [m["title"] for m in measures if m.get("analyses") and m["type"] != "PRIMARY"]
    assert [o.primary for o in study.outcomes].count(True) == 2
    assert all(o.effects for o in study.outcomes[: len(analysed)])
    assert not any("Plasma Concentration" in o.label for o in study.outcomes)
    assert "Certolizumab Pegol Plasma Concentration (Baseline, Week 1" in study.outcomes_note
    assert len(study.outcomes_note) <= 5000
    assert len(study.question.outcomes) == 2 and "ASDAS-MI" in study.question.outcomes[0]


def test_czp_serious_adverse_events_per_arm(imported):
    data = _json(CZP)
    study = imported["NCT02552212"].study
    groups = {g["title"]: g for g in data["resultsSection"]["adverseEventsModule"]["eventGroups"]}
    sae = next(h for h in study.harms if h.label == "Serious adverse events")
    assert sae.serious
    by_arm = {r.arm: (r.events, r.total) for r in sae.results}
    czp, pbo = groups["CZP 200 mg Q2W (SS)"], groups["Placebo (SS)"]
    expected_czp = (czp["seriousNumAffected"], czp["seriousNumAtRisk"])
    expected_pbo = (pbo["seriousNumAffected"], pbo["seriousNumAtRisk"])
    assert by_arm == {"czp-200-mg-q2w": expected_czp, "placebo": expected_pbo} == \
        {"czp-200-mg-q2w": (8, 159), "placebo": (4, 158)}
    assert "Placebo->OL CZP (SS)" in imported["NCT02552212"].yaml_text  # named in the comment on what was left out


# --- the pilot (NCT00763412) ---------------------------------------------

def test_pilot_without_analyses_keeps_arm_values(imported):
    data = _json(PILOT)
    result = imported["NCT00763412"]
    study = result.study
    assert [a.label for a in study.arms] == ["Placebo", "repaglinide"]  # "1 Placebo", "2. repaglinide"
    assert all(not o.effects for o in study.outcomes)
    bmi = next(o for o in study.outcomes if o.label == "BMI")
    measure = next(m for m in data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"] if m["title"] == "BMI")
    values = {m["groupId"]: float(m["value"]) for m in measure["classes"][0]["categories"][0]["measurements"]}
    titles = {g["id"]: g["title"] for g in measure["groups"]}
    by_label = {titles[g]: v for g, v in values.items()}
    got = {r.arm: (r.mean, r.total) for r in bmi.results}
    assert got == {"placebo": (by_label["1 Placebo"], 4), "repaglinide": (by_label["2. Repaglinide"], 4)}
    assert got == {"placebo": (19.63, 4), "repaglinide": (21.19, 4)}
    assert bmi.primary and bmi.kind == "continuous" and bmi.timepoint == "2 year/end of study"
    # Multi-row measures become one outcome per row.
    assert {"Body Composition: Fat", "Body Composition: Lean"} <= {o.label for o in study.outcomes}
    # Enrolment 31, but 8 + 8 started: the flow says what the arms say, with a comment and a warning.
    assert study.flow.randomized == 16
    assert any("enrolment 31" in w for w in result.warnings)
    assert "enrolment is 31" in result.yaml_text
    # No drop-out reasons in the registry: "lost" is not invented as 0.
    assert all(f.lost is None and f.discontinued == 4 and f.completed == 4 for f in study.flow.arms)


# --- the observational single-group study (NCT05594173) -------------------

def test_single_group_observational_study(imported):
    data = _json(CHEW)
    study = imported["NCT05594173"].study
    assert study.design.type == "single-group" and study.design.randomized is False
    assert study.id == "nct05594173"  # the acronym NIH_HVX6 is an internal code
    assert len(study.arms) == 1 and study.arms[0].label == "Healthy Participants"
    flow = study.flow.arms[0]
    assert (flow.allocated, flow.completed, flow.discontinued) == (20, 17, 3)
    assert study.flow.randomized is None and study.arms[0].randomized is None
    assert all(not o.effects and len(o.results) == 1 for o in study.outcomes)
    groups = data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]["groups"]
    assert len([o for o in study.outcomes if o.primary]) == 2 * len(groups) == 12
    carrot = next(o for o in study.outcomes if o.label == "Number of Chewing Cycles Per Bolus: Carrot")
    assert (carrot.results[0].mean, carrot.results[0].sd, carrot.results[0].total) == (22, 11, 14)
    assert "Food texture modification" in study.question.intervention
    assert study.question.comparator is None


# --- numbers that cannot be read, effects that cannot be mapped -----------

def test_unreadable_numbers_are_not_reported_never_zero():
    data = _json(CZP)
    measures = data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    background = next(m for m in measures if m["title"].startswith("Number of Subjects Without Relevant Changes"))
    cell = background["classes"][0]["categories"][0]["measurements"][0]
    cell["value"], cell["comment"] = "NA", "not collected"
    placebo_gid = cell["groupId"]
    result = import_ctgov_data(data, "mutated.json")
    study = _check(result.yaml_text).study
    outcome = next(o for o in study.outcomes if background["title"].startswith(o.label))
    arm = {"OG000": "placebo", "OG001": "czp-200-mg-q2w"}[placebo_gid]
    r = next(r for r in outcome.results if r.arm == arm)
    assert r.events == NOT_REPORTED and known(r.events) is None
    assert "value 'NA' is not a number (not collected)" in result.yaml_text


def test_flow_count_that_cannot_be_read_is_not_reported():
    data = _json(PILOT)
    period = data["resultsSection"]["participantFlowModule"]["periods"][0]
    completed = next(m for m in period["milestones"] if m["type"] == "COMPLETED")
    completed["achievements"][0]["numSubjects"] = "unknown"
    result = import_ctgov_data(data, "mutated.json")
    study = _check(result.yaml_text).study
    assert study.flow.arms[0].completed == NOT_REPORTED
    assert "COMPLETED is not given as a number" in result.yaml_text


def test_one_sided_interval_and_unmappable_analysis_are_left_out_with_warnings():
    data = _json(CZP)
    measures = data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    measures[0]["analyses"][0]["ciNumSides"] = "ONE_SIDED"
    measures[1]["analyses"][0]["paramType"] = "Slope"
    result = import_ctgov_data(data, "mutated.json")
    study = _check(result.yaml_text).study
    first = next(o for o in study.outcomes if measures[0]["title"].startswith(o.label) and o.timepoint == "Week 52")
    assert first.effects[0].ci is None and first.effects[0].estimate == 15.231
    assert any("one-sided" in w for w in result.warnings)
    second = next(o for o in study.outcomes if measures[1]["title"].startswith(o.label) and o.timepoint == "Week 12")
    assert second.effects == []
    assert "analysis not used: Slope (no matching effect measure)" in result.yaml_text
    assert any("Slope" in w for w in result.warnings)


def test_ratio_interval_that_misses_the_estimate_is_dropped():
    data = _json(CZP)
    analysis = data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]["analyses"][0]
    analysis["ciLowerLimit"], analysis["ciUpperLimit"] = "16", "31"
    result = import_ctgov_data(data, "mutated.json")
    study = _check(result.yaml_text).study
    assert study.outcomes[0].effects[0].ci is None
    assert any("does not contain the estimate" in w for w in result.warnings)


def test_awkward_text_is_cleaned_and_yaml_quotes_what_it_must():
    data = _json(PILOT)
    ident = data["protocolSection"]["identificationModule"]
    ident["briefTitle"] = "Repaglinide\u2009in CF\u0007 pre\u200bdiabetes: 12:30 — \u201cpilot\u201d"
    ident["acronym"] = "NO"
    data["protocolSection"]["armsInterventionsModule"]["armGroups"][0]["description"] = "010"
    result = import_ctgov_data(data, "mutated.json")
    study = _check(result.yaml_text).study
    assert study.title == "Repaglinide in CF prediabetes: 12:30 — \u201cpilot\u201d"
    assert study.acronym == "NO" and study.id == "no"
    assert "acronym: 'NO'" in result.yaml_text
    assert study.arms[0].description.startswith("010")
    assert yaml.safe_load(result.yaml_text)["acronym"] == "NO"


def test_p_values():
    assert parse_p("<0.001") == "<0.001"
    assert parse_p("=0.247") == 0.247
    assert parse_p("0.05") == 0.05
    assert parse_p("< 0.0001") == "<0.0001"
    assert parse_p("≤0.05") == "≤0.05"
    assert parse_p("NA") is None and parse_p("1.5") is None and parse_p(None) is None


def test_yaml_writer_folds_long_text_and_keeps_comments():
    node = Node(id="x", title="word " * 40 + "end", pair=[1.5, 2.0], lines="a\n  * b\nc")
    node.note("title", "a comment")
    node["ci"] = [1.0, 2.0]
    text = dump(node, ["first line"])
    assert text.startswith("# first line\nid: x\n# a comment\ntitle: >-\n")
    assert "ci: [1.0, 2.0]" in text and "lines: |-" in text
    assert yaml.safe_load(text) == {k: v for k, v in node.items()}


# --- bad input ------------------------------------------------------------

@pytest.mark.parametrize("content, words", [
    (b"this is not json", "not JSON"),
    (b"\xff\xfe\x00garbage", "not JSON"),
    (b"", "empty"),
    (b"[1, 2, 3]", "not a ClinicalTrials.gov API v2 study"),
    (b'{"hello": "world"}', "no protocolSection"),
    (b'{"protocolSection": {"identificationModule": {"nctId": "12345"}}}', "nctId"),
    (b'{"FullStudiesResponse": {}}', "API v1"),
    (b'{"studies": []}', "0 studies"),
])
def test_bad_input_gives_one_line_import_source_error(tmp_path, content, words):
    path = tmp_path / "study.json"
    path.write_bytes(content)
    with pytest.raises(ImportSourceError) as info:
        import_ctgov_file(path)
    message = str(info.value)
    assert "\n" not in message and words in message and str(path) in message


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(ImportSourceError) as info:
        import_ctgov_file(tmp_path / "absent.json")
    assert "cannot read" in str(info.value) and "\n" not in str(info.value)


def test_study_without_results_gives_design_and_arms_and_a_warning():
    data = _json(CZP)
    data.pop("resultsSection")
    data["hasResults"] = False
    result = import_ctgov_data(data, "no-results.json")
    study = _check(result.yaml_text).study
    assert any("no posted results" in w for w in result.warnings)
    assert len(study.arms) == 2 and study.outcomes == [] and study.harms == []
    assert study.flow.randomized == 317 and study.flow.arms == []
    assert study.design.type == "parallel"


def test_v2_search_response_with_one_study_is_accepted():
    result = import_ctgov_data({"studies": [_json(PILOT)]}, "search.json")
    assert result.study.registration.identifier == "NCT00763412"


# --- the command line -----------------------------------------------------

def test_cli_import_writes_a_valid_record(tmp_path, capsys):
    out = tmp_path / "c-axspand.yaml"
    assert main(["import", "ctgov", str(CZP), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"wrote {out}" in captured.out
    assert "warning: NCT02552212:" in captured.err
    checked = load_study(out)
    assert checked.study.id == "c-axspand"
    assert not any("differs from the file name" in p.message for p in checked.warnings)


def test_cli_import_to_stdout(capsys):
    assert main(["import", "ctgov", str(CHEW)]) == 0
    assert capsys.readouterr().out.startswith("# yaml-language-server: $schema=")


def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert main(["import", "ctgov", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "not JSON" in err
    assert not out.exists()


# --- compare --------------------------------------------------------------

def _registry_for_imagine(primary: list[tuple[str, str]], secondary: list[tuple[str, str]],
                          enrolment: int = 200) -> dict:
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT01656278", "briefTitle": "IMAGINE-RA", "acronym": "IMAGINE-RA"},
        "designModule": {"studyType": "INTERVENTIONAL",
                         "designInfo": {"allocation": "RANDOMIZED", "interventionModel": "PARALLEL"},
                         "enrollmentInfo": {"count": enrolment, "type": "ACTUAL"}},
        "armsInterventionsModule": {"armGroups": [
            {"label": "MRI-guided treat-to-target strategy", "type": "EXPERIMENTAL"},
            {"label": "Conventional treat-to-target strategy", "type": "ACTIVE_COMPARATOR"}]},
        "outcomesModule": {
            "primaryOutcomes": [{"measure": m, "timeFrame": t} for m, t in primary],
            "secondaryOutcomes": [{"measure": m, "timeFrame": t} for m, t in secondary]},
    }}


def test_compare_flags_a_switched_primary_outcome():
    study = load_study(SHIPPED).study
    registry = _registry_for_imagine(
        primary=[("Change in van der Heijde modified Sharp score", "24 months")],
        secondary=[("Percentage of Participants in DAS28-CRP Remission (DAS28-CRP < 2.6)", "24 months")])
    differences = compare_study(study, registry, "synthetic.json")
    switched = [d for d in differences if "outcome switching" in str(d)]
    assert len(switched) == 1
    text = str(switched[0])
    assert "DAS28-CRP remission" in text and "secondary" in text and "\n" not in text
    assert not [d for d in differences if d.topic in ("enrolment", "arms")]


def test_compare_reports_enrolment_arms_and_time_frames(tmp_path):
    study = load_study(SHIPPED).study
    registry = _registry_for_imagine(
        primary=[("Percentage of patients in DAS28-CRP remission", "Month 12"),
                 ("No radiographic progression (van der Heijde modified Sharp score)", "24 months")],
        secondary=[], enrolment=230)
    registry["protocolSection"]["armsInterventionsModule"]["armGroups"].append({"label": "Usual care"})
    path = tmp_path / "NCT01656278.json"
    path.write_text(json.dumps(registry), encoding="utf-8")
    differences = compare_record(study, path)
    topics = [d.topic for d in differences]
    assert "enrolment" in topics and "arms" in topics
    assert any("230" in str(d) for d in differences)
    assert any("'Month 12'" in str(d) and "24 months" in str(d) for d in differences)
    assert not any("outcome switching" in str(d) for d in differences)


def test_compare_notes_an_unregistered_primary_outcome():
    study = load_study(SHIPPED).study
    registry = _registry_for_imagine(primary=[("Bone marrow edema score on MRI", "24 months")], secondary=[])
    differences = compare_study(study, registry)
    assert sum("is not among the registry's outcomes" in str(d) for d in differences) == 2
    assert any("registry's primary outcome 'Bone marrow edema" in str(d) for d in differences)


def test_compare_checks_the_registry_entry_is_the_records():
    study = load_study(SHIPPED).study
    registry = _registry_for_imagine(primary=[], secondary=[])
    assert not [d for d in compare_study(study, registry) if d.topic == "registration"]
    registry["protocolSection"]["identificationModule"]["nctId"] = "NCT09999999"
    with pytest.raises(ImportSourceError, match="this registry entry is NCT09999999, but the record is registered "
                                                "as NCT01656278"):
        compare_study(study, registry)
    another = study.registrations[0].model_copy(update={"identifier": "NCT09999999"})
    second = study.model_copy(update={"registrations": [*study.registrations, another]})
    assert not [d for d in compare_study(second, registry) if d.topic == "registration"]
    unregistered = study.model_copy(update={"registrations": []})
    found = [str(d) for d in compare_study(unregistered, registry) if d.topic == "registration"]
    assert found == ["registration: the record gives no registration, so nothing shows that <json> (NCT09999999) "
                     "is this study's entry; check that it is"]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_a_record_agrees_with_its_own_import(path, imported, tmp_path):
    result = imported[path.stem]
    record = tmp_path / f"{result.record_id}.yaml"
    record.write_text(result.yaml_text, encoding="utf-8")
    differences = compare_record(load_study(record).study, path)
    assert [d for d in differences if d.topic in ("enrolment", "arms")] == []
    assert differences == []


def test_cli_compare(tmp_path, capsys):
    record = tmp_path / "nct00763412.yaml"
    assert main(["import", "ctgov", str(PILOT), "-o", str(record)]) == 0
    capsys.readouterr()
    assert main(["compare", str(record), str(PILOT)]) == 0
    assert "agrees with" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    assert main(["compare", str(record), str(bad)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_cli_compare_refuses_a_review(capsys):
    """A review has no registry entry of one trial: a usage error (exit 2), not an internal error."""
    review = ROOT / "sources" / "react-corticosteroids.yaml"
    assert "kind: review" in review.read_text(encoding="utf-8")
    assert main(["compare", str(review), str(PILOT)]) == 2
    err = capsys.readouterr().err
    assert "is a review" in err and "internal error" not in err


def test_counts_beyond_a_record_are_left_out(tmp_path, capsys):
    """A SYNTHETIC registry entry whose counts exceed the model's bound (a STARTED of 1,000,000,000 and
    counts built on it) imports: each such count is "not reported" with a comment and a warning, never exit 70."""
    entry = ROOT / "tests" / "hostile" / "registry-huge-counts.json"
    record = tmp_path / "huge.yaml"
    assert main(["import", "ctgov", str(entry), "-o", str(record)]) == 0
    err = capsys.readouterr().err
    assert "internal error" not in err
    left_out = [line for line in err.splitlines() if "more than a record can hold" in line]
    assert {line.split(": ")[2] for line in left_out} == {
        "arms[0].randomized", "flow.randomized", "flow.arms[0].allocated", "flow.arms[0].completed",
        "flow.arms[0].analysed", "outcomes[0].results[0].events", "outcomes[0].results[0].total",
        "harms[0].results[0].events", "harms[0].results[0].total"}
    text = record.read_text(encoding="utf-8")
    assert text.count("# registry: 1,000,000,000 is more than a record can hold") == 5
    study = load_study(record).study
    assert known(study.arms[0].randomized) is None and study.arms[0].randomized == NOT_REPORTED
    assert study.arms[1].randomized == 10
    assert study.flow.arms[0].allocated == NOT_REPORTED and study.flow.arms[1].allocated == 10
    assert [(r.events, r.total) for r in study.outcomes[0].results] == [(NOT_REPORTED, NOT_REPORTED), (5, 10)]
    assert [(r.events, r.total) for r in study.harms[0].results] == [(NOT_REPORTED, NOT_REPORTED), (1, 10)]


# --- outputs from imported records ----------------------------------------

_RENDERERS = all(importlib.util.find_spec(m) is not None for m in ("pipeline.render.pdf", "pipeline.render.deck"))


@pytest.mark.skipif(not _RENDERERS,
                    reason="the PDF and deck renderers (pipeline/render/pdf.py, deck.py) are not in the tree yet")
@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_imported_records_build(path, imported, tmp_path):
    from pipeline.build import build_record

    result = imported[path.stem]
    record = tmp_path / f"{result.record_id}.yaml"
    record.write_text(result.yaml_text, encoding="utf-8")
    built = build_record(record, tmp_path / "outputs")
    names = {p.name for p in built.written}
    assert {"brief.pdf", "deck.pptx"} <= names
    assert all(p.stat().st_size > 0 for p in built.written)


def test_damaged_registry_entries_never_crash():
    """Values of the wrong type or unreadable anywhere: a valid record or a one-line ImportSourceError."""
    import random

    sources = [_json(p) for p in ALL]
    junk = [None, "", "NA", -1, 3.5, [], {}, "x" * 6000, "\u0007\u2009\u00e9", True, "1e400", "-5", 0, ">=0.05",
            "1000000000", 10**9]
    rng = random.Random(20240611)

    def paths(obj, prefix=()):
        yield prefix
        children = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
        for key, value in children:
            yield from paths(value, prefix + (key,))

    for _ in range(60):
        data = copy.deepcopy(rng.choice(sources))
        spots = list(paths(data))[1:]
        for _ in range(rng.randint(1, 6)):
            path = rng.choice(spots)
            parent = data
            try:
                for key in path[:-1]:
                    parent = parent[key]
                if isinstance(parent, dict) and rng.random() < 0.3:
                    del parent[path[-1]]
                else:
                    parent[path[-1]] = rng.choice(junk)
            except (KeyError, IndexError, TypeError):
                pass
        try:
            result = import_ctgov_data(data, "damaged.json")
        except ImportSourceError as exc:
            assert "\n" not in str(exc) and "does not validate" not in str(exc)
            continue
        _check(result.yaml_text)
        compare_study(result.study, data)


# --- version 2 ------------------------------------------------------------

def test_imported_records_are_version_2(imported):
    for result in imported.values():
        text = result.yaml_text
        first_key = next(line for line in text.splitlines() if line and not line.startswith("#"))
        assert first_key == "record: 2"
        assert "\nregistrations:\n" in text and "\n  - registry: ClinicalTrials.gov\n" in text
        assert "\nregistration:" not in text
        study = result.study
        ids = [o.id for o in study.outcomes] + [h.id for h in study.harms]
        assert len(ids) == len(set(ids))
    czp = imported["NCT02552212"].study
    assert [h.id for h in czp.harms] == ["serious-adverse-events", "deaths-all-causes"]


def test_numbers_keep_the_registrys_printed_text(imported):
    study = imported["NCT02552212"].study
    by_arm = {r.arm: r for r in study.outcomes[0].results}
    assert by_arm["placebo"].percent.text == "7.0"          # the registry's "7.0", not 7
    assert "percent: 7.0\n" in imported["NCT02552212"].yaml_text
    effect = study.outcomes[0].effects[0]
    assert (effect.estimate.text, effect.ci[0].text, effect.ci[1].text) == ("15.231", "7.336", "31.623")


def test_every_usable_analysis_becomes_an_effect_and_non_inferiority_is_kept():
    data = _json(CZP)
    measures = data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    first = measures[0]["analyses"][0]
    second = dict(first, paramType="Risk Difference (RD)", paramValue="40.2", ciLowerLimit="31.0",
                  ciUpperLimit="49.4", nonInferiorityType="NON_INFERIORITY")
    measures[0]["analyses"].append(second)
    basfi = next(m for m in measures if m["title"].startswith("Change From Baseline to Week 12 in the Bath "
                                                              "Ankylosing Spondylitis Functional Index"))
    basfi["analyses"][0]["nonInferiorityType"] = "NON_INFERIORITY"
    result = import_ctgov_data(data, "mutated.json")
    study = _check(result.yaml_text).study
    assert study.design.hypothesis == "non-inferiority" and study.design.type == "parallel"
    effects = study.outcomes[0].effects
    assert [(e.measure, e.estimate.text, e.hypothesis) for e in effects] == [
        ("odds ratio", "15.231", None), ("risk difference", "40.2", None)]   # a primary effect inherits the design's
    assert effects[0].compares == effects[1].compares == ("czp-200-mg-q2w", "placebo")
    other = next(o for o in study.outcomes if o.id == "basfi-week-12")
    assert not other.primary and other.effects[0].hypothesis == "non-inferiority"
    assert "registry: no margin given: add margin from the paper" in result.yaml_text
    checked = _check(result.yaml_text)
    assert any("without a margin" in w.message for w in checked.warnings)


def test_a_ratio_out_of_range_is_left_out_with_a_comment():
    data = _json(CZP)
    analysis = data["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]["analyses"][0]
    analysis["paramValue"], analysis["ciLowerLimit"] = "15.231", "1e-9"
    result = import_ctgov_data(data, "mutated.json")
    study = _check(result.yaml_text).study
    first = study.outcomes[0]
    assert first.id == "asdas-mi-week-52" and first.effects[0].ci is None
    assert "registry: a ratio's interval reaches beyond 1e-06 to 1e+06; left out" in result.yaml_text
    analysis["paramValue"] = "0.0000001"
    result = import_ctgov_data(data, "mutated.json")
    first = next(o for o in _check(result.yaml_text).study.outcomes if o.id == "asdas-mi-week-52")
    assert first.effects == []
    assert any("not a usable ratio; effect left out" in w for w in result.warnings)


def test_imported_placeholders_never_reach_readers(imported):
    import dataclasses

    from pipeline.content import build_content

    content = build_content(_check(imported["NCT02552212"].yaml_text, "c-axspand.yaml").study)

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, (tuple, list)):
            for v in value:
                yield from strings(v)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                yield from strings(getattr(value, f.name))

    shown = list(strings(content))
    assert shown and not [s for s in shown if "TODO" in s]
    assert content.bottom_line == "not yet written"
    assert content.limitations == ("not yet written",) and content.strengths == ()
    assert content.appraisal_by == "not yet written"


def test_a_record_the_importer_writes_wrong_is_an_internal_error(monkeypatch, tmp_path, capsys):
    """The registry file is not at fault when the importer writes a record that does not validate: exit 70."""
    from pipeline.ctgov import importer

    monkeypatch.setattr(importer, "dump", lambda *args, **kwargs: "record: 2\nid: broken\n")
    out = tmp_path / "czp.yaml"
    assert main(["import", "ctgov", str(CZP), "-o", str(out)]) == 70
    err = capsys.readouterr().err
    assert "internal error, please report" in err and "does not validate" in err
    assert not out.exists()
