"""The figures: SVG (written directly) and PNG (matplotlib) bytes drawn from the layout geometry."""

from __future__ import annotations

import copy
import io
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

from pipeline.errors import RenderError
from pipeline.layout.design import design_diagram
from pipeline.layout.figures import trial_figures
from pipeline.loader import load_file
from pipeline.model import Study
from pipeline.render.figures import draw_diagram, figure_diagrams, render_figures
from pipeline.report import prepare
from pipeline.validate import Checked, load_study
from test_layout import check_geometry, make_study

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def imagine() -> Study:
    return load_study(ROOT / "sources" / "imagine-ra.yaml").study


def both_formats(study: Study) -> dict[str, bytes]:
    return render_figures(trial_figures(study), ("svg", "png"))


@pytest.fixture(scope="module")
def figures(imagine) -> dict[str, bytes]:
    return both_formats(imagine)


def png_chunks(data: bytes) -> dict[bytes, bytes]:
    assert data[:8] == PNG_SIGNATURE
    chunks = {}
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.setdefault(kind, body)
        pos += 12 + length
    return chunks


def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


def test_the_six_files(figures):
    assert sorted(figures) == ["design.png", "design.svg", "flow.png", "flow.svg", "forest.png", "forest.svg"]
    assert all(isinstance(v, bytes) and v for v in figures.values())


@pytest.mark.parametrize("name", ["design", "flow", "forest"])
def test_png_is_300_dpi_and_7_5_inches_wide(figures, name):
    chunks = png_chunks(figures[f"{name}.png"])
    x_ppu, y_ppu, unit = struct.unpack(">IIB", chunks[b"pHYs"])
    assert unit == 1 and x_ppu == y_ppu == round(300 / 0.0254)
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert width == 2250                    # 7.5 in × 300 dpi
    assert 150 < height < 9 * 300
    assert b"tEXt" not in chunks or b"Software" not in chunks[b"tEXt"]


@pytest.mark.parametrize("name", ["design", "flow", "forest"])
def test_svg_parses_and_keeps_text_as_text(figures, name):
    data = figures[f"{name}.svg"]
    text = svg_text(data)
    assert "DejaVu Sans" in data.decode("utf-8")
    assert b"<dc:date>" not in data and b"Matplotlib" not in data
    if name == "forest":
        assert "favours Conventional" in text and "favours MRI-guided" in text
        assert "\u22124.8" in text and "+4.7" in text and "(CI not in our sources)" in text
    else:
        assert "MRI-guided treat-to-target" in text and "Conventional treat-to-target" in text


def test_svg_contains_the_reported_counts(figures):
    design = svg_text(figures["design.svg"])
    assert "Randomized 1:1, n = 200" in design
    flow = svg_text(figures["flow.svg"])
    assert "Completed (n = 76)" in flow and "Completed (n = 95)" in flow
    assert "Not in our sources: assessed for eligibility" in flow   # the record says "not in sources"
    assert "not reported" not in flow.lower()
    assert not re.search(r"n = 0\b", flow)


def test_svg_only_by_default(imagine, figures):
    svg = render_figures(trial_figures(imagine))
    assert sorted(svg) == ["design.svg", "flow.svg", "forest.svg"]
    assert all(svg[name] == figures[name] for name in svg)      # the same SVG as when PNGs are made too
    with pytest.raises(RenderError, match="unknown format"):
        render_figures(trial_figures(imagine), ("svg", "gif"))


def test_bytes_are_reproducible(imagine, figures):
    again = both_formats(imagine)
    for name, data in figures.items():
        assert again[name] == data, name


def test_figure_geometry_is_drawn_at_figure_size(imagine):
    diagrams = figure_diagrams(trial_figures(imagine))
    for d in diagrams.values():
        check_geometry(d, d.width, 9 * 72, min_size=7.0)
        assert d.width == pytest.approx(7.5 * 72 - 8)


def test_no_forest_without_estimates(imagine):
    data = copy.deepcopy(load_file(ROOT / "sources" / "imagine-ra.yaml").data)
    for o in data["outcomes"]:
        o["effects"] = []
    out = both_formats(Study.model_validate(data))
    assert sorted(out) == ["design.png", "design.svg", "flow.png", "flow.svg"]


def test_four_arm_record_labels_every_arm():
    study = make_study(n_arms=4, measures=("risk difference", "hazard ratio"))
    out = render_figures(trial_figures(study))
    design, flow = svg_text(out["design.svg"]), svg_text(out["flow.svg"])
    for arm in study.arms:
        assert arm.label in design and arm.label in flow
    forest = svg_text(out["forest.svg"])
    assert "HR (95% CI)" in forest and "RD (95% CI)" in forest


def test_draw_any_diagram(imagine):
    d = design_diagram(imagine, 250, 400)
    png = draw_diagram(d, "png", dpi=100)
    width, _ = struct.unpack(">II", png_chunks(png)[b"IHDR"][:8])
    assert width == round((250 + 8) / 72 * 100)
    with pytest.raises(RenderError, match="unknown format"):
        draw_diagram(d, "gif")


def test_only_the_png_module_imports_matplotlib():
    offenders = []
    for path in (ROOT / "pipeline").rglob("*.py"):
        if path.name == "figures_png.py" and path.parent.name == "render":
            continue
        if re.search(r"^\s*(import|from)\s+matplotlib", path.read_text(encoding="utf-8"), re.M):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize("module", ["figures", "figure_shapes", "svg", "figures_png"])
def test_figures_module_draws_geometry_not_the_record(module):
    source = (ROOT / "pipeline" / "render" / f"{module}.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+(pipeline\.model|\.\.model|\.\.review\.model)\b", source, re.M)


def test_png_on_request(tmp_path):
    from pipeline.cli import main

    record = ROOT / "sources" / "imagine-ra.yaml"
    assert main(["build", str(record), "--out", str(tmp_path), "--only", "figures", "--figures", "svg,png"]) == 0
    folder = tmp_path / "imagine-ra" / "figures"
    assert sorted(p.name for p in folder.iterdir()) == ["design.png", "design.svg", "flow.png", "flow.svg",
                                                         "forest.png", "forest.svg"]
    assert main(["build", str(record), "--out", str(tmp_path), "--only", "figures"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["design.svg", "flow.svg", "forest.svg"]   # no stale PNG


def test_the_png_writer_gives_pillow_the_exact_pixels():
    """encode_png (ours: "Up" filter, zlib level 1, strips of PNG_STRIP rows) read back by an independent decoder."""
    image = pytest.importorskip("PIL.Image")
    import numpy as np

    from pipeline.render.figures_png import PNG_STRIP, encode_png

    rng = np.random.default_rng(15)
    for h, w in ((1, 1), (PNG_STRIP, 3), (2 * PNG_STRIP + 7, 13)):   # one row, one strip, across strips
        rgba = rng.integers(0, 256, size=(h, w, 4), dtype=np.uint8)
        decoded = image.open(io.BytesIO(encode_png(rgba, 300, {"Title": "x", "Software": None})))
        assert decoded.mode == "RGBA" and decoded.size == (w, h)
        assert np.array_equal(np.asarray(decoded), rgba)
        assert decoded.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert decoded.info.get("Title") == "x" and "Software" not in decoded.info


def test_a_png_figure_has_the_pixels_matplotlib_itself_would_write(imagine):
    image = pytest.importorskip("PIL.Image")
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from pipeline.render import figures_png

    diagram = figure_diagrams(trial_figures(imagine))["flow"]
    ours = image.open(io.BytesIO(draw_diagram(diagram, "png", dpi=100)))
    with matplotlib.rc_context(figures_png.RC):
        fig = figures_png._figure(diagram)
        FigureCanvasAgg(fig)
        theirs_bytes = io.BytesIO()
        fig.savefig(theirs_bytes, format="png", dpi=100)
    theirs = image.open(io.BytesIO(theirs_bytes.getvalue()))
    assert ours.size == theirs.size
    assert np.array_equal(np.asarray(ours.convert("RGBA")), np.asarray(theirs.convert("RGBA")))


@pytest.mark.parametrize("flow", [True, False], ids=["with-flow", "without-flow"])
def test_the_figures_are_the_diagrams_the_deck_shows(flow):
    # One binding (layout.figures) for both: a record without a flow section gets no flow slide and no flow figure
    # (the design already gives the arms' sizes); the results graphic is the deck's own.
    from pptx import Presentation

    from pipeline.build import BuildOptions, render

    study = make_study(flow=flow)
    files = render(prepare(Checked(study)), BuildOptions(only=("deck", "figures")))
    slides = Presentation(io.BytesIO(files["deck.pptx"])).slides
    titles = [s.shapes.title.text for s in slides if s.shapes.title]
    assert any(t.startswith("Participant flow") for t in titles) is flow
    # The results graphic: on its own slide, or above a short primary table on the "Primary outcomes" slide.
    assert any(sh.shape_type == 6 and sh.name.startswith("Primary outcomes") for s in slides for sh in s.shapes)
    expected = ["figures/design.svg", "figures/forest.svg"] + (["figures/flow.svg"] if flow else [])
    assert sorted(name for name in files if name.startswith("figures/")) == sorted(expected)


def test_no_flow_when_it_gives_no_number_after_allocation():
    # SSaSS's flow section gives no count beyond who was randomized and allocated, which the design shows:
    # no flow figure, and no flow slide of "not reported" boxes (IMAGINE-RA's completed counts keep its flow).
    from pipeline.build import BuildOptions, render
    from readback import deck_text
    ssass = load_study(ROOT / "sources" / "ssass.yaml")
    assert ssass.study.flow is not None
    assert sorted(render_figures(trial_figures(ssass.study))) == ["design.svg", "forest.svg"]
    assert "Participant flow" not in deck_text(render(prepare(ssass), BuildOptions(only=("deck",)))["deck.pptx"])
    assert "flow.svg" in render_figures(trial_figures(load_study(ROOT / "sources" / "imagine-ra.yaml").study))


def test_svg_text_sits_at_its_layout_anchor():
    """Each line is written at its anchor (left edge, centre or right edge, per its alignment) on its
    baseline, 1 pt = 1 user unit plus the figure's margin."""
    from pipeline.layout.geometry import Box, Diagram, Label, TextLine
    from pipeline.layout.text import baseline_offset, line_height
    from pipeline.render.figure_shapes import MARGIN

    line = TextLine("Ω ≥ 1.5 (SYNTHETIC)", 9.0)
    boxes = (Box("b", 10, 20, 120, 30, (line,), align="center", padding=4),
             Box("r", 150, 20, 100, 30, (line,), align="right", padding=5))
    labels = (Label("l", 20, 70, 200, (line, TextLine("second", 8.0, bold=True))),)
    svg = draw_diagram(Diagram("design", 260, 100, boxes, labels=labels), "svg")
    seen = [(el.get("text-anchor", "start"), float(el.get("x")), float(el.get("y")), "".join(el.itertext()))
            for el in ET.fromstring(svg).iter(f"{SVG}text")]
    pitch = line_height(9.0)
    base = baseline_offset(9.0, pitch)
    centred_top = 20 + (30 - pitch) / 2
    expected = [("middle", 10 + 120 / 2, centred_top + base, line.text),
                ("end", 150 + 100 - 5, centred_top + base, line.text),
                ("start", 20, 70 + base, line.text),
                ("start", 20, 70 + pitch + baseline_offset(8.0, line_height(8.0)), "second")]
    assert len(seen) == len(expected)
    for (seen_anchor, x, y, text), (anchor, ex, ey, etext) in zip(seen, expected, strict=True):
        assert text == etext
        assert seen_anchor == anchor
        assert x == pytest.approx(ex + MARGIN, abs=1e-3) and y == pytest.approx(ey + MARGIN, abs=1e-3)
    assert [el.get("font-weight") for el in ET.fromstring(svg).iter(f"{SVG}text")] == [None, None, None, "bold"]
