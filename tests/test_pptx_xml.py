"""render.pptx_xml writes what python-pptx's API (and our styling of what it has no API for) writes: the ids it
gives, and tables byte for byte (the deck's slides stay as they were when built through python-pptx's objects)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Pt

from pipeline.render import pptx_xml

STYLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"
WIDTHS, HEIGHTS = [Emu(3_000_000), Emu(1_500_001)], [Emu(400_000), Emu(350_000), Emu(200_000)]


def paragraphs(text: str) -> list[str]:
    return [pptx_xml.paragraph_xml("l", Pt(21.6), Pt(0), Pt(0), pptx_xml.run_xml(text, Pt(18), bold=False))]


def borders(tc_pr: etree._Element, rule: str | None, width: int) -> None:
    """Each side without a line, a bottom ``rule`` (when given), before the cell's fill."""
    for k, side in enumerate(("lnL", "lnR", "lnT", "lnB")):
        ln = etree.Element(pptx_xml.qn(f"a:{side}"))
        tc_pr.insert(k, ln)
        if side == "lnB" and rule is not None:
            ln.set("w", str(width))
            fill = etree.SubElement(ln, pptx_xml.qn("a:solidFill"))
            etree.SubElement(fill, pptx_xml.qn("a:srgbClr"), val=rule)
        else:
            ln.set("w", "0")
            etree.SubElement(ln, pptx_xml.qn("a:noFill"))


def with_python_pptx(slide: Any, header: bool) -> bytes:
    """A header row, a row with a filled blank cell, a line across the table: python-pptx's API, our borders."""
    frame = slide.shapes.add_table(3, 2, Emu(12700), Emu(25400), Emu(1000), Emu(1000))
    frame.name = 'Results & "harms"'
    table = frame.table
    table._tbl.tblPr.find(pptx_xml.qn("a:tableStyleId")).text = STYLE
    table.first_row = header
    table.horz_banding = False
    for col, w in zip(table.columns, WIDTHS, strict=True):
        col.width = w
    for row, h in zip(table.rows, HEIGHTS, strict=True):
        row.height = h
    table.cell(2, 0).merge(table.cell(2, 1))
    texts = [["Outcome", "Drug A"], ["Pain < 3", "\u00a0"], ["110 more per 1,000", None]]
    for i, row in enumerate(texts):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            if text is not None:
                cell.margin_left = cell.margin_right = Emu(76200)
                cell.margin_top = cell.margin_bottom = Emu(50800)
                cell.vertical_anchor = MSO_ANCHOR.BOTTOM if i == 0 else MSO_ANCHOR.TOP
                pptx_xml.set_paragraphs(cell.text_frame._txBody, paragraphs(text))
            if (i, j) == (1, 1):
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string("EEF3E2")
            else:
                cell.fill.background()
            borders(cell._tc.get_or_add_tcPr(), "333333" if i != 1 else None, 25400)
    return etree.tostring(frame._element)


def with_pptx_xml(slide: Any, header: bool) -> bytes:
    margins = (Emu(76200), Emu(50800))
    rows = [
        [pptx_xml.cell_xml("".join(paragraphs(t)), margins, "b", None, "333333", Emu(25400))
         for t in ("Outcome", "Drug A")],
        [pptx_xml.cell_xml("".join(paragraphs("Pain < 3")), margins, "t", None, None, Emu(25400)),
         pptx_xml.cell_xml("".join(paragraphs("\u00a0")), margins, "t", "#eef3e2", None, Emu(25400))],
        [pptx_xml.cell_xml("".join(paragraphs("110 more per 1,000")), margins, "t", None, "333333", Emu(25400),
                           span=2),
         pptx_xml.cell_xml("", None, None, None, "333333", Emu(25400), merged=True)],
    ]
    spTree = slide.shapes._spTree
    frame = pptx_xml.table_shape(spTree, slide.shapes._next_shape_id, 'Results & "harms"',
                                 Emu(12700), Emu(25400), WIDTHS, HEIGHTS, header, STYLE, rows)
    return etree.tostring(frame)


def test_a_table_is_written_as_python_pptx_writes_it():
    for header in (True, False):
        prs = Presentation()
        layout = prs.slide_layouts[6]
        api, ours = prs.slides.add_slide(layout), prs.slides.add_slide(layout)
        assert with_pptx_xml(ours, header) == with_python_pptx(api, header)



def _ids(id_list) -> list[bytes]:
    return [etree.tostring(el) for el in id_list]


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


def test_a_group_and_its_first_shape_get_the_ids_python_pptx_gives():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    shapes = slide.shapes
    for k, taken in enumerate((5, 3, 9)):         # ids left free below the largest, then none
        box = shapes.add_textbox(Pt(10), Pt(10 + k), Pt(50), Pt(20))
        box._element.nvSpPr.cNvPr.set("id", str(taken))
    for _ in range(4):
        ours = pptx_xml.group_ids(shapes._spTree)
        group = shapes.add_group_shape()
        group.shapes.turbo_add_enabled = True
        assert ours == (group.shape_id, group.shapes._next_shape_id)


def test_a_group_encloses_its_shapes_as_python_pptx_recalculates_it():
    prs = Presentation()
    tree = prs.slides.add_slide(prs.slide_layouts[6]).shapes._spTree
    children = [
        pptx_xml.flat_xml(5, "Marker", Emu(-300), Emu(40), Emu(20), Emu(20), "#000000"),
        pptx_xml.connector_xml(6, "Connector", 100, -50, 700, 90, 12700, "#333333", rotate=True, flip_h=True),
        pptx_xml.text_box_xml(7, "Label <a:off x=\"0\">", Emu(10), Emu(900), Emu(50), Emu(30),
                              paragraphs="".join(paragraphs('<a:off x="-9999" y="0"/><a:ext cx="1" cy="1"/>'))),
    ]
    group = pptx_xml.group_shape(tree, 4, "Diagram", "alt", None, "".join(children))
    ours = etree.tostring(group)
    group.recalculate_extents()
    assert etree.tostring(group) == ours
    assert b'<a:off x="-300" y="-50"/><a:ext cx="1100" cy="980"/>' in ours


def test_relationships_are_written_as_lxml_writes_them_tab_newline_and_return_included():
    """A template's external link may hold a tab, line feed or carriage return (lxml writes them as character
    references); other control characters are refused, as lxml refuses them."""
    rels = (("rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
             "http://example.org/a\rb\tc\nd&e<f>\"g", True),)
    root = etree.Element("{http://schemas.openxmlformats.org/package/2006/relationships}Relationships",
                         nsmap={None: "http://schemas.openxmlformats.org/package/2006/relationships"})
    r_id, kind, target, _ = rels[0]
    etree.SubElement(root, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",
                     {"Id": r_id, "Type": kind, "Target": target, "TargetMode": "External"})
    assert pptx_xml.rels_xml(rels) == etree.tostring(root, encoding="UTF-8", standalone=True)
    with pytest.raises(ValueError, match="XML compatible"):
        pptx_xml.rels_xml((("rId1", kind, "http://example.org/a\x0bb", True),))


def test_the_same_relationships_are_written_once():
    """A layout's or a slide's relationships are the same in every deck: their part is composed once, for equal
    relationships (another deck's), not only for the same object."""
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout"

    def layout_rels(n: int) -> tuple[tuple[str, str, str, bool], ...]:     # a new tuple at each call
        return ((f"rId{n}", kind, f"../slideLayouts/slideLayout{n}.xml", False),)

    rels, again = layout_rels(2), layout_rels(2)
    assert again == rels and again is not rels and again[0] is not rels[0]
    written = pptx_xml.rels_xml(rels)
    assert pptx_xml.rels_xml(again) is written
    assert b'Target="../slideLayouts/slideLayout2.xml"' in written
    assert b'Target="../slideLayouts/slideLayout3.xml"' in pptx_xml.rels_xml(layout_rels(3))
