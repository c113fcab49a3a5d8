"""A deck's new slides and their placeholders, without python-pptx's per-slide placeholder work (python-pptx).

In:  the presentation being drawn (``deck_package.open_presentation``) and, for each slide, one of its layouts.
Out: ``SlideMaker.new``: a new slide at the end of the deck, exactly as python-pptx's ``add_slide`` makes it
     (the layout's placeholders cloned, the same part name, relationships and slide id); ``placeholder``,
     ``placeholder_ids`` and ``tidy`` answer and edit a slide's placeholders as ``slide.placeholders`` would.

python-pptx makes the first slide of each layout; the others start as copies of it (cloning placeholders
searches the layout's shapes again for every slide), in this deck and, when the maker is given the package's
shared ``prototypes`` (``Frame.first_slides``), in every later deck drawn on a copy of the same package.
A slide's placeholders are known from its layout's first slide, so looking one up needs no search of the
slide's shapes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.parts.slide import SlidePart

from . import pptx_xml


@dataclass(frozen=True)
class _Holder:
    """A placeholder of a layout's first slide: its place among the shape tree's children, shape id and type."""

    at: int
    shape_id: int
    kind: Any          # a PP_PLACEHOLDER member, or None when python-pptx does not know the type
    proxy: Any         # the class python-pptx's shape factory makes for it (it reads the element's type again)


@dataclass(frozen=True)
class _Prototype:
    element: Any                  # the first slide's p:sld, as python-pptx made it
    holders: tuple[_Holder, ...]  # in python-pptx's order (``slide.placeholders``: by idx)


class SlideMaker:
    """Adds slides to ``prs`` and remembers each one's placeholder elements."""

    def __init__(self, prs: Any, prototypes: dict[str, Any] | None = None) -> None:
        self.prs = prs
        # By layout part name; ``prototypes`` may be shared by decks drawn on copies of one package.
        self._prototypes: dict[str, _Prototype] = {} if prototypes is None else prototypes
        self._holders: dict[Any, list[tuple[Any, _Holder]]] = {}   # by slide part: (element, holder)

    def new(self, layout: Any) -> Any:
        """A new last slide on ``layout``."""
        proto = self._prototypes.get(layout.part.partname)
        if proto is None:
            slide = self.prs.slides.add_slide(layout)
            proto = _Prototype(copy.deepcopy(slide._element), _holders_of(slide))
            self._prototypes[layout.part.partname] = proto
        else:
            slides = self.prs.slides
            partname = PackURI(f"/ppt/slides/slide{len(slides._sldIdLst) + 1}.xml")   # as python-pptx numbers them
            part = SlidePart(partname, CT.PML_SLIDE, self.prs.part.package, copy.deepcopy(proto.element))
            part.relate_to(layout.part, RT.SLIDE_LAYOUT)
            pptx_xml.add_slide_id(slides._sldIdLst, self.prs.part.relate_to(part, RT.SLIDE))
            slide = part.slide
        tree = list(slide.shapes._spTree)
        self._holders[slide.part] = [(tree[h.at], h) for h in proto.holders]
        return slide

    def _present(self, slide: Any) -> list[tuple[Any, _Holder]]:
        return [(el, h) for el, h in self._holders[slide.part] if el.getparent() is not None]

    def placeholder(self, slide: Any, kinds: tuple[Any, ...]) -> Any:
        """The slide's first placeholder (in python-pptx's order) of one of ``kinds``, or None."""
        for el, h in self._present(slide):
            if h.kind in kinds:
                return h.proxy(el, slide.placeholders)
        return None

    def placeholder_ids(self, slide: Any, kinds: tuple[Any, ...]) -> set[int]:
        """The shape ids of the slide's placeholders of one of ``kinds``."""
        return {h.shape_id for _, h in self._present(slide) if h.kind in kinds}

    def tidy(self, slide: Any, keep: set[int]) -> None:
        """Remove the placeholders whose shape id is not in ``keep`` (they would show 'Click to add text')."""
        for el, h in self._present(slide):
            if h.shape_id not in keep:
                el.getparent().remove(el)


def _holders_of(slide: Any) -> tuple[_Holder, ...]:
    tree = list(slide.shapes._spTree)
    out = []
    for ph in slide.placeholders:
        try:
            kind = ph.placeholder_format.type
        except ValueError:  # pragma: no cover - unknown placeholder type
            kind = None
        out.append(_Holder(tree.index(ph._element), ph.shape_id, kind, type(ph)))
    return tuple(out)
