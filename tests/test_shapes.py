"""Every SYNTHETIC shape (tests/shapes.py) validates, builds, and shows each number as printed.

For each generated record: written as YAML, it validates without warnings; the
audit raises nothing above "info" (the numbers agree, so a warning would be a
false alarm); the build gives a one-page brief and a deck (a deliberately huge
record may instead be refused with ``LayoutError``); and the printed text of
every number in the record (counts, per-arm results, effects, CIs, P values,
margins) is found in the brief or on a slide, with its sign and decimals. The generator itself is
checked too: deterministic, labelled SYNTHETIC, and covering every shape the
record model allows.
"""

from __future__ import annotations

import pytest

import shapes
from pipeline.build import BuildOptions, build_record
from pipeline.errors import LayoutError
from pipeline.loader import load_bytes
from pipeline.model import MEASURES, Study
from pipeline.report import prepare
from pipeline.validate import check_source, load_study
from readback import brief_text, deck_text, missing_numbers, page_count

SHAPES = shapes.shapes()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build each shape once (brief and deck): {name: (brief bytes, deck bytes) or the LayoutError}."""
    root = tmp_path_factory.mktemp("shapes")
    cache: dict[str, object] = {}

    def build(name: str):
        if name not in cache:
            path = root / f"{name}.yaml"
            path.write_text(shapes.dump(SHAPES[name]), encoding="utf-8")
            try:
                build_record(path, root / "out", BuildOptions(only=("brief", "deck")))
            except LayoutError as error:
                cache[name] = error
            else:
                folder = root / "out" / name
                cache[name] = ((folder / "brief.pdf").read_bytes(), (folder / "deck.pptx").read_bytes())
        return cache[name]

    return build


# --- the generator -----------------------------------------------------------------

def test_generator_is_deterministic():
    again = shapes.shapes()
    assert list(again) == list(SHAPES)
    assert all(shapes.dump(again[name]) == shapes.dump(SHAPES[name]) for name in SHAPES)


def test_every_record_is_labelled_synthetic():
    for name, record in SHAPES.items():
        assert "SYNTHETIC" in record["title"], name
        assert all(arm["short_label"].startswith("Drug ") for arm in record["arms"]), name


def test_the_shapes_cover_the_model():
    studies = [Study.model_validate(record) for record in SHAPES.values()]
    assert {len(s.arms) for s in studies} >= set(range(1, 7))
    effects = [e for s in studies for o in [*s.outcomes, *s.harms] for e in o.effects]
    assert {e.measure for e in effects} == set(MEASURES)
    results = [r for s in studies for o in s.outcomes for r in o.results]
    for field in ("events", "percent", "rate", "person_time", "kaplan_meier", "mean", "sd", "se", "ci", "median", "iqr"):
        assert any(getattr(r, field) is not None for r in results), field
    assert any(r.change for r in results)
    assert any(o.subgroups for s in studies for o in s.outcomes)
    assert {e.hypothesis for e in effects} >= {"non-inferiority", "superiority", "equivalence"}
    assert any(e.margin for e in effects) and any(s.design.margin for s in studies)
    assert any(s.design.factorial for s in studies) and any(s.design.cluster for s in studies)
    assert any(s.design.stopped_early for s in studies)
    assert any(len(s.registrations) > 1 for s in studies)
    assert any(s.citation and not s.citation.authors for s in studies)
    assert any(o.certainty for s in studies for o in s.outcomes) and any(s.harms for s in studies)
    texts = [shapes.dump(record) for record in SHAPES.values()]
    assert any("not reported" in t for t in texts) and any("not in sources" in t for t in texts)


def test_printed_numbers_keep_their_text():
    record = SHAPES["binary-two-decimals"]
    numbers = shapes.printed_numbers(record)
    percents = [r["percent"].text for r in record["outcomes"][0]["results"]]
    assert all(p in numbers.values() and len(p.split(".")[1]) == 2 for p in percents)


# --- every shape, built -------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shape_validates_without_warnings(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    path.write_text(shapes.dump(SHAPES[name]), encoding="utf-8")
    checked = load_study(path)
    assert [str(w) for w in checked.warnings] == []


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_audit_finds_nothing_to_warn_about(name):
    """The generated numbers agree (percentages, CIs, P values, rates): any warning is a false alarm."""
    checked = check_source(load_bytes(shapes.dump(SHAPES[name]).encode("utf-8"), f"{name}.yaml"))
    warnings = [str(f) for f in prepare(checked).findings if f.severity != "info"]
    assert warnings == []


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shape_builds_a_one_page_brief_and_a_deck(name, built):
    outputs = built(name)
    if isinstance(outputs, LayoutError):
        assert name in shapes.HUGE, f"{name} was refused: {outputs}"
        assert str(outputs).strip(), "a LayoutError must say what does not fit"
        return
    brief, deck = outputs
    assert page_count(brief) == 1
    assert "SYNTHETIC" in brief_text(brief)
    assert "SYNTHETIC" in deck_text(deck)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_number_round_trips_to_the_outputs(name, built):
    outputs = built(name)
    if isinstance(outputs, LayoutError):
        pytest.skip(f"{name} is refused by design (LayoutError)")
    brief, deck = outputs
    numbers = shapes.printed_numbers(SHAPES[name])
    assert numbers
    missing = missing_numbers(numbers, brief_text(brief) + "\n" + deck_text(deck))
    assert missing == {}, f"{name}: numbers in the record but in neither the brief nor the deck: {missing}"
