"""render.deck_package writes a package's members as python-pptx's ``Presentation.save`` writes them, byte for byte
(content types and relationships composed as text)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from pipeline.render.deck_package import members

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
