"""The presentation a deck is drawn on, and how it is saved (python-pptx).

In:  optionally ``template``, a .pptx whose layouts, theme and slide size to use.
Out: ``open_presentation``: the empty presentation (our default package, or the template without its
     slides) and its ``Frame``: the title, content and title-only layouts (found by their placeholders,
     then names) and the areas of a slide in points (title, body, diagram, footer band).
     ``save``: the .pptx as reproducible bytes (stable zip entry order, fixed timestamps, core
     properties dated from ``SOURCE_DATE_EPOCH`` or 2000-01-01, revision 1). Each deck is drawn on a copy of
     the package read once per process (``deck_opc``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from .. import theme
from ..content import source_date
from ..errors import RenderError
from ..layout.text import LINE_HEIGHT
from ..template import load_template
from . import pptx_xml
from .deck_diagram import emu
from .deck_opc import Blueprint, blueprint, copied, members
from .stable_zip import stable_zip

FONT = "DejaVu Sans"
SLIDE_W, SLIDE_H = 960.0, 540.0            # 13.333 in × 7.5 in, 16:9
FOOTER_SIZE = 16.0                         # footer and slide number
FIXED_DATE = _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)
TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
CONTENT_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.CHART, PP_PLACEHOLDER.TABLE,
                 PP_PLACEHOLDER.PICTURE, PP_PLACEHOLDER.MEDIA_CLIP, PP_PLACEHOLDER.ORG_CHART, PP_PLACEHOLDER.BITMAP,
                 PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.VERTICAL_BODY, PP_PLACEHOLDER.VERTICAL_OBJECT)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Frame:
    """A slide's size, the parts of the layouts to use and the areas of a slide, in points."""

    W: float
    H: float
    layout_parts: dict[str, Any]     # by kind: "title", "content", "title_only"
    title: Rect
    body: Rect
    diagram: Rect                    # the body, a little taller: a diagram has no text under it
    footer: Rect
    footer_size: float
    # Each layout's first slide as python-pptx made it (``deck_slides``), by layout part name: shared by every
    # deck drawn on a copy of the same package.
    first_slides: dict[str, Any] = field(default_factory=dict, compare=False)
    # The first notes page (and notes master) python-pptx made for a deck on this package (``deck_slides``).
    first_notes: dict[str, Any] = field(default_factory=dict, compare=False)

    def clamp(self, r: Rect) -> Rect:
        """``r`` within the slide."""
        x, y = max(r.x, 0.0), max(r.y, 0.0)
        return Rect(x, y, min(r.w, self.W - x), min(r.h, self.H - y))


def pt(value: int | None) -> float:
    """EMU as points."""
    return (value or 0) / 12700.0


def rect_of(shape: Any) -> Rect | None:
    """A shape's or placeholder's rectangle (inherited from its layout), or None when it has none."""
    try:
        if shape.left is None or shape.width is None:
            return None
        return Rect(pt(shape.left), pt(shape.top), pt(shape.width), pt(shape.height))
    except (AttributeError, KeyError):
        return None


def _ph_types(layout: Any) -> list[Any]:
    out = []
    for ph in layout.placeholders:
        try:
            out.append(ph.placeholder_format.type)
        except ValueError:  # pragma: no cover - unknown placeholder type
            out.append(None)
    return out


def find_ph(container: Any, types: tuple[Any, ...]) -> Any:
    """The first placeholder of ``container`` (a layout; a slide's: ``deck_slides``) of one of ``types``, or None."""
    for ph in container.placeholders:
        try:
            if ph.placeholder_format.type in types:
                return ph
        except ValueError:  # pragma: no cover
            continue
    return None


def pick_layouts(prs: Any) -> dict[str, Any]:
    """The title, title+content and title-only layouts, found by their placeholders (then names)."""
    layouts = list(prs.slide_layouts)
    if not layouts:
        raise RenderError("the template has no slide layouts")
    kinds = [_ph_types(layout) for layout in layouts]

    def first(test: Any) -> Any:
        return next((layout for layout, types in zip(layouts, kinds, strict=True) if test(layout, types)), None)

    def named(layout: Any, *words: str) -> bool:
        return any(w in (layout.name or "").lower() for w in words)

    def has_title(types: list[Any]) -> bool:
        return any(t in TITLE_TYPES for t in types)

    title = first(lambda _, t: PP_PLACEHOLDER.CENTER_TITLE in t and PP_PLACEHOLDER.SUBTITLE in t) \
        or first(lambda _, t: PP_PLACEHOLDER.CENTER_TITLE in t) \
        or first(lambda lay, _: named(lay, "title slide", "cover"))
    content = first(lambda _, t: PP_PLACEHOLDER.TITLE in t and sum(x in BODY_TYPES for x in t) == 1
                    and not any(x in CONTENT_TYPES and x not in BODY_TYPES for x in t)) \
        or first(lambda _, t: has_title(t) and any(x in BODY_TYPES for x in t))
    title_only = first(lambda _, t: PP_PLACEHOLDER.TITLE in t and not any(x in CONTENT_TYPES for x in t)) \
        or first(lambda lay, _: named(lay, "title only"))
    fallback = content or title_only or first(lambda _, t: has_title(t)) or layouts[0]
    return {"title": title or content or fallback, "content": content or title_only or fallback,
            "title_only": title_only or content or fallback}


@functools.cache
def _default_package() -> bytes:
    """python-pptx's default package, 16:9, with DejaVu Sans and the brief's colours in the theme and the
    layouts stretched to the new width; made once per process (every deck opens a copy)."""
    prs = Presentation()
    old_w = prs.slide_width
    prs.slide_width, prs.slide_height = emu(SLIDE_W), emu(SLIDE_H)
    factor = prs.slide_width / old_w
    master = prs.slide_master
    for holder in [master, *master.slide_layouts]:
        for shape in holder.shapes:
            pptx_xml.stretch_x(shape._element, factor)
    theme_part = master.part.part_related_by(RT.THEME)
    colours = {"dk2": theme.ACCENT, "lt2": theme.TINT, "accent1": theme.ACCENT,
               "accent2": theme.ARM_COLOURS[1], "accent3": theme.ARM_COLOURS[2],
               "accent4": theme.ARM_COLOURS[0], "accent5": theme.ARM_COLOURS[4],
               "accent6": theme.ARM_COLOURS[3]}
    theme_part._blob = pptx_xml.restyle_theme(theme_part.blob, FONT, colours, "evidence-brief")
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def open_presentation(template: Path | None) -> tuple[Any, Frame]:
    """The empty presentation a deck is drawn on (a copy of the package opened once per process, ``copied``:
    copying the parsed parts is several times faster than parsing them), and its frame."""
    data = _default_package() if template is None else load_template(template).data
    plan, frame, kinds = _opened(data, template is not None)
    prs, parts = copied(plan)
    return prs, replace(frame, layout_parts={kind: parts[k] for kind, k in kinds.items()})


@functools.lru_cache(maxsize=4)
def _opened(data: bytes, templated: bool) -> tuple[Blueprint, Frame, dict[str, int]]:
    """The package ``data`` opened without its slides, as the blueprint decks are drawn on copies of, its frame and
    the number of each kind's layout part among the parts (both measured on a copy)."""
    plan = blueprint(_without_slides(data))
    probe, parts = copied(plan)
    frame = _frame(probe, templated)
    number = {id(part): k for k, part in enumerate(parts)}
    kinds = {kind: number[id(part)] for kind, part in frame.layout_parts.items()}
    return plan, frame, kinds


def _without_slides(data: bytes) -> Any:
    prs = Presentation(io.BytesIO(data))
    # Not prs.slides: python-pptx keeps its slide list's element, which a copy of the presentation would not share.
    sld_ids = prs.part._element.sldIdLst
    for sld_id in list(sld_ids if sld_ids is not None else ()):
        prs.part.drop_rel(sld_id.rId)
        sld_ids.remove(sld_id)
    return prs


def _frame(prs: Any, templated: bool) -> Frame:
    W, H = pt(prs.slide_width), pt(prs.slide_height)
    picked = pick_layouts(prs)
    layout_parts = {kind: layout.part for kind, layout in picked.items()}
    # A slide is shown at screen size whatever its page size: a narrower template needs fewer points.
    footer_size = FOOTER_SIZE * min(1.0, W / SLIDE_W)
    whole = Rect(0, 0, W, H)
    frame = Frame(W, H, layout_parts, whole, whole, whole, whole, footer_size)
    mx = round(0.05 * W, 1)
    title_rect = rect_of(find_ph(picked["content"], TITLE_TYPES)) if templated else None
    body_rect = rect_of(find_ph(picked["content"], BODY_TYPES)) if templated else None
    # Our own title: 36 pt fits; the diagrams get the rest.
    title = frame.clamp(title_rect) if title_rect is not None else Rect(mx, 0.04 * H, W - 2 * mx, 0.095 * H)
    if body_rect is not None:
        b = frame.clamp(body_rect)
        top = max(b.y, title.bottom + 0.02 * H)
        body = Rect(b.x, top, b.w, b.bottom - top)
    else:
        top = title.bottom + 0.03 * H
        body = Rect(mx, top, W - 2 * mx, H * 0.92 - top)
    footer = (_template_footer(prs, frame, body) if templated else None) or Rect(mx, H * 0.935, W - 2 * mx, 0.045 * H)
    floor = footer.y - 0.005 * H          # nothing of the body runs into the footer
    if body.bottom > floor:
        body = Rect(body.x, body.y, body.w, floor - body.y)
    low = min(0.93 * H, floor) if not templated else min(0.96 * H, body.bottom + 0.05 * H, floor)
    diagram = Rect(body.x, body.y, body.w, max(body.h, low - body.y))
    return Frame(W, H, layout_parts, title, body, diagram, footer, footer_size)


def _template_footer(prs: Any, frame: Frame, body: Rect) -> Rect | None:
    """The band of the template master's footer, date and slide-number placeholders, across the body's
    width (the footer text left, the number right); None when the master has none."""
    types = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE)
    rects = []
    for ph in prs.slide_master.placeholders:
        try:
            kind = ph.placeholder_format.type
        except ValueError:  # pragma: no cover - unknown placeholder type
            continue
        rect = rect_of(ph) if kind in types else None
        if rect is not None and rect.y > 0.5 * frame.H:
            rects.append(frame.clamp(rect))
    if not rects:
        return None
    need = frame.footer_size * LINE_HEIGHT + 2.0
    bottom = min(max(r.bottom for r in rects), frame.H)
    y = min(min(r.y for r in rects), bottom - need)
    x = min(body.x, min(r.x for r in rects))
    right = max(body.x + body.w, max(r.x + r.w for r in rects))
    return Rect(x, y, right - x, bottom - y)


def save(prs: Any, title: str, subject: str, comments: str) -> bytes:
    """The presentation as reproducible .pptx bytes, its core properties set."""
    moment = source_date() or FIXED_DATE
    props = prs.core_properties
    props.title = title
    props.subject = subject[:255]
    props.author = "evidence-brief"
    props.last_modified_by = "evidence-brief"
    props.keywords = "journal club"
    props.comments = comments
    props.revision = 1
    naive = moment.replace(tzinfo=None)
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    return stable_zip(members(prs.part.package), moment)
