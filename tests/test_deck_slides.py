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
