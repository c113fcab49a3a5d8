"""The slides the trial and the review decks share: the title slide, checking the numbers, the key
conclusions and the reference (python-pptx through ``Canvas``).

In:  a ``Content`` or ``ReviewContent`` (the fields both have). Out: the slides, each with speaker notes
     from ``deck_notes``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER

from .. import theme
from ..content import Content
from . import deck_notes, pptx_xml
from .deck_canvas import TITLE_MIN, Canvas
from .deck_diagram import emu, rgb
from .deck_fit import BODY_MIN, P, Para, Run, Section, TextSection, fit_size, paras_height
from .deck_package import Rect, rect_of
from .deck_tables import lead_in

if TYPE_CHECKING:   # a trial's build imports no review module (test_speed_imports)
    from ..review.content import ReviewContent


class SharedSlides(Canvas):
    c: Content | ReviewContent

    # 1 ----------------------------------------------------------------------
    def slide_title(self) -> None:
        c = self.c
        slide = self.slides.new(self.layout_parts["title"])
        W, H = self.W, self.H
        title_ph = self.slides.placeholder(slide, (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE))
        sub_ph = self.slides.placeholder(slide, (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT))
        mx = 0.08 * W
        own_t = rect_of(title_ph) if self.templated else None
        own_s = rect_of(sub_ph) if self.templated else None
        t_rect = self._clamp(own_t) if own_t else Rect(mx, 0.20 * H, W - 2 * mx, 0.22 * H)
        if own_s:
            s_rect = self._clamp(own_s)
        else:
            s_rect = Rect(mx, t_rect.bottom + 0.04 * H, W - 2 * mx, 0.88 * H - t_rect.bottom - 0.04 * H)
        journal = c.journal
        show_title = c.title if c.name != c.title else None
        # The name.
        name_para = P(c.name, bold=True, align="left" if not self.templated else "center")
        t_sizes = (54.0, 48.0, 44.0, 40.0, 36.0, 32.0, 28.0)
        t_size = fit_size([name_para], t_rect.w - 14.4, t_rect.h - 7.2, t_sizes)
        if t_size is None:
            t_size = TITLE_MIN
            need = paras_height([name_para], t_size, t_rect.w - 14.4) + 7.2
            t_rect = Rect(t_rect.x, t_rect.y, t_rect.w, need)
            s_rect = Rect(s_rect.x, max(s_rect.y, t_rect.bottom + 6), s_rect.w,
                          max(s_rect.bottom - max(s_rect.y, t_rect.bottom + 6), 40.0))
        shape = title_ph or slide.shapes.add_textbox(0, 0, 0, 0)
        pptx_xml.place(shape._element, emu(t_rect.x), emu(t_rect.y), emu(t_rect.w), emu(t_rect.h))
        self._frame(shape.text_frame, 7.2, 3.6, "b")
        self._write(shape.text_frame, [name_para], t_size, colour=None if self.templated else theme.ACCENT)
        # Title, journal, presenter line.
        align = "left" if not self.templated else "center"
        muted = None if self.templated else theme.MUTED
        paras = []
        if show_title:
            paras.append(P(show_title, align=align, gap=0.0))
        if journal:
            paras.append(P(journal, bold=True, align=align, gap=0.6))
        paras.append(P("Presented by: [presenter name] · [date]", colour=muted, align=align, gap=1.2, scale=0.85))
        sizes = (28.0, 26.0, 24.0, 22.0, 20.0, 18.0, 16.0)
        inner_w = s_rect.w - 14.4
        size = fit_size(paras, inner_w, s_rect.h - 7.2, sizes) or BODY_MIN
        height = paras_height(paras, size, inner_w) + 7.2
        if sub_ph is None:
            sub = slide.shapes.add_textbox(0, 0, 0, 0)
            sub.name = "Subtitle"
        else:
            sub = sub_ph
        if height > s_rect.h:
            # The template's subtitle box is too small: use the room down to the bottom margin.
            s_rect = Rect(s_rect.x, s_rect.y, s_rect.w, max(s_rect.h, 0.95 * H - s_rect.y))
            size = fit_size(paras, inner_w, s_rect.h - 7.2, sizes) or BODY_MIN
            height = paras_height(paras, size, inner_w) + 7.2
            while height > s_rect.h and len(paras) > 1:
                paras = paras[1:]     # a title of thousands of characters: the name and journal stay
                height = paras_height(paras, size, inner_w) + 7.2
        pptx_xml.place(sub._element, emu(s_rect.x), emu(s_rect.y), emu(s_rect.w), emu(height))
        self._frame(sub.text_frame, 7.2, 3.6)
        self._write(sub.text_frame, paras, size)
        if not self.templated:
            bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(t_rect.x + 7.2), emu(t_rect.bottom + 0.02 * H),
                                         emu(96), emu(4))
            bar.name = "Title rule"
            bar.fill.solid()
            bar.fill.fore_color.rgb = rgb(theme.ACCENT)
            bar.line.fill.background()
            bar.shadow.inherit = False
        keep = {s.shape_id for s in (title_ph, sub_ph) if s is not None}
        self._tidy(slide, keep)
        self._notes(slide, deck_notes.title_notes(c, show_title is not None))


    # 8 ----------------------------------------------------------------------
    def slide_checks(self) -> None:
        """The audit's short reader notes as bullets; every warning in full (message and detail) in the
        speaker notes. No notes, no slide."""
        c = self.c
        items = [lead_in(" ".join(n.split())) for n in c.notes if n.strip()]
        if not items:
            return
        notes = deck_notes.checks_notes(c, items[0].runs[0].text if len(items[0].runs) > 1 else items[0].text)
        self._sections_slides("Checking the numbers", [TextSection(items)],
                              lambda i, p: deck_notes.continued(i, notes))

    # 9 ----------------------------------------------------------------------
    def slide_conclusions(self) -> None:
        c = self.c
        sections: list[Section] = [TextSection([P("Bottom line", bold=True, gap=0.0,
                                                  colour=None if self.templated else theme.ACCENT),
                                                P(c.bottom_line, gap=0.3)], band=True)]
        if c.key_messages:
            sections.append(TextSection([P(m, bullet=True) for m in c.key_messages]))
        notes = deck_notes.conclusions_notes(c)
        self._sections_slides("Key conclusions", sections, lambda i, p: deck_notes.continued(i, notes))


    # 11 ---------------------------------------------------------------------
    def slide_reference(self) -> None:
        c = self.c
        paras: list[Para] = []
        if c.citation:
            paras.append(P(c.citation, gap=0.0))
        if c.doi_url:
            paras.append(Para((Run("DOI: ", bold=True), Run(c.doi_url, link=c.doi_url))))
        if c.registrations:
            runs: list[Run] = [Run("Registration: " if len(c.registrations) == 1 else "Registrations: ", bold=True)]
            for k, (text, url) in enumerate(c.registrations):
                if k:
                    runs.append(Run("; "))
                runs.append(Run(text, link=url) if url else Run(text))
            paras.append(Para(tuple(runs)))
        if c.link_url:
            paras.append(Para((Run("Link: ", bold=True), Run(c.link_url, link=c.link_url))))
        if c.protocol:
            paras.append(Para((Run("Protocol: ", bold=True), Run(c.protocol))))
        if c.funding:
            paras.append(Para((Run("Funding: ", bold=True), Run(c.funding))))
        if c.interests:
            paras.append(Para((Run("Interests: ", bold=True), Run(c.interests))))
        if not paras:
            return
        paras[0] = replace(paras[0], gap=0.0)
        notes = deck_notes.reference_notes(c)
        self._sections_slides("Reference", [TextSection(paras)], lambda i, p: deck_notes.continued(i, notes))

