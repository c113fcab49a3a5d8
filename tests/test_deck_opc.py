"""render.deck_opc writes a package's members as python-pptx's ``Presentation.save`` writes them, byte for byte
(content types and relationships composed as text)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

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
    first, second = copied(plan), copied(plan)
    assert members(first.part.package) == members(second.part.package) == members(prs.part.package)
    layout = first.slide_layouts[0]
    layout.name = "changed on a copy"              # a deck editing its copy
    first.slides.add_slide(layout)
    assert members(copied(plan).part.package) == members(prs.part.package)
    assert copied(plan).slide_layouts[0].name != "changed on a copy"
