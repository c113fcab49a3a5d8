"""Raw DrawingML the python-pptx object model has no API for, or writes slowly (its ``oxml`` layer, ours).

In:  lxml elements of a deck being built (``a:bodyPr``, ``p:spPr``, ``a:tcPr``, a text body, a shape tree or
     group), lengths as ``pptx.util.Length`` (EMU), colours as ``#RRGGBB``.
Out: the elements edited in place, or new shapes in a shape tree; a text body's paragraphs are composed as XML
     text (``paragraph_xml``, ``run_xml``, ``bullet_xml``, ``slide_number_xml``) and parsed into it at once
     (``set_paragraphs``); ``restyle_theme`` returns the theme part's new bytes.

Everything is written as python-pptx's API would write it (the same elements and attributes, in the same
order), so a deck is byte for byte what the object model made: text and its bullets, autofit, frames, effect
lists (no inherited shadow), lines with dash and arrowhead, glued connectors, flat and rounded rectangles,
text boxes, table cell borders and fills, the slide-number field and the theme's fonts and colour scheme.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, cast

from lxml import etree
from pptx.oxml import element_class_lookup, ns
from pptx.oxml.xmlchemy import BaseOxmlElement
from pptx.util import Length

qn = cache(ns.qn)   # "a:p" → "{…/main}p", looked up once: python-pptx's qn parses the tag on every call
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_TABLE_URI = "http://schemas.openxmlformats.org/drawingml/2006/table"
SLIDE_NUMBER_FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"   # fixed: the output is reproducible
ALIGN = {"left": "l", "center": "ctr", "right": "r"}   # a:pPr algn
_P, _R, _T, _BR = (qn(t) for t in ("a:p", "a:r", "a:t", "a:br"))
_SOLID, _SRGB, _SCHEME = (qn(t) for t in ("a:solidFill", "a:srgbClr", "a:schemeClr"))
_SP_PR, _XFRM, _OFF, _EXT = (qn(t) for t in ("p:spPr", "a:xfrm", "a:off", "a:ext"))
_CONTROL = re.compile(r"([\x00-\x08\x0B-\x1F])")
_NOT_IN_ATTRIBUTES = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")     # what lxml refuses (it writes tab, LF, CR)


# python-pptx finds the ids in use with an XPath query it compiles at every call (about 60-100 µs in a deck
# being drawn); these are compiled once.
_IDS = etree.XPath("//@id", smart_strings=False)
_SLIDE_IDS = etree.XPath("./p:sldId/@id", namespaces={"p": P_NS}, smart_strings=False)
_SLIDE_ID_MIN, _SLIDE_ID_MAX = 256, 2147483647
_SLIDE_ID, _R_ID = qn("p:sldId"), qn("r:id")


def next_shape_id(tree: BaseOxmlElement) -> int:
    """The id python-pptx gives a shape added to the shape tree ``tree`` (``_next_shape_id``): one more than the
    largest numeric id anywhere in its part."""
    used = [int(value) for value in _IDS(tree) if value.isdigit()]
    return (max(used) if used else 0) + 1


def group_ids(tree: BaseOxmlElement) -> tuple[int, int]:
    """The ids python-pptx gives a group added to the shape tree ``tree`` (``add_group_shape``: the first id not in
    use in its part) and the first shape added to the group with "turbo add" on (one more than the largest then)."""
    used = {int(value) for value in _IDS(tree) if value.isdigit()}
    group = next(n for n in range(1, len(used) + 2) if n not in used)
    return group, max(used | {group}) + 1


def add_slide_id(ids: Any, r_id: str) -> None:
    """A ``p:sldId`` in ``ids`` (``p:sldIdLst``) for the slide related as ``r_id``, as python-pptx's ``add_sldId``
    adds it: one more than the largest id in the list, at least 256."""
    next_id = max([_SLIDE_ID_MIN - 1, *(int(value) for value in _SLIDE_IDS(ids))]) + 1
    if next_id > _SLIDE_ID_MAX:      # python-pptx then looks for a free id below the largest
        ids.add_sldId(r_id)
        return
    etree.SubElement(ids, _SLIDE_ID, {"id": str(next_id), _R_ID: r_id})    # the list has no other children


def no_autofit(body_pr: BaseOxmlElement) -> None:
    """The text keeps its size and the box its height (both were measured)."""
    for tag in ("a:spAutoFit", "a:normAutofit", "a:noAutofit"):
        for el in body_pr.findall(qn(tag)):
            body_pr.remove(el)
    etree.SubElement(body_pr, qn("a:noAutofit"))


_INSETS = ("lIns", "rIns", "tIns", "bIns")
_INSET_DEFAULTS = (91440, 91440, 45720, 45720)   # python-pptx's margin setters drop an inset at its default


def frame_text(body_pr: BaseOxmlElement, anchor: str, insets: tuple[Length, Length, Length, Length]) -> None:
    """``a:bodyPr`` as python-pptx's ``word_wrap`` (on), ``vertical_anchor`` (``anchor``: "t", "ctr", "b") and
    margin setters (``insets``: left, right, top, bottom) leave it, then not autofitted (``no_autofit``)."""
    body_pr.set("wrap", "square")
    body_pr.set("anchor", anchor)
    for name, value, default in zip(_INSETS, insets, _INSET_DEFAULTS, strict=True):
        if int(value) == default:
            body_pr.attrib.pop(name, None)
        else:
            body_pr.set(name, str(int(value)))
    no_autofit(body_pr)


def place(shape_el: BaseOxmlElement, x: Length, y: Length, cx: Length, cy: Length) -> None:
    """A shape's offset and extent, as python-pptx's ``left``, ``top``, ``width`` and ``height`` setters write
    them (``a:xfrm`` added first in ``p:spPr`` when missing)."""
    sp_pr = shape_el.find(_SP_PR)
    xfrm = sp_pr.find(_XFRM)
    if xfrm is None:
        xfrm = etree.Element(_XFRM)
        sp_pr.insert(0, xfrm)
    off = xfrm.find(_OFF)
    if off is None:
        off = etree.Element(_OFF)
        xfrm.insert(0, off)
    off.set("x", str(int(x)))
    off.set("y", str(int(y)))
    ext = xfrm.find(_EXT)
    if ext is None:
        ext = etree.Element(_EXT)
        off.addnext(ext)
    ext.set("cx", str(int(cx)))
    ext.set("cy", str(int(cy)))


def no_effects(shape_el: BaseOxmlElement) -> None:
    """No shadow or glow from the theme: an explicit empty ``a:effectLst`` and the style's
    effect reference set to none (shapes and connectors alike)."""
    sp_pr = shape_el.spPr
    sp_pr.get_or_add_effectLst()
    ref = shape_el.find(f"{qn('p:style')}/{qn('a:effectRef')}")
    if ref is not None:
        ref.set("idx", "0")


def slide_number_xml(number: int, size_hundredths: int, colour: str, font: str | None) -> str:
    """A right-aligned paragraph holding a slide-number field (shown as ``number`` until the viewer renumbers
    it) at ``size_hundredths`` in ``colour`` and, when given, ``font`` (for ``set_paragraphs``)."""
    latin = f'<a:latin typeface="{_q(font)}"/>' if font else ""
    return (f'<a:p><a:pPr algn="r"/><a:fld id="{SLIDE_NUMBER_FIELD_ID}" type="slidenum"><a:rPr lang="en-GB" '
            f'sz="{size_hundredths}">{_fill_xml(colour)}'
            f"{latin}</a:rPr><a:t>{number}</a:t></a:fld></a:p>")


def stretch_x(shape_el: BaseOxmlElement, factor: float) -> None:
    """Scale a master or layout shape's horizontal offset and width (a wider slide)."""
    xfrm = shape_el.find(".//" + qn("a:xfrm"))
    if xfrm is None or xfrm.find(qn("a:off")) is None:
        return
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    off.set("x", str(int(int(off.get("x")) * factor)))
    ext.set("cx", str(int(int(ext.get("cx")) * factor)))


def restyle_theme(blob: bytes, font: str, colours: dict[str, str], scheme_name: str) -> bytes:
    """The theme part with ``font`` as major and minor Latin font and the named scheme colours replaced."""
    a = "{" + A_NS + "}"
    root = etree.fromstring(blob)
    for tag in ("majorFont", "minorFont"):
        for latin in root.iter(f"{a}{tag}"):
            latin.find(f"{a}latin").set("typeface", font)
    scheme = root.find(f".//{a}clrScheme")
    if scheme is not None:
        scheme.set("name", scheme_name)
        for name, hex_colour in colours.items():
            el = scheme.find(f"{a}{name}")
            if el is None:
                continue
            for child in list(el):
                el.remove(child)
            etree.SubElement(el, f"{a}srgbClr", val=_hex(hex_colour))
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


# --- text, written as python-pptx's text API writes it (same elements, same order), without its
# --- per-call schema searches: a deck's text is most of its build time.

# A body's paragraphs are written as XML text and parsed in one go (the tree is the same as element-by-element
# building gives, at a fraction of the cost: a deck has thousands of paragraphs).
_PARSER = etree.XMLParser(resolve_entities=False)
_PARSER.set_element_class_lookup(element_class_lookup)      # python-pptx's element classes, its whitespace kept
_TEXT_NS = f' xmlns:a="{A_NS}" xmlns:r="{R_NS}"'
_WRAPPER = f"<a:body{_TEXT_NS}>"
_QUOTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;",
                        "\r": "&#13;"})


def _q(value: str) -> str:
    """``value`` as XML text or a double-quoted attribute value."""
    return value.translate(_QUOTE)


def bullet_xml(margin: Length, hanging: bool, char: str | None, font: str | None,
               colour: str | None) -> tuple[str, str]:
    """A paragraph's left margin and hanging indent and its bullet ``char`` (None: no bullet; ``font`` None: the
    template's bullet font and colour are kept), as ``paragraph_xml``'s ``bullet``: (a:pPr attributes, children)."""
    attrs = f' marL="{int(margin)}" indent="{-int(margin) if hanging else 0}"'
    if char is None:
        return attrs, "<a:buNone/>"
    if font is None:
        return attrs, ""
    tint = f'<a:buClr><a:srgbClr val="{_hex(colour)}"/></a:buClr>' if colour is not None else ""
    return attrs, f'{tint}<a:buFont typeface="{_q(font)}"/><a:buChar char="{_q(char)}"/>'


def run_xml(text: str, size: Length, bold: bool, font: str | None = None, colour: str | None = None,
            scheme: str | None = None, link: str | None = None) -> str:
    """A run of ``text`` at ``size``: bold or not, in ``font`` (None: the theme's), coloured ``colour``
    (#RRGGBB) or theme colour ``scheme`` (e.g. "hlink") or inherited; ``link`` a hyperlink's relationship id."""
    return f"{_run_start(size, bold, font, colour, scheme, link)}{_q(_escape(text))}</a:t></a:r>"


@lru_cache(maxsize=1024)
def _run_start(size: Length, bold: bool, font: str | None, colour: str | None, scheme: str | None,
               link: str | None) -> str:
    """A run up to its text: ``<a:r>``, its properties (``run_xml``) and ``<a:t>`` (a deck's runs share a few)."""
    fill = (_fill_xml(colour) if colour is not None
            else f'<a:solidFill><a:schemeClr val="{scheme}"/></a:solidFill>' if scheme is not None else "")
    latin = f'<a:latin typeface="{_q(font)}"/>' if font else ""
    hlink = f'<a:hlinkClick r:id="{link}"/>' if link is not None else ""
    return f'<a:r><a:rPr sz="{size.centipoints}" b="{1 if bold else 0}">{fill}{latin}{hlink}</a:rPr><a:t>'


def paragraph_xml(align: str, line: Length | None, before: Length | None = None, after: Length | None = None,
                  runs: str = "", bullet: tuple[str, str] = ("", "")) -> str:
    """A paragraph: alignment (an ``ALIGN`` value), when given its exact line pitch and the space before and
    after, its ``bullet`` (``bullet_xml``) and its ``runs`` (``run_xml``)."""
    return f"{_paragraph_start(align, line, before, after, bullet)}{runs}</a:p>"


@lru_cache(maxsize=1024)
def _paragraph_start(align: str, line: Length | None, before: Length | None, after: Length | None,
                     bullet: tuple[str, str]) -> str:
    """A paragraph up to its runs: ``<a:p>`` and its properties (``paragraph_xml``; a deck's share a few)."""
    spacing = "".join(f'<a:{tag}><a:spcPts val="{value.centipoints}"/></a:{tag}>'
                      for tag, value in (("lnSpc", line), ("spcBef", before), ("spcAft", after)) if value is not None)
    attrs, marks = bullet
    return f'<a:p><a:pPr algn="{align}"{attrs}>{spacing}{marks}</a:pPr>'


def set_paragraphs(tx_body: BaseOxmlElement, paragraphs: list[str]) -> None:
    """Replace the paragraphs of ``tx_body`` with ``paragraphs`` (``paragraph_xml``); none: it is left as it is
    (a new body's one empty paragraph)."""
    if not paragraphs:
        return
    for p in list(tx_body.iterchildren(_P)):
        tx_body.remove(p)
    body = _parsed(_WRAPPER, paragraphs, _TEXT_NS, "</a:body>")
    tx_body.extend(body)


def _parsed(wrapper: str, fragments: list[str], namespaces: str, end: str) -> list[Any]:
    """The elements ``fragments`` (each one element's XML), parsed at once, each declaring ``namespaces`` itself, so
    that moving it into a part costs little (lxml fixes up every node of an element whose namespaces were declared
    on a parent left behind); empty runs written <a:t></a:t>, as setting their text writes them."""
    root = etree.fromstring(wrapper + "".join(_declared(xml, namespaces) for xml in fragments) + end, _PARSER)
    _runs_kept(root)
    return list(root)


def _declared(xml: str, namespaces: str) -> str:
    """The element ``xml`` with ``namespaces`` declared on its start tag (which has no attributes)."""
    k = xml.index(">")
    if xml[k - 1] == "/":
        k -= 1
    return xml[:k] + namespaces + xml[k:]


def _runs_kept(parsed: etree._Element) -> None:
    """An empty run in ``parsed`` written <a:t></a:t>, as setting its text writes it (parsed, it would be <a:t/>)."""
    for t in parsed.iter(_T):
        if t.text is None:
            t.text = ""


def _escape(text: str) -> str:
    """Control characters as python-pptx writes them in text ("_x001B_")."""
    return _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)


def set_text(tx_body: BaseOxmlElement, text: str) -> None:
    """Replace the paragraphs of ``tx_body`` with ``text``, as python-pptx's ``TextFrame.text`` does: a paragraph
    for each line, plain runs (no properties), a line break for each vertical tab."""
    for p in list(tx_body.iterchildren(_P)):
        tx_body.remove(p)
    for line in text.split("\n"):
        p = etree.SubElement(tx_body, _P)
        for k, piece in enumerate(line.split("\v")):
            if k:
                etree.SubElement(p, _BR)
            if piece:
                etree.SubElement(etree.SubElement(p, _R), _T).text = _escape(piece)


_SHAPE_TAGS = frozenset(qn(t) for t in ("p:sp", "p:grpSp", "p:graphicFrame", "p:cxnSp", "p:pic", "p:contentPart"))
_XFRMS = (f"{qn('p:spPr')}/{qn('a:xfrm')}", f"{qn('p:grpSpPr')}/{qn('a:xfrm')}", qn("p:xfrm"))


# Each composed shape's frame (``*_xml`` write one a:off and a:ext each; their text is escaped, so nothing else
# matches).
_FRAME = re.compile(r'<a:off x="(-?\d+)" y="(-?\d+)"/><a:ext cx="(-?\d+)" cy="(-?\d+)"/>')


def _enclosing(shapes_xml: str) -> tuple[int, int, int, int]:
    """The frame (x, y, cx, cy) enclosing the frames of the shapes ``shapes_xml`` (``*_xml``), as ``fit_group``
    finds it; all 0 when there are none."""
    frames = [(int(x), int(y), int(cx), int(cy)) for x, y, cx, cy in _FRAME.findall(shapes_xml)]
    return _enclose(frames) if frames else (0, 0, 0, 0)


def _enclose(frames: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    """The frame (x, y, cx, cy) enclosing ``frames`` (at least one)."""
    x0, y0 = min(f[0] for f in frames), min(f[1] for f in frames)
    return x0, y0, max(f[0] + f[2] for f in frames) - x0, max(f[1] + f[3] for f in frames) - y0


def fit_group(grp_sp: BaseOxmlElement) -> None:
    """A group's offset and extent (and its children's) set to enclose its child shapes, as python-pptx's
    ``recalculate_extents`` does, reading each child's frame once."""
    frames = []
    for child in grp_sp.iterchildren():
        if child.tag not in _SHAPE_TAGS:
            continue
        xfrm = next(x for x in (child.find(path) for path in _XFRMS) if x is not None)
        off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
        frames.append((int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy"))))
    x0, y0, cx, cy = _enclose(frames)
    xfrm = grp_sp.find(_XFRMS[1])
    for tag, a, b in (("a:off", x0, y0), ("a:chOff", x0, y0)):
        xfrm.find(qn(tag)).set("x", str(a))
        xfrm.find(qn(tag)).set("y", str(b))
    for tag in ("a:ext", "a:chExt"):
        xfrm.find(qn(tag)).set("cx", str(cx))
        xfrm.find(qn(tag)).set("cy", str(cy))


# --- shapes, written as python-pptx's add_shape / add_textbox and our styling leave them (the same elements and
# --- attributes in the same order), without its proxies: a diagram has dozens.

_SHAPE_NS = f' xmlns:a="{A_NS}" xmlns:p="{P_NS}" xmlns:r="{R_NS}"'
_SHAPE_WRAPPER = f"<p:shapes{_SHAPE_NS}>"


def _add_shape(parent: BaseOxmlElement, xml: str) -> Any:
    """The shape ``xml`` parsed and added to ``parent`` (a shape tree or group; before its ``p:extLst``)."""
    return add_shapes(parent, [xml])[0]


def add_shapes(parent: BaseOxmlElement, shapes_xml: list[str]) -> list[Any]:
    """The shapes ``shapes_xml`` (``*_xml``) parsed at once and added to ``parent`` (a shape tree or group; before
    its ``p:extLst``), in order."""
    shapes = _parsed(_SHAPE_WRAPPER, shapes_xml, _SHAPE_NS, "</p:shapes>")
    ext_lst = parent.find(qn("p:extLst"))
    if ext_lst is None:
        parent.extend(shapes)
    else:
        for shape in shapes:
            ext_lst.addprevious(shape)
    return shapes


def group_shape(parent: BaseOxmlElement, shape_id: int, name: str, descr: str, title: str | None,
                children: str) -> BaseOxmlElement:
    """A group (python-pptx's ``add_group_shape``, named ``name``, its alt text ``descr`` and ``title`` when given)
    holding the shapes ``children`` (``*_xml``), its frame enclosing theirs (python-pptx's ``recalculate_extents``;
    ``fit_group`` after adding more). Return the group."""
    titled = f' title="{_q(title)}"' if title else ""
    x, y, cx, cy = _enclosing(children)
    group = _add_shape(parent, (
        f'<p:grpSp><p:nvGrpSpPr><p:cNvPr id="{shape_id}" name="{_q(name)}" descr="{_q(descr)}"{titled}/>'
        f'<p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" '
        f'cy="{cy}"/><a:chOff x="{x}" y="{y}"/><a:chExt cx="{cx}" cy="{cy}"/></a:xfrm></p:grpSpPr>{children}'
        "</p:grpSp>"))
    return cast(BaseOxmlElement, group)


def _sp_xml(shape_id: int, name: str, x: Length, y: Length, cx: Length, cy: Length, prst: str, text_box: bool,
            geometry: str, properties: str, style: str, body: str) -> str:
    """A ``p:sp`` as python-pptx's ``add_shape`` / ``add_textbox`` write it: the ``geometry`` adjustments of preset
    ``prst``, then its ``properties`` (fill, line, effects), ``style`` and text ``body``."""
    box = ' txBox="1"' if text_box else ""
    return (f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{_q(name)}"/><p:cNvSpPr{box}/><p:nvPr/></p:nvSpPr>'
            f'<p:spPr><a:xfrm><a:off x="{int(x)}" y="{int(y)}"/><a:ext cx="{int(cx)}" cy="{int(cy)}"/></a:xfrm>'
            f'<a:prstGeom prst="{prst}"><a:avLst>{geometry}</a:avLst></a:prstGeom>{properties}</p:spPr>'
            f"{style}{body}</p:sp>")


def _body_xml(attrs: str, paragraph_align: str | None, autofit: bool = False, paragraphs: str = "") -> str:
    """A shape's txBody: ``a:bodyPr`` with ``attrs`` (and ``a:noAutofit`` unless ``autofit``), its ``paragraphs``
    (``paragraph_xml``), or none: one empty paragraph."""
    fit = "" if autofit else "<a:noAutofit/>"
    p_pr = f'<a:pPr algn="{paragraph_align}"/>' if paragraph_align is not None else ""
    return f"<p:txBody><a:bodyPr{attrs}>{fit}</a:bodyPr><a:lstStyle/>{paragraphs or f'<a:p>{p_pr}</a:p>'}</p:txBody>"


def _style_xml(effect: str, font_colour: str = "lt1", line: str = "1", fill: str = "3") -> str:
    """python-pptx's autoshape (or connector) style; ``effect`` the effect (shadow) reference: "0" for none."""
    refs = (("lnRef", line, "accent1"), ("fillRef", fill, "accent1"), ("effectRef", effect, "accent1"),
            ("fontRef", "minor", font_colour))
    return "<p:style>" + "".join(f'<a:{tag} idx="{idx}"><a:schemeClr val="{colour}"/></a:{tag}>'
                                 for tag, idx, colour in refs) + "</p:style>"


def _fill_xml(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{_hex(colour)}"/></a:solidFill>'


def _hex(colour: str) -> str:
    """"#0b5394" as DrawingML writes it: "0B5394"."""
    return colour.lstrip("#").upper()


def box_xml(shape_id: int, name: str, x: Length, y: Length, cx: Length, cy: Length, corner: float, fill: str,
            line: str, line_width: Length, insets: tuple[Length, Length], paragraphs: str) -> str:
    """A rounded rectangle (``corner``: its adjustment, 0..0.5) filled ``fill`` with a ``line`` outline and no
    effects, its text ``paragraphs`` (none: one empty centred paragraph) centred vertically within ``insets``
    (left and right), not autofitted."""
    left, right = (int(i) for i in insets)
    return _sp_xml(
        shape_id, name, x, y, cx, cy, "roundRect", False, f'<a:gd name="adj" fmla="val {int(corner * 100000.0)}"/>',
        f'{_fill_xml(fill)}<a:ln w="{int(line_width)}">{_fill_xml(line)}</a:ln><a:effectLst/>', _style_xml("0"),
        _body_xml(f' rtlCol="0" anchor="ctr" wrap="square" lIns="{left}" rIns="{right}" tIns="0" bIns="0"', "ctr",
                  paragraphs=paragraphs))


def text_box_xml(shape_id: int, name: str, x: Length, y: Length, cx: Length, cy: Length, anchor: str = "t",
                 insets: tuple[int, ...] = (0, 0, 0, 0), paragraphs: str = "") -> str:
    """A text box with no fill, its text ``paragraphs`` (none: one empty paragraph) wrapped, not autofitted,
    anchored ``anchor`` ("t", "ctr", "b") within ``insets`` (left, right, top, bottom; one at python-pptx's default
    is left out, as its setters leave it)."""
    margins = "".join(f' {side}="{int(value)}"' for side, value, default in zip(_INSETS, insets, _INSET_DEFAULTS,
                                                                                 strict=True) if int(value) != default)
    return _sp_xml(shape_id, name, x, y, cx, cy, "rect", True, "", "<a:noFill/>", "",
                   _body_xml(f' wrap="square" anchor="{anchor}"{margins}', None, paragraphs=paragraphs))


def band_fill(sp: BaseOxmlElement, colour: str | None) -> None:
    """A text box filled ``colour`` (None: the theme's accent 1 at 85 % brightness) with no outline, as python-pptx's
    ``fill.solid()``, ``fore_color`` and ``line.fill.background()`` leave it."""
    sp_pr = sp.find(_SP_PR)
    for old in sp_pr.findall(qn("a:noFill")):
        sp_pr.remove(old)
    fill = etree.Element(_SOLID)
    sp_pr.find(qn("a:prstGeom")).addnext(fill)
    if colour is not None:
        etree.SubElement(fill, _SRGB, val=_hex(colour))
    else:
        scheme = etree.SubElement(fill, _SCHEME, val="accent1")
        etree.SubElement(scheme, qn("a:lumMod"), val="15000")
        etree.SubElement(scheme, qn("a:lumOff"), val="85000")
    etree.SubElement(etree.SubElement(sp_pr, qn("a:ln")), qn("a:noFill"))


def rule_shape(parent: BaseOxmlElement, shape_id: int, name: str, x: Length, y: Length, cx: Length, cy: Length,
               fill: str) -> None:
    """A flat rectangle filled ``fill``: no outline, no shadow of its own (an empty effect list; the style's
    effect reference kept)."""
    _add_shape(parent, flat_xml(shape_id, name, x, y, cx, cy, fill, effect="2"))


def flat_xml(shape_id: int, name: str, x: Length, y: Length, cx: Length, cy: Length, fill: str,
             outline: tuple[str, Length] | None = None, effect: str = "0") -> str:
    """A rectangle filled ``fill`` with no outline, or an ``outline`` (colour, width), and no shadow (an empty
    effect list, the style's effect reference ``effect``), as python-pptx's ``add_shape`` and its fill and line
    setters leave it."""
    line = ("<a:ln><a:noFill/></a:ln>" if outline is None
            else f'<a:ln w="{int(outline[1])}">{_fill_xml(outline[0])}</a:ln>')
    properties = f"{_fill_xml(fill)}{line}<a:effectLst/>"
    return _sp_xml(shape_id, name, x, y, cx, cy, "rect", False, "", properties, _style_xml(effect),
                   _body_xml(' rtlCol="0" anchor="ctr"', "ctr", autofit=True))


def connector_xml(shape_id: int, name: str, x: int, y: int, cx: int, cy: int, width: int, colour: str, *,
                  preset: str = "line", adjust: float | None = None, rotate: bool = False, flip_h: bool = False,
                  flip_v: bool = False, glue: tuple[tuple[int, int], tuple[int, int]] | None = None,
                  dashed: bool = False, dotted: bool = False, arrow: bool = False) -> str:
    """A connector (python-pptx's ``add_connector`` and our styling, as they leave it): its frame (a 90°
    ``rotate``, the flips), ``preset`` geometry (``line``, ``straightConnector1``, ``bentConnector2``/``3``) and
    bend ``adjust``, its ends glued to (shape id, connection site) ``glue``, a line ``width`` wide in ``colour``,
    dashed or dotted, with a triangle arrowhead at the end (``arrow``), and no shadow."""
    ends = ""
    if glue is not None:
        (start_id, start_site), (end_id, end_site) = glue
        ends = f'<a:stCxn id="{start_id}" idx="{start_site}"/><a:endCxn id="{end_id}" idx="{end_site}"/>'
    turn = "".join(f' {attr}="{value}"' for attr, on, value in
                   (("rot", rotate, "5400000"), ("flipH", flip_h, "1"), ("flipV", flip_v, "1")) if on)
    bend = (f'<a:gd name="adj1" fmla="val {round(adjust * 100000)}"/>'
            if adjust is not None and abs(adjust - 0.5) > 1e-6 else "")
    dash = f'<a:prstDash val="{"dash" if dashed else "sysDot"}"/>' if dashed or dotted else ""
    head = '<a:tailEnd type="triangle" w="med" len="med"/>' if arrow else ""
    return (
        f'<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="{shape_id}" name="{_q(name)}"/><p:cNvCxnSpPr>{ends}</p:cNvCxnSpPr>'
        f'<p:nvPr/></p:nvCxnSpPr><p:spPr><a:xfrm{turn}><a:off x="{int(x)}" y="{int(y)}"/>'
        f'<a:ext cx="{int(cx)}" cy="{int(cy)}"/></a:xfrm><a:prstGeom prst="{preset}"><a:avLst>{bend}</a:avLst>'
        f'</a:prstGeom><a:ln w="{int(width)}">{_fill_xml(colour)}{dash}<a:round/>{head}</a:ln><a:effectLst/>'
        f'</p:spPr>{_style_xml("0", "tx1", line="2", fill="0")}</p:cxnSp>')


# --- tables, written as python-pptx's add_table, merge and cell setters and our styling leave them -----------

def cell_xml(paragraphs: str, margins: tuple[Length, Length] | None, anchor: str | None, fill: str | None,
             rule: str | None, rule_width: Length, span: int = 1, merged: bool = False) -> str:
    """An ``a:tc`` holding ``paragraphs`` (``paragraph_xml``; none: one empty paragraph), its margins (left and
    right, top and bottom) and vertical ``anchor`` ("t", "ctr", "b") when given, only a bottom rule (``rule`` None:
    none) and a solid ``fill`` or none; ``span`` columns wide (a merge's first cell) or ``merged`` into the cell
    before it."""
    merge = f' gridSpan="{span}"' if span > 1 else ' hMerge="1"' if merged else ""
    frame = ""
    if margins is not None:
        mx, my = int(margins[0]), int(margins[1])
        frame = f' marL="{mx}" marR="{mx}" marT="{my}" marB="{my}"'
    if anchor is not None:
        frame += f' anchor="{anchor}"'
    sides = "".join(f'<a:{side} w="0"><a:noFill/></a:{side}>' for side in ("lnL", "lnR", "lnT"))
    bottom = (f'<a:lnB w="{int(rule_width)}">{_fill_xml(rule)}</a:lnB>' if rule is not None
              else '<a:lnB w="0"><a:noFill/></a:lnB>')
    background = _fill_xml(fill) if fill else "<a:noFill/>"
    return (f'<a:tc{merge}><a:txBody><a:bodyPr/><a:lstStyle/>{paragraphs or "<a:p/>"}</a:txBody>'
            f"<a:tcPr{frame}>{sides}{bottom}{background}</a:tcPr></a:tc>")


def table_shape(parent: BaseOxmlElement, shape_id: int, name: str, x: Length, y: Length, widths: list[Length],
                heights: list[Length], first_row: bool, style_id: str, rows: list[list[str]]) -> BaseOxmlElement:
    """A table (a ``p:graphicFrame``) as wide and tall as its columns' ``widths`` and rows' ``heights`` add up to,
    on the built-in table style ``style_id`` (no banded rows; its first row styled as a header when
    ``first_row``), holding ``rows`` of cells (``cell_xml``); return the frame."""
    grid = "".join(f'<a:gridCol w="{int(w)}"/>' for w in widths)
    body = "".join(f'<a:tr h="{int(h)}">{"".join(cells)}</a:tr>' for h, cells in zip(heights, rows, strict=True))
    header = ' firstRow="1"' if first_row else ""
    frame = _add_shape(parent, (
        f'<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="{shape_id}" name="{_q(name)}"/><p:cNvGraphicFramePr>'
        f'<a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>'
        f'<p:xfrm><a:off x="{int(x)}" y="{int(y)}"/><a:ext cx="{sum(int(w) for w in widths)}" '
        f'cy="{sum(int(h) for h in heights)}"/></p:xfrm><a:graphic><a:graphicData uri="{_TABLE_URI}"><a:tbl>'
        f"<a:tblPr{header}><a:tableStyleId>{style_id}</a:tableStyleId></a:tblPr><a:tblGrid>{grid}</a:tblGrid>"
        f"{body}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"))
    return cast(BaseOxmlElement, frame)


# --- a package's content types and relationships, as python-pptx's PackageWriter writes them --------------------

_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def _attribute(value: str) -> str:
    """``value`` as a double-quoted attribute value, as lxml writes it (which refuses control characters)."""
    if _NOT_IN_ATTRIBUTES.search(value) is not None:
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return _q(value)


def _document(root: str, namespace: str, children: list[str]) -> bytes:
    """A package part's XML: the declaration, then ``root`` in ``namespace`` holding ``children`` (XML text)."""
    body = f'<{root} xmlns="{namespace}">{"".join(children)}</{root}>' if children else f'<{root} xmlns="{namespace}"/>'
    return (_DECLARATION + body).encode("utf-8")


@lru_cache(maxsize=1024)
def rels_xml(rels: tuple[tuple[str, str, str, bool], ...]) -> bytes:
    """A .rels part holding ``rels`` (id, type, target, external), in that order (remembered: the layouts', the
    master's and most slides' are the same in every deck)."""
    external_mode = ' TargetMode="External"'
    return _document("Relationships", _RELS_NS, [
        f'<Relationship Id="{_attribute(r_id)}" Type="{_attribute(kind)}" Target="{_attribute(target)}"'
        f'{external_mode if external else ""}/>' for r_id, kind, target, external in rels])


def content_types_xml(defaults: list[tuple[str, str]], overrides: list[tuple[str, str]]) -> bytes:
    """``[Content_Types].xml`` with ``defaults`` (extension, content type), then ``overrides`` (part name, content
    type), in those orders."""
    return _document("Types", _TYPES_NS, [
        *(f'<Default Extension="{_attribute(ext)}" ContentType="{_attribute(kind)}"/>' for ext, kind in defaults),
        *(f'<Override PartName="{_attribute(name)}" ContentType="{_attribute(kind)}"/>' for name, kind in overrides)])
