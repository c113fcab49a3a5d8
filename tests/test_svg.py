"""The SVG figures, written without a drawing library (``render.svg`` from ``render.figure_shapes``): read back
with an XML parser, they carry the page size, every line of text of the diagram as text, the arrowheads and the
line styles; the same diagram gives the same bytes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from pipeline.layout.figures import review_figures, trial_figures
from pipeline.layout.geometry import Box, Connector, Diagram, Label, Marker, Polygon, Segment, TextLine
from pipeline.loader import load_bytes
from pipeline.render.figure_shapes import MARGIN
from pipeline.render.figures import figure_diagrams
from pipeline.render.svg import svg_bytes
from pipeline.review.build import prepare_review
from pipeline.validate import check_source, load_study
from test_review_layout import synthetic_review

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def trial_diagrams() -> dict[str, Diagram]:
    return figure_diagrams(trial_figures(load_study(ROOT / "sources" / "imagine-ra.yaml").study))


def review_diagrams() -> dict[str, Diagram]:
    """A SYNTHETIC review with a PRISMA diagram, forest plots and a risk-of-bias grid."""
    report = prepare_review(check_source(load_bytes(synthetic_review(2, 6, 2).encode(), "r.yaml")))
    return figure_diagrams(review_figures(report.review, report.content))


DIAGRAMS = {**{f"trial {k}": v for k, v in trial_diagrams().items()},
            **{f"review {k}": v for k, v in review_diagrams().items()}}


def test_every_kind_of_figure_is_checked():
    assert sorted(DIAGRAMS) == ["review forest-o1", "review forest-o2", "review prisma", "review rob",
                                "trial design", "trial flow", "trial forest"]


def diagram_lines(d: Diagram) -> Counter[str]:
    return Counter(line.text for part in (*d.boxes, *d.labels) for line in part.lines if line.text)


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_a_reader_sees_every_line_of_the_diagram_on_a_page_of_its_size(name):
    d = DIAGRAMS[name]
    root = ET.fromstring(svg_bytes(d))
    assert root.tag == f"{SVG}svg"
    w, h = d.width + 2 * MARGIN, d.height + 2 * MARGIN
    assert root.get("width") == f"{w:g}pt" and root.get("height") == f"{h:g}pt"
    assert [float(v) for v in root.get("viewBox").split()] == pytest.approx([0, 0, w, h])
    texts = list(root.iter(f"{SVG}text"))
    assert Counter("".join(t.itertext()) for t in texts) == diagram_lines(d)
    assert {t.get("font-family") for t in texts} == {"DejaVu Sans"}
    for t in texts:   # every line on the page
        assert 0 <= float(t.get("x")) <= w and 0 <= float(t.get("y")) <= h


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_a_screen_reader_gets_the_figure_title_and_its_text_alternative(name):
    d = DIAGRAMS[name]
    root = ET.fromstring(svg_bytes(d))
    assert d.alt_text, name                 # every figure has a text alternative to give
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == d.alt_text
    title = root.find(f"{SVG}title")
    assert (title.text if title is not None else "") == d.title
    assert next(iter(root)).tag == (f"{SVG}title" if d.title else f"{SVG}desc")   # first, where readers look


def points(path: ET.Element) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", path.get("d"))]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


@pytest.mark.parametrize("name", ["trial design", "trial flow", "review prisma"])
def test_each_arrow_ends_in_a_filled_head_at_its_target(name):
    d = DIAGRAMS[name]
    arrows = [c for c in d.connectors if c.arrow]
    assert arrows
    heads = [p for p in ET.fromstring(svg_bytes(d)).iter(f"{SVG}path")
             if p.get("d").endswith("Z") and p.get("fill") == "#333333" and p.get("stroke") is None]
    tips = sorted(points(p)[0] for p in heads)
    expected = sorted((c.points[-1][0] + MARGIN, c.points[-1][1] + MARGIN) for c in arrows)
    assert len(tips) == len(expected)
    for tip, target in zip(tips, expected, strict=True):
        assert tip == pytest.approx(target, abs=1e-6)


def test_shapes_lines_and_text_as_drawn():
    line = TextLine('A < B & "C" > D', 9.0, bold=True)
    d = Diagram("forest", 200, 100, (Box("b", 0, 0, 100, 30, (line,), arm=1),),
                connectors=(Connector("c", "b", "b", "bottom", "top", ((50, 30), (50, 60)), arrow=False),),
                labels=(Label("l", 0, 70, 100, (TextLine("", 8.0), TextLine("tick", 8.0)), role="tick"),),
                segments=(Segment(110, 0, 110, 100, role="null", dash=(3, 2)),),
                markers=(Marker(150, 50, 6, filled=False),),
                polygons=(Polygon(((120, 80), (130, 75), (140, 80), (130, 85)), role="prediction"),))
    root = ET.fromstring(svg_bytes(d))
    texts = {"".join(t.itertext()): t for t in root.iter(f"{SVG}text")}
    assert sorted(texts) == ['A < B & "C" > D', "tick"]            # escaped and read back; empty lines not drawn
    assert texts['A < B & "C" > D'].get("font-weight") == "bold"
    assert texts["tick"].get("fill") == "#555555" and texts["tick"].get("font-weight") is None
    paths = list(root.iter(f"{SVG}path"))
    box, segment, connector, marker, diamond = (paths[1], paths[0], paths[2], paths[3], paths[4])
    assert "Q" in box.get("d") and box.get("fill") == "#fbebcc" and box.get("stroke") == "#e69f00"
    assert box.get("stroke-linejoin") == "round"
    assert segment.get("stroke-dasharray") == "3,2" and segment.get("fill") == "none"
    assert connector.get("fill") == "none" and len(paths) == 5             # no arrowhead when arrow is False
    assert marker.get("fill") == "#ffffff" and marker.get("stroke") == "#1a1a1a"   # hollow: interval not given
    assert points(diamond)[0] == (124, 84) and diamond.get("fill") == "none"
    assert root.find(f"{SVG}rect").get("fill") == "#ffffff"


def test_the_same_diagram_gives_the_same_bytes():
    again = trial_diagrams()
    for name, d in again.items():
        data = svg_bytes(d)
        assert data == svg_bytes(DIAGRAMS[f"trial {name}"])
        assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<svg ')
