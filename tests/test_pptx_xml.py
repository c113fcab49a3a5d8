"""Shape and slide ids are the ones python-pptx gives (``render.pptx_xml``)."""

from __future__ import annotations

import copy

from pptx import Presentation
from pptx.util import Pt

from pipeline.render import pptx_xml


def _ids(id_list) -> list[tuple[str, str]]:
    return [(el.get("id"), el.get("rId")) for el in id_list]


def test_a_slide_id_is_the_one_python_pptx_gives():
    ids = Presentation().slides._sldIdLst
    for taken in ([], [256, 300, 257], [2147483647, 256], [2147483646, 2147483647]):
        for el in list(ids):
            ids.remove(el)
        for k, n in enumerate(taken):
            ids._add_sldId(id=n, rId=f"rId{90 + k}")
        ours, theirs = copy.deepcopy(ids), copy.deepcopy(ids)
        pptx_xml.add_slide_id(ours, "rId99")
        theirs.add_sldId("rId99")
        assert _ids(ours) == _ids(theirs) and len(_ids(ours)) == len(taken) + 1, taken


def test_a_shape_id_is_the_one_python_pptx_gives():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    shapes = slide.shapes
    for k in range(4):
        assert pptx_xml.next_shape_id(shapes._spTree) == shapes._next_shape_id
        box = shapes.add_textbox(Pt(10), Pt(10 + k), Pt(50), Pt(20))
        box._element.nvSpPr.cNvPr.set("id", str(7 * k + 3))       # ids out of order, and one not a number
    shapes._spTree.set("id", "x9")
    assert pptx_xml.next_shape_id(shapes._spTree) == shapes._next_shape_id == 7 * 3 + 3 + 1
