"""render.deck_opc writes a package's members as python-pptx's ``Presentation.save`` writes them, byte for byte
(content types and relationships composed as text)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.parts.slide import SlideLayoutPart

from pipeline.render.deck_opc import blueprint, copied, members

TEMPLATE = Path(__file__).parent / "fixtures" / "template.pptx"


def saved(prs: object) -> dict[str, bytes]:
    out = io.BytesIO()
    prs.save(out)  # type: ignore[attr-defined]
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("template", [None, TEMPLATE])
def test_members_are_what_python_pptx_saves(template):
    prs = Presentation(template)
    for k, layout in enumerate(list(prs.slide_layouts)[:4]):
        slide = prs.slides.add_slide(layout)
        slide.notes_slide.notes_text_frame.text = f"notes {k}"
        for url in ("https://example.org/a?b=1&c=<2>", 'https://example.org/"quoted"\u00e9'):
            slide.part.relate_to(url, RT.HYPERLINK, is_external=True)
    ours = members(prs.part.package)
    assert ours == saved(prs)
    assert any(b"TargetMode" in blob for blob in ours.values())


@pytest.mark.parametrize("template", [None, TEMPLATE])
def test_a_copy_is_the_package_again_and_shares_nothing_a_deck_could_change(template):
    prs = Presentation(template)
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.part.relate_to("https://example.org/?a=1&b=2", RT.HYPERLINK, is_external=True)
    slide.notes_slide.notes_text_frame.text = "notes"
    plan = blueprint(prs)
    first, second = copied(plan)[0], copied(plan)[0]
    assert members(first.part.package) == members(second.part.package) == members(prs.part.package)
    layout = first.slide_layouts[0]
    layout.name = "changed on a copy"              # a deck editing its copy
    first.slides.add_slide(layout)
    assert members(copied(plan)[0].part.package) == members(prs.part.package)
    assert copied(plan)[0].slide_layouts[0].name != "changed on a copy"


def test_a_part_no_deck_asks_for_is_saved_as_the_blueprint_s_bytes_and_an_edited_one_as_edited():
    """A copy's XML parts are copied when first asked for: one never asked for is the blueprint's bytes as they
    were serialized once; one edited on the copy is saved as edited."""
    prs = Presentation()
    plan = blueprint(prs)
    blobs = {name: content[1] for _, name, _, content in plan.parts if isinstance(content, tuple)}
    copy_, parts = copied(plan)
    layouts = [part for part in parts if isinstance(part, SlideLayoutPart)]
    assert len(layouts) >= 2
    assert layouts[0].blob is blobs[layouts[0].partname]
    layouts[1].slide_layout.name = "edited on the copy"
    saved_copy = members(copy_.part.package)
    assert b"edited on the copy" in saved_copy[layouts[1].partname[1:]]
    assert saved_copy == {**members(prs.part.package), layouts[1].partname[1:]: saved_copy[layouts[1].partname[1:]]}
