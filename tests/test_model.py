"""The shipped record validates and holds the facts it should; the model refuses what it must."""

from __future__ import annotations

import pytest
import yaml

from pipeline.content import build_content
from pipeline.errors import RecordError
from pipeline.loader import load_bytes
from pipeline.model import known
from pipeline.validate import check_source, load_study

from conftest import SHIPPED


def test_shipped_record_validates_without_warnings():
    checked = load_study(SHIPPED)
    assert checked.warnings == []
    study = checked.study
    assert study.id == "imagine-ra"
    assert [a.short for a in study.arms] == ["MRI-guided", "Conventional"]
    assert known(study.flow.randomized) == 200
    assert [known(f.completed) for f in study.flow.arms] == [76, 95]


def test_shipped_record_marks_unconfirmed_facts_not_reported():
    study = load_study(SHIPPED).study
    assert study.flow.assessed == "not reported"
    assert all(known(f.analysed) is None for f in study.flow.arms)
    for outcome in study.primary_outcomes:
        assert outcome.effect.ci is None and outcome.effect.p is None
        assert all(known(r.total) is None for r in outcome.results)
    content = build_content(study)
    assert content.primary_rows[0].ci == "not reported"
    assert content.primary_rows[0].cells == ("64 (85%)", "83 (88%)")
    assert content.primary_rows[0].estimate == "RD \u22124.8 percentage points"


def _modified(**changes) -> bytes:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@pytest.mark.parametrize("changes, field, fragment", [
    ({"flow__randomized": 201}, "flow.randomized", "sum to 200"),
    ({"flow__arms__0__completed": 101}, "flow.arms[0].completed", "more than the 100 allocated"),
    ({"outcomes__0__results__0__total": 50}, "outcomes[0].results[0].events", "more than the total of 50"),
    ({"outcomes__0__effect__ci": [-2.0, 3.0]}, "outcomes[0].effect.ci", "does not contain the estimate"),
    ({"flow__arms__1__arm": "conventinal"}, "flow.arms[1].arm", "did you mean 'conventional'"),
    ({"arms__1__id": "mri"}, "arms[1].id", "used twice"),
    ({"title": "Title with \u4e2d"}, "title", "cannot draw"),
])
def test_cross_field_problems_name_the_field(changes, field, fragment):
    with pytest.raises(RecordError) as caught:
        check_source(load_bytes(_modified(**changes), "imagine-ra.yaml"))
    messages = [str(p) for p in caught.value.problems]
    assert any(f": {field}: " in m and fragment in m for m in messages), messages


def test_all_problems_are_reported_at_once():
    with pytest.raises(RecordError) as caught:
        check_source(load_bytes(_modified(title="", acronym=5, design={"type": "zigzag"}), "imagine-ra.yaml"))
    fields = {p.field for p in caught.value.problems}
    assert {"title", "acronym", "design.type"} <= fields


def test_placeholders_are_warnings_not_errors():
    data = _modified(conclusions={"bottom_line": "TODO: write the bottom line", "key_messages": ["TODO: one"]})
    checked = check_source(load_bytes(data, "imagine-ra.yaml"))
    assert any("placeholder" in str(w) and "conclusions.bottom_line" in str(w) for w in checked.warnings)
    assert build_content(checked.study).bottom_line == "not yet written"


def test_imported_placeholders_never_reach_readers():
    import dataclasses

    from pipeline.ctgov import import_ctgov_file

    from conftest import ROOT

    result = import_ctgov_file(ROOT / "tests" / "fixtures" / "ctgov" / "NCT02552212.json")
    checked = check_source(load_bytes(result.yaml_text.encode("utf-8"), "c-axspand.yaml"))
    content = build_content(checked.study)

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
    assert not [s for s in shown if "TODO" in s]
    assert content.bottom_line == "not yet written"
    assert content.limitations == ("not yet written",) and content.strengths == ()
    assert content.appraisal_by == "not yet written"
