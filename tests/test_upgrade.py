"""Version-1 records: upgraded in memory when read, and rewritten in place by `evidence-brief upgrade`.

The old IMAGINE-RA record (``fixtures/v1/imagine-ra.yaml``, as shipped before
version 2) and generated SYNTHETIC version-1 records are upgraded; every value
of the version-1 file must be found, unchanged, where the mapping in
``pipeline/upgrade.py`` puts it (checked here against an independent
statement of that mapping), the result must validate, comments must survive,
and a second upgrade must change nothing.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
import yaml

from pipeline.cli import main
from pipeline.errors import RecordError
from pipeline.loader import load_bytes
from pipeline.slugs import unique_slug
from pipeline.upgrade import upgrade_file
from pipeline.validate import check_source, load_study

OLD_IMAGINE = Path(__file__).parent / "fixtures" / "v1" / "imagine-ra.yaml"
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/study-record.schema.json"


# --- the mapping, stated independently of the code ---------------------------------

def expected_v2_path(v1: dict, path: tuple) -> tuple | None:
    """Where a version-1 value lives in version 2 (None: it is not carried as a value)."""
    head = path[0]
    if head == "registration":
        return ("registrations", 0) + path[1:]
    if head == "outcomes" and len(path) > 2 and path[2] == "effect":
        return path[:2] + ("effects", 0) + path[3:]
    if path[:2] == ("design", "type") and v1["design"]["type"] == "non-inferiority":
        return None
    if path[:2] == ("appraisal", "grade"):
        return None   # checked separately: it moves to one outcome
    return path


def leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, path + (key,))
    elif isinstance(data, list) and data:
        for i, value in enumerate(data):
            yield from leaves(value, path + (i,))
    else:
        yield path, data


def at(data, path):
    for part in path:
        data = data[part]
    return data


def assert_same_values(v1: dict, v2: dict) -> None:
    for path, value in leaves(v1):
        target = expected_v2_path(v1, path)
        if target is None:
            continue
        assert at(v2, target) == value, (path, target)
    assert v2["record"] == 2 and v2.get("kind", "trial") == "trial"
    if v1["design"]["type"] == "non-inferiority":
        assert (v2["design"]["type"], v2["design"]["hypothesis"]) == ("parallel", "non-inferiority")
    harm_ids = [h["id"] for h in v2.get("harms", [])]
    outcome_ids = [o["id"] for o in v2.get("outcomes", [])]
    assert len(set(harm_ids + outcome_ids)) == len(harm_ids + outcome_ids)
    for harm_id in harm_ids:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", harm_id) and yaml.safe_load(harm_id) == harm_id
    grade = v1.get("appraisal", {}).get("grade")
    if grade:
        assert "grade" not in v2["appraisal"]
        carriers = [o for o in v2["outcomes"] if "certainty" in o]
        assert len(carriers) == 1
        certainty = carriers[0]["certainty"]
        assert certainty["level"] == grade["certainty"]
        assert certainty.get("note") == grade.get("reasons")
        labels = [o["label"] for o in v1["outcomes"]]
        if grade.get("outcome") in labels:
            assert carriers[0]["label"] == grade["outcome"]
        else:
            first_primary = next((o for o in v1["outcomes"] if o.get("primary")), v1["outcomes"][0])
            assert carriers[0]["label"] == first_primary["label"]
    arms = v1["arms"]
    for o1, o2 in zip(v1.get("outcomes", []), v2.get("outcomes", []), strict=True):
        effect = o1.get("effect")
        if effect and "compares" not in effect and len(arms) > 2:
            assert o2["effects"][0]["compares"] == [arms[0]["id"], arms[1]["id"]]


def comments(text: str) -> list[str]:
    return sorted(m.group(0).strip() for m in re.finditer(r"#[^\n]*", text) if not m.group(0).startswith("#!"))


def upgrade_and_check(path: Path) -> str:
    """Upgrade ``path``; check values, validation, comments and a second upgrade. Returns the new text."""
    before = path.read_text(encoding="utf-8")
    v1 = yaml.safe_load(before)
    in_memory = load_study(path)
    assert any("version-1 record; run `evidence-brief upgrade" in str(w) for w in in_memory.warnings)

    assert upgrade_file(path) == f"{path}: upgraded to version 2"
    after = path.read_text(encoding="utf-8")
    assert_same_values(v1, yaml.safe_load(after))
    checked = load_study(path)
    assert checked.study == in_memory.study
    assert not any("version-1" in str(w) for w in checked.warnings)
    assert comments(after) == comments(before)
    assert upgrade_file(path) == f"{path}: already version 2; left as it is"
    assert path.read_text(encoding="utf-8") == after
    return after


# --- the old IMAGINE-RA record ------------------------------------------------------

def test_old_imagine_ra_upgrades_to_an_equal_version_2_record(tmp_path):
    path = tmp_path / "imagine-ra.yaml"
    path.write_bytes(OLD_IMAGINE.read_bytes())
    before = path.read_text(encoding="utf-8")
    after = upgrade_and_check(path)
    assert after.splitlines()[0] == SCHEMA_LINE
    study = load_study(path).study
    assert [r.identifier for r in study.registrations] == ["NCT01656278"]
    assert [h.id for h in study.harms] == ["serious-adverse-events"]
    assert [e.estimate.text for o in study.outcomes for e in o.effects] == ["-4.8", "4.7"]
    assert [e.compares for o in study.outcomes for e in o.effects] == [("mri", "conventional")] * 2
    # Only what the mapping changes differs: every other line is the user's, as written (indented
    # further where a mapping moved into a list).
    def words(text):
        return [line.strip().removeprefix("- ") for line in text.splitlines()]
    assert [line for line in words(before) if line not in words(after)] == ["registration:", "effect:", "effect:"]
    assert [line for line in words(after) if line not in words(before)] == [
        "record: 2", "kind: trial", "registrations:", "effects:", "effects:", "id: serious-adverse-events"]


def test_old_imagine_ra_reads_as_version_1_with_one_warning():
    checked = load_study(OLD_IMAGINE)
    assert [str(w) for w in checked.warnings] == [
        f"{OLD_IMAGINE}:8:1: version-1 record; run `evidence-brief upgrade {OLD_IMAGINE}` to rewrite it as version 2"]
    assert checked.study.record == 2 and checked.study.registration.identifier == "NCT01656278"


# --- generated version-1 records ----------------------------------------------------

def synthetic_v1(seed: int) -> dict:
    """A SYNTHETIC version-1 record; its numbers are made up and labelled so."""
    rng = random.Random(seed)
    n_arms = rng.choice([1, 2, 2, 3, 4])
    arm_ids = ["drug-a", "drug-b", "drug-c", "placebo"][:n_arms - 1] + ["placebo"] if n_arms > 1 else ["drug-a"]
    sizes = [rng.randint(20, 300) for _ in arm_ids]
    design_type = "single-group" if n_arms == 1 else rng.choice(["parallel", "non-inferiority", "crossover"])
    record: dict = {
        "id": f"synthetic-{seed}",
        "title": f"SYNTHETIC test record {seed}",
        "question": {"population": "Adults (SYNTHETIC)", "intervention": "Drug A", "comparator": "Placebo"},
        "design": {"type": design_type, "randomized": n_arms > 1, "allocation_ratio": ":".join(["1"] * n_arms)}
        if n_arms > 1 else {"type": design_type, "randomized": False},
        "arms": [{"id": a, "label": a.replace("-", " ").title(), "randomized": s}
                 for a, s in zip(arm_ids, sizes, strict=True)],
        "conclusions": {"bottom_line": "SYNTHETIC.", "key_messages": ["One", "Two", "Three"]},
    }
    if rng.random() < 0.7:
        record["registration"] = {"registry": "ClinicalTrials.gov", "identifier": f"NCT{seed:08d}"}
    outcomes = []
    for k in range(rng.randint(1, 3)):
        results = []
        for arm_id, size in zip(arm_ids, sizes, strict=True):
            events = rng.randint(0, size)
            results.append({"arm": arm_id, "events": events, "total": size,
                            "percent": round(100 * events / size, 1)})
        outcome = {"id": f"outcome-{k}", "label": f"SYNTHETIC outcome {k}", "primary": k == 0,
                   "kind": "binary", "results": results}
        if n_arms > 1 and rng.random() < 0.8:
            estimate = round(rng.uniform(0.5, 2.0), 2)
            effect = {"measure": "risk ratio", "estimate": estimate,
                      "ci": [round(estimate * 0.8, 2), round(estimate * 1.25, 2)], "p": round(rng.random(), 3)}
            if rng.random() < 0.5 or n_arms == 2:
                effect["compares"] = [arm_ids[0], arm_ids[-1]]
            outcome["effect"] = effect
        outcomes.append(outcome)
    record["outcomes"] = outcomes
    harm_labels = rng.choice([["Serious adverse events"], ["Nausea", "nausea"], ["No", "2019", "Yes"], []])
    if harm_labels:
        record["harms"] = [{"label": label, "serious": False,
                            "results": [{"arm": a, "events": min(3, s), "total": s}
                                        for a, s in zip(arm_ids, sizes, strict=True)]}
                           for label in harm_labels]
    if rng.random() < 0.5:
        grade = {"certainty": rng.choice(["high", "moderate", "low", "very low"]), "reasons": "SYNTHETIC reasons"}
        grade["outcome"] = rng.choice([outcomes[-1]["label"], "an outcome no record has", None])
        record["appraisal"] = {"strengths": ["SYNTHETIC"], "grade": {k: v for k, v in grade.items() if v}}
    return record


def write_with_comments(path: Path, record: dict) -> None:
    text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    lines = ["# SYNTHETIC version-1 record, generated by tests/test_upgrade.py"]
    for line in text.splitlines():
        if line.startswith(("registration:", "outcomes:", "harms:")):
            lines.append(f"# before {line.rstrip(':')}")
        if re.match(r"^\s+(estimate|events|certainty):", line):
            line += "  # as printed"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("seed", range(40))
def test_generated_version_1_records_upgrade_to_equal_version_2_records(seed, tmp_path):
    record = synthetic_v1(seed)
    path = tmp_path / f"{record['id']}.yaml"
    write_with_comments(path, record)
    upgrade_and_check(path)


def test_the_generator_covers_every_part_of_the_mapping():
    records = [synthetic_v1(seed) for seed in range(40)]
    assert any("registration" in r for r in records) and any("registration" not in r for r in records)
    assert any(r["design"]["type"] == "non-inferiority" for r in records)
    assert any(len(r["arms"]) > 2 and any("effect" in o and "compares" not in o["effect"] for o in r["outcomes"])
               for r in records)
    grades = [r["appraisal"]["grade"] for r in records if "appraisal" in r]
    assert any("outcome" not in g for g in grades) and any(g.get("outcome") == "an outcome no record has"
                                                            for g in grades)
    assert any(g.get("outcome", "").startswith("SYNTHETIC outcome") for g in grades)
    assert any([h["label"] for h in r.get("harms", [])] == ["No", "2019", "Yes"] for r in records)
    assert any([h["label"] for h in r.get("harms", [])] == ["Nausea", "nausea"] for r in records)


def test_harm_ids_are_unique_slugs_that_read_back_as_text(tmp_path):
    record = synthetic_v1(0)
    record["outcomes"][0]["id"] = "nausea"
    record["harms"] = [{"label": label, "results": []} for label in ("Nausea", "nausea", "No", "2019", "Ωμέγα")]
    path = tmp_path / "synthetic-0.yaml"
    write_with_comments(path, record)
    upgrade_file(path)
    assert [h.id for h in load_study(path).study.harms] == ["nausea-2", "nausea-3", "harm-no", "harm-2019", "x"]
    assert unique_slug(" ", {"harm"}, prefix="harm") == "harm-2"


def test_grade_goes_to_the_named_outcome_or_the_first_primary_with_a_warning(tmp_path):
    record = synthetic_v1(3)
    record["outcomes"] = [dict(record["outcomes"][0], id=f"o{k}", label=f"SYNTHETIC outcome {k}", primary=k == 1)
                          for k in range(3)]
    for o in record["outcomes"]:
        o.pop("effect", None)
    record["appraisal"] = {"grade": {"certainty": "low", "outcome": "synthetic  OUTCOME 2", "reasons": "Imprecise"}}
    path = tmp_path / "synthetic-3.yaml"
    path.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    study = load_study(path).study
    assert [o.certainty.level if o.certainty else None for o in study.outcomes] == [None, None, "low"]
    assert study.outcomes[2].certainty.note == "Imprecise"

    record["appraisal"]["grade"]["outcome"] = "Quality of life"
    path.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    checked = load_study(path)
    assert [o.certainty.level if o.certainty else None for o in checked.study.outcomes] == [None, "low", None]
    warning = next(str(w) for w in checked.warnings if "GRADE" in str(w))
    line = path.read_text().splitlines().index("    outcome: Quality of life") + 1
    assert warning.startswith(f"{path}:{line}:") and "appraisal.grade.outcome: no outcome is labelled" in warning


# --- comments, layout and the file itself ---------------------------------------------

V1_WITH_COMMENTS = """\
# Header comment: SYNTHETIC record.
#
# Second paragraph of the header.
id: commented   # the id
title: SYNTHETIC commented record
registration:  # one registry
  registry: ClinicalTrials.gov
  identifier: NCT00000001
question:
  population: Adults
  intervention: Drug A
design:
  type: non-inferiority  # NI, per the protocol
  randomized: true
arms:
- id: drug
  label: Drug A
  randomized: 50
- id: placebo
  label: Placebo
  randomized: 50
outcomes:
- id: response
  label: Response
  primary: true
  kind: binary
  results:
  - {arm: drug, events: 30, total: 50, percent: 60.0}   # flow style kept
  - {arm: placebo, events: 20, total: 50, percent: 40.0}
  effect:   # the paper's own
    # the measure, as printed
    measure: risk ratio
    estimate: 1.50  # two decimals, as printed
    ci: [1.01, 2.23]
harms:
# harms follow
- label: Serious adverse events
  results: []
appraisal:
  grade:
    certainty: low   # GRADE
    reasons: Small
  # strengths follow
  strengths: [Randomized]
conclusions:
  bottom_line: SYNTHETIC.
  key_messages: [One, Two, Three]
"""


def test_comments_layout_and_printed_numbers_survive(tmp_path):
    path = tmp_path / "commented.yaml"
    path.write_text(V1_WITH_COMMENTS, encoding="utf-8")
    after = upgrade_and_check(path)
    assert after.startswith("# Header comment: SYNTHETIC record.\n#\n# Second paragraph of the header.\n"
                            "record: 2\nkind: trial\nid: commented   # the id\n")
    assert "  - {arm: drug, events: 30, total: 50, percent: 60.0}   # flow style kept\n" in after
    assert "registrations: # one registry\n- registry: ClinicalTrials.gov\n  identifier: NCT00000001\n" in after
    assert "  type: parallel         # NI, per the protocol\n  hypothesis: non-inferiority\n" in after
    assert "  effects:  # the paper's own\n    # the measure, as printed\n  - measure: risk ratio\n" \
           "    estimate: 1.50  # two decimals, as printed\n" in after
    study = load_study(path).study
    assert study.outcomes[0].effects[0].estimate.text == "1.50"
    assert study.outcomes[0].certainty.level == "low"
    lines = after.splitlines()
    assert lines.index("  # strengths follow") + 1 == lines.index("  strengths: [Randomized]")


def test_crlf_and_byte_order_mark_are_kept(tmp_path):
    path = tmp_path / "commented.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + V1_WITH_COMMENTS.replace("\n", "\r\n").encode("utf-8"))
    assert upgrade_file(path).endswith("upgraded to version 2")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# Header comment") and raw.count(b"\r\n") == raw.count(b"\n")
    assert load_study(path).study.outcomes[0].effects[0].estimate == 1.5


def test_the_file_keeps_its_permissions_and_no_temporary_is_left(tmp_path):
    path = tmp_path / "commented.yaml"
    path.write_text(V1_WITH_COMMENTS, encoding="utf-8")
    os.chmod(path, 0o600)
    upgrade_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["commented.yaml"]


# --- refusals, located in the user's lines --------------------------------------------

def test_an_invalid_version_1_file_is_refused_where_the_user_wrote_it(tmp_path, capsys):
    path = tmp_path / "commented.yaml"
    text = V1_WITH_COMMENTS.replace("ci: [1.01, 2.23]", "ci: [1.6, 2.23]").replace("  randomized: 50\n- id: placebo",
                                                                                   "  randomized: 5\n- id: placebo")
    path.write_text(text, encoding="utf-8")
    assert main(["upgrade", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    ci_line = text.splitlines().index("    ci: [1.6, 2.23]") + 1
    total_line = text.splitlines().index(
        "  - {arm: drug, events: 30, total: 50, percent: 60.0}   # flow style kept") + 1
    assert f"{path}:{ci_line}:9: outcomes[0].effect.ci: the interval [1.6, 2.23] does not contain the estimate 1.50" \
        in err
    assert any(line.startswith(f"{path}:{total_line}:") and "outcomes[0].results[0].total" in line for line in err)
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("value, shown", [("3", "3"), ("true", "true"), ('"2"', '2'), ("2.0", "2.0")])
def test_an_unknown_record_version_is_a_located_error(value, shown, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(f"# r\nrecord: {value}\nid: r\n", encoding="utf-8")
    for action in (load_study, upgrade_file):
        with pytest.raises(RecordError) as caught:
            action(path)
        assert [str(p) for p in caught.value.problems] == [
            f"{path}:2:9: record: version {shown} is not one evidence-brief reads; write record: 2 "
            f"(a version-1 record has no record key, or record: 1)"]


def test_record_1_is_version_1(tmp_path):
    path = tmp_path / "commented.yaml"
    path.write_text(V1_WITH_COMMENTS.replace("id: commented", "record: 1\nid: commented"), encoding="utf-8")
    warning = str(load_study(path).warnings[0])
    assert warning.startswith(f"{path}:4:9: record: version-1 record")
    upgrade_file(path)
    assert "record: 2\nkind: trial\nid: commented" in path.read_text(encoding="utf-8")


def test_cli_upgrades_many_files_and_reports_each(tmp_path, capsys):
    good, done, bad = tmp_path / "good.yaml", tmp_path / "done.yaml", tmp_path / "bad.yaml"
    good.write_text(V1_WITH_COMMENTS.replace("id: commented", "id: good"), encoding="utf-8")
    done.write_text(V1_WITH_COMMENTS.replace("id: commented", "id: done"), encoding="utf-8")
    upgrade_file(done)
    bad.write_text("id: bad\ntitle: [unclosed\n", encoding="utf-8")
    assert main(["upgrade", str(good), str(done), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"{good}: upgraded to version 2", f"{done}: already version 2; left as it is"]
    assert captured.err.startswith(f"{bad}:3:1: title[0]: YAML syntax") and "Traceback" not in captured.err
    assert check_source(load_bytes(good.read_bytes(), "good.yaml")).study.id == "good"


@pytest.mark.parametrize("old, new, field", [
    ("registration:  # one registry\n", "registration: [a, b]\nx_registration:\n", "registration"),
    ("  effect:   # the paper's own\n", "  effect: a text\n  x_effect:   # the paper's own\n", "outcomes[0].effect"),
    ("- label: Serious adverse events\n", "- Serious adverse events\n- label: Serious adverse events\n", "harms[0]"),
    ("  grade:\n", "  grade: low\n  x_grade:\n", "appraisal.grade"),
    ("outcomes:\n", "outcomes: none\nx_outcomes:\n", "outcomes"),
    ("  type: non-inferiority  # NI, per the protocol\n", "  type: [non-inferiority]\n", "design.type"),
])
def test_odd_version_1_shapes_are_refused_where_written(old, new, field, tmp_path):
    path = tmp_path / "commented.yaml"
    assert old in V1_WITH_COMMENTS
    text = V1_WITH_COMMENTS.replace(old, new)
    path.write_text(text, encoding="utf-8")
    for action in (load_study, upgrade_file):
        with pytest.raises(RecordError) as caught:
            action(path)
        assert any(p.field == field for p in caught.value.problems), [str(p) for p in caught.value.problems]
    assert path.read_text(encoding="utf-8") == text
