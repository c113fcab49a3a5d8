"""Work done once (issue #15): a study's layouts are computed once and shared by the brief, the deck,
the figures and their alt text; the default deck package is made once per process. Checked by
counting calls, and by the outputs staying the same (no timing)."""

from __future__ import annotations

import io

from pptx import Presentation

from conftest import ROOT, SHIPPED
from pipeline.build import render
from pipeline.layout import design, flow, forest
from pipeline.layout.memo import per_study
from pipeline.render import deck_package as deck
from pipeline.report import prepare
from pipeline.validate import load_study


class _Study:   # any object stands for a study: the memo goes by identity
    pass


def test_a_layout_is_computed_once_per_study_and_arguments():
    calls = []

    @per_study
    def layout(study, width, size):
        calls.append((study, width, size))
        return [width, size]

    first, second = _Study(), _Study()
    assert layout(first, 100.0, 8.0) == [100.0, 8.0]
    assert layout(first, 100.0, 8.0) is layout(first, 100.0, 8.0)
    assert layout(first, 100.0, 7.5) == [100.0, 7.5]
    assert len(calls) == 2
    layout(second, 100.0, 8.0)            # another study: laid out afresh, the first's forgotten
    layout(first, 100.0, 8.0)
    assert [c[0] for c in calls] == [first, first, second, first]


def test_the_same_study_gets_the_same_layout_wherever_it_is_asked_for():
    study = load_study(SHIPPED).study
    once = design.design_diagram(study, 300.0, 400.0, 8.0, 7.0)
    again = design.design_diagram(study, 300.0, 400.0, 8.0, 7.0)
    fresh = design.design_diagram(load_study(SHIPPED).study, 300.0, 400.0, 8.0, 7.0)
    assert again is once
    assert fresh == once and fresh is not once


def test_a_forest_plot_is_laid_out_once_per_size_whatever_the_height_asked():
    study = load_study(SHIPPED).study
    roomy = forest.forest_plot(study, 500.0, 2000.0, 8.0, 6.0)
    assert roomy is not None
    assert forest.forest_plot(study, 500.0, roomy.height, 8.0, 6.0) is roomy     # the same layout, not a new one


def test_a_flows_texts_are_worked_out_once_however_many_sizes_are_tried(monkeypatch):
    asked = []
    real = flow.flow_stages
    monkeypatch.setattr(flow, "flow_stages", lambda study: asked.append(study) or real(study))
    study = load_study(SHIPPED).study
    for size in (9.0, 8.0, 7.0):
        assert flow.flow_figure(study, 500.0, 2000.0, size, size) is not None
    assert asked == [study]


def test_the_default_deck_package_is_made_once_and_every_deck_is_the_same(monkeypatch):
    deck._default_package.cache_clear()
    made = []
    real = deck.Presentation
    monkeypatch.setattr(deck, "Presentation", lambda *a: made.append(a) or real(*a))
    report = prepare(load_study(SHIPPED))
    first = render(report)["deck.pptx"]
    second = render(prepare(load_study(ROOT / "sources" / "dapa-hf.yaml")))["deck.pptx"]
    assert render(report)["deck.pptx"] == first
    assert sum(1 for args in made if not args) == 1        # python-pptx's own package, read once
    for data in (first, second):
        prs = Presentation(io.BytesIO(data))
        assert (prs.slide_width, prs.slide_height) == (deck.emu(deck.SLIDE_W), deck.emu(deck.SLIDE_H))
