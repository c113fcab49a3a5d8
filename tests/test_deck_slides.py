"""render.deck_slides makes notes pages as python-pptx's ``slide.notes_slide`` makes them, byte for byte: the first
deck's first through python-pptx (with the notes master it adds when the package has none), the rest as copies."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from pipeline.render import pptx_xml
from pipeline.render.deck_opc import members
from pipeline.render.deck_slides import NotesMaker, SlideMaker

TEMPLATE = Path(__file__).parent / "fixtures" / "template.pptx"


def deck(template: Path | None, kits: dict[str, object] | None) -> dict[str, bytes]:
    """Three slides with notes, by python-pptx (``kits`` None) or by a ``NotesMaker`` sharing ``kits``."""
    prs = Presentation(template)
    layouts = list(prs.slide_layouts)
    maker = None if kits is None else NotesMaker(prs, kits)
    for k in range(3):
        slide = prs.slides.add_slide(layouts[k % len(layouts)])
        body = slide.notes_slide.notes_text_frame._txBody if maker is None else maker.new(slide)
        pptx_xml.set_text(body, f"notes {k}\nsecond line")
    return members(prs.part.package)


@pytest.mark.parametrize("template", [None, TEMPLATE])    # no notes master (python-pptx adds one), its own
def test_notes_pages_are_the_ones_python_pptx_makes(template):
    theirs = deck(template, None)
    kits: dict[str, object] = {}
    assert deck(template, kits) == theirs          # the first deck: python-pptx's first page, then copies
    assert "notes" in kits
    assert deck(template, kits) == theirs          # a later deck: every page (and notes master) a copy
    assert sum(name.startswith("ppt/notesSlides/notesSlide") for name in theirs) >= 3


@pytest.mark.parametrize("template", [None, TEMPLATE])
def test_slides_are_the_ones_python_pptx_adds(template):
    def slides(prototypes: dict[str, object] | None) -> dict[str, bytes]:
        prs = Presentation(template)
        layouts = list(prs.slide_layouts)
        maker = None if prototypes is None else SlideMaker(prs, prototypes)
        for k in range(5):
            if maker is None:
                prs.slides.add_slide(layouts[k % 2])
            else:
                maker.new(layouts[k % 2].part)
        return members(prs.part.package)

    theirs = slides(None)
    prototypes: dict[str, object] = {}
    assert slides(prototypes) == theirs            # the first of each layout python-pptx's, then copies
    assert slides(prototypes) == theirs            # a later deck: every slide a copy


def test_a_link_relates_to_its_slide_and_text_on_no_one_slide_refuses_one():
    """A linked run of a slide's text relates its target on that slide; text written once for every slide (the
    footer) has no slide part, so a link in it is refused by name rather than failing on None."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from pipeline.render.deck_canvas import Canvas
    from pipeline.render.deck_fit import P
    from pipeline.report import prepare
    from pipeline.validate import load_study

    report = prepare(load_study(Path(__file__).resolve().parents[1] / "sources" / "imagine-ra.yaml"))
    canvas = Canvas(report.content, {}, None)
    slide = canvas._new_slide("content", None)
    linked = [P("SYNTHETIC link", link="https://example.org/synthetic")]
    written = "".join(canvas._paragraphs(slide.part, linked, 12.0))
    r_id = slide.part.relate_to("https://example.org/synthetic", RT.HYPERLINK, is_external=True)   # the one made
    assert f'r:id="{r_id}"' in written
    with pytest.raises(AssertionError, match="no one slide"):
        canvas._paragraphs(None, linked, 12.0)
