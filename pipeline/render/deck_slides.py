"""A deck's new slides, their placeholders and notes pages, without python-pptx's per-slide work (python-pptx).

In:  the presentation being drawn (``deck_package.open_presentation``) and, for each slide, one of its layouts' parts.
Out: ``SlideMaker.new``: a new slide at the end of the deck, exactly as python-pptx's ``add_slide`` makes it
     (the layout's placeholders cloned, the same part name, relationships and slide id); ``placeholder``,
     ``placeholder_ids`` and ``tidy`` answer and edit a slide's placeholders as ``slide.placeholders`` would.
     ``NotesMaker.new``: a slide's new notes page (and, for the deck's first, the notes master python-pptx
     makes when the package has none), exactly as python-pptx's ``slide.notes_slide`` makes it; its text body.

python-pptx makes the first slide of each layout; the others start as copies of it (cloning placeholders
searches the layout's shapes again for every slide), in this deck and, when the maker is given the package's
shared ``prototypes`` (``Frame.first_slides``), in every later deck drawn on a copy of the same package.
A slide's placeholders are known from its layout's first slide, so looking one up needs no search of the
slide's shapes. Notes pages likewise: python-pptx makes the first deck's first one (with the notes master and
its theme, read from python-pptx's templates); later pages and decks start as copies of what it made.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import XmlPart
from pptx.opc.packuri import PackURI
from pptx.parts.slide import NotesMasterPart, NotesSlidePart, SlidePart

from . import pptx_xml
from .deck_opc import kept_part


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

    def new(self, layout_part: Any) -> Any:
        """A new last slide on the layout whose part is ``layout_part`` (a slide made as a copy reads nothing of it)."""
        proto = self._prototypes.get(layout_part.partname)
        if proto is None:
            slide = self.prs.slides.add_slide(layout_part.slide_layout)
            proto = _Prototype(copy.deepcopy(slide._element), _holders_of(slide))
            self._prototypes[layout_part.partname] = proto
        else:
            slides = self.prs.slides
            partname = PackURI(f"/ppt/slides/slide{len(slides._sldIdLst) + 1}.xml")   # as python-pptx numbers them
            part = SlidePart(partname, CT.PML_SLIDE, self.prs.part.package, copy.deepcopy(proto.element))
            _relate_new(part, layout_part, RT.SLIDE_LAYOUT)
            pptx_xml.add_slide_id(slides._sldIdLst, _relate_new(self.prs.part, part, RT.SLIDE))
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


@dataclass(frozen=True)
class _NotesKit:
    """A package's first notes page as python-pptx made it, to copy."""

    page: Any                     # the new page's p:notes, before its text is set
    body_at: tuple[int, ...]      # the child indexes down to its text body
    first: int                    # the number in its part name
    # The notes master python-pptx added (part name, p:notesMaster, its bytes) and its theme (part name, a:theme,
    # its bytes), both as made; None when the package has its own notes master.
    master: tuple[str, Any, bytes, str, Any, bytes] | None


class NotesMaker:
    """Adds notes pages to the slides of ``prs``; ``kits`` may be shared by decks drawn on copies of one package."""

    def __init__(self, prs: Any, kits: dict[str, Any] | None = None) -> None:
        self.prs = prs
        self._kits: dict[str, _NotesKit] = {} if kits is None else kits
        self._master: Any = None      # this deck's notes master part, once its first page is made
        self._made = 0                # the number in the last page's part name

    def new(self, slide: Any) -> Any:
        """The text body of a new notes page for ``slide`` (which has none)."""
        kit = self._kits.get("notes")
        if kit is None:
            return self._first(slide)
        package = self.prs.part.package
        if self._master is None:
            self._master = self._notes_master(kit.master)
            self._made = kit.first - 1
        # Numbered on from the first, as python-pptx's next_partname would (it searches every part for it).
        self._made += 1
        partname = PackURI(f"/ppt/notesSlides/notesSlide{self._made}.xml")
        part = NotesSlidePart(partname, CT.PML_NOTES_SLIDE, package, copy.deepcopy(kit.page))
        _relate_new(part, self._master, RT.NOTES_MASTER)
        _relate_new(part, slide.part, RT.SLIDE)
        _relate_new(slide.part, part, RT.NOTES_SLIDE)
        return _follow(part._element, kit.body_at)

    def _first(self, slide: Any) -> Any:
        """python-pptx's notes page (and notes master): made, and a copy kept before anything edits it."""
        had_master = any(rel.reltype == RT.NOTES_MASTER for rel in self.prs.part.rels.values())
        notes = slide.notes_slide
        tx_body = notes.notes_text_frame._txBody
        self._master = self.prs.part.part_related_by(RT.NOTES_MASTER)
        master = None
        if not had_master:
            theme = self._master.part_related_by(RT.THEME)
            master = (self._master.partname, copy.deepcopy(self._master._element), self._master.blob, theme.partname,
                      copy.deepcopy(theme._element), theme.blob)
        self._made = notes.part.partname.idx
        self._kits["notes"] = _NotesKit(copy.deepcopy(notes._element), _path_to(notes._element, tx_body), self._made,
                                        master)
        return tx_body

    def _notes_master(self, made: tuple[str, Any, bytes, str, Any, bytes] | None) -> Any:
        """The deck's notes master: the package's own, else a copy of the one python-pptx made and its theme
        (``kept_part``: no deck changes them), related as python-pptx relates them."""
        if made is None:
            return self.prs.part.part_related_by(RT.NOTES_MASTER)
        package = self.prs.part.package
        master_name, master_element, master_blob, theme_name, theme_element, theme_blob = made
        master = kept_part(NotesMasterPart, PackURI(master_name), CT.PML_NOTES_MASTER, package, master_element,
                           master_blob)
        theme = kept_part(XmlPart, PackURI(theme_name), CT.OFC_THEME, package, theme_element, theme_blob)
        master.relate_to(theme, RT.THEME)
        self.prs.part.relate_to(master, RT.NOTES_MASTER)
        return master


def _relate_new(source: Any, target: Any, reltype: str) -> str:
    """``source`` related to ``target`` as python-pptx's ``relate_to`` relates them, one of the two a part just
    made: ``relate_to`` first searches ``source``'s relationships of the type for one to ``target`` (rebuilding
    the index of them by type at each call), and there can be none."""
    r_id: str = source._rels._add_relationship(reltype, target)
    return r_id


def _path_to(root: Any, element: Any) -> tuple[int, ...]:
    """The child indexes leading from ``root`` down to ``element``."""
    path = []
    while element is not root:
        parent = element.getparent()
        path.append(parent.index(element))
        element = parent
    return tuple(reversed(path))


def _follow(root: Any, path: tuple[int, ...]) -> Any:
    for k in path:
        root = root[k]
    return root
