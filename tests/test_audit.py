"""Tests for pipeline.audit: each check on a small SYNTHETIC study (test fixtures: arms "Drug A",
"Drug B", "Placebo", invented numbers that describe no real trial), and the shipped records."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from pipeline import stats
from pipeline.audit import (
    AuditResult,
    Finding,
    errors_as_record_error,
    format_findings,
    implied_denominators,
    percent_fits,
    raise_for_errors,
    run_audit,
)
from pipeline.cli import main
from pipeline.errors import RecordError
from pipeline.loader import load_file
from pipeline.model import Study
from pipeline.validate import load_study

ROOT = Path(__file__).resolve().parents[1]
IMAGINE = ROOT / "sources" / "imagine-ra.yaml"
M = "\u2212"  # the minus sign the audit writes


# --------------------------------------------------------------------------
# helpers


def record(**changes) -> dict:
    """A minimal valid two-arm record (100 per arm); ``changes`` replace top-level keys."""
    data = {
        "record": 2,
        "id": "synthetic",
        "title": "A SYNTHETIC two-arm trial (test fixture)",
        "question": {"population": "Adults", "intervention": "Drug A", "comparator": "Placebo"},
        "design": {"type": "parallel"},
        "arms": [
            {"id": "drug", "label": "Drug A", "randomized": 100},
            {"id": "placebo", "label": "Placebo", "randomized": 100},
        ],
        "flow": {
            "randomized": 200,
            "arms": [{"arm": "drug", "allocated": 100}, {"arm": "placebo", "allocated": 100}],
        },
        "outcomes": [],
        "conclusions": {"bottom_line": "Synthetic.", "key_messages": ["One", "Two", "Three"]},
    }
    data.update(copy.deepcopy(changes))
    return data


def binary(results, effect=None, **extra) -> dict:
    outcome = {"id": "death", "label": "Death (any cause)", "kind": "binary", "primary": True,
               "higher_is_better": False, "results": results}
    if effect is not None:
        outcome["effects"] = [effect]
    outcome.update(extra)
    return outcome


def audit(data: dict) -> AuditResult:
    return run_audit(Study.model_validate(data))


def codes(result: AuditResult) -> list[str]:
    return [f.code for f in result.findings]


def only(result: AuditResult, code: str) -> Finding:
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, f"expected one {code!r}, got {[str(f) for f in result.findings]}"
    return found[0]


def counts(e1, n1, e2, n2, **pct):
    a = {"arm": "drug", "events": e1, "total": n1}
    b = {"arm": "placebo", "events": e2, "total": n2}
    if "p1" in pct:
        a["percent"] = pct["p1"]
    if "p2" in pct:
        b["percent"] = pct["p2"]
    return [a, b]


RD_30_20 = {"measure": "risk difference", "estimate": 10, "ci": [-1.8, 21.4], "unit": "percentage points"}


# --------------------------------------------------------------------------
# the shipped record


@pytest.fixture(scope="module")
def imagine() -> AuditResult:
    return run_audit(load_study(IMAGINE))


def test_imagine_percentages_do_not_match_the_numbers_who_completed(imagine):
    messages = [f.message for f in imagine.findings if f.code == "percent-denominator"]
    assert len(messages) == 4
    first = next(m for m in messages if "64 of 76" in m)
    assert "84%" in first and "not the reported 85%" in first
    assert "implies a denominator of 75" in first  # 64/75 = 85.3%; 64/74 = 86.5%, 64/76 = 84.2%
    second = next(m for m in messages if "83 of 95" in m)
    assert "87%" in second and "not the reported 88%" in second
    assert "implies a denominator of 94" in second
    progression = [m for m in messages if "No radiographic progression" in m]
    assert any("58 of 95" in m and "93 or 94" in m for m in progression)
    finding = next(f for f in imagine.findings if "64 of 76" in f.message)
    assert finding.severity == "warning"
    assert finding.fields[0] == "outcomes[0].results[0].percent"
    assert "flow.arms[0].completed" in finding.fields
    assert str(finding).startswith("warning: outcomes[0].results[0].percent")


def test_imagine_reported_risk_differences_differ_from_the_crude_ones(imagine):
    found = [f for f in imagine.findings if f.code == "effect-vs-crude"]
    assert len(found) == 2
    das, progression = found
    assert das.severity == progression.severity == "warning"
    assert das.comparison == "MRI-guided vs Conventional" and "MRI-guided vs Conventional" in das.message
    assert f"{M}4.8" in das.message and f"85% {M} 88% = {M}3 points" in das.message
    assert "4.7" in progression.message and f"66% {M} 62% = +4 points" in progression.message
    for f in found:
        assert "may report an adjusted estimate" in f.message
    # +4.7 is within rounding of 66% - 62%, but not of any denominator that fits the counts.
    assert "49/74" in progression.detail and "58/93 or 94" in progression.detail


def test_imagine_is_worded_as_observations_and_has_no_errors(imagine):
    assert not [f for f in imagine.findings if f.severity == "error"]
    assert errors_as_record_error(imagine, str(IMAGINE)) is None
    assert len([f for f in imagine.findings if f.severity == "warning"]) == 6
    # Readers get one short note per kind of warning, with the arithmetic listed.
    assert imagine.notes == (
        "Reported percentages do not match the counts in the participant flow: 64 of 76 who completed is 84% "
        "(reported 85%); 83 of 95 who completed is 87% (reported 88%); 49 of 76 who completed is 64% "
        "(reported 66%); 58 of 95 who completed is 61% (reported 62%). The paper's denominators are not in the record.",
        f"Reported effects differ from the crude values recomputed from the arms' numbers (DAS28-CRP remission, "
        f"MRI-guided vs Conventional: reported {M}4.8, crude {M}3 points; No radiographic progression, MRI-guided "
        f"vs Conventional: reported +4.7, crude +4 points); the paper may report adjusted estimates.",
    )
    for note in imagine.notes:
        assert "wrong" not in note.lower() and "error" not in note.lower()
    assert {f.code for f in imagine.findings if f.severity == "info"} == {"primary-no-ci"}


def test_imagine_derived_values(imagine):
    # Issue 12: per 1,000 from the REPORTED risk difference (−4.8 points is 48 per 1,000), not the
    # crude −3 points of the printed percentages.
    assert imagine.derived["das28-remission"] == ("48 fewer per 1,000 (from the reported risk difference)",)
    assert imagine.derived["no-progression"] == ("47 more per 1,000 (from the reported risk difference)",)
    (absolute,) = imagine.absolute["das28-remission"]
    assert (absolute.value, absolute.lower, absolute.places, absolute.effect) == (-48.0, None, 0, 0)
    # Serious adverse events: 17% of 17 and 6% of 6 fit the 100 allocated per arm.
    harm = imagine.derived["serious-adverse-events"]
    rd = stats.risk_difference(17, 100, 6, 100)
    assert harm[0].startswith("110 more per 1,000 (95% CI ")
    assert harm[1].startswith(stats.nnt(rd, higher_is_better=False).format())
    assert harm[1].startswith("NNTH 10 ")
    assert all("recomputed over the 100 and 100 allocated" in text for text in harm)


def test_cli_audit_prints_findings_and_summary(capsys):
    status = main(["audit", str(IMAGINE)])
    out = capsys.readouterr().out
    assert status == 0
    lines = out.strip().splitlines()
    assert all(line.startswith(f"{IMAGINE}: ") for line in lines)
    assert any("64 of 76 who completed is 84%, not the reported 85%" in line for line in lines)
    assert any(f"{M}4.8 percentage points" in line and f"= {M}3 points" in line for line in lines)
    assert lines[-1] == f"{IMAGINE}: 6 warnings, 2 notes"


# --------------------------------------------------------------------------
# percentages


def test_percent_fits_at_the_precision_reported():
    assert not percent_fits(64, 76, 85.0)   # 84.21%
    assert percent_fits(64, 76, 84.0)
    assert percent_fits(64, 76, 84.2)
    assert not percent_fits(64, 76, 84.3)
    assert percent_fits(1, 8, 12.0) and percent_fits(1, 8, 13.0)  # 12.5% rounds either way
    assert not percent_fits(1, 8, 12.4)
    assert percent_fits(2, 3, 66.67) and not percent_fits(2, 3, 66.66)


@pytest.mark.parametrize("events", [0, 1, 2, 5, 17, 64, 83, 250])
@pytest.mark.parametrize("percent", [0.0, 0.5, 6.0, 17.0, 33.3, 50.0, 62.0, 85.0, 99.0, 100.0])
def test_implied_denominators_match_brute_force(events, percent):
    ns = implied_denominators(events, percent)
    # Integer arithmetic, independent of the module: |100e/n - p| <= half a unit in p's last place.
    places = len(repr(percent).split(".")[1].rstrip("0"))
    scaled = round(percent * 10 ** places)
    brute = [n for n in range(max(events, 1), 60_000)
             if abs(2 * 100 * events * 10 ** places - 2 * scaled * n) <= n]
    if ns is None:
        assert brute and brute[-1] == 59_999  # unbounded: every large n fits
    else:
        assert list(ns) == brute


def test_implied_denominator_examples():
    assert list(implied_denominators(64, 85)) == [75]
    assert list(implied_denominators(58, 62)) == [93, 94]
    assert implied_denominators(0, 0) is None
    assert len(implied_denominators(0, 5)) == 0
    assert len(implied_denominators(1, 60)) == 0   # 1/1 = 100%, 1/2 = 50%


def test_percent_mismatch_against_total():
    result = audit(record(outcomes=[binary(counts(64, 76, 50, 80, p1=85, p2=62.5))]))
    f = only(result, "percent-mismatch")
    assert f.severity == "warning"
    assert "64 of 76 is 84%, not the reported 85%" in f.message
    assert "implies a denominator of 75" in f.message
    assert f.fields == ("outcomes[0].results[0].percent", "outcomes[0].results[0].events", "outcomes[0].results[0].total")
    assert result.notes[0] == "Reported percentages do not match the counts: 64/76 is 84% (reported 85%)."


def test_percent_one_decimal_precision():
    ok = audit(record(outcomes=[binary(counts(64, 76, 50, 80, p1=84.2, p2=62.5))]))
    assert "percent-mismatch" not in codes(ok)
    off = audit(record(outcomes=[binary(counts(64, 76, 50, 80, p1=84.3, p2=62.5))]))
    assert "64 of 76 is 84.2%, not the reported 84.3%" in only(off, "percent-mismatch").message


def test_percent_with_total_but_no_events():
    result = audit(record(outcomes=[binary([{"arm": "drug", "total": 3, "percent": 50},
                                            {"arm": "placebo", "total": 4, "percent": 50}])]))
    f = only(result, "percent-mismatch")
    assert "out of 3 is 50%" in f.message and f.fields[0] == "outcomes[0].results[0].percent"


def test_implied_denominator_against_completed():
    data = record(outcomes=[binary([{"arm": "drug", "events": 64, "percent": 85},
                                    {"arm": "placebo", "events": 40, "percent": 50}])])
    data["flow"]["arms"][0]["completed"] = 76
    data["flow"]["arms"][1]["completed"] = 80
    f = only(audit(data), "percent-denominator")
    assert f.severity == "warning"
    assert "Drug A: 64 of 76 who completed is 84%, not the reported 85%" in f.message
    assert "85% of 64 implies a denominator of 75" in f.message
    assert "(e.g. those analysed)" in f.message
    assert f.fields == ("outcomes[0].results[0].percent", "flow.arms[0].completed")


@pytest.mark.parametrize("unknown", ["not in sources", "not reported"])
def test_an_unknown_total_is_not_replaced_by_the_arm_size(unknown):
    results = [{"arm": "drug", "events": 64, "total": unknown, "percent": 85},
               {"arm": "placebo", "events": 40, "total": unknown, "percent": 50}]
    data = record(outcomes=[binary(results)])
    # 64 of 100 allocated is 64%, but the paper's denominator is unknown: nothing to say.
    assert not [c for c in codes(audit(data)) if c.startswith("percent")]
    # Those who completed are measured people: a percentage that fits none of them is worth a note.
    data["flow"]["arms"][0]["completed"] = 76
    f = only(audit(data), "percent-denominator")
    assert "64 of 76 who completed is 84%" in f.message


def test_implied_denominator_fits_then_used_for_derived_values():
    data = record(outcomes=[binary([{"arm": "drug", "events": 64, "percent": 85},
                                    {"arm": "placebo", "events": 40, "percent": 50}])])
    data["flow"]["arms"][0]["completed"] = 75
    data["flow"]["arms"][1]["completed"] = 80
    result = audit(data)
    assert not [c for c in codes(result) if c.startswith("percent")]
    derived = result.derived["death"]
    rd = stats.per_1000(stats.risk_difference(64, 75, 40, 80))
    assert derived[0].startswith(f"{round(rd.value)} more per 1,000")
    assert all("recomputed over the 75 and 80 who completed" in d for d in derived)


def test_implied_denominator_prefers_analysed_and_notes_another_fitting_count():
    data = record(outcomes=[binary([{"arm": "drug", "events": 64, "percent": 64},
                                    {"arm": "placebo", "events": 40, "percent": 50}])])
    data["flow"]["arms"][0].update(completed=70, analysed=90)
    data["flow"]["arms"][1].update(completed=70, analysed=80)
    result = audit(data)
    f = only(result, "percent-denominator-other")
    assert f.severity == "info"
    assert "64 of 90 analysed is 71%, not the reported 64%" in f.message
    assert "fits the 100 allocated instead" in f.message
    assert "(e.g. those analysed)" not in f.message


def test_percent_that_no_denominator_gives():
    result = audit(record(outcomes=[binary([{"arm": "drug", "events": 1, "percent": 60},
                                            {"arm": "placebo", "events": 2, "percent": 2}])]))
    f = only(result, "percent-no-denominator")
    assert f.severity == "warning" and "gives 1 as 60%" in f.message


# --------------------------------------------------------------------------
# reported vs crude effects


def test_reported_risk_difference_matching_crude_is_quiet():
    result = audit(record(outcomes=[binary(counts(30, 100, 20, 100), RD_30_20)]))
    assert "effect-vs-crude" not in codes(result)


def test_reported_risk_difference_differing_from_crude():
    effect = dict(RD_30_20, estimate=14.2, ci=[2.0, 26.0])
    f = only(audit(record(outcomes=[binary(counts(30, 100, 20, 100), effect)])), "effect-vs-crude")
    assert f.severity == "warning"
    assert "+14.2 percentage points" in f.message
    assert "30/100 − 20/100 = +10.0 points" in f.message
    assert "may report an adjusted estimate" in f.message
    assert f.fields[0] == "outcomes[0].effects[0].estimate"


def test_adjusted_estimate_differing_from_crude_is_info():
    effect = dict(RD_30_20, estimate=14.2, ci=[2.0, 26.0], adjusted=True)
    f = only(audit(record(outcomes=[binary(counts(30, 100, 20, 100), effect)])), "effect-vs-crude")
    assert f.severity == "info" and "adjusted" in f.message


def test_unadjusted_estimate_differing_from_crude_says_so():
    effect = dict(RD_30_20, estimate=14.2, ci=[2.0, 26.0], adjusted=False)
    f = only(audit(record(outcomes=[binary(counts(30, 100, 20, 100), effect)])), "effect-vs-crude")
    assert f.severity == "warning" and "unadjusted" in f.message


def test_risk_difference_as_proportion():
    ok = {"measure": "risk difference", "estimate": 0.1, "ci": [-0.02, 0.21]}
    assert "effect-vs-crude" not in codes(audit(record(outcomes=[binary(counts(30, 100, 20, 100), ok)])))
    off = dict(ok, estimate=0.15)
    assert "effect-vs-crude" in codes(audit(record(outcomes=[binary(counts(30, 100, 20, 100), off)])))


@pytest.mark.parametrize("measure,good,bad", [("risk ratio", 1.5, 1.9), ("odds ratio", 1.71, 1.9)])
def test_ratio_measures_against_crude(measure, good, bad):
    # 30/100 vs 20/100: RR 1.50, OR (30*80)/(70*20) = 1.714
    for estimate, flagged in ((good, False), (bad, True)):
        effect = {"measure": measure, "estimate": estimate, "ci": [estimate / 2, estimate * 2]}
        result = audit(record(outcomes=[binary(counts(30, 100, 20, 100), effect)]))
        assert ("effect-vs-crude" in codes(result)) is flagged, (measure, estimate)


def test_crude_from_percentages_allows_for_rounding():
    results = [{"arm": "drug", "percent": 66}, {"arm": "placebo", "percent": 62}]
    effect = {"measure": "risk difference", "estimate": 4.7, "unit": "percentage points"}
    assert "effect-vs-crude" not in codes(audit(record(outcomes=[binary(results, effect)])))
    effect["estimate"] = 5.2
    f = only(audit(record(outcomes=[binary(results, effect)])), "effect-vs-crude")
    assert "66% − 62% = +4 points" in f.message


def test_mean_difference_against_the_means():
    outcome = {"id": "pain", "label": "Pain score", "kind": "continuous", "primary": True,
               "results": [{"arm": "drug", "mean": 3.1, "sd": 1.2, "total": 50},
                           {"arm": "placebo", "mean": 4.0, "sd": 1.5, "total": 50}],
               "effects": [{"measure": "mean difference", "estimate": -0.9, "ci": [-1.43, -0.37]}]}
    result = audit(record(outcomes=[outcome]))
    assert "effect-vs-crude" not in codes(result)
    assert "pain" not in result.derived   # a reported effect is not restated by a recomputed one
    del outcome["effects"]
    md = stats.mean_difference(3.1, 1.2, 50, 4.0, 1.5, 50)
    assert audit(record(outcomes=[outcome])).derived["pain"] == (
        f"MD {M}0.90 (95% CI {M}{abs(md.lower):.2f} to {M}{abs(md.upper):.2f}) (recomputed from the means and SDs)",)
    outcome["effects"] = [{"measure": "mean difference", "estimate": -0.9, "ci": [-1.43, -0.37]}]
    outcome["effects"][0]["estimate"] = -1.4
    f = only(audit(record(outcomes=[outcome])), "effect-vs-crude")
    assert f"3.1 − 4 = {M}0.9" in f.message


# --------------------------------------------------------------------------
# intervals, P values and significance claims


def rr_effect(ci, p=None, significant=None):
    effect = {"measure": "risk ratio", "estimate": 0.8, "ci": ci}
    if p is not None:
        effect["p"] = p
    if significant is not None:
        effect["significant"] = significant
    return effect


def effect_findings(effect, design="parallel"):
    return audit(record(design={"type": design}, outcomes=[binary([], effect)]))


def test_ci_excluding_no_effect_with_large_p():
    f = only(effect_findings(rr_effect([0.7, 0.95], p=0.2)), "ci-p-mismatch")
    assert f.severity == "warning"
    assert "Death, Drug A vs Placebo: the 95% CI 0.7 to 0.95 excludes no effect (1), yet P = 0.2" in f.message
    assert f.fields == ("outcomes[0].effects[0].ci", "outcomes[0].effects[0].p")


def test_ci_including_no_effect_with_small_p():
    f = only(effect_findings(rr_effect([0.6, 1.2], p="<0.001")), "ci-p-mismatch")
    assert "includes no effect (1), yet P < 0.001" in f.message


@pytest.mark.parametrize("ci,p", [([0.7, 0.95], 0.01), ([0.6, 1.2], 0.3), ([0.6, 1.00], 0.05),
                                  ([0.6, 0.99], "0.05"), ([0.6, 1.2], "NS")])
def test_agreeing_or_borderline_ci_and_p_are_quiet(ci, p):
    assert "ci-p-mismatch" not in codes(effect_findings(rr_effect(ci, p=p)))


@pytest.mark.parametrize("p", [0.2, 0.01])
def test_interval_ending_at_no_effect_gives_no_verdict(p):
    result = effect_findings(rr_effect([0.6, 1.0], p=p, significant=p < 0.05))
    assert not {"ci-p-mismatch", "significance-claim"} & set(codes(result))
    assert "significance-claim" in codes(effect_findings(rr_effect([0.6, 1.0], p=p, significant=p > 0.05)))


def test_ci_level_sets_alpha():
    effect = dict(rr_effect([0.7, 0.95], p=0.07), ci_level=90)
    assert "ci-p-mismatch" not in codes(effect_findings(effect))   # 90% CI excludes 1 <=> P < 0.10
    effect["p"] = 0.2
    assert "ci-p-mismatch" in codes(effect_findings(effect))


def test_significance_claim_contradicted_by_interval():
    f = only(effect_findings(rr_effect([0.6, 1.2], significant=True)), "significance-claim")
    assert f.severity == "warning"
    assert "calls the effect statistically significant, but its 95% CI 0.6 to 1.2 includes no effect (1)" in f.message
    g = only(effect_findings(rr_effect([0.5, 0.9], significant=False)), "significance-claim")
    assert "not statistically significant" in g.message and "excludes" in g.message
    assert "significance-claim" not in codes(effect_findings(rr_effect([0.5, 0.9], significant=True)))


def test_significance_claim_against_p_without_interval():
    effect = {"measure": "risk ratio", "estimate": 0.8, "p": 0.3, "significant": True}
    f = only(effect_findings(effect), "significance-claim")
    assert "P = 0.3" in f.message




# --------------------------------------------------------------------------
# flow arithmetic


def test_flow_that_does_not_account_for_everyone():
    data = record()
    data["flow"]["arms"][0].update(completed=80, discontinued=10, lost=5)
    f = only(audit(data), "flow-balance")
    assert f.severity == "warning"
    assert "80 completed + 10 discontinued + 5 lost = 95, not the 100 allocated" in f.message
    assert "5 participants are not accounted for" in f.message
    assert f.fields == ("flow.arms[0].completed", "flow.arms[0].discontinued", "flow.arms[0].lost",
                        "flow.arms[0].allocated")
    data["flow"]["arms"][0]["lost"] = 10
    assert "flow-balance" not in codes(audit(data))


def test_flow_without_lost_count_is_info():
    data = record()
    data["flow"]["arms"][1].update(completed=80, discontinued=10)
    f = only(audit(data), "flow-balance")
    assert f.severity == "info" and "lost to follow-up is not given" in f.message


def test_flow_impossible_sums_are_errors():
    data = record()
    data["flow"]["arms"][0].update(completed=95, discontinued=10)
    assert only(audit(data), "flow-balance").severity == "error"
    data = record()
    data["flow"]["randomized"] = 210
    result = audit(data)
    sums = [f for f in result.findings if f.code == "flow-sum"]
    assert len(sums) == 2 and all(f.severity == "error" for f in sums)
    assert "100 + 100 = 200, not the 210 randomized" in sums[0].message
    data = record()
    data["flow"]["arms"][0]["analysed"] = 101
    assert only(audit(data), "flow-exceeds").fields == ("flow.arms[0].analysed", "flow.arms[0].allocated")


# --------------------------------------------------------------------------
# completeness and impossible numbers


def test_primary_outcome_without_effect_or_interval():
    result = audit(record(outcomes=[binary(counts(30, 100, 20, 100))]))
    f = only(result, "primary-no-effect")
    assert f.severity == "warning" and "recomputed crude effect is shown instead" in f.message
    effect = {"measure": "risk difference", "estimate": 10, "unit": "percentage points", "p": 0.1}
    g = only(audit(record(outcomes=[binary(counts(30, 100, 20, 100), effect)])), "primary-no-ci")
    assert g.severity == "info" and "no confidence interval for this primary outcome" in g.message
    secondary = binary(counts(30, 100, 20, 100), primary=False)
    assert not {"primary-no-effect", "primary-no-ci"} & set(codes(audit(record(outcomes=[secondary]))))


def test_more_events_than_allocated_is_an_error_that_does_not_raise():
    data = record(outcomes=[binary([{"arm": "drug", "events": 120}, {"arm": "placebo", "events": 20}])])
    result = audit(data)  # must not raise
    f = only(result, "events-exceed-arm")
    assert f.severity == "error"
    assert "120 with the outcome is more than the 100 allocated" in f.message
    assert f.fields == ("outcomes[0].results[0].events", "flow.arms[0].allocated")
    assert f.message not in result.notes
    error = errors_as_record_error(result, "synthetic.yaml")
    assert isinstance(error, RecordError)
    assert "outcomes[0].results[0].events" in str(error)
    with pytest.raises(RecordError):
        raise_for_errors(result, "synthetic.yaml")


def test_record_error_is_located_in_the_file(tmp_path):
    data = record(outcomes=[binary([], {"measure": "risk difference", "estimate": 150, "unit": "percentage points"})])
    path = tmp_path / "synthetic.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    # validate refuses this record before any audit; the audit's own errors are for a bare Study.
    with pytest.raises(RecordError):
        load_study(path)
    from pipeline.loader import load_file

    source = load_file(path)  # the loader's positions: the audit does not read the file again
    result = run_audit(Study.model_validate(source.data), source)
    error = errors_as_record_error(result, str(path))
    assert error is not None
    (problem,) = error.problems
    line = path.read_text().splitlines()[problem.line - 1]
    assert "150" in line and problem.field == "outcomes[0].effects[0].estimate"


def test_impossible_risk_difference():
    effect = {"measure": "risk difference", "estimate": 150, "unit": "percentage points"}
    f = only(audit(record(outcomes=[binary([], effect)])), "effect-impossible")
    assert f.severity == "error" and "+150 percentage points" in f.message


# --------------------------------------------------------------------------
# derived values


def words(x: float) -> str:
    """GRADE's words for a per-1,000 figure, written independently of the module."""
    n = f"{abs(x):.0f}"
    return n if n == "0" and x == 0 else f"{n} fewer" if x < 0 else f"{n} more"


def test_derived_binary_values_match_the_stats_module():
    result = audit(record(outcomes=[binary(counts(30, 100, 20, 100))]))
    rd = stats.risk_difference(30, 100, 20, 100)
    pk = stats.per_1000(rd)
    assert result.derived["death"] == (
        f"{words(pk.value)} per 1,000 (95% CI {words(pk.lower)} to {words(pk.upper)}) (recomputed from the counts)",
        f"{stats.nnt(rd, higher_is_better=False).format()} (recomputed from the counts)",
    )
    assert result.derived["death"][0].startswith("100 more per 1,000 (95% CI 20 fewer to 217 more)")
    # Death: more events on the drug is harm.
    assert result.derived["death"][1].startswith("NNTH 10 ")


def test_absolute_effect_from_a_reported_risk_difference_keeps_its_level_and_precision():
    effect = dict(RD_30_20, ci_level=90, ci=[0.15, 19.6])
    result = audit(record(outcomes=[binary(counts(30, 100, 20, 100), effect)]))
    # 10 points -> 100 per 1,000; 0.15 points -> 1.5 per 1,000 (printed to two decimals, so one here).
    assert result.derived["death"] == (
        "100 more per 1,000 (90% CI 1.5 more to 196 more) (from the reported risk difference)",)
    (a,) = result.absolute["death"]
    assert (a.value, a.lower, a.upper, a.places, a.level, a.effect, a.recomputed) == (100.0, 1.5, 196.0, 0, 90.0, 0, False)
    proportion = {"measure": "risk difference", "estimate": -0.048, "ci": [-0.06, -0.035]}
    assert audit(record(outcomes=[binary([], proportion)])).derived["death"] == (
        "48 fewer per 1,000 (95% CI 60 fewer to 35 fewer) (from the reported risk difference)",)


def test_no_nnt_without_a_direction_of_benefit():
    outcome = binary(counts(30, 100, 20, 100))
    del outcome["higher_is_better"]
    derived = audit(record(outcomes=[outcome])).derived["death"]
    assert not any("NNT" in d for d in derived) and derived[0].startswith("100 more per 1,000")


def test_derived_with_zero_events_in_both_arms():
    derived = audit(record(outcomes=[binary(counts(0, 50, 0, 60))])).derived["death"]
    rd = stats.risk_difference(0, 50, 0, 60)
    assert derived[0] == f"0 per 1,000 (95% CI {words(rd.lower * 1000)} to {words(rd.upper * 1000)}) (recomputed from the counts)"
    assert derived[1].startswith("NNT ∞")
    assert not any(d.startswith("RR") for d in derived)   # not estimable


def test_derived_with_all_events_and_zero_cell_correction():
    derived = audit(record(outcomes=[binary(counts(50, 50, 40, 50))])).derived["death"]
    pk = stats.per_1000(stats.risk_difference(50, 50, 40, 50))
    assert derived[0] == f"200 more per 1,000 (95% CI {words(pk.lower)} to {words(pk.upper)}) (recomputed from the counts)"
    assert derived[1].startswith("NNTH 5 (95% CI ")
    both = audit(record(outcomes=[binary(counts(50, 50, 60, 60))])).derived["death"]
    assert both[0].startswith("0 per 1,000") and both[1].startswith("NNT ∞")


def test_no_derived_value_from_printed_percentages_alone():
    # Issue 12: the crude difference of printed percentages belongs in the findings only.
    results = [{"arm": "drug", "percent": 84.2}, {"arm": "placebo", "percent": 87.4}]
    assert "death" not in audit(record(outcomes=[binary(results)])).derived


def test_harms_use_nnth():
    data = record(harms=[{"id": "sae", "label": "Serious adverse events", "serious": True,
                          "results": counts(17, 100, 6, 100)}])
    derived = audit(data).derived["sae"]
    rd = stats.risk_difference(17, 100, 6, 100)
    assert derived[1] == f"{stats.nnt(rd, higher_is_better=False).format()} (recomputed from the counts)"
    assert derived[1].startswith("NNTH")


# --------------------------------------------------------------------------
# API surface


def test_finding_str_and_format_findings():
    f = Finding("warning", "percent-mismatch", "64 of 76 is 84%, not the reported 85%.",
                ("outcomes[0].results[0].percent",))
    assert str(f) == "warning: outcomes[0].results[0].percent: 64 of 76 is 84%, not the reported 85%."
    assert str(Finding("info", "x", "No fields.")) == "info: No fields."
    assert format_findings("a.yaml", []) == "a.yaml: no findings"
    text = format_findings("a.yaml", [f, Finding("error", "e", "E."), Finding("info", "i", "I."),
                                      Finding("info", "i", "J.")])
    lines = text.splitlines()
    assert lines[0] == f"a.yaml: {f}"
    assert lines[-1] == "a.yaml: 1 error, 1 warning, 2 notes"


def test_run_audit_accepts_study_or_checked_and_orders_by_severity():
    checked = load_study(IMAGINE)
    assert run_audit(checked) == run_audit(checked.study)
    first = binary(counts(64, 76, 50, 80, p1=85, p2=62.5), {"measure": "risk ratio", "estimate": 1.2})
    second = dict(binary([{"arm": "drug", "events": 120}, {"arm": "placebo", "events": 20}]), id="second")
    findings = audit(record(outcomes=[first, second])).findings
    assert [(f.severity, f.code) for f in findings] == [
        ("error", "events-exceed-arm"), ("warning", "percent-mismatch"), ("warning", "effect-vs-crude"),
        ("warning", "primary-no-effect"), ("info", "primary-no-ci")]
    assert "(64/76) ÷ (50/80) = 1.35" in findings[2].message
    assert findings[2].comparison == "Drug A vs Placebo"
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert findings[0].code == "events-exceed-arm" and findings[0].fields[0].startswith("outcomes[1]")
    with pytest.raises(TypeError):
        run_audit({"id": "x"})


def test_single_group_study_is_not_asked_for_a_between_arm_effect():
    from pipeline.ctgov import import_ctgov_file
    from pipeline.loader import load_bytes
    from pipeline.validate import check_source

    result = import_ctgov_file(Path(__file__).parent / "fixtures" / "ctgov" / "NCT05594173.json")
    checked = check_source(load_bytes(result.yaml_text.encode("utf-8"), "nct05594173.yaml"))
    assert len(checked.study.arms) == 1 and any(o.primary for o in checked.study.outcomes)
    assert "primary-no-effect" not in {f.code for f in run_audit(checked).findings}


# --------------------------------------------------------------------------
# version 2: comparisons, thresholds, time-to-event, margins, subgroups, precision
# (every record below is a SYNTHETIC test fixture; its numbers describe no real trial)


def three_arms(**changes) -> dict:
    data = record(
        arms=[{"id": "drug-a", "label": "Drug A", "randomized": 100},
              {"id": "drug-b", "label": "Drug B", "randomized": 100},
              {"id": "placebo", "label": "Placebo", "role": "control", "randomized": 100}],
        flow={"randomized": 300, "arms": [{"arm": "drug-a", "allocated": 100}, {"arm": "drug-b", "allocated": 100},
                                          {"arm": "placebo", "allocated": 100}]})
    data.update(copy.deepcopy(changes))
    return data


def tte(results, effects=(), **extra) -> dict:
    outcome = {"id": "stroke", "label": "Stroke", "kind": "time-to-event", "primary": True,
               "higher_is_better": False, "results": results, "effects": list(effects)}
    outcome.update(extra)
    return outcome


def test_per_effect_threshold_decides_the_significance_claim():
    # P = 0.01 judged at 0.0025 is not significant: no contradiction, though the 95% CI excludes 1.
    effect = {"measure": "hazard ratio", "estimate": 0.8, "ci": [0.68, 0.95], "p": 0.01, "threshold": 0.0025,
              "significant": False}
    result = effect_findings(effect)
    assert not {"significance-claim", "ci-p-mismatch"} & set(codes(result))
    effect["significant"] = True
    f = only(effect_findings(effect), "significance-claim")
    assert f.severity == "warning" and "P = 0.01 at the threshold of 0.0025" in f.message
    assert "Drug A vs Placebo" in f.message
    # Without a threshold, 0.05 applies.
    del effect["threshold"]
    assert "significance-claim" not in codes(effect_findings(effect))
    # Without P, an interval that includes 1 settles a claim at a stricter threshold, one that excludes it does not.
    no_p = {"measure": "hazard ratio", "estimate": 0.8, "ci": [0.6, 1.1], "threshold": 0.01, "significant": True}
    assert "significance-claim" in codes(effect_findings(no_p))
    no_p.update(ci=[0.68, 0.95])
    assert "significance-claim" not in codes(effect_findings(no_p))


def test_kaplan_meier_percentages_and_rates_are_never_compared_with_counts():
    # 68/454 = 14.98%: a Kaplan–Meier 15.1% or a rate of 1.65 per year is not a proportion of 454.
    results = [{"arm": "drug", "events": 68, "total": 454, "kaplan_meier": {"percent": 15.1, "at": "3 years"},
                "rate": {"value": 1.65, "unit": "% per year"}},
               {"arm": "placebo", "events": 90, "total": 450, "kaplan_meier": {"percent": 20.9, "at": "3 years"},
                "rate": {"value": 2.31, "unit": "% per year"}}]
    result = audit(record(outcomes=[tte(results, [{"measure": "hazard ratio", "estimate": 0.74, "ci": [0.54, 1.01]}])]))
    assert not [c for c in codes(result) if c.startswith("percent") or c == "effect-vs-crude"]
    # The same count printed as a percentage of participants is checked.
    results[0]["percent"] = 15.1
    assert "68 of 454 is 15.0%, not the reported 15.1%" in only(audit(record(outcomes=[tte(results)])),
                                                                "percent-mismatch").message


def test_hazard_ratio_is_never_recomputed():
    effect = {"measure": "hazard ratio", "estimate": 0.5, "ci": [0.3, 0.8], "adjusted": False}
    result = audit(record(outcomes=[tte(counts(30, 100, 20, 100, p1=30, p2=20), [effect])]))
    assert "effect-vs-crude" not in codes(result)


def rate_results(a: float, b: float, unit: str = "% per year") -> list[dict]:
    return [{"arm": "drug", "rate": {"value": a, "unit": unit}}, {"arm": "placebo", "rate": {"value": b, "unit": unit}}]


def test_unadjusted_rate_ratio_is_the_crude_ratio_of_the_printed_rates():
    effect = {"measure": "rate ratio", "estimate": 0.81, "ci": [0.7, 0.94], "adjusted": False}
    # 1.37 / 1.69 = 0.8107: fits 0.81.
    assert "effect-vs-crude" not in codes(audit(record(outcomes=[tte(rate_results(1.37, 1.69), [effect])])))
    effect["estimate"] = 0.75
    f = only(audit(record(outcomes=[tte(rate_results(1.37, 1.69), [effect])])), "effect-vs-crude")
    assert f.severity == "warning"
    assert "the crude ratio of the printed rates, 1.37 ÷ 1.69 = 0.81" in f.message
    assert f.fields == ("outcomes[0].effects[0].estimate", "outcomes[0].results[0].rate", "outcomes[0].results[1].rate")
    # Rates in different units are not divided.
    assert "effect-vs-crude" not in codes(audit(record(outcomes=[tte(
        [{"arm": "drug", "rate": {"value": 1.37, "unit": "% per year"}},
         {"arm": "placebo", "rate": {"value": 16.9, "unit": "per 1000 person-years"}}], [effect])])))


def test_adjusted_rate_ratio_is_not_recomputed_and_cluster_trials_get_a_note():
    effect = {"measure": "rate ratio", "estimate": 0.75, "ci": [0.6, 0.94], "adjusted": True, "adjusted_for": "age"}
    assert "effect-vs-crude" not in codes(audit(record(outcomes=[tte(rate_results(1.37, 1.69), [effect])])))
    del effect["adjusted"]
    cluster = record(design={"type": "cluster", "cluster": {"unit": "village", "number": 20}},
                     outcomes=[tte(rate_results(1.37, 1.69), [effect])])
    f = only(audit(cluster), "effect-vs-crude")
    assert f.severity == "info" and "allows for clustering" in f.message


def test_rate_ratio_from_events_and_person_time():
    results = [{"arm": "drug", "events": 40, "person_time": {"value": 2000, "unit": "person-years"}},
               {"arm": "placebo", "events": 60, "person_time": {"value": 2100, "unit": "person-years"}}]
    crude = stats.rate_ratio(40, 2000, 60, 2100)
    effect = {"measure": "rate ratio", "estimate": round(crude.value, 2), "ci": [0.47, 1.05]}
    assert "effect-vs-crude" not in codes(audit(record(outcomes=[tte(results, [effect])])))
    effect["estimate"] = 0.9
    f = only(audit(record(outcomes=[tte(results, [effect])])), "effect-vs-crude")
    assert "(40/2000) ÷ (60/2100) = 0.70" in f.message
    assert f"{crude.lower:.2f} to {crude.upper:.2f}" in f.detail


def ni_record(ci, margin=1.38, **effect_extra) -> dict:
    effect = {"measure": "risk ratio", "estimate": 0.95, "ci": ci, "p": "<0.001", **effect_extra}
    return record(design={"type": "parallel", "hypothesis": "non-inferiority",
                          "margin": {"value": margin, "measure": "risk ratio"}},
                  outcomes=[binary([], effect)])


def test_non_inferiority_interval_against_the_margin():
    result = audit(ni_record([0.75, 1.21]))
    f = only(result, "margin")
    assert f.severity == "info"
    assert f.message == "Death, Drug A vs Placebo: upper 95% CI bound 1.21 < margin 1.38: non-inferiority shown."
    # The P for non-inferiority with an interval that includes 1 is no contradiction.
    assert not {"ci-p-mismatch", "significance-claim"} & set(codes(result))
    assert "non-inferiority not shown" in only(audit(ni_record([0.75, 1.52])), "margin").message
    # A margin below 1 (a good outcome) is met by the lower bound.
    low = only(audit(ni_record([0.85, 1.10], margin=0.8)), "margin")
    assert "lower 95% CI bound 0.85 > margin 0.8: non-inferiority shown" in low.message


def test_superiority_test_after_non_inferiority_is_judged_as_superiority():
    ni = {"measure": "risk ratio", "estimate": 0.66, "ci": [0.53, 0.82], "p": "<0.001"}
    sup = dict(ni, hypothesis="superiority", p=0.2, significant=True)
    data = record(design={"type": "parallel", "hypothesis": "non-inferiority", "margin": {"value": 1.38}},
                  outcomes=[dict(binary([]), effects=[ni, sup])])
    result = audit(data)
    assert "upper 95% CI bound 0.82 < margin 1.38" in only(result, "margin").message
    f = only(result, "ci-p-mismatch")
    assert f.fields == ("outcomes[0].effects[1].ci", "outcomes[0].effects[1].p")


def test_equivalence_margin_and_margin_on_another_scale():
    data = record(outcomes=[binary([], {"measure": "mean difference", "estimate": 0.4, "ci": [-1.2, 2.0],
                                        "hypothesis": "equivalence", "margin": {"value": 3}})])
    assert only(audit(data), "margin").message == (
        f"Death, Drug A vs Placebo: the 95% CI {M}1.2 to 2 lies within the equivalence margins {M}3 to 3: "
        f"equivalence shown.")
    ratio = record(outcomes=[binary([], {"measure": "risk ratio", "estimate": 1.1, "ci": [0.85, 1.3],
                                         "hypothesis": "equivalence", "margin": {"value": 1.25}})])
    assert ("the 95% CI 0.85 to 1.3 does not lie within the equivalence margins 0.80 to 1.25: equivalence not shown"
            in only(audit(ratio), "margin").message)
    other = record(outcomes=[binary([], {"measure": "risk ratio", "estimate": 0.9, "ci": [0.7, 1.1],
                                         "hypothesis": "non-inferiority",
                                         "margin": {"value": 5, "measure": "risk difference"}})])
    assert only(audit(other), "margin-not-checked").severity == "info"


def test_three_arms_each_comparison_against_its_own_reference():
    results = [{"arm": "drug-a", "events": 30, "total": 100}, {"arm": "drug-b", "events": 15, "total": 100},
               {"arm": "placebo", "events": 20, "total": 100}]
    effects = [{"compares": ["drug-a", "placebo"], "measure": "risk ratio", "estimate": 1.5, "ci": [0.92, 2.45]},
               {"compares": ["drug-b", "placebo"], "measure": "risk ratio", "estimate": 0.5, "ci": [0.4, 0.95]}]
    data = three_arms(outcomes=[binary(results, effects[0])],
                      harms=[{"id": "rash", "label": "Rash", "results": results}])
    data["outcomes"][0]["effects"] = effects
    result = audit(data)
    # Drug B: 15/100 ÷ 20/100 = 0.75, not 0.5 (the reported value is a fixture chosen to disagree).
    f = only(result, "effect-vs-crude")
    assert f.comparison == "Drug B vs Placebo" and "(15/100) ÷ (20/100) = 0.75" in f.message
    assert f.fields[0] == "outcomes[0].effects[1].estimate"
    # GRADE: RR × the Placebo arm's risk (20 of 100): 1.5 -> +100, 0.5 -> −100 per 1,000.
    derived = result.derived["death"]
    assert derived[0].startswith("Drug A vs Placebo: 100 more per 1,000 (95% CI 16 fewer to 290 more) (GRADE's method: "
                                 "reported RR 1.5 applied to the Placebo arm's risk, 20 of 100)")
    assert derived[1].startswith("Drug B vs Placebo: 100 fewer per 1,000 (95% CI 120 fewer to 10 fewer)")
    # The harm has no reported effect: each arm against the control arm, from the counts.
    harm = result.absolute["rash"]
    assert [a.label for a in harm] == ["Drug A vs Placebo", "Drug B vs Placebo"]
    assert all(a.recomputed for a in harm)
    # Row-level values (no reported effect) are kept apart from the per-effect ones.
    assert "death" not in result.recomputed and result.recomputed["rash"] == result.derived["rash"]
    assert round(harm[1].value) == -50 and result.derived["rash"][0].startswith("Drug A vs Placebo: 100 more per 1,000")


def test_same_observation_through_two_entries_of_one_comparison_appears_once():
    # A non-inferiority entry and a superiority entry of one comparison, both mistyped the same way.
    entry = {"measure": "risk ratio", "estimate": 1.9, "ci": [2.5, 3.0]}
    effects = [dict(entry, hypothesis="non-inferiority", margin={"value": 4}), dict(entry, p=0.004)]
    result = audit(record(outcomes=[dict(binary(counts(30, 100, 20, 100)), effects=effects)]))
    assert codes(result).count("ci-excludes-estimate") == 1
    assert len(result.derived["death"]) == 1   # one absolute effect, not two identical ones
    assert len({f.message for f in result.findings}) == len(result.findings)


def test_a_second_analysis_of_one_comparison_is_not_checked_against_the_per_arm_numbers():
    outcome = {"id": "weight", "label": "Weight change", "kind": "continuous", "primary": True,
               "results": [{"arm": "drug", "mean": -10.0, "change": True}, {"arm": "placebo", "mean": -2.0, "change": True}],
               "effects": [{"measure": "mean difference", "estimate": -8.0, "ci": [-9.0, -7.0]},
                           {"measure": "mean difference", "label": "Per-protocol estimand", "estimate": -9.5,
                            "ci": [-10.5, -8.5]}]}
    assert "effect-vs-crude" not in codes(audit(record(outcomes=[outcome])))
    outcome["effects"].reverse()
    assert only(audit(record(outcomes=[outcome])), "effect-vs-crude").fields[0] == "outcomes[0].effects[0].estimate"


def test_absolute_effect_from_a_ratio_and_the_reference_rate():
    effect = {"measure": "rate ratio", "estimate": 0.8, "ci": [0.6, 1.05], "adjusted": True}
    result = audit(record(outcomes=[tte(rate_results(2.0, 2.5), [effect])]))
    # 2.5% per year is 25 per 1,000 per year; (0.8 − 1) × 25 = −5; limits −10 and +1.25.
    assert result.derived["stroke"] == (
        "5 fewer per 1,000 per year (95% CI 10 fewer to 1 more) (GRADE's method: reported rate ratio 0.8 applied "
        "to the Placebo arm's rate, 2.5% per year)",)
    per_1000 = audit(record(outcomes=[tte(rate_results(30.0, 40.0, "per 1000 person-years"), [effect])]))
    assert per_1000.derived["stroke"][0].startswith("8 fewer per 1,000 person-years (95% CI 16 fewer to 2 more)")
    odd = audit(record(outcomes=[tte(rate_results(3.0, 4.0, "events per month"), [effect])]))
    assert "stroke" not in odd.derived


def test_absolute_effect_from_a_ratio_and_the_control_risk():
    # RR 0.8 at a control risk of 20/100: 0.16 − 0.20 = 40 fewer per 1,000.
    rr = audit(record(outcomes=[binary(counts(16, 100, 20, 100), {"measure": "risk ratio", "estimate": 0.8})]))
    assert rr.derived["death"] == ("40 fewer per 1,000 (GRADE's method: reported RR 0.8 applied to the Placebo "
                                   "arm's risk, 20 of 100)",)
    # HR 0.5 at a Kaplan–Meier 36% at 2 years: 1 − 0.64^0.5 = 0.2, so 160 fewer per 1,000.
    results = [{"arm": "drug", "kaplan_meier": {"percent": 20, "at": "2 years"}},
               {"arm": "placebo", "kaplan_meier": {"percent": 36, "at": "2 years"}}]
    hr = audit(record(outcomes=[tte(results, [{"measure": "hazard ratio", "estimate": 0.5, "ci": [0.25, 1.0]}])]))
    (a,) = hr.absolute["stroke"]
    # The limits: 1 − 0.64^0.25 − 0.36 = −0.254; HR 1 means no difference.
    assert a.text == "160 fewer per 1,000 (95% CI 254 fewer to 0)"
    assert "36% at 2 years, Kaplan–Meier" in a.method and a.method.startswith("GRADE's method")
    # OR 2 at a printed 50%: 2·0.5 / (0.5 + 2·0.5) = 2/3, so 167 more per 1,000.
    odds = audit(record(outcomes=[binary([{"arm": "drug", "percent": 66}, {"arm": "placebo", "percent": 50}],
                                         {"measure": "odds ratio", "estimate": 2})]))
    assert odds.derived["death"][0].startswith("167 more per 1,000 (GRADE's method: reported OR 2 applied to the "
                                               "Placebo arm's risk, 50%)")
    # A ratio with no reference risk gives no absolute effect.
    assert "death" not in audit(record(outcomes=[binary([], {"measure": "risk ratio", "estimate": 0.8})])).derived


def test_percentage_judged_at_its_printed_precision():
    from pipeline.numbers import Printed

    # 141/1000 = 14.1%: "14" fits (to the whole percent), "14.0" does not (to one decimal).
    assert percent_fits(141, 1000, Printed(14.0, "14"))
    assert not percent_fits(141, 1000, Printed(14.0, "14.0"))
    whole = audit(record(outcomes=[binary(counts(141, 1000, 20, 100, p1=Printed(14.0, "14"), p2=20))]))
    assert "percent-mismatch" not in codes(whole)
    one = audit(record(outcomes=[binary(counts(141, 1000, 20, 100, p1=Printed(14.0, "14.0"), p2=20))]))
    assert "141 of 1,000 is 14.1%, not the reported 14.0%" in only(one, "percent-mismatch").message


def test_printed_precision_from_a_yaml_file(tmp_path):
    text = yaml.safe_dump(record(outcomes=[binary(counts(141, 1000, 20, 100, p1=14, p2=20))]), sort_keys=False)
    path = tmp_path / "synthetic.yaml"
    path.write_text(text.replace("percent: 14\n", "percent: 14.0\n"), encoding="utf-8")
    from pipeline.loader import load_file

    study = Study.model_validate(load_file(path).data)
    assert study.outcomes[0].results[0].percent.text == "14.0"
    assert "not the reported 14.0%" in only(run_audit(study), "percent-mismatch").message


def test_subgroups_are_checked_lightly():
    subgroups = [{"variable": "Age", "interaction_p": 0.4, "levels": [
        {"level": "<65 years", "results": counts(10, 50, 12, 50, p1=25, p2=24),
         "effects": [{"measure": "hazard ratio", "estimate": 0.7, "ci": [0.85, 1.3]}]},
        {"level": "≥65 years", "effects": [{"measure": "hazard ratio", "estimate": 0, "ci": [0.5, 1.2]}]}]}]
    result = audit(record(outcomes=[tte([], [], subgroups=subgroups)]))
    outside = only(result, "ci-excludes-estimate")
    assert outside.fields[0] == "outcomes[0].subgroups[0].levels[0].effects[0].estimate"
    assert "Stroke (Age <65 years), Drug A vs Placebo: the estimate 0.7 lies outside" in outside.message
    assert only(result, "effect-impossible").severity == "error"
    assert "10 of 50 is 20%, not the reported 25%" in only(result, "percent-mismatch").message


def test_factorial_groups_stand_in_for_arms():
    factorial = {"factors": [
        {"id": "d", "label": "Vitamin X vs placebo", "groups": [
            {"id": "vit-x", "label": "Vitamin X", "arms": []}, {"id": "no-x", "label": "Placebo X", "arms": []}]},
        {"id": "o", "label": "Oil Y vs placebo", "groups": [
            {"id": "oil-y", "label": "Oil Y", "arms": []}, {"id": "no-y", "label": "Placebo Y", "arms": []}]}]}
    arms = [{"id": f"arm-{k}", "label": f"Group {k}"} for k in range(1, 5)]
    results = [{"arm": "vit-x", "events": 80, "total": 1000}, {"arm": "no-x", "events": 100, "total": 1000},
               {"arm": "oil-y", "events": 90, "total": 1000}, {"arm": "no-y", "events": 90, "total": 1000}]
    effect = {"compares": ["vit-x", "no-x"], "measure": "hazard ratio", "estimate": 0.8, "ci": [0.6, 1.07]}
    data = record(design={"type": "factorial", "factorial": factorial}, arms=arms, flow=None,
                  outcomes=[tte(results, [effect])])
    result = audit(data)
    assert not result.errors and not result.warnings
    derived = result.derived["stroke"]
    # 1 − 0.9^0.8 = 0.081: 19 fewer per 1,000; the limits 1 − 0.9^0.6 and 1 − 0.9^1.07.
    assert derived == ("19 fewer per 1,000 (95% CI 39 fewer to 7 more) (GRADE's method: reported HR 0.8 applied to "
                       "the Placebo X arm's risk, 100 of 1,000)",)
    # A time-to-event comparison with no reported effect gets no crude figure.
    assert [a.label for a in result.absolute["stroke"]] == ["Vitamin X vs Placebo X"]


def test_adjusted_estimate_raises_at_most_a_note():
    effect = {"measure": "risk ratio", "estimate": 1.1, "ci": [0.8, 1.5], "adjusted": True, "adjusted_for": "site"}
    result = audit(record(outcomes=[binary(counts(30, 100, 20, 100), effect)]))
    assert [f.severity for f in result.findings if f.code == "effect-vs-crude"] == ["info"]
    assert not result.warnings


# --------------------------------------------------------------------------
# the shipped records


# Trial records; a review's audit (re-pooling, PRISMA) has its own tests in test_review*.py.
SOURCES = sorted(p for p in (ROOT / "sources").glob("*.yaml") if load_file(p).data.get("kind") != "review")


# The warnings each shipped record keeps, each one checked against the paper's own numbers (issue 11):
# IMAGINE-RA's percentages do not fit the numbers who completed (64 of 76 is 84%, printed 85%; the facts
# sheet says the same), and its risk differences (−4.8, +4.7 points) are not the differences of the
# printed percentages on any denominator that fits them. Every other record: none.
KEPT_WARNINGS = {"imagine-ra": ["percent-denominator"] * 2 + ["effect-vs-crude"] + ["percent-denominator"] * 2
                 + ["effect-vs-crude"]}


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_shipped_records_keep_only_the_warnings_their_numbers_justify(path):
    result = run_audit(load_study(path))
    assert [f.code for f in result.warnings] == KEPT_WARNINGS.get(path.stem, []), [str(f) for f in result.warnings]


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_shipped_records_have_no_errors_and_each_finding_once(path):
    result = run_audit(load_study(path))
    assert not result.errors
    assert len({(f.code, f.message) for f in result.findings}) == len(result.findings)
    for key, absolutes in result.absolute.items():
        for a in absolutes:
            assert a.method and "per 1,000" in a.text


# --------------------------------------------------------------------------
# absolute.py helpers


@pytest.mark.parametrize("unit,expected", [
    ("% per year", ("10", "per 1,000 per year")),
    ("per 100 patient-years", ("10", "per 1,000 patient-years")),
    ("per 1,000 person-years", ("1", "per 1,000 person-years")),
    ("per 1000  person-years", ("1", "per 1,000 person-years")),
    ("events per month", None),
])
def test_rate_units_read_per_1000(unit, expected):
    from pipeline.absolute import rate_scale

    found = rate_scale(unit)
    assert (None if found is None else (str(found[0]), found[1])) == expected


def test_per_1000_words():
    from decimal import Decimal

    from pipeline.absolute import per_1000_words

    assert per_1000_words(-48.0) == "48 fewer"
    assert per_1000_words(Decimal("47.0"), 0) == "47 more"
    assert per_1000_words(Decimal("1.5"), 1) == "1.5 more"
    assert per_1000_words(-0.2) == "0 fewer"   # a value that rounds to 0 keeps its direction
    assert per_1000_words(0) == "0"


def test_findings_stand_where_the_loader_saw_their_first_field(imagine):
    finding = next(f for f in imagine.findings if "64 of 76" in f.message)
    assert finding.fields[0] == "outcomes[0].results[0].percent"
    line = IMAGINE.read_text(encoding="utf-8").splitlines()[finding.line - 1]
    assert "percent:" in line and finding.column > 1
    assert run_audit(load_study(IMAGINE).study).findings[0].line == 0  # a bare Study has no positions
